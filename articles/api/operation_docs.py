"""What the API's docs say to a reader about each resource and operation:
the tags' and records' descriptions, each operation's summary and
description, with an example request. Read by the AutoSchema
(articles.api.schema); the code's own docstrings stay out of the docs.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Resource:
    singular: str
    plural: str
    key: str  # what the detail path takes
    description: str
    example_key: str
    example_query: str  # a list request a researcher would send


RESOURCES = {
    "outlets": Resource(
        "outlet",
        "outlets",
        "slug",
        "The publications the articles come from: party papers, news sites, broadcasters, agencies.",
        "telesur",
        "kind=party_press&ordering=name",
    ),
    "articles": Resource(
        "article",
        "articles",
        "id",
        "News articles: the text, its outlet, date and authors, and the people, events and figures it "
        "mentions, each with its evidence (a verbatim quote and its offsets in the body).",
        "1",
        "person=fidel-castro&published_after=2000-01-01&ordering=-published",
    ),
    "people": Resource(
        "person",
        "people",
        "slug",
        "The people the articles write about, quote or are written by; found by name, alias or a variant spelling.",
        "fidel-castro",
        "search=diaz%20canel&facets=outlet",
    ),
    "events": Resource(
        "event",
        "events",
        "slug",
        "Dated events the articles refer to, at the precision the text gives, with their participants.",
        "cuban-revolution-1959",
        "kind=revolution&date_after=1950-01-01",
    ),
    "figures": Resource(
        "figure",
        "figures",
        "id",
        "Numbers the articles quote, with their unit, qualifier (exact, approximately, at least, at most, "
        "range) and evidence; figures for one metric can be compared across outlets.",
        "1",
        "metric=us-blockade-of-cuba-duration&ordering=-value",
    ),
    "person-mentions": Resource(
        "person mention",
        "person mentions",
        "id",
        "Where an article names a person, as author, quoted or mentioned, with the evidence.",
        "1",
        "person=fidel-castro&role=quoted",
    ),
    "event-mentions": Resource(
        "event mention",
        "event mentions",
        "id",
        "Where an article refers to an event, with the evidence.",
        "1",
        "event=cuban-revolution-1959",
    ),
}

# Tags of operations outside the corpus resources.
OTHER_TAGS = {
    "tokens": "Your API tokens: several per user, each read-only or read and write, with an optional expiry; "
    "the key is shown once, when the token is made.",
    "suggestions": "Editors' worklist: mentions and figures the suggesters propose for an article, with their "
    "evidence, waiting to be accepted (which creates the record) or rejected (which the suggesters remember).",
}

WRITE_NOTE = (
    "Needs an editor's token (`Authorization: Bearer <key>`) or session. The body is JSON; a key the "
    "resource does not take is a 400 naming it, and nothing is saved unless all of it is valid."
)


# How shaped JSON answers are typed: said on every JSON read.
SHAPED_JSON = (
    "The schema types the full record, every key required (null when the record has no value). "
    "`fields=a,b` or `omit=a` (comma-separated or repeated) also shape a JSON answer, e.g. "
    "`fields=id,body` for an article's text, but a shaped answer is outside that type: a typed client "
    "reads full records here and asks an export (`…/export/ndjson/?fields=id,title,body`) for a projection."
)

# The export operations (articles.api.exports.export_operation), by action.
EXPORTS = {
    "export_csv": ("CSV", "a CSV file with a header row; related records by name, several joined by “; ”"),
    "export_ndjson": (
        "NDJSON",
        "newline-delimited JSON (JSON Lines): one JSON object per line, with the keys of the JSON list's results",
    ),
    "export_jsonld": ("JSON-LD", 'schema.org JSON-LD: {"@context": "https://schema.org", "@graph": [NewsArticle, …]}'),
}


def summary(resource: Resource, action: str) -> str | None:
    if action in EXPORTS:
        return f"Export {resource.plural} as {EXPORTS[action][0]}"
    return {
        "list": f"List {resource.plural}",
        "create": f"Create a{'n' if resource.singular[0] in 'aeiou' else ''} {resource.singular}",
        "retrieve": f"Read one {resource.singular}",
        "update": f"Replace a{'n' if resource.singular[0] in 'aeiou' else ''} {resource.singular}",
        "partial_update": f"Change some fields of a{'n' if resource.singular[0] in 'aeiou' else ''} "
        f"{resource.singular}",
        "destroy": f"Delete a{'n' if resource.singular[0] in 'aeiou' else ''} {resource.singular}",
    }.get(action)


def description(prefix: str, resource: Resource, action: str) -> str | None:
    detail = f"/api/v1/{prefix}/{resource.example_key}/"
    if action in EXPORTS:
        name, what = EXPORTS[action]
        fmt = action.removeprefix("export_")
        return (
            f"The whole filtered set of {resource.plural}, not a page, as {what}. It takes the list's filters "
            "and `ordering`; `fields`/`omit` choose the keys (an article's `body` with `fields=…,body`). The file "
            "is streamed as it is read, and comes with `Content-Disposition: attachment`. An anonymous export "
            "has a row cap (a larger set is a 400 naming it); each export counts against the request rate as "
            "the pages it replaces. Errors are JSON, as everywhere.\n\n"
            f"Example: `GET /api/v1/{prefix}/export/{fmt}/?{resource.example_query}`"
        )
    texts = {
        "list": f"{resource.description}\n\nA page of {resource.plural}, filtered by the parameters below (repeat "
        "one for OR; different ones combine with AND), with `facets` to count values over the whole filtered "
        f"set. {SHAPED_JSON} Page by `page` or, at any depth, by `cursor`. The whole "
        f"filtered set downloads from `/api/v1/{prefix}/export/csv/` and `…/export/ndjson/` (and, for articles, "
        "`…/export/jsonld/`).\n\n"
        f"Example: `GET /api/v1/{prefix}/?{resource.example_query}`",
        "create": f"{resource.description}\n\n{WRITE_NOTE} The answer is the new record.\n\n"
        f"Example: `POST /api/v1/{prefix}/`",
        "retrieve": f"{resource.description}\n\nThe record, with an `ETag`: send it back as `If-None-Match` "
        f"for a bodiless 304 while nothing it shows has changed, or as `If-Match` on a write. {SHAPED_JSON}\n\n"
        f"Example: `GET {detail}`",
        "update": f"Sends every writable field. {WRITE_NOTE} With `If-Match`, a record changed since you read it "
        f"is a 412 and nothing is written.\n\nExample: `PUT {detail}`",
        "partial_update": f"Sends only the fields to change. {WRITE_NOTE} With `If-Match`, a record changed since "
        f"you read it is a 412 and nothing is written.\n\nExample: `PATCH {detail}` with "
        '`{"description": "…"}`',
        "destroy": f"{WRITE_NOTE.split('. ')[0]}. A record others still refer to is a 409. With `If-Match`, a "
        f"record changed since you read it is a 412.\n\nExample: `DELETE {detail}`",
    }
    return texts.get(action)


def for_model(model) -> Resource | None:
    return next((r for r in RESOURCES.values() if r.singular == model._meta.verbose_name), None)
