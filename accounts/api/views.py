from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, viewsets

from articles.api.parsers import StrictJSONParser

from ..permissions import TokenScope
from .serializers import APITokenSerializer

WHO = "Your own tokens only: another user's token is a 404. Needs to be signed in (token or session)."


@extend_schema_view(
    list=extend_schema(
        summary="List your API tokens",
        description=f"{WHO} The key itself is never shown again; `key_id` is its public first part.\n\n"
        "Example: `GET /api/v1/tokens/`",
    ),
    create=extend_schema(
        summary="Make an API token",
        description=f"{WHO} The answer holds the `key`, once: it is stored only as a digest. "
        "`write_enabled: false` makes a read-only token; `expires` a token that stops working then. "
        'A read-only token cannot make tokens.\n\nExample: `POST /api/v1/tokens/` with `{"name": "laptop"}`',
    ),
    retrieve=extend_schema(
        summary="Read one of your API tokens", description=f"{WHO}\n\nExample: `GET /api/v1/tokens/1/`"
    ),
    destroy=extend_schema(
        summary="Revoke an API token",
        description=f"{WHO} The token stops working at once.\n\nExample: `DELETE /api/v1/tokens/1/`",
    ),
)
class APITokenViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = APITokenSerializer
    permission_classes = [permissions.IsAuthenticated, TokenScope]
    parser_classes = [StrictJSONParser]
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return APITokenSerializer.Meta.model.objects.none()
        return self.request.user.api_tokens.all()
