"""Admin sign-in throttling: per username and address, with a clear message."""

import pytest
from django.test import Client


@pytest.fixture
def staff(django_user_model, db):
    for name in ("amy", "bob"):
        django_user_model.objects.create_superuser(name, password="correct-horse")


def attempt(username, password, address):
    client = Client(REMOTE_ADDR=address)
    return client, client.post("/admin/login/", {"username": username, "password": password})


def test_five_wrong_passwords_lock_that_user_from_that_address_only(staff, settings):
    for _ in range(5):
        attempt("amy", "wrong", "198.51.100.7")
    _, locked = attempt("amy", "correct-horse", "198.51.100.7")
    assert locked.status_code == 429
    assert "15" in locked.content.decode()
    # A colleague behind the same office address is not locked out…
    _, colleague = attempt("bob", "correct-horse", "198.51.100.7")
    assert colleague.status_code == 302
    # …nor is the same user from another address.
    _, elsewhere = attempt("amy", "correct-horse", "203.0.113.9")
    assert elsewhere.status_code == 302


def test_a_successful_sign_in_resets_the_count(staff):
    for _ in range(4):
        attempt("amy", "wrong", "198.51.100.7")
    _, ok = attempt("amy", "correct-horse", "198.51.100.7")
    assert ok.status_code == 302
    for _ in range(4):
        attempt("amy", "wrong", "198.51.100.7")
    _, still_ok = attempt("amy", "correct-horse", "198.51.100.7")
    assert still_ok.status_code == 302
