"""One form of stored text whatever door it came in by: line endings as \\n
and Unicode in NFC (articles.text.normalise), so offsets agree between the
admin (which posts \\r\\n), the API and imports. A raw document keeps its bytes."""

import unicodedata

import pytest

from articles.models import Article, PersonMention

pytestmark = pytest.mark.django_db

RAW = "Delcy Rodri\u0301guez spoke.\r\nShe said little.\rThe end."
STORED = "Delcy Rodríguez spoke.\nShe said little.\nThe end."


def article_payload(**extra):
    return {
        "title": "Cafe\u0301 talks",
        "body": RAW,
        "source_document": "raw.txt",
        "source_text": RAW,
        "outlet": "granma",
        **extra,
    }


def test_a_posted_body_is_stored_with_newlines_and_composed_accents(editor_client, sample):
    response = editor_client.post("/api/v1/articles/", article_payload(), format="json")
    assert response.status_code == 201, response.json()
    article = Article.objects.get(pk=response.json()["id"])
    assert (article.body, article.title) == (STORED, "Café talks")
    assert response.json()["body"] == STORED
    assert article.source_text == RAW  # the document exactly as received


def test_evidence_offsets_refer_to_the_normalised_body_and_a_decomposed_quote_matches(editor_client, sample):
    article_id = editor_client.post("/api/v1/articles/", article_payload(), format="json").json()["id"]
    start = STORED.index("Delcy")
    quote = "Delcy Rodri\u0301guez"  # decomposed, as some keyboards and pages send it
    response = editor_client.post(
        "/api/v1/person-mentions/",
        {
            "article": article_id,
            "person": "delcy-rodriguez",
            "quote": quote,
            "start": start,
            "end": start + len(unicodedata.normalize("NFC", quote)),
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    mention = PersonMention.objects.get(pk=response.json()["id"])
    assert STORED[mention.start : mention.end] == mention.quote == "Delcy Rodríguez"


def test_a_patched_body_is_normalised_and_its_spans_still_hold(editor_client, sample):
    article_id = editor_client.post("/api/v1/articles/", article_payload(), format="json").json()["id"]
    start = STORED.index("She")
    created = editor_client.post(
        "/api/v1/person-mentions/",
        {"article": article_id, "person": "delcy-rodriguez", "quote": "She", "start": start, "end": start + 3},
        format="json",
    )
    assert created.status_code == 201, created.json()
    # The same text again with Windows line endings: the same stored body, so the span holds.
    response = editor_client.patch(
        f"/api/v1/articles/{article_id}/", {"body": STORED.replace("\n", "\r\n")}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert Article.objects.get(pk=article_id).body == STORED


def test_an_article_made_without_a_source_document_gets_a_unique_name(db, sample):
    first = Article.objects.create(title="Hand made", body="One.", source_text="One.")
    second = Article.objects.create(title="Hand made", body="Two.", source_text="Two.")
    assert first.source_document.startswith("manual/hand-made-")
    assert first.source_document != second.source_document


def test_the_admin_add_page_saves_a_second_article(admin_client, sample):
    for n in (1, 2):
        response = admin_client.post(
            "/admin/articles/article/add/",
            {
                "title": f"Admin {n}",
                "body": "Line one.\r\nLine two.",
                "language": "en",
                **{
                    f"{prefix}-{key}": value
                    for prefix in ("person_mentions", "event_mentions", "figures")
                    for key, value in {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0"}.items()
                },
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        assert Article.objects.get(title=f"Admin {n}").body == "Line one.\nLine two."
