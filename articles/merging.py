"""Merging duplicate people: the survivor takes every mention, participation,
figure, alias and slug of the duplicates, which are then deleted. Each record
the merge touches keeps the merge in its history, with its reason and user."""

from django.db import transaction

from . import text
from .models import Figure, Person, PersonFormerSlug, PersonMention

# A merge changes and deletes people and moves their mentions, figures, event
# places and slugs: it needs every one of these, not any one of them.
MERGE_PERMISSIONS = [
    "articles.change_person",
    "articles.delete_person",
    "articles.change_personmention",
    "articles.change_figure",
    "articles.change_event",
    "articles.add_personformerslug",
]


def may_merge(user) -> bool:
    return user.has_perms(MERGE_PERMISSIONS)


def _merged_aliases(survivor: Person, duplicates) -> list[str]:
    aliases, seen = [], {text.fold(survivor.name)}
    for name in [*survivor.aliases, *(n for dup in duplicates for n in [dup.name, *dup.aliases])]:
        key = text.fold(name)
        if key and key not in seen:
            seen.add(key)
            aliases.append(name)
    return aliases


def merge_reason(survivor: Person, duplicates) -> str:
    merged = ", ".join(f"{dup.slug} ({dup.name})" for dup in duplicates)
    return f"Merged {merged} into {survivor.slug}"


@transaction.atomic
def merge_people(survivor: Person, duplicates, *, reason: str | None = None, user=None) -> Person:
    """Merge `duplicates` into `survivor`; `reason` (by default which slugs
    merged into which) and `user` go into the history of every record touched."""
    # Locked, and read afresh: a concurrent edit or merge of any of them waits for this one.
    ids = {survivor.pk, *(dup.pk for dup in duplicates)}
    locked = {person.pk: person for person in Person.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    survivor = locked[survivor.pk]
    duplicates = [locked[dup.pk] for dup in duplicates if dup.pk != survivor.pk and dup.pk in locked]
    reason = reason or merge_reason(survivor, duplicates)

    def recorded(record):
        """`record`, with the merge as the reason and user of its next history entry."""
        record._change_reason = reason
        if user is not None:
            record._history_user = user
        return record

    for dup in duplicates:
        for mention in PersonMention.objects.filter(person=dup):
            same_span = PersonMention.objects.filter(
                article_id=mention.article_id, person=survivor, role=mention.role, start=mention.start
            )
            if same_span.exists():
                recorded(mention).delete()  # the survivor already holds this very evidence
            else:
                mention.person = survivor
                recorded(mention).save()
        for event in dup.events.all():
            # One history entry for the swap, not one for each of its two steps.
            event.skip_history_when_saving = True
            event.participants.remove(dup)
            event.participants.add(survivor)
            del event.skip_history_when_saving
            recorded(event).save()
        for figure in Figure.objects.filter(person=dup):
            figure.person = survivor
            recorded(figure).save()
        for former in PersonFormerSlug.objects.filter(person=dup):
            former.person = survivor
            recorded(former).save()
        recorded(PersonFormerSlug(person=survivor, slug=dup.slug)).save()
        if not survivor.description:
            survivor.description = dup.description
    survivor.aliases = _merged_aliases(survivor, duplicates)
    for dup in duplicates:
        recorded(dup).delete()
    recorded(survivor).save()
    return survivor
