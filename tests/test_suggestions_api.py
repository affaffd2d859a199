"""Suggestions through the API: run, list, accept, reject and undo, all or none, with the permissions
each needs. On a page written for these tests (tests/import_pages), not a seed document."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from articles.models import Figure, Person, PersonMention
from curation.models import Suggestion

from .conftest import client_for
from .factories import assert_spans_hold, gulf_article

pytestmark = pytest.mark.django_db
ACCEPT, REJECT, UNDO = "/api/v1/suggestions/accept/", "/api/v1/suggestions/reject/", "/api/v1/suggestions/undo/"


@pytest.fixture
def article(corpus):
    made = gulf_article()
    return made


def run(client, article):
    return client.post(f"/api/v1/articles/{article.pk}/suggestions/")


def pending(article, **target):
    chosen = Suggestion.objects.filter(article=article, state="pending").order_by("pk")
    return [s for s in chosen if all(s.target.get(k) == v for k, v in target.items())]


def known_people(article):
    """Pending suggestions of mentions of people already in the corpus (mentioned or quoted)."""
    return [s for s in pending(article) if s.kind == "person_mention" and s.target["person"]]


def test_running_the_suggesters_stores_them_once(editor_client, article):
    first = run(editor_client, article)
    assert first.status_code == 201, first.json()
    kinds = {s["kind"] for s in first.json()["results"]}
    assert {"person_mention", "figure"} <= kinds
    for s in first.json()["results"]:
        assert getattr(article, s["field"])[s["start"] : s["end"]] == s["quote"]
    assert run(editor_client, article).json()["results"] == []  # nothing new the second time
    listed = editor_client.get(f"/api/v1/articles/{article.pk}/suggestions/")
    assert [s["id"] for s in listed.json()["results"]] == sorted(
        [s["id"] for s in first.json()["results"]], key=lambda i: (Suggestion.objects.get(pk=i).field,
                                                                   Suggestion.objects.get(pk=i).start, i)
    )  # fmt: skip


def test_accepting_several_creates_their_records_with_evidence(editor_client, article):
    run(editor_client, article)
    chosen = [*known_people(article), *Suggestion.objects.filter(article=article, kind="figure")]
    answer = editor_client.post(ACCEPT, {"ids": [s.pk for s in chosen]}, format="json")
    assert answer.status_code == 200, answer.json()
    assert {s["state"] for s in answer.json()["results"]} == {"accepted"}
    assert all(s["record_id"] for s in answer.json()["results"])
    assert PersonMention.objects.filter(article=article).count() == len(
        [s for s in chosen if s.kind == "person_mention"]
    )
    assert Figure.objects.filter(article=article).count() == len([s for s in chosen if s.kind == "figure"]) > 0
    assert_spans_hold()


def test_a_decision_is_all_or_none_and_names_the_suggestion_at_fault(editor_client, article):
    run(editor_client, article)
    first, second = known_people(article)[:2]
    editor_client.post(ACCEPT, {"ids": [first.pk]}, format="json")
    before = PersonMention.objects.count()
    answer = editor_client.post(ACCEPT, {"ids": [second.pk, first.pk]}, format="json")
    assert answer.status_code == 400
    assert f"Suggestion {first.pk}: It is accepted" in " ".join(answer.json()["ids"])
    assert PersonMention.objects.count() == before
    assert Suggestion.objects.get(pk=second.pk).state == "pending"


@pytest.mark.parametrize(
    ("body", "key", "words"),
    [
        ({"ids": [999999]}, "ids", "No suggestion with id 999999"),
        ({"ids": []}, "ids", ""),
        ({"ids": ["x"]}, "ids", "integer"),
        ({"ids": [1], "also": True}, "also", ""),
    ],
)
def test_bad_decisions_are_a_400_naming_the_field(editor_client, article, body, key, words):
    answer = editor_client.post(ACCEPT, body, format="json")
    assert answer.status_code == 400
    assert key in answer.json() and words in str(answer.json()[key])


def test_a_rejection_is_remembered_when_the_suggesters_run_again(editor_client, article):
    run(editor_client, article)
    rejected = known_people(article)[0]
    assert editor_client.post(REJECT, {"ids": [rejected.pk]}, format="json").status_code == 200
    again = run(editor_client, article)
    assert rejected.key not in {Suggestion.objects.get(pk=s["id"]).key for s in again.json()["results"]}
    assert Suggestion.objects.filter(article=article, key=rejected.key).count() == 1


def test_undo_deletes_the_accepted_record_and_returns_both_kinds_to_pending(editor_client, article):
    run(editor_client, article)
    accepted, rejected = known_people(article)[:2]
    editor_client.post(ACCEPT, {"ids": [accepted.pk]}, format="json")
    editor_client.post(REJECT, {"ids": [rejected.pk]}, format="json")
    record_id = Suggestion.objects.get(pk=accepted.pk).record_id
    answer = editor_client.post(UNDO, {"ids": [accepted.pk, rejected.pk]}, format="json")
    assert answer.status_code == 200, answer.json()
    assert {s["state"] for s in answer.json()["results"]} == {"pending"}
    assert not PersonMention.objects.filter(pk=record_id).exists()


def test_a_new_person_is_added_only_when_asked(editor_client, article):
    run(editor_client, article)
    author = pending(article, role="author", person=None)[0]
    refused = editor_client.post(ACCEPT, {"ids": [author.pk]}, format="json")
    assert refused.status_code == 400 and "not in the corpus yet" in str(refused.json())
    made = editor_client.post(ACCEPT, {"ids": [author.pk], "create_people": True}, format="json")
    assert made.status_code == 200, made.json()
    person = Person.objects.get(name=author.target["name"])
    mention = PersonMention.objects.get(article=article, person=person, role="author")
    assert (mention.field, article.byline[mention.start : mention.end]) == ("byline", author.quote)


def test_accepting_after_the_body_moved_finds_the_quote_again(editor_client, article):
    run(editor_client, article)
    suggestion = known_people(article)[-1]
    article.body = "An editor's note at the top.\n\n" + article.body
    article.save()
    answer = editor_client.post(ACCEPT, {"ids": [suggestion.pk]}, format="json")
    assert answer.status_code == 200, answer.json()
    mention = PersonMention.objects.get(pk=answer.json()["results"][0]["record_id"])
    assert mention.start == suggestion.start + len("An editor's note at the top.\n\n")
    assert_spans_hold()


def user_with(*codenames):
    user = get_user_model().objects.create_user(f"partial-{'-'.join(codenames)}", password="x")
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return client_for(user)


def test_suggestions_are_for_editors(api, reader_client, article):
    Suggestion.objects.all().delete()
    assert api.get("/api/v1/suggestions/").status_code == 401
    assert reader_client.get("/api/v1/suggestions/").status_code == 403
    assert reader_client.get(f"/api/v1/articles/{article.pk}/suggestions/").status_code == 403
    assert reader_client.post(f"/api/v1/articles/{article.pk}/suggestions/").status_code == 403


def test_partial_permissions_mean_what_they_say(editor_client, article):
    run(editor_client, article)
    mention = known_people(article)[0]
    viewer = user_with("view_suggestion")
    assert viewer.get("/api/v1/suggestions/").status_code == 200
    assert viewer.post(ACCEPT, {"ids": [mention.pk]}, format="json").status_code == 403
    assert viewer.post(f"/api/v1/articles/{article.pk}/suggestions/").status_code == 403
    # May decide suggestions, but not add person mentions: accepting one is refused, rejecting is not.
    decider = user_with("view_suggestion", "change_suggestion")
    assert decider.post(ACCEPT, {"ids": [mention.pk]}, format="json").status_code == 403
    assert Suggestion.objects.get(pk=mention.pk).state == "pending"
    assert decider.post(REJECT, {"ids": [mention.pk]}, format="json").status_code == 200


@pytest.mark.parametrize("value", ["-7.611869992602361e+306", "1.5", "abc"])
def test_an_article_id_that_is_no_whole_number_is_a_400_naming_article(editor_client, value):
    # Found by the fuzzer: a number past SQLite's integers was a 500.
    response = editor_client.get("/api/v1/suggestions/", {"article": value})
    assert response.status_code == 400
    assert list(response.json()) == ["article"]


def test_an_article_id_past_every_integer_names_no_article(editor_client):
    # As on every other list: an id that names no record matches nothing.
    response = editor_client.get("/api/v1/suggestions/", {"article": "165782101751812620288"})
    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.parametrize("parameter", ["state", "kind"])
def test_an_empty_state_or_kind_is_a_400_not_ignored(editor_client, parameter):
    # Found by the fuzzer: `state=` was read as no filter at all.
    response = editor_client.get("/api/v1/suggestions/", {parameter: ""})
    assert response.status_code == 400
    assert list(response.json()) == [parameter]
