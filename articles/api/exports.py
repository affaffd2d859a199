"""Exports: `GET …/export/csv/` and `…/export/ndjson/` on every list,
`/api/v1/articles/export/jsonld/` on articles, each its own operation with one
media type, so a generated client can download it (`export_operation`). The
older `format=csv|ndjson|jsonld` on a list or detail still answers the same
bytes; the schema documents only the operations.

A list export is the whole filtered set in the list's order, not one page,
streamed in chunks so memory stays flat however many rows there are. Errors
are still answered in JSON (see articles.api.errors).

Before a list export starts, `admit` decides whether it may run at all:

- An anonymous export has at most EXPORT_ANON_MAX_ROWS rows (10 000 unless
  settings say otherwise), a signed-in one at most EXPORT_USER_MAX_ROWS (no cap
  unless set). A larger set is a 400 naming the cap and the count, so nothing
  starts that the client would only get part of.
- An export weighs in the client's request rate as the pages it replaces: one
  request per MAX_PAGE_SIZE rows, rounded up (but never more than the whole
  rate, so a large export stays possible in a window of its own). One that does
  not fit is a 429 with Retry-After.

A streamed answer has no Content-Length (chunked transfer): a connection cut
mid-export ends without the terminating chunk, which an HTTP client reports.

A worker process streams at most EXPORTS_PER_PROCESS exports at once (2 unless
settings say otherwise; with gunicorn's 4 threads, 2 stay free for everything
else): one more is a 503 with Retry-After, which the client retries on a new
connection (that may reach another worker). A running export holds its place
until its response is closed: finished, failed or cut.
"""

import csv
import json
import math
import threading
from decimal import Decimal
from itertools import islice

from django.conf import settings
from django.http import StreamingHttpResponse
from django.utils.text import slugify
from rest_framework import renderers, status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, Throttled, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.settings import api_settings
from rest_framework.utils.encoders import JSONEncoder

from .pagination import MAX_PAGE_SIZE, estimated_count, exact_count_limit
from .throttling import WindowCounter

CHUNK = 500  # records serialised at a time; each chunk runs its own prefetches
DEFAULT_ANON_MAX_ROWS = 10_000
DEFAULT_EXPORTS_PER_PROCESS = 2
BUSY_RETRY_AFTER_SECONDS = 2


def chunks(queryset):
    """The queryset in lists of CHUNK records, read from a server-side cursor
    on PostgreSQL; prefetches run per chunk."""
    rows = queryset.iterator(chunk_size=CHUNK)
    while chunk := list(islice(rows, CHUNK)):
        yield chunk
        forget(chunk)


def forget(records):
    """Drop what each served record holds. A prefetched relation points back at its record
    (a mention's article is the article), a cycle that only the garbage collector's rare full
    pass would free: over a whole export the worker would grow by every chunk it served."""
    for record in records:
        if hasattr(record, "__dict__"):
            record.__dict__.clear()


def max_rows(request) -> int | None:
    """The most rows this client may export at once; None: no cap."""
    if request.user is not None and request.user.is_authenticated:
        return getattr(settings, "EXPORT_USER_MAX_ROWS", None)
    return getattr(settings, "EXPORT_ANON_MAX_ROWS", DEFAULT_ANON_MAX_ROWS)


class ExportTooLarge(APIException):
    """More rows than the client may export: a 400 whose body names the cap and the count."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "export_too_large"

    def __init__(self, *, count: int, exact: bool, cap: int, anonymous: bool):
        rows = f"{count:,}" if exact else f"more than {cap:,} (about {count:,})"
        more = "narrow it with filters (for example published_after, outlet, person or search) and export in parts"
        if anonymous:
            more += ", or export with an editor's token (Authorization: Token <key>), which has a higher allowance"
        super().__init__()
        # Kept as plain values (DRF would turn the numbers into strings).
        self.detail = {
            "detail": f"This export has {rows} rows; an export may have at most {cap:,}. To get them all, {more}.",
            "max_rows": cap,
            "count": count,
            "count_is_exact": exact,
        }


def admit(view, queryset):
    """Refuse, before anything is streamed, an export larger than the client's cap (400) or
    heavier than what is left of its request rate (429); charge the rate for it otherwise."""
    request = view.request
    cap = max_rows(request)
    throttles = [t for t in view.get_throttles() if isinstance(t, WindowCounter) and t.applies(request, view)]
    if cap is None and not throttles:
        return
    # Count only as far as an answer needs: past the cap (an exact count in the refusal up to the list's
    # exact-count limit), or without a cap, past the rows the largest rate can charge.
    if cap is not None:
        needed = max(cap, exact_count_limit())
    else:
        needed = max(t.num_requests * MAX_PAGE_SIZE for t in throttles)
    counted = queryset.order_by()[: needed + 1].count()
    if cap is not None and counted > cap:
        exact = counted <= needed
        count = counted if exact else max(needed + 1, estimated_count(queryset) or 0)
        raise ExportTooLarge(count=count, exact=exact, cap=cap, anonymous=not request.user.is_authenticated)
    pages = max(1, math.ceil(counted / MAX_PAGE_SIZE))
    for throttle in throttles:
        # The request itself was counted when it came in.
        cost = min(pages, throttle.num_requests) - 1
        if not throttle.charge(request, view, cost):
            raise Throttled(
                throttle.wait(),
                detail=f"This export of {counted:,} rows counts as {pages:,} requests (one per "
                f"{MAX_PAGE_SIZE} rows), more than is left of your rate in this window.",
            )


class ExportsBusy(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "exports_busy"
    default_detail = "This server is streaming as many exports as it may at once; retry in a moment."
    wait = BUSY_RETRY_AFTER_SECONDS  # DRF's handler sends it as Retry-After


class ExportSlots:
    """The exports this process streams at the moment, against EXPORTS_PER_PROCESS."""

    def __init__(self):
        self._lock = threading.Lock()
        self.taken = 0

    def take(self) -> bool:
        limit = getattr(settings, "EXPORTS_PER_PROCESS", DEFAULT_EXPORTS_PER_PROCESS)
        with self._lock:
            if limit is not None and self.taken >= limit:
                return False
            self.taken += 1
            return True

    def free(self):
        with self._lock:
            self.taken -= 1


SLOTS = ExportSlots()


class _HeldBody:
    """An export's body that frees its slot when closed: by the server once the response is sent
    or abandoned, or, for a response never sent at all, when it is dropped."""

    def __init__(self, parts):
        self._parts = parts
        self._held = True

    def __iter__(self):
        return self._parts

    def close(self):
        try:
            self._parts.close()
        finally:
            self._release()

    def _release(self):
        if self._held:
            self._held = False
            SLOTS.free()

    def __del__(self):
        self._release()


class _WithoutFormat:
    """The request as the serializers see it in an export: without `format`,
    which DRF would otherwise carry into every URL it builds."""

    def __init__(self, request):
        self._request = request
        self.GET = request.GET.copy()
        self.GET.pop(api_settings.URL_FORMAT_OVERRIDE, None)

    def __getattr__(self, name):
        return getattr(self._request, name)


def export_context(view) -> dict:
    context = view.get_serializer_context()
    context["request"] = _WithoutFormat(context["request"])
    return context


class ExportRenderer(renderers.BaseRenderer):
    """A renderer that can also stream a whole queryset (`stream`) and render
    one record its own way (`document`)."""

    def stream(self, view, queryset) -> StreamingHttpResponse:
        """The export of a list, its page parameters checked as for a page."""
        if view.paginator is not None:
            view.paginator.check_parameters(view.request)
        if not SLOTS.take():
            raise ExportsBusy()
        try:
            admit(view, queryset)
            response = self.stream_records(view, queryset)
        except BaseException:
            SLOTS.free()
            raise
        return response

    def stream_records(self, view, queryset) -> StreamingHttpResponse:
        raise NotImplementedError

    def document(self, view, instance):
        return view.get_serializer_class()(instance, context=export_context(view)).data

    def response(self, view, body, extension: str) -> StreamingHttpResponse:
        # Django closes an iterable that has close() when the response is closed.
        response = StreamingHttpResponse(_HeldBody(body), content_type=f"{self.media_type}; charset=utf-8")
        name = slugify(view.queryset.model._meta.verbose_name_plural)
        if view.action not in ("list", "retrieve") and not is_export(view.action):
            name = f"{name}-{view.action}"
        response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
        return response


def readable(value) -> str:
    """A cell: a related object by its name or title, several joined by "; "."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dict):
        for key in ("name", "title", "label"):
            if key in value:
                return readable(value[key])
        return json.dumps(value, cls=JSONEncoder, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "; ".join(readable(item) for item in value)
    if isinstance(value, str):
        return spreadsheet_safe(value)
    return str(value)


# A spreadsheet reads a cell starting with one of these as a formula
# (OWASP, CSV injection); a leading apostrophe makes it text again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """Text as a spreadsheet shows it, never runs it. The JSON answers keep
    the raw value; numbers are not text and are never touched."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def script_safe_json(value) -> str:
    """JSON that can sit inside an HTML <script> block: `<`, `>` and `&` as
    \\u escapes, which every JSON reader decodes to the same text."""
    text = json.dumps(value, cls=JSONEncoder, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class _Lines:
    """A file-like object whose write() hands the line back to the caller."""

    def write(self, line):
        return line


class CSVRenderer(ExportRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        rows = data if isinstance(data, list) else [data]
        header = list(rows[0]) if rows else []
        writer = csv.writer(_Lines())
        lines = [writer.writerow(header), *(writer.writerow([readable(row.get(k)) for k in header]) for row in rows)]
        return "".join(lines).encode(self.charset)

    def stream_records(self, view, queryset):
        serializer_class = view.get_serializer_class()
        context = export_context(view)
        header = list(serializer_class(context=context).fields)
        writer = csv.writer(_Lines())

        # One serializer for every chunk: a new one per chunk (bound fields, data pointing back at its
        # serializer) would be cycles left for the garbage collector, as the records would be.
        serializer = serializer_class(many=True, context=context)

        def lines():
            yield writer.writerow(header)
            for chunk in chunks(queryset):
                # One piece per chunk, not per row: a write (and an HTTP chunk) per row costs more than the row.
                rows = serializer.to_representation(chunk)
                yield "".join(writer.writerow([readable(row.get(name)) for name in header]) for row in rows)

        return self.response(view, lines(), "csv")


class NDJSONRenderer(ExportRenderer):
    """Newline-delimited JSON: one result per line, with the keys of the JSON
    list's results (fields/omit honoured) and every value as stored."""

    media_type = "application/x-ndjson"
    format = "ndjson"
    charset = "utf-8"

    # Line breaks to readers that split on more than "\n" (Python's str.splitlines, JavaScript's
    # line terminators) that json.dumps leaves raw: written as \u escapes, which decode to the same text.
    LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})

    @classmethod
    def line(cls, record) -> str:
        # json.dumps escapes every control character, a newline in a text included: one record, one line.
        return json.dumps(record, cls=JSONEncoder, ensure_ascii=False).translate(cls.LINE_BREAKS) + "\n"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        records = data if isinstance(data, list) else [data]
        return "".join(self.line(record) for record in records).encode(self.charset)

    def stream_records(self, view, queryset):
        serializer = view.get_serializer_class()(many=True, context=export_context(view))  # one, as for CSV

        def lines():
            for chunk in chunks(queryset):
                yield "".join(self.line(record) for record in serializer.to_representation(chunk))

        return self.response(view, lines(), "ndjson")


class JSONLDRenderer(ExportRenderer):
    """schema.org JSON-LD; `serializer_class` turns a record into a node."""

    media_type = "application/ld+json"
    format = "jsonld"
    charset = "utf-8"
    serializer_class = None
    CONTEXT = "https://schema.org"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return script_safe_json(data).encode(self.charset)

    def document(self, view, instance):
        node = self.serializer_class(instance, context=export_context(view)).data
        return {"@context": self.CONTEXT, **node}

    def stream_records(self, view, queryset):
        context = export_context(view)

        serializer = self.serializer_class(many=True, context=context)  # one for every chunk, as for CSV

        def parts():
            yield f'{{"@context": "{self.CONTEXT}", "@graph": ['
            separator = ""
            for chunk in chunks(queryset):
                nodes = serializer.to_representation(chunk)
                yield separator + ",".join(script_safe_json(node) for node in nodes)
                separator = ","
            yield "]}"

        return self.response(view, parts(), "jsonld")


EXPORT_PREFIX = "export_"


def is_export(action_name: str | None) -> bool:
    """Whether a view's action is one of the export operations."""
    return (action_name or "").startswith(EXPORT_PREFIX)


def export_operation(renderer_class):
    """The export of a viewset's list as its own operation, `export/<format>/`: the list's filters and
    ordering, the whole filtered set streamed in one media type, errors in JSON."""

    def export(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    export.__name__ = f"{EXPORT_PREFIX}{renderer_class.format}"
    return action(
        detail=False,
        methods=["get"],
        url_path=f"export/{renderer_class.format}",
        url_name=f"export-{renderer_class.format}",
        renderer_classes=[renderer_class],
        pagination_class=None,  # the whole set, never a page
    )(export)


class FormatNegotiation(DefaultContentNegotiation):
    """An unknown `format=` is a 400 naming the parameter (DRF answers 404).

    A method the view does not answer gets its 405 whatever the format: DRF
    negotiates before it looks for the handler.
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        view = (getattr(request, "parser_context", None) or {}).get("view")
        if view is not None and getattr(view, request.method.lower(), None) is None:
            return renderers[0], renderers[0].media_type
        if request.query_params.get(self.settings.URL_FORMAT_OVERRIDE) == "":
            self.filter_renderers(renderers, "")  # a 400 naming format: DRF would read it as no format
        return super().select_renderer(request, renderers, format_suffix)

    def filter_renderers(self, renderers, format):
        matching = [renderer for renderer in renderers if renderer.format == format]
        if not matching:
            formats = ", ".join(r.format for r in renderers if r.format != "api")
            raise ValidationError(
                {self.settings.URL_FORMAT_OVERRIDE: [f"Unknown format “{format}”. Choose from: {formats}."]}
            )
        return matching
