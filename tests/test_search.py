"""Full-text search through the API, the same on SQLite (FTS5) and PostgreSQL
(tsvector): folding, phrases, ranking, snippets, and hostile input."""

import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import search, text
from articles.api import shaping
from articles.models import Article, Event, Outlet

pytestmark = pytest.mark.django_db

ALBA = "Chávez and Castro founded the ALBA\u2011TCP in 2004."  # non-breaking hyphen
ALBA_PLAIN = "The ALBA-TCP summit met in Caracas."
CURLY = "Venezuela\u2019s oil reached Cuba\u2019s ports, as Díaz-Canel said."
LODZ = "A delegation from Łódź and Øresund visited Straße 5."


def article(title, body, **fields):
    n = Article.objects.count()
    return Article.objects.create(title=title, body=body, source_document=f"search-{n}.txt", source_text=body, **fields)


@pytest.fixture
def texts(sample):
    return {
        "alba": article("ALBA founded", ALBA),
        "alba_plain": article("A summit", ALBA_PLAIN),
        "curly": article("Ports", CURLY),
        "lodz": article("Visitors", LODZ),
    }


def found(api, resource="articles", key="title", **params):
    response = api.get(f"/api/v1/{resource}/", params)
    assert response.status_code == 200, response.json()
    return [row[key] for row in response.json()["results"]]


def titles(api, search, **params):
    return set(found(api, search=search, **params))


class TestFolding:
    def test_accents_either_way(self, api, texts):
        assert "Chávez in Havana" in titles(api, "chavez")
        assert "Chávez in Havana" in titles(api, "CHÁVEZ")
        assert titles(api, "perez") == titles(api, "Pérez") != set()

    def test_letters_unicode_does_not_decompose(self, api, texts):
        # ł, ø and ß have no combining accent to strip; both databases still fold them.
        assert titles(api, "lodz") == {"Visitors"}
        assert titles(api, "Łódź") == {"Visitors"}
        assert titles(api, "oresund strasse") == {"Visitors"}

    def test_case(self, api, texts):
        assert titles(api, "havana") == titles(api, "HAVANA") == titles(api, "HaVaNa")

    def test_straight_and_curly_apostrophes_match_each_other(self, api, texts):
        assert titles(api, "venezuela's") == {"Ports"}
        assert titles(api, "venezuela\u2019s") == {"Ports"}
        assert titles(api, "venezuelas") == {"Ports"}
        # The sample's "Don't" (curly quotes around it) and the copy's "Dont".
        assert titles(api, "don\u2019t quit") == {"Chávez in Havana", "Chávez in Havana (copy)"}

    @pytest.mark.parametrize(
        "spelling", ["ALBA-TCP", "ALBA\u2011TCP", "ALBA\u2010TCP", "ALBA\u2013TCP", "alba tcp", '"alba tcp"']
    )
    def test_hyphen_variants(self, api, texts, spelling):
        assert titles(api, spelling) == {"ALBA founded", "A summit"}

    def test_hyphenated_names(self, api, texts):
        assert titles(api, "Diaz-Canel") == titles(api, "díaz canel") == {"Ports"}

    def test_a_hyphenated_query_is_a_phrase(self, api, texts):
        assert titles(api, "castro-alba") == set()
        assert titles(api, "castro alba") == {"ALBA founded"}


class TestQueries:
    def test_every_word_must_match(self, api, texts):
        assert titles(api, "chavez havana") == {"Chávez in Havana", "Chávez in Havana (copy)"}
        assert titles(api, "chavez nowhere") == set()

    def test_words_match_word_starts(self, api, texts):
        assert titles(api, "chav") == titles(api, "chavez")
        assert titles(api, "avez") == set()

    @pytest.mark.parametrize("start", ["chav", "ca", "diaz-ca", "havana", "zzq", "alba-tc"])
    def test_a_word_start_finds_the_same_whether_or_not_it_is_spelled_out(self, api, texts, monkeypatch, start):
        # SQLite spells a word start out as the indexed words it begins (FTS5 merges a prefix's
        # whole lists before it can seek); past MAX_EXPANSION words it stays a prefix query.
        spelled = titles(api, start)
        monkeypatch.setattr(search, "MAX_EXPANSION", 0)
        assert titles(api, start) == spelled
        assert spelled == {
            title for title, body in Article.objects.values_list("title", "body")
            if re.search(rf"\b{re.escape(text.fold(start))}", f"{text.fold(title)} {text.fold(body)}")
        }  # fmt: skip

    @pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL's index seeks by a word start.")
    def test_sqlite_searches_the_words_a_start_begins_not_the_start(self, api, texts):
        with CaptureQueriesContext(connection) as queries:
            assert titles(api, "chav")
        matches = [q["sql"] for q in queries.captured_queries if "MATCH" in q["sql"]]
        assert matches and all('"chavez"' in sql and '"chav"*' not in sql for sql in matches)

    def test_numbers_and_single_letters_match_whole_words(self, api, texts):
        assert titles(api, "2004") == {"ALBA founded"}
        assert titles(api, "200") == set()
        assert "Visitors" in titles(api, "5")

    def test_quoted_phrases(self, api, sample):
        assert titles(api, '"oil per day"') == {"Chávez in Havana", "Chávez in Havana (copy)"}
        assert titles(api, '"per oil day"') == set()
        assert titles(api, '"oil per"') == {"Chávez in Havana", "Chávez in Havana (copy)"}
        assert titles(api, '"oil pe"') == set()  # inside quotes, whole words

    def test_search_combines_with_filters(self, api, sample):
        assert titles(api, "chavez", outlet="telesur") == {"After the attack"}
        assert titles(api, "chavez", is_syndicated="true") == {"Chávez in Havana (copy)"}


class TestRanking:
    @pytest.fixture
    def ranked(self, sample):
        filler = " ".join(["The meeting discussed trade and health care in the region."] * 12)
        return {
            "often": article("Often", "PetroCaribe shipped oil. PetroCaribe grew. PetroCaribe ended."),
            "once": article("Once", f"{filler} PetroCaribe was mentioned once. {filler}"),
            "never": article("Never", filler),
        }

    def test_the_best_match_comes_first(self, api, ranked):
        # Three mentions in a short text beat one in a long text; the sample's
        # two short texts with one mention each fall in between.
        results = found(api, search="petrocaribe")
        assert (results[0], results[-1]) == ("Often", "Once")
        assert set(results[1:-1]) == {"Chávez in Havana", "Chávez in Havana (copy)"}

    def test_an_explicit_ordering_wins_over_relevance(self, api, ranked):
        assert found(api, search="petrocaribe", ordering="title") == [
            "Chávez in Havana",
            "Chávez in Havana (copy)",
            "Often",
            "Once",
        ]

    def test_pages_of_a_search_neither_repeat_nor_skip(self, api, volume):
        seen = []
        for page in (1, 2):
            response = api.get("/api/v1/articles/", {"search": "ana perez", "page_size": 20, "page": page})
            seen += [row["id"] for row in response.json()["results"]]
        assert len(seen) == len(set(seen)) == Article.objects.filter(search_text__contains=" ana perez ").count()


class TestEveryResource:
    def test_people_by_name_and_alias(self, api, sample):
        assert found(api, "people", "slug", search="rodrigues") == ["delcy-rodriguez"]
        assert found(api, "people", "slug", search="delcy") == ["delcy-rodriguez"]
        assert found(api, "people", "slug", search="chavez") == ["hugo-chavez"]

    def test_outlets_events_figures(self, api, sample):
        assert found(api, "outlets", "slug", search="telesur english") == ["telesur"]
        assert found(api, "events", "slug", search="machurucuto") == ["machurucuto"]
        assert found(api, "events", "slug", search="havana") == ["havana-1994"]
        assert found(api, "figures", "metric", search="barrels per day") == ["venezuelan-oil-to-cuba"]
        assert found(api, "figures", "metric", search='"30 40"') == ["venezuelan-oil-share"]

    def test_mentions_search_their_quotes(self, api, sample):
        assert found(api, "event-mentions", "quote", search="january") == ["3 January 2026"]


class TestTheIndexFollowsWrites:
    def test_created_changed_and_deleted_records(self, editor_client, api, sample):
        outlet = editor_client.post(
            "/api/v1/outlets/", {"name": "Cubadebate", "slug": "cubadebate", "description": "Periódico digital"}
        )
        assert outlet.status_code == 201
        assert found(api, "outlets", "slug", search="periodico") == ["cubadebate"]
        editor_client.patch("/api/v1/outlets/cubadebate/", {"description": "Sitio de noticias"}, format="json")
        assert found(api, "outlets", "slug", search="periodico") == []
        assert found(api, "outlets", "slug", search="sitio noticias") == ["cubadebate"]
        editor_client.delete("/api/v1/outlets/cubadebate/")
        assert found(api, "outlets", "slug", search="sitio") == []

    def test_new_alias(self, editor_client, api, sample):
        editor_client.patch("/api/v1/people/fidel-castro/", {"aliases": ["El Comandante"]}, format="json")
        assert found(api, "people", "slug", search="comandante") == ["fidel-castro"]

    def test_a_fixture_load_is_indexed_with_its_search_text_refolded(self, api, sample, tmp_path):
        fixture = tmp_path / "outlet.json"
        fixture.write_text(
            '[{"model": "articles.outlet", "pk": 900, "fields": {"name": "Periódico Łódź", "slug": "lodz", '
            '"kind": "other", "description": "", "search_text": "stale", '
            '"created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z"}}]'
        )
        call_command("loaddata", str(fixture), verbosity=0)
        assert found(api, "outlets", "slug", search="lodz periodico") == ["lodz"]
        assert found(api, "outlets", "slug", search="stale") == []

    @pytest.mark.skipif(connection.vendor != "sqlite", reason="only SQLite rebuilds a table to alter it")
    def test_migrate_restores_triggers_a_table_rebuild_dropped(self, api, sample):
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER articles_event_fts_ai")
        Event.objects.create(name="Bay of Pigs invasion", slug="bay-of-pigs", start="1961-04-17")
        assert found(api, "events", "slug", search="pigs") == []  # the index went stale
        call_command("migrate", verbosity=0)
        assert found(api, "events", "slug", search="pigs") == ["bay-of-pigs"]
        Event.objects.create(name="Pigs again", slug="pigs-again", start="1961-04-18")
        assert set(found(api, "events", "slug", search="pigs")) == {"bay-of-pigs", "pigs-again"}


class TestSnippets:
    def test_marks_the_match_in_the_body(self, api, texts):
        rows = api.get("/api/v1/articles/", {"search": "alba-tcp", "fields": "title,snippet"}).json()["results"]
        snippets = {row["title"]: row["snippet"] for row in rows}
        assert snippets["ALBA founded"] == "Chávez and Castro founded the <mark>ALBA\u2011TCP</mark> in 2004."
        assert snippets["A summit"] == "The <mark>ALBA-TCP</mark> summit met in Caracas."

    def test_marks_folded_matches_in_their_original_spelling(self, api, texts):
        row = api.get("/api/v1/articles/", {"search": "venezuelas diaz", "fields": "snippet"}).json()["results"][0]
        assert row["snippet"] == (
            "<mark>Venezuela\u2019s</mark> oil reached Cuba\u2019s ports, as <mark>Díaz</mark>-Canel said."
        )

    def test_long_bodies_are_cut_around_the_match(self, api, sample):
        body = " ".join(f"word{n}" for n in range(200)) + " PetroCaribe " + " ".join(f"tail{n}" for n in range(200))
        article("Long", body)
        snippet = api.get("/api/v1/articles/", {"search": "petrocaribe", "fields": "snippet"}).json()["results"]
        text = next(row["snippet"] for row in snippet if "tail" in row["snippet"])
        assert text.startswith("…") and text.endswith("…")
        assert "<mark>PetroCaribe</mark>" in text
        assert len(text.split()) <= 32

    def test_text_is_escaped(self, api, sample):
        article("Markup", "A <script>alert(1)</script> & Chávez")
        row = api.get("/api/v1/articles/", {"search": "alert", "fields": "snippet"}).json()["results"][0]
        assert row["snippet"] == "A &lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt; &amp; Chávez"

    def test_a_title_match_shows_the_title(self, api, sample):
        row = api.get("/api/v1/articles/", {"search": "attack", "outlet": "telesur", "fields": "snippet"}).json()
        assert "<mark>attack</mark>" in row["results"][0]["snippet"]
        article("Machurucuto landing", "Nothing about it here.")
        row = api.get("/api/v1/articles/", {"search": "machurucuto", "fields": "snippet"}).json()["results"][0]
        assert row["snippet"] == "<mark>Machurucuto</mark> landing"

    def test_null_without_search_and_absent_from_the_detail(self, api, sample):
        assert {row["snippet"] for row in api.get("/api/v1/articles/").json()["results"]} == {None}
        detail = api.get(f"/api/v1/articles/{sample.articles['granma'].pk}/", {"search": "chavez"}).json()
        assert "snippet" not in detail


# Input that would be syntax to FTS5 or to_tsquery, or break a naive query.
HOSTILE = [
    '"',
    '""',
    '"unclosed phrase',
    "chavez AND castro",
    "chavez OR nothing",
    "NOT chavez",
    "NEAR(chavez castro)",
    "chavez NEAR/2 castro",
    "(chavez",
    "chavez)",
    "chav*",
    "*",
    "^chavez",
    "title:chavez",
    "search_text:chavez",
    "chavez -castro",
    "chavez + castro",
    "{chavez}",
    "chavez & castro | !oil",
    "chavez <-> castro",
    "'chavez':*",
    "\\",
    "'; DROP TABLE articles_article; --",
    "%",
    "_",
    "🙂",
    "\u200b",
    "a" * 500,
    " ".join(["x"] * 32),
]


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("resource", ["articles", "people", "events", "figures", "outlets"])
def test_syntax_characters_are_searched_as_text_never_a_500(api, sample, resource, value):
    response = api.get(f"/api/v1/{resource}/", {"search": value})
    assert response.status_code in (200, 400), response.content
    body = response.json()
    if response.status_code == 400:
        assert list(body) == ["search"] and body["search"][0]
    else:
        assert "results" in body


def test_operators_are_plain_words(api, sample):
    # "and" is a word every article about Chávez happens to contain, not an operator.
    assert titles(api, "chavez AND castro") == titles(api, "chavez and castro")
    assert titles(api, "chavez OR zzzz") == set()
    assert titles(api, "NEAR(chavez castro)") == set()  # "near" is a word too
    assert titles(api, "(chavez) castro*") == titles(api, "chavez castro")


@pytest.mark.parametrize("value", ['"', "*** ---", "🙂"])
def test_text_without_a_letter_or_digit_matches_nothing(api, sample, value):
    response = api.get("/api/v1/articles/", {"search": value})
    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("a" * 5000, "at most 500 characters"),
        (" ".join(f"word{n}" for n in range(33)), "at most 32 words"),
    ],
)
def test_unsearchable_input_is_a_clear_400(api, sample, value, message):
    response = api.get("/api/v1/articles/", {"search": value})
    assert response.status_code == 400
    assert message in response.json()["search"][0]


def test_nul_byte_is_a_400_naming_search(api, sample):
    response = api.get("/api/v1/articles/", {"search": "chavez\x00"})
    assert response.status_code == 400
    assert "search" in response.json()


def test_index_is_full_text_not_a_scan(sample):
    """The search reads the FTS5 table on SQLite and the GIN-indexed tsvector on PostgreSQL."""
    from articles.search import search

    sql = str(search(Outlet.objects.all(), "granma").query)
    if connection.vendor == "sqlite":
        assert "articles_outlet_fts" in sql and "MATCH" in sql
    else:
        assert '"search_vector" @@' in sql and "LIKE" not in sql
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'articles_article_search_vector'")
            assert "USING gin (search_vector)" in cursor.fetchone()[0]


@pytest.mark.django_db
def test_each_parameter_is_parsed_once_per_request(api, sample, monkeypatch):
    """`search` is parsed by the filterset and its snippets reuse the query;
    `fields`/`omit` are checked by the viewset and the serializer reuses the names."""
    calls = {"parse": 0, "fields": 0}

    def counted(name, function):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(search, "parse", counted("parse", search.parse))
    monkeypatch.setattr(shaping, "selected_fields", counted("fields", shaping.selected_fields))
    body = api.get("/api/v1/articles/", {"search": "castro", "fields": "id,snippet", "page_size": 5}).json()
    assert len(body["results"]) > 1
    assert all("<mark>" in row["snippet"] for row in body["results"])
    assert calls == {"parse": 1, "fields": 1}


class TestRankingWindow:
    """Past CORPUS_SEARCH_RANK_WINDOW matches, the newest that many are ranked
    and come first; the older follow by id; nothing is left out."""

    # How often each article says "tanker": its relevance, in no order of id.
    REPEATS = [1, 5, 2, 7, 3, 6, 1, 4, 8, 2, 5, 3]

    @pytest.fixture
    def tankers(self, sample):
        outlets = list(sample.outlets.values())
        rows = []
        for n, times in enumerate(self.REPEATS):
            body = " ".join(["The tanker sailed."] * times + ["Other news of the day."] * (9 - times))
            rows.append(article(f"Tanker {n}", body, outlet=outlets[n % 2]).pk)
        return rows

    def ids(self, api, **params):
        response = api.get("/api/v1/articles/", {"fields": "id", **params})
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    @staticmethod
    def cut(full, window):
        """The full ranking re-cut by hand: the newest `window` in their rank order, then the rest by id."""
        newest = set(sorted(full)[-window:])
        return [pk for pk in full if pk in newest] + sorted(pk for pk in full if pk not in newest)

    @staticmethod
    def walk(api, link, most=50):
        """The ids of every page following `next`, then of every page back by `previous` from the last."""
        pages = []
        while link and len(pages) < most:
            pages.append(api.get(link).json())
            link = pages[-1]["next"]
        back, link = [row["id"] for row in pages[-1]["results"]], pages[-1]["previous"]
        for _ in range(most):
            if not link:
                break
            page = api.get(link).json()
            back = [row["id"] for row in page["results"]] + back
            link = page["previous"]
        return [row["id"] for page in pages for row in page["results"]], back

    @pytest.mark.parametrize("params", [{}, {"outlet": "granma"}])
    def test_the_newest_matches_come_first_best_first_then_the_rest_by_id(self, api, tankers, settings, params):
        full = self.ids(api, search="tanker", page_size=100, **params)
        settings.CORPUS_SEARCH_RANK_WINDOW = 4
        expected = self.cut(full, 4)
        assert expected != full  # the window changes the order here
        assert self.ids(api, search="tanker", page_size=100, **params) == expected

    @pytest.mark.parametrize("page_size", [1, 3, 5])
    def test_pages_by_number_and_by_cursor_cross_the_window_without_repeats_or_gaps(
        self, api, tankers, settings, page_size
    ):
        full = self.ids(api, search="tanker", page_size=100)
        settings.CORPUS_SEARCH_RANK_WINDOW = 4
        expected = self.cut(full, 4)
        for start in ("", "&cursor="):
            forward, backward = self.walk(
                api, f"/api/v1/articles/?search=tanker&fields=id&page_size={page_size}{start}"
            )
            assert forward == backward == expected

    def test_with_fewer_matches_than_the_window_the_ranking_is_whole(self, api, tankers, settings):
        full = self.ids(api, search="tanker", page_size=100)
        settings.CORPUS_SEARCH_RANK_WINDOW = len(self.REPEATS)
        assert self.ids(api, search="tanker", page_size=100) == full
        assert full != sorted(full)  # ranked, not by id

    def test_the_count_and_facets_cover_every_match(self, api, tankers, settings):
        settings.CORPUS_SEARCH_RANK_WINDOW = 2
        body = api.get("/api/v1/articles/", {"search": "tanker", "facets": "outlet", "page_size": 1}).json()
        assert body["count"] == len(self.REPEATS)
        assert sum(bucket["count"] for bucket in body["facets"]["outlet"]["buckets"]) == len(self.REPEATS)

    def test_an_ordering_replaces_the_ranking(self, api, tankers, settings):
        settings.CORPUS_SEARCH_RANK_WINDOW = 2
        assert self.ids(api, search="tanker", ordering="id", page_size=100) == sorted(tankers)
