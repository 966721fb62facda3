"""Standard text on a phone (issue 16): checkboxes, radio buttons and filter controls are
44×44 px tap targets, and the library's filters fold behind 筛选 so the first results are
on the first screen."""

import pytest

from tests.browser.helpers import SHOTS

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LIBRARY = "/zh-hans/materials/"

# The tap target of a checkbox or radio is its label (tapping the text ticks the box);
# buttons, links and the fold's summary inside a filter form are their own targets.
TARGETS = """() => [...document.querySelectorAll(
    'main input[type=checkbox], main input[type=radio], .filters button, .filters a,'
    + ' .filter-fold summary, .search-form button, .feedback button, .clear-filters')]
  .filter(el => el.getClientRects().length)
  .map(el => {
    const target = el.closest('label') || el;
    const r = target.getBoundingClientRect();
    return {what: (target.textContent.trim() || el.name || el.tagName).slice(0, 20),
            width: Math.round(r.width * 10) / 10, height: Math.round(r.height * 10) / 10};
  })"""


@pytest.fixture
def phone_page(browser, demo_site):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def too_small(targets):
    return [t for t in targets if t["width"] < 44 or t["height"] < 44]


def test_library_filters_fold_so_the_first_results_are_on_the_first_screen(phone_page, demo_site):
    page = phone_page
    page.goto(demo_site + LIBRARY)
    first_card = page.locator(".cards .card").first
    assert first_card.bounding_box()["y"] < PHONE["height"]
    assert not page.get_by_role("checkbox").first.is_visible()
    page.screenshot(path=str(SHOTS / "library-phone-folded.png"))

    page.locator(".filter-fold summary", has_text="筛选").tap()
    scam_type = page.get_by_role("group", name="诈骗类型")
    assert scam_type.is_visible()
    assert too_small(page.evaluate(TARGETS)) == []
    page.screenshot(path=str(SHOTS / "library-phone-filters-open.png"), full_page=True)

    # Tapping a label's text ticks its box; the chosen filter narrows the list.
    total = page.locator(".result-count").inner_text()
    page.get_by_role("checkbox", name="宣传海报").locator("xpath=..").tap()
    assert page.get_by_role("checkbox", name="宣传海报").is_checked()
    page.get_by_role("button", name="查看筛选结果").tap()
    page.wait_for_url("**type=poster*")
    assert page.locator(".result-count").inner_text() != total
    assert page.locator(".card-kind").first.inner_text() == "宣传海报"
    assert page.get_by_role("link", name="清除筛选条件").is_visible()


def test_wide_screens_show_the_library_filters_open(browser, demo_site):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(demo_site + LIBRARY)
    assert page.get_by_role("group", name="诈骗类型").is_visible()
    assert not page.locator(".filter-fold summary").is_visible()
    context.close()


@pytest.mark.parametrize(
    "path",
    [
        "/zh-hans/search/?q=%E5%85%BB%E8%80%81",  # 养老: the search form's checkboxes
        "/zh-hans/materials/guide-elders-police-calls/",  # the feedback form's radios
    ],
)
def test_checkboxes_and_radios_are_44px_tap_targets(phone_page, demo_site, path):
    page = phone_page
    page.goto(demo_site + path)
    targets = page.evaluate(TARGETS)
    assert any(t["what"] for t in targets)
    assert len(targets) >= 2
    assert too_small(targets) == []
