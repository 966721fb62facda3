"""A reader pastes a scam SMS into the search on a phone, in both text modes (issue 15):
the matching case comes up with the warning 这很可能是诈骗, its help link and 110."""

import pytest

from tests.browser.conftest import PHONE
from tests.browser.helpers import SHOTS
from tests.browser.test_help_path import switch_mode

pytestmark = pytest.mark.browser

SMS = (
    "【江城公安】您好，您名下的银行卡涉嫌一起洗钱案件，已被冻结。请立即联系办案民警，配合调查，"
    "并将资金转入安全账户进行核查。本案属于机密，请勿告知家人，否则将承担法律责任。"
)
CASE = "“安全账户”转账23万，银行柜台及时劝阻"


@pytest.mark.parametrize("care", [False, True], ids=["standard", "care-mode"])
def test_a_pasted_scam_sms_finds_the_case_with_the_warning(phone, demo_site, care):
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone.goto(demo_site + "/zh-hans/search/")
    switch_mode(phone, care)
    phone.locator("#q").fill(SMS)  # pasted whole: longer than the old 200-character limit
    phone.locator("#q").press("Enter")
    phone.wait_for_url("**/zh-hans/search/?q=*")

    warning = phone.locator(".scam-warning")
    assert warning.is_visible()
    assert "这很可能是诈骗" in warning.locator("h2").inner_text()
    box = warning.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    if not care:  # its heading on the first screen; elder mode's larger header pushes it down
        assert box["y"] + 60 <= PHONE["height"], box
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the screen"
    assert warning.locator('a[href="tel:110"]').is_visible()
    help_link = warning.locator('a[href="/zh-hans/help/"]')
    assert help_link.is_visible()
    phone.screenshot(path=str(SHOTS / f"search-sms-{'care' if care else 'standard'}.png"))
    titles = phone.locator(".results .result-title").all_inner_texts()
    assert CASE in titles[:3], titles
    phone.locator(".results").screenshot(
        path=str(SHOTS / f"search-sms-results-{'care' if care else 'standard'}.png")
    )

    help_link.tap()
    phone.wait_for_url("**/zh-hans/help/")
    assert phone.locator("h1").inner_text() == "被骗了怎么办"
