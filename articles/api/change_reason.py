"""Why a change was made: a write's `X-Change-Reason` header, which the
record's history keeps as the change's reason (see articles.api.history)."""

import contextlib

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

REASON_HEADER = "X-Change-Reason"


def change_reason(request) -> str | None:
    """The write's `X-Change-Reason`, as text, or None without one.

    WSGI hands a header over as Latin-1; a client sending UTF-8 (a reason
    naming "Chávez") gets it back as written. Control characters, NUL among
    them, are dropped: they cannot be stored on PostgreSQL and mean nothing here.
    """
    value = request.headers.get(REASON_HEADER, "") if request is not None else ""
    with contextlib.suppress(UnicodeError):
        value = value.encode("latin-1").decode("utf-8")
    value = "".join(ch for ch in value if ch.isprintable()).strip()
    return value or None


def reason_parameter() -> OpenApiParameter:
    return OpenApiParameter(
        REASON_HEADER,
        OpenApiTypes.STR,
        location=OpenApiParameter.HEADER,
        description="Why this change is made; the record's history keeps it as the change's reason.",
    )
