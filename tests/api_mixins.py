"""Generic API tests, NetBox-style: a resource's test class declares its data
and inherits every behaviour test. Every test goes through HTTP."""

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from articles.api.urls import router

MAX_LIST_QUERIES = 6


@pytest.mark.django_db
class ResourceTests:
    resource = ""  # the URL segment, e.g. "articles"
    model = None
    key = "pk"  # the detail key's attribute: "pk" or "slug"
    ordering_fields: tuple = ()

    def create_payload(self, sample) -> dict:
        raise NotImplementedError

    def update_payload(self, sample) -> dict:
        raise NotImplementedError

    def existing(self, sample):
        """A record the tests may read, change and delete."""
        return self.model.objects.order_by("pk").first()

    # Helpers

    def list_url(self):
        return f"/api/v1/{self.resource}/"

    def detail_url(self, obj):
        return f"/api/v1/{self.resource}/{getattr(obj, self.key)}/"

    # Reading

    def test_list_is_paginated_and_counts_every_record(self, api, sample):
        response = api.get(self.list_url())
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/json")
        body = response.json()
        assert set(body) == {"count", "count_is_exact", "next", "previous", "results"}
        assert body["count"] == self.model.objects.count()
        assert {r["id"] for r in body["results"]} == set(self.model.objects.values_list("pk", flat=True)[:20])

    def test_detail_answers_by_its_key(self, api, sample):
        obj = self.existing(sample)
        response = api.get(self.detail_url(obj))
        assert response.status_code == 200
        assert response.json()["id"] == obj.pk
        assert response.json()["url"].endswith(self.detail_url(obj))

    def test_unknown_key_is_a_json_404(self, api, sample):
        response = api.get(f"/api/v1/{self.resource}/999999/")
        assert response.status_code == 404
        assert response.json()["detail"]

    def test_fields_keeps_only_the_named_keys(self, api, sample):
        response = api.get(self.list_url(), {"fields": "id,url"})
        assert response.status_code == 200
        assert all(set(r) == {"id", "url"} for r in response.json()["results"])
        detail = api.get(self.detail_url(self.existing(sample)), {"fields": "id"})
        assert detail.json() == {"id": self.existing(sample).pk}

    def test_omit_drops_the_named_keys(self, api, sample):
        full = api.get(self.list_url()).json()["results"][0]
        response = api.get(self.list_url(), {"omit": "url"})
        assert set(response.json()["results"][0]) == set(full) - {"url"}

    def test_unknown_field_name_is_a_400_naming_the_parameter(self, api, sample):
        for parameter in ("fields", "omit"):
            response = api.get(self.list_url(), {parameter: "id,no_such_field"})
            assert response.status_code == 400
            assert "no_such_field" in response.json()[parameter][0]

    def test_every_ordering_field_sorts_and_reverses(self, api, sample):
        """The exact order, both ways: NULLs last either way and ties by id,
        as the database sorts (its collation, not Python's, orders text)."""
        self.tell_orders_apart(sample)
        queryset = self.ordered_queryset()
        for name in self.ordering_fields:
            expected = {
                direction: list(
                    queryset.order_by(getattr(F(name), how)(nulls_last=True), "pk").values_list("pk", flat=True)
                )
                for direction, how in (("", "asc"), ("-", "desc"))
            }
            assert expected[""] != expected["-"], f"the sample cannot tell {name}'s two orders apart"
            for direction, ids in expected.items():
                response = api.get(
                    self.list_url(), {"ordering": f"{direction}{name}", "fields": "id", "page_size": 100}
                )
                assert response.status_code == 200, name
                assert [r["id"] for r in response.json()["results"]] == ids, f"ordering={direction}{name}"

    def tell_orders_apart(self, sample):
        """More data where the sample's values for an ordering field are all alike."""

    def ordered_queryset(self):
        """The list's records with what its ordering fields sort by (counts are annotations)."""
        viewset = next(v for prefix, v, _ in router.registry if prefix == self.resource)
        return viewset.queryset.all()

    def test_unknown_ordering_is_a_400(self, api, sample):
        response = api.get(self.list_url(), {"ordering": "no_such_field"})
        assert response.status_code == 400
        assert "ordering" in response.json()

    def test_page_past_the_end_is_a_404_and_bad_page_size_a_400(self, api, sample):
        assert api.get(self.list_url(), {"page": 500}).status_code == 404  # short of the page depth
        response = api.get(self.list_url(), {"page_size": "lots"})
        assert response.status_code == 400
        assert list(response.json()) == ["page_size"]

    def test_nul_byte_in_a_parameter_is_a_400(self, api, sample):
        response = api.get(self.list_url(), {"search": "ch\x00avez"})
        assert response.status_code == 400
        assert "search" in response.json()

    def test_query_count_is_the_same_at_page_size_1_20_and_100(self, api, volume):
        counts = {}
        for size in (1, 20, 100):
            with CaptureQueriesContext(connection) as queries:
                response = api.get(self.list_url(), {"page_size": size})
            assert response.status_code == 200
            assert len(response.json()["results"]) == min(size, self.model.objects.count())
            counts[size] = len(queries)
        assert counts[1] == counts[20] == counts[100], counts
        assert counts[100] <= MAX_LIST_QUERIES

    # Writing

    def test_anonymous_client_cannot_write(self, api, sample):
        obj = self.existing(sample)
        before = self.model.objects.count()
        assert api.post(self.list_url(), self.create_payload(sample), format="json").status_code == 401
        assert api.patch(self.detail_url(obj), self.update_payload(sample), format="json").status_code == 401
        assert api.delete(self.detail_url(obj)).status_code == 401
        assert self.model.objects.count() == before

    def test_signed_in_non_editor_cannot_write(self, reader_client, sample):
        obj = self.existing(sample)
        assert reader_client.get(self.detail_url(obj)).status_code == 200
        assert reader_client.post(self.list_url(), self.create_payload(sample), format="json").status_code == 403
        assert reader_client.patch(self.detail_url(obj), self.update_payload(sample), format="json").status_code == 403
        assert reader_client.delete(self.detail_url(obj)).status_code == 403

    def test_editor_creates_updates_and_deletes(self, editor_client, sample):
        created = editor_client.post(self.list_url(), self.create_payload(sample), format="json")
        assert created.status_code == 201, created.json()
        obj = self.model.objects.get(pk=created.json()["id"])
        update = self.update_payload(sample)
        changed = editor_client.patch(self.detail_url(obj), update, format="json")
        assert changed.status_code == 200, changed.json()
        for name, value in update.items():
            if not isinstance(value, (dict, list)):
                assert changed.json()[name] == value
        assert editor_client.delete(self.detail_url(obj)).status_code == 204
        assert not self.model.objects.filter(pk=obj.pk).exists()

    def test_staff_may_write(self, staff_client, sample):
        created = staff_client.post(self.list_url(), self.create_payload(sample), format="json")
        assert created.status_code == 201, created.json()

    def test_malformed_json_is_a_400(self, editor_client, sample):
        response = editor_client.generic("POST", self.list_url(), "{not json", content_type="application/json")
        assert response.status_code == 400
        assert "JSON parse error" in response.json()["detail"]

    def test_wrong_types_are_400s_naming_the_field(self, editor_client, sample):
        payload = {**self.create_payload(sample)}
        name = next(k for k, v in payload.items() if isinstance(v, str))
        payload[name] = {"not": "a string"}
        response = editor_client.post(self.list_url(), payload, format="json")
        assert response.status_code == 400
        assert name in response.json()
