"""The corpus: outlets publish articles; articles mention people and events and
quote figures. Every mention and figure carries evidence, a verbatim quote
with its character offsets in `Article.body`.
"""

import secrets

from anyascii import anyascii
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OrderBy, Q
from django.db.models.functions import Length
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from . import anchoring, dates, text
from .evidence import evidence_errors
from .fulltext import index_of
from .values_prefetch import ValuesPrefetch


class ChangeHistory(HistoricalRecords):
    """Who changed a record, when, why and to what (django-simple-history).

    A searchable record's folded `search_text` is derived from its other
    fields, so it is left out, as is every record's `version`; so is PostgreSQL's `search_vector`, which is no
    model field at all. The reason is free text of any length (see articles.api.change_reason).
    """

    def __init__(self, **options):
        super().__init__(history_change_reason_field=models.TextField(null=True), **options)

    def contribute_to_class(self, cls, name):
        if issubclass(cls, Searchable):
            self.excluded_fields = [*self.excluded_fields, "search_text"]
        if issubclass(cls, Versioned):
            # The database's clock, not a change anyone made.
            self.excluded_fields = [*self.excluded_fields, "version"]
        super().contribute_to_class(cls, name)


class NullsLastIndex(models.Index):
    """An index in the order `F(...).desc(nulls_last=True)` sorts by.

    PostgreSQL needs `DESC NULLS LAST` in the index to read that order off it;
    SQLite refuses the modifier in an index but sorts NULLs last on DESC anyway.
    """

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "sqlite":
            plain = [
                OrderBy(e.expression, descending=True) if isinstance(e, OrderBy) and e.descending else e
                for e in self.expressions
            ]
            return models.Index(*plain, name=self.name).create_sql(model, schema_editor, using=using, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)


class Versioned(models.Model):
    """A record whose `version` the database sets on every insert and update, from one clock for
    all tables: what a detail's ETag is made of (see articles.record_versions)."""

    version = models.BigIntegerField(default=0, db_default=0, editable=False)

    class Meta:
        abstract = True


class Timestamped(models.Model):
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Searchable(models.Model):
    """A record `search` finds: it declares the fields it is found by
    (`search_fields`) and nothing more. Saving folds them into `search_text`
    (see articles.text), and each searchable model gets its full-text index
    (see SEARCHABLE below and articles.fulltext)."""

    search_fields: tuple[str, ...] = ()
    # Folded text kept so search is one indexed column on every database
    # rather than a per-request fold.
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.search_text = self.search_document()
        super().save(*args, **kwargs)

    def search_document(self) -> str:
        return text.search_document(*(getattr(self, name) for name in self.search_fields))


class Outlet(Searchable, Timestamped, Versioned):
    class Kind(models.TextChoices):
        PARTY_PRESS = "party_press", "party press"
        NEWS_SITE = "news_site", "news site"
        BROADCASTER = "broadcaster", "broadcaster"
        BLOG = "blog", "blog"
        SYNDICATOR = "syndicator", "syndicator"
        MAGAZINE = "magazine", "magazine"
        WIRE = "wire", "news agency"
        OTHER = "other", "other"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    homepage = models.URLField(null=True, blank=True)
    country = models.CharField(max_length=2, null=True, blank=True, help_text="ISO 3166-1 alpha-2 code, e.g. GB, VE.")
    description = models.TextField(blank=True)
    history = ChangeHistory()
    search_fields = ("name", "slug", "description")

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("api:outlet-detail", kwargs={"slug": self.slug})


class Person(Searchable, Timestamped, Versioned):
    name = models.CharField(max_length=200, help_text="Canonical name, with accents.")
    slug = models.SlugField(max_length=100, unique=True)
    aliases = models.JSONField(
        default=list,
        blank=True,
        help_text="Every other spelling the corpus uses: unaccented, misspelled, shortened.",
    )
    description = models.TextField(blank=True, help_text="Role as the corpus states it.")
    history = ChangeHistory()
    search_fields = ("name", "aliases")

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "people"
        # The default ordering: SQLite then reads a page off the index and computes each row's
        # article_count for the page alone, not for every person before sorting.
        indexes = [models.Index(fields=["name", "id"], name="person_name_order")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("api:person-detail", kwargs={"slug": self.slug})

    def clean(self):
        if not isinstance(self.aliases, list) or not all(isinstance(a, str) for a in self.aliases):
            raise ValidationError({"aliases": "Give a list of strings."})


class PersonFormerSlug(models.Model):
    """A slug a person had before being merged into another; it still resolves to them."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="former_slugs")
    slug = models.SlugField(max_length=100, unique=True)
    history = ChangeHistory()

    def __str__(self):
        return f"{self.slug} → {self.person.slug}"


class Event(Searchable, Timestamped, Versioned):
    class Kind(models.TextChoices):
        AGREEMENT = "agreement", "agreement"
        ATTACK = "attack", "attack"
        BLOCKADE = "blockade", "blockade or sanction"
        COUP = "coup", "coup or uprising"
        CRISIS = "crisis", "crisis"
        DECLARATION = "declaration", "declaration"
        ELECTION = "election", "election"
        FOUNDING = "founding", "founding"
        INVASION = "invasion", "invasion"
        MEETING = "meeting", "meeting or visit"
        PROGRAMME = "programme", "programme"
        PROTEST = "protest", "protest"
        RELEASE = "release", "release"
        REVOLUTION = "revolution", "revolution"
        SEIZURE = "seizure", "seizure"
        OTHER = "other", "other"

    name = models.CharField(max_length=300)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField(blank=True)
    start = models.DateField(help_text="First day of the period, e.g. 1994-12-01 for December 1994.")
    end = models.DateField(null=True, blank=True, help_text="For a range such as 2005–2019.")
    precision = models.CharField(max_length=10, choices=dates.Precision.choices, default=dates.Precision.DAY)
    location = models.CharField(max_length=200, null=True, blank=True)
    participants = models.ManyToManyField(Person, blank=True, related_name="events")
    # The last day the event covers at its precision (see articles.dates);
    # stored so date-overlap filters are an indexed comparison.
    last_day = models.DateField(editable=False, db_index=True)
    history = ChangeHistory(m2m_fields=[participants])
    search_fields = ("name", "description", "location")

    class Meta:
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["start", "id"], name="event_start_order")]  # as person_name_order
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="event_end_not_before_start"
            ),
            models.CheckConstraint(condition=Q(last_day__gte=F("start")), name="event_last_day_not_before_start"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.last_day = dates.covered_until(self.start, self.end, self.precision)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("api:event-detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": "The end may not be before the start."})
        if self.start and not dates.is_period_aligned(self.start, self.precision):
            first = dates.period_start(self.start, self.precision)
            raise ValidationError(
                {"start": f"At {self.precision} precision the start is the first day of the period ({first})."}
            )


class Article(Searchable, Timestamped, Versioned):
    outlet = models.ForeignKey(Outlet, null=True, blank=True, on_delete=models.PROTECT, related_name="articles")
    title = models.CharField(max_length=500)
    summary = models.TextField(blank=True, help_text="The dek or standfirst.")
    body = models.TextField(help_text="The article alone, without page furniture. Evidence offsets index into it.")
    caption = models.TextField(blank=True, help_text="Photo captions and credits, kept out of the body.")
    # The database defaults let bulk loaders that name their columns (the benchmark's generator) leave
    # the newer columns out.
    byline = models.TextField(
        blank=True,
        default="",
        db_default="",
        help_text="The byline as the page prints it, e.g. “By Ana Díaz and Tom Reed”.",
    )
    source_document = models.CharField(max_length=255, unique=True, help_text="File the article was loaded from.")
    source_text = models.TextField(help_text="The document exactly as received.")
    published = models.DateField(null=True, blank=True, help_text="First day of the period at its precision.")
    published_precision = models.CharField(max_length=10, choices=dates.Precision.choices, blank=True)
    published_time = models.TimeField(
        null=True, blank=True, help_text="Local time as printed; the documents give no time zone."
    )
    language = models.CharField(max_length=12, default="en")
    original = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="syndicated_copies",
        help_text="The article this one is a syndicated copy of.",
        db_index=False,  # article_original_copies below
    )
    word_count = models.PositiveIntegerField(default=0, editable=False)
    people = models.ManyToManyField(Person, through="PersonMention", related_name="articles", blank=True)
    events = models.ManyToManyField(Event, through="EventMention", related_name="articles", blank=True)
    history = ChangeHistory()
    search_fields = ("title", "summary", "body")
    # Each author mention's person as plain values, in text order: what the article list shows of its
    # authors, prefetched without model objects (articles/api/article_rows.py).
    author_values = ValuesPrefetch(
        lambda ids: (
            PersonMention.objects.filter(article_id__in=ids, role=PersonMention.Role.AUTHOR)
            .order_by("start", "id")
            .values("article_id", "person_id", "person__slug", "person__name")
        ),
        key="article_id",
    )

    class Meta:
        ordering = [F("published").desc(nulls_last=True), "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(published__isnull=True) & Q(published_precision=""))
                | (Q(published__isnull=False) & ~Q(published_precision="")),
                name="article_published_has_precision",
            ),
            models.CheckConstraint(
                condition=Q(published_time__isnull=True) | Q(published_precision=dates.Precision.DAY),
                name="article_time_needs_day_precision",
            ),
            models.CheckConstraint(condition=~Q(original=F("id")), name="article_not_its_own_original"),
        ]
        indexes = [
            # The default ordering, so a page is read off an index rather than
            # sorted from the whole table; and the same within one outlet.
            NullsLastIndex(F("published").desc(nulls_last=True), F("id"), name="article_published_order"),
            NullsLastIndex(F("outlet"), F("published").desc(nulls_last=True), F("id"), name="article_outlet_published"),
            # An article's copies (a detail's syndicated_copies, its version). Most articles are no copy:
            # over every row, the planners took NULL for the typical value and scanned the table instead.
            models.Index(fields=["original"], condition=Q(original__isnull=False), name="article_original_copies"),
            # PostgreSQL also has article_outlet_newest (outlet_id, id), made by migration 0015 alone: see there.
        ]

    def __str__(self):
        return self.title

    # The texts evidence quotes from; stored normalised (articles.text.normalise).
    normalised_fields = ("title", "summary", "byline", "body", "caption")

    def save(self, *args, **kwargs):
        self.normalise_text()
        if not self.source_document:
            # Unique, as the column is: an article made by hand has no file of its own.
            self.source_document = (
                f"manual/{slugify(anyascii(self.title))[:80] or 'article'}-{secrets.token_hex(4)}.txt"
            )
        self.word_count = text.word_count(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("api:article-detail", kwargs={"pk": self.pk})

    def clean(self):
        # Before the evidence is checked against the body (the admin's inlines, the API's spans).
        self.normalise_text()
        super().clean()

    def normalise_text(self):
        for name in self.normalised_fields:
            setattr(self, name, text.normalise(getattr(self, name)))

    def evidence_records(self) -> list["Evidence"]:
        return [*self.person_mentions.all(), *self.event_mentions.all(), *self.figures.all()]

    def reanchored_evidence(
        self, texts: dict[str, str] | None = None
    ) -> list[tuple["Evidence", "anchoring.Reanchored"]]:
        """Each evidence record and where it stands in `texts` (field -> text; the article's own by default)."""
        texts = texts or {}
        return [
            (
                record,
                anchoring.reanchor(
                    texts.get(record.field, getattr(self, record.field)),
                    record.quote,
                    record.start,
                    record.end,
                    record.prefix,
                    record.suffix,
                ),
            )
            for record in self.evidence_records()
        ]

    def move_evidence(self, results, reason: str) -> int:
        """Saves the records `reanchored_evidence` found elsewhere, each with a history entry."""
        moved = 0
        for record, result in results:
            if not result.holds:
                continue
            text_now = getattr(self, record.field)
            if result.outcome == "kept" and (record.prefix, record.suffix) == anchoring.context(
                text_now, record.start, record.end
            ):
                continue  # nothing around it changed either
            record.article = self  # its new texts, which the record's context is cut from
            record.start, record.end = result.start, result.end
            record._change_reason = reason
            record.save()
            moved += 1
        return moved


class Evidence(models.Model):
    """A verbatim quote from one of the article's texts (`field`, the body by default) and where it stands there."""

    class Field(models.TextChoices):
        TITLE = "title", "title"
        SUMMARY = "summary", "summary"
        BYLINE = "byline", "byline"
        BODY = "body", "body"
        CAPTION = "caption", "caption"

    field = models.CharField(
        max_length=10,
        choices=Field.choices,
        default=Field.BODY,
        db_default=Field.BODY,
        help_text="The article text the quote is from.",
    )
    quote = models.TextField()
    # Up to 32 characters either side of the quote, as the W3C TextQuoteSelector keeps them: they find the
    # quote again when the text around it is edited, and choose between repeats.
    prefix = models.TextField(
        blank=True, default="", db_default="", help_text="The text just before the quote (up to 32 characters)."
    )
    suffix = models.TextField(
        blank=True, default="", db_default="", help_text="The text just after the quote (up to 32 characters)."
    )
    # Optional on every door: given only the quote (with a prefix, suffix or occurrence for a repeat),
    # clean() finds them (articles.anchoring).
    start = models.PositiveIntegerField(
        blank=True,
        help_text="Offset of the quote's first character in the field's text; found from the quote if left out.",
    )
    end = models.PositiveIntegerField(
        blank=True, help_text="Offset just past the quote's last character: text[start:end] == quote."
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="%(class)s_span_not_empty"),
            models.CheckConstraint(
                condition=Q(end=F("start") + Length("quote")), name="%(class)s_span_matches_quote_length"
            ),
        ]

    # What clean() works out from the quote, beyond what a request gave (see CorpusSerializer.validate).
    derived_fields = ("start", "end", "prefix", "suffix")
    # A write-only choice between repeats of the quote (1 for the first), set by a form or serializer.
    occurrence = None

    def save(self, *args, **kwargs):
        self.quote = text.normalise(self.quote)
        source = self.source_text()
        if source is not None and self.start is not None and source[self.start : self.end] == self.quote:
            self.prefix, self.suffix = anchoring.context(source, self.start, self.end)
        super().save(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        record = super().from_db(db, field_names, values)
        # The span as stored: a record that still claims it is re-anchored when its text was edited,
        # while offsets someone gives anew are checked as given.
        record._stored_span = (record.__dict__.get("quote"), record.__dict__.get("start"), record.__dict__.get("end"))
        return record

    def source_text(self) -> str | None:
        """The text of the article's `field` that the quote is from."""
        # An article being added with its mentions (the admin's add page) has no id yet, but is set.
        article = self.article if self.article_id else self._state.fields_cache.get("article")
        return None if article is None else getattr(article, self.field or self.Field.BODY)

    def evidence_errors(self) -> dict[str, str]:
        source = self.source_text() or ""
        if self.start is None and self.end is None and self.quote:
            try:
                self.start, self.end = anchoring.anchor(
                    source,
                    self.quote,
                    prefix=self.prefix,
                    suffix=self.suffix,
                    occurrence=self.occurrence,
                    field=self.field,
                )
            except anchoring.AnchorError as error:
                return {error.field: error.message}
        if getattr(self, "_stored_span", None) == (self.quote, self.start, self.end):
            found = anchoring.reanchor(source, self.quote, self.start, self.end, self.prefix, self.suffix)
            if not found.holds:
                return {"quote": f"After the edit of the article's {self.field}, this quote {found.describe()}."}
            self.start, self.end = found.start, found.end
        errors = evidence_errors(source, self.quote, self.start, self.end, self.field)
        if not errors:
            self.prefix, self.suffix = anchoring.context(source, self.start, self.end)
        return errors

    def clean(self):
        self.quote = text.normalise(self.quote)  # as the text it quotes is
        errors = self.evidence_errors()
        if errors:
            raise ValidationError(errors)


class PersonMention(Evidence, Versioned):
    class Role(models.TextChoices):
        AUTHOR = "author", "author"
        QUOTED = "quoted", "quoted"
        MENTIONED = "mentioned", "mentioned"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="person_mentions")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="mentions")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MENTIONED)
    history = ChangeHistory()

    class Meta(Evidence.Meta):
        ordering = ["article", "start", "id"]
        constraints = [
            *Evidence.Meta.constraints,
            models.UniqueConstraint(
                fields=["article", "person", "role", "field", "start"], name="person_mention_unique_span"
            ),
        ]

    def __str__(self):
        return f"{self.person} ({self.role}) in article {self.article_id}"


class EventMention(Evidence, Versioned):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="event_mentions")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="mentions")
    history = ChangeHistory()

    class Meta(Evidence.Meta):
        ordering = ["article", "start", "id"]
        constraints = [
            *Evidence.Meta.constraints,
            models.UniqueConstraint(fields=["article", "event", "field", "start"], name="event_mention_unique_span"),
        ]

    def __str__(self):
        return f"{self.event} in article {self.article_id}"


class Figure(Searchable, Evidence, Versioned):
    class Qualifier(models.TextChoices):
        EXACT = "exact", "exact"
        APPROXIMATELY = "approximately", "approximately"
        AT_LEAST = "at_least", "at least"
        AT_MOST = "at_most", "at most"
        RANGE = "range", "range"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="figures")
    value = models.DecimalField(max_digits=20, decimal_places=4)
    value_max = models.DecimalField(
        max_digits=20, decimal_places=4, null=True, blank=True, help_text="Upper bound of a range such as 30–40%."
    )
    qualifier = models.CharField(max_length=15, choices=Qualifier.choices, default=Qualifier.EXACT)
    unit = models.CharField(max_length=50, help_text='e.g. "barrels per day", "people", "USD", "percent".')
    metric = models.SlugField(
        max_length=100,
        help_text="What is measured; figures from different articles that measure the same thing share it.",
    )
    label = models.CharField(max_length=300)
    as_of = models.DateField(null=True, blank=True)
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="figures")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="figures")
    history = ChangeHistory()
    search_fields = ("label", "quote", "metric", "unit")

    class Meta(Evidence.Meta):
        ordering = ["article", "start", "id"]
        constraints = [
            *Evidence.Meta.constraints,
            models.CheckConstraint(
                condition=Q(value_max__isnull=True) | Q(value_max__gte=F("value")), name="figure_range_ordered"
            ),
            models.CheckConstraint(
                condition=Q(qualifier="range", value_max__isnull=False)
                | (~Q(qualifier="range") & Q(value_max__isnull=True)),
                name="figure_range_has_upper_bound",
            ),
        ]
        indexes = [models.Index(fields=["metric", "value"])]

    def __str__(self):
        return self.label

    def clean(self):
        errors = self.evidence_errors()
        if self.value is not None and self.value_max is not None and self.value_max < self.value:
            errors["value_max"] = "The upper bound may not be below the value."
        if (self.qualifier == self.Qualifier.RANGE) != (self.value_max is not None):
            errors["qualifier"] = 'A range has a value_max, and only a figure with value_max is a "range".'
        if errors:
            raise ValidationError(errors)


class FacetDelta(models.Model):
    """One change to an unfiltered facet's counts: the database appends a row on every write that
    moves a count (see articles.facet_tallies); a facet's counts are the sums per value. Appending,
    rather than updating one counter row per value, means concurrent writers never wait on each other."""

    facet = models.CharField(max_length=40)
    value = models.TextField(null=True)
    delta = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["facet", "value"], name="facet_delta_facet_value")]

    def __str__(self):
        return f"{self.facet} {self.value}: {self.delta:+d}"


class FacetPair(models.Model):
    """The reference count behind a distinct facet count (see articles.facet_tallies): how many
    rows link `record` to `value` (mentions of a person in an article, or in an outlet's articles).
    A count moves only when a pair's rows go from none to some or back, and concurrent writers of
    one pair queue on its row rather than both counting it. PostgreSQL keeps every distinct
    count's pairs here, SQLite those of people per outlet."""

    facet = models.CharField(max_length=40)
    record = models.BigIntegerField()
    value = models.TextField()
    n = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["facet", "record", "value"], name="facet_pair_unique")]

    def __str__(self):
        return f"{self.facet} {self.record} {self.value}: {self.n}"


def corpus_models() -> list[type[models.Model]]:
    """Every model of the corpus, each declared after the models it points at:
    the models with a change history (not the history tables themselves, nor
    the full-text index rows). Editors' permissions and the fixture follow it."""
    return [
        model
        for model in apps.get_app_config("articles").get_models()
        if hasattr(model._meta, "simple_history_manager_attribute")
    ]


# Every searchable model, as it declared itself by its base class.
SEARCHABLE = Searchable.__subclasses__()

# SQLite's full-text index rows (see articles.fulltext), `record.fulltext`;
# PostgreSQL keeps a tsvector column on the record's own table instead.
FULLTEXT_INDEXES = {model: index_of(model) for model in SEARCHABLE}


@receiver(pre_save)
def fold_loaded_records(sender, instance, raw=False, **kwargs):
    """Fixtures load without save(); fold their search text all the same, so a
    fixture never carries a stale or missing one into the index."""
    if raw and sender in SEARCHABLE:
        instance.search_text = instance.search_document()


@receiver(post_save)
def record_loaded_records(sender, instance, raw=False, **kwargs):
    """Fixtures load without the history entry a save records. Record one
    when a load creates or changes a record, and none when it loads the same
    values again, so the history stays true and a first change has a baseline."""
    if not raw or not hasattr(sender._meta, "simple_history_manager_attribute"):
        return
    latest = instance.history.first()
    exists = latest is not None and latest.history_type != "-"
    if exists and all(getattr(latest, f.attname) == getattr(instance, f.attname) for f in latest.tracked_fields):
        return
    sender.history.bulk_history_create([instance], update=exists, default_change_reason="Loaded from a fixture")
