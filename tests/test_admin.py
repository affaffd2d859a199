"""The admin as editors use it, through Django's test client (the browser tests drive the same pages)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError

from articles.forms import LineListField
from articles.models import Article, Event, EventMention, Figure, Outlet, Person, PersonMention
from articles.permissions import ensure_editors_group

from .factories import span

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_editor(client, db):
    user = get_user_model().objects.create_user("curator", password="curate-me-now", is_staff=True)
    user.groups.add(ensure_editors_group())
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", ["outlet", "article", "person", "event", "figure", "personmention", "eventmention"])
def test_every_changelist_opens_with_filters_and_search(admin_client_editor, corpus, model):
    response = admin_client_editor.get(f"/admin/articles/{model}/", {"q": "cuba"})
    assert response.status_code == 200
    assert b'id="changelist-search"' in response.content


@pytest.mark.parametrize(
    "model", [Outlet, Article, Person, Event, Figure, PersonMention, EventMention], ids=lambda m: m._meta.model_name
)
def test_every_record_has_a_history_page_showing_the_change(admin_client_editor, corpus, model):
    record = model.objects.order_by("pk").first()
    record._change_reason = "Checked against the source"
    record.save()
    response = admin_client_editor.get(f"/admin/articles/{model._meta.model_name}/{record.pk}/history/")
    assert response.status_code == 200
    assert b"Checked against the source" in response.content
    assert b"Loaded from a fixture" in response.content


@pytest.mark.parametrize(("term", "slug"), [("chavez", "hugo-chavez"), ("rodrigues", "delcy-rodriguez")])
def test_person_search_ignores_accents_and_finds_aliases(admin_client_editor, corpus, term, slug):
    response = admin_client_editor.get("/admin/articles/person/", {"q": term})
    people = list(response.context["cl"].result_list)
    assert [p.slug for p in people] == [slug]


def test_article_page_highlights_every_evidence_span_beside_the_source(admin_client_editor, corpus):
    article = Article.objects.get(source_document__startswith="002_")
    response = admin_client_editor.get(f"/admin/articles/article/{article.pk}/change/")
    html = response.content.decode()
    assert html.count("<mark") >= article.figures.count()
    assert 'class="evidence-body"' in html
    assert "Cuba and Venezuela flags. Photo: El Ciudadano" in html  # the source text, read-only


def inline_management(prefix, total, initial):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def article_form(article):
    data = {
        "title": article.title,
        "summary": article.summary,
        "outlet": article.outlet_id or "",
        "original": article.original_id or "",
        "language": article.language,
        "published": "",
        "published_precision": "",
        "published_time": "",
        "body": article.body,
        "caption": article.caption,
    }
    for prefix in ("person_mentions", "event_mentions", "figures"):
        data.update(inline_management(prefix, 0, 0))
    return data


def test_inline_figure_with_a_wrong_offset_is_refused_at_the_field(admin_client_editor, sample):
    article = sample.articles["copy"]
    good = span(article, "about 35,000 barrels")
    figure = {
        "figures-0-label": "Oil",
        "figures-0-value": "35000",
        "figures-0-qualifier": "approximately",
        "figures-0-unit": "barrels per day",
        "figures-0-metric": "venezuelan-oil-to-cuba",
        "figures-0-field": "body",
        "figures-0-quote": good["quote"],
        "figures-0-start": str(good["start"] + 2),
        "figures-0-end": str(good["end"] + 2),
    }
    data = {**article_form(article), **inline_management("figures", 1, 0), **figure}
    response = admin_client_editor.post(f"/admin/articles/article/{article.pk}/change/", data)
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][2].formset.errors[0]
    assert "quote" in errors
    assert not Figure.objects.filter(article=article).exists()

    data.update({"figures-0-start": str(good["start"]), "figures-0-end": str(good["end"])})
    response = admin_client_editor.post(f"/admin/articles/article/{article.pk}/change/", data)
    assert response.status_code == 302
    assert Figure.objects.get(article=article).quote == "about 35,000 barrels"


def test_merge_action_moves_mentions_aliases_and_keeps_the_old_slug(admin_client_editor, api, sample):
    duplicate = Person.objects.create(name="Hugo Chavez Frias", slug="hugo-chavez-frias", aliases=["H. Chávez"])
    moved = PersonMention.objects.create(
        article=sample.articles["copy"], person=duplicate, **span(sample.articles["copy"], "Hugo Chávez")
    )
    survivor = sample.people["chavez"]
    selected = {"action": "merge", "_selected_action": [survivor.pk, duplicate.pk]}
    confirm = admin_client_editor.post("/admin/articles/person/", selected)
    assert confirm.status_code == 200
    assert b'name="survivor"' in confirm.content

    done = admin_client_editor.post("/admin/articles/person/", {**selected, "survivor": survivor.pk})
    assert done.status_code == 302
    assert not Person.objects.filter(pk=duplicate.pk).exists()
    moved.refresh_from_db()
    assert moved.person == survivor
    survivor.refresh_from_db()
    assert {"Hugo Chavez Frias", "H. Chávez"} <= set(survivor.aliases)
    response = api.get("/api/v1/people/hugo-chavez-frias/")
    assert response.status_code == 200
    assert response.json()["slug"] == "hugo-chavez"
    assert api.get("/api/v1/people/", {"search": "frias"}).json()["results"][0]["slug"] == "hugo-chavez"


def test_merge_needs_two_people(admin_client_editor, sample):
    response = admin_client_editor.post(
        "/admin/articles/person/", {"action": "merge", "_selected_action": [sample.people["chavez"].pk]}, follow=True
    )
    assert b"Select at least two people" in response.content


def test_site_header_says_what_this_is(admin_client_editor):
    assert b"Corpus API curation" in admin_client_editor.get("/admin/").content


MERGE_CODENAMES = [
    "change_person",
    "delete_person",
    "change_personmention",
    "change_figure",
    "change_event",
    "add_personformerslug",
]


def staff_with(client, codenames):
    user = get_user_model().objects.create_user(f"staff-{len(codenames)}-{codenames[:1]}", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="articles", codename__in=codenames))
    client.force_login(user)
    return client


@pytest.mark.parametrize("missing", MERGE_CODENAMES)
def test_merging_needs_every_permission_it_uses(client, sample, missing):
    """A staff user lacking any one of them is offered no merge, and a forged
    POST of the action changes and deletes nothing."""
    staff = staff_with(client, [c for c in MERGE_CODENAMES if c != missing] + ["view_person"])
    duplicate = Person.objects.create(name="Hugo Chavez Frias", slug="hugo-chavez-frias")
    survivor = sample.people["chavez"]
    listing = staff.get("/admin/articles/person/")
    assert listing.status_code == 200
    assert b'value="merge"' not in listing.content
    selected = {"action": "merge", "_selected_action": [survivor.pk, duplicate.pk], "survivor": survivor.pk}
    staff.post("/admin/articles/person/", selected)
    assert Person.objects.filter(pk=duplicate.pk).exists()
    survivor.refresh_from_db()
    assert "Hugo Chavez Frias" not in survivor.aliases


@pytest.mark.parametrize("only", ["change_person", "delete_person"])
def test_one_of_change_or_delete_alone_cannot_merge(client, sample, only):
    staff = staff_with(client, [only, "view_person"])
    third = Person.objects.create(name="Third Person", slug="third-person")
    selected = {"action": "merge", "_selected_action": [sample.people["castro"].pk, third.pk], "survivor": third.pk}
    staff.post("/admin/articles/person/", selected)
    assert Person.objects.filter(pk=sample.people["castro"].pk).exists()
    third.refresh_from_db()
    assert third.aliases == []


def test_with_every_merge_permission_the_merge_is_offered(client, sample):
    staff = staff_with(client, [*MERGE_CODENAMES, "view_person"])
    assert b'value="merge"' in staff.get("/admin/articles/person/").content


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Marisol Pena", ["Marisol Pena"]),
        ("  Hugo Chavez \r\n\r\nChávez\nHugo Chavez\n", ["Hugo Chavez", "Chávez"]),
        ("", []),
        ("\n \n", []),
    ],
)
def test_aliases_are_typed_one_per_line(typed, stored):
    assert LineListField(required=False).clean(typed) == stored


def test_a_too_long_alias_is_refused_at_the_field():
    field = LineListField(required=False, item_max_length=5)
    with pytest.raises(ValidationError, match="at most 5 characters"):
        field.clean("short\ntoo long")


def person_form(person, aliases):
    return {
        "name": person.name,
        "slug": person.slug,
        "aliases": aliases,
        "description": person.description,
        "former_slugs-TOTAL_FORMS": "0",
        "former_slugs-INITIAL_FORMS": "0",
        "former_slugs-MIN_NUM_FORMS": "0",
        "former_slugs-MAX_NUM_FORMS": "1000",
    }


def test_person_page_shows_aliases_one_per_line_and_saves_the_lines_as_a_list(admin_client_editor, sample):
    person = sample.people["chavez"]
    person.aliases = ["Chavez", "Hugo Chavez"]
    person.save()
    url = f"/admin/articles/person/{person.pk}/change/"
    page = admin_client_editor.get(url).content.decode()
    assert '<textarea name="aliases"' in page
    assert ">\nChavez\nHugo Chavez</textarea>" in page
    response = admin_client_editor.post(url, person_form(person, "Chavez\r\n\r\nChávez Frías\r\n"))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.aliases == ["Chavez", "Chávez Frías"]


def test_evidence_marks_each_kind_and_overlaps_take_the_innermost_colour(admin_client_editor, sample):
    article = sample.articles["granma"]
    EventMention.objects.create(article=article, event=sample.events["landing"], **span(article, "Hugo Chávez landed"))
    html = admin_client_editor.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    legend = html.index('class="evidence-legend"')
    assert legend < html.index('class="evidence-body"')
    for kind in ("author", "quoted", "mentioned", "event", "figure"):
        assert f'<mark class="ev-{kind}"' in html[legend:]
    # "Hugo Chávez" is a mention inside the event's span: the mention's colour, outlined; the rest is the event's.
    assert '<mark class="ev-mentioned ev-overlap" title="person Hugo Chávez (mentioned); event Landing' in html
    assert '<mark class="ev-event" title="event Landing at Machurucuto"> landed</mark>' in html
