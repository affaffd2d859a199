"""A chunked request body is read or refused, never taken as empty: through
the WSGI application as a server calls it (gunicorn de-chunks and sets
wsgi.input_terminated; runserver does neither)."""

import io
import json
from wsgiref.util import setup_testing_defaults

import pytest
from django.test import override_settings

from articles.models import Person
from corpus_api.wsgi import application

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("keep_the_test_connection")]


def call(method, path, body: bytes, headers: dict, terminated: bool):
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SERVER_NAME": "localhost",
        "HTTP_HOST": "localhost",
        "CONTENT_TYPE": "application/json",
        "HTTP_TRANSFER_ENCODING": "chunked",
        "wsgi.input": io.BytesIO(body),
        **headers,
    }
    if terminated:
        environ["wsgi.input_terminated"] = True
    setup_testing_defaults(environ)
    environ.pop("CONTENT_LENGTH", None)
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(response_headers)

    chunks = application(environ, start_response)
    try:
        answer["body"] = b"".join(chunks)
    finally:
        getattr(chunks, "close", lambda: None)()
    return answer


def credentials(client) -> dict:
    return {"HTTP_AUTHORIZATION": client._credentials["HTTP_AUTHORIZATION"]}


def test_a_chunked_patch_through_a_terminating_server_is_written(editor_client, sample):
    body = json.dumps({"description": "Sent in chunks."}).encode()
    answer = call("PATCH", "/api/v1/people/fidel-castro/", body, credentials(editor_client), terminated=True)
    assert answer["status"] == 200, answer
    assert json.loads(answer["body"])["description"] == "Sent in chunks."
    assert Person.objects.get(slug="fidel-castro").description == "Sent in chunks."


def test_a_chunked_patch_to_a_server_that_cannot_tell_its_end_is_a_411(editor_client, sample):
    person = Person.objects.get(slug="fidel-castro")
    entries = person.history.count()
    body = json.dumps({"description": "Sent in chunks."}).encode()
    answer = call("PATCH", "/api/v1/people/fidel-castro/", body, credentials(editor_client), terminated=False)
    assert answer["status"] == 411
    assert answer["headers"]["Content-Type"] == "application/json"
    assert "Content-Length" in json.loads(answer["body"])["detail"]
    person.refresh_from_db()
    assert person.description != "Sent in chunks."
    assert person.history.count() == entries


def test_a_chunked_body_over_the_upload_limit_is_a_413(editor_client, sample):
    body = json.dumps({"description": "x" * 2000}).encode()
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000):
        answer = call("PATCH", "/api/v1/people/fidel-castro/", body, credentials(editor_client), terminated=True)
    assert answer["status"] == 413
    assert "1000 bytes" in json.loads(answer["body"])["detail"]
    assert Person.objects.get(slug="fidel-castro").description != "x" * 2000
