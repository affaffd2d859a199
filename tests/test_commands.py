"""The management commands a newcomer and an editor use."""

import io

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.models import APIToken
from articles.models import Article, Outlet

pytestmark = pytest.mark.django_db


def test_create_editor_prints_a_working_token_last(sample):
    out = io.StringIO()
    call_command("create_editor", "carla", stdout=out)
    last = out.getvalue().strip().splitlines()[-1]
    assert last.startswith("Authorization: Token ")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=last.split(": ", 1)[1])
    response = client.post("/api/v1/outlets/", {"name": "Prensa Latina", "slug": "prensa-latina"}, format="json")
    assert response.status_code == 201
    assert Outlet.objects.filter(slug="prensa-latina").exists()


def test_the_last_line_ends_with_the_users_key_which_may_change_and_delete(sample):
    out = io.StringIO()
    call_command("create_editor", "dario", stdout=out)
    key = out.getvalue().strip().splitlines()[-1].split()[-1]
    token = APIToken.objects.get(user__username="dario")
    assert key.startswith(f"{token.key_id}.") and token.matches(key.split(".", 1)[1])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    changed = client.patch("/api/v1/outlets/granma/", {"description": "Organ of the Cuban Communist Party"})
    assert changed.status_code == 200
    assert Outlet.objects.get(slug="granma").description == "Organ of the Cuban Communist Party"
    assert client.delete(f"/api/v1/figures/{sample.figures['oil'].pk}/").status_code == 204


def test_create_editor_again_updates_and_makes_another_working_token(sample):
    first, second = io.StringIO(), io.StringIO()
    call_command("create_editor", "carla", stdout=first)
    call_command("create_editor", "carla", "--staff", stdout=second)
    keys = [out.getvalue().splitlines()[-1] for out in (first, second)]
    assert keys[0] != keys[1]
    assert "Updated" in second.getvalue()
    for header in keys:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=header.split(": ", 1)[1])
        assert client.patch("/api/v1/outlets/granma/", {"description": header[-6:]}).status_code == 200
    assert APIToken.objects.filter(user__username="carla").count() == 2


def test_loading_the_corpus_twice_adds_nothing(corpus):
    counts = {model: model.objects.count() for model in (Article, Outlet)}
    call_command("loaddata", "corpus", verbosity=0)
    assert {model: model.objects.count() for model in (Article, Outlet)} == counts
    assert counts[Article] == 5


def test_migrations_are_complete():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_migrations_create_the_editors_group_with_every_corpus_permission():
    from django.contrib.auth.models import Group

    from articles.permissions import editor_codenames

    group = Group.objects.get(name="editors")
    assert set(group.permissions.values_list("codename", flat=True)) == set(editor_codenames())
