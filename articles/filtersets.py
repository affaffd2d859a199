"""Query filters for every list endpoint.

Repeating a parameter means OR (`person=a&person=b`); different parameters
combine with AND. Slug filters have `_id` twins. A value that does not parse
is a 400 naming the parameter, never an ignored filter; a slug or id that
names no record matches nothing.
"""

import django_filters as filters
from django import forms
from django.core.validators import MinValueValidator
from django.db.models import F, Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from . import dates, search
from .facet_counts import Facet, RelatedFacet, YearFacet
from .models import Article, Event, EventMention, Figure, Outlet, Person, PersonMention


class StrictBooleanField(forms.NullBooleanField):
    """Accepts true/false/1/0/yes/no; anything else is an error, not "unset"."""

    widget = forms.TextInput
    TRUE = {"true", "1", "yes", "on"}
    FALSE = {"false", "0", "no", "off"}

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        lowered = str(value).strip().lower()
        if lowered in self.TRUE:
            return True
        if lowered in self.FALSE:
            return False
        raise forms.ValidationError(f"“{value}” is not a boolean; use true or false.", code="invalid")

    def validate(self, value):
        pass


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField


class MultipleCharField(forms.MultipleChoiceField):
    """A repeatable free-text parameter: every value is valid."""

    def valid_value(self, value):
        return True


class MultiValueCharFilter(filters.MultipleChoiceFilter):
    field_class = MultipleCharField


class RecordsField(forms.MultipleChoiceField):
    """Repeatable keys (slugs, or ids), cleaned into the queryset of the records they name."""

    def __init__(self, *args, queryset, to_field_name="pk", **kwargs):
        self.queryset = queryset
        self.to_field_name = to_field_name
        super().__init__(*args, **kwargs)

    def valid_value(self, value):
        return True

    def clean(self, value):
        keys = super().clean(value)
        if not keys:
            return None
        if self.to_field_name == "pk":
            try:
                keys = [int(key) for key in keys]
            except ValueError as exc:
                raise forms.ValidationError("Give whole-number ids.", code="invalid") from exc
            keys = [key for key in keys if -(2**63) <= key < 2**63]  # no record has any other id
        return self.queryset.filter(**{f"{self.to_field_name}__in": keys})


class RelatedFilter(filters.MultipleChoiceFilter):
    """Records related to any of the named ones (repeat the parameter for OR).

    The value (and a `method=`'s) is the lazy queryset of the named records.
    A key that names no record matches nothing, like any other filter value
    that matches nothing: which records exist is not something a client (or
    the schema) can know in advance. A malformed id is a 400.
    """

    field_class = RecordsField

    def filter(self, qs, value):
        if value is None:
            return qs
        # The named records' ids, looked up first (one indexed query): the planner estimates and
        # orders by a literal id (the articles of an outlet, newest first, from an index), where a
        # subquery of slugs would leave it guessing.
        condition = {f"{self.field_name}__in": list(value.order_by().values_list("pk", flat=True))}
        if not repeats_rows(qs.model, self.field_name):
            return qs.filter(**condition)
        # Through a to-many relation a join repeats a record once per related row, and
        # DISTINCT over every column of a large list costs more than the page: a subquery of ids repeats nothing.
        return qs.filter(pk__in=qs.model._base_manager.filter(**condition).values("pk"))


def repeats_rows(model, path: str) -> bool:
    """Whether `path` crosses a to-many relation, so a join on it repeats records."""
    opts = model._meta
    for part in path.split("__"):
        field = opts.get_field(part)
        if field.many_to_many or field.one_to_many:
            return True
        if not field.is_relation:
            return False
        opts = field.related_model._meta
    return False


def slug_filter(field_name, queryset, **kwargs):
    return extend_schema_field(OpenApiTypes.STR)(
        RelatedFilter(field_name=field_name, to_field_name="slug", queryset=queryset, **kwargs)
    )


def id_filter(field_name, queryset, **kwargs):
    return extend_schema_field(OpenApiTypes.INT)(RelatedFilter(field_name=field_name, queryset=queryset, **kwargs))


class StableOrderingFilter(filters.OrderingFilter):
    """Orders with NULLs last on every database and breaks ties by id, so pages are stable."""

    def get_ordering_value(self, param):
        descending = param.startswith("-")
        name = self.param_map[param[1:] if descending else param]
        return F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)

    def filter(self, qs, value):
        if value in ([], (), {}, "", None):
            return qs
        return qs.order_by(*[self.get_ordering_value(param) for param in value], "id")


NUMBER_LIMIT = 1e50  # django-filter's own cap on a number filter, kept for both signs


@extend_schema_field({"type": "number", "minimum": -NUMBER_LIMIT, "maximum": NUMBER_LIMIT})
class BoundedNumberFilter(filters.NumberFilter):
    """A number filter whose limits the schema states."""

    @property
    def field(self):
        field = super().field
        if not any(isinstance(v, MinValueValidator) for v in field.validators):
            field.validators.append(MinValueValidator(-NUMBER_LIMIT))
        return field


class SearchField(forms.CharField):
    """Parses the search text (see articles.search): text too long to search
    is an error; text with no letter or digit matches nothing."""

    NOTHING = "nothing"

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            return search.parse(value)
        except search.NothingToSearch:
            return self.NOTHING
        except search.SearchError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from exc


class SearchFilter(filters.CharFilter):
    field_class = SearchField


# Parameters whose empty value is no value at all (a text filter's empty value matches the empty text).
TYPED_FILTERS = (filters.DateFilter, filters.NumberFilter, StrictBooleanFilter, filters.OrderingFilter)


class CorpusFilterSet(filters.FilterSet):
    """Shared by every resource: full-text search, ranked by relevance.

    `facets` names the counts a list offers with `facets=` (see articles.facet_counts).
    """

    facets: dict = {}

    search = SearchFilter(
        method="filter_search",
        max_length=search.MAX_LENGTH,
        label=(
            "Full-text search, ranked by relevance; accent-, case- and punctuation-insensitive. Every word must "
            'match; words of two letters or more match word starts; "quoted words" match as a phrase. When more '
            f"than {search.rank_window():,} records match, the newest {search.rank_window():,} are ranked and come "
            "first, and the older follow by id."
        ),
    )

    def __init__(self, data=None, *args, **kwargs):
        # `ordering=a&ordering=b` means `ordering=a,b`, as generated clients send a list;
        # django-filter alone would keep the last value and drop the rest unsaid.
        if data is not None and len(data.getlist("ordering")) > 1:
            data = data.copy()
            data.setlist("ordering", [",".join(data.getlist("ordering"))])
        super().__init__(data, *args, **kwargs)

    def is_valid(self):
        valid = super().is_valid()
        # django-filter ignores an empty value; for a date, number or boolean
        # it is no such value, and a 400 like any other that does not parse.
        for name, filter_ in self.filters.items():
            if isinstance(filter_, TYPED_FILTERS) and self.data.get(name) == "":
                self.form.add_error(name, "Give a value, or leave the parameter out.")
                valid = False
        ordering = self.data.get("ordering")
        if ordering and "" in ordering.split(","):
            self.form.add_error("ordering", "A name is missing between commas: give names separated by single commas.")
            valid = False
        return valid

    def filter_search(self, queryset, name, value):
        if value is None:
            return queryset
        if value == SearchField.NOTHING:
            return queryset.none()
        if self.request is not None:
            # Parsed once: the answer's snippets read this query (see CorpusViewSet.get_serializer_context).
            self.request.search_query = value
        return search.matching(queryset, value)

    def filter_queryset(self, queryset):
        """The matches are ranked after every other filter, so the ranking window
        (see articles.search) holds the newest records that pass them all; with
        `ordering=` they are ordered by it instead."""
        queryset = super().filter_queryset(queryset)
        query = self.form.cleaned_data.get("search")
        if isinstance(query, search.Query) and not self.form.cleaned_data.get("ordering"):
            queryset = search.ranked(queryset, query)
        return queryset


class OutletFilterSet(CorpusFilterSet):
    kind = filters.MultipleChoiceFilter(field_name="kind", choices=Outlet.Kind.choices)
    country = MultiValueCharFilter(field_name="country", lookup_expr="iexact")
    ordering = StableOrderingFilter(fields=("name", "slug", "kind", "country", "article_count", "id"))

    facets = {
        "kind": Facet("kind", "Outlets per kind.", choices=Outlet.Kind.choices),
        "country": Facet("country", "Outlets per country code."),
    }

    class Meta:
        model = Outlet
        fields = ["kind", "country"]


class ArticleFilterSet(CorpusFilterSet):
    outlet = slug_filter("outlet", Outlet.objects.all())
    outlet_id = id_filter("outlet", Outlet.objects.all())
    author = slug_filter("person_mentions__person", Person.objects.all(), method="filter_author")
    author_id = id_filter("person_mentions__person", Person.objects.all(), method="filter_author")
    person = slug_filter("person_mentions__person", Person.objects.all(), method="filter_person")
    person_id = id_filter("person_mentions__person", Person.objects.all(), method="filter_person")
    event = slug_filter("event_mentions__event", Event.objects.all(), method="filter_event")
    event_id = id_filter("event_mentions__event", Event.objects.all(), method="filter_event")
    published_after = filters.DateFilter(
        field_name="published",
        lookup_expr="gte",
        method="filter_published_after",
        label="Articles published on or after this date, at their precision (one dated only 2026 matches 2026-06-01).",
    )
    published_before = filters.DateFilter(
        field_name="published",
        lookup_expr="lte",
        label="Articles published on or before this date (the first day of their period, at their precision).",
    )
    language = MultiValueCharFilter(field_name="language", lookup_expr="iexact")
    is_syndicated = StrictBooleanFilter(field_name="original", method="filter_is_syndicated")
    ordering = StableOrderingFilter(fields=("published", "title", "word_count", "id"))

    facets = {
        "outlet": RelatedFacet("outlet", "Articles per outlet.", none_label="no outlet"),
        "year": YearFacet("published", "published_precision", "Articles per year of publication."),
        "person": RelatedFacet("person_mentions__person", "Articles per person they mention (any role).", many=True),
        "event": RelatedFacet("event_mentions__event", "Articles per event they mention.", many=True),
    }

    class Meta:
        model = Article
        fields = []

    def _mentioning(self, queryset, mentions):
        # A subquery, not a join: a join repeats an article once per matching mention.
        return queryset.filter(pk__in=mentions.values("article_id"))

    def filter_author(self, queryset, name, value):
        if value is None:
            return queryset
        return self._mentioning(
            queryset, PersonMention.objects.filter(person__in=value, role=PersonMention.Role.AUTHOR)
        )

    def filter_person(self, queryset, name, value):
        if value is None:
            return queryset
        return self._mentioning(queryset, PersonMention.objects.filter(person__in=value))

    def filter_event(self, queryset, name, value):
        if value is None:
            return queryset
        return self._mentioning(queryset, EventMention.objects.filter(event__in=value))

    def filter_published_after(self, queryset, name, value):
        # A partial date covers its whole period: it reaches `value` when it
        # starts no earlier than the start of the period around `value`.
        reaches = Q()
        for precision, first_day in dates.period_starts(value).items():
            reaches |= Q(published_precision=precision, published__gte=first_day)
        return queryset.filter(reaches)

    def filter_is_syndicated(self, queryset, name, value):
        return queryset.filter(original__isnull=not value)


class PersonFilterSet(CorpusFilterSet):
    role = filters.MultipleChoiceFilter(
        field_name="mentions__role", choices=PersonMention.Role.choices, method="filter_role"
    )
    article = id_filter("mentions__article", Article.objects.all(), method="filter_article")
    outlet = slug_filter("mentions__article__outlet", Outlet.objects.all(), method="filter_outlet")
    outlet_id = id_filter("mentions__article__outlet", Outlet.objects.all(), method="filter_outlet")
    ordering = StableOrderingFilter(fields=("name", "slug", "article_count", "id"))

    facets = {
        "role": Facet(
            "mentions__role", "People per role they are mentioned in.", choices=PersonMention.Role.choices, many=True
        ),
        "outlet": RelatedFacet("mentions__article__outlet", "People per outlet that mentions them.", many=True),
    }

    class Meta:
        model = Person
        fields = []

    def _mentioned(self, queryset, mentions):
        return queryset.filter(pk__in=mentions.values("person_id"))

    def filter_role(self, queryset, name, value):
        if value is None:
            return queryset
        return self._mentioned(queryset, PersonMention.objects.filter(role__in=value))

    def filter_article(self, queryset, name, value):
        if value is None:
            return queryset
        return self._mentioned(queryset, PersonMention.objects.filter(article__in=value))

    def filter_outlet(self, queryset, name, value):
        if value is None:
            return queryset
        return self._mentioned(queryset, PersonMention.objects.filter(article__outlet__in=value))


class EventFilterSet(CorpusFilterSet):
    date_after = filters.DateFilter(
        field_name="last_day",
        lookup_expr="gte",
        label="Events that reach this date or later, at their precision (an event in 1967 matches 1967-06-01).",
    )
    date_before = filters.DateFilter(
        field_name="start",
        lookup_expr="lte",
        label="Events that begin on or before this date, at their precision.",
    )
    person = slug_filter("participants", Person.objects.all(), method="filter_person")
    person_id = id_filter("participants", Person.objects.all(), method="filter_person")
    article = id_filter("mentions__article", Article.objects.all(), method="filter_article")
    kind = filters.MultipleChoiceFilter(field_name="kind", choices=Event.Kind.choices)
    precision = filters.MultipleChoiceFilter(field_name="precision", choices=Event._meta.get_field("precision").choices)
    ordering = StableOrderingFilter(fields=("start", "end", "name", "slug", "id"))

    facets = {
        "kind": Facet("kind", "Events per kind.", choices=Event.Kind.choices),
        "decade": YearFacet("start", "precision", "Events per decade they start in.", decade=True),
        "year": YearFacet("start", "precision", "Events per year they start in (unknown when dated only to a decade)."),
        "precision": Facet(
            "precision", "Events per date precision.", choices=Event._meta.get_field("precision").choices
        ),
    }

    class Meta:
        model = Event
        fields = []

    def filter_person(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(pk__in=Event.participants.through.objects.filter(person__in=value).values("event_id"))

    def filter_article(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(pk__in=EventMention.objects.filter(article__in=value).values("event_id"))


class FigureFilterSet(CorpusFilterSet):
    article = id_filter("article", Article.objects.all())
    outlet = slug_filter("article__outlet", Outlet.objects.all())
    outlet_id = id_filter("article__outlet", Outlet.objects.all())
    event = slug_filter("event", Event.objects.all())
    event_id = id_filter("event", Event.objects.all())
    person = slug_filter("person", Person.objects.all())
    person_id = id_filter("person", Person.objects.all())
    metric = MultiValueCharFilter(field_name="metric")
    unit = MultiValueCharFilter(field_name="unit", lookup_expr="iexact")
    qualifier = filters.MultipleChoiceFilter(field_name="qualifier", choices=Figure.Qualifier.choices)
    value_min = BoundedNumberFilter(
        field_name="value", lookup_expr="gte", label="Figures whose value is at least this."
    )
    value_max = BoundedNumberFilter(field_name="value", lookup_expr="lte", label="Figures whose value is at most this.")
    ordering = StableOrderingFilter(fields=("value", "metric", "unit", "article", "as_of", "id"))

    facets = {
        "metric": Facet("metric", "Figures per metric."),
        "unit": Facet("unit", "Figures per unit."),
        "outlet": RelatedFacet("article__outlet", "Figures per outlet that quotes them.", none_label="no outlet"),
        "qualifier": Facet("qualifier", "Figures per qualifier.", choices=Figure.Qualifier.choices),
    }

    class Meta:
        model = Figure
        fields = []


class MentionFilterSet(CorpusFilterSet):
    search = filters.CharFilter(
        field_name="quote", lookup_expr="icontains", label="Mentions whose quote contains this text."
    )


class PersonMentionFilterSet(MentionFilterSet):
    article = id_filter("article", Article.objects.all())
    person = slug_filter("person", Person.objects.all())
    person_id = id_filter("person", Person.objects.all())
    role = filters.MultipleChoiceFilter(field_name="role", choices=PersonMention.Role.choices)
    ordering = StableOrderingFilter(fields=("article", "start", "id"))

    class Meta:
        model = PersonMention
        fields = []


class EventMentionFilterSet(MentionFilterSet):
    article = id_filter("article", Article.objects.all())
    event = slug_filter("event", Event.objects.all())
    event_id = id_filter("event", Event.objects.all())
    ordering = StableOrderingFilter(fields=("article", "start", "id"))

    class Meta:
        model = EventMention
        fields = []
