"""`facets=` and `facet_size=` on a list: counts per value over the filtered set.

"facets": {"outlet": {"buckets": [{"value": "granma", "label": "Granma", "count": 3}], "truncated": false,
"timed_out": false}}

Over a whole list, the facets articles.facet_tallies keeps on write are read, not counted. Every
other facet is counted within a time budget (CORPUS_FACET_TIME_LIMIT_MS, as Datasette's
facet_time_limit_ms); one that runs past it is stopped and answered `timed_out: true` with no
buckets, never a partial count.
"""

import copy

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

from articles import facet_tallies, query_budget

from .shaping import requested_names

DEFAULT_SIZE = 50
MAX_SIZE = 1000
DEFAULT_TIME_LIMIT_MS = 100


def time_limit_ms() -> int:
    return getattr(settings, "CORPUS_FACET_TIME_LIMIT_MS", DEFAULT_TIME_LIMIT_MS)


def declared(view) -> dict:
    filterset_class = getattr(view, "filterset_class", None)
    return getattr(filterset_class, "facets", {}) or {}


def requested(view, request) -> list[str]:
    """The facet names asked for, checked; a 400 names an unknown one."""
    return requested_names(request, "facets", list(declared(view)), kind="facet")


def size(request) -> int:
    value = request.query_params.get("facet_size")
    if value is None:
        return DEFAULT_SIZE
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise ValidationError({"facet_size": [f"“{value}” is not a positive whole number."]})
    return min(number, MAX_SIZE)


def counts(view, request, queryset) -> dict | None:
    """The `facets` object for the request, or None when it asks for none."""
    names = requested(view, request)
    limit = size(request)
    if not names:
        return None
    model = queryset.model
    filtered = queryset.query.has_filters()
    # Count over the filtered ids, not the list's query: its ordering,
    # annotations and search join would otherwise shape the GROUP BY.
    records = model._default_manager.filter(pk__in=queryset.values("pk")) if filtered else model._default_manager.all()
    result = {}
    for name in names:
        facet = declared(view)[name]
        tally = None if filtered else facet_tallies.tally_for(model, name)
        buckets, truncated, timed_out = [], False, False
        if tally is not None:  # kept on write: read, not counted
            buckets, truncated = facet_tallies.buckets(tally, facet, limit, records.db)
        else:
            try:
                with query_budget.budget(records.db, time_limit_ms()):
                    buckets, truncated = facet.buckets(records, limit)
            except query_budget.OverBudget:
                timed_out = True
        result[name] = {"buckets": buckets, "truncated": truncated, "timed_out": timed_out}
    return result


def parameters(view) -> list[OpenApiParameter]:
    available = declared(view)
    if not available:
        return []
    described = "; ".join(f"`{name}`: {facet.description}" for name, facet in available.items())
    return [
        OpenApiParameter(
            "facets",
            {"type": "array", "items": {"type": "string", "enum": list(available)}},
            style="form",
            explode=False,
            description=(
                "Comma-separated facets to count over the whole filtered set; the page gains a `facets` object. "
                + described
            ),
        ),
        OpenApiParameter(
            "facet_size",
            {"type": "integer", "minimum": 1},
            description=f"Buckets per facet, most frequent first (years in order); default {DEFAULT_SIZE}, "
            f"at most {MAX_SIZE}.",
        ),
    ]


def response_schema(names: list[str]) -> dict:
    bucket = {
        "type": "object",
        "properties": {
            "value": {
                "type": ["string", "null"],
                "description": "The value to pass to the filter of the same name; null for records without one.",
            },
            "label": {"type": "string"},
            "count": {"type": "integer", "description": "Records of the filtered set with this value."},
        },
        "required": ["value", "label", "count"],
    }
    facet = {
        "type": "object",
        "properties": {
            "buckets": {"type": "array", "items": bucket},
            "truncated": {"type": "boolean", "description": "More values exist than `facet_size` shows."},
            "timed_out": {
                "type": "boolean",
                "description": f"Counting ran past the server's time budget for a facet "
                f"({time_limit_ms()} ms) and was stopped: no buckets are given rather than a partial count. "
                "Narrow the list with a filter to count it.",
            },
        },
        "required": ["buckets", "truncated", "timed_out"],
    }
    return {
        "type": "object",
        "description": "Only with `facets=`: counts per value over the whole filtered set.",
        "properties": {name: copy.deepcopy(facet) for name in names},
    }
