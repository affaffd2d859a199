"""ETags, preconditions and racing editors: no update is silently lost."""

import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from articles.api import base
from articles.models import Person, PersonMention
from articles.permissions import ensure_editors_group

from .conftest import client_for
from .factories import mention

PERSON = "/api/v1/people/fidel-castro/"


@pytest.mark.django_db
class TestConditionalRequests:
    def test_a_detail_carries_an_etag_and_if_none_match_is_a_304_without_a_body(self, api, sample):
        first = api.get(PERSON)
        etag = first["ETag"]
        assert etag.startswith('"') and etag.endswith('"')
        again = api.get(PERSON, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304
        assert again.content == b""
        assert again["ETag"] == etag
        assert api.get(PERSON, HTTP_IF_NONE_MATCH=f"W/{etag}").status_code == 304
        assert api.get(PERSON, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200

    def test_the_etag_changes_when_anything_shown_changes_including_related_records(self, api, sample):
        before = api.get(PERSON)["ETag"]
        castro, granma = sample.people["castro"], sample.articles["granma"]
        mention(granma, castro, "Fidel Castro told him", role=PersonMention.Role.QUOTED)
        after = api.get(PERSON)
        assert after["ETag"] != before
        assert api.get(PERSON, HTTP_IF_NONE_MATCH=before).status_code == 200

    def test_each_representation_has_its_own_etag(self, api, sample):
        tags = {api.get(PERSON, params)["ETag"] for params in ({}, {"fields": "id,name"}, {"format": "csv"})}
        assert len(tags) == 3

    def test_a_stale_if_match_is_a_412_and_the_record_is_unchanged(self, api, editor_client, sample):
        stale = api.get(PERSON)["ETag"]
        assert editor_client.patch(PERSON, {"description": "first"}, format="json").status_code == 200
        response = editor_client.patch(PERSON, {"description": "second"}, format="json", HTTP_IF_MATCH=stale)
        assert response.status_code == 412
        assert "If-Match" in response.json()["detail"]
        assert Person.objects.get(slug="fidel-castro").description == "first"
        assert editor_client.delete(PERSON, HTTP_IF_MATCH=stale).status_code == 412
        assert Person.objects.filter(slug="fidel-castro").exists()

    @pytest.mark.parametrize("body", ["\x00", '{"description": 7}', '{"nickname": "x"}'])
    def test_an_invalid_body_is_a_400_before_the_precondition(self, api, editor_client, sample, body):
        # A stale ETag and a body that could never be written: the body's error comes first, as a 400
        # naming what is wrong (a 412 would send the client to re-read, only to be refused again).
        stale = '"stale"'
        response = editor_client.patch(PERSON, body, content_type="application/json", HTTP_IF_MATCH=stale)
        assert response.status_code == 400
        assert response.json()
        assert editor_client.put(PERSON, body, content_type="application/json", HTTP_IF_MATCH=stale).status_code == 400

    def test_options_on_a_detail_describes_the_writes_without_locking_anything(self, editor_client, sample):
        # DRF's metadata asks for the object as if for a PUT; the row lock belongs to real writes only
        # (PostgreSQL refused a lock outside a transaction: a 500).
        response = editor_client.options(PERSON)
        assert response.status_code == 200
        assert "PUT" in response.json()["actions"]

    def test_a_current_if_match_writes_and_returns_the_new_etag(self, api, editor_client, sample):
        current = api.get(PERSON)["ETag"]
        response = editor_client.patch(PERSON, {"description": "checked"}, format="json", HTTP_IF_MATCH=current)
        assert response.status_code == 200
        assert response["ETag"] != current
        assert response["ETag"] == api.get(PERSON)["ETag"]
        assert editor_client.delete(PERSON, HTTP_IF_MATCH=response["ETag"]).status_code == 204


def _editor(name):
    user = get_user_model().objects.create_user(name, password="not-used-here")
    user.groups.add(ensure_editors_group())
    return client_for(user)


def _race(monkeypatch, *requests):
    """Run the requests at once; each write holds its transaction open for a
    moment after reading the record, so without row locks they would both
    read the same old version."""
    perform_update = base.CorpusViewSet.perform_update

    def slow_update(self, serializer):
        time.sleep(0.3)
        perform_update(self, serializer)

    monkeypatch.setattr(base.CorpusViewSet, "perform_update", slow_update)
    start = threading.Barrier(len(requests))
    results = [None] * len(requests)

    def run(index, request):
        try:
            start.wait()
            results[index] = request()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
class TestRacingEditors:
    @pytest.fixture(autouse=True)
    def _needs_row_locks(self):
        if not connection.features.has_select_for_update:
            pytest.skip("SQLite serialises writers with IMMEDIATE transactions; row locks are PostgreSQL's")

    def test_two_editors_changing_different_fields_both_land(self, sample, monkeypatch):
        alice, bob = _editor("alice"), _editor("bob")
        results = _race(
            monkeypatch,
            lambda: alice.patch(PERSON, {"description": "from alice"}, format="json"),
            lambda: bob.patch(PERSON, {"aliases": ["from bob"]}, format="json"),
        )
        assert [r.status_code for r in results] == [200, 200]
        person = Person.objects.get(slug="fidel-castro")
        assert (person.description, person.aliases) == ("from alice", ["from bob"])

    def test_two_editors_with_the_same_etag_one_wins_and_the_other_is_told(self, api, sample, monkeypatch):
        etag = api.get(PERSON)["ETag"]
        alice, bob = _editor("alice"), _editor("bob")
        results = _race(
            monkeypatch,
            lambda: alice.patch(PERSON, {"description": "from alice"}, format="json", HTTP_IF_MATCH=etag),
            lambda: bob.patch(PERSON, {"description": "from bob"}, format="json", HTTP_IF_MATCH=etag),
        )
        assert sorted(r.status_code for r in results) == [200, 412]
        winner = next(r for r in results if r.status_code == 200)
        assert Person.objects.get(slug="fidel-castro").description == winner.json()["description"]
