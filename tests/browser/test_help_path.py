"""A reader who has just been scammed, on a phone, in both text modes (issue 15, "Help now"):
one tap from a guide to 被骗了怎么办, one tap on 110; an empty search leads there too."""

import re

import pytest

from tests.browser.conftest import PHONE
from tests.browser.helpers import SHOTS

pytestmark = pytest.mark.browser

SMALL_PHONE = {"width": 360, "height": 640}
GUIDE = "/zh-hans/materials/guide-elders-police-calls/"
# Standard text on a phone: the brand and the two buttons on one row, the sections on one
# row, search, languages and hotline. It was 352px of a 360×640 screen (55%) when every part
# had a row of its own; now about 205px in Chinese, 245px in English (the buttons wrap).
HEADER_MAX_PX = 250


@pytest.fixture
def small_phone(browser, demo_site):
    context = browser.new_context(
        viewport=SMALL_PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture(autouse=True)
def shots_folder():
    SHOTS.mkdir(parents=True, exist_ok=True)


def in_care_mode(page) -> bool:
    return "care-mode" in (page.locator("html").get_attribute("class") or "")


def switch_mode(page, care: bool):
    """As a reader does it: the header's 关怀模式 / 退出关怀模式 link."""
    if in_care_mode(page) != care:
        toggle = page.locator(".site-header .care-toggle")
        assert ("退出" in toggle.inner_text()) == (not care)
        with page.expect_navigation():  # not the page still showing before the tap's
            toggle.tap()
    assert in_care_mode(page) == care


def assert_fits(page, viewport, where):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{where}: the page is {overflow}px wider than the screen"
    box = page.locator(".site-header .help-link").bounding_box()
    assert box is not None, f"{where}: no help link in the header"
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], where
    assert box["y"] + box["height"] <= viewport["height"], f"{where}: help link below the fold"
    assert box["height"] >= 44, f"{where}: help link too small to tap"


@pytest.mark.parametrize("care", [False, True], ids=["standard", "care-mode"])
def test_from_a_guide_one_tap_to_the_help_path_and_one_tap_on_110(phone, demo_site, care):
    phone.goto(demo_site + GUIDE)
    switch_mode(phone, care)
    assert_fits(phone, PHONE, GUIDE)

    phone.locator(".site-header .help-link").tap()  # one tap
    phone.wait_for_url("**/zh-hans/help/")
    assert in_care_mode(phone) == care
    assert phone.locator("h1").inner_text() == "被骗了怎么办"
    call = phone.locator(".call-now a")
    assert call.is_visible() and "110" in call.inner_text()
    assert call.get_attribute("href") == "tel:110"
    box = call.bounding_box()  # on the first screen in both modes (elder mode's header folds)
    assert box["y"] + box["height"] <= PHONE["height"]
    phone.screenshot(path=str(SHOTS / f"help-page-{'care' if care else 'standard'}.png"))

    # Tapping a tel: link hands the number to the phone's dialler; the page stays. The test
    # browser has no dialler: the tap is recorded and the browser's own hand-over stopped
    # (headless Chromium's external-protocol launch could hold the next tap for 15 s in CI).
    phone.evaluate(
        "document.addEventListener('click', e => { const a = e.target.closest('a');"
        " if (a && a.protocol === 'tel:') { window.tapped = a.href; e.preventDefault(); } },"
        " true)"
    )
    call.tap()
    assert phone.evaluate("window.tapped") == "tel:110"

    # Every situation is one tap away, and each one names a number to call.
    situations = phone.locator(".help-toc a")
    assert situations.count() >= 7
    situations.nth(1).tap()
    target = phone.locator(".situation:target")
    assert "微信" in target.locator("h2").inner_text()
    assert target.locator("a[href='tel:110']").first.is_visible()


@pytest.mark.parametrize("care", [False, True], ids=["standard", "care-mode"])
@pytest.mark.parametrize("screen", ["phone", "small_phone"])
def test_the_header_with_its_help_link_fits_small_screens(request, demo_site, screen, care):
    page = request.getfixturevalue(screen)
    viewport = PHONE if screen == "phone" else SMALL_PHONE
    page.goto(demo_site + "/zh-hans/")
    switch_mode(page, care)
    for path in ("/zh-hans/", GUIDE, "/zh-hans/search/?q=被骗了", "/zh-hans/help/", "/en/"):
        page.goto(demo_site + path)
        assert in_care_mode(page) == care
        assert_fits(page, viewport, path)
        if not care:  # standard text leaves most of a small phone's first screen to the page
            header = page.locator(".site-header").bounding_box()["height"]
            assert header <= HEADER_MAX_PX, f"{path}: the header takes {header:.0f}px"
    page.goto(demo_site + GUIDE)
    name = f"help-header-{viewport['width']}-{'care' if care else 'standard'}.png"
    page.screenshot(path=str(SHOTS / name))


@pytest.mark.parametrize("care", [False, True], ids=["standard", "care-mode"])
def test_a_search_that_finds_nothing_shows_the_help_path(phone, demo_site, care):
    phone.goto(demo_site + "/zh-hans/")
    switch_mode(phone, care)
    phone.get_by_role("searchbox").first.fill("明天天气预报")
    phone.get_by_role("button", name="搜索").first.tap()
    phone.wait_for_url("**/search/?q=*")
    assert "找到 0 条" in phone.locator(".result-count").inner_text()
    path = phone.locator(".help-path")
    assert path.is_visible()
    assert path.get_by_role("link", name="被骗了怎么办").get_attribute("href") == "/zh-hans/help/"
    assert path.locator("a[href='tel:110']").first.is_visible()
    assert path.locator("a[href='tel:96110']").first.is_visible()
    assert phone.locator(".suggestions .chips a").count() >= 3  # the topics
    phone.screenshot(
        path=str(SHOTS / f"help-empty-search-{'care' if care else 'standard'}.png"), full_page=True
    )
    path.locator("a[href*='#situation-']").first.tap()
    phone.wait_for_url(re.compile(r".*/zh-hans/help/#situation-.*"))


def test_questions_people_type_find_the_help_page_first(phone, demo_site):
    for question in ("已经转账了怎么办", "妈妈被骗了怎么办", "转错账了"):
        phone.goto(demo_site + "/zh-hans/")
        phone.get_by_role("searchbox").first.fill(question)
        phone.get_by_role("button", name="搜索").first.tap()
        phone.wait_for_url("**/search/?q=*")
        first = phone.locator(".result-title a").first
        assert first.inner_text() == "被骗了怎么办", question
        assert first.get_attribute("href") == "/zh-hans/help/"
