"""The contract: a valid schema with no warnings, and docs pages that work offline."""

import re

import pytest
import yaml
from django.core.management import call_command

from articles.api.urls import router

pytestmark = pytest.mark.django_db
RESOURCES = [prefix for prefix, _, _ in router.registry]


def test_schema_generates_valid_with_no_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    assert schema["openapi"].startswith("3.")
    for resource in RESOURCES:
        assert f"/api/v1/{resource}/" in schema["paths"]


def test_schema_endpoint_serves_every_operation_with_its_errors_and_credentials(api):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    articles = schema["paths"]["/api/v1/articles/"]
    assert {"200", "400"} <= set(articles["get"]["responses"])
    assert {"201", "400", "401", "403"} <= set(articles["post"]["responses"])
    assert {"200", "400", "404"} <= set(schema["paths"]["/api/v1/articles/{id}/"]["get"]["responses"])
    # Reading needs no credentials; writing does.
    assert {} in articles["get"]["security"]
    assert {} not in articles["post"]["security"]
    parameters = {p["name"]: p for p in articles["get"]["parameters"]}
    assert parameters["published_after"]["schema"] == {"type": "string", "format": "date"}
    assert parameters["is_syndicated"]["schema"] == {"type": "boolean"}
    assert parameters["person"]["schema"]["type"] == "array"
    assert {"page", "page_size", "ordering", "search"} <= set(parameters)
    export = {p["name"] for p in schema["paths"]["/api/v1/articles/export/ndjson/"]["get"]["parameters"]}
    assert {"fields", "omit", "ordering", "search"} <= export
    figures = {p["name"]: p for p in schema["paths"]["/api/v1/figures/"]["get"]["parameters"]}
    assert figures["value_min"]["schema"]["type"] == "number"
    assert set(figures["qualifier"]["schema"]["items"]["enum"]) == {
        "exact",
        "approximately",
        "at_least",
        "at_most",
        "range",
    }


def off_machine_references(html):
    references = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    references += re.findall(r"""url\(\s*["']?(https?://[^"')]+)""", html)
    return [ref for ref in references if re.match(r"^(https?:)?//", ref) and "testserver" not in ref]


@pytest.mark.parametrize("page", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_render_and_load_nothing_from_outside(api, page):
    response = api.get(page)
    assert response.status_code == 200
    html = response.content.decode()
    assert off_machine_references(html) == []
    # Not even in the inline script or a preconnect hint: no absolute URL to another host anywhere.
    assert [url for url in re.findall(r"https?://[^\s\"'<>)]+", html) if "//testserver" not in url] == []
    assert "/static/drf_spectacular_sidecar/" in html or "/docs-assets/redoc/" in html
    # What the bundled scripts ask for at run time is held to this machine by the browser.
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "img-src 'self' data:" in policy
    # The script nonce is random base64, which may hold "//" (CI once drew one): not a source.
    sources = re.sub(r"'nonce-[A-Za-z0-9+/=]*'", "'nonce'", policy)
    assert not re.search(r"https?:|//|\*", sources), policy


def test_docs_assets_are_served_by_the_project(api):
    html = api.get("/api/docs/").content.decode()
    for asset in re.findall(r"""src=["'](/static/[^"']+)["']""", html):
        assert api.get(asset).status_code == 200, asset


def test_the_redoc_bundle_asks_no_cdn_for_its_logo(client):
    bundle = client.get("/docs-assets/redoc/bundles/redoc.standalone.js")
    assert bundle.status_code == 200 and bundle["Content-Type"].startswith("text/javascript")
    text = bundle.content.decode()
    assert "cdn.redoc.ly" not in text and "/static/articles/docs-logo.svg" in text
    assert "/docs-assets/redoc/bundles/redoc.standalone.js" in client.get("/api/redoc/").content.decode()
