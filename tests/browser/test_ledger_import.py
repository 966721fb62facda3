"""Issue 14's import journey: a coordinator on a phone (390×844) uploads the team's own
ledger (台账: a title row, a note row, everyday headers, a money column, a blank row in the
middle, a 合计 row of formulas), reads the preview and its notices, confirms, and submits
the import's drafts in one go from its result page; the team lead (1440×900) opens the
batch, approves it, and the dashboard grows by exactly those events.

Runs against the demo (tests/browser/conftest.py): coord_jiangnan and lead_jiangnan of
江南区反诈中心. Screenshots go to /tmp/ledger-import/ (FANGZHA_LEDGER_SHOTS).
"""

import datetime
import io
import os
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.utils import translation
from openpyxl.styles import Alignment, Font

from core.templatetags.fangzha_tags import yuan
from fixtures.ledgers.make_ledgers import HEADERS, NOTE
from tests.browser.test_field_day import api, dashboard, no_wider_than_the_phone, today

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("FANGZHA_LEDGER_SHOTS", "/tmp/ledger-import"))  # noqa: S108
IMPORT = "/admin/campaigns/events/import/"
CAMPAIGN = "《全民反诈在行动》"  # the demo's campaign, spelt as a ledger spells it
TEAM = "江南区反诈中心"


def rows(day: datetime.date):
    """Three events of the day, at places the demo has no event (HEADERS' order), with a
    blank row between the second and the third."""
    return [
        [1, CAMPAIGN, day, "江南区老年大学（东校区）", "社区", "江南区", "讲座", 64, 60, 90,
         1, 3800, 2, 3, "江南区老干部局", "签到", TEAM, "防养老诈骗讲座：老人为主"],
        [2, CAMPAIGN, day, "江南长途汽车站", "交通枢纽", "江南区", "摆摊", 150, None, 210,
         2, "1.5万", 3, 4, "", "估算", TEAM, "候车大厅（二楼）"],
        None,
        [3, CAMPAIGN, day, "江南职业技术学院", "高校", "江南区", "讲座", 180, None, 180,
         0, None, 1, 2, "学院保卫处", "清点", TEAM, ""],
    ]  # fmt: skip


# What the three events add to the dashboard once approved.
ADDED = {
    "events": 3,
    "attendance": 64 + 150 + 180,
    "materials_distributed": 90 + 210 + 180,
    "warnings": 1 + 2 + 0,
    "help_requests": 2 + 3 + 1,
    "staff_count": 3 + 4 + 2,
    "videos_screened": 0,
}
MONEY = Decimal("3800") + Decimal("15000")


def ledger_xlsx(day: datetime.date) -> bytes:
    """The team's ledger as Excel keeps it (as fixtures/ledgers/make_ledgers.py writes it)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = f"{day.month}月台账"
    sheet.append([f"江南区反诈中心 {day.year}年{day.month}月宣传台账"])
    sheet.append([NOTE])
    sheet.append(HEADERS)
    for row in rows(day):
        sheet.append(row or [])
    last = sheet.max_row
    sheet.append(["合计", "", "", "", "", "", "", f"=SUM(H4:H{last})", f"=SUM(I4:I{last})"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    sheet["A1"].font = Font(bold=True, size=16)
    sheet["A1"].alignment = Alignment(horizontal="center")
    for cell in sheet["C"][3:]:
        if isinstance(cell.value, datetime.date):
            cell.number_format = "yyyy/m/d"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def shot(page, name, at=None):
    if at is not None:
        at.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_a_ledger_from_the_phone_to_the_dashboard(coordinator, lead, demo_site):
    site, phone = demo_site, coordinator
    day = today()
    board_before, api_before = dashboard(lead, site), api(lead, site)
    shot(lead, "00_lead_dashboard_before")

    # 1. The coordinator uploads the ledger on the phone and reads the preview.
    phone.goto(site + IMPORT)
    shot(phone, "01_phone_import_form")
    no_wider_than_the_phone(phone)
    phone.set_input_files(
        "input[name=file]",
        files=[
            {
                "name": f"江南区{day.month}月宣传台账.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": ledger_xlsx(day),
            }
        ],
    )
    phone.get_by_role("button", name="检查文件").click()
    preview = phone.locator("#preview-heading").locator("xpath=..")
    preview.wait_for()
    text = preview.inner_text()
    assert re.search(r"3\s*条?新", text) or "3 new" in text or "新增 3" in text, text
    assert "合计" in text and "序号" in text, text  # the notices: what was left out, and why
    shot(phone, "02_phone_preview", at=phone.locator("#preview-heading"))
    no_wider_than_the_phone(phone)

    # 2. Confirms; the import's result page offers to submit its three drafts.
    phone.locator("button[name=confirm]").click()
    phone.wait_for_url(re.compile(r".*/admin/campaigns/events/import/\d+/$"))
    batch_url = phone.url
    offer = phone.get_by_role("link", name="提交这 3 条草稿审核")
    assert offer.is_visible()
    shot(phone, "03_phone_import_result", at=offer)
    no_wider_than_the_phone(phone)
    assert dashboard(lead, site)["pending"][1] == board_before["pending"][1] + 3  # drafts
    phone.goto(batch_url)

    # 3. Submits them: the confirmation lists exactly the three, then each is submitted.
    phone.get_by_role("link", name="提交这 3 条草稿审核").click()
    listed = phone.locator("ul.bulk-events li")
    listed.first.wait_for()
    assert listed.count() == 3
    shot(phone, "04_phone_bulk_submit_confirm")
    no_wider_than_the_phone(phone)
    phone.get_by_role("button", name="提交审核").click()
    phone.wait_for_url(batch_url)
    body = phone.locator("body").inner_text()
    assert "已提交审核：3 个场次" in body, body[:800]
    assert "待审核：3" in body
    shot(phone, "05_phone_submitted")
    no_wider_than_the_phone(phone)

    # 4. The lead opens the batch, reviews its three events and approves them together.
    lead.goto(batch_url)
    review = lead.get_by_role("link", name="审核这 3 个已提交的场次")
    shot(lead, "06_lead_batch")
    review.click()
    rows_shown = lead.locator("table.listing tbody tr")
    rows_shown.first.wait_for()
    assert rows_shown.count() == 3
    assert {"江南区老年大学（东校区）", "江南长途汽车站", "江南职业技术学院"} <= set(
        re.findall(r"江南[^\s·（）]*(?:（东校区）)?", lead.locator("table.listing").inner_text())
    )
    lead.locator("thead [data-bulk-action-select-all-checkbox]").check()
    shot(lead, "07_lead_batch_selected")
    lead.locator("a[href*='/outreachevent/approve/']").click()
    lead.locator("ul.bulk-events li").first.wait_for()
    assert lead.locator("ul.bulk-events li").count() == 3
    shot(lead, "08_lead_approve_confirm")
    with lead.expect_navigation():
        lead.get_by_role("button", name="通过", exact=True).click()
    assert "已通过：3 个场次" in lead.locator("body").inner_text()
    shot(lead, "09_lead_approved")

    # 5. The dashboard grew by exactly those three events, money to the fen.
    board_after, api_after = dashboard(lead, site), api(lead, site)
    shot(lead, "10_lead_dashboard_after")
    for key in (k for k in board_before if k not in ("pending", "money_protected_yuan")):
        expected = ADDED.get(key, ADDED["attendance"] if key == "in_person_attendance" else 0)
        assert board_after[key] - board_before[key] == expected, key
    assert board_after["pending"] == board_before["pending"]
    money = [
        Decimal(figures["totals"]["money_protected_yuan"]) for figures in (api_before, api_after)
    ]
    assert money[1] - money[0] == MONEY
    with translation.override("zh-hans"):  # and the dashboard prints what the API counts
        assert board_after["money_protected_yuan"] == yuan(
            api_after["totals"]["money_protected_yuan"]
        )
