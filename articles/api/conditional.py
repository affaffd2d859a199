"""ETags for detail responses, and the HTTP preconditions that use them.

An ETag is a digest of the representation, so it changes whenever anything a
client sees changes, related records included. `If-None-Match` with the
current ETag is a 304 before the body is rendered; a write whose `If-Match`
no longer matches is a 412 and changes nothing. Writes compare against the
ETag of the plain JSON detail (no `fields`, `omit` or `format`).
"""

import hashlib

import orjson
from django.utils.http import parse_etags, quote_etag
from rest_framework import status
from rest_framework.exceptions import APIException


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The record has changed since you read it (If-Match does not match its ETag); read it again."
    default_code = "precondition_failed"


def etag_for(data, media_type: str = "application/json") -> str:
    payload = orjson.dumps([media_type, data], default=str, option=orjson.OPT_SORT_KEYS)
    return quote_etag(hashlib.sha256(payload).hexdigest()[:32])


def _matches(header: str, etag: str) -> bool:
    tags = parse_etags(header)
    # A weak comparison, as RFC 9110 asks for If-None-Match.
    return "*" in tags or any(tag.removeprefix("W/") == etag for tag in tags)


def is_not_modified(request, etag: str) -> bool:
    header = request.headers.get("If-None-Match")
    return bool(header) and _matches(header, etag)


def check_if_match(request, etag: str) -> None:
    header = request.headers.get("If-Match")
    if header and not _matches(header, etag):
        raise PreconditionFailed()
