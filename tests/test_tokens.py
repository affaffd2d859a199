"""API tokens as NetBox v2 and knox keep them: a digest stored, the key shown
once, several per user with a name, an expiry and a scope; editors list, make
and revoke their own through /api/v1/tokens/; failed keys count against the
client's address. Through HTTP, as a client uses them."""

import io
import uuid
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import auth_failures
from accounts.models import APIToken
from articles.permissions import ensure_editors_group

pytestmark = pytest.mark.django_db
TOKENS = "/api/v1/tokens/"
OUTLET = "/api/v1/outlets/granma/"


@pytest.fixture
def editor(db):
    user = get_user_model().objects.create_user("tokenholder")
    user.groups.add(ensure_editors_group())
    return user


def client_with(key) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_made_token_shows_its_key_once_and_stores_only_a_digest(editor, sample):
    _, first = APIToken.issue(editor, "setup")
    made = client_with(first).post(TOKENS, {"name": "laptop"}, format="json")
    assert made.status_code == 201, made.json()
    key = made.json()["key"]
    assert key.startswith(made.json()["key_id"] + ".")
    # The key works, and is never shown again.
    assert client_with(key).patch(OUTLET, {"description": "By the new key."}, format="json").status_code == 200
    listed = client_with(key).get(TOKENS).json()["results"]
    assert {row["name"] for row in listed} == {"setup", "laptop"}
    assert all(row["key"] is None for row in listed)
    assert client_with(key).get(f"{TOKENS}{made.json()['id']}/").json()["key"] is None
    # Nothing in the row holds the key or its secret.
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apitoken WHERE id = %s", [made.json()["id"]])
        row = cursor.fetchone()
    secret = key.split(".", 1)[1]
    assert not any(secret in str(value) or key in str(value) for value in row)


def test_an_unknown_key_in_the_body_is_a_400(editor, sample):
    _, key = APIToken.issue(editor, "setup")
    response = client_with(key).post(TOKENS, {"name": "x", "scope": "all"}, format="json")
    assert response.status_code == 400
    assert "scope" in response.json()


def test_a_read_only_token_reads_but_never_writes(editor, sample):
    _, key = APIToken.issue(editor, "reader", write_enabled=False)
    client = client_with(key)
    assert client.get(OUTLET).status_code == 200
    for response in (
        client.patch(OUTLET, {"description": "No."}, format="json"),
        client.post("/api/v1/people/", {"name": "X", "slug": "x"}, format="json"),
        client.delete(OUTLET),
        client.post(TOKENS, {"name": "escalate"}, format="json"),
    ):
        assert response.status_code == 403
        assert "read-only" in response.json()["detail"]
    assert APIToken.objects.filter(user=editor).count() == 1


def test_an_expired_token_is_a_401_that_says_so(editor, sample):
    _, key = APIToken.issue(editor, "old", expires=timezone.now() - timedelta(minutes=1))
    response = client_with(key).get(OUTLET)
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_a_revoked_token_stops_working_and_others_tokens_are_not_found(editor, sample):
    _, key = APIToken.issue(editor, "main")
    spare, spare_key = APIToken.issue(editor, "spare")
    other_user = get_user_model().objects.create_user("someone-else")
    theirs, _ = APIToken.issue(other_user, "theirs")
    client = client_with(key)
    assert client.get(f"{TOKENS}{theirs.pk}/").status_code == 404
    assert client.delete(f"{TOKENS}{theirs.pk}/").status_code == 404
    assert APIToken.objects.filter(pk=theirs.pk).exists()
    assert client.delete(f"{TOKENS}{spare.pk}/").status_code == 204
    assert client_with(spare_key).get(OUTLET).status_code == 401
    assert client.get(OUTLET).status_code == 200


def test_anonymous_clients_have_no_tokens(api, sample):
    assert api.get(TOKENS).status_code == 401
    assert api.post(TOKENS, {"name": "x"}, format="json").status_code == 401


def test_a_wrong_secret_for_a_real_key_id_is_refused(editor, sample):
    token, key = APIToken.issue(editor, "main")
    assert client_with(f"{token.key_id}.{'x' * 43}").get(OUTLET).status_code == 401
    assert client_with(token.key_id).get(OUTLET).status_code == 401


def test_last_used_is_recorded_at_most_once_a_minute(editor, sample):
    token, key = APIToken.issue(editor, "main")
    assert token.last_used is None
    client_with(key).get(OUTLET)
    token.refresh_from_db()
    first = token.last_used
    assert first is not None
    client_with(key).get(OUTLET)
    token.refresh_from_db()
    assert token.last_used == first


@pytest.mark.parametrize("scheme", ["Token", "Bearer"])
def test_both_schemes_carry_a_key(editor, sample, scheme):
    _, key = APIToken.issue(editor, "main")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{scheme} {key}")
    assert client.patch(OUTLET, {"description": scheme}, format="json").status_code == 200


def test_create_editor_makes_a_new_read_only_token_with_an_expiry(sample):
    out = io.StringIO()
    call_command("create_editor", "eva", "--read-only", "--expires-days", "7", "--token-name", "cli", stdout=out)
    header = out.getvalue().strip().splitlines()[-1].split(": ", 1)[1]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get(OUTLET).status_code == 200
    assert client.patch(OUTLET, {"description": "No."}, format="json").status_code == 403
    token = APIToken.objects.get(user__username="eva")
    assert (token.name, token.write_enabled) == ("cli", False)
    assert timedelta(days=6, hours=23) < token.expires - timezone.now() <= timedelta(days=7)


def test_failed_keys_from_one_address_are_refused_until_the_window_ends(editor, sample, settings, monkeypatch):
    settings.THROTTLE_AUTH_FAILURES = "3/min"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    }
    now = [1_800_000_015.0]
    monkeypatch.setattr(auth_failures, "timer", lambda: now[0])
    _, key = APIToken.issue(editor, "main")
    for _ in range(3):
        assert client_with("guess.wrong").get(OUTLET, REMOTE_ADDR="198.51.100.1").status_code == 401
    refused = client_with(key).get(OUTLET, REMOTE_ADDR="198.51.100.1")  # even the right key
    assert refused.status_code == 429
    assert refused["Retry-After"] == "45"
    assert "failed" in refused.json()["detail"]
    # Another address is not refused; nor is this one once its window has ended.
    assert client_with(key).get(OUTLET, REMOTE_ADDR="198.51.100.2").status_code == 200
    now[0] += 45
    assert client_with(key).get(OUTLET, REMOTE_ADDR="198.51.100.1").status_code == 200


def test_the_swagger_ui_does_not_keep_the_token(api):
    page = api.get("/api/docs/").content.decode()
    assert '"persistAuthorization": false' in page or 'persistAuthorization": false' in page


def test_the_admin_makes_a_token_and_shows_its_key_once(admin_client, editor, sample):
    response = admin_client.post(
        "/admin/accounts/apitoken/add/",
        {"user": editor.pk, "name": "from the admin", "write_enabled": "on", "expires_0": "", "expires_1": ""},
        follow=True,
    )
    assert response.status_code == 200
    shown = [str(message) for message in response.context["messages"]]
    key = next(text.split("shown only now: ")[1].split()[0] for text in shown if "shown only now" in text)
    assert client_with(key).patch(OUTLET, {"description": "Admin-made."}, format="json").status_code == 200
    assert "messages" not in admin_client.cookies  # kept in the session, never in a cookie
    token = APIToken.objects.get(name="from the admin")
    page = admin_client.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode()
    assert key.split(".", 1)[1] not in page and token.digest not in page


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "write_enabled": 0}, "write_enabled"),
        ({"name": "x", "expires": "2000-01-01T00:00:00Z"}, "expires"),
        ({"name": 5}, "name"),
    ],
)
def test_a_token_body_of_the_wrong_type_or_a_past_expiry_is_a_400(editor, sample, body, field):
    _, key = APIToken.issue(editor, "setup")
    response = client_with(key).post(TOKENS, body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert APIToken.objects.filter(user=editor).count() == 1


def test_a_token_read_declares_no_etag_it_does_not_send(editor, api, sample):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert "ETag" not in schema["paths"]["/api/v1/tokens/{id}/"]["get"]["responses"]["200"].get("headers", {})
