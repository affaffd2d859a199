"""`facets=`: counts per value over the whole filtered set, on every list."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Event

pytestmark = pytest.mark.django_db

FACETS = {
    "articles": ["outlet", "year", "person", "event"],
    "people": ["role", "outlet"],
    "events": ["kind", "decade", "year", "precision"],
    "figures": ["metric", "unit", "outlet", "qualifier"],
    "outlets": ["kind", "country"],
}


def facets(api, resource, names, **params):
    response = api.get(f"/api/v1/{resource}/", {"facets": ",".join(names), **params})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert list(body) == ["count", "count_is_exact", "next", "previous", "facets", "results"]
    return body


def counts(body, name):
    return {bucket["value"]: bucket["count"] for bucket in body["facets"][name]["buckets"]}


def test_article_facets(api, sample):
    body = facets(api, "articles", FACETS["articles"])
    assert counts(body, "outlet") == {"granma": 1, "telesur": 1, None: 1}
    assert counts(body, "year") == {"2026": 2, None: 1}
    assert counts(body, "person") == {"hugo-chavez": 2, "fidel-castro": 1, "ana-perez": 1, "delcy-rodriguez": 1}
    assert counts(body, "event") == {"havana-1994": 1, "petrocaribe": 1, "attack-2026": 1}
    outlet = body["facets"]["outlet"]["buckets"]
    assert {"value": "telesur", "label": "teleSUR English", "count": 1} in outlet
    assert {"value": None, "label": "no outlet", "count": 1} in outlet


def test_people_event_figure_and_outlet_facets(api, sample):
    assert counts(facets(api, "people", ["role"]), "role") == {"mentioned": 2, "quoted": 1, "author": 1}
    assert counts(facets(api, "people", ["outlet"]), "outlet") == {"granma": 3, "telesur": 2}
    events = facets(api, "events", FACETS["events"])
    assert counts(events, "kind") == {"invasion": 1, "meeting": 1, "programme": 1, "attack": 1}
    assert counts(events, "decade") == {"1960": 1, "1990": 1, "2000": 1, "2020": 1}
    assert [b["label"] for b in events["facets"]["decade"]["buckets"]] == ["1960s", "1990s", "2000s", "2020s"]
    assert counts(events, "year") == {"1967": 1, "1994": 1, "2005": 1, "2026": 1}
    figures = facets(api, "figures", ["metric", "unit", "outlet"])
    assert counts(figures, "unit") == {"barrels per day": 1, "percent": 1, "people": 1}
    assert counts(figures, "outlet") == {"telesur": 2, "granma": 1}
    assert counts(facets(api, "outlets", ["kind"]), "kind") == {"party_press": 1, "broadcaster": 1}


def test_a_date_known_only_to_its_decade_has_no_year(api, sample):
    Event.objects.create(name="Guerrillas", slug="guerrillas", start=datetime.date(1960, 1, 1), precision="decade")
    body = facets(api, "events", ["year", "decade"])
    assert counts(body, "year")[None] == 1
    assert counts(body, "decade")["1960"] == 2
    years = [bucket["value"] for bucket in body["facets"]["year"]["buckets"]]
    assert years == sorted(years[:-1]) + [None]  # years in order, unknown last


def test_facets_count_the_filtered_set(api, sample):
    body = facets(api, "articles", ["outlet", "person"], person="fidel-castro")
    assert counts(body, "outlet") == {"granma": 1}
    assert counts(body, "person") == {"hugo-chavez": 1, "fidel-castro": 1, "ana-perez": 1}
    body = facets(api, "articles", ["outlet"], search="chavez", outlet="telesur")
    assert counts(body, "outlet") == {"telesur": 1}


@pytest.mark.parametrize("resource", FACETS)
def test_every_bucket_matches_its_filter_over_the_whole_set(api, volume, resource):
    """A bucket's count is what filtering by its value counts, whatever the page."""
    body = facets(api, resource, FACETS[resource], page_size=1)
    assert len(body["results"]) == 1
    for name in FACETS[resource]:
        filterable = name not in ("year", "decade")
        for bucket in body["facets"][name]["buckets"]:
            if filterable and bucket["value"] is not None:
                filtered = api.get(f"/api/v1/{resource}/", {name: bucket["value"]}).json()
                assert filtered["count"] == bucket["count"], (name, bucket)
        single_valued = resource != "people" and name not in ("person", "event")
        if single_valued:  # every record has one value (or none): the buckets add up to the total
            assert sum(b["count"] for b in body["facets"][name]["buckets"]) == body["count"], name


def test_facet_size_truncates_the_least_frequent(api, volume):
    body = facets(api, "figures", ["metric"], facet_size=2)
    buckets = body["facets"]["metric"]["buckets"]
    assert [b["value"] for b in buckets][0] == "ships" and len(buckets) == 2
    assert body["facets"]["metric"]["truncated"] is True
    assert facets(api, "figures", ["metric"], facet_size=10)["facets"]["metric"]["truncated"] is False


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"facets": "outlet,bogus"}, "facets"),
        ({"facets": "outlet", "facet_size": "lots"}, "facet_size"),
        ({"facets": "outlet", "facet_size": "0"}, "facet_size"),
    ],
)
def test_bad_facet_parameters_are_400s_naming_them(api, sample, params, parameter):
    response = api.get("/api/v1/articles/", params)
    assert response.status_code == 400
    assert list(response.json()) == [parameter]


def test_no_facets_no_key_and_repeated_parameters_work(api, sample):
    assert "facets" not in api.get("/api/v1/articles/").json()
    body = api.get("/api/v1/articles/", {"facets": ["outlet", "year"]}).json()
    assert list(body["facets"]) == ["outlet", "year"]


# The time budget's own statements (articles.query_budget) read no rows.
BUDGET_STATEMENTS = ("SAVEPOINT", "RELEASE SAVEPOINT", "SELECT current_setting", "SELECT set_config")


def test_each_facet_is_one_query(api, volume):
    def queries(params):
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/api/v1/articles/", params).status_code == 200
        return len([query for query in captured if not query["sql"].startswith(BUDGET_STATEMENTS)])

    plain = queries({"page_size": 5})
    assert queries({"page_size": 5, "facets": "outlet"}) == plain + 1
    assert queries({"page_size": 5, "facets": "outlet,year,person,event"}) == plain + 4


def test_the_schema_says_facet_size_is_at_least_one(api):
    # So that a client (or a fuzzer) reading the schema does not send the 0 refused above.
    schema = api.get("/api/schema/", {"format": "json"}).json()
    parameters = schema["paths"]["/api/v1/articles/"]["get"]["parameters"]
    facet_size = next(p for p in parameters if p["name"] == "facet_size")
    assert facet_size["schema"] == {"type": "integer", "minimum": 1}


class SlowFacet:
    """A facet whose count takes about half a second, whatever the corpus."""

    description = "slow"

    def buckets(self, records, limit):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_sleep(0.5)")
            else:  # a few million steps of SQLite's virtual machine
                cursor.execute(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000000) "
                    "SELECT count(*) FROM n"
                )
        return [{"value": "x", "label": "x", "count": 1}], False


@pytest.mark.parametrize(
    "in_transaction",
    [pytest.param(True, id="inside-a-transaction"), pytest.param(False, marks=pytest.mark.django_db(transaction=True))],
)
def test_a_facet_past_the_time_budget_says_it_timed_out(api, sample, settings, monkeypatch, in_transaction):
    from articles.filtersets import ArticleFilterSet

    assert connection.in_atomic_block is in_transaction

    settings.CORPUS_FACET_TIME_LIMIT_MS = 50
    monkeypatch.setitem(ArticleFilterSet.facets, "person", SlowFacet())
    # A filtered list, so that each facet is counted on the request (not read from kept counts).
    body = facets(api, "articles", ["person", "year"], language="en")
    assert body["facets"]["person"] == {"buckets": [], "truncated": False, "timed_out": True}
    # The other facet, and the page, are answered as usual: the stopped query left nothing behind.
    assert body["facets"]["year"]["timed_out"] is False
    assert counts(body, "year") == {"2026": 1, None: 1}
    assert body["count"] == 2
    # Without a budget the same facet is counted.
    settings.CORPUS_FACET_TIME_LIMIT_MS = 0
    assert facets(api, "articles", ["person"], language="en")["facets"]["person"]["timed_out"] is False
