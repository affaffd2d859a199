"""Every error status an operation on the corpus can answer, and how the
schema describes each: one catalogue, read by the AutoSchema and by the
operations that list their own responses (history, compare)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions

ERROR = OpenApiTypes.OBJECT
ERROR_DESCRIPTIONS = {
    400: "Invalid input: the body names each field (or parameter) and its problem; an export larger than the "
    "client's row cap names the cap (`max_rows`) and the `count`.",
    401: "No valid credentials; writing needs an editor's token or session.",
    403: "The credentials lack the permission for this change.",
    404: "No such record (or, on a list, a page past the last one).",
    406: "None of the media types in Accept (or `format`) can be served.",
    409: "The change conflicts with another record (a taken slug, a record still referenced).",
    412: "`If-Match` does not match the record's current ETag: it changed since it was read. Nothing was changed.",
    415: "The body is not JSON (`Content-Type: application/json`).",
    429: "Too many requests; wait the number of seconds in `Retry-After`.",
    503: "The database is unavailable (or, for an export, the server is streaming as many as it may at once); "
    "retry after the seconds in `Retry-After`.",
}


def error_statuses(method: str, detail: bool) -> list[int]:
    """Every error status an operation on the corpus can answer; `detail`: on one record."""
    writes = method not in permissions.SAFE_METHODS
    statuses = [400]
    if writes:
        statuses += [401, 403]
    if detail or method == "GET":  # a list's page past the last one is a 404 too
        statuses.append(404)
    statuses.append(406)
    if writes:
        statuses.append(409)
    if writes and detail:
        statuses.append(412)
    if method in ("POST", "PUT", "PATCH"):
        statuses.append(415)
    return [*statuses, 429, 503]


def error_responses(method: str, detail: bool) -> dict:
    """The error responses of `error_statuses`, e.g. for an operation that lists its own responses."""
    return {
        status: OpenApiResponse(ERROR, description=ERROR_DESCRIPTIONS[status])
        for status in error_statuses(method, detail)
    }
