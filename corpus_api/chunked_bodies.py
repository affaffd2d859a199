"""Request bodies sent with `Transfer-Encoding: chunked`.

Django reads a body by its Content-Length. A chunked body has none, so Django
read it as empty: a chunked PATCH answered 200 and changed nothing. gunicorn
de-chunks the body and says so (`wsgi.input_terminated`, reading to the end is
safe): there the body is read, up to the upload limit, and given its length.
A server that does not say so (runserver) gets a 411, never a silent empty body.
"""

import io
import json

from django.conf import settings


class ChunkedBodies:
    """WSGI middleware around Django's application (corpus_api.wsgi)."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not environ.get("CONTENT_LENGTH"):
            if not environ.get("wsgi.input_terminated"):
                return _refuse(
                    start_response,
                    "411 Length Required",
                    "This server cannot read a chunked body: send it with a Content-Length.",
                )
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            body = environ["wsgi.input"].read() if limit is None else environ["wsgi.input"].read(limit + 1)
            if limit is not None and len(body) > limit:
                return _refuse(start_response, "413 Content Too Large", f"The body is larger than {limit} bytes.")
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        return self.application(environ, start_response)


def _refuse(start_response, status: str, detail: str):
    body = json.dumps({"detail": detail}).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
