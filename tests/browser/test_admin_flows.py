"""Editors curating in the admin, in a real browser."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from articles.models import Article, Figure, Person, PersonMention

from ..factories import span
from .conftest import pick, sign_in_as_editor

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def editor_page(page, live_server, sample):
    return sign_in_as_editor(page, live_server)


def api_json(page, url):
    page.goto(f"{url}?format=json")
    return json.loads(page.locator("body").inner_text())


def test_editor_renames_a_person_and_the_api_shows_it(editor_page, live_server):
    page = editor_page
    person = Person.objects.get(slug="fidel-castro")
    page.goto(f"{live_server.url}/admin/articles/person/{person.pk}/change/")
    page.fill("#id_name", "Fidel Alejandro Castro Ruz")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert api_json(page, f"{live_server.url}/api/v1/people/fidel-castro/")["name"] == "Fidel Alejandro Castro Ruz"


def test_editor_adds_a_figure_a_wrong_offset_is_refused_the_right_one_is_highlighted(editor_page, live_server, sample):
    page = editor_page
    article = sample.articles["copy"]
    good = span(article, "about 35,000 barrels")
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.click("#figures-group .add-row a")
    row = "#figures-0"
    page.fill(f"{row} input[name=figures-0-label]", "Venezuelan oil to Cuba")
    page.fill(f"{row} input[name=figures-0-value]", "35000")
    page.select_option(f"{row} select[name=figures-0-qualifier]", "approximately")
    page.fill(f"{row} input[name=figures-0-unit]", "barrels per day")
    page.fill(f"{row} input[name=figures-0-metric]", "venezuelan-oil-to-cuba")
    page.fill(f"{row} textarea[name=figures-0-quote]", good["quote"])
    page.fill(f"{row} input[name=figures-0-start]", str(good["start"] + 3))
    page.fill(f"{row} input[name=figures-0-end]", str(good["end"] + 3))
    page.click("input[name=_continue]")
    expect(page.locator("#figures-group .errorlist").first).to_contain_text("not the quote")
    assert not Figure.objects.filter(article=article).exists()

    page.fill(f"{row} input[name=figures-0-start]", str(good["start"]))
    page.fill(f"{row} input[name=figures-0-end]", str(good["end"]))
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert Figure.objects.get(article=article).quote == good["quote"]
    expect(page.locator('.evidence-body mark[title*="figure Venezuelan oil to Cuba"]')).to_have_text(good["quote"])


def test_editor_merges_two_people_the_mentions_move_and_the_history_shows_it(editor_page, live_server, sample):
    page = editor_page
    copy = sample.articles["copy"]
    duplicate = Person.objects.create(name="Hugo Chavez Frias", slug="hugo-chavez-frias")
    mention = PersonMention.objects.create(article=copy, person=duplicate, **span(copy, "Hugo Chávez"))
    survivor = sample.people["chavez"]
    page.goto(f"{live_server.url}/admin/articles/person/")
    for person in (survivor, duplicate):
        page.check(f"input[name=_selected_action][value='{person.pk}']")
    page.select_option("select[name=action]", "merge")
    page.click("button[name=index]")
    page.check(f"input[name=survivor][value='{survivor.pk}']")
    page.click("input[type=submit][value=Merge]")
    expect(page.locator(".messagelist")).to_contain_text("Merged Hugo Chavez Frias into Hugo Chávez")
    mention.refresh_from_db()
    assert mention.person_id == survivor.pk
    body = api_json(page, f"{live_server.url}/api/v1/people/hugo-chavez-frias/")
    assert body["slug"] == "hugo-chavez"
    assert "Hugo Chávez" in {m["quote"] for m in body["mentions"] if m["article"]["id"] == copy.pk}

    page.goto(f"{live_server.url}/admin/articles/person/{survivor.pk}/change/")
    page.click("a.historylink")
    newest = page.locator("#change-history tbody tr").first
    expect(newest).to_contain_text("Merged hugo-chavez-frias (Hugo Chavez Frias) into hugo-chavez")
    expect(newest).to_contain_text("curator")
    expect(newest).to_contain_text("Hugo Chavez Frias")  # the aliases it gained


def test_editor_adds_three_articles_in_a_row_with_line_breaks_and_a_mention(editor_page, live_server, sample):
    """The second article made in the admin was a 500 (its blank source_document
    collided with the first's), and a typed body kept the browser's \\r\\n."""
    page = editor_page
    bodies = [
        "Caracas, 3 May.\nRodríguez met the delegation.\n\nTalks went on past midnight.",
        "HAVANA — Two ministers spoke.\nNeither gave figures.",
        "A third article, one line.",
    ]
    made = []
    for n, body in enumerate(bodies, start=1):
        page.goto(f"{live_server.url}/admin/articles/article/add/")
        page.fill("#id_title", f"Browser article {n}")
        page.fill("#id_body", body)  # a textarea submits its line breaks as \r\n
        if n == 1:
            page.click("#person_mentions-group .add-row a")
            page.select_option("select[name=person_mentions-0-role]", "mentioned")
            # The person's autocomplete, as an editor uses it: open, type, pick.
            pick(page, page.locator("#person_mentions-0"), "Rodr", sample.people["rodriguez"].name)
            start = body.index("Rodríguez")
            page.fill("textarea[name=person_mentions-0-quote]", "Rodríguez")
            page.fill("input[name=person_mentions-0-start]", str(start))
            page.fill("input[name=person_mentions-0-end]", str(start + len("Rodríguez")))
        page.click("input[name=_save]")
        expect(page.locator(".messagelist")).to_contain_text("was added successfully")
        made.append(Article.objects.get(title=f"Browser article {n}"))
    assert [article.body for article in made] == bodies
    assert len({article.source_document for article in made}) == 3
    mention = PersonMention.objects.get(article=made[0])
    assert made[0].body[mention.start : mention.end] == mention.quote == "Rodríguez"


def test_editor_imports_two_documents_in_a_row_from_the_article_list(editor_page, live_server, sample):
    """Upload one page and paste another: preview, then import, each landing on its new article;
    importing a name twice is a form error, never a 500."""
    page = editor_page
    pages = Path(__file__).parent.parent / "import_pages"
    page.goto(f"{live_server.url}/admin/articles/article/")
    page.click("a.importlink")
    page.set_input_files("#id_upload", str(pages / "ledger-oil-deal.txt"))
    page.fill("#id_new_outlet", "The Caribbean Ledger")
    page.click("input[name=_preview]")
    expect(page.locator(".preview-title")).to_have_text("Cuba signs oil deal with Mexico")
    expect(page.locator(".preview-removed")).to_contain_text("5 min read")
    expect(page.locator(".preview-byline")).to_contain_text("Ana Díaz")
    assert not Article.objects.filter(source_document="ledger-oil-deal.txt").exists()
    page.click("input[name=_import]")
    expect(page.locator(".messagelist")).to_contain_text("Imported “Cuba signs oil deal with Mexico”")
    first = Article.objects.get(source_document="ledger-oil-deal.txt")
    assert page.url.endswith(f"/admin/articles/article/{first.pk}/change/")
    assert first.source_text == (pages / "ledger-oil-deal.txt").read_text(encoding="utf-8")

    page.goto(f"{live_server.url}/admin/articles/article/import/")
    page.fill("#id_text", (pages / "wire-caracas-talks.txt").read_text(encoding="utf-8"))
    page.fill("#id_source_document", "wire-caracas-talks.txt")
    page.select_option("#id_outlet", label="The Caribbean Ledger")
    page.click("input[name=_import]")
    expect(page.locator(".messagelist")).to_contain_text("Imported")
    second = Article.objects.get(source_document="wire-caracas-talks.txt")
    assert second.outlet == first.outlet and "\r" not in second.body

    page.goto(f"{live_server.url}/admin/articles/article/import/")
    page.fill("#id_text", "Another title\n\nAnother body.")
    page.fill("#id_source_document", "wire-caracas-talks.txt")
    page.click("input[name=_import]")
    expect(page.locator(".field-source_document .errorlist")).to_contain_text(f"article {second.pk}")
