"""Bad input and database refusals are 4xx (or 503) with a JSON body naming
the field, never a 500, and nothing is half-saved."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, OperationalError, transaction
from django.db.backends.utils import CursorWrapper
from django.test import Client

from articles import db_errors
from articles.api import serializers
from articles.models import Figure, Outlet, Person

pytestmark = pytest.mark.django_db


# Bodies


def test_nul_in_a_body_string_is_a_400_naming_the_key(editor_client, sample):
    response = editor_client.post("/api/v1/people/", {"name": "Ana\x00", "slug": "ana-nul"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"name": ["NUL characters are not allowed."]}
    assert not Person.objects.filter(slug="ana-nul").exists()


def test_nul_inside_a_list_names_its_position(editor_client, sample):
    response = editor_client.post(
        "/api/v1/people/", {"name": "Ana", "slug": "ana-list", "aliases": ["ok", "bad\x00"]}, format="json"
    )
    assert response.status_code == 400
    assert "aliases.1" in response.json()


def test_lone_surrogate_in_a_body_is_a_400(editor_client, sample):
    body = '{"name": "Ana \\ud800", "slug": "ana-surrogate"}'
    response = editor_client.generic("POST", "/api/v1/people/", body, content_type="application/json")
    assert response.status_code == 400
    assert "surrogate" in response.json()["name"][0]
    assert not Person.objects.filter(slug="ana-surrogate").exists()


def test_a_body_that_is_not_utf8_is_a_400(editor_client, sample):
    response = editor_client.generic("POST", "/api/v1/people/", b'{"name": "\xff"}', content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_nan_is_not_json(editor_client, sample):
    response = editor_client.generic(
        "PATCH", f"/api/v1/figures/{Figure.objects.first().pk}/", '{"value": NaN}', content_type="application/json"
    )
    assert response.status_code == 400


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "text/plain", "application/xml"])
def test_a_body_that_is_not_json_is_a_415(editor_client, sample, content_type):
    response = editor_client.generic("POST", "/api/v1/outlets/", "name=x&slug=y", content_type=content_type)
    assert response.status_code == 415
    assert content_type in response.json()["detail"]
    assert not Outlet.objects.filter(slug="y").exists()


def test_unknown_and_read_only_keys_are_400s_naming_them(editor_client, sample):
    response = editor_client.post(
        "/api/v1/people/", {"name": "Ana", "slug": "ana-typo", "descripton": "typo", "article_count": 3}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert "Unknown field" in body["descripton"][0]
    assert "read-only" in body["article_count"][0]
    assert not Person.objects.filter(slug="ana-typo").exists()


def test_nul_in_the_path_is_a_400(api, sample):
    response = api.get("/api/v1/people/ana%00/")
    assert response.status_code == 400
    assert "path" in response.json()


# Constraints


def test_value_max_below_value_is_a_400_naming_value_max(editor_client, sample):
    figure = Figure.objects.first()
    response = editor_client.patch(f"/api/v1/figures/{figure.pk}/", {"value": "10", "value_max": "5"}, format="json")
    assert response.status_code == 400
    assert "value_max" in response.json()
    figure.refresh_from_db()
    assert figure.value_max != 5


def test_offsets_that_do_not_match_the_body_are_a_400(editor_client, sample):
    figure = Figure.objects.first()
    response = editor_client.patch(f"/api/v1/figures/{figure.pk}/", {"start": figure.start + 1}, format="json")
    assert response.status_code == 400
    assert set(response.json()) & {"start", "end", "quote"}


def test_a_slug_taken_between_validation_and_saving_is_a_409_naming_slug(editor_client, sample, monkeypatch):
    """What a concurrent duplicate create looks like from the losing request."""
    validate = serializers.PersonSerializer.validate

    def validate_then_lose_the_race(self, attrs):
        attrs = validate(self, attrs)
        Person.objects.create(name="Winner", slug=attrs["slug"])
        return attrs

    monkeypatch.setattr(serializers.PersonSerializer, "validate", validate_then_lose_the_race)
    response = editor_client.post("/api/v1/people/", {"name": "Loser", "slug": "raced"}, format="json")
    assert response.status_code == 409
    assert "slug" in response.json()
    assert list(Person.objects.filter(slug="raced").values_list("name", flat=True)) == ["Winner"]


def test_deleting_an_outlet_that_articles_cite_is_a_409(editor_client, sample):
    response = editor_client.delete("/api/v1/outlets/granma/")
    assert response.status_code == 409
    assert "articles" in response.json()["detail"]
    assert Outlet.objects.filter(slug="granma").exists()


def test_database_rules_are_named_by_field_on_either_engine(sample):
    figure = Figure.objects.first()
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        Figure.objects.filter(pk=figure.pk).update(qualifier="range", value_max=figure.value - 1)
    violation = db_errors.describe(raised.value)
    assert (violation.field, violation.conflict) == ("value_max", False)

    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        Person.objects.create(name="Again", slug="fidel-castro")
    violation = db_errors.describe(raised.value)
    assert (violation.field, violation.conflict) == ("slug", True)


# Outages


@pytest.fixture
def database_down(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise OperationalError("connection refused (simulated outage)")

    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    monkeypatch.setattr(CursorWrapper, "executemany", refuse)


def test_an_unreachable_database_is_a_503_with_retry_after(api, sample, database_down):
    for url in ("/api/v1/articles/", "/api/v1/people/fidel-castro/"):
        response = api.get(url)
        assert response.status_code == 503, url
        assert response["Retry-After"].isdigit()
        assert "unavailable" in response.json()["detail"]


def test_a_write_during_an_outage_is_a_503(editor_client, sample, monkeypatch):
    # Authenticate first; the outage starts with the write itself.
    editor_client.get("/api/v1/people/")
    from articles.api import base

    def refuse(self, serializer):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(base.CorpusViewSet, "perform_create", refuse)
    response = editor_client.post("/api/v1/people/", {"name": "Ana", "slug": "ana-outage"}, format="json")
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()


def test_the_admin_during_an_outage_is_a_503(client, sample, django_user_model, monkeypatch):
    client.force_login(django_user_model.objects.create_superuser("staff-outage", password="not-used-here"))
    assert client.get("/admin/articles/person/").status_code == 200

    def refuse(self, *args, **kwargs):
        raise OperationalError("connection refused (simulated outage)")

    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    response = client.get("/admin/articles/person/")
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()


# What the schema promises of values, the API accepts (and the reverse)


def test_a_figure_value_is_rounded_to_four_places_and_only_a_huge_one_is_refused(editor_client, sample):
    figure = Figure.objects.first()
    url = f"/api/v1/figures/{figure.pk}/"
    response = editor_client.generic("PATCH", url, '{"value": 12.345678}', content_type="application/json")
    assert response.status_code == 200
    assert response.json()["value"] == 12.3457
    assert (
        editor_client.generic("PATCH", url, '{"value": 8.39e-246}', content_type="application/json").json()["value"]
        == 0
    )
    refused = editor_client.generic("PATCH", url, '{"value": 1e16}', content_type="application/json")
    assert refused.status_code == 400
    assert "digits before the decimal point" in refused.json()["value"][0]


@pytest.mark.parametrize(
    ("homepage", "accepted"),
    [
        ("https://www.granma.cu/", True),
        ("http://" + "a" * 63 + ".example.org/path?q=1", True),
        ("", True),
        ("ftp://www.granma.cu/", False),
        ("https://localhost/", False),
        ("granma.cu", False),
    ],
)
def test_a_homepage_is_checked_against_the_pattern_the_schema_gives(editor_client, sample, homepage, accepted):
    import re

    from articles.api.fields import WEB_ADDRESS

    response = editor_client.patch("/api/v1/outlets/granma/", {"homepage": homepage}, format="json")
    assert (response.status_code == 200) is accepted, response.json()
    assert bool(not homepage or re.match(WEB_ADDRESS, homepage)) is accepted
    if not accepted:
        assert "http" in response.json()["homepage"][0]


def test_a_required_text_of_only_whitespace_is_a_400_as_the_schema_says(api, editor_client, sample):
    import re

    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    pattern = schema["components"]["schemas"]["PersonDetailRequest"]["properties"]["name"]["pattern"]
    assert not re.match(pattern, "\u000b ") and re.match(pattern, " Ana ")
    response = editor_client.post("/api/v1/people/", {"name": "\u000b ", "slug": "blank"}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()


@pytest.mark.parametrize("depth", [33, 990, 100_000])
def test_a_body_nested_too_deep_is_a_400(editor_client, sample, depth):
    body = '{"description": ' + "[" * depth + "]" * depth + "}"
    response = editor_client.patch("/api/v1/outlets/granma/", body, content_type="application/json")
    assert response.status_code == 400
    assert "nests deeper than 32 levels" in response.json()["detail"]
    assert Outlet.objects.get(slug="granma").description == ""


def test_a_body_at_the_depth_limit_is_read(editor_client, sample):
    nested = "[" * 31 + '"x"' + "]" * 31
    response = editor_client.patch(
        "/api/v1/outlets/granma/", '{"aliases_unknown": ' + nested + "}", content_type="application/json"
    )
    assert response.status_code == 400
    assert "aliases_unknown" in response.json()  # read, then refused for its key, not its depth


@pytest.mark.parametrize("path", ["/a\u0085b", "/a\ufeffb", "/a b", "/a\u2028b"])
def test_a_homepage_path_with_a_space_like_character_is_refused_as_the_schema_says(editor_client, sample, path):
    schema = editor_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    pattern = schema["components"]["schemas"]["OutletRequest"]["properties"]["homepage"]["oneOf"][0]["pattern"]
    homepage = f"https://www.example.org{path}"
    assert re.match(pattern, homepage) is None
    response = editor_client.post("/api/v1/outlets/", {"name": "X", "slug": "x", "homepage": homepage}, format="json")
    assert response.status_code == 400
    assert "homepage" in response.json()


@pytest.mark.parametrize("path", ["/api/nothing/", "/api/v1/nothing/", "/api/v1/articles/1/nothing/", "/api/v2/"])
def test_a_path_under_api_that_matches_nothing_is_a_json_404(api, sample, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert path in response.json()["detail"]


def test_a_missing_trailing_slash_is_a_308_that_keeps_the_method(editor_client, sample):
    response = editor_client.post("/api/v1/outlets?format=json", {"name": "X", "slug": "x"}, format="json")
    assert response.status_code == 308
    assert response["Location"] == "/api/v1/outlets/?format=json"
    assert response.json()["detail"].endswith("/api/v1/outlets/")


@pytest.mark.parametrize("method", ["patch", "delete", "post"])
def test_an_unmatched_api_path_is_a_json_404_for_a_signed_in_browser_without_a_csrf_token(db, sample, method):
    # A signed-in session with CSRF checks on, as a browser sends: Django's CSRF
    # middleware would answer an HTML 403 before the catch-all ran.
    user = get_user_model().objects.create_user("browser", password="not-used-here")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = getattr(client, method)("/api/v1/articles/1.5e-9/", "{}", content_type="application/json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "/api/v1/articles/1.5e-9/" in response.json()["detail"]


def test_a_choice_label_is_refused_with_the_accepted_values_and_the_value_it_names(editor_client, sample):
    response = editor_client.post("/api/v1/outlets/", {"name": "X", "slug": "x", "kind": "news site"}, format="json")
    assert response.status_code == 400
    message = response.json()["kind"][0]
    assert "“news_site”, “broadcaster”" in message and "“wire”" in message
    assert message.endswith("Send “news_site” (its label is “news site”).")
    assert not Outlet.objects.filter(slug="x").exists()


def test_a_choice_in_other_case_is_pointed_at_its_value(editor_client, sample):
    response = editor_client.post("/api/v1/outlets/", {"name": "X", "slug": "x", "kind": "Wire"}, format="json")
    assert response.json()["kind"][0].endswith("Send “wire” (its label is “news agency”).")


def test_a_choice_far_from_any_value_lists_them_and_guesses_nothing(editor_client, sample):
    response = editor_client.post("/api/v1/outlets/", {"name": "X", "slug": "x", "kind": "tabloid"}, format="json")
    message = response.json()["kind"][0]
    assert message.startswith("“tabloid” is not one of the accepted values: “party_press”")
    assert "Send" not in message


@pytest.mark.parametrize(
    "participants, says",
    [([0], "as a string"), ([True], "as a string"), (["nobody-here"], "No person with slug “nobody-here”")],
)
def test_an_unknown_or_mistyped_participant_is_a_400_naming_the_field(editor_client, sample, participants, says):
    response = editor_client.post(
        "/api/v1/events/", {"name": "A meeting", "slug": "a-meeting", "participants": participants}, format="json"
    )
    assert response.status_code == 400, response.json()
    assert says in str(response.json()["participants"])


def test_a_body_over_the_upload_limit_is_a_json_413_naming_the_limit(editor_client, sample, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = editor_client.post(
        "/api/v1/people/", '{"name": "' + "x" * 2000 + '", "slug": "big"}', content_type="application/json"
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "1000 bytes" in response.json()["detail"]
    assert not Person.objects.filter(slug="big").exists()


def test_too_many_query_parameters_is_a_json_400(api, sample, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = api.get("/api/v1/people/?" + "&".join(f"a{n}=1" for n in range(20)))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "More than 10 query parameters" in response.json()["detail"]


def test_outside_the_api_a_refused_request_is_still_djangos_page(client, sample, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = client.get("/admin/login/?" + "&".join(f"a{n}=1" for n in range(20)))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("ordering", [",,,", "title,,id", ",title", "title,"])
@pytest.mark.parametrize("export", [None, "csv"])
def test_an_ordering_with_an_empty_name_is_a_400_naming_it(api, sample, ordering, export):
    params = {"ordering": ordering, **({"format": export} if export else {})}
    response = api.get("/api/v1/articles/", params)
    assert response.status_code == 400
    assert "missing between commas" in response.json()["ordering"][0]
