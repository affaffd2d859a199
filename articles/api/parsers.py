"""The one request body format: JSON, strictly.

Valid JSON may still carry text no database should store: NUL (PostgreSQL
cannot hold it in text at all) and lone UTF-16 surrogates (not characters, and
not encodable as UTF-8). DRF's parser already refuses NaN and Infinity
(STRICT_JSON). Either one is refused with a 400 that names the key
holding it, on both databases, before any serializer sees the body.
"""

from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser

# No record nests more than a few levels (a brief form inside a list); a body
# nested hundreds deep is an attack on the parser, refused before any walk.
MAX_DEPTH = 32


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


def nesting_depth(value) -> int:
    """How deep lists and objects nest in `value`, walked without recursion."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if depth > MAX_DEPTH:
                return depth
            pending.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        too_deep = f"JSON parse error - the body nests deeper than {MAX_DEPTH} levels."
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:  # the JSON decoder itself gives up on very deep input
            raise ParseError(too_deep) from exc
        if nesting_depth(data) > MAX_DEPTH:
            raise ParseError(too_deep)
        problems = text_problems(data)
        if problems:
            raise ValidationError(problems)
        return data
