"""A coordinator on a phone (390×844) at a market loses nothing when the connection drops:
the event form keeps a draft on the device, says that nothing was sent, offers the draft
back when the page opens again, and saves and submits it in one step once online. The
same form works without JavaScript.

Runs against the demo (tests/browser/conftest.py): coord_jiangnan of 江南区反诈中心,
whose district's venues are offered (东门菜市场), not 河西区's (河西综合市场).
"""

import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from tests.browser.conftest import PHONE
from tests.browser.helpers import SHOTS, confirm_same_day_if_asked, sign_in

pytestmark = pytest.mark.browser

NEW = "/admin/campaigns/events/new/"
NOTES = "东门菜市场早市摆摊，信号差（断网测试）"


def today() -> str:
    return datetime.datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()


def fill_event(page, notes):
    page.locator("select[name=campaign]").select_option(label="全民反诈在行动")
    page.locator("select[name=venue]").select_option(label="东门菜市场（江南区）")
    page.fill("input[name=starts_at_0]", today())
    page.fill("input[name=starts_at_1]", "08:00")
    page.fill("input[name=ends_at_0]", today())
    page.fill("input[name=ends_at_1]", "08:30")
    page.locator("select[name=format]").select_option("booth")
    page.fill("input[name=attendance]", "37")
    page.fill("input[name=general_public]", "37")
    page.fill("textarea[name=notes]", notes)


def phone_photo() -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 1200), (60, 120, 180)).save(buffer, format="JPEG", quality=90)
    return {
        "name": "IMG_20261201_080512.jpg",
        "mimeType": "image/jpeg",
        "buffer": buffer.getvalue(),
    }


def chosen_files(page, name) -> int:
    return page.locator(f"input[name='{name}']").evaluate("input => input.files.length")


def drafts(page) -> list:
    return page.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('fangzha:event-draft:'))"
    )


def test_a_dropped_connection_keeps_the_event_on_the_phone(phone, demo_site):
    page = phone
    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, demo_site, "coord_jiangnan", "fangzha-coord")
    page.goto(demo_site + NEW)

    # A phone form: native pickers, the team chosen, the team's district's venues.
    assert page.locator("input[name=starts_at_0]").get_attribute("type") == "date"
    assert page.locator("input[name=starts_at_1]").get_attribute("type") == "time"
    team = page.locator("select[name=team] option:checked").inner_text()
    assert team == "江南区反诈中心"
    venues = page.locator("select[name=venue] option").all_inner_texts()
    assert "东门菜市场（江南区）" in venues and "河西综合市场（河西区）" not in venues

    fill_event(page, NOTES)
    page.locator("#id_photos-ADD").click()
    page.locator("input[name='photos-0-image']").set_input_files(phone_photo())
    page.fill("input[name='photos-0-caption']", "早市摆摊现场")
    page.wait_for_function(
        "Object.keys(localStorage).some(k => k.startsWith('fangzha:event-draft:'))"
    )

    # The connection drops as the coordinator sends the event.
    page.context.set_offline(True)
    page.get_by_role("button", name="保存并提交审核").click()
    notice = page.locator(".fz-draft-notice")
    notice.wait_for()
    assert "没有网络连接" in notice.inner_text()
    assert page.url == demo_site + NEW  # still on the form, with everything typed
    assert page.locator("textarea[name=notes]").input_value() == NOTES
    page.screenshot(path=str(SHOTS / "coordinator_offline.png"), full_page=True)

    # Later, back online, the page opens again (an empty form) and offers the draft.
    page.context.set_offline(False)
    page.goto(demo_site + NEW)
    assert page.locator("textarea[name=notes]").input_value() == ""
    page.get_by_role("button", name="恢复未提交的草稿").click()
    assert page.locator("textarea[name=notes]").input_value() == NOTES
    assert page.locator("input[name=starts_at_1]").input_value() == "08:00"
    assert page.locator("select[name=venue] option:checked").inner_text() == "东门菜市场（江南区）"
    # The photo comes back too (kept in IndexedDB), with its caption.
    page.wait_for_function(
        "document.querySelector(\"input[name='photos-0-image']\")?.files.length === 1"
    )
    assert page.locator("input[name='photos-0-caption']").input_value() == "早市摆摊现场"
    page.screenshot(path=str(SHOTS / "coordinator_draft_restored.png"), full_page=True)

    with page.expect_navigation():
        page.get_by_role("button", name="保存并提交审核").click()
    if confirm_same_day_if_asked(page):
        page.get_by_role("button", name="保存并提交审核").click()
    page.wait_for_url(demo_site + "/admin/campaigns/events/")
    assert "已保存并提交审核" in page.locator("body").inner_text()

    # Saved: the draft is gone from the phone, and the event is submitted, once.
    page.goto(demo_site + NEW)
    assert not drafts(page)
    assert page.get_by_role("button", name="恢复未提交的草稿").count() == 0
    page.goto(demo_site + "/admin/campaigns/events/?q=" + "断网测试")
    rows = page.locator("table.listing tbody tr")
    assert rows.count() == 1
    assert "已提交" in rows.first.inner_text()
    href = rows.first.locator("a[href*='/admin/campaigns/events/edit/']").first.get_attribute(
        "href"
    )
    page.goto(demo_site + href)
    assert page.locator("input[name='photos-TOTAL_FORMS']").input_value() == "1"
    assert page.locator("input[name='photos-0-id']").input_value()  # the photo was saved


def test_the_event_form_works_without_javascript(browser, demo_site):
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN", java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, demo_site, "coord_jiangnan", "fangzha-coord")
        page.goto(demo_site + NEW)
        fill_event(page, "无脚本也能提交（测试）")
        page.fill("input[name=attendance]", "12")  # below the breakdown: an error first
        # Without its script Wagtail's sidebar placeholder covers a phone's screen, so the
        # button is pressed from the keyboard, as a screen reader user would.
        with page.expect_navigation():
            page.get_by_role("button", name="保存并提交审核").press("Enter")
        assert page.locator("textarea[name=notes]").input_value() == "无脚本也能提交（测试）"
        assert page.locator("input[name=starts_at_1]").input_value() == "08:00"
        assert page.locator(".fz-draft-notice").count() == 0
        confirm_same_day_if_asked(page)  # the first test recorded an event there today
        page.fill("input[name=attendance]", "37")
        page.get_by_role("button", name="保存并提交审核").press("Enter")
        page.wait_for_url(re.compile(r".*/admin/campaigns/events/$"))
        page.goto(demo_site + "/admin/campaigns/events/?q=" + "无脚本也能提交")
        assert "已提交" in page.locator("table.listing tbody tr").first.inner_text()
    finally:
        context.close()
