"""The one request body format: JSON, strictly.

Valid JSON may still carry text no database should store: NUL (PostgreSQL
cannot hold it in text at all) and lone UTF-16 surrogates (not characters, and
not encodable as UTF-8). DRF's parser already refuses NaN and Infinity
(STRICT_JSON). Either one is refused with a 400 that names the key
holding it, on both databases, before any serializer sees the body.
"""

from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser


def _bad_character(text: str) -> str | None:
    if "\x00" in text:
        return "NUL characters are not allowed."
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        return "Unpaired surrogate characters are not allowed; send text as valid UTF-8."
    return None


def text_problems(value, path: str = "") -> dict[str, list[str]]:
    """Each key path (`aliases.2`, `outlet.slug`) whose key or text is refused."""
    problems: dict[str, list[str]] = {}
    if isinstance(value, str):
        message = _bad_character(value)
        if message:
            problems[path or "non_field_errors"] = [message]
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            message = _bad_character(str(key))
            if message:
                problems[child.encode("unicode_escape").decode("ascii")] = [message]
            problems.update(text_problems(item, child))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            problems.update(text_problems(item, f"{path}.{index}" if path else str(index)))
    return problems


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        problems = text_problems(data)
        if problems:
            raise ValidationError(problems)
        return data
