"""Select to annotate on the article's admin page, as brat and INCEpTION do: the editor selects a span
in the title, summary, byline, body or caption, presses "Mention a person", "Mention an event" or
"Add a figure", and the new row gets the field, the quote and the offsets; no offset is typed."""

import pytest
from playwright.sync_api import expect

from articles.models import Article, Figure, PersonMention

from .conftest import pick, select_with_the_mouse, sign_in_as_editor

pytestmark = pytest.mark.django_db(transaction=True)

BUTTONS = ("person_mentions", "event_mentions", "figures")


# The same fixture as test_admin_flows': imported, ruff reads each test's argument as redefining it (F811).
@pytest.fixture
def editor_page(page, live_server, sample):
    return sign_in_as_editor(page, live_server)


def select_by_script(page, selector, start, end):
    """Select characters `start` to `end` (UTF-16 indices, as the page counts) and say so as a browser does.
    For an <input>, where the mouse-drag helper's caret measure (made for a wrapping textarea) does not hold."""
    page.locator(selector).evaluate(
        """(el, [start, end]) => {
            el.focus();
            el.setSelectionRange(start, end);
            el.dispatchEvent(new Event("select", {bubbles: true}));
        }""",
        [start, end],
    )


def utf16_index(text, index):
    """Where code point `index` of `text` is in the browser's UTF-16 string."""
    return len(text[:index].encode("utf-16-le")) // 2


def open_article(page, live_server, article):
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    for kind in BUTTONS:  # nothing is selected yet
        expect(page.locator(f"button[data-annotate={kind}]")).to_be_disabled()


def test_a_word_dragged_over_in_the_body_becomes_a_person_mention(editor_page, live_server, sample):
    page = editor_page
    article = sample.articles["copy"]
    start = article.body.index("Fidel Castro")
    end = start + len("Fidel Castro")
    open_article(page, live_server, article)

    select_with_the_mouse(page, "#id_body", start, end)
    expect(page.locator(".annotate-status")).to_contain_text("“Fidel Castro”")
    expect(page.locator(".annotate-status")).to_contain_text("body")
    page.click("button[data-annotate=person_mentions]")

    row = page.locator("#person_mentions-0")
    expect(row.locator("select[name=person_mentions-0-field]")).to_have_value("body")
    expect(row.locator("textarea[name=person_mentions-0-quote]")).to_have_value("Fidel Castro")
    expect(row.locator("input[name=person_mentions-0-start]")).to_have_value(str(start))
    expect(row.locator("input[name=person_mentions-0-end]")).to_have_value(str(end))
    # The person is what is left to say, and the focus waits there.
    expect(row.locator(".select2-selection")).to_be_focused()
    pick(page, row, "Fidel", sample.people["castro"].name)
    row.locator("select[name=person_mentions-0-role]").select_option("mentioned")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    mention = PersonMention.objects.get(article=article, person=sample.people["castro"])
    assert (mention.field, mention.role, mention.start, mention.end) == ("body", "mentioned", start, end)
    assert mention.quote == article.body[mention.start : mention.end] == "Fidel Castro"


def test_a_selection_in_the_title_with_spaces_around_becomes_a_figure_with_the_keyboard(
    editor_page, live_server, sample
):
    page = editor_page
    article = Article.objects.create(
        title="Venezuela sends 35,000 barrels a day to Cuba",
        body="Venezuela sends oil to Cuba every day.",
        source_document="annotate-title.txt",
        source_text="raw",
    )
    quote = "35,000 barrels"
    start = article.title.index(quote)
    open_article(page, live_server, article)

    # A drag or a double-click often takes the spaces either side; they are not part of the quote.
    select_by_script(page, "#id_title", start - 1, start + len(quote) + 1)
    expect(page.locator(".annotate-status")).to_contain_text(f"“{quote}”")
    expect(page.locator(".annotate-status")).to_contain_text("title")
    button = page.locator("button[data-annotate=figures]")
    expect(button).to_be_enabled()
    button.focus()  # a real <button>: the keyboard presses it as the mouse does
    page.keyboard.press("Enter")

    row = "#figures-0"
    expect(page.locator(f"{row} select[name=figures-0-field]")).to_have_value("title")
    expect(page.locator(f"{row} textarea[name=figures-0-quote]")).to_have_value(quote)
    expect(page.locator(f"{row} input[name=figures-0-label]")).to_be_focused()
    page.fill(f"{row} input[name=figures-0-label]", "Venezuelan oil to Cuba")
    page.fill(f"{row} input[name=figures-0-value]", "35000")
    page.select_option(f"{row} select[name=figures-0-qualifier]", "exact")
    page.fill(f"{row} input[name=figures-0-unit]", "barrels per day")
    page.fill(f"{row} input[name=figures-0-metric]", "venezuelan-oil-to-cuba")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    figure = Figure.objects.get(article=article)
    assert (figure.field, figure.start, figure.end) == ("title", start, start + len(quote))
    assert figure.quote == article.title[figure.start : figure.end] == quote


def test_offsets_after_an_emoji_are_code_points_as_the_server_counts(editor_page, live_server, sample):
    """An emoji is two UTF-16 units in the browser and one code point on the server; unconverted,
    every offset after it would be one too far and the quote refused (or, repeated, the wrong one)."""
    page = editor_page
    body = "Caracas 🇻🇪: Delcy Rodríguez spoke. 🔥 Later Delcy Rodríguez left for Havana."
    article = Article.objects.create(
        title="Rodríguez speaks", body=body, source_document="annotate-emoji.txt", source_text=body
    )
    quote = "Delcy Rodríguez"
    start = body.index(quote, body.index("🔥"))  # the second, after three astral characters
    end = start + len(quote)
    assert utf16_index(body, start) == start + 3
    open_article(page, live_server, article)

    select_with_the_mouse(page, "#id_body", utf16_index(body, start), utf16_index(body, end))
    expect(page.locator(".annotate-status")).to_contain_text(f"“{quote}”")
    page.click("button[data-annotate=person_mentions]")

    row = page.locator("#person_mentions-0")
    expect(row.locator("input[name=person_mentions-0-start]")).to_have_value(str(start))
    expect(row.locator("input[name=person_mentions-0-end]")).to_have_value(str(end))
    pick(page, row, "Delcy", sample.people["rodriguez"].name)
    row.locator("select[name=person_mentions-0-role]").select_option("mentioned")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    mention = PersonMention.objects.get(article=article)
    assert (mention.field, mention.start, mention.end) == ("body", start, end)
    assert mention.quote == body[mention.start : mention.end] == quote
