"""Related objects: shown in brief form, written by key."""

import decimal
import re
from urllib.parse import quote

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import relations, serializers

from ..text import fold


class RecordURLField(serializers.HyperlinkedIdentityField):
    """A record's URL, built by substituting its key into the URL reversed once
    per page: reversing per row was a quarter of a list's serialisation time."""

    PLACEHOLDER = "recordkeyplaceholder"

    def get_url(self, obj, view_name, request, format):
        if obj.pk in (None, ""):
            return None
        templates = self.__dict__.setdefault("_templates", {})
        template = templates.get((view_name, format))
        if template is None:
            kwargs = {self.lookup_url_kwarg: self.PLACEHOLDER}
            template = templates[(view_name, format)] = self.reverse(
                view_name, kwargs=kwargs, request=request, format=format
            )
        return template.replace(self.PLACEHOLDER, quote(str(getattr(obj, self.lookup_field)), safe=""))


class BriefRelatedField(serializers.RelatedField):
    """Reads as the related object's brief form; writes as its key.

    The key is the slug for slugged models and the id otherwise; an object
    such as {"slug": "fidel-castro"} (a brief form sent back) works too.
    """

    default_error_messages = {
        "does_not_exist": "No {model} with {lookup} “{value}”.",
        "invalid": "Give the {model}'s {lookup}, as a {kind}.",
    }

    def __init__(self, brief_serializer, key="slug", **kwargs):
        self.brief_serializer = brief_serializer
        self.key = key
        super().__init__(**kwargs)

    @classmethod
    def many_init(cls, *args, **kwargs):
        # DRF's many_init, with the list field below.
        list_kwargs = {"child_relation": cls(*args, **kwargs)}
        list_kwargs.update({key: value for key, value in kwargs.items() if key in relations.MANY_RELATION_KWARGS})
        return ListOfRelatedField(**list_kwargs)

    @property
    def kind(self) -> str:
        return "number" if self.key == "id" else "string"

    def run_validation(self, data=serializers.empty):
        if data == "":  # DRF would read it as null
            self.fail("invalid", model=self.get_queryset().model._meta.verbose_name, lookup=self.key, kind=self.kind)
        return super().run_validation(data)

    def to_representation(self, value):
        # One brief serializer for the whole page: building one per row was
        # most of a list's serialisation time.
        brief = self.__dict__.get("_brief")
        if brief is None:
            brief = self.__dict__["_brief"] = self.brief_serializer(context=self.context)
        return brief.to_representation(value)

    def to_internal_value(self, data):
        model = self.get_queryset().model._meta.verbose_name
        if isinstance(data, dict):
            data = data.get(self.key, data.get("id") if self.key != "id" else None)
        # The JSON type the schema gives the key: an id is a number, a slug a string (0 is no slug).
        expected = int if self.key == "id" else str
        if isinstance(data, bool) or not isinstance(data, expected) or (isinstance(data, str) and "\x00" in data):
            self.fail("invalid", model=model, lookup=self.key, kind=self.kind)
        try:
            return self.get_queryset().get(**{self.key: data})
        except (ObjectDoesNotExist, ValueError, TypeError):
            self.fail("does_not_exist", model=model, lookup=self.key, value=data)

    def get_choices(self, cutoff=None):
        # The browsable API's forms would otherwise list every row.
        queryset = self.get_queryset()[: cutoff or self.html_cutoff or 100]
        return {getattr(item, self.key): str(item) for item in queryset}


class ListOfRelatedField(serializers.ManyRelatedField):
    """Several related records: a JSON array of keys (DRF would take an object's keys)."""

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)
        return super().to_internal_value(data)


class BriefRelatedFieldExtension(OpenApiSerializerFieldExtension):
    target_class = BriefRelatedField

    def map_serializer_field(self, auto_schema, direction):
        if direction == "response":
            return auto_schema.resolve_serializer(self.target.brief_serializer, direction).ref
        key_type = OpenApiTypes.INT if self.target.key == "id" else OpenApiTypes.STR
        schema = build_basic_type(key_type)
        if key_type == OpenApiTypes.STR:
            schema["minLength"] = 1  # DRF reads "" as no value
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


class JSONTypeMixin:
    """Takes only the JSON type the schema gives the field: DRF would turn 0
    into "0", "5" into 5 and "yes" into true, accepting what the schema says
    is invalid."""

    json_types: tuple = ()
    default_error_messages = {"json_type": "Give a {kind}."}
    KINDS = {bool: "boolean (true or false)", int: "number", str: "string"}

    def to_internal_value(self, data):
        if not isinstance(data, self.json_types) or (isinstance(data, bool) and bool not in self.json_types):
            self.fail("json_type", kind=self.KINDS[self.json_types[-1]])
        return super().to_internal_value(data)


def _strict(field_class):
    if issubclass(field_class, serializers.BooleanField):
        types = (bool,)
    elif issubclass(field_class, serializers.IntegerField):
        types = (int,)
    elif issubclass(field_class, serializers.FloatField | serializers.DecimalField):
        types = (float, int)
    elif issubclass(
        field_class,
        serializers.CharField
        | serializers.ChoiceField
        | serializers.DateField
        | serializers.DateTimeField
        | serializers.DurationField
        | serializers.UUIDField,
    ):
        types = (str,)
    else:
        return field_class
    return type(field_class.__name__, (JSONTypeMixin, field_class), {"json_types": types})


class RoundedDecimalField(_strict(serializers.DecimalField)):
    """A number is rounded to the column's decimal places, as a database would
    store it; only a number too large for the column is refused."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("rounding", decimal.ROUND_HALF_EVEN)
        super().__init__(*args, **kwargs)

    def validate_precision(self, value):
        step = decimal.Decimal(1).scaleb(-self.decimal_places)
        # A context wide enough for any JSON number, so rounding itself cannot fail.
        rounded = value.quantize(step, rounding=self.rounding, context=decimal.Context(prec=self.MAX_STRING_LENGTH))
        if self.max_whole_digits is not None and max(rounded.adjusted() + 1, 0) > self.max_whole_digits:
            self.fail("max_whole_digits", max_whole_digits=self.max_whole_digits)
        return rounded


# An http(s) address with a dotted host name, as the schema documents it; the
# field checks exactly this pattern rather than Django's stricter validator,
# so what the schema allows, the API accepts. The path's excluded characters
# are listed rather than written `\s`, which Python and ECMAScript (the
# schema's regex dialect) read differently (U+0085, U+FEFF).
WEB_ADDRESS = r"^https?://[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?::[0-9]{1,5})?(?:/[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]*)?$"


class ChoiceValueField(_strict(serializers.ChoiceField)):
    """A choice: its value, never its label. A refusal lists every accepted
    value, and says so when the text sent is a label or a value in other case."""

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if not isinstance(data, str) or data in self.choices:
                raise
            accepted = ", ".join(f"“{value}”" for value in self.choices)
            message = f"“{data}” is not one of the accepted values: {accepted}."
            meant = [
                value for value, label in self.choices.items() if fold(data) in (fold(str(value)), fold(str(label)))
            ]
            if meant:
                message += f" Send “{meant[0]}” (its label is “{self.choices[meant[0]]}”)."
            raise serializers.ValidationError(message, code="invalid_choice") from exc


@extend_schema_field({"type": "string", "pattern": WEB_ADDRESS, "maxLength": 200, "example": "https://www.granma.cu/"})
class WebAddressField(_strict(serializers.CharField)):
    default_error_messages = {
        "invalid": "Give an http:// or https:// address with a host name, e.g. https://www.granma.cu/."
    }

    def __init__(self, **kwargs):
        kwargs.pop("validators", None)  # Django's URLValidator: stricter than the documented pattern
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value and not re.match(WEB_ADDRESS, value):
            self.fail("invalid")
        return value


LOCAL_TIME = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"


@extend_schema_field({"type": "string", "pattern": LOCAL_TIME, "example": "13:32:00"})
class LocalTimeField(serializers.TimeField):
    """A wall-clock time as printed, without a UTC offset (JSON Schema's
    `format: time` requires one, so the schema gives the pattern instead)."""

    default_error_messages = {"invalid": "Give a local time as HH:MM or HH:MM:SS, without a UTC offset."}

    def to_internal_value(self, value):
        if not isinstance(value, str) or not re.match(LOCAL_TIME, value):
            self.fail("invalid")
        return super().to_internal_value(value)


# What CorpusSerializer makes of each model field: the same fields as DRF's,
# held to the JSON types the schema documents.
STRICT_FIELD_MAPPING = {
    model_field: _strict(field_class)
    for model_field, field_class in serializers.ModelSerializer.serializer_field_mapping.items()
}
STRICT_FIELD_MAPPING[models.TimeField] = LocalTimeField
STRICT_FIELD_MAPPING[models.DecimalField] = RoundedDecimalField
STRICT_FIELD_MAPPING[models.URLField] = WebAddressField
StrictCharField = _strict(serializers.CharField)
