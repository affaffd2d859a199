"""`fields=` and `omit=`: which keys each result carries.

The viewset validates the parameters (an unknown name is a 400 naming it) and
skips the queries of fields not asked for; the serializer drops the keys.
"""

from collections.abc import Mapping

from rest_framework import permissions, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.fields import Field, SkipField, is_simple_callable
from rest_framework.relations import PKOnlyObject

PARAMETERS = ("fields", "omit")


def requested_names(request, parameter: str, choices, accepted=None, kind: str = "field") -> list[str]:
    """The names a list parameter gives, comma-separated or repeated, in order
    and without repeats: the one parser of `fields`, `omit` and `facets`.

    Present but empty, or naming something not in `accepted` (default:
    `choices`), is a 400 naming the parameter and listing `choices`."""
    values = request.query_params.getlist(parameter) if request is not None else []
    names = list(dict.fromkeys(name.strip() for value in values for name in value.split(",") if name.strip()))
    listed = ", ".join(choices) or f"no {kind} on this list"
    if not names and values:
        raise ValidationError({parameter: [f"Give one or more of: {listed}; or leave the parameter out."]})
    unknown = [name for name in names if name not in set(choices if accepted is None else accepted)]
    if unknown:
        raise ValidationError({parameter: [f"Unknown {kind}(s): {', '.join(unknown)}. Choose from: {listed}."]})
    return names


def selected_fields(available, request, known=None, only_when_named=()) -> list[str]:
    """The names of `available` that the request's fields/omit keep, in order.

    `known`: more names to accept without error, for a response with two
    shapes (a name of the other shape simply selects nothing).
    `only_when_named`: names kept only when `fields=` names them (long texts
    a list leaves out by default)."""
    available = list(available)
    accepted = set(available) | set(known or ())
    chosen, errors = {}, {}
    for parameter in PARAMETERS:
        try:
            chosen[parameter] = requested_names(request, parameter, available, accepted)
        except ValidationError as exc:
            errors.update(exc.detail)
    if errors:
        raise ValidationError(errors)
    wanted, omitted = chosen["fields"], chosen["omit"]
    return [
        name
        for name in available
        if (name in wanted or (not wanted and name not in only_when_named)) and name not in omitted
    ]


_MISSING = object()


def _plain_attribute(field) -> str | None:
    """The attribute `field` reads when reading it is a plain getattr: one name, and DRF's own
    Field.get_attribute (related fields override it, to build a PKOnlyObject or call `.all()`)."""
    if len(field.source_attrs) == 1 and type(field).get_attribute is Field.get_attribute:
        return field.source_attrs[0]
    return None


class PlannedRepresentation:
    """A serializer mixin: DRF's Serializer.to_representation with the per-row walk planned once
    per serializer. DRF re-filters its fields for each row (`_readable_fields`) and reads a plain
    attribute through `get_attribute`'s general path, together about a third of a page of 50 rows."""

    def to_representation(self, instance):
        plan = self.__dict__.get("_representation_plan")
        if plan is None:
            plan = self.__dict__["_representation_plan"] = [
                (field.field_name, field, _plain_attribute(field)) for field in self._readable_fields
            ]
        result = {}
        for name, field, attribute_name in plan:
            attribute = _MISSING
            if attribute_name is not None and not isinstance(instance, Mapping):
                attribute = getattr(instance, attribute_name, _MISSING)
                if is_simple_callable(attribute):
                    attribute = _MISSING
            if attribute is _MISSING:  # DRF's own path: dotted sources, "*", callables, missing values
                try:
                    attribute = field.get_attribute(instance)
                except SkipField:
                    continue
            check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            result[name] = None if check_for_none is None else field.to_representation(attribute)
        return result


class ShapedSerializer(PlannedRepresentation, serializers.Serializer):
    """Honours `fields=`/`omit=` on the records of a read, and says what a
    response needs loaded (`load`), so a key left out also leaves out its query.
    """

    # Field name -> what the queryset must fetch for it.
    query_needs: dict = {}
    # Fields a result carries only when `fields=` names them (see selected_fields).
    only_when_named: tuple = ()

    @classmethod
    def load(cls, queryset, names, request):
        """The queryset, with what a response showing the fields `names` needs
        fetched; the one hook the viewset asks (see CorpusViewSet.get_queryset)."""
        for name in names:
            if name in cls.query_needs:
                queryset = cls.query_needs[name](queryset)
        return queryset

    @staticmethod
    def unload(queryset, request, columns):
        """`columns` left in the database on a read: a write saves every
        column it loaded, so it must load them all."""
        if request is None or request.method not in permissions.SAFE_METHODS:
            return queryset
        return queryset.defer(*columns)

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is None or request.method not in permissions.SAFE_METHODS or not self._is_result():
            return fields
        if not self.context.get("shape_fields", True):
            return fields
        names = self.context.get("field_names")
        if names is None:  # outside a viewset, which checks the parameters once per request
            view = self.context.get("view")
            known = view.shaping_names() if view is not None else None
            names = selected_fields(fields, request, known, self.only_when_named)
        keep = set(names)
        return {name: field for name, field in fields.items() if name in keep}

    def _is_result(self):
        parent = self.parent
        return parent is None or (isinstance(parent, serializers.ListSerializer) and parent.parent is None)
