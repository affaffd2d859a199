"""The admin sign-in locks out after repeated failures, per username and per
address (django-axes, settings AXES_*), through the sign-in form as a browser posts it."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db
PASSWORD = "the-right-long-password"


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("curator", password=PASSWORD, is_staff=True)


def sign_in(username, password, address="192.0.2.1"):
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}, REMOTE_ADDR=address
    )
    return response


def signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_the_right_password_after_the_limit_is_refused(staff):
    for _ in range(4):
        assert sign_in("curator", "wrong").status_code == 200  # the form again, with its error
    assert sign_in("curator", "wrong").status_code == 429  # the fifth failure locks
    locked = sign_in("curator", PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    assert not signed_in(locked)


def test_a_username_is_locked_whatever_the_address(staff):
    for n in range(5):
        sign_in("curator", "wrong", address=f"198.51.100.{n}")
    assert sign_in("curator", PASSWORD, address="203.0.113.9").status_code == 429


def test_an_address_is_locked_whatever_the_username(staff):
    get_user_model().objects.create_user("other", password=PASSWORD, is_staff=True)
    for n in range(5):
        sign_in(f"guess{n}", "wrong", address="198.51.100.7")
    assert sign_in("other", PASSWORD, address="198.51.100.7").status_code == 429
    assert signed_in(sign_in("other", PASSWORD, address="198.51.100.8"))


def test_below_the_limit_a_success_clears_the_count(staff):
    for _ in range(4):
        sign_in("curator", "wrong")
    assert signed_in(sign_in("curator", PASSWORD))
    for _ in range(4):
        sign_in("curator", "wrong")
    assert signed_in(sign_in("curator", PASSWORD))


@override_settings(AXES_FAILURE_LIMIT=2)
def test_the_limit_comes_from_settings(staff):
    sign_in("curator", "wrong")
    sign_in("curator", "wrong")
    assert sign_in("curator", PASSWORD).status_code == 429
