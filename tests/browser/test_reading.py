"""A reader on a phone: elder mode, Chinese search, switching language."""

import pytest

pytestmark = pytest.mark.browser


def body_font_px(page) -> float:
    # Body text, not the small type line above a heading (p.kind: "防骗指南", "面向：老年人").
    return page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('main p:not(.kind)')).fontSize)"
    )


def test_elder_mode_enlarges_text_persists_and_switches_off(phone, demo_site):
    phone.goto(demo_site + "/zh-hans/")
    normal = body_font_px(phone)
    toggle = phone.get_by_role("link", name="关怀模式")
    assert toggle.is_visible()

    toggle.click()
    phone.wait_for_url(demo_site + "/zh-hans/")
    large = body_font_px(phone)
    assert large >= 1.5 * normal - 0.05 and large >= 24  # rounding of computed px
    line_height = phone.evaluate(
        "(() => { const s = getComputedStyle(document.querySelector('main p'));"
        " return parseFloat(s.lineHeight) / parseFloat(s.fontSize); })()"
    )
    assert line_height >= 1.6
    hotline = phone.locator(".care-hotline")
    assert hotline.is_visible() and hotline.get_attribute("href") == "tel:96110"

    phone.get_by_role("link", name="老年人专区").first.click()
    phone.wait_for_url("**/zh-hans/elders/")  # not the half-parsed page (CI: no `main p` yet)
    assert body_font_px(phone) >= 24  # the preference follows the reader
    # Elder mode folds the navigation, and the way back, behind one 菜单 button.
    phone.locator(".site-header summary", has_text="菜单").click()
    with phone.expect_navigation():
        phone.get_by_role("link", name="退出关怀模式").click()
    assert body_font_px(phone) == pytest.approx(normal)
    assert not phone.locator(".care-hotline").count()


def test_search_for_a_chinese_word_and_open_a_result(phone, demo_site):
    phone.goto(demo_site + "/zh-hans/")
    phone.get_by_role("searchbox").first.fill("养老")
    phone.get_by_role("button", name="搜索").first.click()
    phone.wait_for_url("**/search/?q=*")
    results = phone.locator(".result-title a")
    assert results.count() >= 1
    first_title = results.first.inner_text()
    assert phone.locator("mark").first.inner_text() == "养老"
    with phone.expect_navigation():
        results.first.click()
    assert phone.locator("h1").inner_text() == first_title


def test_language_switch_stays_on_the_same_page(phone, demo_site):
    phone.goto(demo_site + "/zh-hans/materials/guide-elders-police-calls/")
    phone.get_by_role("link", name="English").click()
    phone.wait_for_url("**/en/materials/guide-elders-police-calls/")
    assert phone.locator("html").get_attribute("lang") == "en"
    assert "police" in phone.locator("h1").inner_text().lower()


def test_printing_a_guide_keeps_the_content_qr_code_and_hotline(phone, demo_site):
    phone.goto(demo_site + "/zh-hans/materials/guide-elders-police-calls/")
    phone.emulate_media(media="print")
    assert not phone.locator(".site-nav").is_visible()
    assert not phone.locator(".feedback").is_visible()
    assert phone.locator("h1").is_visible()
    assert phone.locator(".share-box .qr").is_visible()
    hotline, address = phone.locator(".share-box .print-only").all()
    assert hotline.is_visible() and "96110" in hotline.inner_text()
    # the address has a line of its own, with no separator left dangling after the hotline
    assert address.is_visible()
    assert address.inner_text().endswith("/zh-hans/materials/guide-elders-police-calls/")
    assert not hotline.inner_text().rstrip().endswith("·")
