"""Suggestions: records the suggesters (curation.suggesters) propose for an article, each with its
evidence, a score and the suggester that made it, waiting for an editor to accept or reject them.

A decided suggestion stays, as INCEpTION keeps its recommendations' decisions: a rejected one is
what stops the suggester proposing the same thing again (by its `key`: kind, field, span and
target), and an accepted one points at the record it created, so the decision can be undone.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from articles.models import Article, Evidence


class Suggestion(Evidence):
    class Kind(models.TextChoices):
        PERSON_MENTION = "person_mention", "person mention"
        EVENT_MENTION = "event_mention", "event mention"
        FIGURE = "figure", "figure"

    class State(models.TextChoices):
        PENDING = "pending", "pending"
        ACCEPTED = "accepted", "accepted"
        REJECTED = "rejected", "rejected"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="suggestions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    score = models.FloatField(help_text="The suggester's confidence, 0 to 1.")
    suggester = models.CharField(max_length=40, help_text='Which suggester made it, e.g. "people", "figures".')
    # What the record would hold beyond its evidence: a person mention's person (slug, or null and a
    # name for someone not yet in the corpus) and role; an event mention's event; a figure's value,
    # value_max, qualifier, unit, metric and label.
    target = models.JSONField(default=dict)
    key = models.CharField(max_length=300, help_text="Kind, field, span and target: one suggestion per key.")
    record_id = models.PositiveIntegerField(null=True, blank=True, help_text="The record accepting it created.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta(Evidence.Meta):
        ordering = ["article", "field", "start", "id"]
        constraints = [
            *Evidence.Meta.constraints,
            models.UniqueConstraint(fields=["article", "key"], name="suggestion_once_per_key"),
            models.CheckConstraint(
                condition=Q(state="accepted", record_id__isnull=False) | ~Q(state="accepted"),
                name="suggestion_accepted_has_record",
            ),
        ]
        indexes = [models.Index(fields=["article", "state"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.describe()} ({self.state})"

    def describe(self) -> str:
        target = self.target
        if self.kind == self.Kind.PERSON_MENTION:
            who = target.get("person") or f"{target.get('name')} (new)"
            return f"{who} as {target.get('role')}: {self.quote!r}"
        if self.kind == self.Kind.EVENT_MENTION:
            return f"{target.get('event')}: {self.quote!r}"
        bound = f"–{target['value_max']}" if target.get("value_max") else ""
        return f"{target.get('qualifier')} {target.get('value')}{bound} {target.get('unit')}: {self.quote!r}"
