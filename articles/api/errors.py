"""One error shape for the API: a JSON object naming the field and the problem.

DRF already answers its own exceptions that way; this adds the database's
refusals so that a constraint the serializer did not foresee is a 4xx, not a 500.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework import exceptions, renderers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .exports import ExportRenderer


def exception_handler(exc, context):
    request = context.get("request")
    if request is not None and isinstance(getattr(request, "accepted_renderer", None), ExportRenderer):
        # An error is not a CSV or JSON-LD document: answer it in JSON.
        request.accepted_renderer = renderers.JSONRenderer()
        request.accepted_media_type = request.accepted_renderer.media_type
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})
    if isinstance(exc, IntegrityError):
        return Response(
            {"detail": "The change conflicts with another record (a duplicate or a broken reference)."},
            status=status.HTTP_409_CONFLICT,
        )
    return drf_exception_handler(exc, context)
