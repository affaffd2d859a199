"""What a researcher and an editor do, through a client openapi-python-client generated from the
served schema (the package `corpus_client`). tests/test_contract_clients.py type-checks this file
with `mypy --strict` and runs it against a live server with the corpus loaded:

    python usage.py <base URL> <an editor's token key>

Every answer is narrowed by its declared type, never cast: a status the schema does not declare,
or a body that does not fit its type, fails here as it would in a researcher's script.
"""

import csv
import datetime
import io
import json
import sys
from typing import TypeVar
from urllib.parse import parse_qs, urlsplit

from corpus_client import AuthenticatedClient
from corpus_client.api.articles import (
    articles_export_csv,
    articles_export_jsonld,
    articles_export_ndjson,
    articles_history_list,
    articles_list,
    articles_retrieve,
)
from corpus_client.api.figures import figures_compare_retrieve, figures_create
from corpus_client.api.people import people_list, people_partial_update, people_retrieve
from corpus_client.models import (
    ArticleDetail,
    ArticlesExportJsonldResponse200,
    ArticlesExportNdjsonFieldsItem,
    ArticlesListFacetsItem,
    ArticlesListOrderingItem,
    Error,
    FieldErrors,
    FigureComparison,
    FigureRequest,
    MetricList,
    PaginatedArticleList,
    PaginatedHistoryEntryList,
    PaginatedPersonList,
    PatchedPersonDetailRequest,
)

T = TypeVar("T")


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SystemExit(f"usage.py: {message}")


def expect(answer: object, kind: type[T], what: str) -> T:
    """The answer as the type the schema declares for success, or the error it was instead."""
    if not isinstance(answer, kind):
        raise SystemExit(f"usage.py: {what}: expected {kind.__name__}, got {answer!r}")
    return answer


def researcher(client: AuthenticatedClient) -> None:
    # By person, OR within the parameter, ordered by two keys (the repeated form), two a page.
    ordering = [ArticlesListOrderingItem.PUBLISHED_DESC, ArticlesListOrderingItem.ID]
    people = ["fidel-castro", "hugo-chavez"]
    answer = articles_list.sync(client=client, person=people, ordering=ordering, page_size=2)
    page = expect(answer, PaginatedArticleList, "the filtered list")
    check(len(page.results) == 2 and all(article.title for article in page.results), f"a page: {page.results}")

    # Follow `next` by page number to the end, then page the whole corpus by cursor.
    seen = [article.id for article in page.results]
    link = page.next_
    while link is not None:
        number = parse_qs(urlsplit(link).query)["page"][0]
        answer = articles_list.sync(client=client, person=people, ordering=ordering, page=int(number), page_size=2)
        following = expect(answer, PaginatedArticleList, f"page {number}")
        seen += [article.id for article in following.results]
        link = following.next_
    check(isinstance(page.count, int) and len(seen) == len(set(seen)) == page.count, f"{seen} of {page.count!r}")

    by_cursor: list[int] = []
    cursor = ""
    while True:
        chunk = expect(articles_list.sync(client=client, cursor=cursor, page_size=2), PaginatedArticleList, "cursor")
        by_cursor += [article.id for article in chunk.results]
        if chunk.next_ is None:
            break
        cursor = parse_qs(urlsplit(chunk.next_).query)["cursor"][0]
    check(len(by_cursor) == len(set(by_cursor)) and set(seen) <= set(by_cursor), f"cursor pages: {by_cursor}")

    # A date range: only articles published within it.
    start, end = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
    answer = articles_list.sync(client=client, published_after=start, published_before=end)
    dated = expect(answer, PaginatedArticleList, "a date range").results
    check(bool(dated) and all(a.published and start <= a.published <= end for a in dated), f"dated: {dated}")

    # Facets: people over the whole filtered set.
    answer = articles_list.sync(client=client, facets=[ArticlesListFacetsItem.PERSON], page_size=1)
    faceted = expect(answer, PaginatedArticleList, "the faceted list")
    counted = faceted.facets.person if faceted.facets else None
    check(bool(counted) and bool(counted and counted.buckets), f"person buckets: {faceted.facets!r}")
    if counted:
        top = counted.buckets[0]
        check(top.count >= 1 and bool(top.label) and top.value is not None, f"a bucket: {top!r}")

    # A variant spelling finds the person.
    found = expect(people_list.sync(client=client, search="diaz canel"), PaginatedPersonList, "search")
    check("miguel-diaz-canel" in [person.slug for person in found.results], "search by a variant spelling")

    # A detail with its evidence: each quote is the body's own slice.
    detail = expect(articles_retrieve.sync(by_cursor[0], client=client), ArticleDetail, "the detail")
    for mention in detail.person_mentions:
        text = detail.title if mention.field.value == "title" else detail.body
        check(text[mention.start : mention.end] == mention.quote, f"evidence of mention {mention.id}")

    # Compare, both forms: every metric summarised, then one metric's figures side by side.
    summaries = expect(figures_compare_retrieve.sync(client=client), MetricList, "compare without a metric")
    metric = summaries.results[0].metric
    compared = figures_compare_retrieve.sync(client=client, metric=[metric])
    figures = expect(compared, FigureComparison, f"compare {metric}")
    check(all(figure.metric == metric for figure in figures.results), "one metric's figures")
    check(sum(m.figure_count for m in figures.metrics) == len(figures.results), "its summaries count them")

    # A record's history.
    history = expect(articles_history_list.sync(by_cursor[0], client=client), PaginatedHistoryEntryList, "history")
    check(all(entry.type_.value in ("created", "changed", "deleted") for entry in history.results), "entries")

    # Downloads: CSV, NDJSON (the texts in bulk), JSON-LD.
    table = expect(articles_export_csv.sync(client=client, person=["fidel-castro"]), str, "CSV")
    rows = list(csv.DictReader(io.StringIO(table)))
    check(bool(rows) and all(row["title"] for row in rows), f"CSV rows: {rows}")
    fields = [ArticlesExportNdjsonFieldsItem.ID, ArticlesExportNdjsonFieldsItem.BODY]
    lines = expect(articles_export_ndjson.sync(client=client, fields=fields), str, "NDJSON")
    texts = [json.loads(line) for line in lines.splitlines()]
    check(len(texts) == len(by_cursor) and all(set(t) == {"id", "body"} for t in texts), "NDJSON texts")
    graph = expect(articles_export_jsonld.sync(client=client), ArticlesExportJsonldResponse200, "JSON-LD")
    check(graph.additional_properties["@context"] == "https://schema.org", "JSON-LD context")


def editor(client: AuthenticatedClient) -> None:
    # PATCH with If-Match from the declared ETag.
    read = people_retrieve.sync_detailed("fidel-castro", client=client)
    etag = read.headers["ETag"]
    changed = people_partial_update.sync_detailed(
        "fidel-castro",
        client=client,
        # A description it does not have yet: an unchanged record would keep its ETag.
        body=PatchedPersonDetailRequest(description=f"Cuban revolutionary (checked {datetime.datetime.now()})."),
        if_match=etag,
        x_change_reason="contract-client usage",
    )
    check(changed.status_code == 200, f"PATCH with the current ETag: {changed.status_code}")
    # The same ETag again is stale now: a 412 whose message the typed error carries.
    again = people_partial_update.sync(
        "fidel-castro", client=client, body=PatchedPersonDetailRequest(description="x"), if_match=etag
    )
    stale = expect(again, Error, "a stale If-Match")
    check("changed since" in stale.detail, f"the 412's message: {stale.detail}")

    # A 400's per-field errors, read through the typed error.
    body = FigureRequest(article=1, label="x", value=1.0, unit="people", metric="x", quote="not in the text")
    refused = expect(figures_create.sync(client=client, body=body), FieldErrors, "a quote not in the text")
    messages = refused.additional_properties["quote"]
    check(isinstance(messages, list) and "does not occur" in " ".join(messages), f"the quote's messages: {messages}")


def main(base_url: str, key: str) -> None:
    with AuthenticatedClient(base_url=base_url, token=key, raise_on_unexpected_status=True) as client:
        researcher(client)
        editor(client)
    print("usage.py: every task passed")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
