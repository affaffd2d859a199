"""Every error status an operation on the corpus can answer, and how the
schema describes each: one catalogue, read by the AutoSchema and by the
operations that list their own responses (history, compare)."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions

# The two shapes of an error body, as components (added by schema.error_components):
# a message, or the messages of each field or parameter at fault.
ERROR = {"$ref": "#/components/schemas/Error"}
FIELD_ERRORS = {"$ref": "#/components/schemas/FieldErrors"}
MESSAGES = {"type": "array", "items": {"type": "string"}}


ERROR_COMPONENTS = {
    "Error": {
        "type": "object",
        "description": "What went wrong, in one message.",
        "properties": {"detail": {"type": "string", "description": "The message."}},
        "required": ["detail"],
    },
    "FieldErrors": {
        "type": "object",
        "description": "Each key names a field of the body (or a query parameter) and holds its messages; "
        "`non_field_errors` holds those about the record as a whole, and `detail` a message about the whole "
        "request (a body that is not JSON, say).",
        "properties": {
            "detail": {"type": "string", "description": "A message about the whole request."},
            # An export over the client's row cap (articles.api.exports).
            "max_rows": {"type": "integer", "description": "Only on an export over the cap: the most rows allowed."},
            "count": {"type": "integer", "description": "Only on an export over the cap: the rows it would have."},
            "count_is_exact": {"type": "boolean", "description": "Only on an export over the cap."},
        },
        "additionalProperties": {"$ref": "#/components/schemas/FieldMessages"},
    },
    # Spelled out level by level, each its own component, rather than as a schema referring to itself:
    # openapi-python-client cannot generate a recursive or an inline nested union (it dropped every error
    # response). Three levels: a bulk write's record by index, its field, an item of a list field.
    "FieldMessages": {
        "description": "A field's messages; for a list or object field (a bulk write's records, say), the messages "
        "of each item by its index or key (ItemMessages).",
        "oneOf": [MESSAGES, {"$ref": "#/components/schemas/ItemMessages"}],
    },
    "ItemMessages": {
        "type": "object",
        "description": "Messages by item (index or key): a list of messages, or the messages of each of its fields.",
        "additionalProperties": {"oneOf": [MESSAGES, {"$ref": "#/components/schemas/ItemFieldMessages"}]},
    },
    "ItemFieldMessages": {
        "type": "object",
        "description": "An item's fields, each with its messages.",
        "additionalProperties": MESSAGES,
    },
}
# Answered by the server in front of the API, before the API sees the request: no body of ours.
NOT_THE_APIS = {414}
# 400 and 409 name fields; every other error is one message.
SHAPES = {400: FIELD_ERRORS, 409: FIELD_ERRORS}
ERROR_DESCRIPTIONS = {
    400: "Invalid input: the body names each field (or parameter) and its problem; an export larger than the "
    "client's row cap names the cap (`max_rows`) and the `count`.",
    401: "No valid credentials: a token that is unknown or malformed (reads too), or none on a write.",
    403: "The credentials lack the permission for this change.",
    404: "No such record (or, on a list, a page past the last one).",
    406: "None of the media types in Accept (or `format`) can be served.",
    409: "The change conflicts with another record (a taken slug, a record still referenced).",
    412: "`If-Match` does not match the record's current ETag: it changed since it was read. Nothing was changed.",
    414: "The request line (path and query) is longer than the server in front of the API takes: 8,190 bytes "
    "under gunicorn (GUNICORN_LIMIT_REQUEST_LINE). That server answers before the API sees the request, so the "
    "body is its own, not JSON. Send fewer values, or narrow by other filters.",
    413: "The body is larger than the upload limit (DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB by default).",
    415: "The body is not JSON (`Content-Type: application/json`).",
    429: "Too many requests; wait the number of seconds in `Retry-After`.",
    503: "The database is unavailable (or, for an export, the server is streaming as many as it may at once); "
    "retry after the seconds in `Retry-After`.",
}


def error_statuses(method: str, detail: bool) -> list[int]:
    """Every error status an operation on the corpus can answer; `detail`: on one record."""
    writes = method not in permissions.SAFE_METHODS
    # A read needs no credentials, but one sent with a bad token is refused, not read anonymously.
    statuses = [400, 401]
    if writes:
        statuses.append(403)
    if detail or method == "GET":  # a list's page past the last one is a 404 too
        statuses.append(404)
    statuses.append(406)
    if writes:
        statuses.append(409)
    if writes and detail:
        statuses.append(412)
    if method in ("POST", "PUT", "PATCH"):
        statuses += [413, 415]
    return [*statuses, 414, 429, 503]


def error_responses(method: str, detail: bool) -> dict:
    """The error responses of `error_statuses`, e.g. for an operation that lists its own responses."""
    return {
        status: OpenApiResponse(
            None if status in NOT_THE_APIS else SHAPES.get(status, ERROR), description=ERROR_DESCRIPTIONS[status]
        )
        for status in error_statuses(method, detail)
    }
