"""Schemathesis against the API in-process: every operation of the schema the
app serves, every check but positive data acceptance (see CONFIG), as an
anonymous client and as an editor, over the
fixture corpus, with a fixed seed.

Select with `-m fuzz`; FUZZ_EXAMPLES raises (or lowers) the examples per
operation of the fuzzing phase, and FUZZ_EXAMPLES=0 skips the fuzzing (CI
fuzzes once, on PostgreSQL, the production database).
"""

import datetime
import os
import time
from collections import Counter

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.db import transaction
from hypothesis import HealthCheck, settings

from accounts.models import APIToken
from articles import dates
from articles.permissions import ensure_editors_group
from corpus_api.wsgi import application

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db, pytest.mark.usefixtures("keep_the_test_connection")]

SEED = 20260201
READ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "30"))
WRITE_EXAMPLES = int(os.environ.get("FUZZ_WRITE_EXAMPLES", str(max(READ_EXAMPLES // 2, 1))))
if READ_EXAMPLES == 0:
    pytest.skip("FUZZ_EXAMPLES=0: fuzzing is off for this run", allow_module_level=True)

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        # No example database: a run depends on the seed alone, not on what earlier runs found.
        "generation": {"max-examples": READ_EXAMPLES, "database": "none"},
        # A failed precondition is checked before the body, as HTTP orders them, so 412 also
        # answers a request that is invalid in other ways: it is a refusal like 400.
        "checks": {
            # Off: a schema-valid body is still refused with a 400 when what it says contradicts
            # other records (a slug or id naming nothing, a quote that is not in the article's body),
            # which no JSON Schema can state. The API tests post valid records of every kind.
            "positive_data_acceptance": {"enabled": False},
            "negative_data_rejection": {
                "expected-statuses": [
                    "400",
                    "401",
                    "403",
                    "404",
                    "405",
                    "406",
                    "409",
                    "412",
                    "415",
                    "422",
                    "428",
                    "429",
                    "5xx",
                ]
            },
        },
        "operations": [
            {"include-method": "POST", "generation": {"max-examples": WRITE_EXAMPLES}},
            {"include-method": "PUT", "generation": {"max-examples": WRITE_EXAMPLES}},
            {"include-method": "PATCH", "generation": {"max-examples": WRITE_EXAMPLES}},
            {"include-method": "DELETE", "generation": {"max-examples": WRITE_EXAMPLES}},
        ],
    }
)
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, config=CONFIG)


@schema.hooks.hook
def map_body(ctx, body):
    """Rules between two fields of one record, which JSON Schema cannot state,
    applied to generated bodies so that the positive phase sends valid records:
    an event ends after it starts and starts on the first day of its period; an
    article's date has a precision and starts its period, and its time needs a
    day; a figure's upper bound is not below its value, and only a range has one;
    an evidence span's offsets move together.
    The API's 400s for breaking them are tested in tests/test_errors.py."""
    if not isinstance(body, dict):
        return body
    body = dict(body)
    offsets = [body[key] for key in ("start", "end") if key in body]
    if len(offsets) == 1 and _number(offsets[0]):
        # An evidence span moves with both offsets (and its quote); one alone
        # leaves it off its quote, a 400 tested in tests/test_errors.py.
        body.pop("start", None)
        body.pop("end", None)
    start, end = _day(body.get("start")), _day(body.get("end"))
    if start and end and end < start:
        body["start"], body["end"] = body["end"], body["start"]
        start, end = end, start
    if start and body.get("precision") in dates.Precision.values:
        body["start"] = dates.period_start(start, body["precision"]).isoformat()
    creating = ctx.operation is not None and ctx.operation.method.upper() == "POST"
    if creating and "published_precision" in body:
        body.setdefault("published", None)
    # A negative case's mutated precision or time (a number, a word not in the enum) is left as generated: turned
    # into a valid one, the case would no longer be the invalid request it claims to be.
    published_valid = body.get("published_precision", "") in ("", *dates.Precision.values) and (
        body.get("published_time") is None or _time(body["published_time"])
    )
    if "published" in body and published_valid:  # a date has a precision, and only a dated article has one
        if body["published"] is None:
            body["published_precision"], body["published_time"] = "", None
        elif not body.get("published_precision"):
            body["published_precision"] = "day"
        published = _day(body.get("published"))
        if published and body.get("published_precision") in dates.Precision.values:
            body["published"] = dates.period_start(published, body["published_precision"]).isoformat()
    if body.get("published_time") is not None and published_valid:
        if body.get("published") is None:
            body["published_time"] = None
        else:
            body["published_precision"] = "day"
    value, value_max = body.get("value"), body.get("value_max")
    if _number(value) and _number(value_max) and value_max < value:
        body["value"], body["value_max"] = value_max, value
    if "qualifier" in body and "value_max" in body:
        if body["qualifier"] == "range" and body["value_max"] is None and _number(body.get("value")):
            body["value_max"] = body["value"]
        elif body["qualifier"] != "range":
            body["value_max"] = None
    return body


@schema.hooks.hook
def map_query(ctx, query):
    """A cursor is opaque: a client has the empty one (the first page) and those
    the API hands out in `next`/`previous`. Any other is a 400, tested in
    tests/test_pagination.py."""
    if isinstance(query, dict) and query.get("cursor"):
        query = {**query, "cursor": ""}
    return query


def _day(value):
    try:
        return datetime.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _time(value):
    try:
        return datetime.time.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _number(value):
    return isinstance(value, int | float) and not isinstance(value, bool)


CASES: Counter = Counter()
OPERATIONS: dict[str, set] = {"anonymous": set(), "editor": set()}


@pytest.fixture(scope="module", autouse=True)
def report(request):
    started = time.monotonic()
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    # Teardown output is captured (and dropped when every test passed): print past the capture.
    with request.config.pluginmanager.get_plugin("capturemanager").global_and_fixture_disabled():
        reporter.write_line("")
        for role, operations in OPERATIONS.items():
            reporter.write_line(f"schemathesis {role}: {len(operations)} operations, {CASES[role]} cases")
        reporter.write_line(f"schemathesis: {time.monotonic() - started:.0f}s")


@pytest.fixture
def editor_token(db):
    user = get_user_model().objects.create_user("fuzz-editor", password="not-used-here")
    user.groups.add(ensure_editors_group())
    return APIToken.issue(user, "fuzz")[1]


def run(role, case, headers=None):
    OPERATIONS[role].add(case.operation.label)
    CASES[role] += 1
    # Each request in a savepoint, as each has its own transaction on a live
    # server: on PostgreSQL one refused statement would otherwise abort the
    # test's transaction for every request after it.
    with transaction.atomic():
        case.call_and_validate(headers=headers)


# The corpus and the editor are made once per operation, and the examples of
# an operation share them: an editor's writes accumulate within the test's
# transaction, as they would on a live server, and are rolled back after it.
SHARED_FIXTURES = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


@schema.parametrize()
@SHARED_FIXTURES
def test_anonymous(case, corpus):
    run("anonymous", case)


@schema.parametrize()
@SHARED_FIXTURES
def test_editor(case, corpus, editor_token):
    run("editor", case, headers={"Authorization": f"Token {editor_token}"})
