"""What the OpenAPI schema says beyond drf-spectacular's defaults: the
response-shaping parameters, facets, the export formats, every error status
an operation can answer, and which operations need no credentials."""

import json
import re

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import permissions, serializers

from . import facet_parameter, operation_docs
from .change_reason import reason_parameter
from .error_statuses import ERROR_COMPONENTS, error_responses
from .exports import ExportRenderer, is_export
from .pagination import Envelope
from .shaping import ShapedSerializer

JSON = "application/json"
EXPORT_SCHEMAS = {
    "text/csv": {
        "type": "string",
        "description": "CSV with a header row; related records by name, several joined by “; ”. "
        "A list exports its whole filtered set in order, not one page.",
    },
    "application/x-ndjson": {
        "type": "string",
        "description": "Newline-delimited JSON: one JSON object per line, with the keys of the JSON answer's "
        "results (`fields`/`omit` honoured; an article's `body` with `fields=…,body`). A list exports its whole "
        "filtered set in order, not one page.",
    },
    "application/ld+json": {
        "type": "object",
        "description": "schema.org JSON-LD: a NewsArticle, or for a list "
        '{"@context": "https://schema.org", "@graph": [NewsArticle, …]} of the whole filtered set.',
    },
}
# The actions whose success carries the record's ETag (articles.api.base.CorpusViewSet).
ETAG_ACTIONS = ("retrieve", "update", "partial_update")
ETAG = {
    "description": "The version of the plain JSON detail: send it as `If-Match` to write, or as "
    "`If-None-Match` to read only if it changed.",
    "required": True,
    "schema": {"type": "string"},
}
RETRY_AFTER = {
    "description": "Seconds to wait before trying again.",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
}
DOWNLOAD = {
    "description": '`attachment` with the file\'s name, e.g. `attachment; filename="articles.csv"`.',
    "schema": {"type": "string"},
}


def shaping_parameters(names: list[str]) -> list[OpenApiParameter]:
    keys = {"type": "array", "items": {"type": "string", "enum": names}}
    return [
        OpenApiParameter(
            "fields",
            keys,
            style="form",
            explode=False,
            description="Comma-separated keys to keep in each result, e.g. `fields=id,url`; the queries for "
            "the others are skipped.",
        ),
        OpenApiParameter(
            "omit", keys, style="form", explode=False, description="Comma-separated keys to leave out of each result."
        ),
    ]


class CorpusAutoSchema(AutoSchema):
    """The schema of every operation: the corpus viewsets are the only views
    the schema covers (the router's root and the docs views are left out)."""

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self.method == "GET":
            serializer = self._get_serializer()
            if isinstance(serializer, ShapedSerializer) and is_export(getattr(self.view, "action", None)):
                # Declared on the exports only: a JSON answer's schema is the full record, with its keys
                # required, which a shaped JSON answer would not meet (see SHAPED_JSON). Before the view's own
                # parameters, which override them by name.
                parameters = [*shaping_parameters(list(serializer.fields)), *parameters]
            if self._is_list_view() and getattr(self.view, "action", None) == "list":
                parameters += facet_parameter.parameters(self.view)
        if self.method not in permissions.SAFE_METHODS:
            parameters = [reason_parameter(), *parameters]
        parameters += self._precondition_parameters()
        return parameters

    def map_renderers(self, attribute):
        # An export is its own operation (articles.api.exports.export_operation); every other operation is
        # JSON only, whatever older `format=` aliases it still answers.
        found = super().map_renderers(attribute)
        if is_export(getattr(self.view, "action", None)):
            return found
        renderers = self.view.get_renderers()
        exported = {getattr(r, attribute).split(";")[0] for r in renderers if isinstance(r, ExportRenderer)}
        return [value for value in found if value not in exported]

    def _is_list_view(self, serializer=None):
        # An export takes the list's filters and ordering (its answer is one file, set by EXPORT_SCHEMAS).
        return is_export(getattr(self.view, "action", None)) or super()._is_list_view(serializer)

    def get_operation_id(self):
        action = getattr(self.view, "action", None)
        if is_export(action):
            return f"{self._prefix().replace('-', '_')}_{action}"  # articles_export_csv, not …_list
        return super().get_operation_id()

    def _get_pagination_parameters(self):
        if self._pages_an_envelope():
            return self._get_paginator().get_schema_operation_parameters(self.view)
        return super()._get_pagination_parameters()

    def _get_serializer(self):
        serializer = super()._get_serializer()
        if isinstance(serializer, ShapedSerializer):
            # Every key `fields=` can choose, those a list shows only when named (an article's body) included.
            serializer.context["shape_fields"] = False
        return serializer

    def _pages_an_envelope(self) -> bool:
        """An action other than the list whose answer is a page (compare)."""
        if getattr(self.view, "action", None) == "list" or self._get_paginator() is None:
            return False
        responses = self.get_response_serializers()
        answer = responses.get(200) if isinstance(responses, dict) else responses
        shapes = getattr(answer, "serializers", [answer])  # a PolymorphicProxySerializer's, or the one
        return bool(shapes) and all(isinstance(s, type) and issubclass(s, Envelope) for s in shapes)

    def _precondition_parameters(self):
        action = getattr(self.view, "action", None)
        if action == "retrieve":
            name = "If-None-Match"
            description = "An ETag from an earlier read: if it is still current, the answer is 304."
        elif action in ("update", "partial_update", "destroy"):
            name = "If-Match"
            description = "The ETag of the plain JSON detail you read: if the record changed since, the answer is 412."
        else:
            return []
        return [OpenApiParameter(name, str, OpenApiParameter.HEADER, description=description)]

    def get_summary(self):
        resource = operation_docs.RESOURCES.get(self._prefix())
        return operation_docs.summary(resource, self.view.action) if resource else None

    def get_description(self):
        # What the reader needs, never the code's docstrings (operations with their own text set it).
        resource = operation_docs.RESOURCES.get(self._prefix())
        return (operation_docs.description(self._prefix(), resource, self.view.action) if resource else None) or ""

    def _prefix(self) -> str:
        return self.path.removeprefix("/api/v1/").split("/")[0]

    def _map_serializer(self, serializer, direction, bypass_extensions=False):
        schema = super()._map_serializer(serializer, direction, bypass_extensions)
        model = getattr(getattr(serializer, "Meta", None), "model", None)
        if model is not None:
            resource = operation_docs.for_model(model)
            if resource is not None:
                schema["description"] = resource.description
            else:
                schema.pop("description", None)
        if direction == "response" and isinstance(serializer, ShapedSerializer | serializers.ModelSerializer):
            # A record always carries every key (null when it has no value), but the long texts a list shows
            # only when `fields=` names them.
            optional = set(getattr(serializer, "only_when_named", ()))
            required = [name for name in schema.get("properties", {}) if name not in optional]
            if required:
                schema["required"] = required
        return schema

    def _get_paginator(self):
        paginator = super()._get_paginator()
        if paginator is not None and getattr(self.view, "action", None) == "list":
            paginator.facet_names = list(facet_parameter.declared(self.view))
        return paginator

    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response"):
        if not str(status_code).startswith("2"):
            media_types = [JSON]  # errors are JSON whatever format was asked for
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        for media_type, content in response.get("content", {}).items():
            if media_type in EXPORT_SCHEMAS:
                content["schema"] = EXPORT_SCHEMAS[media_type]
        if str(status_code) == "201" and self._creates_in_bulk():
            for content in response.get("content", {}).values():
                content["schema"] = self._one_or_many(content["schema"])
        headers = self._response_headers(str(status_code), response)
        if headers:
            response["headers"] = headers
        return response

    def _get_request_for_media_type(self, serializer, direction="request"):
        schema, required = super()._get_request_for_media_type(serializer, direction)
        if self._creates_in_bulk():
            schema = self._one_or_many(schema)
        return schema, required

    def _creates_in_bulk(self) -> bool:
        """A create that also takes a list of records (articles.api.base.BulkCreate)."""
        return (
            self.method == "POST" and getattr(self.view, "action", None) == "create" and hasattr(self.view, "bulk_max")
        )

    def _one_or_many(self, schema: dict) -> dict:
        return {"oneOf": [schema, {"type": "array", "items": schema, "minItems": 1, "maxItems": self.view.bulk_max}]}

    def _response_headers(self, status: str, response: dict) -> dict:
        """The headers a client acts on: the ETag of the If-Match protocol,
        Retry-After on 429 and 503, Content-Disposition on an export."""
        headers = {}
        if (
            status in ("200", "304")
            and getattr(self.view, "conditional_requests", False)
            and getattr(self.view, "action", None) in ETAG_ACTIONS
        ):
            headers["ETag"] = ETAG
        if status in ("429", "503"):
            headers["Retry-After"] = RETRY_AFTER
        if status == "200" and set(response.get("content", {})) & set(EXPORT_SCHEMAS):
            headers["Content-Disposition"] = DOWNLOAD
        return headers

    def get_response_serializers(self):
        serializer = super().get_response_serializers()
        if isinstance(serializer, dict):
            return serializer
        success = {"POST": 201, "DELETE": 204}.get(self.method, 200)
        responses = {success: None if self.method == "DELETE" else serializer}
        if self._is_detail_read():
            responses[304] = OpenApiResponse(description="Not modified: `If-None-Match` holds the current ETag.")
        detail = not self._is_list_view(serializer) and self.method != "POST"
        responses.update(error_responses(self.method, detail))
        return responses

    def _is_detail_read(self):
        return self.method == "GET" and getattr(self.view, "action", None) == "retrieve"

    def get_auth(self):
        auths = super().get_auth()
        reads_anonymously = any(
            isinstance(p, permissions.DjangoModelPermissionsOrAnonReadOnly) for p in self.view.get_permissions()
        )
        if reads_anonymously and self.method in permissions.SAFE_METHODS and {} not in auths:
            auths.append({})
        return auths


def closed_request_bodies(result, generator, request, public):
    """Request bodies accept only the keys they list (the API answers any
    other key with a 400), so the schema says so."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") and component.get("type") == "object":
            component["additionalProperties"] = False
    return result


# Text the API refuses whatever the field (see articles.api.parsers and the
# NUL middleware), and text a required field may not be once DRF trims it.
NO_NUL = "^[^\\x00]*$"
NOT_BLANK = "^[^\\x00]*[^\\s\\x00][^\\x00]*$"


# List parameters whose empty value is an error rather than no filter.
NAMES_AT_LEAST_ONE = {"fields", "omit", "facets", "ordering"}


def _free_text(schema: dict) -> bool:
    return schema.get("type") == "string" and not ({"pattern", "format", "enum"} & set(schema))


def _parameters(result):
    """Every parameter of every operation in the schema."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            yield from operation.get("parameters", []) if isinstance(operation, dict) else []


def text_patterns(result, generator, request, public):
    """Says in the schema what the API checks of text: no NUL anywhere, and a
    required text field holds more than whitespace."""
    for parameter in _parameters(result):
        schema = parameter.get("schema", {})
        if parameter["name"] in NAMES_AT_LEAST_ONE and schema.get("type") == "array":
            schema["minItems"] = 1  # `fields=` with no name is a 400
        for candidate in (schema, schema.get("items", {})):
            if _free_text(candidate):
                candidate["pattern"] = NO_NUL
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if not name.endswith("Request"):
            continue
        for prop in component.get("properties", {}).values():
            for candidate in (prop, prop.get("items", {})):
                if _free_text(candidate):
                    candidate["pattern"] = NOT_BLANK if candidate.get("minLength", 0) >= 1 else NO_NUL
    return result


def either_comparison(result, generator, request, public):
    """An empty comparison fits both of its shapes, so it is `anyOf`, not `oneOf`."""
    comparison = result.get("components", {}).get("schemas", {}).get("Comparison")
    if comparison and "oneOf" in comparison:
        comparison["anyOf"] = comparison.pop("oneOf")
    return result


def error_components(result, generator, request, public):
    """The error bodies' shapes (articles.api.error_statuses), as components the responses refer to."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(ERROR_COMPONENTS)
    return result


def reader_docs(result, generator, request, public):
    """A tag per resource, with what it holds; the server is the one that served the schema."""
    if request is not None:
        result["servers"] = [{"url": request.build_absolute_uri("/").rstrip("/"), "description": "This server."}]
    used = {tag for path in result.get("paths", {}).values() for op in path.values() for tag in op.get("tags", [])}
    described = {prefix: resource.description for prefix, resource in operation_docs.RESOURCES.items()}
    described.update(operation_docs.OTHER_TAGS)
    result["tags"] = [{"name": name, "description": text} for name, text in described.items() if name in used]
    return result


def unused_components(result, generator, request, public):
    """Drop the schemas nothing refers to: the split request forms of read-only nested serializers
    (`BriefArticleRequest`, …), which drf-spectacular makes whether or not a request uses them."""
    schemas = result.get("components", {}).get("schemas", {})
    while True:
        text = json.dumps(result, default=str)
        unused = [name for name in schemas if f'"#/components/schemas/{name}"' not in text]
        if not unused:
            return result
        for name in unused:
            del schemas[name]


def ordering_names(result, generator, request, public):
    """Names a generated client gives the `ordering` values (`x-enum-varnames`): `-published` is
    PUBLISHED_DESC, not the VALUE_1 a generator would make up for a value that is no identifier."""
    for parameter in _parameters(result):
        items = parameter.get("schema", {}).get("items", {})
        values = items.get("enum", [])
        if any(isinstance(value, str) and value.startswith("-") for value in values):
            items["x-enum-varnames"] = [_ordering_name(value) for value in values]
    return result


def _ordering_name(value: str) -> str:
    name = re.sub(r"[^0-9A-Za-z]+", "_", value.lstrip("-")).strip("_").upper()
    return f"{name}_DESC" if value.startswith("-") else name
