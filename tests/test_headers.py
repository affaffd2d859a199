"""Security headers on every response: a Content-Security-Policy that lets no
inline script run unless the page gave it this response's nonce, and a
Permissions-Policy that turns off the browser features the service never uses."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db

PAGES = [
    "/api/v1/",
    "/api/v1/articles/",
    "/api/v1/articles/?format=api",  # the browsable API (on in development)
    "/api/schema/",
    "/api/docs/",
    "/api/redoc/",
    "/api/v1/no-such-thing/",  # a JSON 404
    "/admin/login/",
]
ADMIN_PAGES = ["/admin/", "/admin/articles/article/", "/admin/articles/article/add/", "/admin/articles/person/"]


def directives(response):
    policy = response["Content-Security-Policy"]
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def inline_scripts(html):
    """The attributes of every <script> without src whose type would run it."""
    found = []
    for attributes in re.findall(r"<script\b([^>]*)>", html):
        if "src=" in attributes:
            continue
        kind = re.search(r"""type=["']([^"']+)""", attributes)
        if kind and kind.group(1) not in {"text/javascript", "module"}:
            continue  # data blocks (application/json) never run
        found.append(attributes)
    return found


def assert_strict_policy(response):
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    # Nothing from another host: every source is this origin, data:, blob: or a keyword.
    for values in policy.values():
        for value in values:
            assert value in {"'self'", "'none'", "data:", "blob:", "'unsafe-inline'"} or value.startswith("'nonce-"), (
                response.request["PATH_INFO"],
                value,
            )
    html = response.content.decode() if "html" in response.get("Content-Type", "") else ""
    nonces = [value[len("'nonce-") : -1] for value in policy["script-src"] if value.startswith("'nonce-")]
    for attributes in inline_scripts(html):
        nonce = re.search(r"""nonce=["']([^"']+)""", attributes)
        assert nonce and nonce.group(1) in nonces, f"an inline script without this response's nonce: {attributes}"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_has_a_policy_with_no_inline_script_but_its_own(page, sample):
    response = Client().get(page)
    assert response.status_code in {200, 404}, (page, response.status_code)
    assert_strict_policy(response)


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_admin_pages_have_the_policy(page, sample):
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("boss", password="not-used-here"))
    response = client.get(page)
    assert response.status_code == 200, (page, response.status_code)
    assert_strict_policy(response)
    assert inline_scripts(response.content.decode()) == [], "the admin needs no inline script"


@pytest.mark.parametrize("page", ["/api/docs/", "/api/redoc/"])
def test_the_docs_inline_scripts_carry_a_fresh_nonce(page):
    client = Client()
    first, second = client.get(page), client.get(page)
    scripts = inline_scripts(first.content.decode())
    assert scripts, "the docs page starts its viewer from an inline script"
    nonce_first = [v for v in directives(first)["script-src"] if v.startswith("'nonce-")]
    nonce_second = [v for v in directives(second)["script-src"] if v.startswith("'nonce-")]
    assert len(nonce_first) == 1
    assert nonce_first != nonce_second, "a nonce is never reused"


def test_a_page_without_inline_scripts_gets_no_nonce(sample):
    assert not [v for v in directives(Client().get("/api/v1/articles/"))["script-src"] if v.startswith("'nonce-")]


DENIED_FEATURES = {"camera", "microphone", "geolocation", "payment", "usb", "display-capture"}


@pytest.mark.parametrize("page", [*PAGES, "/static/admin/css/base.css", "/admin/no-such-page/"])
def test_every_response_turns_off_the_browser_features_it_never_uses(page, sample):
    response = Client().get(page)
    policy = dict(item.strip().split("=", 1) for item in response["Permissions-Policy"].split(","))
    assert set(policy) >= DENIED_FEATURES
    assert set(policy.values()) == {"()"}, "every feature listed is denied to every origin"
