from rest_framework import serializers

from articles.api.base import StrictKeys

from ..models import APIToken


class APITokenSerializer(StrictKeys, serializers.ModelSerializer):
    key = serializers.SerializerMethodField(
        help_text="The key, only in the answer that creates the token: it is not stored and cannot be shown again."
    )

    class Meta:
        model = APIToken
        fields = ["id", "name", "key_id", "key", "created", "expires", "last_used", "write_enabled"]
        read_only_fields = ["key_id", "created", "last_used"]

    def get_key(self, token) -> str | None:
        return getattr(token, "key", None)

    def create(self, validated_data):
        token, key = APIToken.issue(user=self.context["request"].user, **validated_data)
        token.key = key
        return token
