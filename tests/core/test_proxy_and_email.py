"""Behind a reverse proxy each client is itself (sign-in throttling per real address), and
production never writes e-mails (password-reset links) to the log."""

import pytest
from django.test import Client

from tests.processes import ROOT, run_in_production

PROXY = "10.0.0.2"  # the reverse proxy: every request reaches Django from this address


@pytest.fixture
def staff(django_user_model, db):
    for name in ("amy", "bob"):
        django_user_model.objects.create_superuser(name, password="correct-horse")


def sign_in(username, password, client_address):
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address)
    return client.post("/admin/login/", {"username": username, "password": password})


def test_behind_one_proxy_two_clients_are_throttled_separately(staff, settings):
    settings.PROXY_COUNT = 1
    for _ in range(5):
        sign_in("amy", "wrong", "198.51.100.7")
    assert sign_in("amy", "correct-horse", "198.51.100.7").status_code == 429
    # Amy from home, through the same proxy, is not locked out by the attacker's tries.
    assert sign_in("amy", "correct-horse", "203.0.113.9").status_code == 302


def test_the_lockout_records_the_forwarded_client_address(staff, settings):
    from axes.models import AccessAttempt

    settings.PROXY_COUNT = 1
    sign_in("amy", "wrong", "198.51.100.7")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.7"]


def test_behind_the_proxy_an_address_the_client_wrote_is_not_trusted(staff, settings):
    from axes.models import AccessAttempt

    settings.PROXY_COUNT = 1
    # The client forges "1.2.3.4"; the proxy appends the address it really came from.
    Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7").post(
        "/admin/login/", {"username": "amy", "password": "wrong"}
    )
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.7"]


def test_without_a_proxy_a_forged_forwarded_header_is_ignored(staff, settings):
    from axes.models import AccessAttempt

    settings.PROXY_COUNT = 0
    Client(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="1.2.3.4").post(
        "/admin/login/", {"username": "amy", "password": "wrong"}
    )
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.7"]


@pytest.mark.processes
@pytest.mark.parametrize(
    "backend",
    [
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
    ],
)
def test_production_refuses_an_email_backend_that_does_not_send(backend):
    result = run_in_production(str(ROOT / "manage.py"), "check", EMAIL_BACKEND=backend)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "EMAIL_BACKEND" in result.stderr


@pytest.mark.processes
def test_production_sends_mail_over_smtp_by_default():
    result = run_in_production(
        "-c",
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.EMAIL_BACKEND)",
        PYTHONPATH=str(ROOT / "site"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.core.mail.backends.smtp.EmailBackend"
