"""A new raw document to a curated article in the admin alone, with no offsets typed: import it,
accept the suggestions (adding the new people), annotate one mention by selecting its text and one
quotation by typing only its quote, fix a word near the top of the body and see every span follow,
then add a second and a third article. The form submits are counted against a budget."""

from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from articles.models import Article, EventMention, Figure, PersonMention
from curation.models import Suggestion

from ..factories import assert_spans_hold
from .conftest import pick, select_with_the_mouse, sign_in_as_editor

pytestmark = pytest.mark.django_db(transaction=True)
PAGE = Path(__file__).parent.parent / "import_pages" / "gulf-courier-ministers.txt"
# Preview, Import, Accept all, three "Add person and accept", one save with the two annotations, one
# save of the edited body, and the second and third articles: 10.
SUBMIT_BUDGET = 10


@pytest.fixture
def curator(page, live_server):
    call_command("loaddata", "corpus", verbosity=0)
    sign_in_as_editor(page, live_server)
    submits, failures = [], []
    page.on("request", lambda r: submits.append(r.url) if r.method == "POST" and r.is_navigation_request() else None)
    page.on("response", lambda r: failures.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    return page, submits, failures


def test_a_raw_document_becomes_a_curated_article_in_the_admin_alone(curator, live_server):
    page, submits, failures = curator
    # 1. Import: upload, preview, import.
    page.goto(f"{live_server.url}/admin/articles/article/")
    page.click("a.importlink")
    page.set_input_files("#id_upload", str(PAGE))
    page.fill("#id_new_outlet", "The Gulf Courier")
    page.click("input[name=_preview]")
    expect(page.locator(".preview-title")).to_have_text("Caracas and Havana pledge fuel swap as blackouts spread")
    expect(page.locator(".preview-removed")).to_contain_text("Share this story")
    page.uncheck("#id_accept_known")  # the suggestions are decided on the article's page
    page.click("input[name=_import]")
    expect(page.locator(".messagelist")).to_contain_text("Imported")
    article = Article.objects.get(source_document=PAGE.name)
    assert article.outlet.name == "The Gulf Courier" and article.byline == "By Lucía Herrera"
    assert page.url.endswith(f"/admin/articles/article/{article.pk}/change/")

    # 2. Suggestions: accept every pending one, then the new people one by one.
    expect(page.locator("#suggestions")).to_contain_text("pending")
    page.click("button[name=_accept_all]")
    expect(page.locator(".messagelist")).to_contain_text("Accepted")
    while page.locator("button.suggestion-accept[name=create_person]").count():
        page.locator("button.suggestion-accept[name=create_person]").first.click()
        expect(page.locator(".messagelist")).to_contain_text("Accepted")
    assert not Suggestion.objects.filter(article=article, state="pending").exists()
    author = PersonMention.objects.get(article=article, role="author", person__name="Lucía Herrera")
    assert (author.field, article.byline[author.start : author.end]) == ("byline", "Lucía Herrera")
    assert Figure.objects.filter(article=article, unit="barrels per day").exists()
    assert EventMention.objects.filter(article=article, event__slug="us-attack-on-venezuela-2026").exists()

    # 3. One mention by selecting its text, one quotation by typing its quote only.
    article.refresh_from_db()
    second_reference = article.body.index("Rodríguez told")
    select_with_the_mouse(page, "#id_body", second_reference, second_reference + len("Rodríguez"))
    expect(page.locator(".annotate-status")).to_contain_text("Rodríguez")
    page.click("button[data-annotate=person_mentions]")
    row = page.locator("#person_mentions-group tr.dynamic-person_mentions").last
    pick(page, row, "Delcy", "Delcy Rodríguez")
    row.locator("select[name$=-role]").select_option("mentioned")
    page.click("#person_mentions-group .add-row a")
    typed = page.locator("#person_mentions-group tr.dynamic-person_mentions").last
    pick(page, typed, "Delcy", "Delcy Rodríguez")
    typed.locator("select[name$=-role]").select_option("quoted")
    typed.locator("textarea[name$=-quote]").fill("Venezuela would honour every contract signed with Havana")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    selected = PersonMention.objects.get(article=article, person__slug="delcy-rodriguez", start=second_reference)
    assert selected.quote == "Rodríguez" and selected.role == "mentioned"
    quoted = PersonMention.objects.get(article=article, quote__startswith="Venezuela would honour")
    assert article.body[quoted.start : quoted.end] == quoted.quote
    assert_spans_hold()

    # 4. A word near the top of the body changes: every span follows.
    before = {m.pk: m.start for m in PersonMention.objects.filter(article=article)}
    body = page.locator("#id_body")
    body.fill(body.input_value().replace("agreed on Monday", "agreed late on Monday"))
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    after = {m.pk: m.start for m in PersonMention.objects.filter(article=article)}
    moved = [pk for pk in before if after[pk] == before[pk] + len("late ")]
    assert set(after) == set(before) and len(moved) >= len(before) - 3  # those above the edit stay
    assert_spans_hold()

    # 5. A second and a third article.
    for n in (2, 3):
        page.goto(f"{live_server.url}/admin/articles/article/add/")
        page.fill("#id_title", f"Follow-up {n}")
        page.fill("#id_body", f"HAVANA — Follow-up story number {n}.\nMore lines follow.")
        page.click("input[name=_save]")
        expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    assert failures == []
    assert len(submits) <= SUBMIT_BUDGET, submits
    print(f"form submits: {len(submits)} (budget {SUBMIT_BUDGET})")
