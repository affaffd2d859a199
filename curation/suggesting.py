"""Stored suggestions and the editor's decisions on them: one module for every door (the admin's
article page and action, the API's suggestion operations, the import pipeline and its command).

- `refresh(article)` runs the suggesters and stores what is new: never a suggestion whose key was
  already decided (a rejection is remembered), nor one for a record the article already has.
- `accept`, `reject` and `undo` decide a list of suggestions at once, all or none: accepting
  creates each mention or figure with the suggestion's evidence (found again by its quote and
  context if the text moved since), and undoing an acceptance deletes that record.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from articles.models import Event, EventMention, Figure, Person, PersonMention

from . import suggesters
from .models import Suggestion

RECORD_MODELS = {
    Suggestion.Kind.PERSON_MENTION: PersonMention,
    Suggestion.Kind.EVENT_MENTION: EventMention,
    Suggestion.Kind.FIGURE: Figure,
}


class DecisionRefused(ValueError):
    """What a door reports as a 400: {suggestion id or field: message}."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def refresh(article, proposals=None) -> list[Suggestion]:
    """Store the suggesters' new proposals for `article` as pending suggestions; the new ones."""
    proposals = suggesters.propose(article) if proposals is None else proposals
    known = set(Suggestion.objects.filter(article=article).values_list("key", flat=True))
    held = _records_held(article)
    new = []
    for proposal in proposals:
        if proposal.key in known or _already_recorded(proposal, held):
            continue
        known.add(proposal.key)
        suggestion = Suggestion(
            article=article,
            kind=proposal.kind,
            field=proposal.field,
            quote=proposal.quote,
            start=proposal.start,
            end=proposal.end,
            score=round(proposal.score, 3),
            suggester=proposal.suggester,
            target=proposal.target,
            key=proposal.key,
        )
        suggestion.save()
        new.append(suggestion)
    return new


def _records_held(article) -> list[tuple]:
    held = [
        ("person_mention", m.field, m.start, m.end, (m.person.slug, m.role))
        for m in article.person_mentions.select_related("person")
    ]
    held += [
        ("event_mention", m.field, m.start, m.end, m.event.slug) for m in article.event_mentions.select_related("event")
    ]
    held += [("figure", f.field, f.start, f.end, None) for f in article.figures.all()]
    return held


def _already_recorded(proposal, held) -> bool:
    t = proposal.target
    for kind, field, start, end, what in held:
        if kind != proposal.kind or field != proposal.field or not (start < proposal.end and proposal.start < end):
            continue
        if kind == "figure" or what == t.get("event") or what == (t.get("person"), t.get("role")):
            return True
    return False


def _check(suggestions, allowed_states, verb) -> None:
    wrong = {str(s.pk): f"It is {s.state}; only a {' or '.join(allowed_states)} one can be {verb}." for s in suggestions
             if s.state not in allowed_states}  # fmt: skip
    if wrong:
        raise DecisionRefused(wrong)


def accept(suggestions, user, *, create_people: bool = False) -> list:
    """Create each suggestion's record; all or none. A person not yet in the corpus is created when
    `create_people` (and the user may add people), else that suggestion is refused."""
    _check(suggestions, [Suggestion.State.PENDING], "accepted")
    for model in {RECORD_MODELS[s.kind] for s in suggestions}:
        _require(user, f"articles.add_{model._meta.model_name}")
    errors, records = {}, []
    with transaction.atomic():
        for suggestion in suggestions:
            try:
                record = _record_for(suggestion, user, create_people)
                record.full_clean(validate_constraints=False)
            except ValidationError as error:
                errors[str(suggestion.pk)] = " ".join(
                    f"{key}: {' '.join(messages)}" for key, messages in error.message_dict.items()
                )
                continue
            record._change_reason = f"Accepted suggestion {suggestion.pk} ({suggestion.suggester})"
            record.save()
            records.append(record)
            _decide(suggestion, Suggestion.State.ACCEPTED, user, record.pk)
        if errors:
            transaction.set_rollback(True)
            raise DecisionRefused(errors)
    return records


def reject(suggestions, user) -> None:
    _check(suggestions, [Suggestion.State.PENDING], "rejected")
    with transaction.atomic():
        for suggestion in suggestions:
            _decide(suggestion, Suggestion.State.REJECTED, user, None)


def undo(suggestions, user) -> None:
    """Back to pending: an accepted suggestion's record is deleted, a rejected one may come back."""
    _check(suggestions, [Suggestion.State.ACCEPTED, Suggestion.State.REJECTED], "undone")
    for model in {RECORD_MODELS[s.kind] for s in suggestions if s.state == Suggestion.State.ACCEPTED}:
        _require(user, f"articles.delete_{model._meta.model_name}")
    with transaction.atomic():
        for suggestion in suggestions:
            if suggestion.state == Suggestion.State.ACCEPTED:
                record = RECORD_MODELS[suggestion.kind].objects.filter(pk=suggestion.record_id).first()
                if record is not None:
                    record._change_reason = f"Undid the acceptance of suggestion {suggestion.pk}"
                    record.delete()
            _decide(suggestion, Suggestion.State.PENDING, None, None)


def _decide(suggestion, state, user, record_id) -> None:
    suggestion.state = state
    suggestion.record_id = record_id
    suggestion.decided_by = user if state != Suggestion.State.PENDING else None
    suggestion.decided_at = timezone.now() if state != Suggestion.State.PENDING else None
    suggestion.save(update_fields=["state", "record_id", "decided_by", "decided_at", "target"])


def _require(user, permission) -> None:
    if user is not None and not user.has_perm(permission):
        raise PermissionDenied(f"Accepting or undoing this needs the permission {permission}.")


def _record_for(suggestion, user, create_people):
    t = suggestion.target
    evidence = {"article": suggestion.article, "field": suggestion.field, "quote": suggestion.quote}
    text = getattr(suggestion.article, suggestion.field) or ""
    if text[suggestion.start : suggestion.end] == suggestion.quote:
        evidence |= {"start": suggestion.start, "end": suggestion.end}
    else:  # the text changed since: the record finds its quote again by the stored context
        evidence |= {"start": None, "end": None, "prefix": suggestion.prefix, "suffix": suggestion.suffix}
    if suggestion.kind == Suggestion.Kind.PERSON_MENTION:
        return PersonMention(person=_person(t, user, create_people), role=t["role"], **evidence)
    if suggestion.kind == Suggestion.Kind.EVENT_MENTION:
        event = Event.objects.filter(slug=t["event"]).first()
        if event is None:
            raise ValidationError({"event": f"No event {t['event']!r} any more."})
        return EventMention(event=event, **evidence)
    return Figure(
        value=t["value"],
        value_max=t.get("value_max"),
        qualifier=t["qualifier"],
        unit=t["unit"],
        metric=t["metric"],
        label=t["label"],
        **evidence,
    )


def _person(target, user, create_people) -> Person:
    if target.get("person"):
        person = Person.objects.filter(slug=target["person"]).first()
        if person is None:
            raise ValidationError({"person": f"No person {target['person']!r} any more."})
        return person
    name = target["name"]
    if not create_people:
        raise ValidationError({"person": f"{name} is not in the corpus yet; accept with create_people to add them."})
    _require(user, "articles.add_person")
    person, _ = Person.objects.get_or_create(slug=slugify(name)[:100] or "person", defaults={"name": name})
    target["person"] = person.slug
    return person
