"""Generic history tests: a resource's class names its API test class, whose
data it reuses, and inherits every test. Every test goes through HTTP."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

REASON = "X-Change-Reason"


def with_reason(reason):
    return {"HTTP_X_CHANGE_REASON": reason}


def changes_of(entry) -> dict:
    return {change["field"]: (change["old"], change["new"]) for change in entry["changes"]}


@pytest.mark.django_db
class HistoryTests:
    api_tests = None  # the resource's class in tests/test_api_resources.py: its URL, model, key and payloads

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        source = cls.api_tests
        cls.resource, cls.model, cls.key = source.resource, source.model, source.key
        cls.create_payload, cls.update_payload = source.create_payload, source.update_payload
        cls.existing = source.existing

    def detail_url(self, key):
        return f"/api/v1/{self.resource}/{key}/"

    def history_url(self, key):
        return f"{self.detail_url(key)}history/"

    def plain_fields(self, payload) -> dict:
        """The payload's own values, leaving out relations (the API writes them by key, history keeps ids)."""
        fields = {f.name: f for f in self.model._meta.get_fields()}
        return {name: value for name, value in payload.items() if not fields[name].is_relation}

    def test_writes_are_recorded_newest_first_with_user_reason_and_diffs(self, editor_client, api, sample):
        created = editor_client.post(
            f"/api/v1/{self.resource}/", self.create_payload(sample), format="json", **with_reason("From the archive")
        )
        assert created.status_code == 201, created.json()
        before = created.json()
        key = before[self.key if self.key != "pk" else "id"]
        update = self.update_payload(sample)
        changed = editor_client.patch(self.detail_url(key), update, format="json", **with_reason("Checked the source"))
        assert changed.status_code == 200, changed.json()
        after = changed.json()

        response = api.get(self.history_url(key))  # anonymous clients read history too
        assert response.status_code == 200
        body = response.json()
        newest, *between, oldest = body["results"]
        assert body["count"] == len(body["results"]) >= 2
        assert [newest["type"], oldest["type"]] == ["changed", "created"]
        # A creation's many-to-many writes (an event's participants) follow it as changes of their own.
        assert all((e["type"], e["reason"]) == ("changed", "From the archive") for e in between)
        assert newest["date"] >= oldest["date"]
        # Anonymous readers see a stable label, never the username (often an admin login).
        assert re.fullmatch(r"editor-[0-9a-f]{8}", newest["user"])
        assert (newest["user"], newest["reason"]) == (oldest["user"], "Checked the source")
        assert oldest["reason"] == "From the archive"
        assert "editor" not in response.content.decode().replace(newest["user"], "")
        as_editor = editor_client.get(self.history_url(key)).json()["results"]
        assert [e["user"] for e in (as_editor[0], as_editor[-1])] == ["editor", "editor"]

        diffs = changes_of(newest)
        changed_names = [name for name in update if before[name] != after[name]]
        assert changed_names
        assert {name: diffs.get(name) for name in changed_names} == {n: (before[n], after[n]) for n in changed_names}
        assert not (set(update) - set(changed_names)) & set(diffs)  # what stayed the same is not listed
        assert "modified" not in diffs
        assert all(old is None for old, _ in changes_of(oldest).values())
        for name in self.plain_fields(self.create_payload(sample)):
            assert changes_of(oldest)[name][1] == before[name], name

        assert editor_client.delete(self.detail_url(key)).status_code == 204
        assert api.get(self.history_url(key)).status_code == 404

    def test_delete_is_recorded_with_its_reason(self, editor_client, admin_client, sample):
        created = editor_client.post(f"/api/v1/{self.resource}/", self.create_payload(sample), format="json")
        assert created.status_code == 201, created.json()
        pk, key = created.json()["id"], created.json()[self.key if self.key != "pk" else "id"]
        assert editor_client.delete(self.detail_url(key), **with_reason("A duplicate")).status_code == 204
        # The API has no page for a deleted record; the admin keeps its history.
        page = admin_client.get(f"/admin/articles/{self.model._meta.model_name}/{pk}/history/")
        assert page.status_code == 200
        newest = list(page.context["page_obj"])[0]
        assert (newest.history_type, newest.history_change_reason) == ("-", "A duplicate")
        assert newest.history_user.username == "editor"
        assert "A duplicate" in page.content.decode()

    def test_write_without_a_reason_has_none(self, editor_client, api, sample):
        key = getattr(self.existing(sample), self.key)
        assert editor_client.patch(self.detail_url(key), self.update_payload(sample), format="json").status_code == 200
        newest = editor_client.get(self.history_url(key)).json()["results"][0]
        assert (newest["type"], newest["user"], newest["reason"]) == ("changed", "editor", None)

    def test_unknown_key_is_a_json_404(self, api, sample):
        response = api.get(self.history_url(999999))
        assert response.status_code == 404
        assert response.json()["detail"]

    def test_history_is_paginated_and_its_query_count_does_not_grow_with_the_page(self, editor_client, api, sample):
        key = getattr(self.existing(sample), self.key)
        update = self.update_payload(sample)
        original = {name: editor_client.get(self.detail_url(key)).json()[name] for name in update}
        # Changed, changed back, changed again: a write that changes nothing would record nothing.
        for n, payload in enumerate([update, original, update]):
            response = editor_client.patch(self.detail_url(key), payload, format="json", **with_reason(f"Pass {n}"))
            assert response.status_code == 200, response.json()
        counts = {}
        for size in (1, 100):
            with CaptureQueriesContext(connection) as queries:
                response = api.get(self.history_url(key), {"page_size": size})
            assert response.status_code == 200
            body = response.json()
            assert len(body["results"]) == min(size, body["count"])
            counts[size] = len(queries)
        assert counts[1] == counts[100], counts
        first = api.get(self.history_url(key), {"page_size": 1}).json()
        assert first["count"] >= 4  # created with the sample, then three changes
        assert first["results"][0]["reason"] == "Pass 2"
        assert first["next"] is not None
