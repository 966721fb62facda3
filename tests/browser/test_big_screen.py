"""A campaign manager puts the big screen on the command centre's wall display: makes a
read-only link in the admin, the display (a browser with no session) opens it and shows
every figure on one 1920×1080 screen without scrolling; the manager revokes the link and
the display's next refresh shows the refusal instead of the figures.

Runs against the demo (tests/browser/conftest.py), signed in as `manager`.
"""

import re

import pytest

from tests.browser.helpers import SHOTS, sign_in

pytestmark = pytest.mark.browser

WALL = {"width": 1920, "height": 1080}
SMALL_WALL = {"width": 1280, "height": 720}
NO_SCROLLING = """() => {
  const page = document.scrollingElement;
  return {
    height: page.scrollHeight, innerHeight: window.innerHeight,
    width: page.scrollWidth, innerWidth: window.innerWidth,
  };
}"""


CUT_OFF = """() => [...document.querySelectorAll('[data-figure]')]
  .filter(figure => figure.scrollWidth > figure.clientWidth)
  .map(figure => figure.dataset.figure + ': ' + figure.textContent)"""


def assert_fits(page, where):
    size = page.evaluate(NO_SCROLLING)
    assert size["height"] <= size["innerHeight"], f"{where}: scrolls down {size}"
    assert size["width"] <= size["innerWidth"], f"{where}: scrolls sideways {size}"
    # No headline figure is cut short ("69,6…"): the demo's 69,616 people once was.
    assert page.evaluate(CUT_OFF) == [], f"{where}: figures cut off"


def test_manager_puts_the_big_screen_on_a_wall_and_revokes_it(browser, demo_site):
    SHOTS.mkdir(parents=True, exist_ok=True)
    admin = browser.new_context(viewport=WALL, locale="zh-CN")
    wall = browser.new_context(viewport=WALL, locale="zh-CN")  # no cookies, no session
    try:
        page = admin.new_page()
        page.set_default_timeout(20_000)
        sign_in(page, demo_site, "manager", "fangzha-manager")

        # The manager's own big screen fits the wall too, filtered to one campaign.
        page.goto(demo_site + "/admin/campaigns/big-screen/")
        assert_fits(page, "the admin's big screen")
        page.locator("select[name=campaign]").select_option(label="全民反诈在行动")
        page.wait_for_url(re.compile(r"campaign=\d+"))
        assert page.locator("[data-scope]").inner_text() == "全民反诈在行动"
        assert_fits(page, "the admin's big screen, one campaign")

        # The manager makes a link for the lobby's display.
        page.goto(demo_site + "/admin/campaigns/screens/new/")
        page.fill("input[name=name]", "指挥中心 一楼大厅大屏")
        page.get_by_role("button", name=re.compile("^(创建|保存)$")).first.click()
        page.wait_for_url(demo_site + "/admin/campaigns/screens/")
        row = page.locator("tr", has_text="指挥中心 一楼大厅大屏")
        address = re.search(r"https?://\S+/screen/[\w-]{40,}/", row.inner_text()).group(0)
        page.screenshot(path=str(SHOTS / "big_screen_links.png"), full_page=True)

        # The wall display opens it, with no session.
        screen = wall.new_page()
        screen.set_default_timeout(20_000)
        problems = []
        screen.on("console", lambda m: m.type == "error" and problems.append(m.text))
        screen.on("pageerror", lambda error: problems.append(str(error)))
        screen.clock.install()  # the minute between refreshes passes when the test says
        response = screen.goto(address)
        assert response.status == 200
        assert "/admin/" not in screen.content()
        money = screen.locator("[data-figure=money_protected]").inner_text()
        assert "避免损失" in screen.locator(".figure.money").inner_text()
        assert re.fullmatch(r"\d{1,3}(,\d{3})*(\.\d{1,2})?(万元|元)", money.strip()), money
        people = screen.locator("[data-figure=attendance]").inner_text().strip()
        assert re.fullmatch(r"\d{1,3}(,\d{3})+", people), people  # the demo's ~70,000
        assert "北京时间" in screen.locator("[data-updated]").inner_text()
        assert_fits(screen, "the wall display")
        screen.screenshot(path=str(SHOTS / "big_screen_wall.png"))
        assert not problems, problems  # nothing refused by the public pages' CSP
        assert wall.cookies() == []

        # A smaller wall (1280×720) gets the same screen, smaller, still without scrolling.
        screen.set_viewport_size(SMALL_WALL)
        assert_fits(screen, "a 1280×720 display")
        screen.screenshot(path=str(SHOTS / "big_screen_small_wall.png"))
        screen.set_viewport_size(WALL)

        # The next refresh swaps in fresh figures while the link works.
        before = screen.locator("[data-updated]").get_attribute("datetime")
        screen.clock.fast_forward(61_000)
        screen.wait_for_function(
            "before => document.querySelector('[data-updated]')"
            " && document.querySelector('[data-updated]').getAttribute('datetime') !== before",
            arg=before,
        )

        # The manager revokes the link.
        page.goto(demo_site + "/admin/campaigns/screens/")
        revoke = page.locator("tr", has_text="指挥中心 一楼大厅大屏").locator("a[href*='/revoke/']")
        page.goto(demo_site + revoke.first.get_attribute("href"))
        page.get_by_role("button", name="撤销").click()
        page.wait_for_url(demo_site + "/admin/campaigns/screens/")
        assert "已于" in page.locator("tr", has_text="指挥中心 一楼大厅大屏").inner_text()

        # Within a minute the display shows the refusal, not the figures.
        screen.clock.fast_forward(61_000)
        screen.wait_for_selector("[data-screen-refused=revoked]")
        assert "此大屏链接已撤销" in screen.inner_text("body")
        assert screen.locator("[data-figure]").count() == 0
        screen.screenshot(path=str(SHOTS / "big_screen_revoked.png"))
        # Reloading it (or restarting the display) is refused too.
        assert screen.reload().status == 410
        assert "避免损失" not in screen.inner_text("body")
    finally:
        wall.close()
        admin.close()
