"""关怀模式 is a simpler page, not a zoom (issue 16): measured on every public page type.

In elder mode the navigation folds behind one large 菜单 button, search stays on screen,
the hotline appears once in a bar that never hides the end of the page, and the page's
own content (``<main>``) fills most of the first screen: at least 60 % of a 360×640
screen and 70 % of a 390×844 one. In standard text, every page's content starts on the
first screen of a 390×844 phone.
"""

import pytest

from tests.browser.helpers import SHOTS

pytestmark = pytest.mark.browser

SMALL_PHONE = {"width": 360, "height": 640}
PHONE = {"width": 390, "height": 844}
# The share of the first screen that must be the page's own content, per screen.
THRESHOLD = {360: 0.60, 390: 0.70}

PAGES = {
    "home": "/zh-hans/",
    "library": "/zh-hans/materials/",
    "poster": "/zh-hans/materials/poster-screen-sharing/",
    "video": "/zh-hans/materials/video-three-nos/",
    "guide": "/zh-hans/materials/guide-elders-police-calls/",
    "case": "/zh-hans/materials/case-fake-boss-chat-account/",
    "alert": "/zh-hans/alerts/alert-2026-09-new-students/",
    "alert-list": "/zh-hans/alerts/",
    "help": "/zh-hans/help/",
    "search": "/zh-hans/search/?q=%E5%85%BB%E8%80%81",  # 养老
}

# Samples the first screen every 4 px: the share of it that is <main> and not under a
# fixed or sticky element (a bar over the content does not count as content).
FIRST_SCREEN = """() => {
  const W = innerWidth, H = innerHeight, step = 4;
  const main = document.querySelector('main').getBoundingClientRect();
  const fixed = [...document.querySelectorAll('body *')].filter(el => {
    const s = getComputedStyle(el);
    return (s.position === 'fixed' || s.position === 'sticky') && s.visibility !== 'hidden'
      && el.getClientRects().length > 0;
  }).map(el => el.getBoundingClientRect()).filter(r => r.width > 0 && r.height > 0);
  const inside = (r, x, y) => x >= r.left && x < r.right && y >= r.top && y < r.bottom;
  let content = 0, all = 0;
  for (let y = step / 2; y < H; y += step) {
    for (let x = step / 2; x < W; x += step) {
      all += 1;
      if (inside(main, x, y) && !fixed.some(r => inside(r, x, y))) content += 1;
    }
  }
  return {share: content / all, mainTop: main.top, mainBottom: main.bottom,
          fixedTops: fixed.map(r => r.top)};
}"""

# True when the middle of the page's first heading shows that heading (nothing on top).
HEADING_UNCOVERED = """() => {
  const h = document.querySelector('main h1');
  const r = h.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + Math.min(r.width, 40) / 2, r.top + r.height / 2);
  return r.bottom <= innerHeight && hit !== null && h.contains(hit);
}"""


def new_phone(browser, viewport, **options):
    context = browser.new_context(
        viewport=viewport,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        **options,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


@pytest.fixture(params=[SMALL_PHONE, PHONE], ids=["360x640", "390x844"])
def elder_phone(request, browser, demo_site):
    """A phone with 关怀模式 switched on the way a reader does it (the header's link)."""
    context, page = new_phone(browser, request.param)
    page.goto(demo_site + "/zh-hans/")
    with page.expect_navigation():
        page.locator(".site-header .care-toggle").tap()
    assert "care-mode" in page.locator("html").get_attribute("class")
    yield page, request.param
    context.close()


@pytest.fixture(autouse=True)
def shots_folder():
    SHOTS.mkdir(parents=True, exist_ok=True)


@pytest.mark.parametrize("name", PAGES)
def test_elder_mode_first_screen_is_mostly_the_page_content(elder_phone, demo_site, name):
    page, viewport = elder_phone
    assert page.goto(demo_site + PAGES[name]).status == 200
    page.screenshot(path=str(SHOTS / f"elder-{name}-{viewport['width']}.png"))
    first = page.evaluate(FIRST_SCREEN)
    assert first["share"] >= THRESHOLD[viewport["width"]], (name, first)
    assert page.evaluate(HEADING_UNCOVERED), f"{name}: the heading is hidden or below the fold"

    # Outside the page's own text the hotline appears once, and a bar fixed on screen
    # leaves the page's end readable.
    assert page.locator("body > :not(main) a[href='tel:96110']:visible").count() == 1, name
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    ends = page.evaluate(
        """() => {
          const fixedTops = [...document.querySelectorAll('body *')]
            .filter(el => getComputedStyle(el).position === 'fixed' && el.getClientRects().length)
            .map(el => el.getBoundingClientRect().top);
          const last = [...document.querySelectorAll('main *, .site-footer *')]
            .filter(el => el.getClientRects().length && el.children.length === 0)
            .map(el => el.getBoundingClientRect().bottom);
          return {lowestText: Math.max(...last), barTop: Math.min(innerHeight, ...fixedTops)};
        }"""
    )
    assert ends["lowestText"] <= ends["barTop"] + 0.5, (name, ends)


def test_elder_mode_folds_the_navigation_behind_one_menu_button(elder_phone, demo_site):
    page, viewport = elder_phone
    page.goto(demo_site + PAGES["guide"])
    button = page.locator("summary", has_text="菜单")
    assert button.count() == 1 and button.is_visible()
    box = button.bounding_box()
    assert box["height"] >= 48 and box["width"] >= 48
    header = page.locator(".site-header")
    assert header.get_by_role("link", name="宣传资料", exact=True).count() == 0  # folded away
    # Search stays on screen, without opening the menu.
    assert page.get_by_role("searchbox").first.is_visible()

    button.tap()
    links = page.get_by_role("navigation", name="主导航")
    assert links.get_by_role("link", name="宣传资料", exact=True).is_visible()
    assert header.get_by_role("link", name="退出关怀模式").is_visible()
    page.screenshot(path=str(SHOTS / f"elder-menu-open-{viewport['width']}.png"))
    links.get_by_role("link", name="宣传资料", exact=True).tap()
    page.wait_for_url("**/zh-hans/materials/")
    assert "care-mode" in page.locator("html").get_attribute("class")


def test_elder_mode_menu_works_without_javascript(browser, demo_site):
    context, page = new_phone(browser, SMALL_PHONE, java_script_enabled=False)
    page.goto(f"{demo_site}/care-mode/on/?next=/zh-hans/materials/")
    page.locator("summary", has_text="菜单").tap()
    page.locator(".site-header").get_by_role("link", name="防骗预警", exact=True).tap()
    page.wait_for_url("**/zh-hans/alerts/")
    assert page.locator("h1").is_visible()
    context.close()


@pytest.mark.parametrize("name", PAGES)
def test_standard_text_content_starts_on_the_first_screen(browser, demo_site, name):
    context, page = new_phone(browser, PHONE)
    assert page.goto(demo_site + PAGES[name]).status == 200
    top = page.evaluate("document.querySelector('main h1').getBoundingClientRect().top")
    context.close()
    assert top < PHONE["height"] * 0.5, (name, top)
