"""A second factor for the staff who can see campaign data.

With ``SECOND_FACTOR_REQUIRED`` on (production's default), every superuser and every member
of ``SECOND_FACTOR_GROUPS`` (team leads and campaign managers) proves a code from an
authenticator app (TOTP, django-otp) after the password, before any admin page or API
answer. The first time, they enrol: scan the QR code, confirm one code, and get ten
one-time recovery codes for a lost phone. An account that already has an authenticator
cannot enrol another one with the password alone; an administrator removes the old one
(``manage.py reset_second_factor <username>``).

HTTP Basic calls to the API carry a password only, so such accounts cannot use them.
"""

import base64
import re
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10
AUTHENTICATOR_NAME = "authenticator"
RECOVERY_NAME = "recovery"
# What a signed-in user must reach before the second factor: the enrolment and code pages,
# signing out, and the admin's translations script and icon sprite (a redirect there would
# put this very page inside the sprite's hidden element).
EXEMPT_PATHS = ("/admin/2fa/", "/admin/logout/", "/admin/jsi18n/", "/admin/sprite")
GUARDED_PATHS = ("/admin/", "/api/")
SIGN_IN_FIRST = _("Sign in to the admin with your authenticator code first.")
WRONG_NEW_CODE = _("This code is not right. Check the time on your phone and try the newest code.")
WRONG_CODE = _("This code is not right, or it has been used already.")


def needs_second_factor(user) -> bool:
    if not settings.SECOND_FACTOR_REQUIRED or not user.is_authenticated:
        return False
    return user.is_superuser or user.groups.filter(name__in=settings.SECOND_FACTOR_GROUPS).exists()


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


class SecondFactorMiddleware:
    """After django_otp's OTPMiddleware: send an unverified account that needs a second
    factor to enrol or to give its code; the API answers 403."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path_info = request.path_info
        if (
            path_info.startswith(GUARDED_PATHS)
            and not path_info.startswith(EXEMPT_PATHS)
            and request.user.is_authenticated
            and not request.user.is_verified()
            and needs_second_factor(request.user)
        ):
            if path_info.startswith("/api/"):
                return JsonResponse(
                    {"error": str(SIGN_IN_FIRST), "code": "second_factor_required"},
                    status=403,
                )
            step = "verify" if has_authenticator(request.user) else "enrol"
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse(f'second_factor_{step}')}?{query}")
        return self.get_response(request)


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("wagtailadmin_home")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self):
        return re.sub(r"[\s-]", "", self.cleaned_data["code"]).lower()


def _qr_data_uri(text: str) -> str:
    return segno.make(text, error="m").svg_data_uri(scale=5, border=2)


@login_required(login_url="wagtailadmin_login")
def enrol(request):
    """Scan the QR code, confirm one code; then the recovery codes, shown once."""
    user = request.user
    if not needs_second_factor(user):
        return redirect("wagtailadmin_home")
    if has_authenticator(user):
        return HttpResponseRedirect(
            f"{reverse('second_factor_verify')}?{urlencode({'next': _next_url(request)})}"
        )
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            codes = _new_recovery_codes(user)
            return render(
                request,
                "core/second_factor/recovery_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
        form.add_error(
            "code",
            _("This code is not right. Check the time on your phone and try the newest code."),
        )
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "core/second_factor/enrol.html",
        {
            "form": form,
            "qr": _qr_data_uri(device.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": _next_url(request),
        },
    )


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@login_required(login_url="wagtailadmin_login")
def verify(request):
    """The code from the authenticator app, or one of the recovery codes (used up)."""
    user = request.user
    if not needs_second_factor(user) or user.is_verified():
        return HttpResponseRedirect(_next_url(request))
    if not has_authenticator(user):
        return HttpResponseRedirect(
            f"{reverse('second_factor_enrol')}?{urlencode({'next': _next_url(request)})}"
        )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = _device_accepting(user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return HttpResponseRedirect(_next_url(request))
        form.add_error("code", _("This code is not right, or it has been used already."))
    return render(
        request, "core/second_factor/verify.html", {"form": form, "next": _next_url(request)}
    )


def _device_accepting(user, code: str):
    """Check the code against the kind of device it looks like, with django-otp's
    throttling (each failure doubles the wait before the next try)."""
    model = TOTPDevice if code.isdigit() else StaticDevice
    for device in model.objects.filter(user=user, confirmed=True):
        allowed, _details = device.verify_is_allowed()
        if allowed and device.verify_token(code):
            return device
    return None


urlpatterns = [
    path("enrol/", enrol, name="second_factor_enrol"),
    path("verify/", verify, name="second_factor_verify"),
]
