"""Exports: `format=csv` on every list and detail, `format=jsonld` on articles.

A list export is the whole filtered set in the list's order, not one page,
streamed in chunks so memory stays flat however many rows there are. Errors
are still answered in JSON (see articles.api.errors).
"""

import csv
import json
from decimal import Decimal
from itertools import islice

from django.http import StreamingHttpResponse
from django.utils.text import slugify
from rest_framework import renderers
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.settings import api_settings
from rest_framework.utils.encoders import JSONEncoder

CHUNK = 500  # records serialised at a time; each chunk runs its own prefetches


def chunks(queryset):
    """The queryset in lists of CHUNK records, read from a server-side cursor
    on PostgreSQL; prefetches run per chunk."""
    rows = queryset.iterator(chunk_size=CHUNK)
    while chunk := list(islice(rows, CHUNK)):
        yield chunk


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
        return self.stream_records(view, queryset)

    def stream_records(self, view, queryset) -> StreamingHttpResponse:
        raise NotImplementedError

    def document(self, view, instance):
        return view.get_serializer_class()(instance, context=export_context(view)).data

    def response(self, view, body, extension: str) -> StreamingHttpResponse:
        response = StreamingHttpResponse(body, content_type=f"{self.media_type}; charset=utf-8")
        name = slugify(view.queryset.model._meta.verbose_name_plural)
        if view.action not in ("list", "retrieve"):
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

        def lines():
            yield writer.writerow(header)
            for chunk in chunks(queryset):
                for row in serializer_class(chunk, many=True, context=context).data:
                    yield writer.writerow([readable(row.get(name)) for name in header])

        return self.response(view, lines(), "csv")


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

        def parts():
            yield f'{{"@context": "{self.CONTEXT}", "@graph": ['
            separator = ""
            for chunk in chunks(queryset):
                for node in self.serializer_class(chunk, many=True, context=context).data:
                    yield separator + script_safe_json(node)
                    separator = ","
            yield "]}"

        return self.response(view, parts(), "jsonld")


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
