"""`fields=` and `omit=`: which keys each result carries.

The viewset validates the parameters (an unknown name is a 400 naming it) and
skips the queries of fields not asked for; the serializer drops the keys.
"""

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
