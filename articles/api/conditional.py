"""ETags for detail responses, and the HTTP preconditions that use them.

A record's ETag is made of its version signature (articles.record_versions),
read in one query before the record, with what shapes the answer: the media
type, the query parameters and the base of its links. So it changes whenever
anything a client sees changes, related records included, and
`If-None-Match` with the current ETag is a 304 with neither the record read
nor its body rendered. A record of no versioned model gets a digest of its
representation instead. A write whose `If-Match` no longer matches is a 412
and changes nothing. Writes compare against the ETag of the plain JSON detail
(no `fields`, `omit` or `format`).
"""

import hashlib

import orjson
from django.utils.http import parse_etags, quote_etag
from rest_framework import status
from rest_framework.exceptions import APIException

from articles import record_versions

PLAIN_JSON = "application/json"


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The record has changed since you read it (If-Match does not match its ETag); read it again."
    default_code = "precondition_failed"


def etag_for(data, media_type: str = "application/json") -> str:
    payload = orjson.dumps([media_type, data], default=str, option=orjson.OPT_SORT_KEYS)
    return quote_etag(hashlib.sha256(payload).hexdigest()[:32])


def record_etag(view, *, pk=None, plain: bool = False) -> str | None:
    """The ETag of `view`'s detail from its record's version: the record the URL names, or the one
    with primary key `pk`. None where the model has no versions or no such record exists (the view
    then reads the record as usual, and answers 404 or digests what it renders)."""
    model = view.queryset.model
    if model not in record_versions.SHOWS:
        return None
    if pk is not None:
        found = record_versions.signature(model, "pk", pk, using=view.queryset.db)
    else:
        field = view.lookup_field
        value = view.kwargs[view.lookup_url_kwarg or field]
        found = record_versions.signature(model, field, value, using=view.queryset.db)
    if found is None:
        return None
    request = view.request
    shape = [PLAIN_JSON, []] if plain else [request.accepted_renderer.media_type, sorted(request.query_params.lists())]
    return record_versions.etag(model, found, [*shape, request.build_absolute_uri("/")])


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
