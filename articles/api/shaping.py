"""`fields=` and `omit=`: which keys each result carries.

The viewset validates the parameters (an unknown name is a 400 naming it) and
skips the queries of fields not asked for; the serializer drops the keys.
"""

from rest_framework import permissions, serializers
from rest_framework.exceptions import ValidationError

PARAMETERS = ("fields", "omit")


def requested_names(request, parameter: str) -> list[str]:
    values = request.query_params.getlist(parameter) if request is not None else []
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


def selected_fields(available, request, known=None) -> list[str]:
    """The names of `available` that the request's fields/omit keep, in order.

    `known`: more names to accept without error, for a response with two
    shapes (a name of the other shape simply selects nothing)."""
    available = list(available)
    accepted = set(available) | set(known or ())
    wanted, omitted = (requested_names(request, p) for p in PARAMETERS)
    errors = {}
    for parameter, names in zip(PARAMETERS, (wanted, omitted), strict=True):
        if not names and request is not None and parameter in request.query_params:
            errors[parameter] = [f"Give one or more of: {', '.join(available)}; or leave the parameter out."]
        unknown = [name for name in names if name not in accepted]
        if unknown:
            errors[parameter] = [f"Unknown field(s): {', '.join(unknown)}. Choose from: {', '.join(available)}."]
    if errors:
        raise ValidationError(errors)
    return [name for name in available if (not wanted or name in wanted) and name not in omitted]


class ShapedSerializer(serializers.Serializer):
    """Honours `fields=`/`omit=` on the records of a read, and says what a
    response needs loaded (`load`), so a key left out also leaves out its query.
    """

    # Field name -> what the queryset must fetch for it.
    query_needs: dict = {}

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
        view = self.context.get("view")
        known = view.shaping_names() if view is not None else None
        keep = set(selected_fields(fields, request, known))
        return {name: field for name, field in fields.items() if name in keep}

    def _is_result(self):
        parent = self.parent
        return parent is None or (isinstance(parent, serializers.ListSerializer) and parent.parent is None)
