"""The admin as a curation tool: every model searchable and filterable, the
article page with its mentions and figures inline beside the source text, and
every record's change history (who, when, why, what) under "History"."""

from functools import partial

from django.contrib import admin, messages
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from curation import admin_suggestions
from curation.admin_import import import_view
from curation.importing import link_copy

from . import text
from .evidence import segments
from .forms import LineListField
from .merging import MERGE_PERMISSIONS, may_merge, merge_people
from .models import Article, Event, EventMention, Figure, Outlet, Person, PersonFormerSlug, PersonMention

admin.site.site_header = "Corpus API curation"
admin.site.site_title = "Corpus API"
admin.site.index_title = "Curate outlets, articles, people, events and figures"
ALIAS_MAX_LENGTH = 200  # as the API's PersonSerializer allows


class CorpusAdmin(SimpleHistoryAdmin):
    # Large lists show "N results" for the filter only, never COUNT(*) of the whole table.
    show_full_result_count = False

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.JSONField) and db_field.name == "aliases":
            # A JSON list of names, edited one per line rather than as typed JSON.
            return LineListField(
                required=not db_field.blank,
                label=db_field.verbose_name.capitalize(),
                help_text=f"{db_field.help_text} One per line.",
                item_max_length=ALIAS_MAX_LENGTH,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class FoldedSearchMixin:
    """Search the folded `search_text`, so "chavez" finds "Chávez" and aliases match."""

    def get_search_results(self, request, queryset, search_term):
        words = text.fold_words(search_term)
        if not words:
            return queryset, False
        for word in words:
            queryset = queryset.filter(search_text__contains=f" {word}")
        return queryset, False


class EvidenceFormSet(BaseInlineFormSet):
    """Each inline record is checked against the article's texts as this same form edits them: a
    new quote from the edited body is found there, and a stored span the edit moved is re-anchored
    (or, when it can no longer be found, refused at its row). See Evidence.evidence_errors."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.instance.article = self.instance
        return form


class EvidenceInline(admin.TabularInline):
    """The model's clean() checks each span against its field's text and reports at the field.
    Offsets may be left out: the quote alone is found (with start and end to choose a repeat)."""

    formset = EvidenceFormSet
    extra = 0
    show_change_link = True


class PersonMentionInline(EvidenceInline):
    model = PersonMention
    autocomplete_fields = ["person"]
    fields = ["person", "role", "field", "quote", "start", "end"]


class EventMentionInline(EvidenceInline):
    model = EventMention
    autocomplete_fields = ["event"]
    fields = ["event", "field", "quote", "start", "end"]


class FigureInline(admin.StackedInline):
    """Stacked, a figure to a box: its ten fields in a table row were 2,800 px wide,
    the quote and offsets (and their errors) off the screen of a laptop."""

    model = Figure
    formset = EvidenceFormSet
    extra = 0
    show_change_link = True
    autocomplete_fields = ["event", "person"]
    fields = [
        ("label", "metric"),
        ("value", "value_max", "qualifier", "unit", "as_of"),
        ("field", "quote"),
        ("start", "end"),
    ]


@admin.register(Outlet)
class OutletAdmin(FoldedSearchMixin, CorpusAdmin):
    list_display = ["name", "slug", "kind", "country", "homepage"]
    list_filter = ["kind", "country"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


EVIDENCE_KINDS = {
    "author": "a person's byline (author)",
    "quoted": "a person quoted",
    "mentioned": "a person mentioned",
    "event": "an event",
    "figure": "a figure",
}
EVIDENCE_LEGEND = format_html(
    '<ul class="evidence-legend" aria-label="Highlight colours">{}</ul>',
    format_html_join(
        "", '<li><mark class="ev-{}" title="{}">{}</mark></li>', ((k, v, k) for k, v in EVIDENCE_KINDS.items())
    ),
)


def evidence_mark(piece: str, labels) -> str:
    """A piece of the body, marked when evidence covers it.

    The class is the kind of the innermost (shortest) span covering the piece,
    so a figure inside a quote shows as a figure and the rest of the quote as
    a quote; where spans of more than one record overlap the mark also gets
    `ev-overlap` (an outline). The title names every record covering it.
    """
    if not labels:
        return piece
    innermost = sorted(labels, key=lambda label: label[0])
    classes = [f"ev-{innermost[0][1]}", *(["ev-overlap"] if len(labels) > 1 else [])]
    return format_html(
        '<mark class="{}" title="{}">{}</mark>', " ".join(classes), "; ".join(label[2] for label in innermost), piece
    )


@admin.register(Article)
class ArticleAdmin(FoldedSearchMixin, CorpusAdmin):
    list_display = ["title", "outlet", "published", "published_precision", "language", "word_count", "original"]
    list_filter = ["outlet", "published_precision", "language", ("original", admin.EmptyFieldListFilter)]
    list_select_related = ["outlet", "original"]
    search_fields = ["title"]
    date_hierarchy = "published"
    autocomplete_fields = ["outlet", "original"]
    readonly_fields = ["evidence", "source_document", "source_text", "word_count", "created", "modified"]
    inlines = [PersonMentionInline, EventMentionInline, FigureInline]
    fieldsets = [
        (None, {"fields": ["title", "summary", "byline", "outlet", "original", "language"]}),
        ("Publication", {"fields": ["published", "published_precision", "published_time"]}),
        ("Evidence", {"fields": [("evidence", "source_text")]}),
        ("Text", {"fields": ["body", "caption", "source_document", "word_count"]}),
        ("Record", {"fields": ["created", "modified"], "classes": ["collapse"]}),
    ]

    actions = [admin_suggestions.suggest_action]

    class Media:
        css = {"all": ["articles/admin.css"]}
        js = ["articles/suggestions.js", "articles/annotate.js"]

    def has_suggest_permission(self, request) -> bool:
        return request.user.has_perm("curation.add_suggestion")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, object_id)
        extra_context = {**(extra_context or {}), **admin_suggestions.panel_context(request, article)}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        route = path("import/", self.admin_site.admin_view(partial(import_view, self)), name="articles_article_import")
        return [route, *admin_suggestions.urls(self), *super().get_urls()]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "original" in form.changed_data or (change and "body" not in form.changed_data):
            return
        found = link_copy(obj)
        if found is not None:
            relation = "a near copy of" if found["relation"] == "copy_of" else "the original of"
            self.message_user(
                request,
                f"This article is {relation} article {found['article']} (containment {found['containment']:.2f}); "
                "they are linked by “original”. Clear it if they are different stories.",
                messages.WARNING,
            )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Rows the editor left alone are not saved by their forms; their spans follow the edit here.
        article = form.instance
        article.move_evidence(article.reanchored_evidence(), "Re-anchored after an edit of the article in the admin")

    @admin.display(description="Body with evidence highlighted")
    def evidence(self, article):
        if article.pk is None:
            return "—"
        spans = [
            *(
                (m.start, m.end, (m.role, f"person {m.person.name} ({m.role})"))
                for m in article.person_mentions.select_related("person")
            ),
            *(
                (m.start, m.end, ("event", f"event {m.event.name}"))
                for m in article.event_mentions.select_related("event")
            ),
            *((f.start, f.end, ("figure", f"figure {f.label}")) for f in article.figures.all()),
        ]
        # Each label carries its span's length, so a piece inside several spans takes the innermost one's colour.
        spans = [(start, end, (end - start, *label)) for start, end, label in spans]
        pieces = format_html_join(
            "", "{}", ((evidence_mark(piece, labels),) for piece, labels in segments(article.body, spans))
        )
        return format_html('{}<div class="evidence-body">{}</div>', EVIDENCE_LEGEND, pieces)


class PersonFormerSlugInline(admin.TabularInline):
    model = PersonFormerSlug
    extra = 0
    verbose_name = "former slug (resolves to this person)"


@admin.register(Person)
class PersonAdmin(FoldedSearchMixin, CorpusAdmin):
    list_display = ["name", "slug", "aliases", "description"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    list_filter = ["mentions__role", "mentions__article__outlet"]
    inlines = [PersonFormerSlugInline]
    actions = ["merge"]

    def has_merge_permission(self, request) -> bool:
        # Django offers an action when the user holds any one of its permissions; a merge needs them all.
        return may_merge(request.user)

    @admin.action(description="Merge selected people into one", permissions=["merge"])
    def merge(self, request, queryset):
        if not may_merge(request.user):  # the action list already hides it; a forged POST gets no further
            self.message_user(request, f"Merging needs: {', '.join(MERGE_PERMISSIONS)}.", messages.ERROR)
            return None
        people = list(queryset.order_by("name"))
        if len(people) < 2:
            self.message_user(request, "Select at least two people to merge.", messages.WARNING)
            return None
        survivor_pk = request.POST.get("survivor")
        if survivor_pk:
            survivor = next((p for p in people if str(p.pk) == survivor_pk), None)
            if survivor is None:
                self.message_user(request, "Choose one of the selected people to keep.", messages.ERROR)
                return None
            merged = [p.name for p in people if p.pk != survivor.pk]
            merge_people(survivor, people, user=request.user)
            self.message_user(request, f"Merged {', '.join(merged)} into {survivor.name}.", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge people",
            "people": people,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/articles/person/merge.html", context)


@admin.register(Event)
class EventAdmin(FoldedSearchMixin, CorpusAdmin):
    list_display = ["name", "kind", "start", "end", "precision", "location"]
    list_filter = ["kind", "precision"]
    search_fields = ["name"]
    date_hierarchy = "start"
    autocomplete_fields = ["participants"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["last_day"]


@admin.register(Figure)
class FigureAdmin(CorpusAdmin):
    list_display = ["label", "value", "value_max", "qualifier", "unit", "metric", "article"]
    list_filter = ["metric", "unit", "qualifier", "article__outlet"]
    list_select_related = ["article"]
    search_fields = ["label", "quote", "metric"]
    autocomplete_fields = ["article", "event", "person"]


@admin.register(PersonMention)
class PersonMentionAdmin(CorpusAdmin):
    list_display = ["person", "role", "article", "quote"]
    list_filter = ["role", "article__outlet"]
    list_select_related = ["person", "article"]
    search_fields = ["quote", "person__name"]
    autocomplete_fields = ["article", "person"]


@admin.register(EventMention)
class EventMentionAdmin(CorpusAdmin):
    list_display = ["event", "article", "quote"]
    list_filter = ["event__kind", "article__outlet"]
    list_select_related = ["event", "article"]
    search_fields = ["quote", "event__name"]
    autocomplete_fields = ["article", "event"]
