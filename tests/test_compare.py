"""/api/v1/figures/compare/: figures for a metric side by side, and the metrics
with their spread, so a client finds where the sources disagree."""

import csv
import io

import pytest

from articles.models import Figure, Outlet

from .factories import span
from .openapi import problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def disagreeing(sample):
    """teleSUR quotes the oil shipments too, but a different number."""
    telesur = sample.articles["telesur"]
    telesur.body += " Caracas shipped 53,000 barrels of oil per day."
    telesur.save()
    Figure.objects.create(
        article=telesur,
        value=53000,
        unit="barrels per day",
        metric="venezuelan-oil-to-cuba",
        label="Venezuelan oil to Cuba",
        **span(telesur, "53,000 barrels of oil per day"),
    )
    return sample


def test_without_a_metric_every_metric_and_unit_with_its_spread(api, disagreeing):
    body = api.get("/api/v1/figures/compare/").json()
    assert body["count"] == 3
    first = body["results"][0]
    assert first == {
        "url": "http://testserver/api/v1/figures/compare/?metric=venezuelan-oil-to-cuba&unit=barrels+per+day",
        "metric": "venezuelan-oil-to-cuba",
        "unit": "barrels per day",
        "figure_count": 2,
        "outlet_count": 2,
        "article_count": 2,
        "min_value": 35000,
        "max_value": 53000,
        "spread": 18000,
    }
    share = next(row for row in body["results"] if row["metric"] == "venezuelan-oil-share")
    assert (share["min_value"], share["max_value"], share["spread"]) == (30, 40, 10)  # a range counts by its bounds


def test_with_a_metric_its_figures_side_by_side(api, disagreeing):
    body = api.get("/api/v1/figures/compare/", {"metric": "venezuelan-oil-to-cuba"}).json()
    assert [m["spread"] for m in body["metrics"]] == [18000]
    rows = body["results"]
    assert [(r["value"], r["outlet"]["slug"], r["qualifier"]) for r in rows] == [
        (35000, "granma", "approximately"),
        (53000, "telesur", "exact"),
    ]
    assert rows[0]["quote"] == "about 35,000 barrels of oil per day"
    assert rows[1]["article"]["title"] == "After the attack"
    assert {"value", "value_max", "qualifier", "unit", "article", "outlet", "quote"} <= set(rows[0])


def test_figure_filters_apply_to_both(api, disagreeing):
    body = api.get("/api/v1/figures/compare/", {"outlet": "telesur"}).json()
    assert {(r["metric"], r["outlet_count"]) for r in body["results"]} == {
        ("venezuelan-oil-to-cuba", 1),
        ("venezuelan-oil-share", 1),
        ("cubans-killed-3-january", 1),
    }
    body = api.get("/api/v1/figures/compare/", {"metric": "venezuelan-oil-to-cuba", "outlet": "granma"}).json()
    assert [r["value"] for r in body["results"]] == [35000]
    assert body["metrics"][0]["spread"] == 0


def test_units_are_never_mixed(api, disagreeing):
    granma = disagreeing.articles["granma"]
    Figure.objects.create(
        article=granma,
        value=12,
        unit="million barrels per year",
        metric="venezuelan-oil-to-cuba",
        label="Oil a year",
        **span(granma, "35,000"),
    )
    body = api.get("/api/v1/figures/compare/", {"metric": "venezuelan-oil-to-cuba"}).json()
    assert {(m["unit"], m["figure_count"]) for m in body["metrics"]} == {
        ("barrels per day", 2),
        ("million barrels per year", 1),
    }


def test_several_metrics_and_shaping(api, disagreeing):
    body = api.get(
        "/api/v1/figures/compare/",
        {"metric": ["venezuelan-oil-share", "venezuelan-oil-to-cuba"], "fields": "value,metric"},
    ).json()
    assert body["results"] == [
        {"value": 30, "metric": "venezuelan-oil-share"},
        {"value": 35000, "metric": "venezuelan-oil-to-cuba"},
        {"value": 53000, "metric": "venezuelan-oil-to-cuba"},
    ]
    assert len(body["metrics"]) == 2
    summary = api.get("/api/v1/figures/compare/", {"fields": "metric,spread"}).json()["results"][0]
    assert summary == {"metric": "venezuelan-oil-to-cuba", "spread": 18000}


def test_a_metric_no_figure_has_compares_nothing(api, sample):
    # Which metrics exist is not something the schema can promise, so a
    # well-formed name is not an error: it matches nothing, like any filter.
    body = api.get("/api/v1/figures/compare/", {"metric": ["no-such-metric"]}).json()
    assert (body["count"], body["results"], body["metrics"]) == (0, [], [])
    both = api.get("/api/v1/figures/compare/", {"metric": ["venezuelan-oil-share", "no-such-metric"]}).json()
    assert [m["metric"] for m in both["metrics"]] == ["venezuelan-oil-share"]


def test_a_metric_quoted_by_no_outlet_of_the_filter_is_empty_not_an_error(api, sample):
    Outlet.objects.create(name="Silent", slug="silent")
    body = api.get("/api/v1/figures/compare/", {"metric": "venezuelan-oil-share", "outlet": "silent"}).json()
    assert (body["count"], body["results"], body["metrics"]) == (0, [], [])


def test_compare_exports_csv(api, disagreeing):
    params = {"metric": "venezuelan-oil-to-cuba", "format": "csv", "fields": "value,outlet,quote"}
    response = api.get("/api/v1/figures/compare/", params)
    assert response["Content-Disposition"] == 'attachment; filename="figures-compare.csv"'
    text = b"".join(response.streaming_content).decode()
    assert list(csv.reader(io.StringIO(text))) == [
        ["outlet", "value", "quote"],
        ["Granma", "35000", "about 35,000 barrels of oil per day"],
        ["teleSUR English", "53000", "53,000 barrels of oil per day"],
    ]


def test_the_schema_documents_the_errors_of_compare(api):
    # compare lists its own responses, so they must name its errors too (a bad filter is a 400).
    schema = api.get("/api/schema/", {"format": "json"}).json()
    responses = schema["paths"]["/api/v1/figures/compare/"]["get"]["responses"]
    assert {"200", "400"} <= set(responses)
    assert api.get("/api/v1/figures/compare/", {"value_min": "abc"}).status_code == 400


def test_fields_of_the_other_shape_keep_nothing_rather_than_fail(api, disagreeing):
    summaries = api.get("/api/v1/figures/compare/", {"fields": "metric,quote"})
    assert summaries.status_code == 200
    assert all(set(row) == {"metric"} for row in summaries.json()["results"])
    unknown = api.get("/api/v1/figures/compare/", {"fields": "no_such_key"})
    assert unknown.status_code == 400
    assert "no_such_key" in unknown.json()["fields"][0]


@pytest.mark.parametrize(
    "params",
    [
        {"metric": "venezuelan-oil-to-cuba"},
        {"metric": "venezuelan-oil-to-cuba", "cursor": ""},
        {"metric": "venezuelan-oil-to-cuba", "page_size": 1},
        {},
        {"cursor": ""},
    ],
    ids=["metric-page", "metric-cursor", "metric-small-page", "summaries-page", "summaries-cursor"],
)
def test_every_compare_answer_is_what_the_schema_says(api, disagreeing, params):

    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"]["/api/v1/figures/compare/"]["get"]
    documented = {parameter["name"] for parameter in operation["parameters"]}
    assert set(params) <= documented
    answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
    response = api.get("/api/v1/figures/compare/", params)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert ("count" in body) is ("cursor" not in params)
    assert problems(schema, answer, body) == []


def test_the_summaries_page_by_cursor_too(api, disagreeing):
    by_number = [row["url"] for row in api.get("/api/v1/figures/compare/", {"page_size": 100}).json()["results"]]
    assert len(by_number) > 2
    walked, url = [], "/api/v1/figures/compare/?page_size=1&cursor="
    while url:
        body = api.get(url).json()
        assert "count" not in body
        walked += [row["url"] for row in body["results"]]
        url = body["next"]
    assert walked == by_number
    back = api.get(body["previous"]).json()
    assert [row["url"] for row in back["results"]] == by_number[-2:-1]
    forged = api.get("/api/v1/figures/compare/", {"cursor": "not-a-cursor"})
    assert forged.status_code == 400
    assert "cursor" in forged.json()
