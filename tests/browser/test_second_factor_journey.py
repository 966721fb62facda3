"""A campaign manager on a desktop, with the second factor on as in production: first
sign-in enrols an authenticator and keeps the recovery codes; the next sign-in asks for a
code, and a recovery code stands in for a lost phone (once)."""

import base64

import pytest
from django_otp.oath import totp

from tests.browser.helpers import SHOTS

pytestmark = pytest.mark.browser


def password_step(page, site):
    page.context.clear_cookies()
    page.goto(site + "/admin/login/")
    page.fill("input[name=username]", "manager")
    page.fill("input[name=password]", "fangzha-manager")
    page.locator("form button[type=submit]").first.click()


def code_from_key(key: str) -> str:
    """What an authenticator app shows for the key printed under the QR code."""
    secret = key.replace(" ", "")
    secret += "=" * (-len(secret) % 8)
    return f"{totp(base64.b32decode(secret), step=30, t0=0, digits=6):06d}"


def test_manager_enrols_then_signs_in_with_a_code_and_with_a_recovery_code(
    desktop, demo_site_with_second_factor
):
    page, site = desktop, demo_site_with_second_factor
    password_step(page, site)
    page.wait_for_url(f"{site}/admin/2fa/enrol/**")
    assert page.locator("main h1").first.inner_text() == "设置两步登录"
    assert page.locator("img[alt='身份验证器二维码']").first.is_visible()
    page.screenshot(path=SHOTS / "second-factor-enrol.png", full_page=True)

    page.locator("input[name=code]").first.fill("000000")
    page.get_by_role("button", name="确认").first.click()
    page.get_by_text("验证码不正确").first.wait_for()

    page.wait_for_timeout(1100)  # django-otp makes a wrong code wait a second
    page.locator("input[name=code]").first.fill(
        code_from_key(page.locator("[data-secret]").first.inner_text())
    )
    page.get_by_role("button", name="确认").first.click()
    codes = page.locator("[data-recovery-codes]").first.locator("code").all_inner_texts()
    assert len(codes) == 10
    page.screenshot(path=SHOTS / "second-factor-recovery-codes.png", full_page=True)
    page.get_by_role("link", name="继续").first.click()
    page.goto(site + "/admin/campaigns/reach/")
    assert page.url == site + "/admin/campaigns/reach/"

    # Next day, the phone is lost: a recovery code, once.
    password_step(page, site)
    page.wait_for_url(f"{site}/admin/2fa/verify/**")
    page.screenshot(path=SHOTS / "second-factor-verify.png", full_page=True)
    page.locator("input[name=code]").first.fill(codes[0])
    page.get_by_role("button", name="登录").first.click()
    page.wait_for_url(site + "/admin/")
    password_step(page, site)
    page.wait_for_url(f"{site}/admin/2fa/verify/**")
    page.locator("input[name=code]").first.fill(codes[0])
    page.get_by_role("button", name="登录").first.click()
    page.get_by_text("已被使用").first.wait_for()
