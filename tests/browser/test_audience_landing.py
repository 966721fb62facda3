"""A family member on a phone (issue 16, "Landing pages"): from the home page to 帮爸妈防骗,
the three things to remember and the must-reads on the page, one of them opened; the
elders' page reads in large type and offers to keep large text on."""

import pytest

from tests.browser.conftest import PHONE
from tests.browser.helpers import SHOTS

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def shots_folder():
    SHOTS.mkdir(parents=True, exist_ok=True)


def test_family_member_reaches_help_your_parents_and_opens_a_must_read(phone, demo_site):
    page = phone
    assert page.viewport_size == PHONE
    page.goto(demo_site + "/zh-hans/")
    entry = page.locator(".entry-points .entry-families")
    entry.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "home-entry-points-390.png"))
    footer = page.locator(".site-footer")
    footer.scroll_into_view_if_needed()
    assert footer.get_by_role("link", name="隐私政策").count() == 1
    page.screenshot(path=str(SHOTS / "home-footer-390.png"))
    entry.tap()
    page.wait_for_url("**/zh-hans/help-your-parents/")
    assert page.locator("h1").inner_text() == "帮爸妈防骗"

    things = page.locator(".remember-heading")
    assert things.all_inner_texts() == [
        "约定一句“先问我”",
        "把96110存进爸妈手机",
        "出事了别责怪，先报警",
    ]
    things.first.scroll_into_view_if_needed()
    assert things.first.is_visible()
    page.screenshot(path=str(SHOTS / "landing-families-390.png"))

    reads = page.locator(".must-reads .card-title a")
    assert reads.count() == 4
    assert reads.first.inner_text() == "帮爸妈防骗：子女能做的六件事"
    reads.first.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "landing-families-must-reads-390.png"))
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the landing page is {overflow}px wider than the screen"

    reads.first.tap()
    page.wait_for_url("**/zh-hans/materials/guide-family-help-parents/")
    assert "子女能做的六件事" in page.locator("h1").inner_text()


def test_elders_page_is_large_and_keeps_large_text_on(phone, demo_site):
    page = phone
    page.context.clear_cookies()
    page.goto(demo_site + "/zh-hans/elders/")
    body_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    main_size = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.remember-text')).fontSize)"
    )
    assert main_size >= 1.5 * body_size  # elder mode's 150%, without elder mode on
    page.screenshot(path=str(SHOTS / "landing-elders-390.png"))

    page.locator(".keep-large a").tap()
    page.wait_for_url("**/zh-hans/elders/")
    assert "care-mode" in (page.locator("html").get_attribute("class") or "")
    assert page.locator(".keep-large a").count() == 0
    page.screenshot(path=str(SHOTS / "landing-elders-care-390.png"))
