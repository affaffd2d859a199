from urllib.parse import urlencode

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, UniqueConstraint
from django.urls import reverse
from django.utils.functional import cached_property
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from curation.importing import link_copy

from ..models import Article, Event, EventMention, Figure, Outlet, Person, PersonMention
from ..snippets import first_snippet
from . import article_rows
from .base import CorpusSerializer
from .fields import AnnotatedCountField, BriefRelatedField, RecordURLField, StrictCharField
from .pagination import Envelope
from .shaping import PlannedRepresentation, ShapedSerializer

# Brief forms: how a related object appears inside another.


class BriefOutletSerializer(PlannedRepresentation, serializers.ModelSerializer):
    url = RecordURLField(view_name="api:outlet-detail", lookup_field="slug")

    class Meta:
        model = Outlet
        fields = ["id", "slug", "name", "url"]


class BriefPersonSerializer(PlannedRepresentation, serializers.ModelSerializer):
    url = RecordURLField(view_name="api:person-detail", lookup_field="slug")

    class Meta:
        model = Person
        fields = ["id", "slug", "name", "url"]


class BriefEventSerializer(PlannedRepresentation, serializers.ModelSerializer):
    url = RecordURLField(view_name="api:event-detail", lookup_field="slug")

    class Meta:
        model = Event
        fields = ["id", "slug", "name", "url"]


class BriefArticleSerializer(PlannedRepresentation, serializers.ModelSerializer):
    url = RecordURLField(view_name="api:article-detail")

    class Meta:
        model = Article
        fields = ["id", "title", "url"]


class BriefFigureSerializer(PlannedRepresentation, serializers.ModelSerializer):
    url = RecordURLField(view_name="api:figure-detail")

    class Meta:
        model = Figure
        fields = ["id", "label", "value", "value_max", "unit", "url"]


def brief_join(path: str, brief):
    """A query need: `path` joined (select_related), loading only the columns `brief` shows; the
    other columns of a related row (an original's whole body, say) cost a page time for nothing."""

    def need(queryset):
        model = brief.Meta.model
        hidden = [
            f"{path}__{field.name}"
            for field in model._meta.concrete_fields
            if field.name not in brief.Meta.fields and not field.primary_key
        ]
        return queryset.select_related(path).defer(*hidden)

    return need


def outlet_field(**kwargs):
    return BriefRelatedField(BriefOutletSerializer, queryset=Outlet.objects.all(), **kwargs)


def person_field(**kwargs):
    return BriefRelatedField(BriefPersonSerializer, queryset=Person.objects.all(), **kwargs)


def event_field(**kwargs):
    return BriefRelatedField(BriefEventSerializer, queryset=Event.objects.all(), **kwargs)


def article_field(**kwargs):
    return BriefRelatedField(BriefArticleSerializer, key="id", queryset=Article.objects.all(), **kwargs)


EVIDENCE_FIELDS = ["field", "quote", "prefix", "suffix", "start", "end"]
# The text around a quote is matched as given: a space beside the quote is part of it.
CONTEXT_KWARGS = {"prefix": {"trim_whitespace": False}, "suffix": {"trim_whitespace": False}}

# How a list's long texts are described: shown only when asked for.
LONG_TEXT = "In a list, only when `fields=` names it (e.g. `fields=id,body`)."


# Mentions as they appear inside an article, a person or an event.


class ArticlePersonMentionSerializer(PlannedRepresentation, serializers.ModelSerializer):
    person = BriefPersonSerializer(read_only=True)

    class Meta:
        model = PersonMention
        fields = ["id", "person", "role", *EVIDENCE_FIELDS]


class ArticleEventMentionSerializer(PlannedRepresentation, serializers.ModelSerializer):
    event = BriefEventSerializer(read_only=True)

    class Meta:
        model = EventMention
        fields = ["id", "event", *EVIDENCE_FIELDS]


class ArticleFigureSerializer(PlannedRepresentation, serializers.ModelSerializer):
    url = RecordURLField(view_name="api:figure-detail")

    class Meta:
        model = Figure
        fields = ["id", "url", "label", "value", "value_max", "qualifier", "unit", "metric", "as_of", *EVIDENCE_FIELDS]


class PersonArticleMentionSerializer(PlannedRepresentation, serializers.ModelSerializer):
    article = BriefArticleSerializer(read_only=True)

    class Meta:
        model = PersonMention
        fields = ["id", "article", "role", *EVIDENCE_FIELDS]


class EventArticleMentionSerializer(PlannedRepresentation, serializers.ModelSerializer):
    article = BriefArticleSerializer(read_only=True)

    class Meta:
        model = EventMention
        fields = ["id", "article", *EVIDENCE_FIELDS]


# Resources.


class OutletSerializer(CorpusSerializer):
    url = RecordURLField(view_name="api:outlet-detail", lookup_field="slug")
    article_count = AnnotatedCountField()

    class Meta:
        model = Outlet
        fields = ["id", "url", "name", "slug", "kind", "homepage", "country", "description", "article_count"]


class ArticleSerializer(CorpusSerializer):
    url = RecordURLField(view_name="api:article-detail")
    outlet = outlet_field(allow_null=True, required=False)
    original = article_field(allow_null=True, required=False)
    authors = serializers.SerializerMethodField()
    is_syndicated = serializers.SerializerMethodField()
    snippet = serializers.SerializerMethodField(
        help_text="With `search`: HTML of where the article matched, the text escaped and each match in "
        "<mark>…</mark>. Null without `search`."
    )

    query_needs = {
        # outlet, original: joined, with only the columns their brief forms show.
        "outlet": brief_join("outlet", BriefOutletSerializer),
        "original": brief_join("original", BriefArticleSerializer),
        # authors: each article's author mentions as plain values, one query for the page.
        "authors": article_rows.prefetch_authors,
    }

    class Meta:
        model = Article
        fields = [
            "id",
            "url",
            "title",
            "summary",
            "byline",
            "outlet",
            "published",
            "published_precision",
            "published_time",
            "language",
            "authors",
            "original",
            "is_syndicated",
            "word_count",
            "source_document",
            "snippet",
            "body",
            "caption",
        ]
        read_only_fields = ["word_count"]
        list_serializer_class = article_rows.ArticleListSerializer
        extra_kwargs = {
            "body": {"help_text": f"{LONG_TEXT} {Article._meta.get_field('body').help_text}"},
            "caption": {"help_text": f"{LONG_TEXT} {Article._meta.get_field('caption').help_text}"},
        }

    # A list leaves its long texts out (and in the database) unless `fields=` names them.
    only_when_named = ("body", "caption")

    @classmethod
    def load(cls, queryset, names, request):
        # A list shows no text beyond title and summary unless asked; the snippet of a search needs the body.
        searching = "snippet" in names and request is not None and bool(request.query_params.get("search"))
        columns = ["source_text", "search_text", "created", "modified", "version"]
        if "body" not in names and not searching:
            columns.append("body")
        if "caption" not in names:
            columns.append("caption")
        return cls.unload(super().load(queryset, names, request), request, columns)

    @extend_schema_field(BriefPersonSerializer(many=True))
    def get_authors(self, article):
        links = self.__dict__.get("_links")
        if links is None:  # one for the page, not one per article
            context = self.context
            links = self.__dict__["_links"] = article_rows.Links(context.get("request"), context.get("format"))
        return article_rows.brief_authors(article, links)

    def get_is_syndicated(self, article) -> bool:
        return article.original_id is not None

    def get_snippet(self, article) -> str | None:
        query = self.context.get("search")
        return first_snippet(query, article.body, article.summary, article.title) if query else None


class ArticleDetailSerializer(ArticleSerializer):
    @classmethod
    def load(cls, queryset, names, request):
        # This class's own query_needs, but not the list's deferring of the body.
        return cls.unload(ShapedSerializer.load.__func__(cls, queryset, names, request), request, ["search_text"])

    person_mentions = ArticlePersonMentionSerializer(many=True, read_only=True)
    event_mentions = ArticleEventMentionSerializer(many=True, read_only=True)
    figures = ArticleFigureSerializer(many=True, read_only=True)
    syndicated_copies = BriefArticleSerializer(many=True, read_only=True)

    query_needs = {
        **ArticleSerializer.query_needs,
        # person_mentions: each mention's person in the same query.
        "person_mentions": lambda qs: qs.prefetch_related(
            Prefetch("person_mentions", queryset=PersonMention.objects.select_related("person"))
        ),
        # event_mentions: each mention's event in the same query.
        "event_mentions": lambda qs: qs.prefetch_related(
            Prefetch("event_mentions", queryset=EventMention.objects.select_related("event"))
        ),
        # figures: the article's figures.
        "figures": lambda qs: qs.prefetch_related("figures"),
        # syndicated_copies: articles whose original is this one.
        "syndicated_copies": lambda qs: qs.prefetch_related("syndicated_copies"),
    }

    only_when_named = ()

    class Meta(ArticleSerializer.Meta):
        fields = [
            *(name for name in ArticleSerializer.Meta.fields if name not in ("snippet", "body", "caption")),
            "body",
            "caption",
            "source_text",
            "person_mentions",
            "event_mentions",
            "figures",
            "syndicated_copies",
        ]
        extra_kwargs = {}

    def validate(self, attrs):
        attrs = super().validate(attrs)
        edited = {
            name: attrs[name]
            for name in Article.normalised_fields
            if self.instance is not None and name in attrs and attrs[name] != getattr(self.instance, name)
        }
        self._reanchored = self.instance.reanchored_evidence(edited) if edited else []
        broken = [(record, found) for record, found in self._reanchored if not found.holds]
        if broken:
            # A conflict with the records quoting the old text (a 409), not a malformed text.
            listed = "; ".join(
                f"{record._meta.verbose_name} {record.pk} in the {record.field} "
                f"({record.quote[:60]!r}) {found.describe()}"
                for record, found in broken[:10]
            )
            message = (
                f"The edit leaves the evidence of {len(broken)} record(s) without a place: {listed}. "
                "Fix or delete those records first, or keep their quotes in the text."
            )
            key = next(name for name in edited if any(record.field == name for record, _ in broken))
            raise serializers.ValidationError({key: [serializers.ErrorDetail(message, code="conflict")]})
        return attrs

    def create(self, validated_data):
        instance = super().create(validated_data)
        if "original" not in validated_data:
            # A near copy is linked on every door; the answer's `original` or `syndicated_copies` shows it.
            link_copy(instance)
        return instance

    def update(self, instance, validated_data):
        body_changed = "body" in validated_data and validated_data["body"] != instance.body
        instance = super().update(instance, validated_data)
        fields = ", ".join(sorted({record.field for record, found in self._reanchored if found.outcome == "moved"}))
        instance.move_evidence(self._reanchored, f"Re-anchored after an edit of the article's {fields}")
        if body_changed and "original" not in validated_data:
            link_copy(instance)
        return instance


class PersonSerializer(CorpusSerializer):
    url = RecordURLField(view_name="api:person-detail", lookup_field="slug")
    aliases = serializers.ListField(child=StrictCharField(max_length=200), required=False)
    article_count = AnnotatedCountField()

    class Meta:
        model = Person
        fields = ["id", "url", "name", "slug", "aliases", "description", "article_count"]


class PersonDetailSerializer(PersonSerializer):
    mentions = PersonArticleMentionSerializer(many=True, read_only=True)
    events = BriefEventSerializer(many=True, read_only=True)

    query_needs = {
        # mentions: each mention's article in the same query.
        "mentions": lambda qs: qs.prefetch_related(
            Prefetch("mentions", queryset=PersonMention.objects.select_related("article"))
        ),
        # events: the events the person took part in.
        "events": lambda qs: qs.prefetch_related("events"),
    }

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "mentions", "events"]


class EventSerializer(CorpusSerializer):
    url = RecordURLField(view_name="api:event-detail", lookup_field="slug")
    participants = person_field(many=True, required=False)
    article_count = AnnotatedCountField()

    query_needs = {
        # participants: the people taking part, one query for the page.
        "participants": lambda qs: qs.prefetch_related("participants"),
    }

    class Meta:
        model = Event
        fields = [
            "id",
            "url",
            "name",
            "slug",
            "kind",
            "description",
            "start",
            "end",
            "precision",
            "last_day",
            "location",
            "participants",
            "article_count",
        ]
        read_only_fields = ["last_day"]


class EventDetailSerializer(EventSerializer):
    mentions = EventArticleMentionSerializer(many=True, read_only=True)
    figures = BriefFigureSerializer(many=True, read_only=True)

    query_needs = {
        **EventSerializer.query_needs,
        # mentions: each mention's article in the same query.
        "mentions": lambda qs: qs.prefetch_related(
            Prefetch("mentions", queryset=EventMention.objects.select_related("article"))
        ),
        # figures: the figures linked to the event.
        "figures": lambda qs: qs.prefetch_related("figures"),
    }

    class Meta(EventSerializer.Meta):
        fields = [*EventSerializer.Meta.fields, "mentions", "figures"]


class EvidenceSerializer(CorpusSerializer):
    """A mention or figure, whose evidence may be given by its quote alone: the model finds the
    offsets (articles.anchoring), with `prefix`, `suffix` or `occurrence` choosing between repeats."""

    occurrence = serializers.IntegerField(
        min_value=1,
        write_only=True,
        required=False,
        help_text="Which occurrence of a repeated quote is meant (1 for the first), instead of a prefix or suffix.",
    )

    def validate(self, attrs):
        self._occurrence = attrs.pop("occurrence", None)
        if ({"quote", "field"} & attrs.keys() or self._occurrence) and not {"start", "end"} & attrs.keys():
            # A new quote without offsets is found afresh, not checked against the old offsets.
            attrs["start"] = attrs["end"] = None
        attrs = super().validate(attrs)
        self._check_unique_spans(attrs)
        return attrs

    def _check_unique_spans(self, attrs):
        # DRF's own unique-together check would run before the offsets are found, and require them.
        model = self.Meta.model
        probe = model()
        if self.instance is not None:
            probe = model(**{f.attname: getattr(self.instance, f.attname) for f in model._meta.concrete_fields})
        for name, value in attrs.items():
            setattr(probe, name, value)
        for constraint in model._meta.constraints:
            if isinstance(constraint, UniqueConstraint):
                try:
                    constraint.validate(model, probe)
                except DjangoValidationError as error:
                    raise serializers.ValidationError(
                        {"quote": [f"{error.messages[0]} This record already quotes that span."]}
                    ) from error

    def _candidate(self, attrs):
        candidate = super()._candidate(attrs)
        candidate.occurrence = self._occurrence
        return candidate


class FigureSerializer(EvidenceSerializer):
    url = RecordURLField(view_name="api:figure-detail")
    article = article_field()
    outlet = serializers.SerializerMethodField()
    event = event_field(allow_null=True, required=False)
    person = person_field(allow_null=True, required=False)

    query_needs = {
        # article, outlet: the article and its outlet by join.
        "article": lambda qs: qs.select_related("article"),
        "outlet": lambda qs: qs.select_related("article__outlet"),
        "event": lambda qs: qs.select_related("event"),
        "person": lambda qs: qs.select_related("person"),
    }

    class Meta:
        model = Figure
        fields = [
            "id",
            "url",
            "article",
            "outlet",
            "label",
            "value",
            "value_max",
            "qualifier",
            "unit",
            "metric",
            "as_of",
            "event",
            "person",
            *EVIDENCE_FIELDS,
            "occurrence",
        ]
        validators = []  # see EvidenceSerializer._check_unique_spans
        extra_kwargs = CONTEXT_KWARGS

    @extend_schema_field(BriefOutletSerializer(allow_null=True))
    def get_outlet(self, figure):
        outlet = figure.article.outlet
        return self._outlet_serializer.to_representation(outlet) if outlet else None

    @cached_property
    def _outlet_serializer(self):
        # One for every row: building a serializer (its fields from the model) cost more than the row.
        return BriefOutletSerializer(context=self.context)


class PersonMentionSerializer(EvidenceSerializer):
    url = RecordURLField(view_name="api:personmention-detail")
    article = article_field()
    person = person_field()

    query_needs = {
        "article": lambda qs: qs.select_related("article"),
        "person": lambda qs: qs.select_related("person"),
    }

    class Meta:
        model = PersonMention
        fields = ["id", "url", "article", "person", "role", *EVIDENCE_FIELDS, "occurrence"]
        validators = []  # see EvidenceSerializer._check_unique_spans
        extra_kwargs = CONTEXT_KWARGS


class EventMentionSerializer(EvidenceSerializer):
    url = RecordURLField(view_name="api:eventmention-detail")
    article = article_field()
    event = event_field()

    query_needs = {
        "article": lambda qs: qs.select_related("article"),
        "event": lambda qs: qs.select_related("event"),
    }

    class Meta:
        model = EventMention
        fields = ["id", "url", "article", "event", *EVIDENCE_FIELDS, "occurrence"]
        validators = []  # see EvidenceSerializer._check_unique_spans
        extra_kwargs = CONTEXT_KWARGS


# Comparison: figures for one metric side by side, and the metrics to compare.


class MetricSummarySerializer(ShapedSerializer):
    """One metric in one unit across the figures that quote it."""

    url = serializers.SerializerMethodField(help_text="Its figures side by side: compare/?metric=…&unit=….")
    metric = serializers.SlugField()
    unit = serializers.CharField()
    figure_count = serializers.IntegerField()
    outlet_count = serializers.IntegerField(help_text="Outlets quoting a figure for the metric.")
    article_count = serializers.IntegerField()
    min_value = serializers.DecimalField(max_digits=20, decimal_places=4)
    max_value = serializers.DecimalField(
        max_digits=20, decimal_places=4, help_text="The largest value or upper bound of a range."
    )
    spread = serializers.SerializerMethodField(help_text="max_value − min_value: 0 when every source agrees.")

    def get_url(self, row) -> str:
        request = self.context.get("request")
        query = urlencode({"metric": row["metric"], "unit": row["unit"]})
        return request.build_absolute_uri(f"{reverse('api:figure-compare')}?{query}")

    @extend_schema_field(serializers.DecimalField(max_digits=21, decimal_places=4))
    def get_spread(self, row):
        return serializers.DecimalField(max_digits=21, decimal_places=4).to_representation(
            row["max_value"] - row["min_value"]
        )


class FigureComparisonSerializer(Envelope):
    """compare/?metric=…: the metrics' summaries, then a page of their figures."""

    page_of = FigureSerializer
    extra = {"metrics": MetricSummarySerializer}


class MetricListSerializer(Envelope):
    """compare/ without a metric: a page of every metric's summary."""

    page_of = MetricSummarySerializer
