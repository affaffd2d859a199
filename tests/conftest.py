import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from rest_framework.test import APIClient

from accounts.models import APIToken
from articles.permissions import ensure_editors_group

from .factories import build_sample, build_volume


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def corpus(db):
    call_command("loaddata", "corpus", verbosity=0)


@pytest.fixture
def sample(db):
    """A small hand-made corpus whose every answer the tests can predict."""
    return build_sample()


@pytest.fixture
def volume(sample):
    """Enough related rows that a query per row would show in the query count."""
    build_volume(sample, articles=30)
    return sample


def client_for(user):
    client = APIClient()
    _, key = APIToken.issue(user, "tests")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def editor_client(db):
    user = get_user_model().objects.create_user("editor", password="not-used-here")
    user.groups.add(ensure_editors_group())
    return client_for(user)


@pytest.fixture
def reader_client(db):
    """Signed in, but not an editor."""
    return client_for(get_user_model().objects.create_user("reader", password="not-used-here"))


@pytest.fixture
def staff_client(db):
    return client_for(get_user_model().objects.create_superuser("staff", password="not-used-here"))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The suite makes many users; the production hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def keep_the_test_connection():
    """For tests that call the WSGI application directly, as a server does: at
    the start and end of each request Django would close the connection that
    holds the test's transaction (on PostgreSQL; SQLite's in-memory database
    stays open). Django's test client does the same."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)
