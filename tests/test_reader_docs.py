"""The docs are written for readers: every operation has a summary and a
description with an example that works, tags per resource, a server, and no
code docstrings in sight."""

import re
from urllib.parse import parse_qsl

import pytest

from articles.api import operation_docs

from .openapi import served_schema

pytestmark = pytest.mark.django_db
INTERNAL = re.compile(r"subclass|queryset|serializer|_change_reason|clean\(\)|docstring|ModelViewSet|\bself\b", re.I)


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def test_every_operation_has_a_summary_and_a_description_with_no_internal_text(api):
    schema = served_schema(api)
    for name, operation in operations(schema):
        assert operation.get("summary"), name
        assert operation.get("description"), name
        assert not INTERNAL.search(operation["description"]), (name, operation["description"])
    for name, component in schema["components"]["schemas"].items():
        assert not INTERNAL.search(component.get("description", "")), name


def test_every_operation_but_a_history_gives_an_example(api):
    for name, operation in operations(served_schema(api)):
        if not operation["operationId"].endswith("_history_list"):
            assert "Example: `" in operation["description"], name


@pytest.mark.parametrize("prefix", sorted(operation_docs.RESOURCES))
def test_each_resources_example_requests_work_on_the_corpus(api, corpus, prefix):
    resource = operation_docs.RESOURCES[prefix]
    operation = served_schema(api)["paths"][f"/api/v1/{prefix}/"]["get"]
    documented = {parameter["name"] for parameter in operation["parameters"]}
    params = parse_qsl(resource.example_query)
    assert {name for name, _ in params} <= documented
    listed = api.get(f"/api/v1/{prefix}/", params)
    assert listed.status_code == 200, listed.json()
    assert listed.json()["results"], "an example should find something"
    assert api.get(f"/api/v1/{prefix}/{resource.example_key}/").status_code == 200


def test_tags_are_per_resource_with_a_description_and_the_server_is_this_one(api):
    schema = served_schema(api)
    declared = [tag["name"] for tag in schema["tags"]]
    assert declared[: len(operation_docs.RESOURCES)] == list(operation_docs.RESOURCES)
    used = {tag for _, operation in operations(schema) for tag in operation["tags"]}
    assert set(declared) == used
    assert all(tag["description"] for tag in schema["tags"])
    assert schema["servers"] == [{"url": "http://testserver", "description": "This server."}]


def test_page_is_typed_as_a_number_or_last(api, sample):
    schema = served_schema(api)
    page = next(p for p in schema["paths"]["/api/v1/articles/"]["get"]["parameters"] if p["name"] == "page")
    assert page["schema"]["oneOf"] == [{"type": "integer", "minimum": 1}, {"type": "string", "enum": ["last"]}]
    assert api.get("/api/v1/articles/", {"page": "last"}).status_code == 200
