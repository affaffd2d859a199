"""The admin as a curation tool: every model searchable and filterable, the
article page with its mentions and figures inline beside the source text."""

from django.contrib import admin

from . import text
from .models import Article, Event, EventMention, Figure, Outlet, Person, PersonMention

admin.site.site_header = "Corpus API curation"
admin.site.site_title = "Corpus API"
admin.site.index_title = "Curate outlets, articles, people, events and figures"


class FoldedSearchMixin:
    """Search the folded `search_text`, so "chavez" finds "Chávez" and aliases match."""

    def get_search_results(self, request, queryset, search_term):
        words = text.fold_words(search_term)
        if not words:
            return queryset, False
        for word in words:
            queryset = queryset.filter(search_text__contains=f" {word}")
        return queryset, False


class EvidenceInline(admin.TabularInline):
    """The model's clean() checks each span against the body and reports at the field."""

    extra = 0
    show_change_link = True


class PersonMentionInline(EvidenceInline):
    model = PersonMention
    autocomplete_fields = ["person"]
    fields = ["person", "role", "quote", "start", "end"]


class EventMentionInline(EvidenceInline):
    model = EventMention
    autocomplete_fields = ["event"]
    fields = ["event", "quote", "start", "end"]


class FigureInline(EvidenceInline):
    model = Figure
    autocomplete_fields = ["event", "person"]
    fields = ["label", "value", "value_max", "qualifier", "unit", "metric", "as_of", "quote", "start", "end"]


@admin.register(Outlet)
class OutletAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "country", "homepage"]
    list_filter = ["kind", "country"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["title", "outlet", "published", "published_precision", "language", "word_count", "original"]
    list_filter = ["outlet", "published_precision", "language", ("original", admin.EmptyFieldListFilter)]
    list_select_related = ["outlet", "original"]
    search_fields = ["title"]
    date_hierarchy = "published"
    autocomplete_fields = ["outlet", "original"]
    readonly_fields = ["source_document", "source_text", "word_count", "created", "modified"]
    inlines = [PersonMentionInline, EventMentionInline, FigureInline]
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["title", "summary", "outlet", "original", "language"]}),
        ("Publication", {"fields": ["published", "published_precision", "published_time"]}),
        ("Text", {"fields": [("body", "source_text"), "caption", "source_document", "word_count"]}),
        ("Record", {"fields": ["created", "modified"], "classes": ["collapse"]}),
    ]


@admin.register(Person)
class PersonAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "description"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    list_filter = ["mentions__role"]


@admin.register(Event)
class EventAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "start", "end", "precision", "location"]
    list_filter = ["kind", "precision"]
    search_fields = ["name"]
    date_hierarchy = "start"
    autocomplete_fields = ["participants"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["last_day"]


@admin.register(Figure)
class FigureAdmin(admin.ModelAdmin):
    list_display = ["label", "value", "value_max", "qualifier", "unit", "metric", "article"]
    list_filter = ["metric", "unit", "qualifier", "article__outlet"]
    list_select_related = ["article"]
    search_fields = ["label", "quote", "metric"]
    autocomplete_fields = ["article", "event", "person"]


@admin.register(PersonMention)
class PersonMentionAdmin(admin.ModelAdmin):
    list_display = ["person", "role", "article", "quote"]
    list_filter = ["role", "article__outlet"]
    list_select_related = ["person", "article"]
    search_fields = ["quote", "person__name"]
    autocomplete_fields = ["article", "person"]


@admin.register(EventMention)
class EventMentionAdmin(admin.ModelAdmin):
    list_display = ["event", "article", "quote"]
    list_filter = ["event__kind", "article__outlet"]
    list_select_related = ["event", "article"]
    search_fields = ["quote", "event__name"]
    autocomplete_fields = ["article", "event"]
