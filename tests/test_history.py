"""Change history through the API and the admin: every resource through the
generic history tests, with the payloads of its API tests, plus what is its own."""

import re

import pytest
from django.contrib.auth import get_user_model

from articles.models import Person, PersonMention
from articles.permissions import ensure_editors_group

from . import test_api_resources as resources
from .factories import span
from .history_mixins import HistoryTests, changes_of, with_reason


class TestOutletHistory(HistoryTests):
    api_tests = resources.TestOutlets


class TestArticleHistory(HistoryTests):
    api_tests = resources.TestArticles


class TestPersonHistory(HistoryTests):
    api_tests = resources.TestPeople


class TestEventHistory(HistoryTests):
    api_tests = resources.TestEvents

    def test_participants_are_part_of_the_history(self, editor_client, api, sample):
        chavez, castro, rodriguez = (sample.people[name] for name in ("chavez", "castro", "rodriguez"))
        response = editor_client.patch(
            "/api/v1/events/havana-1994/",
            {"participants": ["hugo-chavez", "delcy-rodriguez"]},
            format="json",
            **with_reason("Castro was not there"),
        )
        assert response.status_code == 200
        entries = api.get("/api/v1/events/havana-1994/history/").json()["results"]
        changed = [e for e in entries if "participants" in changes_of(e)]
        assert changed[0]["reason"] == "Castro was not there"
        old, new = changes_of(changed[0])["participants"]
        assert (sorted(old), sorted(new)) == (sorted([chavez.pk, castro.pk]), sorted([chavez.pk, rodriguez.pk]))


class TestFigureHistory(HistoryTests):
    api_tests = resources.TestFigures


class TestPersonMentionHistory(HistoryTests):
    api_tests = resources.TestPersonMentions


class TestEventMentionHistory(HistoryTests):
    api_tests = resources.TestEventMentions


pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("Corrected Chávez".encode().decode("latin-1"), "Corrected Chávez"),  # UTF-8, as WSGI hands it over
        ("  tab\tand NUL\x00 dropped ", "taband NUL dropped"),
        ("x" * 2000, "x" * 2000),
        ("   ", None),
    ],
)
def test_the_reason_is_kept_as_written(editor_client, api, sample, sent, kept):
    response = editor_client.patch("/api/v1/people/fidel-castro/", {"description": "Cuban leader"}, **with_reason(sent))
    assert response.status_code == 200
    assert api.get("/api/v1/people/fidel-castro/history/").json()["results"][0]["reason"] == kept


def test_history_takes_no_export_format(api, sample):
    response = api.get("/api/v1/people/fidel-castro/history/", {"format": "csv"})
    assert response.status_code == 400
    assert "format" in response.json()


@pytest.fixture
def curator(client, db):
    user = get_user_model().objects.create_user("curator", password="curate-me-now", is_staff=True)
    user.groups.add(ensure_editors_group())
    client.force_login(user)
    return client


@pytest.fixture
def merged(curator, sample):
    """Hugo Chavez Frias, mentioned once and at one event, merged in the admin into Hugo Chávez."""
    copy = sample.articles["copy"]
    duplicate = Person.objects.create(name="Hugo Chavez Frias", slug="hugo-chavez-frias")
    mention = PersonMention.objects.create(article=copy, person=duplicate, **span(copy, "Hugo Chávez"))
    sample.events["attack"].participants.add(duplicate)
    survivor = sample.people["chavez"]
    selected = {"action": "merge", "_selected_action": [survivor.pk, duplicate.pk], "survivor": survivor.pk}
    assert curator.post("/admin/articles/person/", selected).status_code == 302
    return survivor, duplicate, mention


MERGE_REASON = "Merged hugo-chavez-frias (Hugo Chavez Frias) into hugo-chavez"


def test_merge_is_in_the_survivors_history_under_the_old_slug_too(curator, merged):
    survivor, duplicate, _ = merged
    response = curator.get("/api/v1/people/hugo-chavez-frias/history/")
    assert response.status_code == 200
    newest = response.json()["results"][0]
    assert (newest["type"], newest["user"], newest["reason"]) == ("changed", "curator", MERGE_REASON)
    old_aliases, new_aliases = changes_of(newest)["aliases"]
    assert "Hugo Chavez Frias" in new_aliases and "Hugo Chavez Frias" not in old_aliases
    assert curator.get("/api/v1/people/hugo-chavez/history/").json() == response.json()


def test_merge_is_in_the_history_of_what_it_moved(api, curator, merged, sample):
    survivor, duplicate, mention = merged
    moved = curator.get(f"/api/v1/person-mentions/{mention.pk}/history/").json()["results"][0]
    assert (moved["user"], moved["reason"]) == ("curator", MERGE_REASON)
    assert changes_of(moved)["person"] == (duplicate.pk, survivor.pk)
    event = api.get("/api/v1/events/attack-2026/history/").json()["results"][0]
    assert event["reason"] == MERGE_REASON
    old, new = changes_of(event)["participants"]
    rodriguez = sample.people["rodriguez"].pk
    assert (sorted(old), sorted(new)) == (sorted([rodriguez, duplicate.pk]), sorted([rodriguez, survivor.pk]))


def test_merged_duplicate_is_deleted_with_the_merge_as_its_reason(curator, merged):
    _, duplicate, _ = merged
    page = curator.get(f"/admin/articles/person/{duplicate.pk}/history/")
    assert page.status_code == 200
    newest = list(page.context["page_obj"])[0]
    assert (newest.history_type, newest.history_change_reason, newest.history_user.username) == (
        "-",
        MERGE_REASON,
        "curator",
    )


def test_admin_history_page_shows_who_changed_what_and_why(curator, editor_client, sample):
    person = sample.people["castro"]
    editor_client.patch("/api/v1/people/fidel-castro/", {"description": "Cuban leader"}, **with_reason("Per Granma"))
    page = curator.get(f"/admin/articles/person/{person.pk}/history/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Per Granma" in html
    assert "editor" in html
    assert "Cuban leader" in html  # the change's new value


def test_a_loaded_records_first_change_is_compared_with_what_was_loaded(corpus, editor_client, api):
    before = api.get("/api/v1/people/hugo-chavez/").json()["description"]
    response = editor_client.patch(
        "/api/v1/people/hugo-chavez/", {"description": "President of Venezuela"}, **with_reason("Shorter")
    )
    assert response.status_code == 200
    newest, loaded = api.get("/api/v1/people/hugo-chavez/history/").json()["results"]
    assert changes_of(newest) == {"description": (before, "President of Venezuela")}
    assert (loaded["type"], loaded["reason"]) == ("created", "Loaded from a fixture")


@pytest.mark.django_db
def test_history_pages_by_cursor_too(api, corpus):
    by_number = api.get("/api/v1/people/fidel-castro/history/").json()["results"]
    response = api.get("/api/v1/people/fidel-castro/history/", {"cursor": ""})
    assert response.status_code == 200
    assert [entry["id"] for entry in response.json()["results"]] == [entry["id"] for entry in by_number]


def test_history_names_editors_by_username_only_to_staff_and_editors(api, reader_client, editor_client, sample):
    key = "fidel-castro"
    assert editor_client.patch(f"/api/v1/people/{key}/", {"description": "Checked."}, format="json").status_code == 200
    seen = {
        who: client.get(f"/api/v1/people/{key}/history/").json()["results"][0]["user"]
        for who, client in {"anonymous": api, "reader": reader_client, "editor": editor_client}.items()
    }
    assert seen["editor"] == "editor"
    assert seen["anonymous"] == seen["reader"] != "editor"
    assert re.fullmatch(r"editor-[0-9a-f]{8}", seen["anonymous"])
    # Stable: the same editor has the same label on every record and every read.
    assert editor_client.patch("/api/v1/people/hugo-chavez/", {"description": "Too."}, format="json").status_code == 200
    assert api.get("/api/v1/people/hugo-chavez/history/").json()["results"][0]["user"] == seen["anonymous"]
    # A crawl of the history finds no username.
    for person in ("fidel-castro", "hugo-chavez"):
        assert '"editor"' not in api.get(f"/api/v1/people/{person}/history/").content.decode()


@pytest.mark.parametrize("payload", [{}, {"name": "Fidel Castro"}, {"aliases": None}])
def test_a_write_that_changes_nothing_records_no_history(editor_client, sample, payload):
    person = Person.objects.get(slug="fidel-castro")
    payload = {key: (person.aliases if value is None else value) for key, value in payload.items()}
    before = (person.history.count(), person.modified)
    response = editor_client.patch("/api/v1/people/fidel-castro/", payload, format="json")
    assert response.status_code == 200
    person.refresh_from_db()
    assert (person.history.count(), person.modified) == before


def test_a_write_that_changes_only_a_relation_is_recorded(editor_client, sample):
    event = sample.events["attack"]
    before = event.history.count()
    response = editor_client.patch(f"/api/v1/events/{event.slug}/", {"participants": []}, format="json")
    assert response.status_code == 200
    assert event.history.count() == before + 1
    # Sent again, the same list changes nothing.
    assert editor_client.patch(f"/api/v1/events/{event.slug}/", {"participants": []}, format="json").status_code == 200
    assert event.history.count() == before + 1
