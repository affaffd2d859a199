"""The JSON renderer (orjson): the same JSON DRF's renderer gives, compact, and indented on request."""

import json

import pytest
from rest_framework.renderers import JSONRenderer as DRFJSONRenderer

pytestmark = pytest.mark.django_db


def test_a_page_is_the_json_drfs_renderer_gives(api, sample):
    response = api.get("/api/v1/articles/", {"fields": "id,title,summary,authors,outlet"})
    assert response["Content-Type"] == "application/json"
    assert b"\n" not in response.content and b", " not in response.content  # compact
    assert json.loads(DRFJSONRenderer().render(response.data)) == json.loads(response.content)
    assert "Chávez in Havana".encode() in response.content  # UTF-8, not \\u escapes


def test_indentation_asked_for_is_honoured(api, sample):
    response = api.get("/api/v1/outlets/", HTTP_ACCEPT="application/json; indent=2")
    assert response.content.startswith(b'{\n  "count"')


def test_errors_keyed_by_item_render(editor_client, sample):
    # A bulk create's errors are keyed by each record's index: numbers, not strings, until rendered.
    response = editor_client.post("/api/v1/figures/", [{"article": 10**9}], format="json")
    assert response.status_code == 400
    assert "0" in response.json()
