from django.utils import timezone
from rest_framework import serializers

from articles.api.base import StrictKeys
from articles.api.fields import STRICT_FIELD_MAPPING

from ..models import APIToken


class APITokenSerializer(StrictKeys, serializers.ModelSerializer):
    # JSON types as the schema gives them: `write_enabled: 0` is a 400, not False.
    serializer_field_mapping = STRICT_FIELD_MAPPING

    key = serializers.SerializerMethodField(
        help_text="The key, only in the answer that creates the token: it is not stored and cannot be shown again."
    )

    class Meta:
        model = APIToken
        fields = ["id", "name", "key_id", "key", "created", "expires", "last_used", "write_enabled"]
        read_only_fields = ["key_id", "created", "last_used"]

    def validate_expires(self, value):
        if value is not None and value <= timezone.now():
            raise serializers.ValidationError("The expiry is in the past; give a later time, or null for none.")
        return value

    def get_key(self, token) -> str | None:
        return getattr(token, "key", None)

    def create(self, validated_data):
        token, key = APIToken.issue(user=self.context["request"].user, **validated_data)
        token.key = key
        return token
