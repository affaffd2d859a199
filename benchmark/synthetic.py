"""A synthetic corpus of any size, for measuring the API at scale.

Deterministic: the same number of articles and seed give the same rows (ids
aside, which follow whatever the database already holds). Each article is
drawn from its own random stream, seeded by the seed and its index, so it is
the same whichever process drafts it and in whatever batches. Proportions per
1 M articles: about 200 outlets, 50 k people, 20 k events; every article has
3 figures and 5 mentions (2–4 people, the rest events) and a body of about
3 KB recombined from the sentences of fixtures/documents.

Every mention and figure is placed in the body as it is built, so its quote
is `body[start:end]` by construction. `search_text` and `word_count` are
assembled from pieces folded once (folding whitespace-joined pieces equals
folding their join). Batches are drafted in other processes (`drafting`) and
written by other connections (`Writers`) while the next is drafted.

Generated rows are marked: articles by `source_document` under
`synthetic/<seed>/`, outlets, people and events by a `syn-` slug.
"""

import bisect
import collections
import datetime
import hashlib
import itertools
import multiprocessing
import os
import queue
import random
import re
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils.text import slugify

from articles import dates, facet_tallies, fulltext, models, record_versions, text

SOURCE_PREFIX = "synthetic/"
SLUG_PREFIX = "syn-"
FIGURES_PER_ARTICLE = 3
MENTIONS_PER_ARTICLE = 5
BODY_CHARS = 3000
# A fixed clock for created/modified, so two loads give the same rows.
EPOCH = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
FIRST_DAY = datetime.date(1995, 1, 1)
DAYS = (datetime.date(2026, 1, 1) - FIRST_DAY).days


@dataclass(frozen=True)
class Plan:
    articles: int
    seed: int
    outlets: int
    people: int
    events: int

    @property
    def source_prefix(self) -> str:
        return f"{SOURCE_PREFIX}{self.seed}/"


def plan(articles: int, seed: int) -> Plan:
    """How many of each record `articles` articles come with: per 1 M, 200
    outlets, 50 k people and 20 k events, with a floor so a small corpus
    still has a choice of each."""
    return Plan(
        articles=articles,
        seed=seed,
        outlets=max(5, round(articles / 5_000)),
        people=max(20, round(articles / 20)),
        events=max(10, round(articles / 50)),
    )


def _rng(seed: int, stream: str) -> random.Random:
    # A string seed is hashed with SHA-512: stable across runs and machines.
    return random.Random(f"{seed}:{stream}")  # noqa: S311 - test data, not secrets


# Vocabulary ---------------------------------------------------------------

FIRST_NAMES = [
    "Ana", "Luis", "María", "José", "Carmen", "Jorge", "Rosa", "Pedro", "Elena", "Raúl", "Lucía", "Andrés",
    "Isabel", "Manuel", "Teresa", "Víctor", "Julia", "Ramón", "Sofía", "Ernesto", "Marta", "Héctor", "Inés",
    "Tomás", "Yolanda", "Óscar", "Beatriz", "Rubén", "Gloria", "Iván", "Daniel", "Sarah", "James", "Helen",
    "Peter", "Emma", "David", "Grace", "Michael", "Laura", "Yudelkis", "Delcy", "Nicolás", "Bruno", "Celia",
]  # fmt: skip
SYLLABLES = [
    "ba", "be", "ca", "co", "da", "de", "do", "fa", "ga", "go", "la", "le", "lo", "ma", "me", "mi", "na", "ne",
    "no", "pa", "pe", "ra", "re", "ri", "ro", "sa", "se", "so", "ta", "te", "to", "va", "ve", "vi", "za", "zu",
    "bel", "can", "dor", "gal", "lan", "mar", "nor", "quel", "ren", "sal", "tor", "var",
]  # fmt: skip
SURNAME_ENDINGS = ["", "", "", "s", "z", "n", "r", "ez", "es", "al"]
ACCENTS = str.maketrans("aeiou", "áéíóú")
PLACES = [
    "Caracas", "Havana", "Maracaibo", "Santiago", "Holguín", "Valencia", "Barquisimeto", "Cienfuegos", "Mérida",
    "Camagüey", "Bogotá", "Managua", "La Paz", "Quito", "Mexico City", "Madrid", "London", "Washington",
    "Brasília", "Montevideo", "Panama", "Kingston", "Port of Spain", "Barinas", "Matanzas", "Pinar del Río",
]  # fmt: skip
OUTLET_PATTERNS = [
    "{place} Herald", "Diario de {place}", "{place} Tribune", "Radio {place}", "The {place} Observer",
    "{place} Daily", "Voz de {place}", "{place} Review", "{place} Post", "Correo de {place}", "{place} Wire",
]  # fmt: skip
OUTLET_KINDS = ["news_site", "party_press", "broadcaster", "blog", "magazine", "wire", "syndicator", "other"]
COUNTRIES = ["VE", "CU", "GB", "US", "ES", "MX", "CO", "AR", "NI", "BO"]
EVENT_KINDS = [
    ("meeting", "summit"), ("agreement", "accord"), ("protest", "march"), ("election", "election"),
    ("crisis", "blackout"), ("blockade", "embargo"), ("declaration", "declaration"), ("seizure", "tanker seizure"),
    ("programme", "literacy campaign"), ("release", "prisoner release"), ("attack", "raid"), ("founding", "founding"),
]  # fmt: skip
ROLES_OF = ["minister", "spokesperson", "economist", "union leader", "ambassador", "deputy", "historian", "reporter"]
PERSON_TEMPLATES = [
    "{q} said the agreement would stand.",
    "According to {q}, the talks went on late into the night.",
    "{q}, speaking to reporters, rejected the accusation.",
    "The plan was defended by {q} in a long statement.",
    "Critics singled out {q} for the delays.",
]
QUOTED_TEMPLATES = [
    "‘We will not be intimidated,’ said {q}.",
    "{q} told the assembly: ‘This is a question of sovereignty.’",
    "‘The figures speak for themselves,’ {q} insisted.",
]
EVENT_TEMPLATES = [
    "Delegates recalled the {q} more than once.",
    "Observers compared the situation with the {q}.",
    "The {q} changed the terms of the debate.",
    "Little was said in public about the {q}.",
]
FIGURE_TEMPLATES = [
    "Officials put the figure at {q}.",
    "By one count it came to {q}.",
    "The ministry reported {q}, a number disputed by the opposition.",
]
# metric, label, unit, low, high, format of a value
METRICS = [
    ("oil-shipments-bpd", "Oil shipped to Cuba", "barrels per day", 5_000, 120_000, "{:,} barrels of oil per day"),
    ("cuban-doctors", "Cuban doctors in Venezuela", "people", 1_000, 40_000, "{:,} Cuban doctors"),
    ("protesters", "Protesters in the streets", "people", 500, 900_000, "{:,} protesters"),
    ("inflation-rate", "Annual inflation", "percent", 1, 900, "{} per cent inflation"),
    ("trade-volume-usd", "Bilateral trade", "USD", 10_000_000, 9_000_000_000, "${:,} in trade"),
    ("debt-usd", "Debt owed", "USD", 1_000_000, 5_000_000_000, "a debt of ${:,}"),
    ("unemployment-rate", "Unemployment", "percent", 2, 40, "unemployment of {} per cent"),
    ("voter-turnout", "Turnout", "percent", 30, 95, "a turnout of {} per cent"),
    ("deaths", "People killed", "people", 1, 5_000, "{:,} dead"),
    ("tankers", "Tankers", "ships", 2, 60, "{:,} tankers"),
    ("literacy-graduates", "People taught to read", "people", 1_000, 1_500_000, "{:,} newly literate adults"),
    ("electricity-mw", "Generating capacity", "megawatts", 50, 20_000, "{:,} megawatts"),
]
QUALIFIERS = [("exact", "", 6), ("approximately", "approximately ", 2), ("at_least", "at least ", 1), ("range", "", 1)]
HEADLINES = [
    "{event}: what happened and what comes next",
    "{person} on the {event}",
    "Questions remain after the {event}",
    "{place} reacts to the {event}",
    "Inside the {event}",
    "{person} defends the record",
]


# The sentence pool ---------------------------------------------------------


@dataclass(frozen=True)
class Piece:
    """A run of body text with its folded form and word count, computed once."""

    text: str
    folded: str
    words: int


def piece(value: str) -> Piece:
    return Piece(value, text.fold(value), text.word_count(value))


def seed_sentences() -> list[Piece]:
    """Sentences of the seed documents, in a stable order."""
    found = []
    for path in sorted(Path(settings.BASE_DIR, "fixtures", "documents").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            for sentence in re.split(r"(?<=[.!?’])\s+(?=[A-Z‘])", line.strip()):
                if 40 <= len(sentence) <= 400 and sentence[-1] in ".!?’":
                    found.append(sentence)
    return [piece(sentence) for sentence in dict.fromkeys(found)]


# Entities --------------------------------------------------------------------


@dataclass
class Entities:
    outlets: list[dict] = field(default_factory=list)
    people: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    participants: list[tuple[int, int]] = field(default_factory=list)  # (event index, person index)


def zipf_cumulative(count: int, exponent: float = 1.0) -> list[float]:
    """Cumulative weights for picking index k with weight 1/(k+1)^s: a few
    outlets and people carry much of the corpus, as in real news."""
    return list(itertools.accumulate(1.0 / (k + 1) ** exponent for k in range(count)))


def build_entities(p: Plan) -> Entities:
    entities = Entities()
    rng = _rng(p.seed, "outlets")
    for i in range(p.outlets):
        place = rng.choice(PLACES)
        name = rng.choice(OUTLET_PATTERNS).format(place=place)
        slug = f"{SLUG_PREFIX}{slugify(name)}-{i + 1}"
        description = f"A synthetic {rng.choice(OUTLET_KINDS).replace('_', ' ')} outlet based in {place}."
        entities.outlets.append(
            {
                "name": name,
                "slug": slug,
                "kind": rng.choice(OUTLET_KINDS),
                "country": rng.choice(COUNTRIES),
                "homepage": f"https://{slug}.example.org/",
                "description": description,
            }
        )
        entities.outlets[-1]["search_text"] = _search_text(models.Outlet, entities.outlets[-1])
    rng = _rng(p.seed, "people")
    for i in range(p.people):
        surname = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 3, 3)))) + rng.choice(SURNAME_ENDINGS)
        plain = f"{rng.choice(FIRST_NAMES)} {surname.capitalize()}"
        if rng.random() < 0.3:  # an accented spelling, with the plain one as an alias
            vowel = rng.choice([k for k, c in enumerate(plain) if c in "aeiou"] or [0])
            name = plain[:vowel] + plain[vowel].translate(ACCENTS) + plain[vowel + 1 :]
        else:
            name = plain
        aliases = sorted({plain, surname.capitalize()} - {name})
        entities.people.append(
            {
                "name": name,
                "slug": f"{SLUG_PREFIX}{slugify(plain)}-{i + 1}",
                "aliases": aliases,
                "description": f"{rng.choice(ROLES_OF).capitalize()} (synthetic).",
            }
        )
        entities.people[-1]["search_text"] = _search_text(models.Person, entities.people[-1])
    rng = _rng(p.seed, "events")
    precisions = [dates.Precision.DAY] * 12 + [dates.Precision.MONTH] * 5 + [dates.Precision.YEAR] * 2
    precisions.append(dates.Precision.DECADE)
    for i in range(p.events):
        kind, noun = rng.choice(EVENT_KINDS)
        place = rng.choice(PLACES)
        precision = rng.choice(precisions)
        start = dates.period_start(FIRST_DAY + datetime.timedelta(days=rng.randrange(DAYS)), precision)
        name = f"{place} {noun} of {start.year}"
        if precision in (dates.Precision.DAY, dates.Precision.MONTH):
            name = f"{place} {noun} of {start:%B} {start.year}"
        description = f"A {noun} in {place}."
        entities.events.append(
            {
                "name": name,
                "slug": f"{SLUG_PREFIX}{slugify(name)}-{i + 1}",
                "kind": kind,
                "description": description,
                "start": start,
                "precision": precision,
                "last_day": dates.covered_until(start, None, precision),
                "location": place,
            }
        )
        entities.events[-1]["search_text"] = _search_text(models.Event, entities.events[-1])
        for person in sorted(rng.sample(range(p.people), min(2, p.people))):
            entities.participants.append((i, person))
    return entities


# Articles --------------------------------------------------------------------


@dataclass
class Draft:
    """An article before it has ids: its fields, and its evidence by entity index."""

    fields: dict
    outlet: int
    person_mentions: list[dict]
    event_mentions: list[dict]
    figures: list[dict]


@dataclass(frozen=True)
class Template:
    """A fact sentence around its quote, each side folded and counted once: folding and counting
    work word by word, and every template meets its quote at a space or a punctuation mark, so a
    sentence's folded text and word count are its parts' (tests/test_generate_corpus.py holds this)."""

    before: str
    after: str
    folded_before: str
    folded_after: str
    words: int

    @classmethod
    def of(cls, template: str) -> "Template":
        before, after = template.split("{q}")
        return cls(before, after, text.fold(before), text.fold(after), text.word_count(before) + text.word_count(after))


class ArticleWriter:
    """Builds article `index` from its own random stream, seeded by the plan's seed and `index`, so
    an article is the same whichever process drafts it and in whatever batches."""

    def __init__(self, p: Plan, entities: Entities):
        self.plan = p
        self.entities = entities
        self.rng = random.Random()  # noqa: S311 - test data, not secrets
        self.sentences = seed_sentences()
        self.outlet_weights = zipf_cumulative(p.outlets)
        self.person_weights = zipf_cumulative(p.people, 0.9)
        self.event_weights = zipf_cumulative(p.events, 0.8)
        self.folded_metric = {m[0]: (text.fold(m[1]), text.fold(m[0]), text.fold(m[2])) for m in METRICS}
        self.qualifier_weights = list(itertools.accumulate(q[2] for q in QUALIFIERS))
        self.templates = {
            name: [Template.of(t) for t in group]
            for name, group in (
                ("quoted", QUOTED_TEMPLATES), ("mentioned", PERSON_TEMPLATES), ("event", EVENT_TEMPLATES),
                ("figure", FIGURE_TEMPLATES),
            )
        }  # fmt: skip
        self.quotes: dict[str, tuple[str, int]] = {}  # a quote's folded form and word count

    def _quote(self, quote: str) -> tuple[str, int]:
        found = self.quotes.get(quote)
        if found is None:
            found = self.quotes[quote] = (text.fold(quote), text.word_count(quote))
        return found

    def _pick(self, cumulative: list[float]) -> int:
        return bisect.bisect_left(cumulative, self.rng.random() * cumulative[-1])

    def _distinct(self, cumulative: list[float], count: int) -> list[int]:
        chosen: list[int] = []
        while len(chosen) < count:
            k = self._pick(cumulative)
            if k not in chosen or len(chosen) >= len(cumulative):
                chosen.append(k)
        return chosen

    def _one(self, options):
        # Uniform enough for test data, at a third of the cost of Random.choice.
        return options[int(self.rng.random() * len(options))]

    def figure_quote(self, metric) -> tuple[str, dict]:
        rng = self.rng
        slug, label, unit, low, high, template = metric
        qualifier, prefix, _ = QUALIFIERS[bisect.bisect_left(self.qualifier_weights, rng.random() * 10)]
        value = low + int(rng.random() * (high - low + 1))
        if value >= 1000:  # quoted numbers are round
            value = round(value, -len(str(value)) + 2)
        if qualifier == "range":
            upper = value + max(1, value // self._one((4, 5, 10)))
            number = "{:,}" if "{:,}" in template else "{}"
            quote = template.replace(number, f"{number.format(value)}–{number.format(upper)}", 1)
            return quote, {"value": Decimal(value), "value_max": Decimal(upper), "qualifier": qualifier}
        marker = "${" if "${" in template else "{"
        quote = template.replace(marker, prefix + marker, 1).format(value)
        return quote, {"value": Decimal(value), "value_max": None, "qualifier": qualifier}

    def draft(self, index: int) -> Draft:
        rng = self.rng
        rng.seed(f"{self.plan.seed}:articles:{index}")
        random_ = rng.random
        one = self._one
        entities = self.entities
        outlet = self._pick(self.outlet_weights)
        people_count = one((2, 3, 3, 4))
        people = self._distinct(self.person_weights, min(people_count, self.plan.people))
        events = self._distinct(self.event_weights, min(MENTIONS_PER_ARTICLE - len(people), self.plan.events))
        metrics = [one(METRICS) for _ in range(FIGURES_PER_ARTICLE)]
        day = FIRST_DAY + datetime.timedelta(days=int(random_() * DAYS))
        draw = random_() * 100
        precision = "day" if draw < 90 else "month" if draw < 97 else "year"
        published = dates.period_start(day, precision)

        # The body as runs of text with their folded forms (empty for separators) and word counts.
        texts: list[str] = []
        folds: list[str] = []
        words = 0
        person_mentions, event_mentions, figures = [], [], []
        position = 0

        def add(value: str, folded: str, count: int, separator: str) -> int:
            """Append a run; returns where its text starts in the body."""
            nonlocal position, words
            if texts:
                texts.append(separator)
                position += len(separator)
            texts.append(value)
            folds.append(folded)
            words += count
            start = position
            position += len(value)
            return start

        def fact(template: Template, quote: str, separator: str) -> int:
            """Append a fact sentence; returns where its quote starts in the body."""
            folded, count = self._quote(quote)
            sentence = template.before + quote + template.after
            parts = " ".join(part for part in (template.folded_before, folded, template.folded_after) if part)
            return add(sentence, parts, template.words + count, separator) + len(template.before)

        # Facts: each a sentence carrying one quote at a known offset.
        facts = []
        author = people[0] if random_() < 0.4 else None
        for k in people:
            if k == author:
                continue
            role = "quoted" if random_() < 0.4 else "mentioned"
            facts.append(("person", k, role, one(self.templates[role])))
        for k in events:
            facts.append(("event", k, None, one(self.templates["event"])))
        for metric in metrics:
            facts.append(("figure", metric, None, one(self.templates["figure"])))
        rng.shuffle(facts)

        if author is not None:
            name = entities.people[author]["name"]
            folded, count = self._quote(name)
            start = add(f"By {name}", f"by {folded}", count + 1, "") + 3
            person_mentions.append({"person": author, "role": "author", "quote": name, "start": start})
        filler_needed = max(4, (BODY_CHARS - 80 * len(facts)) // 150)
        slots = sorted(rng.sample(range(filler_needed + len(facts)), len(facts)))
        fact_at = dict(zip(slots, facts, strict=True))
        sentence_in_paragraph = 0
        sentences = self.sentences
        for slot in range(filler_needed + len(facts)):
            separator = "\n\n" if sentence_in_paragraph == 0 else " "
            sentence_in_paragraph = (sentence_in_paragraph + 1) % (3 + int(random_() * 3))
            if slot not in fact_at:
                filler = one(sentences)
                add(filler.text, filler.folded, filler.words, separator)
                continue
            kind, what, role, template = fact_at[slot]
            if kind == "person":
                person = entities.people[what]
                quote = person["name"]
                if person["aliases"] and random_() < 0.2:
                    quote = person["aliases"][0]
                start = fact(template, quote, separator)
                person_mentions.append({"person": what, "role": role, "quote": quote, "start": start})
            elif kind == "event":
                quote = entities.events[what]["name"]
                event_mentions.append({"event": what, "quote": quote, "start": fact(template, quote, separator)})
            else:
                quote, values = self.figure_quote(what)
                slug, label, unit = what[0], what[1], what[2]
                folded_label, folded_metric, folded_unit = self.folded_metric[slug]
                figure = {
                    **values,
                    "quote": quote,
                    "start": fact(template, quote, separator),
                    "metric": slug,
                    "label": label,
                    "unit": unit,
                    "as_of": published if precision == "day" else None,
                    "event": events[0] if events and random_() < 0.5 else None,
                    "person": people[-1] if random_() < 0.3 else None,
                }
                folded = {"label": folded_label, "quote": self._quote(quote)[0], "metric": folded_metric,
                          "unit": folded_unit}  # fmt: skip
                figure["search_text"] = text.folded_document(folded[name] for name in models.Figure.search_fields)
                figures.append(figure)

        body = "".join(texts)
        place = one(PLACES)
        headline = one(HEADLINES).format(
            event=entities.events[events[0]]["name"] if events else "summit",
            person=entities.people[people[0]]["name"],
            place=place,
        )
        summary = one(sentences)
        folded = {"title": text.fold(headline), "summary": summary.folded, "body": " ".join(f for f in folds if f)}
        outlet_name = entities.outlets[outlet]["name"]
        source_document = f"{self.plan.source_prefix}{index + 1:07d}.txt"
        fields = {
            "title": headline,
            "summary": summary.text,
            "body": body,
            "caption": "",
            "source_document": source_document,
            "source_text": f"{outlet_name}\n{headline}\n{published.isoformat()}\n\n{body}\n",
            "published": published,
            "published_precision": precision,
            "published_time": None,
            "language": "en",
            "word_count": words,
            "search_text": text.folded_document(folded[name] for name in models.Article.search_fields),
        }
        for evidence in (*person_mentions, *event_mentions, *figures):
            evidence["end"] = evidence["start"] + len(evidence["quote"])
        return Draft(fields, outlet, person_mentions, event_mentions, figures)


def digest_rows(rows) -> str:
    """A SHA-256 over rows given in a stable order (see the tests and `generate_corpus --digest`)."""
    digest = hashlib.sha256()
    for row in rows:
        digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def database_size(using: str = DEFAULT_DB_ALIAS) -> int | None:
    """Bytes the database takes on disk (SQLite: the file and its WAL)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return cursor.fetchone()[0]
    if connection.vendor == "sqlite":
        name = Path(str(connection.settings_dict["NAME"]))
        return sum(p.stat().st_size for p in (name, Path(f"{name}-wal")) if p.exists()) or None
    return None


def _search_text(model, record: dict) -> str:
    """The model's own search document (see articles.models.Searchable), from a row's values."""
    return text.search_document(*(record[name] for name in model.search_fields))


# Loading ---------------------------------------------------------------------


def _models():
    return models


def generated_articles(seed: int | None = None):
    prefix = SOURCE_PREFIX if seed is None else f"{SOURCE_PREFIX}{seed}/"
    return _models().Article.objects.filter(source_document__startswith=prefix)


def holds_generated(using: str = "default") -> bool:
    m = _models()
    return any(
        model.objects.using(using).filter(**{lookup: prefix}).exists()
        for model, lookup, prefix in (
            (m.Article, "source_document__startswith", SOURCE_PREFIX),
            (m.Outlet, "slug__startswith", SLUG_PREFIX),
            (m.Person, "slug__startswith", SLUG_PREFIX),
            (m.Event, "slug__startswith", SLUG_PREFIX),
        )
    )


def _secondary_indexes(connection, cursor, tables: list[str]) -> list[tuple[str, str]]:
    """(name, CREATE statement) of each index on `tables` that backs no constraint (primary key, unique):
    those a bulk load can drop and build once at the end."""
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
            "AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)",
            [tables],
        )
    else:
        marks = ", ".join(["%s"] * len(tables))
        cursor.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # noqa: S608
            f"AND sql NOT LIKE 'CREATE UNIQUE%%' AND tbl_name IN ({marks})",
            tables,
        )
    return list(cursor.fetchall())


def tune_for_bulk(connection) -> None:
    """Session settings for a bulk load, on each connection that writes it.

    SQLite: no fsync, a big page cache, no foreign-key checks (SQLite refuses
    to change these inside a transaction, as in a test). PostgreSQL: asynchronous
    commit, and no per-row triggers (foreign keys: the generator writes
    parents before children; record versions: loaded rows keep version 0).
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            pragmas = ["cache_size = -400000"]
            if not connection.in_atomic_block:
                pragmas += ["synchronous = OFF", "temp_store = MEMORY", "foreign_keys = OFF"]
            for pragma in pragmas:
                cursor.execute(f"PRAGMA {pragma}")
        elif connection.vendor == "postgresql":
            cursor.execute("SET synchronous_commit = off")
            cursor.execute("SET session_replication_role = replica")
            # Bodies and their search text are TOASTed; lz4 compresses them at a fraction of pglz's cost
            # (a 100 k load: the writers busy 63 s, not 77), and a read decompresses either by its header.
            cursor.execute("SET default_toast_compression = 'lz4'")


def writer_count(connection, wanted: int | None = None) -> int:
    """How many connections write beside the drafting thread (`wanted`, or by
    default one per core on PostgreSQL, where the server's share, the tsvector
    of every body and TOAST compression, is most of a load). At most one on
    SQLite, which has one writer at a time but writes while the next batch is
    drafted. None inside a transaction (a test's rows must stay in it) or for
    an in-memory SQLite database (another connection would open another)."""
    if connection.in_atomic_block or (connection.vendor == "sqlite" and connection.is_in_memory_db()):
        return 0
    if connection.vendor == "sqlite":
        return min(1, 1 if wanted is None else wanted)
    return max(1, min(4, os.cpu_count() or 1)) if wanted is None else wanted


class Writers:
    """Runs write tasks, each `task(cursor)` in its own transaction, on
    `count` threads with a connection each, while the caller drafts the next
    batch; `count=0` runs them inline on the caller's connection. A bounded
    queue keeps at most two batches per writer in memory. The first error
    stops the load and is raised when the caller next hands in a task or
    leaves the block.
    """

    def __init__(self, alias: str, count: int, index_build: bool = False):
        self.alias = alias
        self.count = count
        self.index_build = index_build
        self.busy = 0.0  # seconds the writers spent writing, summed over writers
        self.error: BaseException | None = None
        self.tasks: queue.Queue = queue.Queue(maxsize=2 * max(1, count))
        self.threads = [threading.Thread(target=self._work, daemon=True) for _ in range(count)]
        self.lock = threading.Lock()

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __call__(self, task) -> None:
        if self.error is not None:
            raise self.error
        if not self.threads:
            self._run(connections[self.alias], task)
            return
        self.tasks.put(task)

    def __exit__(self, kind, value, traceback):
        for _ in self.threads:
            self.tasks.put(None)
        for thread in self.threads:
            thread.join()
        if self.error is not None and kind is None:
            raise self.error
        return False

    def _run(self, connection, task) -> None:
        started = time.perf_counter()
        with transaction.atomic(using=self.alias), connection.cursor() as cursor:
            task(cursor)
        with self.lock:
            self.busy += time.perf_counter() - started

    def _work(self) -> None:
        connection = connections[self.alias]  # this thread's own
        try:
            tune_for_bulk(connection)
            if self.index_build and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET maintenance_work_mem = '512MB'")
            while (task := self.tasks.get()) is not None:
                if self.error is None:  # after an error, drain the queue so the caller never blocks
                    try:
                        self._run(connection, task)
                    except BaseException as error:  # handed to the caller's thread
                        self.error = error
        except BaseException as error:
            self.error = error
            while self.tasks.get() is not None:
                pass
        finally:
            connection.close()


@contextmanager
def bulk_session(connection, phases: dict | None = None):
    """Make a bulk load fast, and leave the indexes right afterwards.

    Both engines: the secondary indexes of the article tables (every index
    that backs no constraint: the foreign keys', the orderings', the GIN
    full-text ones) are dropped and built once at the end, in one pass each,
    rather than row by row; on PostgreSQL several at a time. Each writing
    connection is tuned by tune_for_bulk. SQLite: the FTS5 triggers, the
    record-version and the facet-count triggers are off during the load;
    restore_sqlite_triggers puts them back and rebuilds each index in one
    pass. Either way the loaded rows keep version 0, which no later write
    gives (articles.record_versions). The stored tsvector column is computed
    on insert. PostgreSQL counts the facets beside the index builds and then
    vacuums the loaded tables; SQLite counts them after its full-text indexes.
    """
    m = _models()
    tables = [model._meta.db_table for model in m.SEARCHABLE]
    big = [model._meta.db_table for model in (m.Article, m.PersonMention, m.EventMention, m.Figure)]
    with connection.cursor() as cursor:
        # Inside a transaction (a test) PostgreSQL may refuse CREATE INDEX while deferred constraint
        # checks are pending: keep the indexes there.
        deferred = [] if connection.in_atomic_block else _secondary_indexes(connection, cursor, big)
        tune_for_bulk(connection)
        if connection.vendor == "sqlite":
            for table in tables:
                for suffix in ("ai", "ad", "au"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {fulltext.fts_table(table)}_{suffix}")
            record_versions.drop_sqlite_triggers(connection)
            facet_tallies.drop_triggers(connection)
        elif connection.vendor == "postgresql":
            cursor.execute("SET maintenance_work_mem = '512MB'")
        for name, _ in deferred:
            cursor.execute(f"DROP INDEX IF EXISTS {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        clock = [time.perf_counter()]

        def done(phase: str) -> None:
            now = time.perf_counter()
            if phases is not None:
                phases[phase] = now - clock[0]
            clock[0] = now

        # PostgreSQL builds the indexes two at a time, each on its own connection (a GIN build is one
        # process), the full-text ones first: the longest, which the rest then fit beside. Beside them
        # it also counts the facets afresh, which only reads the tables (1 M articles: 47 s that
        # followed the 114 s of index builds). SQLite has one writer.
        beside = connection.vendor == "postgresql"
        with Writers(connection.alias, writer_count(connection), index_build=True) as build:
            for _, create in sorted(deferred, key=lambda index: " USING gin " not in index[1]):
                build(lambda cursor, create=create: cursor.execute(create))
            if beside:
                build(lambda cursor: facet_tallies.rebuild(cursor.db))
        done("indexes and counts" if beside else "indexes")
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                fulltext.restore_sqlite_triggers(connection, tables)  # and fills each FTS5 index in one pass
                record_versions.restore_sqlite_triggers(connection)
                done("full-text")
                cursor.execute("PRAGMA cache_size = -2000")  # SQLite's default again
                if not connection.in_atomic_block:
                    cursor.execute("PRAGMA synchronous = NORMAL")
                cursor.execute("ANALYZE")
            elif connection.vendor == "postgresql":
                cursor.execute("SET session_replication_role = origin")
                cursor.execute("RESET maintenance_work_mem")
                cursor.execute("RESET synchronous_commit")
                # VACUUM as well, outside a transaction: rows just copied in have no visibility map, so
                # until autovacuum comes round every index-only scan reads the heap too (a 1 M tier
                # measured straight after its load: the person facet p95 337 ms, the rare term 93 ms).
                loaded = [
                    *tables,
                    *(
                        model._meta.db_table
                        for model in (m.PersonMention, m.EventMention, m.Event.participants.through)
                    ),
                    facet_tallies.TABLE,
                    facet_tallies.PAIRS,
                ]
                command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
                for table in loaded:
                    cursor.execute(f"{command} {table}")
        done("statistics")
        # The unfiltered facets' counts, from scratch in one pass per facet (their triggers back on).
        facet_tallies.install(connection, count=not beside)
        done("triggers" if beside else "counts")


def clear(using: str = "default") -> int:
    """Delete every generated row (and evidence that points at a generated
    person or event); returns the number of articles deleted. Plain SQL: the
    ORM's collector would load a million articles to cascade from them."""
    m = _models()
    connection = connections[using]
    table = {model: model._meta.db_table for model in (m.Article, m.Outlet, m.Person, m.Event, m.Figure)}
    articles = f"SELECT id FROM {table[m.Article]} WHERE source_document LIKE %s"  # noqa: S608
    people = f"SELECT id FROM {table[m.Person]} WHERE slug LIKE %s"  # noqa: S608
    events = f"SELECT id FROM {table[m.Event]} WHERE slug LIKE %s"  # noqa: S608
    generated, marked = [SOURCE_PREFIX + "%"], [SLUG_PREFIX + "%"]
    participants = m.Event.participants.through._meta.db_table
    statements = [
        *(
            (f"DELETE FROM {model._meta.db_table} WHERE article_id IN ({articles})", generated)  # noqa: S608
            for model in (m.PersonMention, m.EventMention, m.Figure)
        ),
        (f"DELETE FROM {m.PersonMention._meta.db_table} WHERE person_id IN ({people})", marked),  # noqa: S608
        (f"DELETE FROM {m.EventMention._meta.db_table} WHERE event_id IN ({events})", marked),  # noqa: S608
        (f"UPDATE {table[m.Figure]} SET person_id = NULL WHERE person_id IN ({people})", marked),  # noqa: S608
        (f"UPDATE {table[m.Figure]} SET event_id = NULL WHERE event_id IN ({events})", marked),  # noqa: S608
        (f"UPDATE {table[m.Article]} SET original_id = NULL WHERE original_id IN ({articles})", generated),  # noqa: S608
        (f"DELETE FROM {participants} WHERE event_id IN ({events}) OR person_id IN ({people})", marked * 2),  # noqa: S608
        (f"DELETE FROM {table[m.Article]} WHERE source_document LIKE %s", generated),  # noqa: S608
    ]
    deleted = 0
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            deleted = cursor.rowcount  # the last statement deletes the articles
        for model in (m.Person, m.Event, m.Outlet):
            cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE slug LIKE %s", marked)  # noqa: S608
    return deleted


@contextmanager
def fixed_timestamps():
    """Let created/modified take the generator's fixed clock instead of now()."""
    m = _models()
    fields = [model._meta.get_field(name) for model in (m.Outlet, m.Person, m.Event, m.Article) for name in TIMESTAMPS]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


TIMESTAMPS = ("created", "modified")


ARTICLE_FIELDS = [
    "title", "summary", "body", "caption", "source_document", "source_text", "published", "published_precision",
    "published_time", "language", "word_count", "search_text",
]  # fmt: skip
FIGURE_FIELDS = [
    "quote", "start", "end", "value", "value_max", "qualifier", "unit", "metric", "label", "as_of", "search_text"
]  # fmt: skip


def insert(connection, cursor, model, columns: list[str], rows: list[tuple]) -> None:
    """Write `rows` of `columns` (field names or attnames) into `model`'s table.

    SQLite: executemany, one prepared statement. PostgreSQL: COPY, one
    stream per batch and table, with none of an INSERT's per-statement
    parsing and planning.
    """
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(model._meta.get_field(name).column) for name in columns)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})", rows)  # noqa: S608


class Rows:
    """Drafts articles `first` to `last` and gives the rows of the four article tables, ids and
    database values and all, ready for `insert`. Called in the drafting processes, so the loading
    process only hands rows on."""

    def __init__(self, writer: ArticleWriter, connection, base: int, ids: tuple[list, list, list]):
        m = _models()
        self.writer = writer
        self.ops = connection.ops
        self.base = base
        self.outlet_ids, self.person_ids, self.event_ids = ids
        self.stamp = self.ops.adapt_datetimefield_value(EPOCH)
        self.value_field = m.Figure._meta.get_field("value")
        self.columns = (
            (m.Article, [*ARTICLE_FIELDS, "id", "outlet_id", "created", "modified"]),
            (m.PersonMention, ["article_id", "person_id", "role", "quote", "start", "end"]),
            (m.EventMention, ["article_id", "event_id", "quote", "start", "end"]),
            (m.Figure, [*FIGURE_FIELDS, "article_id", "event_id", "person_id"]),
        )

    def _number(self, value):
        if value is None:
            return None
        return self.ops.adapt_decimalfield_value(value, self.value_field.max_digits, self.value_field.decimal_places)

    def __call__(self, first: int, last: int) -> list[tuple]:
        ops, person_ids, event_ids = self.ops, self.person_ids, self.event_ids
        articles, person_mentions, event_mentions, figures = [], [], [], []
        for index in range(first, last):
            d = self.writer.draft(index)
            pk = self.base + index + 1
            fields = {**d.fields, "published": ops.adapt_datefield_value(d.fields["published"])}
            articles.append(
                (*(fields[name] for name in ARTICLE_FIELDS), pk, self.outlet_ids[d.outlet], self.stamp, self.stamp)
            )
            for e in d.person_mentions:
                person_mentions.append((pk, person_ids[e["person"]], e["role"], e["quote"], e["start"], e["end"]))
            for e in d.event_mentions:
                event_mentions.append((pk, event_ids[e["event"]], e["quote"], e["start"], e["end"]))
            for f in d.figures:
                values = {
                    **f,
                    "value": self._number(f["value"]),
                    "value_max": self._number(f["value_max"]),
                    "as_of": ops.adapt_datefield_value(f["as_of"]),
                }
                figures.append(
                    (
                        *(values[name] for name in FIGURE_FIELDS),
                        pk,
                        None if f["event"] is None else event_ids[f["event"]],
                        None if f["person"] is None else person_ids[f["person"]],
                    )
                )
        return [
            (*table, rows)
            for table, rows in zip(self.columns, (articles, person_mentions, event_mentions, figures), strict=True)
        ]


_rows: Rows | None = None  # a drafting process's own, set as it starts


def _start_drafting(rows: Rows) -> None:
    global _rows  # one per process, handed over at the fork
    _rows = rows


def _draft(bounds: tuple[int, int]) -> list[tuple]:
    return _rows(*bounds)


def drafter_count(articles: int, batch_size: int, wanted: int | None = None) -> int:
    """How many processes draft (`wanted`, or by default one per core, at most 4, once there is more
    than one batch: drafting is pure Python, and threads would share one core)."""
    if wanted is not None:
        return wanted
    return 0 if articles <= batch_size else max(1, min(4, os.cpu_count() or 1))


@contextmanager
def drafting(rows: Rows, count: int):
    """Yields `batches(bounds)`: each batch's tables in order, drafted by `count` forked processes, at
    most two batches ahead each (a batch of 5,000 articles is about 75 MB of rows), or inline for 0.
    Forked before the writers' threads start, so no other thread's lock is copied half-held."""
    if count == 0:
        yield lambda bounds: (rows(*b) for b in bounds)
        return
    with multiprocessing.get_context("fork").Pool(count, initializer=_start_drafting, initargs=(rows,)) as pool:

        def batches(bounds):
            bounds = iter(bounds)
            pending = collections.deque(pool.apply_async(_draft, (b,)) for b in itertools.islice(bounds, 2 * count))
            while pending:
                tables = pending.popleft().get()
                for b in itertools.islice(bounds, 1):
                    pending.append(pool.apply_async(_draft, (b,)))
                yield tables

        yield batches


def load(
    p: Plan, batch_size: int = 5000, using: str = "default", progress=None, writers: int | None = None,
    drafters: int | None = None,
) -> dict:  # fmt: skip
    """Write the corpus `p` describes; returns counts and where the time went.
    `progress(done, total)` after each batch is handed to the writers. `writers`: how many
    connections write the batches (see writer_count); `drafters`: how many processes draft them
    (see drafter_count). Neither changes the rows."""
    m = _models()
    connection = connections[using]
    stamps = {"created": EPOCH, "modified": EPOCH}
    insert_size = 1000 if connection.vendor == "postgresql" else None  # SQLite: Django's own cap on variables
    # Outlets, people and events go through bulk_create; the article tables,
    # a million rows and more each, through `insert`: no model instances.
    entities = build_entities(p)
    phases = {"drafting": 0.0, "writing": 0.0}
    with fixed_timestamps(), bulk_session(connection, phases):
        with transaction.atomic(using=using):
            outlets = m.Outlet.objects.using(using).bulk_create(
                [m.Outlet(**row, **stamps) for row in entities.outlets], batch_size=insert_size
            )
            people = m.Person.objects.using(using).bulk_create(
                [m.Person(**row, **stamps) for row in entities.people], batch_size=insert_size
            )
            events = m.Event.objects.using(using).bulk_create(
                [m.Event(**row, **stamps) for row in entities.events], batch_size=insert_size
            )
            through = m.Event.participants.through
            through.objects.using(using).bulk_create(
                [through(event_id=events[e].pk, person_id=people[k].pk) for e, k in entities.participants],
                batch_size=insert_size,
            )
        base = m.Article.objects.using(using).order_by("-pk").values_list("pk", flat=True).first() or 0
        rows = Rows(
            ArticleWriter(p, entities), connection, base,
            ([o.pk for o in outlets], [o.pk for o in people], [o.pk for o in events]),
        )  # fmt: skip
        bounds = [(first, min(p.articles, first + batch_size)) for first in range(0, p.articles, batch_size)]
        drafted = drafter_count(p.articles, batch_size, drafters)
        # Batches are drafted by other processes and written by `writers` other connections meanwhile.
        with drafting(rows, drafted) as batches, Writers(using, writer_count(connection, writers)) as write:
            started = time.perf_counter()
            for (_, last), tables in zip(bounds, batches(bounds), strict=True):
                handed = time.perf_counter()
                phases["drafting"] += handed - started
                write(lambda cursor, tables=tables: [insert(cursor.db, cursor, *table) for table in tables])
                started = time.perf_counter()
                phases["writing"] += started - handed
                if progress:
                    progress(last, p.articles)
            finished = time.perf_counter()
        phases["writing"] += time.perf_counter() - finished
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), [m.Article]):
                    cursor.execute(sql)
    return {
        "articles": p.articles, "outlets": p.outlets, "people": p.people, "events": p.events,
        "seconds": {name: round(value, 1) for name, value in phases.items()},
        "writers": write.count, "writer_seconds": round(write.busy, 1), "drafters": drafted,
    }  # fmt: skip


def corpus_digest(using: str = "default") -> str:
    """SHA-256 over every generated row, by slugs and source documents rather
    than ids: equal for two loads of the same plan."""
    m = _models()
    marked = {"slug__startswith": SLUG_PREFIX}
    in_corpus = {"article__source_document__startswith": SOURCE_PREFIX}
    content = {
        m.Outlet: ["slug", "name", "kind", "country", "homepage", "description", "search_text", *TIMESTAMPS],
        m.Person: ["slug", "name", "aliases", "description", "search_text", *TIMESTAMPS],
        m.Event: ["slug", "name", "kind", "description", "start", "precision", "last_day", "location", "search_text"],
    }
    queries = [model.objects.using(using).filter(**marked).order_by("slug").values_list(*fields)
               for model, fields in content.items()]  # fmt: skip
    queries.append(
        m.Event.participants.through.objects.using(using)
        .filter(event__slug__startswith=SLUG_PREFIX)
        .order_by("event__slug", "person__slug")
        .values_list("event__slug", "person__slug")
    )
    article_fields = [f.name for f in m.Article._meta.concrete_fields if f.name not in ("id", "outlet", "original")]
    queries.append(
        generated_articles().using(using).order_by("source_document").values_list(*article_fields, "outlet__slug")
    )
    evidence = ["article__source_document", "start", "end", "quote"]
    queries += [
        m.PersonMention.objects.using(using).filter(**in_corpus).order_by(*evidence, "role")
        .values_list(*evidence, "role", "person__slug"),
        m.EventMention.objects.using(using).filter(**in_corpus).order_by(*evidence)
        .values_list(*evidence, "event__slug"),
        m.Figure.objects.using(using).filter(**in_corpus).order_by(*evidence)
        .values_list(*evidence, "value", "value_max", "qualifier", "unit", "metric", "label", "as_of",
                     "event__slug", "person__slug", "search_text"),
    ]  # fmt: skip
    return digest_rows(itertools.chain.from_iterable(queries))
