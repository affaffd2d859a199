"""Error pages: JSON under /api/, Django's HTML pages elsewhere."""

from django.http import JsonResponse
from django.urls import Resolver404, resolve
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


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
