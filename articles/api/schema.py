"""What the OpenAPI schema says beyond drf-spectacular's defaults: the
response-shaping parameters, every error status an operation can answer, and
which operations need no credentials."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import permissions

ERROR = OpenApiTypes.OBJECT
ERROR_DESCRIPTIONS = {
    400: "Invalid input: the body names each field (or parameter) and its problem.",
    401: "No valid credentials; writing needs an editor's token or session.",
    403: "The credentials lack the permission for this change.",
    404: "No such record.",
    409: "The change conflicts with another record.",
}

SHAPING_PARAMETERS = [
    OpenApiParameter(
        "fields",
        OpenApiTypes.STR,
        description="Comma-separated keys to keep in each result, e.g. `fields=id,title`.",
    ),
    OpenApiParameter(
        "omit",
        OpenApiTypes.STR,
        description="Comma-separated keys to leave out of each result, e.g. `omit=source_text`.",
    ),
]


class CorpusAutoSchema(AutoSchema):
    def _is_corpus_view(self):
        from .base import CorpusViewSet

        return isinstance(self.view, CorpusViewSet)

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self._is_corpus_view() and self.method == "GET":
            parameters = [*parameters, *SHAPING_PARAMETERS]
        return parameters

    def get_response_serializers(self):
        serializer = super().get_response_serializers()
        if not self._is_corpus_view() or isinstance(serializer, dict):
            return serializer
        success = {"POST": 201, "DELETE": 204}.get(self.method, 200)
        responses = {success: None if self.method == "DELETE" else serializer}
        for status in self._error_statuses(is_list=self._is_list_view(serializer)):
            responses[status] = OpenApiResponse(ERROR, description=ERROR_DESCRIPTIONS[status])
        return responses

    def _error_statuses(self, is_list):
        writes = self.method not in permissions.SAFE_METHODS
        statuses = [] if self.method == "DELETE" else [400]
        if writes:
            statuses += [401, 403]
        if not is_list and self.method != "POST":
            statuses.append(404)
        if writes:
            statuses.append(409)
        return statuses

    def get_auth(self):
        auths = super().get_auth()
        reads_anonymously = any(
            isinstance(p, permissions.DjangoModelPermissionsOrAnonReadOnly) for p in self.view.get_permissions()
        )
        if reads_anonymously and self.method in permissions.SAFE_METHODS and {} not in auths:
            auths.append({})
        return auths
