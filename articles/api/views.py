from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework.decorators import action

from accounts.permissions import TokenScope
from curation.api.importing import ImportedArticleSerializer, ImportRequestSerializer, import_document
from curation.api.suggestions import ArticleSuggestionPermissions, SuggestionResultsSerializer, article_suggestions

from .. import comparison
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
from . import operation_docs, serializers
from .base import BulkCreate, CorpusViewSet, count_of
from .error_statuses import error_responses
from .exports import JSONLDRenderer, export_operation
from .jsonld import NewsArticleJsonLd

# The keys of either shape of a comparison: a figure's, or a metric summary's.
COMPARE_FIELDS = sorted({*serializers.FigureSerializer.Meta.fields, *serializers.MetricSummarySerializer().fields})


class NewsArticleRenderer(JSONLDRenderer):
    serializer_class = NewsArticleJsonLd


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
    renderer_classes = [*CorpusViewSet.renderer_classes, NewsArticleRenderer]
    export_jsonld = export_operation(NewsArticleRenderer)

    @extend_schema(
        summary="Import a raw document as an article",
        description=(
            "Editors only (it adds an article). Send the document as received, plain text or an HTML page, with a "
            "unique `source_document` name; the server cleans it (the page furniture it removed, and why, is in "
            "`removed`), extracts title, byline, date and caption, keeps `source_text` verbatim, links a near copy "
            "of an existing article (`duplicate`), and stores suggestions with evidence (`suggestions`: authors, "
            "people, quotations, events and figures; accept them with `POST /api/v1/suggestions/accept/`). 201 with "
            "the article's detail; with `dry_run`, 200 with the same answer and nothing saved."
            '\n\nExample: `POST /api/v1/articles/import/` with `{"text": "Cuba signs oil deal\\n\\nBy Ana Díaz'
            '\\n\\nHAVANA — …", "source_document": "ledger-2026-02-04.txt", "outlet": "telesur", "dry_run": true}`'
        ),
        request=ImportRequestSerializer,
        responses={
            201: ImportedArticleSerializer,
            200: ImportedArticleSerializer,
            **error_responses("POST", detail=False),
        },
    )
    @action(detail=False, methods=["post"], url_path="import", url_name="import")
    def import_document(self, request):
        return import_document(self, request)

    @extend_schema(
        methods=["GET"],
        summary="List an article's suggestions",
        description="Editors only. The suggestions the suggesters made for this article, with their evidence, "
        "score and suggester: pending ones unless `state` says otherwise (`all` for every state). Decide them "
        "with `POST /api/v1/suggestions/accept/` or `reject/`. Example: `GET /api/v1/articles/7/suggestions/`.",
        parameters=[
            OpenApiParameter(
                "state", str, enum=["pending", "accepted", "rejected", "all"], description="Default: pending."
            )
        ],
        responses={200: SuggestionResultsSerializer, **error_responses("GET", detail=True)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Run the suggesters on an article",
        description="Editors only. Propose people, quotations, authors, events and figures for this article "
        "now; 201 with the new suggestions (none that was rejected before, nor any the article already has). "
        "Example: `POST /api/v1/articles/7/suggestions/` with no body.",
        request=None,
        responses={201: SuggestionResultsSerializer, **error_responses("POST", detail=True)},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        permission_classes=[ArticleSuggestionPermissions, TokenScope],
        filter_backends=[],
        pagination_class=None,
    )
    def suggestions(self, request, pk=None):
        return article_suggestions(request, self.get_object())


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


class FigureViewSet(BulkCreate, CorpusViewSet):
    queryset = Figure.objects.all()
    serializer_class = serializers.FigureSerializer
    filterset_class = FigureFilterSet

    def get_serializer_class(self):
        if self.action == "compare" and (self.request is None or not self.request.query_params.getlist("metric")):
            return serializers.MetricSummarySerializer
        return super().get_serializer_class()

    def shaping_names(self):
        return COMPARE_FIELDS if self.action == "compare" else None

    @extend_schema(
        summary="Compare the figures quoted for a metric",
        description=(
            "With `metric`: every figure for the metric(s) side by side (value, range, qualifier, unit, article, "
            "outlet, quote), lowest value first, after `metrics`, a summary per metric and unit. Without "
            "`metric`: every metric and unit with its number of figures, outlets and articles and its lowest and "
            "highest value, most-quoted first, so a client can find where the sources disagree. The figure "
            "filters apply to both; a metric no figure has compares nothing, like any filter that matches nothing."
            f" {operation_docs.SHAPED_JSON}"
            "\n\nExample: `GET /api/v1/figures/compare/?metric=us-blockade-of-cuba-duration`"
        ),
        filters=True,
        responses={
            200: PolymorphicProxySerializer(
                component_name="Comparison",
                serializers=[serializers.FigureComparisonSerializer, serializers.MetricListSerializer],
                resource_type_field_name=None,
            ),
            **error_responses("GET", detail=False),
        },
    )
    @action(detail=False, methods=["get"])
    def compare(self, request):
        figures = self.filter_queryset(self.get_queryset())
        metrics = request.query_params.getlist("metric")
        if not metrics:
            return self.list_response(comparison.summaries(figures), with_facets=False)
        if not request.query_params.get("ordering"):
            figures = figures.order_by("metric", "unit", "value", "value_max", "id")
        context = {**self.get_serializer_context(), "shape_fields": False}
        summary = serializers.MetricSummarySerializer(comparison.summaries(figures), many=True, context=context)
        return self.list_response(figures, with_facets=False, metrics=summary.data)


class PersonMentionViewSet(BulkCreate, CorpusViewSet):
    queryset = PersonMention.objects.all()
    serializer_class = serializers.PersonMentionSerializer
    filterset_class = PersonMentionFilterSet


class EventMentionViewSet(BulkCreate, CorpusViewSet):
    queryset = EventMention.objects.all()
    serializer_class = serializers.EventMentionSerializer
    filterset_class = EventMentionFilterSet
