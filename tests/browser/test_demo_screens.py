"""What `make demo` gives someone trying the lobby screens (issue 17): an editor finds the
demo playlist, a coordinator finds the team's screen that never reported listed 离线, and
the manager's dashboard shows the bank lobby screen's plays and screen-hours."""

import re

import pytest

from tests.browser.helpers import SHOTS, sign_in

pytestmark = pytest.mark.browser


def test_an_editor_finds_the_demo_playlist(desktop, demo_site):
    sign_in(desktop, demo_site, "editor", "fangzha-editor")
    desktop.goto(demo_site + "/admin/snippets/materials/playlist/")
    desktop.get_by_role("link", name="银行大厅反诈轮播").first.click()
    desktop.wait_for_url(re.compile(r".*/admin/snippets/materials/playlist/edit/\d+/$"))
    desktop.screenshot(path=str(SHOTS / "demo_playlist.png"), full_page=True)
    html = desktop.content()
    assert "三不一多" in html and "公检法不会电话办案" in html  # a video and a poster
    assert desktop.locator("input[value='接到可疑电话？']").count() == 1  # the slide
    assert desktop.locator("input[value*='96110']").count() == 1


def test_a_coordinator_finds_the_market_screen_offline(desktop, demo_site):
    sign_in(desktop, demo_site, "coord_jiangnan", "fangzha-coord")
    desktop.goto(demo_site + "/admin/campaigns/devices/")
    row = desktop.locator("tr", has_text="东门菜市场 入口屏")
    assert "离线" in row.inner_text()
    assert re.search(r"/player/[\w-]{40,}/", row.inner_text())
    assert desktop.locator("tr", has_text="农业银行河西营业部 大厅屏").count() == 0  # 河西's
    desktop.screenshot(path=str(SHOTS / "demo_screens_list.png"), full_page=True)


def test_the_manager_sees_the_lobby_screens_figures(desktop, demo_site):
    sign_in(desktop, demo_site, "manager", "fangzha-manager")
    desktop.goto(demo_site + "/admin/campaigns/reach/")
    section = desktop.locator("[data-screens]")
    venue = section.locator("[data-screen-row]", has_text="农业银行河西营业部")
    plays = int(venue.locator("[data-plays]").inner_text().replace(",", ""))
    assert plays > 1000 and float(venue.locator("[data-minutes]").inner_text()) > 100
    assert section.locator("[data-screen-row='银行']").count() >= 1  # by venue type, in Chinese
    section.screenshot(path=str(SHOTS / "demo_dashboard_screens.png"))
