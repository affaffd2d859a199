"""What the database refused, in the terms of the model: which field, and why.

The serializers check every rule they can before writing, so these errors come
from what they cannot foresee, such as two requests creating the same slug at
once. Both engines name the constraint or the column differently; this module
turns either into a field name and a sentence.
"""

import re
from dataclasses import dataclass

from django.apps import apps
from django.db import InterfaceError, OperationalError, models

# SQLite: "UNIQUE constraint failed: articles_person.slug", "CHECK constraint failed: figure_range_ordered".
SQLITE_COLUMNS = re.compile(r"(UNIQUE|NOT NULL) constraint failed: (?P<columns>[\w., ]+)")
SQLITE_CHECK = re.compile(r"CHECK constraint failed: (?P<name>\w+)")
# PostgreSQL's detail: "Key (slug)=(fidel-castro) already exists."
POSTGRES_KEY = re.compile(r"Key \((?P<columns>[^)]+)\)=")


@dataclass(frozen=True)
class Violation:
    field: str
    message: str
    conflict: bool  # depends on other records (409) rather than on this one's values (400)


def _corpus_models():
    return apps.get_app_config("articles").get_models()


def _field_for_column(column: str) -> str:
    column = column.strip().rsplit(".", 1)[-1]
    for model in _corpus_models():
        for field in model._meta.concrete_fields:
            if field.column == column:
                return field.name
    return column


def _constraint(name: str):
    for model in _corpus_models():
        for constraint in model._meta.constraints:
            if constraint.name == name:
                return constraint
    return None


def _condition_fields(condition) -> list[str]:
    names = []
    for child in condition.children:
        if isinstance(child, models.Q):
            names += _condition_fields(child)
        else:
            names.append(child[0].split("__")[0])
    return names


def _constraint_violation(name: str) -> Violation:
    constraint = _constraint(name)
    if isinstance(constraint, models.UniqueConstraint):
        fields = list(constraint.fields)
        return Violation(fields[-1], f"Another record already has these values of {', '.join(fields)}.", True)
    if isinstance(constraint, models.CheckConstraint):
        field = (_condition_fields(constraint.condition) or ["non_field_errors"])[0]
        return Violation(field, f"The value breaks the rule “{name.replace('_', ' ')}”.", False)
    return Violation("non_field_errors", f"The change breaks the database rule “{name}”.", False)


def _sqlite_violation(message: str) -> Violation | None:
    if match := SQLITE_CHECK.search(message):
        return _constraint_violation(match["name"])
    if match := SQLITE_COLUMNS.search(message):
        fields = [_field_for_column(column) for column in match["columns"].split(",")]
        if match.group(1) == "NOT NULL":
            return Violation(fields[0], "This field may not be null.", False)
        if len(fields) == 1:
            return Violation(fields[0], f"Another record already has this {fields[0]}.", True)
        return Violation(fields[-1], f"Another record already has these values of {', '.join(fields)}.", True)
    if "FOREIGN KEY constraint failed" in message:
        return Violation("non_field_errors", "A related record does not exist (it may have just been deleted).", True)
    return None


def _postgres_violation(cause) -> Violation | None:
    diag = getattr(cause, "diag", None)
    if diag is None:
        return None
    sqlstate = getattr(cause, "sqlstate", "") or ""
    if sqlstate == "23502" and diag.column_name:  # not_null_violation
        return Violation(_field_for_column(diag.column_name), "This field may not be null.", False)
    if sqlstate == "23503":  # foreign_key_violation
        match = POSTGRES_KEY.search(diag.message_detail or "")
        field = _field_for_column(match["columns"]) if match else "non_field_errors"
        return Violation(field, "The related record does not exist (it may have just been deleted).", True)
    if diag.constraint_name and _constraint(diag.constraint_name) is not None:
        return _constraint_violation(diag.constraint_name)
    if sqlstate == "23505":  # unique_violation on a field's own unique index
        match = POSTGRES_KEY.search(diag.message_detail or "")
        fields = [_field_for_column(c) for c in match["columns"].split(",")] if match else ["non_field_errors"]
        return Violation(fields[-1], f"Another record already has this {fields[-1]}.", True)
    if diag.constraint_name:
        return Violation("non_field_errors", f"The change breaks the database rule “{diag.constraint_name}”.", False)
    return None


def describe(exc) -> Violation:
    """The field and the sentence for an IntegrityError from either engine."""
    violation = _postgres_violation(exc.__cause__) or _sqlite_violation(str(exc))
    return violation or Violation(
        "non_field_errors", "The change conflicts with another record (a duplicate or a broken reference).", True
    )


def data_error_body(exc) -> dict:
    """A value the column cannot hold (too long, out of range)."""
    diag = getattr(exc.__cause__, "diag", None)
    column = getattr(diag, "column_name", None)
    message = str(exc).splitlines()[0] if str(exc) else "A value is out of range for its field."
    return {_field_for_column(column) if column else "non_field_errors": [f"The database refused the value: {message}"]}


def is_outage(exc) -> bool:
    """Lost or refused connections, and SQLite's busy database: worth a retry."""
    return isinstance(exc, OperationalError | InterfaceError)
