"""Who may do what: every role against every operation on every resource.

A resource's data (model, key, create and update payloads) is declared once, by
its class in test_api_resources.py; this module crosses those with the roles.
"""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest
from rest_framework.test import APIClient

from accounts.models import APIToken
from articles.api.urls import router
from articles.models import Outlet
from articles.permissions import ensure_editors_group

from . import test_api_resources
from .api_mixins import ResourceTests
from .conftest import client_for

RESOURCES = {
    cls.resource: cls()
    for cls in vars(test_api_resources).values()
    if isinstance(cls, type) and issubclass(cls, ResourceTests) and cls is not ResourceTests
}
ACTIONS = ("list", "detail", "create", "put", "patch", "delete")
WRITES = {"create", "put", "patch", "delete"}
ALLOWED = {"list": 200, "detail": 200, "create": 201, "put": 200, "patch": 200, "delete": 204}
EXPECTED = {
    "anonymous": {action: 401 if action in WRITES else 200 for action in ACTIONS},
    "reader": {action: 403 if action in WRITES else 200 for action in ACTIONS},
    "editor": ALLOWED,
    "staff": ALLOWED,
}

pytestmark = pytest.mark.django_db


# Not a corpus resource with create/read/update/delete, but the editors' worklist: its own permission
# tests, partial ones included, are in test_suggestions_api.py.
WORKLISTS = {"suggestions"}


def test_the_matrix_covers_every_resource_the_api_serves():
    assert set(RESOURCES) == {prefix for prefix, _, _ in router.registry} - WORKLISTS


def snapshot():
    """Every row of every table of the corpus, m2m tables included (the unmanaged
    models are SQLite's full-text indexes, which follow the tables)."""
    return {
        model._meta.db_table: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("articles").get_models(include_auto_created=True)
        if model._meta.managed
    }


def send(client, action, spec, sample, obj):
    if action == "list":
        return client.get(spec.list_url())
    if action == "detail":
        return client.get(spec.detail_url(obj))
    if action == "create":
        return client.post(spec.list_url(), spec.create_payload(sample), format="json")
    if action == "put":
        payload = {**spec.create_payload(sample), **spec.update_payload(sample)}
        return client.put(spec.detail_url(obj), payload, format="json")
    if action == "patch":
        return client.patch(spec.detail_url(obj), spec.update_payload(sample), format="json")
    return client.delete(spec.detail_url(obj))


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", list(EXPECTED))
@pytest.mark.parametrize("resource", sorted(RESOURCES))
def test_permission_matrix(request, sample, resource, role, action):
    spec = RESOURCES[resource]
    client = request.getfixturevalue("api" if role == "anonymous" else f"{role}_client")
    expected = EXPECTED[role][action]
    obj = spec.existing(sample)
    if action in {"put", "patch", "delete"} and expected < 400:
        # A record of the writer's own, made from the create payload, so a full PUT is valid.
        created = client.post(spec.list_url(), spec.create_payload(sample), format="json")
        assert created.status_code == 201, created.json()
        obj = spec.model.objects.get(pk=created.json()["id"])
    before = snapshot()

    response = send(client, action, spec, sample, obj)

    assert response.status_code == expected, response.content
    if expected >= 400:
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["detail"]
        assert snapshot() == before, "a refused write changed the database"
        if expected == 401:
            assert response["WWW-Authenticate"] == "Token"
    elif action == "create":
        assert spec.model.objects.filter(pk=response.json()["id"]).exists()
    elif action in {"put", "patch"}:
        shown = client.get(spec.detail_url(obj)).json()
        for name, value in spec.update_payload(sample).items():
            assert response.json()[name] == shown[name] == value, name
    elif action == "delete":
        assert not spec.model.objects.filter(pk=obj.pk).exists()
    elif action == "list":
        assert response.json()["count"] == spec.model.objects.count()
    else:
        assert response.json()["id"] == obj.pk


# Sessions: a browser signed in as an editor writes only with the CSRF token.


@pytest.fixture
def session_editor(db):
    user = get_user_model().objects.create_user("browser-editor", password="a-long-test-password")
    user.groups.add(ensure_editors_group())
    client = APIClient(enforce_csrf_checks=True)
    # django-axes counts sign-ins by their request, so a test sign-in passes one.
    assert client.login(request=HttpRequest(), username="browser-editor", password="a-long-test-password")
    return client


OUTLET = {"name": "Prensa Latina", "slug": "prensa-latina", "kind": "wire", "country": "CU"}


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_session_write_without_the_csrf_token_is_refused(session_editor, sample, method):
    before = snapshot()
    url = "/api/v1/outlets/" if method == "post" else "/api/v1/outlets/granma/"
    response = getattr(session_editor, method)(url, OUTLET, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert snapshot() == before


def test_session_write_with_the_csrf_token_succeeds(session_editor, sample):
    # A page of the browsable API hands the browser its CSRF cookie, as any Django page does.
    assert session_editor.get("/api/v1/outlets/", HTTP_ACCEPT="text/html").status_code == 200
    token = session_editor.cookies["csrftoken"].value
    response = session_editor.post("/api/v1/outlets/", OUTLET, format="json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201, response.json()
    assert response.json()["slug"] == "prensa-latina"
    changed = session_editor.patch(
        "/api/v1/outlets/prensa-latina/", {"description": "Cuban news agency"}, format="json", HTTP_X_CSRFTOKEN=token
    )
    assert changed.status_code == 200
    assert session_editor.delete("/api/v1/outlets/prensa-latina/", HTTP_X_CSRFTOKEN=token).status_code == 204


def test_a_token_needs_no_csrf_token(session_editor, sample):
    _, key = APIToken.issue(get_user_model().objects.get(username="browser-editor"), "tests")
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.post("/api/v1/outlets/", OUTLET, format="json").status_code == 201


def test_a_session_non_editor_with_the_csrf_token_is_still_refused(sample):
    get_user_model().objects.create_user("browser-reader", password="a-long-test-password")
    client = APIClient(enforce_csrf_checks=True)
    assert client.login(request=HttpRequest(), username="browser-reader", password="a-long-test-password")
    client.get("/api/v1/outlets/", HTTP_ACCEPT="text/html")
    response = client.post(
        "/api/v1/outlets/", OUTLET, format="json", HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value
    )
    assert response.status_code == 403
    assert "CSRF" not in response.json()["detail"]
    assert not Outlet.objects.filter(slug="prensa-latina").exists()


# The admin is for staff only.


@pytest.mark.parametrize(("role", "status"), [("anonymous", 302), ("editor", 302), ("staff", 200)])
def test_only_staff_reach_the_admin(client, role, status):
    if role != "anonymous":
        user = get_user_model().objects.create_user(role, password="a-long-test-password", is_staff=role == "staff")
        user.groups.add(ensure_editors_group())
        client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
@pytest.mark.parametrize("scheme", ["Token", "Bearer", "bearer"])
def test_an_editor_key_writes_as_token_or_bearer(api, sample, scheme):
    user = get_user_model().objects.create_user("keyholder")
    user.groups.add(ensure_editors_group())
    _, key = APIToken.issue(user, "tests")
    api.credentials(HTTP_AUTHORIZATION=f"{scheme} {key}")
    response = api.patch("/api/v1/outlets/granma/", {"description": "Party daily"}, format="json")
    assert response.status_code == 200, response.json()
    api.credentials(HTTP_AUTHORIZATION=f"{scheme} not-a-key")
    refused = api.get("/api/v1/outlets/")
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == "Token"


def test_the_schema_declares_the_bearer_scheme(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert schema["components"]["securitySchemes"]["tokenAuth"]["type"] == "http"
    assert schema["components"]["securitySchemes"]["tokenAuth"]["scheme"] == "bearer"


# Partial permissions: each model permission grants exactly its own operation.

GRANTS = {"add": {"create"}, "change": {"put", "patch"}, "delete": {"delete"}, "view": set()}


@pytest.mark.parametrize("action", sorted(WRITES))
@pytest.mark.parametrize("permission", sorted(GRANTS))
@pytest.mark.parametrize("resource", sorted(RESOURCES))
def test_one_model_permission_grants_its_own_operation_and_no_other(sample, resource, permission, action):
    spec = RESOURCES[resource]
    model = spec.model
    user = get_user_model().objects.create_user(f"only-{permission}")
    user.user_permissions.add(
        Permission.objects.get(
            content_type=ContentType.objects.get_for_model(model), codename=f"{permission}_{model._meta.model_name}"
        )
    )
    client = client_for(user)
    obj = spec.existing(sample)
    if action in {"put", "patch", "delete"}:
        # A record made from the create payload, so that a full PUT is valid.
        obj = model.objects.get(pk=editor_made(spec, sample))
    before = snapshot()

    response = send(client, action, spec, sample, obj)

    if action in GRANTS[permission]:
        assert response.status_code == ALLOWED[action], response.content
    else:
        assert response.status_code == 403, response.content
        assert snapshot() == before, "a refused write changed the database"


def editor_made(spec, sample) -> int:
    editor = get_user_model().objects.create_user("maker")
    editor.groups.add(ensure_editors_group())
    created = client_for(editor).post(spec.list_url(), spec.create_payload(sample), format="json")
    assert created.status_code == 201, created.json()
    return created.json()["id"]
