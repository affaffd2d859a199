from django.http import JsonResponse


class RejectNulBytesMiddleware:
    """A NUL byte in a query parameter is a 400 naming the parameter.

    PostgreSQL cannot store or compare text containing NUL, so the value must
    be refused before any filter sends it to the database.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                name = key.replace("\x00", "\\x00")
                return JsonResponse({name: ["NUL characters are not allowed."]}, status=400)
        return self.get_response(request)
