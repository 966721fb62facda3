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
