"""One error shape for the API: a JSON object naming the field and the problem.

DRF already answers its own exceptions that way; this adds the database's
refusals so that a constraint the serializer did not foresee is a 4xx, not a 500.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})
    if isinstance(exc, IntegrityError):
        return Response(
            {"detail": "The change conflicts with another record (a duplicate or a broken reference)."},
            status=status.HTTP_409_CONFLICT,
        )
    return drf_exception_handler(exc, context)
