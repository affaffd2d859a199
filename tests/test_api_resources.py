"""Every resource, through the generic API tests plus what is its own."""

import datetime

import pytest

from articles.models import Article, Event, EventMention, Figure, Outlet, Person, PersonMention

from .api_mixins import ResourceTests
from .factories import span


class TestOutlets(ResourceTests):
    resource = "outlets"
    model = Outlet
    key = "slug"
    ordering_fields = ("name", "slug", "kind", "country", "article_count", "id")

    def tell_orders_apart(self, sample):
        body = "A second Granma report."
        Article.objects.create(
            outlet=sample.outlets["granma"], title="Second", body=body, source_document="granma-2.txt", source_text=body
        )

    def create_payload(self, sample):
        return {"name": "Cubadebate", "slug": "cubadebate", "kind": "news_site", "country": "CU"}

    def update_payload(self, sample):
        return {"description": "Cuban news site"}

    def test_article_count_is_annotated(self, api, sample):
        rows = {r["slug"]: r["article_count"] for r in api.get("/api/v1/outlets/").json()["results"]}
        assert rows == {"granma": 1, "telesur": 1}

    def test_a_created_record_answers_with_its_article_count(self, editor_client, sample):
        # The schema requires article_count in the 201 as in any read.
        response = editor_client.post("/api/v1/outlets/", self.create_payload(sample), format="json")
        assert response.status_code == 201
        assert response.json()["article_count"] == 0
        person = editor_client.post("/api/v1/people/", {"name": "New Person", "slug": "new-person"}, format="json")
        assert person.status_code == 201
        assert person.json()["article_count"] == 0

    def test_duplicate_slug_is_a_409_naming_slug(self, editor_client, sample):
        # Well-formed, but taken: a conflict with another record, as from the database.
        response = editor_client.post("/api/v1/outlets/", {"name": "Again", "slug": "granma"}, format="json")
        assert response.status_code == 409
        assert "slug" in response.json()


class TestArticles(ResourceTests):
    resource = "articles"
    model = Article
    ordering_fields = ("published", "title", "word_count", "id")

    def create_payload(self, sample):
        return {
            "title": "New",
            "body": "Fidel Castro spoke.",
            "source_document": "new.txt",
            "source_text": "Fidel Castro spoke.",
            "outlet": "granma",
            "published": "2026-01-20",
            "published_precision": "day",
        }

    def update_payload(self, sample):
        return {"title": "Renamed", "summary": "A new dek"}

    def test_list_shows_brief_relations_and_authors(self, api, sample):
        rows = {r["title"]: r for r in api.get("/api/v1/articles/").json()["results"]}
        granma = rows["Chávez in Havana"]
        assert granma["outlet"] == {
            "id": sample.outlets["granma"].pk,
            "slug": "granma",
            "name": "Granma",
            "url": "http://testserver/api/v1/outlets/granma/",
        }
        assert [a["slug"] for a in granma["authors"]] == ["ana-perez"]
        copy = rows["Chávez in Havana (copy)"]
        assert copy["is_syndicated"] is True
        assert copy["original"]["id"] == sample.articles["granma"].pk
        assert "body" not in granma

    def test_detail_carries_mentions_with_evidence(self, api, sample):
        article = sample.articles["granma"]
        body = api.get(f"/api/v1/articles/{article.pk}/").json()
        assert body["body"] == article.body
        quoted = [m for m in body["person_mentions"] if m["role"] == "quoted"]
        assert quoted[0]["person"]["slug"] == "fidel-castro"
        for record in body["person_mentions"] + body["event_mentions"] + body["figures"]:
            assert body["body"][record["start"] : record["end"]] == record["quote"]
        assert body["syndicated_copies"][0]["id"] == sample.articles["copy"].pk

    def test_new_body_that_breaks_evidence_is_refused(self, editor_client, sample):
        article = sample.articles["granma"]
        response = editor_client.patch(f"/api/v1/articles/{article.pk}/", {"body": "Something else"}, format="json")
        assert response.status_code == 409  # a conflict with the records that quote the old body
        assert "without a place" in response.json()["body"][0]
        article.refresh_from_db()
        assert article.body.startswith("Hugo Chávez")

    def test_unknown_outlet_slug_on_write_is_a_400_naming_the_field(self, editor_client, sample):
        payload = {**self.create_payload(sample), "outlet": "nowhere"}
        response = editor_client.post("/api/v1/articles/", payload, format="json")
        assert response.status_code == 400
        assert "nowhere" in response.json()["outlet"][0]
        # Beside a malformed value, it is all a 400.
        response = editor_client.post("/api/v1/articles/", {**payload, "title": 5}, format="json")
        assert response.status_code == 400
        assert set(response.json()) == {"outlet", "title"}

    @pytest.mark.parametrize(
        ("key", "value"),
        [("title", 0), ("published", 20260101), ("published_time", "10:00:00Z"), ("language", ["en"]), ("outlet", "")],
    )
    def test_a_value_of_another_json_type_is_a_400_naming_it(self, editor_client, sample, key, value):
        # DRF would store 0 as "0"; the schema says string, so the API does too.
        response = editor_client.post("/api/v1/articles/", {**self.create_payload(sample), key: value}, format="json")
        assert response.status_code == 400
        assert list(response.json()) == [key]

    def test_time_without_day_precision_is_refused_by_the_database_rule(self, editor_client, sample):
        payload = {**self.create_payload(sample), "published_precision": "month", "published_time": "10:00"}
        response = editor_client.post("/api/v1/articles/", payload, format="json")
        assert response.status_code in (400, 409)
        assert not Article.objects.filter(source_document="new.txt").exists()


class TestPeople(ResourceTests):
    resource = "people"
    model = Person
    key = "slug"
    ordering_fields = ("name", "slug", "article_count", "id")

    def create_payload(self, sample):
        return {"name": "José Martí", "slug": "jose-marti", "aliases": ["Jose Marti"]}

    def update_payload(self, sample):
        return {"description": "Cuban poet"}

    def test_article_count_counts_articles_not_mentions(self, api, sample):
        rows = {r["slug"]: r["article_count"] for r in api.get("/api/v1/people/").json()["results"]}
        assert rows["hugo-chavez"] == 2
        assert rows["fidel-castro"] == 1

    def test_detail_lists_mentions_and_events(self, api, sample):
        body = api.get("/api/v1/people/hugo-chavez/").json()
        assert {m["quote"] for m in body["mentions"]} == {"Hugo Chávez", "Chavez"}
        assert [e["slug"] for e in body["events"]] == ["havana-1994"]

    def test_aliases_must_be_strings(self, editor_client, sample):
        response = editor_client.post("/api/v1/people/", {"name": "X", "slug": "x", "aliases": [1, {}]}, format="json")
        assert response.status_code == 400
        assert "aliases" in response.json()

    def test_nul_byte_in_a_body_is_a_400(self, editor_client, sample):
        response = editor_client.post("/api/v1/people/", {"name": "A\x00B", "slug": "ab"}, format="json")
        assert response.status_code == 400
        assert "name" in response.json()


class TestEvents(ResourceTests):
    resource = "events"
    model = Event
    key = "slug"
    ordering_fields = ("start", "end", "name", "slug", "id")

    def tell_orders_apart(self, sample):
        landing = sample.events["landing"]
        landing.end = datetime.date(1968, 12, 31)
        landing.save()

    def create_payload(self, sample):
        return {
            "name": "Comprehensive Cooperation Agreement",
            "slug": "cca-2000",
            "kind": "agreement",
            "start": "2000-10-30",
            "precision": "day",
            "participants": ["hugo-chavez", "fidel-castro"],
        }

    def update_payload(self, sample):
        return {"location": "Caracas"}

    def test_participants_must_be_a_list(self, editor_client, sample):
        # DRF would read an object as the list of its keys.
        payload = {**self.create_payload(sample), "participants": {"hugo-chavez": 1}}
        response = editor_client.post("/api/v1/events/", payload, format="json")
        assert response.status_code == 400
        assert list(response.json()) == ["participants"]

    def test_precision_sets_the_covered_period(self, api, sample):
        body = api.get("/api/v1/events/havana-1994/").json()
        assert (body["start"], body["precision"], body["last_day"]) == ("1994-12-01", "month", "1994-12-31")
        assert [p["slug"] for p in body["participants"]] == ["fidel-castro", "hugo-chavez"]

    def test_end_before_start_is_refused(self, editor_client, sample):
        payload = {**self.create_payload(sample), "end": "1999-01-01"}
        response = editor_client.post("/api/v1/events/", payload, format="json")
        assert response.status_code == 400
        assert "end" in response.json()

    def test_start_must_open_its_period(self, editor_client, sample):
        payload = {**self.create_payload(sample), "precision": "month"}
        response = editor_client.post("/api/v1/events/", payload, format="json")
        assert response.status_code == 400
        assert "2000-10-01" in response.json()["start"][0]


class TestFigures(ResourceTests):
    resource = "figures"
    model = Figure
    ordering_fields = ("value", "metric", "unit", "article", "as_of", "id")

    def tell_orders_apart(self, sample):
        Figure.objects.filter(pk=sample.figures["oil"].pk).update(as_of=datetime.date(2026, 1, 16))
        Figure.objects.filter(pk=sample.figures["dead"].pk).update(as_of=datetime.date(2026, 1, 3))

    def create_payload(self, sample):
        article = sample.articles["telesur"]
        return {
            "article": article.pk,
            "value": 32,
            "unit": "people",
            "metric": "cubans-killed",
            "label": "Cubans killed",
            **span(article, "32 Cubans died"),
        }

    def update_payload(self, sample):
        return {"label": "Cubans killed on 3 January"}

    def test_range_figure_shows_both_bounds_and_outlet(self, api, sample):
        body = api.get(f"/api/v1/figures/{sample.figures['share'].pk}/").json()
        assert (body["value"], body["value_max"], body["qualifier"]) == (30, 40, "range")
        assert body["outlet"]["slug"] == "telesur"

    def test_offsets_that_do_not_match_the_body_are_refused(self, editor_client, sample):
        payload = {**self.create_payload(sample)}
        payload["start"] += 1
        payload["end"] += 1
        response = editor_client.post("/api/v1/figures/", payload, format="json")
        assert response.status_code == 400
        assert "quote" in response.json()
        assert not Figure.objects.filter(metric="cubans-killed").exists()

    def test_value_max_below_value_is_refused(self, editor_client, sample):
        payload = {**self.create_payload(sample), "value_max": 3, "qualifier": "range"}
        response = editor_client.post("/api/v1/figures/", payload, format="json")
        assert response.status_code == 400
        assert "value_max" in response.json()

    def test_offsets_past_the_body_are_refused(self, editor_client, sample):
        payload = {**self.create_payload(sample), "start": 10_000, "end": 10_014}
        response = editor_client.post("/api/v1/figures/", payload, format="json")
        assert response.status_code == 400
        assert "end" in response.json()


class TestPersonMentions(ResourceTests):
    resource = "person-mentions"
    model = PersonMention
    ordering_fields = ("article", "start", "id")

    def create_payload(self, sample):
        article = sample.articles["telesur"]
        return {"article": article.pk, "person": "fidel-castro", "role": "mentioned", **span(article, "Cubans")}

    def update_payload(self, sample):
        return {"role": "quoted"}


class TestEventMentions(ResourceTests):
    resource = "event-mentions"
    model = EventMention
    ordering_fields = ("article", "start", "id")

    def create_payload(self, sample):
        article = sample.articles["granma"]
        return {"article": article.pk, "event": "havana-1994", **span(article, "Havana")}

    def update_payload(self, sample):
        article = sample.articles["granma"]
        return span(article, "landed in Havana")
