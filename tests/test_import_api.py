"""POST /api/v1/articles/import/: the import pipeline through the API, on pages written for these tests
(other outlets, an HTML page, wire copy), never the seed documents."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from articles.models import Article, Outlet, PersonMention

from .conftest import client_for
from .factories import assert_spans_hold

PAGES = Path(__file__).parent / "import_pages"
URL = "/api/v1/articles/import/"


def page(name):
    return (PAGES / name).read_text(encoding="utf-8")


def importing(client, name, **extra):
    return client.post(URL, {"text": page(name), "source_document": name, **extra}, format="json")


def test_a_dry_run_answers_as_an_import_would_and_saves_nothing(editor_client, corpus):
    before = Article.objects.count()
    answer = importing(editor_client, "ledger-oil-deal.txt", outlet="telesur", dry_run=True)
    assert answer.status_code == 200, answer.json()
    assert Article.objects.count() == before
    data = answer.json()
    assert data["title"] == "Cuba signs oil deal with Mexico"
    assert data["byline"] == "By Ana Díaz and Tom Reed"
    assert (data["published"], data["published_precision"]) == ("2026-02-04", "day")
    assert data["body"].startswith("HAVANA — Cuba signed")
    for furniture in ("Independent news", "min read", "Comments (12)", "By Ana"):
        assert furniture not in data["body"]
    assert data["source_text"] == page("ledger-oil-deal.txt")
    rules = {removed["rule"] for removed in data["removed"]}
    assert {"site strapline", "title", "dateline", "byline", "comment and share line"} <= rules
    assert data["format"] == "text"
    suggested = {(s["target"].get("person"), s["target"].get("role"), s["field"]) for s in data["suggestions"]}
    assert ("fidel-castro", "mentioned", "body") in suggested
    assert (None, "author", "byline") in suggested  # Ana Díaz is not in the corpus yet
    assert {s["kind"] for s in data["suggestions"]} >= {"person_mention", "figure"}
    assert all(s["id"] is None for s in data["suggestions"])  # nothing stored


def test_a_dry_run_with_a_new_outlet_creates_no_outlet(editor_client, corpus):
    answer = importing(editor_client, "isla-blackouts.html", new_outlet="Isla Hoy", dry_run=True)
    assert answer.status_code == 200, answer.json()
    assert answer.json()["outlet"]["slug"] == "isla-hoy"
    assert not Outlet.objects.filter(name="Isla Hoy").exists()


def test_import_then_accept_then_read_back_in_three_requests(editor_client, corpus):
    made = importing(editor_client, "ledger-oil-deal.txt", outlet="telesur")
    assert made.status_code == 201, made.json()
    article = made.json()
    assert made["Location"].endswith(f"/api/v1/articles/{article['id']}/")
    chosen = [s for s in article["suggestions"] if s["kind"] != "person_mention" or s["target"]["person"]]
    accepted = editor_client.post("/api/v1/suggestions/accept/", {"ids": [s["id"] for s in chosen]}, format="json")
    assert accepted.status_code == 200, accepted.json()
    assert {s["state"] for s in accepted.json()["results"]} == {"accepted"}
    detail = editor_client.get(f"/api/v1/articles/{article['id']}/").json()
    people = {s["target"]["person"] for s in chosen if s["kind"] == "person_mention"}
    assert {m["person"]["slug"] for m in detail["person_mentions"]} == people
    assert len(detail["figures"]) == len([s for s in chosen if s["kind"] == "figure"]) > 0
    assert detail["outlet"]["slug"] == "telesur"
    assert_spans_hold()


def test_an_html_page_goes_through_trafilatura_and_htmldate(editor_client, corpus):
    answer = importing(editor_client, "isla-blackouts.html", new_outlet="Isla Hoy")
    assert answer.status_code == 201, answer.json()
    data = answer.json()
    assert data["format"] == "html"
    assert data["title"] == "Blackouts stretch to 14 hours as fuel runs short"
    assert data["outlet"]["slug"] == "isla-hoy" and Outlet.objects.filter(name="Isla Hoy").exists()
    assert data["published"] == "2026-03-11"
    assert data["byline"] == "By Rosa Delgado"
    assert data["body"].startswith("SANTIAGO DE CUBA — Households")
    for furniture in ("cookies", "More stories", "Havana hotels", "Comments (4)", "Opinion", "©"):
        assert furniture not in data["body"]
    assert "30–40%" in data["body"]
    assert data["source_text"].startswith("<!DOCTYPE html>")
    assert ("delcy-rodriguez", "mentioned") in {
        (s["target"].get("person"), s["target"].get("role")) for s in data["suggestions"]
    }


def test_wire_copy_keeps_the_story_and_drops_its_furniture(editor_client, corpus):
    answer = importing(editor_client, "wire-caracas-talks.txt", dry_run=True)
    assert answer.status_code == 200, answer.json()
    data = answer.json()
    assert data["title"] == "Venezuela and Cuba renew energy pact"
    assert data["published"] == "2026-03-02" and data["published_time"] == "10:15:00"
    assert data["byline"] == "By Carlos Mendez and Jane Whitfield"
    assert data["body"].startswith("CARACAS (Reuters) - Venezuela and Cuba renewed")
    for furniture in ("Read more", "record low", "Share this article"):
        assert furniture not in data["body"]
    assert {"hugo-chavez", "fidel-castro"} <= {s["target"].get("person") for s in data["suggestions"]}


def test_a_near_copy_of_an_article_is_linked_and_said(editor_client, corpus):
    original = Article.objects.get(source_document="001_4fbe320454e6bd95.txt")
    text = f"{original.title}\n\n{original.body}"
    answer = editor_client.post(URL, {"text": text, "source_document": "reprint.txt"}, format="json")
    assert answer.status_code == 201, answer.json()
    assert answer.json()["duplicate"]["relation"] == "copy_of"
    assert answer.json()["duplicate"]["article"] == (original.original_id or original.pk)
    assert answer.json()["original"]["id"] == (original.original_id or original.pk)


@pytest.mark.parametrize(
    ("payload", "key", "words"),
    [
        ({"colour": "red"}, "colour", "Unknown"),
        ({"outlet": "nowhere"}, "outlet", "Known outlets"),
        ({"outlet": "granma", "new_outlet": "Granma 2"}, "new_outlet", "either"),
        ({"text": ""}, "text", "blank"),
        ({"source_document": "x" * 300}, "source_document", "255"),
        ({"dry_run": "perhaps"}, "dry_run", "boolean"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(editor_client, corpus, payload, key, words):
    body = {"text": page("ledger-oil-deal.txt"), "source_document": "ledger.txt", **payload}
    answer = editor_client.post(URL, body, format="json")
    assert answer.status_code == 400, answer.json()
    assert key in answer.json() and words.lower() in str(answer.json()[key]).lower()


def test_importing_the_same_name_twice_is_a_400_naming_the_article(editor_client, corpus):
    assert importing(editor_client, "ledger-oil-deal.txt").status_code == 201
    again = importing(editor_client, "ledger-oil-deal.txt")
    assert again.status_code == 400
    assert "already imported as article" in again.json()["source_document"][0]
    assert Article.objects.filter(source_document="ledger-oil-deal.txt").count() == 1


def test_only_editors_import_and_creating_an_outlet_needs_its_own_permission(api, reader_client, corpus):
    assert importing(api, "ledger-oil-deal.txt").status_code == 401
    assert importing(reader_client, "ledger-oil-deal.txt").status_code == 403
    user = get_user_model().objects.create_user("importer", password="not-used-here")
    user.user_permissions.add(Permission.objects.get(codename="add_article"))
    importer = client_for(user)
    refused = importing(importer, "ledger-oil-deal.txt", new_outlet="The Caribbean Ledger")
    assert refused.status_code == 403 and "add outlets" in refused.json()["detail"]
    assert importing(importer, "ledger-oil-deal.txt").status_code == 201
    assert not PersonMention.objects.filter(article__source_document="ledger-oil-deal.txt").exists()
