"""axe-core finds no serious or critical problem on the main page types, in both modes."""

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

PAGES = [
    "/zh-hans/",
    "/zh-hans/search/?q=%E5%85%BB%E8%80%81",  # 养老
    "/zh-hans/materials/poster-screen-sharing/",
    "/zh-hans/materials/video-three-nos/",
    "/zh-hans/materials/guide-elders-police-calls/",
    "/zh-hans/materials/case-fake-boss-chat-account/",
    "/zh-hans/elders/",
    "/zh-hans/help-your-parents/",
    "/zh-hans/privacy/",
    "/en/",
]


@pytest.mark.parametrize("mode", ["off", "on"])
def test_no_serious_accessibility_violations(phone, demo_site, mode):
    phone.goto(f"{demo_site}/care-mode/{mode}/?next=/zh-hans/")
    axe = Axe()
    problems = []
    for path in PAGES:
        phone.goto(demo_site + path)
        for violation in axe.run(phone).response["violations"]:
            if violation["impact"] in {"serious", "critical"}:
                targets = [node["target"] for node in violation["nodes"][:3]]
                problems.append(f"{path}: {violation['id']} {targets}")
    assert problems == []


def test_elder_mode_text_contrast_reaches_7_to_1(phone, demo_site):
    """WCAG AAA (enhanced) contrast for every text in elder mode."""
    phone.goto(f"{demo_site}/care-mode/on/?next=/zh-hans/")
    axe = Axe()
    problems = []
    for path in PAGES:
        phone.goto(demo_site + path)
        result = axe.run(
            phone, options={"runOnly": {"type": "rule", "values": ["color-contrast-enhanced"]}}
        )
        for violation in result.response["violations"]:
            problems += [f"{path}: {node['target']}" for node in violation["nodes"][:5]]
    assert problems == []


def test_elder_mode_controls_are_at_least_48px_tall(phone, demo_site):
    phone.goto(f"{demo_site}/care-mode/on/?next=/zh-hans/materials/")
    heights = phone.evaluate(
        """[...document.querySelectorAll(
              '.site-header a, .site-header button, .site-header input, main button,'
              + ' .filters label, .pagination a, .care-hotline')]
            .filter(el => el.offsetParent !== null)
            .map(el => [el.textContent.trim().slice(0, 20), el.getBoundingClientRect().height])"""
    )
    assert heights
    assert [item for item in heights if item[1] < 48] == []


@pytest.mark.parametrize("mode", ["off", "on"])
@pytest.mark.parametrize("width", [320, 640])  # a small phone; 1280px at 200% zoom
def test_pages_fit_narrow_screens_without_sideways_scrolling(browser, demo_site, mode, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{demo_site}/care-mode/{mode}/?next=/zh-hans/")
    overflowing = []
    for path in PAGES:
        page.goto(demo_site + path)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            overflowing.append((path, scroll_width))
    context.close()
    assert overflowing == []
