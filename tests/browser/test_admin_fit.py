"""What an editor sees in the admin: aliases as lines, inlines that fit a
laptop window, and evidence coloured by kind with a legend."""

import os

import pytest
from playwright.sync_api import expect

from articles.models import Event, Person

from .test_admin_flows import api_json, editor_page  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)
KINDS = ["author", "quoted", "mentioned", "event", "figure"]
SCREENSHOTS = os.environ.get("ADMIN_SCREENSHOTS")  # a folder to keep screenshots in, for a human to look at


def screenshot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def test_editor_types_aliases_one_per_line_and_the_api_shows_the_list(editor_page, live_server):  # noqa: F811
    page = editor_page
    person = Person.objects.get(slug="hugo-chavez")
    page.goto(f"{live_server.url}/admin/articles/person/{person.pk}/change/")
    aliases = page.locator("textarea#id_aliases")
    expect(aliases).to_have_value("Chavez")  # the stored list, one per line, not JSON
    aliases.fill("Hugo Chavez\n\n  Hugo Rafael Chávez Frías  \nHugo Chavez\n")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(page.locator("textarea#id_aliases")).to_have_value("Hugo Chavez\nHugo Rafael Chávez Frías")
    screenshot(page, "person-aliases")
    body = api_json(page, f"{live_server.url}/api/v1/people/hugo-chavez/")
    assert body["aliases"] == ["Hugo Chavez", "Hugo Rafael Chávez Frías"]


def test_a_name_without_json_brackets_is_accepted(editor_page, live_server):  # noqa: F811
    page = editor_page
    page.goto(f"{live_server.url}/admin/articles/person/add/")
    page.fill("#id_name", "Marisol Peña")
    page.fill("#id_aliases", "Marisol Pena")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    assert Person.objects.get(name="Marisol Peña").aliases == ["Marisol Pena"]


def boxes_outside(page, selector, width):
    """The names of visible inputs matching `selector` whose box is not within 0..width."""
    outside = []
    for element in page.locator(selector).all():
        if not element.is_visible():
            continue
        box = element.bounding_box()
        if box["x"] < 0 or box["x"] + box["width"] > width:
            outside.append((element.get_attribute("name"), box["x"], box["x"] + box["width"]))
    return outside


def test_article_page_fits_a_1280_window_with_every_inline_row_on_screen(editor_page, live_server, sample):  # noqa: F811
    page = editor_page
    page.set_viewport_size({"width": 1280, "height": 900})
    article = sample.articles["granma"]
    long_name = ("Meeting of the delegations of Venezuela and Cuba in Havana on oil, debt and doctors " * 4)[:300]
    Event.objects.filter(pk=sample.events["meeting"].pk).update(name=long_name)  # the longest an event's name may be
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    for group in ("#person_mentions-group", "#event_mentions-group", "#figures-group"):
        page.click(f"{group} .add-row a")  # an empty row too, as an editor adding one sees it
    screenshot(page, "article-1280")

    def check():
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        spans = ", ".join(f"[name$=-{field}]:not([name*=__prefix__])" for field in ("quote", "start", "end"))
        for inputs in ("#person_mentions-group", "#event_mentions-group", "#figures-group"):
            found = page.locator(f"{inputs} :is({spans})")
            assert found.count() >= 6
            assert boxes_outside(page, f"{inputs} :is({spans})", 1280) == []
        for field in ("quote", "start", "end"):
            box = page.locator(f"#figures-0 [name=figures-0-{field}]").bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 1280, field

    check()
    # A wrong offset: the row's error is on screen as well.
    page.fill("#figures-0 input[name=figures-0-start]", "1")
    page.fill("#person_mentions-1 input[name=person_mentions-1-end]", "70")
    page.click("input[name=_continue]")
    errors = page.locator("#figures-group .errorlist")
    expect(errors.first).to_contain_text("characters long but the quote is")
    screenshot(page, "article-1280-error")
    expect(page.locator("#person_mentions-group .errorlist").first).to_contain_text("characters long")
    check()
    assert boxes_outside(page, ".inline-group .errorlist", 1280) == []


def background(locator):
    return locator.evaluate("mark => getComputedStyle(mark).backgroundColor")


def test_evidence_is_coloured_by_kind_under_a_legend(editor_page, live_server, sample):  # noqa: F811
    page = editor_page
    article = sample.articles["granma"]  # an author, a person quoted, one mentioned, two events and a figure
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    legend = page.locator(".field-evidence .evidence-legend")
    expect(legend.locator("mark")).to_have_text(KINDS)
    body = page.locator(".field-evidence .evidence-body")
    expect(body.locator("mark.ev-author")).to_have_text(["Ana Pérez"])
    expect(body.locator("mark.ev-quoted")).to_have_text(["“Don't quit, don't resign,”"])
    expect(body.locator("mark.ev-mentioned")).to_have_text(["Hugo Chávez"])
    expect(body.locator("mark.ev-event")).to_have_text(["December 1994", "Between 2005 and 2019"])
    expect(body.locator("mark.ev-figure")).to_have_text(["about 35,000 barrels of oil per day"])
    # The legend is above the body, and each kind has its own colour, the same in legend and body.
    assert legend.bounding_box()["y"] < body.bounding_box()["y"]
    colours = {kind: background(legend.locator(f"mark.ev-{kind}")) for kind in KINDS}
    assert len(set(colours.values())) == len(KINDS)
    for kind in KINDS:
        assert background(body.locator(f"mark.ev-{kind}").first) == colours[kind]
    if SCREENSHOTS:
        page.locator(".form-row.field-evidence").screenshot(path=os.path.join(SCREENSHOTS, "evidence.png"))
