"""Every error a client meets is a status its operation declares, with a body
of the declared shape: a message (`Error`) or per-field messages (`FieldErrors`).
Checked on real answers, through HTTP, against the served schema."""

import pytest
from django.test import override_settings

from articles.models import Article

from .openapi import nodes, problems, served_schema

pytestmark = pytest.mark.django_db

PERSON = "/api/v1/people/{slug}/"
PEOPLE = "/api/v1/people/"


def declared(schema, path, method, status):
    responses = schema["paths"][path][method]["responses"]
    assert str(status) in responses, f"{method.upper()} {path} does not declare {status}"
    return responses[str(status)]


def check(schema, path, method, response, status):
    assert response.status_code == status, response.content
    documented = declared(schema, path, method, status)["content"]["application/json"]["schema"]
    shape = "FieldErrors" if status in (400, 409) else "Error"
    assert documented == {"$ref": f"#/components/schemas/{shape}"}  # typed, not any object
    body = response.json()
    assert problems(schema, documented, body) == []
    return body


def test_a_bad_field_is_a_field_error(api, editor_client, sample):
    schema = served_schema(api)
    response = editor_client.post(PEOPLE, {"name": "", "slug": "x", "aliases": ["ok", 5]}, format="json")
    body = check(schema, PEOPLE, "post", response, 400)
    assert set(body) == {"name", "aliases"}


def test_a_body_that_is_not_json_is_a_message_in_the_field_error_shape(api, editor_client, sample):
    schema = served_schema(api)
    response = editor_client.post(PEOPLE, "{not json", content_type="application/json")
    assert "detail" in check(schema, PEOPLE, "post", response, 400)


def test_a_read_with_a_bad_token_is_a_declared_401(api, sample):
    schema = served_schema(api)
    api.credentials(HTTP_AUTHORIZATION="Token not-a-key")
    for path, url in ((PEOPLE, PEOPLE), (PERSON, PERSON.format(slug="fidel-castro"))):
        body = check(schema, path, "get", api.get(url), 401)
        assert body["detail"]


def test_a_stale_if_match_is_a_412_whose_message_is_typed(api, editor_client, sample):
    schema = served_schema(api)
    url = PERSON.format(slug="fidel-castro")
    etag = editor_client.get(url)["ETag"]
    assert declared(schema, PERSON, "get", 200)["headers"]["ETag"]["required"] is True
    assert editor_client.patch(url, {"description": "First."}, format="json", HTTP_IF_MATCH=etag).status_code == 200
    stale = editor_client.patch(url, {"description": "Second."}, format="json", HTTP_IF_MATCH=etag)
    assert "changed" in check(schema, PERSON, "patch", stale, 412)["detail"]


def test_the_other_refusals_have_their_declared_shape(api, editor_client, reader_client, sample):
    schema = served_schema(api)
    url = PERSON.format(slug="fidel-castro")
    check(schema, PERSON, "patch", reader_client.patch(url, {"description": "x"}, format="json"), 403)
    check(schema, PERSON, "get", api.get(PERSON.format(slug="nobody")), 404)
    check(schema, PERSON, "get", api.get(url, HTTP_ACCEPT="image/png"), 406)
    check(schema, PERSON, "patch", editor_client.patch(url, "x=1", content_type="text/plain"), 415)
    taken = editor_client.post(PEOPLE, {"name": "Fidel", "slug": "fidel-castro"}, format="json")
    assert "slug" in check(schema, PEOPLE, "post", taken, 409)


def test_retry_after_and_downloads_are_declared_headers(api, sample):
    schema = served_schema(api)
    for status in ("429", "503"):
        assert declared(schema, PEOPLE, "get", status)["headers"]["Retry-After"]["required"] is True
    assert "Content-Disposition" in declared(schema, "/api/v1/articles/export/csv/", "get", 200)["headers"]
    assert "Content-Disposition" not in declared(schema, "/api/v1/articles/", "get", 200).get("headers", {})
    assert "ETag" in declared(schema, PERSON, "get", 304)["headers"]
    assert "ETag" not in declared(schema, PEOPLE, "get", 200).get("headers", {})
    assert "ETag" not in declared(schema, "/api/v1/figures/compare/", "get", 200).get("headers", {})


@pytest.mark.parametrize("export", ["csv", "ndjson", "jsonld"])
@pytest.mark.parametrize("params", [{"facets": "nothing"}, {"facet_size": "0"}])
def test_an_export_refuses_the_list_parameters_the_list_refuses(api, sample, export, params):
    response = api.get("/api/v1/articles/", {"format": export, **params})
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_the_schema_is_openapi_3_1_with_no_3_0_nullable(api):
    """A 3.0 `nullable` beside `allOf` with no `type` is rejected by strict validators;
    3.1 says null as a type (`oneOf [ref, {type: null}]`)."""
    schema = served_schema(api)
    assert schema["openapi"] == "3.1.0"
    assert [path for path, node in nodes(schema) if "nullable" in node] == []
    original = schema["components"]["schemas"]["Article"]["properties"]["original"]
    assert {"type": "null"} in original["oneOf"]


def test_no_schema_lets_a_value_match_two_branches_of_a_one_of(api):
    """`oneOf [{}, {type: null}]` (an any-value field that allows null) refuses null: it matches both."""
    schema = served_schema(api)
    assert [path for path, node in nodes(schema) if {} in node.get("oneOf", [])] == []


def test_an_export_over_the_row_cap_has_the_declared_shape(api, sample):
    schema = served_schema(api)
    with override_settings(EXPORT_ANON_MAX_ROWS=1):
        response = api.get("/api/v1/articles/", {"format": "csv"})
    body = check(schema, "/api/v1/articles/", "get", response, 400)
    assert (body["max_rows"], body["count"]) == (1, Article.objects.count())


def test_a_body_over_the_upload_limit_is_a_declared_413(api, editor_client, sample, settings):
    schema = served_schema(api)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = editor_client.post(PEOPLE, {"name": "x" * 2000, "slug": "big"}, format="json")
    assert "1000 bytes" in check(schema, PEOPLE, "post", response, 413)["detail"]


def test_the_servers_414_is_declared_without_a_body_of_ours(api):
    # Gunicorn answers a request line past its limit before the API sees it: declared, with no JSON promised.
    too_long = declared(served_schema(api), "/api/v1/figures/", "get", 414)
    assert "content" not in too_long and "GUNICORN_LIMIT_REQUEST_LINE" in too_long["description"]
