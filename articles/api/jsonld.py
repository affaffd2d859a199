"""Articles as schema.org JSON-LD: a NewsArticle with its author, publisher,
datePublished, the people it mentions and the events it is about.

Dates keep their precision (ISO 8601 "1994-12" for a month). Each node's @id
is its URL in this API.
"""

from django.db.models import Prefetch
from rest_framework import serializers
from rest_framework.reverse import reverse

from .. import dates
from ..models import Article, EventMention, PersonMention


class NewsArticleJsonLd(serializers.BaseSerializer):
    @classmethod
    def load(cls, queryset, names, request):
        """What a node needs, whatever `fields=` says (see ShapedSerializer.load)."""
        # articleBody: the body the list view leaves unloaded.
        queryset = queryset.defer(None).defer("source_text", "search_text")
        return queryset.select_related("outlet", "original").prefetch_related(
            # author, mentions: each mention's person, in text order.
            Prefetch(
                "person_mentions",
                queryset=PersonMention.objects.select_related("person").order_by("start", "id"),
                to_attr="jsonld_people",
            ),
            # about: each mentioned event, in text order.
            Prefetch(
                "event_mentions",
                queryset=EventMention.objects.select_related("event").order_by("start", "id"),
                to_attr="jsonld_events",
            ),
        )

    def url(self, name, **kwargs):
        return reverse(name, kwargs=kwargs, request=self.context.get("request"))

    def person(self, person):
        url = self.url("api:person-detail", slug=person.slug)
        node = {"@type": "Person", "@id": url, "url": url, "name": person.name}
        if person.aliases:
            node["alternateName"] = person.aliases
        if person.description:
            node["description"] = person.description
        return node

    def event(self, event):
        url = self.url("api:event-detail", slug=event.slug)
        node = {"@type": "Event", "@id": url, "url": url, "name": event.name}
        node["startDate"] = dates.iso(event.start, event.precision)
        if event.end:
            node["endDate"] = dates.iso(event.end, event.precision)
        elif event.precision == dates.Precision.DECADE:
            # A decade has no ISO 8601 form: give its first and last years.
            node["endDate"] = str(dates.period_end(event.start, event.precision).year)
        if event.location:
            node["location"] = {"@type": "Place", "name": event.location}
        if event.description:
            node["description"] = event.description
        return node

    def to_representation(self, article: Article):
        url = self.url("api:article-detail", pk=article.pk)
        people = getattr(article, "jsonld_people", None)
        if people is None:
            people = article.person_mentions.select_related("person").order_by("start", "id")
        events = getattr(article, "jsonld_events", None)
        if events is None:
            events = article.event_mentions.select_related("event").order_by("start", "id")
        authors = _unique(m.person for m in people if m.role == PersonMention.Role.AUTHOR)
        mentioned = _unique(m.person for m in people if m.role != PersonMention.Role.AUTHOR)
        node = {
            "@type": "NewsArticle",
            "@id": url,
            "url": url,
            "identifier": article.source_document,
            "headline": article.title,
            "inLanguage": article.language,
            "wordCount": article.word_count,
            "articleBody": article.body,
        }
        if article.summary:
            node["description"] = article.summary
        if article.published:
            published = dates.iso(article.published, article.published_precision)
            if article.published_time:
                published = f"{published}T{article.published_time.isoformat(timespec='minutes')}"
            node["datePublished"] = published
        if authors:
            node["author"] = [self.person(person) for person in authors]
        if article.outlet:
            outlet = article.outlet
            publisher = {
                "@type": "NewsMediaOrganization",
                "@id": self.url("api:outlet-detail", slug=outlet.slug),
                "name": outlet.name,
            }
            if outlet.homepage:
                publisher["url"] = outlet.homepage
            node["publisher"] = publisher
        if mentioned:
            node["mentions"] = [self.person(person) for person in mentioned]
        about = _unique(m.event for m in events)
        if about:
            node["about"] = [self.event(event) for event in about]
        if article.original_id:
            node["isBasedOn"] = {"@type": "NewsArticle", "@id": self.url("api:article-detail", pk=article.original_id)}
        return node


def _unique(records):
    seen, kept = set(), []
    for record in records:
        if record.pk not in seen:
            seen.add(record.pk)
            kept.append(record)
    return kept
