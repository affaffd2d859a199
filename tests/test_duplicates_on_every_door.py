"""The near-duplicate detector runs on every door: an article created or given a new body through the
API or the admin is linked to the original it copies, and the answer says so. (The import doors are
covered in test_import_api, test_admin_import and test_import_document.)"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from articles.models import Article, Outlet
from articles.permissions import ensure_editors_group

pytestmark = pytest.mark.django_db


def original_and_copy_body():
    original = Article.objects.filter(original__isnull=True, syndicated_copies__isnull=True).order_by("pk").first()
    # A copy as a reposting site makes one: its own opening line, the story word for word after it.
    return original, "Reposted from our partners.\n\n" + original.body.replace("\n\n", "\n\n", 3)


def article(title, body, **extra):
    return {"title": title, "body": body, "source_document": f"{title}.txt", "source_text": body, **extra}


def test_an_api_create_of_a_near_copy_is_linked_to_its_original(editor_client, corpus):
    original, body = original_and_copy_body()
    answer = editor_client.post("/api/v1/articles/", article("Reposted", body, outlet="telesur"), format="json")
    assert answer.status_code == 201, answer.json()
    assert answer.json()["original"]["id"] == original.pk
    assert Article.objects.get(pk=answer.json()["id"]).original_id == original.pk


def test_an_original_given_by_the_client_is_kept(editor_client, corpus):
    original, body = original_and_copy_body()
    answer = editor_client.post("/api/v1/articles/", article("Reposted", body, original=None), format="json")
    assert answer.status_code == 201, answer.json()
    assert answer.json()["original"] is None


def test_an_api_body_edit_that_makes_a_copy_links_it_and_a_new_story_unlinks_it(editor_client, corpus):
    original, body = original_and_copy_body()
    made = editor_client.post("/api/v1/articles/", article("Draft", "A draft, to be written."), format="json")
    url = f"/api/v1/articles/{made.json()['id']}/"
    assert made.json()["original"] is None
    edited = editor_client.patch(url, {"body": body}, format="json")
    assert edited.status_code == 200, edited.json()
    assert edited.json()["original"]["id"] == original.pk
    rewritten = editor_client.patch(url, {"body": "Another story altogether, written here."}, format="json")
    assert rewritten.json()["original"] is None


def test_a_title_edit_does_not_run_the_detector(editor_client, corpus):
    original, body = original_and_copy_body()
    made = editor_client.post("/api/v1/articles/", article("Kept apart", body, original=None),
                              format="json")  # fmt: skip
    edited = editor_client.patch(f"/api/v1/articles/{made.json()['id']}/", {"title": "Renamed"}, format="json")
    assert edited.json()["original"] is None  # the editor's choice stands until the body changes


def test_an_admin_add_of_a_near_copy_is_linked_and_the_editor_is_told(corpus):
    original, body = original_and_copy_body()
    user = get_user_model().objects.create_user("desk", password="x", is_staff=True)
    user.groups.add(ensure_editors_group())
    client = Client()
    client.force_login(user)
    form = {
        "title": "Reposted in the admin",
        "body": body,
        "outlet": Outlet.objects.get(slug="telesur").pk,
        "language": "en",
        "published_precision": "",
        **{f"{prefix}-{key}": value for prefix in ("person_mentions", "event_mentions", "figures")
           for key, value in (("TOTAL_FORMS", 0), ("INITIAL_FORMS", 0))},
    }  # fmt: skip
    answer = client.post("/admin/articles/article/add/", form, follow=True)
    assert answer.status_code == 200
    made = Article.objects.get(title="Reposted in the admin")
    assert made.original_id == original.pk
    assert f"near copy of article {original.pk}" in answer.content.decode()
