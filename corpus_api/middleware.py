from django.conf import settings
from django.http import HttpResponse, JsonResponse

from articles import db_errors
from articles.api.errors import RETRY_AFTER_SECONDS, UNAVAILABLE


class PermissionsPolicyMiddleware:
    """Every response says which browser features no page of the service may
    use (settings.PERMISSIONS_POLICY: feature -> allowed origins, () for none)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})" for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


class RejectNulBytesMiddleware:
    """A NUL byte in the path or a query parameter is a 400 naming it.

    PostgreSQL cannot store or compare text containing NUL, so the value must
    be refused before any lookup or filter sends it to the database.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            return JsonResponse({"path": ["NUL characters are not allowed."]}, status=400)
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                name = key.replace("\x00", "\\x00")
                return JsonResponse({name: ["NUL characters are not allowed."]}, status=400)
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """A lost or refused database connection outside the API's views (the
    admin, authentication) is a 503 with Retry-After, like inside them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not db_errors.is_outage(exception):
            return None
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": UNAVAILABLE}, status=503)
        else:
            response = HttpResponse(UNAVAILABLE, status=503, content_type="text/plain")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
