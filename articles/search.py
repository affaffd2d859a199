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
best first, then by id.
"""

from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorExact, SearchVectorField
from django.db import connections
from django.db.models import Expression, F, Value
from django.db.models.expressions import Col

from . import fulltext, text

MAX_LENGTH = 500
MAX_WORDS = 32


class NothingToSearch(ValueError):
    """Text without a letter or digit: well-formed, it matches no record."""


class SearchError(ValueError):
    """The search text cannot be searched for; the message says why."""


@dataclass(frozen=True)
class Term:
    """Folded words that must appear side by side; the last may be a word start."""

    words: tuple[str, ...]
    prefix: bool

    def fts5(self) -> str:
        # Folded words are [a-z0-9]+, so quoting cannot be broken out of.
        return f'"{" ".join(self.words)}"' + ("*" if self.prefix else "")

    def tsquery(self) -> str:
        lexemes = [f"'{word}'" for word in self.words]
        if self.prefix:
            lexemes[-1] += ":*"
        return "(" + " <-> ".join(lexemes) + ")"


@dataclass(frozen=True)
class Query:
    terms: tuple[Term, ...]

    def fts5(self) -> str:
        return " AND ".join(term.fts5() for term in self.terms)

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


def _sqlite(queryset, query: Query):
    # A join, not a subquery: FTS5 finds and scores the matches in one pass.
    return queryset.filter(fulltext__search_text__match=query.fts5()).alias(search_rank=-F("fulltext__rank"))


def _postgresql(queryset, query: Query):
    tsquery = SearchQuery(query.tsquery(), search_type="raw", config=fulltext.CONFIG)
    vector = _StoredVector()
    # Normalisation 1 divides by 1 + log(length), as bm25 also favours shorter records.
    rank = SearchRank(vector, tsquery, cover_density=True, normalization=Value(1))
    return queryset.filter(SearchVectorExact(vector, tsquery)).alias(search_rank=rank)


BACKENDS = {"sqlite": _sqlite, "postgresql": _postgresql}


def search(queryset, query: Query | str):
    """The records of `queryset` that match `query`, best first."""
    if isinstance(query, str):
        query = parse(query)
    backend = BACKENDS[connections[queryset.db].vendor]
    return backend(queryset, query).order_by("-search_rank", "pk")
