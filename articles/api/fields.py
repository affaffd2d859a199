"""Related objects: shown in brief form, written by key."""

from django.core.exceptions import ObjectDoesNotExist
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers


class BriefRelatedField(serializers.RelatedField):
    """Reads as the related object's brief form; writes as its key.

    The key is the slug for slugged models and the id otherwise; an object
    such as {"slug": "fidel-castro"} (a brief form sent back) works too.
    """

    default_error_messages = {
        "does_not_exist": "No {model} with {lookup} “{value}”.",
        "invalid": "Give the {model}'s {lookup}.",
    }

    def __init__(self, brief_serializer, key="slug", **kwargs):
        self.brief_serializer = brief_serializer
        self.key = key
        super().__init__(**kwargs)

    def to_representation(self, value):
        return self.brief_serializer(value, context=self.context).data

    def to_internal_value(self, data):
        model = self.get_queryset().model._meta.verbose_name
        if isinstance(data, dict):
            data = data.get(self.key, data.get("id") if self.key != "id" else None)
        if isinstance(data, bool) or not isinstance(data, (str, int)) or (isinstance(data, str) and "\x00" in data):
            self.fail("invalid", model=model, lookup=self.key)
        if self.key == "id" and isinstance(data, str) and not data.isdigit():
            self.fail("invalid", model=model, lookup=self.key)
        try:
            return self.get_queryset().get(**{self.key: data})
        except (ObjectDoesNotExist, ValueError, TypeError):
            self.fail("does_not_exist", model=model, lookup=self.key, value=data)

    def get_choices(self, cutoff=None):
        # The browsable API's forms would otherwise list every row.
        queryset = self.get_queryset()[: cutoff or self.html_cutoff or 100]
        return {getattr(item, self.key): str(item) for item in queryset}


class BriefRelatedFieldExtension(OpenApiSerializerFieldExtension):
    target_class = BriefRelatedField

    def map_serializer_field(self, auto_schema, direction):
        if direction == "response":
            return auto_schema.resolve_serializer(self.target.brief_serializer, direction).ref
        key_type = OpenApiTypes.INT if self.target.key == "id" else OpenApiTypes.STR
        schema = build_basic_type(key_type)
        model = self.target.get_queryset().model._meta.verbose_name
        schema["description"] = f"The {model}'s {self.target.key}."
        return schema


class AnnotatedCountField(serializers.IntegerField):
    """A count the view's queryset annotates (`article_count`).

    A record just created was not read through that queryset, so the answer
    to the write reads its count through it once rather than leaving it out.
    """

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def get_attribute(self, instance):
        if hasattr(instance, self.source):
            return getattr(instance, self.source)
        view = self.context.get("view")
        if view is None or instance.pk is None:
            return None
        counts = type(view).queryset.filter(pk=instance.pk).values_list(self.source, flat=True)
        return counts.first()
