"""Merging duplicate people: the survivor takes every mention, participation,
figure, alias and slug of the duplicates, which are then deleted."""

from django.db import transaction

from . import text
from .models import Figure, Person, PersonFormerSlug, PersonMention


def _merged_aliases(survivor: Person, duplicates) -> list[str]:
    aliases, seen = [], {text.fold(survivor.name)}
    for name in [*survivor.aliases, *(n for dup in duplicates for n in [dup.name, *dup.aliases])]:
        key = text.fold(name)
        if key and key not in seen:
            seen.add(key)
            aliases.append(name)
    return aliases


@transaction.atomic
def merge_people(survivor: Person, duplicates) -> Person:
    duplicates = [dup for dup in duplicates if dup.pk != survivor.pk]
    for dup in duplicates:
        for mention in PersonMention.objects.filter(person=dup):
            same_span = PersonMention.objects.filter(
                article_id=mention.article_id, person=survivor, role=mention.role, start=mention.start
            )
            if same_span.exists():
                mention.delete()  # the survivor already holds this very evidence
            else:
                mention.person = survivor
                mention.save()
        for event in dup.events.all():
            event.participants.add(survivor)
        for figure in Figure.objects.filter(person=dup):
            figure.person = survivor
            figure.save()
        PersonFormerSlug.objects.filter(person=dup).update(person=survivor)
        PersonFormerSlug.objects.create(person=survivor, slug=dup.slug)
        if not survivor.description:
            survivor.description = dup.description
    survivor.aliases = _merged_aliases(survivor, duplicates)
    for dup in duplicates:
        dup.delete()
    survivor.save()
    return survivor
