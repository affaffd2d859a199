"""One error shape for the API: a JSON object naming the field and the problem.

DRF already answers its own exceptions that way; this adds the database's
refusals, so that a rule the serializer could not check in advance (a slug
taken by a concurrent request, a record still referenced) is a 4xx, not a 500,
and an unreachable database is a 503 the client may retry.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.db.models import ProtectedError, RestrictedError
from rest_framework import exceptions, renderers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .. import db_errors
from .exports import ExportRenderer

RETRY_AFTER_SECONDS = 5
UNAVAILABLE = "The database is unavailable; retry shortly."


def exception_handler(exc, context):
    request = context.get("request")
    if request is not None and isinstance(getattr(request, "accepted_renderer", None), ExportRenderer):
        # An error is not a CSV or JSON-LD document: answer it in JSON.
        request.accepted_renderer = renderers.JSONRenderer()
        request.accepted_media_type = request.accepted_renderer.media_type
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})
    # Before IntegrityError, which these subclass.
    if isinstance(exc, ProtectedError | RestrictedError):
        return Response(_still_referenced(exc), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DataError):
        return Response(db_errors.data_error_body(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, IntegrityError):
        return _integrity_response(exc)
    if db_errors.is_outage(exc):
        return database_unavailable_response()
    if isinstance(exc, exceptions.ValidationError) and _only_conflicts(exc.detail):
        # Well-formed, but a slug already taken: it depends on other records,
        # as a 409 from the database does. Naming a record that does not exist is a 400.
        return Response(exc.detail, status=status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)


CONFLICT_CODES = {"unique", "conflict"}


def _only_conflicts(detail) -> bool:
    if isinstance(detail, dict):
        return bool(detail) and all(_only_conflicts(item) for item in detail.values())
    if isinstance(detail, list):
        return bool(detail) and all(_only_conflicts(item) for item in detail)
    return getattr(detail, "code", None) in CONFLICT_CODES


def _integrity_response(exc):
    violation = db_errors.describe(exc)
    # A uniqueness or reference clash depends on other records: 409. A broken
    # rule about this record's own values is invalid input: 400.
    code = status.HTTP_409_CONFLICT if violation.conflict else status.HTTP_400_BAD_REQUEST
    return Response({violation.field: [violation.message]}, status=code)


def _still_referenced(exc):
    referencing = getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", ())
    kinds = sorted({str(obj._meta.verbose_name_plural) for obj in referencing})
    return {"detail": f"This record is still referenced by {', '.join(kinds) or 'other records'}; change those first."}


def database_unavailable_response():
    return Response(
        {"detail": UNAVAILABLE},
        status=status.HTTP_503_SERVICE_UNAVAILABLE,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )
