"""Issue 13's field day: a coordinator on a phone (390×844) records an event with a photo,
hits a validation error, fixes it, saves and submits in one step; the team lead (desktop)
returns it with a comment; the coordinator fixes it on the phone; the lead approves. The
reach dashboard and the reach API change by exactly that event's figures: not before the
approval, and not by another event of the same team that is submitted but not approved.

Runs against the demo (tests/browser/conftest.py): coord_jiangnan and lead_jiangnan of
江南区反诈中心. Screenshots of each step go to /tmp/field-day/ (FANGZHA_FIELD_DAY_SHOTS).
"""

import datetime
import os
import re
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from core.templatetags.fangzha_tags import yuan
from tests.browser.conftest import PHONE
from tests.browser.helpers import confirm_same_day_if_asked
from tests.browser.test_coordinator_offline import phone_photo

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("FANGZHA_FIELD_DAY_SHOTS", "/tmp/field-day"))  # noqa: S108
NEW = "/admin/campaigns/events/new/"
EVENTS = "/admin/campaigns/events/"
DASHBOARD = "/admin/campaigns/reach/"
API = "/api/v1/reach/"
NOTES = "东门菜市场早市：反诈宣讲加防骗小游戏（外场日）"
OTHER_NOTES = "东门菜市场午市：摆摊发资料（外场日，待审核）"

# The event as finally approved: the dashboard and the API grow by exactly this.
EVENT = {
    "attendance": 86,
    "elders": 38,
    "students": 30,
    "general_public": 18,
    "materials_distributed": 120,
    "videos_screened": 2,
    "help_requests": 5,
    "warnings": 3,
    "staff_count": 3,
    "money_protected_yuan": Decimal("15800.50"),
}
# The dashboard's headline figures, by the labels a Chinese reader sees.
HEADLINE = {
    "场次": "events",
    "现场覆盖人数": "attendance",
    "发放资料": "materials_distributed",
    "劝阻人数": "warnings",
    "求助人数": "help_requests",
    "播放视频": "videos_screened",
    "投入工作人员": "staff_count",
}


def today() -> datetime.date:
    return datetime.datetime.now(ZoneInfo("Asia/Shanghai")).date()


def shot(page, name, at=None):
    """The screen as its user sees it; AT (a locator) scrolled into view first (Wagtail's
    admin scrolls inside its own panel, so a full-page shot shows the top only)."""
    if at is not None:
        at.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def dashboard(page, site) -> dict:
    """The lead's reach dashboard as read on the screen: headline figures by label, money
    protected as printed, and the line of events not counted yet."""
    page.goto(site + DASHBOARD)
    cards = page.locator(".reach-headline > div").evaluate_all(
        """cards => cards.map(card => [
            card.firstChild.textContent.trim(),
            card.querySelector('strong').textContent.trim(),
        ])"""
    )
    shown = dict(cards)
    figures = {}
    for label, value in shown.items():
        key = next((HEADLINE[k] for k in HEADLINE if label.startswith(k)), None)
        if key:
            figures[key] = int(value.replace(",", ""))
    money_label = next(label for label in shown if label.startswith("避免损失"))
    figures["money_protected_yuan"] = shown[money_label]
    pending = re.search(
        r"尚未计入：已提交 (\d+) 场，草稿 (\d+) 场，已退回 (\d+) 场",
        page.locator("main").inner_text(),
    )
    assert pending, page.locator("main").inner_text()[:500]
    figures["pending"] = tuple(int(n) for n in pending.groups())
    return figures


def api(page, site) -> dict:
    """The reach API's JSON, fetched with the lead's browser session."""
    response = page.request.get(site + API)
    assert response.status == 200, response.text()
    return response.json()


def fill(page, name, value):
    page.fill(f"[name={name}]", str(value))


def fill_when_and_where(page, start, end, notes):
    page.locator("select[name=campaign]").select_option(label="全民反诈在行动")
    page.locator("select[name=venue]").select_option(label="东门菜市场（江南区）")
    fill(page, "starts_at_0", today().isoformat())
    fill(page, "starts_at_1", start)
    fill(page, "ends_at_0", today().isoformat())
    fill(page, "ends_at_1", end)
    page.locator("select[name=format]").select_option("booth")
    fill(page, "notes", notes)


def save_and_submit(page, site):
    with page.expect_navigation():
        page.get_by_role("button", name="保存并提交审核").click()
    if confirm_same_day_if_asked(page):  # the demo (or step 1) has an event there today
        page.get_by_role("button", name="保存并提交审核").click()
    page.wait_for_url(site + EVENTS)
    assert "已保存并提交审核" in page.locator("body").inner_text()


def event_id(page, site, query) -> int:
    page.goto(site + EVENTS + "?q=" + query)
    hrefs = page.locator(f"a[href*='{EVENTS}edit/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    ids = {int(re.search(r"/edit/(\d+)/", href).group(1)) for href in hrefs}
    assert len(ids) == 1, hrefs
    return ids.pop()


def no_wider_than_the_phone(page):
    """Nothing on the form makes the phone scroll sideways."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px phone"


def test_a_field_day_from_the_phone_to_the_dashboard(coordinator, lead, demo_site):
    SHOTS.mkdir(parents=True, exist_ok=True)
    site, phone = demo_site, coordinator
    board_before, api_before = dashboard(lead, site), api(lead, site)
    shot(lead, "00_lead_dashboard_before")

    # 1. On the phone: the event with its photo; the breakdown adds up to more than the
    # people reached (50 + 30 + 18 = 98 > 86), so the form says so and keeps everything.
    phone.goto(site + NEW)
    fill_when_and_where(phone, "08:00", "10:30", NOTES)
    for name, value in EVENT.items():
        fill(phone, name, value)
    fill(phone, "elders", 50)
    phone.locator("#id_photos-ADD").click()
    phone.locator("input[name='photos-0-image']").set_input_files(phone_photo())
    fill(phone, "photos-0-caption", "早市摊位前的宣讲")
    shot(phone, "01_phone_form_filled", at=phone.locator("[name=elders]"))
    no_wider_than_the_phone(phone)
    phone.get_by_role("button", name="保存并提交审核").click()
    phone.wait_for_load_state()
    error = phone.locator(".error-message", has_text="合计 98 人").first
    error.wait_for()
    assert "超过参与人数 86 人" in error.inner_text()
    assert phone.locator("[name=notes]").input_value() == NOTES
    assert phone.locator("[name=elders]").input_value() == "50"
    assert phone.locator("[data-fz-held-photo]").count() == 1  # the photo is kept
    assert "IMG_20261201_080512.jpg" in phone.locator("[data-fz-held-photo]").inner_text()
    shot(phone, "02_phone_validation_error", at=error)
    no_wider_than_the_phone(phone)

    # 2. Fixed, then saved and submitted in one step, without choosing the photo again.
    fill(phone, "elders", 40)
    fill(phone, "general_public", 16)
    save_and_submit(phone, site)
    shot(phone, "03_phone_submitted")
    pk = event_id(phone, site, "外场日）")
    edit = f"{site}{EVENTS}edit/{pk}/"

    # Another event of the same team, submitted and never approved: it must not count.
    phone.goto(site + NEW)
    fill_when_and_where(phone, "12:00", "13:00", OTHER_NOTES)
    fill(phone, "attendance", 500)
    fill(phone, "general_public", 500)
    fill(phone, "materials_distributed", 900)
    fill(phone, "money_protected_yuan", 99999)
    save_and_submit(phone, site)

    board, figures = dashboard(lead, site), api(lead, site)
    assert {k: v for k, v in board.items() if k != "pending"} == {
        k: v for k, v in board_before.items() if k != "pending"
    }
    assert board["pending"][0] == board_before["pending"][0] + 2  # two more submitted
    assert figures == api_before
    shot(lead, "04_lead_dashboard_pending")

    # 3. The lead returns it with a comment.
    lead.goto(edit)
    assert "已提交" in lead.locator("main").inner_text()
    lead.get_by_role("link", name="退回并说明原因").click()
    comment = "签到表上老年人是 38 位，不是 40 位；群众 18 位。请核对后再提交。"
    lead.fill("textarea[name=comment]", comment)
    shot(lead, "05_lead_return_form")
    lead.get_by_role("button", name="退回协调员").click()
    lead.wait_for_url(site + EVENTS)
    assert "已退回" in lead.locator("body").inner_text()
    assert api(lead, site) == api_before

    # 4. The coordinator finds it returned, reads the comment and fixes the figures.
    phone.goto(site + EVENTS)
    rows = phone.locator("table.listing tbody tr").filter(has_text="已退回")
    assert rows.filter(has_text="15,800.50").count() == 1
    shot(phone, "06_phone_list_returned")
    phone.goto(edit)
    assert comment in phone.locator("main").inner_text()
    assert "已退回" in phone.locator("main").inner_text()
    shot(phone, "07_phone_returned_event", at=phone.locator(".help-warning", has_text=comment))
    no_wider_than_the_phone(phone)
    fill(phone, "elders", EVENT["elders"])
    fill(phone, "general_public", EVENT["general_public"])
    shot(phone, "07b_phone_fixed", at=phone.locator("[name=elders]"))
    save_and_submit(phone, site)
    shot(phone, "08_phone_resubmitted")
    assert api(lead, site) == api_before

    # 5. The lead approves it.
    lead.goto(edit)
    lead.get_by_role("link", name="通过", exact=True).click()
    shot(lead, "09_lead_approve_form")
    lead.get_by_role("button", name="通过", exact=True).click()
    lead.wait_for_url(site + EVENTS)
    assert "已通过" in lead.locator("body").inner_text()

    # 6. The dashboard and the API grew by exactly that event.
    board_after, api_after = dashboard(lead, site), api(lead, site)
    shot(lead, "10_lead_dashboard_after")
    # A booth: everyone was in the room (attendance = in person + live stream, issue 13).
    counted = {**EVENT, "events": 1, "in_person_attendance": EVENT["attendance"]}
    for key in (k for k in board_before if k not in ("pending", "money_protected_yuan")):
        assert board_after[key] - board_before[key] == counted[key], key
    submitted, drafts, returned = board_before["pending"]
    assert board_after["pending"] == (submitted + 1, drafts, returned)  # the other one

    def grown(before, after, figures):
        for key, value in after.items():
            if key == "money_protected_yuan":
                change = Decimal(value) - Decimal(before.get(key, "0.00"))
            else:
                change = value - before.get(key, 0)
            assert change == figures.get(key, 0), (key, before, after)

    grown(api_before["totals"], api_after["totals"], counted)
    audiences = ("elders", "students", "general_public")
    for key in audiences:
        before = api_before["by_audience"][key]["attendance"]
        assert api_after["by_audience"][key]["attendance"] - before == EVENT[key], key
    assert api_after["by_audience"]["unspecified"] == api_before["by_audience"]["unspecified"]
    month = today().strftime("%Y-%m")
    for breakdown, key in (("by_format", "booth"), ("by_month", month)):
        grown(api_before[breakdown].get(key, {}), api_after[breakdown][key], counted)
    changed = {
        breakdown: sorted(
            k
            for k in api_after[breakdown]
            if api_after[breakdown][k] != api_before[breakdown].get(k)
        )
        for breakdown in ("by_venue_type", "by_district", "by_format", "by_month")
    }
    assert all(len(keys) == 1 for keys in changed.values()), changed
    # The dashboard prints the money the API counts, as a Chinese reader says it.
    with translation.override("zh-hans"):
        assert board_before["money_protected_yuan"] == yuan(
            api_before["totals"]["money_protected_yuan"]
        )
        assert board_after["money_protected_yuan"] == yuan(
            api_after["totals"]["money_protected_yuan"]
        )

    # The coordinator sees it approved, with its photo.
    phone.goto(edit)
    assert "已通过" in phone.locator("main").inner_text()
    shot(phone, "11_phone_approved")
