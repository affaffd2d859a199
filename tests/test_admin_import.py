"""The admin's Import document page: the same pipeline as the API, for an editor with a browser form.
Pages written for these tests (tests/import_pages), never the seed documents."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from articles.models import Article, Outlet, Person, PersonMention
from articles.permissions import ensure_editors_group

from .factories import assert_spans_hold

PAGES = Path(__file__).parent / "import_pages"
URL = "/admin/articles/article/import/"
pytestmark = pytest.mark.django_db


def page(name):
    return (PAGES / name).read_text(encoding="utf-8")


@pytest.fixture
def editor(db):
    user = get_user_model().objects.create_user("desk", password="x", is_staff=True)
    user.groups.add(ensure_editors_group())
    client = Client()
    client.force_login(user)
    return client


def test_the_article_list_links_to_the_import_page(editor, corpus):
    listing = editor.get("/admin/articles/article/")
    assert URL in listing.content.decode()


def test_preview_shows_what_would_be_saved_and_every_removed_line_and_saves_nothing(editor, corpus):
    before = Article.objects.count()
    upload = SimpleUploadedFile("ledger-oil-deal.txt", page("ledger-oil-deal.txt").encode())
    answer = editor.post(URL, {"upload": upload, "new_outlet": "The Caribbean Ledger", "_preview": "Preview"})
    assert answer.status_code == 200
    preview = answer.context["preview"]
    assert preview["title"] == "Cuba signs oil deal with Mexico"
    assert preview["byline"] == "By Ana Díaz and Tom Reed"
    assert str(preview["published"]) == "2026-02-04"
    assert {"dateline", "byline", "comment and share line"} <= {r.rule for r in preview["removed"]}
    assert "The Caribbean Ledger | Independent news since 1998" in {r.text for r in preview["removed"]}
    html = answer.content.decode()
    assert "5 min read" in html and "Comments (12)" in html  # shown as removed lines, with their rules
    assert any(s["describe"].startswith("fidel-castro as mentioned") for s in preview["suggestions"])
    assert Article.objects.count() == before and not Outlet.objects.filter(name="The Caribbean Ledger").exists()
    # The upload comes back with its name, so Import needs no second upload and saves its exact text.
    form = answer.context["form"]
    assert form["source_document"].value() == "ledger-oil-deal.txt" and not form["text"].value()
    imported = editor.post(URL, {**form.data, "_import": "Import"})
    assert imported.status_code == 302, imported.context["form"].errors
    assert Article.objects.get(source_document="ledger-oil-deal.txt").source_text == page("ledger-oil-deal.txt")


def test_pasted_text_keeps_its_own_line_breaks_not_the_browsers(editor, corpus):
    pasted = page("wire-caracas-talks.txt").replace("\n", "\r\n")  # as a textarea submits it
    editor.post(URL, {"text": pasted, "source_document": "wire.txt", "_import": "Import"})
    assert Article.objects.get(source_document="wire.txt").source_text == page("wire-caracas-talks.txt")


def test_import_saves_the_article_and_the_known_peoples_mentions_and_opens_it(editor, corpus):
    answer = editor.post(
        URL,
        {
            "text": page("ledger-oil-deal.txt"),
            "source_document": "ledger-oil-deal.txt",
            "new_outlet": "The Caribbean Ledger",
            "accept_known": "on",
            "_import": "Import",
        },
    )
    article = Article.objects.get(source_document="ledger-oil-deal.txt")
    assert answer.status_code == 302 and answer["Location"] == f"/admin/articles/article/{article.pk}/change/"
    assert article.source_text == page("ledger-oil-deal.txt") and article.outlet.name == "The Caribbean Ledger"
    assert PersonMention.objects.filter(article=article, person__slug="fidel-castro").exists()
    assert not Person.objects.filter(name="Ana Díaz").exists()  # new people only when asked
    followed = editor.get(answer["Location"])
    assert "suggested mention(s) added" in followed.content.decode()
    assert_spans_hold()


def test_new_people_are_created_with_their_byline_evidence_when_asked(editor, corpus):
    editor.post(
        URL,
        {
            "text": page("ledger-oil-deal.txt"),
            "source_document": "ledger-oil-deal.txt",
            "outlet": Outlet.objects.get(slug="telesur").pk,
            "create_people": "on",
            "_import": "Import",
        },
    )
    article = Article.objects.get(source_document="ledger-oil-deal.txt")
    authors = PersonMention.objects.filter(article=article, role="author", field="byline")
    assert {m.quote for m in authors} == {"Ana Díaz", "Tom Reed"}
    assert PersonMention.objects.filter(article=article, person__slug="fidel-castro").exists()
    assert_spans_hold()


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({}, "text", "Paste the document or upload a file"),
        ({"text": "Title\n\nBody text here."}, "source_document", "Name the document"),
        ({"text": "   \n  ", "source_document": "blank.txt"}, "text", "Paste the document"),
    ],
)
def test_a_form_that_cannot_import_says_which_field_and_why(editor, corpus, data, field, words):
    answer = editor.post(URL, {**data, "_import": "Import"})
    assert answer.status_code == 200
    assert words in " ".join(answer.context["form"].errors[field])


def test_an_upload_that_is_not_utf8_is_refused_at_the_upload(editor, corpus):
    upload = SimpleUploadedFile("latin1.txt", "Caf\xe9 con leche\n\nUn texto.".encode("latin-1"))
    answer = editor.post(URL, {"upload": upload, "_preview": "Preview"})
    assert "not UTF-8" in " ".join(answer.context["form"].errors["upload"])


def test_importing_a_name_already_in_the_corpus_is_a_form_error_naming_the_article(editor, corpus):
    existing = Article.objects.order_by("pk").first()
    answer = editor.post(URL, {"text": page("wire-caracas-talks.txt"), "source_document": existing.source_document,
                               "_import": "Import"})  # fmt: skip
    assert answer.status_code == 200
    assert f"article {existing.pk}" in " ".join(answer.context["form"].errors["source_document"])


def test_a_near_copy_is_linked_and_the_message_says_so(editor, corpus):
    original = Article.objects.filter(original__isnull=True).order_by("pk").first()
    copy = f"{original.title}\n\n{original.body}"
    answer = editor.post(URL, {"text": copy, "source_document": "reposted.txt", "_import": "Import"}, follow=True)
    copied = Article.objects.get(source_document="reposted.txt")
    assert {copied.original_id, original.original_id} & {original.pk, copied.pk}
    assert "containment" in answer.content.decode()


def test_without_the_add_article_permission_the_page_is_forbidden(corpus):
    user = get_user_model().objects.create_user("viewer", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_article"))
    client = Client()
    client.force_login(user)
    assert client.get(URL).status_code == 403
    assert URL not in client.get("/admin/articles/article/").content.decode()


def test_without_the_add_outlet_permission_there_is_no_new_outlet_field(corpus):
    user = get_user_model().objects.create_user("importer", password="x", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["add_article", "view_article"]))
    client = Client()
    client.force_login(user)
    form = client.get(URL).context["form"]
    assert "new_outlet" not in form.fields and "outlet" in form.fields
    answer = client.post(URL, {"text": page("wire-caracas-talks.txt"), "source_document": "w.txt",
                               "new_outlet": "Sneaky", "_import": "Import"})  # fmt: skip
    assert not Outlet.objects.filter(name="Sneaky").exists()
    assert answer.status_code == 302  # imported, with no outlet: the unknown key is not a way in
