"""The `search` parameter: what a user's words mean, the same on both databases.

- Words are folded (articles.text) and must all match. A word of two letters
  or more matches the start of a word ("chav" finds "Chávez"); a single
  letter or a number matches a whole word.
- Words joined by punctuation are a phrase: "ALBA‑TCP", "Díaz-Canel" and
  "35,000" match those words side by side.
- Text in double quotes is an exact phrase: "oil per day".
- Nothing else is syntax. AND, OR, NEAR, parentheses, `*`, `^` and `:` are
  folded away or searched as words, so user input can never reach the
  database as FTS5 or tsquery syntax.

Results are ranked by relevance (bm25 on SQLite, ts_rank_cd on PostgreSQL),
best first, then by id. On SQLite a word start is searched as the indexed words
it begins (up to 64 of them, read from the index's fts5vocab table), which
finds the same records and weighs each word by its own rarity.

**The ranking window.** Scoring every match of a common word costs a pass over
every matching record: seconds at a million. So when more than
`CORPUS_SEARCH_RANK_WINDOW` records match (default 1 000, after every other
filter), only the newest that many (by id) are scored and come first, best
first; the older matches follow, by id. Where fewer match, which is most
searches, the order is exactly the full ranking. Nothing is left out: the
count, facets, exports and every page still cover every match. The window is
where the index can seek (the FTS5 rowid, the primary key), so a page inside it
reads about the window's records and no more: RankedQuerySet fetches a page
from the window and, when the page runs past it, the rest from the older
matches. A search with `ordering=` is not ranked at all.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorExact, SearchVectorField
from django.db import connections
from django.db.models import Case, Expression, F, FloatField, OrderBy, QuerySet, Value, When
from django.db.models.expressions import Col

from . import fulltext, text

MAX_LENGTH = 500
MAX_WORDS = 32
DEFAULT_RANK_WINDOW = 1000
# SQLite: a word start that begins more indexed words than this stays a prefix query.
MAX_EXPANSION = 64


def rank_window() -> int:
    return getattr(settings, "CORPUS_SEARCH_RANK_WINDOW", DEFAULT_RANK_WINDOW)


class NothingToSearch(ValueError):
    """Text without a letter or digit: well-formed, it matches no record."""


class SearchError(ValueError):
    """The search text cannot be searched for; the message says why."""


@dataclass(frozen=True)
class Term:
    """Folded words that must appear side by side; the last may be a word start."""

    words: tuple[str, ...]
    prefix: bool

    def fts5(self, expansion: list[str] | None = None) -> str:
        """`expansion`: the indexed words the last word starts, to search for instead of the start."""
        # Folded words are [a-z0-9]+, so quoting cannot be broken out of.
        if not self.prefix or expansion is None:
            return f'"{" ".join(self.words)}"' + ("*" if self.prefix else "")
        if not expansion:  # no indexed word starts so: the phrase as given matches nothing either
            return f'"{" ".join(self.words)}"'
        return "(" + " OR ".join(f'"{" ".join((*self.words[:-1], word))}"' for word in expansion) + ")"

    def tsquery(self) -> str:
        lexemes = [f"'{word}'" for word in self.words]
        if self.prefix:
            lexemes[-1] += ":*"
        return "(" + " <-> ".join(lexemes) + ")"


@dataclass(frozen=True)
class Query:
    terms: tuple[Term, ...]

    def fts5(self, expand=None) -> str:
        """`expand(word start)`: its indexed words, or None to leave it a word start."""
        return " AND ".join(
            term.fts5(expand(term.words[-1]) if expand and term.prefix else None) for term in self.terms
        )

    def tsquery(self) -> str:
        return " & ".join(term.tsquery() for term in self.terms)


def matches_word_start(word: str) -> bool:
    return len(word) > 1 and not word.isdigit()


def parse(value: str) -> Query:
    if len(value) > MAX_LENGTH:
        raise SearchError(f"Search for at most {MAX_LENGTH} characters (this is {len(value)}).")
    terms = []
    for index, chunk in enumerate(value.split('"')):
        if index % 2:  # inside double quotes; an unclosed quote runs to the end
            words = text.fold_words(chunk)
            if words:
                terms.append(Term(tuple(words), prefix=False))
            continue
        for piece in chunk.split():
            words = text.fold_words(piece)
            if words:
                terms.append(Term(tuple(words), prefix=matches_word_start(words[-1])))
    terms = list(dict.fromkeys(terms))
    if not terms:
        raise NothingToSearch("No letter or digit to search for.")
    if sum(len(term.words) for term in terms) > MAX_WORDS:
        raise SearchError(f"Search for at most {MAX_WORDS} words.")
    return Query(tuple(terms))


class _StoredVector(Expression):
    """PostgreSQL: the queryset's own `search_vector` column (see articles.fulltext),
    which the models do not declare because SQLite has no such column."""

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        pk = F("pk").resolve_expression(query, allow_joins, reuse, summarize, for_save)
        target = SearchVectorField()
        target.set_attributes_from_name(fulltext.VECTOR_COLUMN)
        target.model = query.model
        return Col(pk.alias, target, output_field=target)


# Per database: the filter that keeps the matches, their relevance (higher is
# better), and the lookup on the key the index can seek by, for the window.


def _sqlite_match(queryset, query: Query):
    # A join, not a subquery: FTS5 finds and scores the matches in one pass.
    vocab = fulltext.vocab_table(queryset.model._meta.db_table)
    connection = connections[queryset.db]

    def expand(start: str) -> list[str] | None:
        # FTS5 answers a word start ("venezuela"*) by merging the whole of every word's list
        # before it can seek or stop: 60 ms for a word in most of 100 k articles, on every query
        # of a request. The same words OR'ed are read lazily, newest first (1 ms). The ranking
        # then weighs each word by its own rarity (bm25 per phrase).
        upper = start[:-1] + chr(ord(start[-1]) + 1)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT term FROM {vocab} WHERE term >= %s AND term < %s ORDER BY term LIMIT %s",  # noqa: S608
                [start, upper, MAX_EXPANSION + 1],
            )
            words = [word for (word,) in cursor.fetchall()]
        return words if len(words) <= MAX_EXPANSION else None

    return queryset.filter(fulltext__search_text__match=query.fts5(expand))


def _sqlite_rank(query: Query):
    return -F("fulltext__rank")


def _postgresql_match(queryset, query: Query):
    return queryset.filter(SearchVectorExact(_StoredVector(), _tsquery(query)))


def _postgresql_rank(query: Query):
    # Normalisation 1 divides by 1 + log(length), as bm25 also favours shorter records.
    return SearchRank(_StoredVector(), _tsquery(query), cover_density=True, normalization=Value(1))


def _tsquery(query: Query):
    return SearchQuery(query.tsquery(), search_type="raw", config=fulltext.CONFIG)


@dataclass(frozen=True)
class Backend:
    match: object
    rank: object
    window_key: str  # FTS5 seeks by its rowid (the record's id), PostgreSQL by the primary key


BACKENDS = {
    "sqlite": Backend(_sqlite_match, _sqlite_rank, "fulltext__pk"),
    "postgresql": Backend(_postgresql_match, _postgresql_rank, "pk"),
}


def _backend(queryset) -> Backend:
    return BACKENDS[connections[queryset.db].vendor]


def matching(queryset, query: Query | str):
    """The records of `queryset` that match `query`, unranked."""
    if isinstance(query, str):
        query = parse(query)
    return _backend(queryset).match(queryset, query)


def ranked(matches, query: Query):
    """`matches` (already filtered by `matching` and any other filter), best
    first within the ranking window (see the module docstring)."""
    backend = _backend(matches)
    window = rank_window()
    # The id of the window's oldest record: the window-th newest match, if there are that many.
    newest = matches.order_by(f"-{backend.window_key}").values_list(backend.window_key, flat=True)
    start = newest[window - 1 : window].first()
    rank = backend.rank(query)
    if start is not None:
        # On the record's own id: a condition on the FTS5 join would make it an outer join, where MATCH cannot run.
        rank = Case(When(pk__gte=start, then=rank), default=None, output_field=FloatField())
    rows = matches.alias(search_rank=rank).order_by(F("search_rank").desc(nulls_last=True), "pk")
    if start is None:
        return rows
    return RankedQuerySet.from_queryset_of(rows, backend.window_key, start)


def search(queryset, query: Query | str):
    """The records of `queryset` that match `query`, best first."""
    if isinstance(query, str):
        query = parse(query)
    return ranked(matching(queryset, query), query)


class RankedQuerySet(QuerySet):
    """A ranked search whose window (the records from `window_start` on) comes
    first: a slice is read from the window and, where it runs past it, from the
    older matches, each part with a condition the index can seek by, so a page
    never scores or sorts the matches outside it. The rows and their order are
    the same as the one query ordered by the window's ranking would give.
    A queryset ordered otherwise (a count, `ordering=`) slices as any queryset."""

    window_key: str | None = None
    window_start: int | None = None

    @classmethod
    def from_queryset_of(cls, queryset, key: str, start: int):
        # A clone turned into this class keeps everything a queryset carries beside its query
        # (prefetches, the iterable class of values()).
        rows = queryset._chain()
        rows.__class__ = cls
        rows.window_key, rows.window_start = key, start
        return rows

    def _clone(self):
        clone = super()._clone()
        clone.window_key, clone.window_start = self.window_key, self.window_start
        return clone

    def _walk(self) -> str | None:
        """'forward' when ordered by the ranking (the window first), 'backward'
        when by its reverse (a cursor going back), else None."""
        order = self.query.order_by
        first = order[0] if order else None
        if isinstance(first, OrderBy) and isinstance(first.expression, F) and first.expression.name == "search_rank":
            return "backward" if not first.descending else "forward"
        return None

    def __getitem__(self, k):
        walk = self._walk() if self.window_start is not None else None
        if walk is None or self._result_cache is not None or not isinstance(k, slice) or k.stop is None or k.step:
            return super().__getitem__(k)
        start, stop = k.start or 0, k.stop
        window = QuerySet.filter(self, **{f"{self.window_key}__gte": self.window_start})
        # Outside the window every rank is NULL, so the order is the id's alone: by the index's key.
        older = QuerySet.filter(self, **{f"{self.window_key}__lt": self.window_start}).order_by(
            self.window_key if walk == "forward" else f"-{self.window_key}"
        )
        first, then = (window, older) if walk == "forward" else (older, window)
        rows = list(QuerySet.__getitem__(first, slice(start, stop)))
        if len(rows) == stop - start:
            return rows
        # The slice runs past the first part: the rest comes from the second.
        skipped = start - first.count() if not rows else 0
        more = stop - start - len(rows)
        return rows + list(QuerySet.__getitem__(then, slice(max(skipped, 0), max(skipped, 0) + more)))
