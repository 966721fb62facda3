"""A team lead on a desktop: reads the story of an event of their team in its history, in
Chinese; and a coordinator of another team cannot reach a campaign their team is not in.

Runs against the demo (tests/browser/conftest.py): 江南区反诈中心 (lead_jiangnan,
coord_jiangnan) and 河西派出所 (coord_hexi, lead_hexi).
"""

import re

import pytest

from tests.browser.helpers import SHOTS, sign_in

pytestmark = pytest.mark.browser

JIANGNAN = "江南区反诈中心"


def choose(page, field, label):
    page.locator(f"select[name={field}]").select_option(label=label)


def save(page):
    """The form's main button: 创建 on a new object, 保存 on an existing one."""
    page.get_by_role("button", name=re.compile("^(创建|保存)$")).first.click()


def test_lead_reads_the_history_of_a_team_event_in_chinese(desktop, demo_site):
    page = desktop
    # The coordinator records an event, corrects the count and submits it.
    sign_in(page, demo_site, "coord_jiangnan", "fangzha-coord")
    page.goto(demo_site + "/admin/campaigns/events/new/")
    choose(page, "campaign", "全民反诈在行动")
    choose(page, "team", JIANGNAN)
    choose(page, "venue", "东门菜市场（江南区）")
    page.fill("input[name=starts_at_0]", "2026-05-08")  # the phone's own date and time pickers
    page.fill("input[name=starts_at_1]", "09:00")
    page.fill("input[name=ends_at_0]", "2026-05-08")
    page.fill("input[name=ends_at_1]", "11:00")
    page.locator("select[name=format]").select_option("booth")
    page.fill("input[name=attendance]", "37")
    page.fill("input[name=general_public]", "37")
    page.fill("textarea[name=notes]", "菜场早市摆摊，复核人数")
    with page.expect_navigation():  # the answer to the save, not the form before it
        save(page)
    same_day = page.locator("input[name=confirm_same_day]")
    if same_day.count():  # the demo holds another event there that day: a different one
        same_day.check()
        save(page)
    page.wait_for_url(demo_site + "/admin/campaigns/events/")
    page.goto(demo_site + "/admin/campaigns/events/?q=复核人数")
    hrefs = page.locator("a[href*='/admin/campaigns/events/edit/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    event_id = max(int(re.search(r"/edit/(\d+)/", href).group(1)) for href in hrefs)
    event_url = f"/admin/campaigns/events/edit/{event_id}/"
    page.goto(demo_site + event_url)
    page.fill("input[name=attendance]", "42")
    page.fill("input[name=general_public]", "42")
    # The correction and the submission are one step: nothing typed is left behind.
    page.get_by_role("button", name="保存并提交审核").click()
    page.wait_for_url(demo_site + "/admin/campaigns/events/")

    # The lead opens the event from the list of their team, then its history.
    sign_in(page, demo_site, "lead_jiangnan", "fangzha-lead")
    page.goto(demo_site + "/admin/campaigns/events/?q=复核人数")
    page.locator(f"a[href='/admin/campaigns/events/edit/{event_id}/']").first.click()
    page.wait_for_url(f"**/admin/campaigns/events/edit/{event_id}/")
    assert "已提交" in page.locator("main").inner_text()
    page.screenshot(path=str(SHOTS / "lead_event.png"), full_page=True)
    page.goto(demo_site + f"/admin/campaigns/events/history/{event_id}/")
    assert "历史" in page.locator("h1").first.inner_text()
    rows = page.locator("table.listing tbody tr")
    texts = [" ".join(rows.nth(i).inner_text().split()) for i in range(rows.count())]
    page.screenshot(path=str(SHOTS / "lead_history.png"), full_page=True)
    assert len(texts) == 3, texts
    submitted, edited, created = texts
    assert "已提交审核" in submitted and "coord_jiangnan" in submitted
    assert "已修改" in edited and "coord_jiangnan" in edited
    assert "参与人数：37 → 42" in edited and "其中群众：37 → 42" in edited
    assert "已创建" in created and "coord_jiangnan" in created


def test_coordinator_of_another_team_cannot_reach_a_jiangnan_campaign(desktop, demo_site):
    page = desktop
    # A manager starts a campaign that only 江南区 takes part in.
    sign_in(page, demo_site, "manager", "fangzha-manager")
    page.goto(demo_site + "/admin/campaigns/campaigns/new/")
    page.fill("input[name=name]", "江南区银行网点专项")
    page.fill("input[name=slug]", "jiangnan-banks")
    page.fill("input[name=start_date]", "2026-06-01")
    page.fill("input[name=end_date]", "2026-06-30")
    page.locator("select[name=teams]").select_option(label=JIANGNAN)
    page.fill("input[name=budget_yuan]", "12345")
    save(page)
    page.wait_for_url(demo_site + "/admin/campaigns/campaigns/")
    link = page.get_by_role("link", name="江南区银行网点专项").first
    campaign_id = re.search(r"/(\d+)/", link.get_attribute("href")).group(1)

    sign_in(page, demo_site, "coord_hexi", "fangzha-coord")
    page.goto(demo_site + "/admin/campaigns/campaigns/")
    assert "江南区银行网点专项" not in page.content()
    page.screenshot(path=str(SHOTS / "lead_hexi_campaigns.png"), full_page=True)
    for url in (
        f"/admin/campaigns/campaigns/inspect/{campaign_id}/",
        f"/admin/campaigns/reach/?campaign={campaign_id}",
    ):
        response = page.goto(demo_site + url)
        assert "江南区银行网点专项" not in page.content() and "12345" not in page.content()
    response = page.goto(demo_site + f"/admin/campaigns/campaigns/inspect/{campaign_id}/")
    assert response.status == 404
    page.screenshot(path=str(SHOTS / "lead_hexi_404.png"), full_page=True)
    # Its own team's campaigns open, without their budgets (managers only).
    page.goto(demo_site + "/admin/campaigns/campaigns/")
    page.get_by_role("link", name="校园反诈进课堂").first.click()
    page.wait_for_url("**/admin/campaigns/campaigns/inspect/*/")
    main = page.locator("main").inner_text()
    assert "校园反诈进课堂" in main and "预算" not in main and "30000" not in main
    page.screenshot(path=str(SHOTS / "lead_hexi_own_campaign.png"), full_page=True)
    page.goto(demo_site + "/admin/campaigns/reach/")
    assert "人均成本" not in page.locator("main").inner_text()
