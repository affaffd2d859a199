"""Error pages: JSON under /api/, Django's HTML pages elsewhere."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import JsonResponse
from django.urls import Resolver404, resolve
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request, exception=None):
    """What Django refuses before any view runs: a body over the upload limit
    (413), too many parameters, a malformed request (400)."""
    if not request.path.startswith("/api/"):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return JsonResponse({"detail": f"The body is larger than {limit} bytes."}, status=413)
    if isinstance(exception, TooManyFieldsSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        return JsonResponse({"detail": f"More than {limit} query parameters."}, status=400)
    return JsonResponse({"detail": "Bad request."}, status=400)


def permission_denied(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "You do not have permission to perform this action."}, status=403)
    return defaults.permission_denied(request, exception)


# Exempt: it changes nothing, and CSRF's HTML 403 would hide the 404 from a signed-in browser.
@csrf_exempt
def api_not_found(request, path=""):
    """Any path under /api/ that no route matches, whatever DEBUG says: a JSON
    404, or, when only the trailing slash is missing, a 308 to the path with it
    (308 keeps the method and body, so a POST is not turned into a GET)."""
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not api_not_found:
            query = request.META.get("QUERY_STRING", "")
            location = request.path + "/" + (f"?{query}" if query else "")
            response = JsonResponse({"detail": f"The path ends with a slash: {request.path}/"}, status=308)
            response["Location"] = location
            return response
    return JsonResponse(
        {"detail": f"No such path: {request.path}. The API's paths are listed at /api/schema/."}, status=404
    )


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Server error."}, status=500)
    return defaults.server_error(request)
