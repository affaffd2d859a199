"""A list body on the mention, event-mention and figure collections creates
every record or none (NetBox's bulk create), with errors that name each
failing record's index and field. Through HTTP, as a client sends them."""

import pytest

from articles.models import EventMention, Figure, PersonMention

from .factories import span
from .openapi import problems, served_schema

pytestmark = pytest.mark.django_db


def mentions(sample, *names):
    article = sample.articles["copy"]
    return [{"article": article.pk, "person": "hugo-chavez", "role": "mentioned", **span(article, n)} for n in names]


def test_a_list_creates_every_record_in_one_request(editor_client, sample):
    body = mentions(sample, "Hugo Chávez")
    article = sample.articles["copy"]
    body.append({"article": article.pk, "person": "fidel-castro", "role": "quoted", **span(article, "Havana")})
    before = PersonMention.objects.count()
    response = editor_client.post("/api/v1/person-mentions/", body, format="json")
    assert response.status_code == 201, response.json()
    made = response.json()
    assert [row["quote"] for row in made] == ["Hugo Chávez", "Havana"]
    assert PersonMention.objects.count() == before + 2
    for row in made:
        mention = PersonMention.objects.get(pk=row["id"])
        assert mention.article.body[mention.start : mention.end] == mention.quote


def test_one_bad_record_saves_none_and_is_named_by_index_and_field(editor_client, sample):
    body = mentions(sample, "Hugo Chávez", "Havana")
    body[1]["start"] += 1
    body[1]["end"] += 1
    before = PersonMention.objects.count()
    response = editor_client.post("/api/v1/person-mentions/", body, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == ["1"]
    assert "not the quote" in errors["1"]["quote"][0]
    assert PersonMention.objects.count() == before
    schema = served_schema(editor_client)
    documented = schema["paths"]["/api/v1/person-mentions/"]["post"]["responses"]["400"]["content"]
    assert problems(schema, documented["application/json"]["schema"], errors) == []


@pytest.mark.parametrize("body", [[], [{}] * 501])
def test_an_empty_or_oversized_list_is_a_400_naming_the_limit(editor_client, sample, body):
    response = editor_client.post("/api/v1/figures/", body, format="json")
    assert response.status_code == 400
    assert "between 1 and 500 records" in response.json()["non_field_errors"][0]


def test_figures_and_event_mentions_take_lists_too(editor_client, sample):
    article = sample.articles["copy"]
    quote = span(article, "about 35,000 barrels")
    figures = [
        {
            "article": article.pk,
            "label": "Oil",
            "value": 35000,
            "qualifier": "approximately",
            "unit": "barrels per day",
            "metric": "venezuelan-oil-to-cuba",
            **quote,
        },
    ]
    assert editor_client.post("/api/v1/figures/", figures, format="json").status_code == 201
    assert Figure.objects.filter(article=article, quote=quote["quote"]).count() == 1
    events = [{"article": article.pk, "event": "attack-2026", **span(article, "Havana")}]
    assert editor_client.post("/api/v1/event-mentions/", events, format="json").status_code == 201
    assert EventMention.objects.filter(article=article, quote="Havana").exists()


def test_other_collections_still_take_one_record(editor_client, sample):
    response = editor_client.post("/api/v1/people/", [{"name": "A", "slug": "a"}], format="json")
    assert response.status_code == 400


def test_the_schema_says_a_create_takes_one_record_or_a_list(api):
    schema = served_schema(api)
    body = schema["paths"]["/api/v1/figures/"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["oneOf"][1]["type"] == "array" and body["oneOf"][1]["maxItems"] == 500
    assert (
        "oneOf"
        not in schema["paths"]["/api/v1/people/"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    )
