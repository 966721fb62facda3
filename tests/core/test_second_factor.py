"""Staff who see campaign figures sign in with a second factor (core/second_factor.py)."""

import base64

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from campaigns.permissions import COORDINATORS, MANAGERS, TEAM_LEADS
from tests.processes import ROOT, run_in_production

ENROL, VERIFY = "/admin/2fa/enrol/", "/admin/2fa/verify/"


@pytest.fixture(autouse=True)
def required(settings):
    settings.SECOND_FACTOR_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # tests/...throttled... below puts it back


def member(django_user_model, username, group=None, **extra):
    user = django_user_model.objects.create_user(username, password="pw", **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def sign_in(client, username):
    """The admin's own sign-in form (django-axes needs the request)."""
    response = client.post("/admin/login/", {"username": username, "password": "pw"})
    assert response.status_code == 302, response.content.decode()[:500]


def code_for(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enrol(client, user) -> list[str]:
    """Sign in with the password and enrol an authenticator; returns the recovery codes."""
    sign_in(client, user.username)
    assert client.get("/admin/").url.startswith(ENROL)
    page = client.get(ENROL, {"next": "/admin/"})
    assert "data:image/svg+xml" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(ENROL, {"code": code_for(device), "next": "/admin/"})
    codes = response.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    return codes


@pytest.mark.parametrize("group", [MANAGERS, TEAM_LEADS, None])
def test_a_manager_lead_or_superuser_must_enrol_before_any_admin_page(
    client, django_user_model, group
):
    user = member(django_user_model, "boss", group, is_superuser=group is None)
    sign_in(client, "boss")
    for url in ("/admin/", "/admin/campaigns/events/", "/admin/campaigns/reach/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(ENROL), url
    wrong = client.post(ENROL, {"code": "000000", "next": "/admin/"})
    assert "验证码不正确" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    enrol(client, user)
    assert client.get("/admin/campaigns/events/").status_code == 200


def test_the_next_sign_in_asks_for_the_code_and_accepts_a_recovery_code_once(
    client, django_user_model
):
    user = member(django_user_model, "manager", MANAGERS)
    codes = enrol(client, user)
    client.logout()

    sign_in(client, "manager")
    response = client.get("/admin/campaigns/events/")
    assert response.url == f"{VERIFY}?next=%2Fadmin%2Fcampaigns%2Fevents%2F"
    assert client.post(VERIFY, {"code": "123456"}).status_code == 200  # wrong: form again
    response = client.post(VERIFY, {"code": codes[0], "next": "/admin/campaigns/events/"})
    assert response.status_code == 302 and response.url == "/admin/campaigns/events/"
    assert client.get("/admin/campaigns/events/").status_code == 200
    assert not StaticToken.objects.filter(token=codes[0]).exists()  # used up

    client.logout()
    sign_in(client, "manager")
    again = client.post(VERIFY, {"code": codes[0], "next": "/admin/"})
    assert again.status_code == 200 and "已被使用" in again.content.decode()
    assert client.get("/admin/").status_code == 302


def test_with_the_password_alone_no_second_authenticator_can_be_added(client, django_user_model):
    user = member(django_user_model, "manager", MANAGERS)
    enrol(client, user)
    client.logout()
    sign_in(client, "manager")  # someone who learnt the password
    response = client.get(ENROL)
    assert response.status_code == 302 and response.url.startswith(VERIFY)
    client.post(ENROL, {"code": "000000"})
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_coordinators_and_editors_sign_in_with_the_password(client, django_user_model):
    member(django_user_model, "coord", COORDINATORS)
    sign_in(client, "coord")
    assert client.get("/admin/campaigns/events/").status_code == 200


def test_off_in_the_demo_unless_asked(client, django_user_model, settings):
    settings.SECOND_FACTOR_REQUIRED = False
    member(django_user_model, "manager", MANAGERS)
    sign_in(client, "manager")
    assert client.get("/admin/campaigns/events/").status_code == 200


def test_the_api_needs_the_second_factor_too(client, django_user_model):
    member(django_user_model, "manager", MANAGERS)
    member(django_user_model, "coord", COORDINATORS)
    sign_in(client, "manager")
    response = client.get("/api/v1/reach/")
    assert response.status_code == 403, response.content
    assert response.json().get("code") == "second_factor_required", response.content
    client.logout()

    def basic(username):
        token = base64.b64encode(f"{username}:pw".encode()).decode()
        return {"HTTP_AUTHORIZATION": f"Basic {token}"}

    assert client.get("/api/v1/reach/", **basic("manager")).status_code == 401
    assert client.get("/api/v1/reach/", **basic("coord")).status_code == 200


def test_next_never_leaves_the_site(client, django_user_model):
    user = member(django_user_model, "manager", MANAGERS)
    sign_in(client, "manager")
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=user)
    response = client.post(ENROL, {"code": code_for(device), "next": "https://evil.example/"})
    assert response.context["next"] == "/admin/"


@pytest.mark.processes
def test_production_requires_it_by_default():
    probe = "from django.conf import settings; print(settings.SECOND_FACTOR_REQUIRED)"
    result = run_in_production(str(ROOT / "manage.py"), "shell", "-c", probe)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True"


def test_an_administrator_resets_a_lost_authenticator(client, django_user_model):
    user = member(django_user_model, "manager", MANAGERS)
    enrol(client, user)
    call_command("reset_second_factor", "manager", verbosity=0)
    client.logout()
    sign_in(client, "manager")
    assert client.get("/admin/").url.startswith(ENROL)


def test_guessing_is_slowed_down(client, django_user_model, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 1  # django-otp's default: each failure doubles the wait
    user = member(django_user_model, "manager", MANAGERS)
    enrol(client, user)
    client.logout()
    sign_in(client, "manager")
    device = TOTPDevice.objects.get(user=user)
    client.post(VERIFY, {"code": "000000"})
    refused = client.post(VERIFY, {"code": code_for(device), "next": "/admin/"})
    assert refused.status_code == 200  # the right code, but too soon after a wrong one


def test_the_admin_icons_load_before_the_second_factor(client, django_user_model):
    member(django_user_model, "manager", MANAGERS)
    sign_in(client, "manager")
    response = client.get(reverse("wagtailadmin_sprite"))
    assert response.status_code == 200 and b"<svg" in response.content
