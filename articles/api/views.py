from django.http import Http404

from ..filtersets import (
    ArticleFilterSet,
    EventFilterSet,
    EventMentionFilterSet,
    FigureFilterSet,
    OutletFilterSet,
    PersonFilterSet,
    PersonMentionFilterSet,
)
from ..models import Article, Event, EventMention, Figure, Outlet, Person, PersonFormerSlug, PersonMention
from . import serializers
from .base import CorpusViewSet, count_of


class OutletViewSet(CorpusViewSet):
    queryset = Outlet.objects.annotate(article_count=count_of(Article, "outlet"))
    serializer_class = serializers.OutletSerializer
    filterset_class = OutletFilterSet
    lookup_field = "slug"


class ArticleViewSet(CorpusViewSet):
    queryset = Article.objects.all()
    serializer_class = serializers.ArticleSerializer
    detail_serializer_class = serializers.ArticleDetailSerializer
    filterset_class = ArticleFilterSet


class PersonViewSet(CorpusViewSet):
    queryset = Person.objects.annotate(article_count=count_of(PersonMention, "person", "article"))
    serializer_class = serializers.PersonSerializer
    detail_serializer_class = serializers.PersonDetailSerializer
    filterset_class = PersonFilterSet
    lookup_field = "slug"

    def get_object(self):
        # A slug merged away still resolves to the person it was merged into.
        try:
            return super().get_object()
        except Http404:
            former = PersonFormerSlug.objects.filter(slug=self.kwargs["slug"]).select_related("person").first()
            if former is None:
                raise
            self.kwargs["slug"] = former.person.slug
            return super().get_object()


class EventViewSet(CorpusViewSet):
    queryset = Event.objects.annotate(article_count=count_of(EventMention, "event", "article"))
    serializer_class = serializers.EventSerializer
    detail_serializer_class = serializers.EventDetailSerializer
    filterset_class = EventFilterSet
    lookup_field = "slug"


class FigureViewSet(CorpusViewSet):
    queryset = Figure.objects.all()
    serializer_class = serializers.FigureSerializer
    filterset_class = FigureFilterSet


class PersonMentionViewSet(CorpusViewSet):
    queryset = PersonMention.objects.all()
    serializer_class = serializers.PersonMentionSerializer
    filterset_class = PersonMentionFilterSet


class EventMentionViewSet(CorpusViewSet):
    queryset = EventMention.objects.all()
    serializer_class = serializers.EventMentionSerializer
    filterset_class = EventMentionFilterSet
