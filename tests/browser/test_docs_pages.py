"""Readers of the API docs, in a real browser, with no request leaving the machine."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def operation_count(page, live_server):
    schema = page.request.get(f"{live_server.url}/api/schema/?format=json").json()
    return sum(1 for item in schema["paths"].values() for method in item if method in HTTP_METHODS)


def test_swagger_ui_renders_every_operation_and_try_it_out_works(page, live_server, sample, off_machine_requests):
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() == operation_count(page, live_server)

    operation = page.locator("#operations-articles-articles_list")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    expect(operation.locator(".live-responses-table tbody td.response-col_status")).to_have_text("200")
    assert off_machine_requests() == []


def test_redoc_renders_the_operations(page, live_server, sample, off_machine_requests):
    page.goto(f"{live_server.url}/api/redoc/")
    operations = page.locator("[data-section-id^='operation/']")
    expect(operations.first).to_be_attached(timeout=20_000)
    assert operations.count() == operation_count(page, live_server)
    assert off_machine_requests() == []
