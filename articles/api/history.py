"""Change history through the API: `<resource>/<key>/history/` says who
changed a record, when, why and what; a write's `X-Change-Reason` header is
the why. The history itself is django-simple-history's (articles.models)."""

import hashlib
import hmac

from django.conf import settings
from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.settings import api_settings
from simple_history.models import HistoricalRecords
from simple_history.utils import get_m2m_reverse_field_name

from .change_reason import REASON_HEADER
from .error_statuses import error_responses

TYPES = {"+": "created", "~": "changed", "-": "deleted"}
# Never worth a line: the id never changes and the timestamps change on every save.
UNREPORTED = {"id", "created", "modified"}
NEWEST_FIRST = ("-history_date", "-history_id")


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    # Any JSON value, null included: an empty schema says so (allow_null would make it `oneOf [any, null]`,
    # which null matches twice).
    old = serializers.JSONField(help_text="The value before (any JSON value); null when the record was created.")
    new = serializers.JSONField(help_text="The value after (any JSON value); null when the change cleared it.")


class HistoryEntrySerializer(serializers.Serializer):
    @classmethod
    def load(cls, queryset, names, request):
        """Nothing: the history view reads its entries itself (see ShapedSerializer.load)."""
        return queryset

    id = serializers.IntegerField(help_text="The history entry's id.")
    date = serializers.DateTimeField()
    user = serializers.CharField(
        allow_null=True,
        help_text="Who made the change: the username for staff and for editors of this kind of record, else a "
        "stable public label such as `editor-3f9a0c21`; null when not signed in or deleted.",
    )
    type = serializers.ChoiceField(choices=list(TYPES.values()))
    reason = serializers.CharField(allow_null=True, help_text=f"The `{REASON_HEADER}` given with the write, if any.")
    changes = ChangeSerializer(
        many=True,
        help_text="Each field whose value this change set. A creation lists the fields it filled; the first "
        "change recorded of a record older than its history lists none, as the values before it are unknown.",
    )


def _record_before(record):
    """The entry just older than `record` in its record's history, or None."""
    pk = record.instance_type._meta.pk.attname
    older = Q(history_date__lt=record.history_date) | Q(
        history_date=record.history_date, history_id__lt=record.history_id
    )
    return type(record).objects.filter(older, **{pk: getattr(record, pk)}).order_by(*NEWEST_FIRST).first()


def _many_to_many(history_model, records) -> dict:
    """{(entry id, field name): sorted related ids} for the entries' m2m snapshots, one query per field."""
    snapshots = {
        (record.history_id, field.name): [] for record in records for field in history_model._history_m2m_fields
    }
    for field in history_model._history_m2m_fields:
        target = f"{get_m2m_reverse_field_name(field)}_id"
        rows = HistoricalRecords.m2m_models[field].objects.filter(history__in=[r.history_id for r in records])
        for history_id, related_id in rows.order_by(target).values_list("history_id", target):
            snapshots[history_id, field.name].append(related_id)
    return snapshots


def _values(record, snapshots) -> dict:
    values = {
        field.name: getattr(record, field.attname) for field in record.tracked_fields if field.name not in UNREPORTED
    }
    for field in record._history_m2m_fields:
        values[field.name] = snapshots[record.history_id, field.name]
    return values


def _changes(record, previous, snapshots) -> list[dict]:
    new = _values(record, snapshots)
    if record.history_type == "+":
        return [
            {"field": name, "old": None, "new": value} for name, value in new.items() if value not in (None, "", [])
        ]
    if previous is None:
        return []
    old = _values(previous, snapshots)
    return [{"field": name, "old": old[name], "new": value} for name, value in new.items() if old[name] != value]


def public_label(user) -> str:
    """A stable name for an editor that does not reveal the username (an admin
    login, often): keyed with SECRET_KEY, so it cannot be reversed by hashing guesses."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"history-user:{user.pk}".encode(), hashlib.sha256)
    return f"editor-{digest.hexdigest()[:8]}"


def shows_usernames(request, model) -> bool:
    """Staff, and users who may change this kind of record, see who changed it by username."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return user.is_staff or user.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}")


def entries(records: list, usernames: bool = True) -> list[dict]:
    """The entries of one record's history, newest first, each with what it changed.

    Each entry's predecessor is the next one in the list; only the last needs
    a query, so a page costs the same whatever its size.
    """
    if not records:
        return []
    chain = [*records, _record_before(records[-1])]
    snapshots = _many_to_many(type(records[0]), [r for r in chain if r is not None])
    return [
        {
            "id": record.history_id,
            "date": record.history_date,
            "user": _user_name(record.history_user, usernames),
            "type": TYPES[record.history_type],
            "reason": record.history_change_reason,
            "changes": _changes(record, previous, snapshots),
        }
        for record, previous in zip(records, chain[1:], strict=True)
    ]


def _user_name(user, usernames: bool) -> str | None:
    if user is None:
        return None
    return user.get_username() if usernames else public_label(user)


class HistoryMixin:
    """`history/` on every record of a viewset."""

    @extend_schema(
        summary="The record's change history",
        description="Who changed the record, when, why (the change's `X-Change-Reason`) and each field's old and "
        "new value, newest first. A slug merged into another record shows the history of that record.",
        filters=False,
        # The operation's own responses replace those CorpusAutoSchema adds; so the errors are listed here.
        responses={200: HistoryEntrySerializer(many=True), **error_responses("GET", detail=True)},
    )
    @action(
        detail=True,
        methods=["get"],
        serializer_class=HistoryEntrySerializer,
        detail_serializer_class=None,
        filter_backends=[],
        renderer_classes=api_settings.DEFAULT_RENDERER_CLASSES,  # no export of a history
    )
    def history(self, request, *args, **kwargs):
        record = self.get_object()
        page = self.paginate_queryset(record.history.select_related("history_user").order_by(*NEWEST_FIRST))
        usernames = shows_usernames(request, type(record))
        serializer = self.get_serializer(entries(page, usernames), many=True)
        return self.get_paginated_response(serializer.data)
