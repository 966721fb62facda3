"""A reader searches as people do, on a phone, in both text modes (issue 15, "Search that
understands readers"): a pasted scam SMS, pinyin, a typo, and a search that finds nothing."""

import pytest

from tests.browser.conftest import PHONE
from tests.browser.helpers import SHOTS
from tests.browser.test_help_path import in_care_mode, switch_mode

pytestmark = pytest.mark.browser

# Shaped like the texts readers forward to the hotline: a fake customs parcel that turns
# into a "police" case and a "safe account" (178 characters).
SCAM_SMS = (
    "【海关总署】您好，您有一个国际快递包裹在上海浦东机场海关被查出夹带违禁物品和多张他人银行卡，"
    "您本人涉嫌跨境洗钱犯罪，名下银行卡已被冻结。请于今日18点前联系上海市公安局专案组李警官核实，"
    "并按要求将名下全部存款转入国家指定的“安全账户”配合资金核查，核查结束后原路退回。"
    "本案属于机密，不得告知任何人，否则后果自负。退订回T"
)
SAFE_ACCOUNT_CASE = "“安全账户”转账23万，银行柜台及时劝阻"
MODES = pytest.mark.parametrize("care", [False, True], ids=["standard", "care-mode"])


@pytest.fixture(autouse=True)
def shots_folder():
    SHOTS.mkdir(parents=True, exist_ok=True)


def mode_name(care: bool) -> str:
    return "care" if care else "standard"


def search_from_home(phone, site, query, care):
    phone.goto(site + "/zh-hans/")
    switch_mode(phone, care)
    box = phone.get_by_role("searchbox").first
    box.fill(query)  # as a paste does: the whole text at once
    phone.get_by_role("button", name="搜索").first.tap()
    phone.wait_for_url("**/search/?q=*")
    assert in_care_mode(phone) == care
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the results are {overflow}px wider than the phone"


def result_titles(phone) -> list[str]:
    return phone.locator(".result-title a").all_inner_texts()


@MODES
def test_a_pasted_scam_sms_finds_the_case_with_the_warning(phone, demo_site, care):
    assert len(SCAM_SMS) >= 150
    search_from_home(phone, demo_site, SCAM_SMS, care)
    count = phone.locator(".result-count")
    count.scroll_into_view_if_needed()
    assert len(count.inner_text()) < 60  # the message is not echoed back in full
    phone.screenshot(path=str(SHOTS / f"search-sms-{mode_name(care)}.png"))
    assert SAFE_ACCOUNT_CASE in result_titles(phone)
    case = phone.locator(".result").filter(has_text=SAFE_ACCOUNT_CASE)
    assert case.locator(".excerpt mark").count() >= 1  # the passage shows why it matched
    # The warning for a pasted scam (materials.search.says_scam).
    assert "这很可能是诈骗" in phone.locator("main").inner_text()
    phone.screenshot(path=str(SHOTS / f"search-sms-{mode_name(care)}-full.png"), full_page=True)


@MODES
@pytest.mark.parametrize(
    ("typed", "meant", "title"),
    [
        ("shuadan", "刷单", "刷单就是诈骗"),
        ("gong jian fa", "公检法", "公检法不会电话办案"),
        ("冒充公减法", "冒充公检法", "公检法不会电话办案"),
    ],
    ids=["pinyin", "pinyin-spaced", "typo"],
)
def test_pinyin_and_typos_find_what_the_reader_meant(phone, demo_site, care, typed, meant, title):
    search_from_home(phone, demo_site, typed, care)
    notice = phone.locator(".respelling")
    notice.scroll_into_view_if_needed()
    assert notice.inner_text() == f"已为您显示“{meant}”的结果，仍搜索“{typed}”"
    assert title in result_titles(phone)
    assert phone.locator(".result .excerpt mark").count() >= 1
    shot = f"search-{'typo' if meant == '冒充公检法' else typed.replace(' ', '-')}"
    phone.screenshot(path=str(SHOTS / f"{shot}-{mode_name(care)}.png"))

    # What they typed is one tap away, and is then searched as typed.
    notice.get_by_role("link").tap()
    phone.wait_for_url("**exact=1*")
    assert phone.locator(".respelling").count() == 0
    assert phone.locator("#q").input_value() == typed


@MODES
def test_a_search_that_finds_nothing_offers_help_topics_and_110(phone, demo_site, care):
    search_from_home(phone, demo_site, "明天天气预报", care)
    assert "找到 0 条" in phone.locator(".result-count").inner_text()
    path = phone.locator(".help-path")
    assert path.is_visible()
    assert path.get_by_role("link", name="被骗了怎么办").get_attribute("href") == "/zh-hans/help/"
    call = path.locator("a[href='tel:110']").first
    assert call.is_visible()
    box = call.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    topics = phone.locator(".suggestions .chips a")
    assert topics.count() >= 3
    assert "/topic/" in topics.first.get_attribute("href")
    assert phone.locator(".suggestions a[href^='tel:']").count() >= 1  # the hotline
    phone.screenshot(path=str(SHOTS / f"search-nothing-{mode_name(care)}.png"), full_page=True)
    topics.first.tap()
    phone.wait_for_url("**/topic/**")


def test_an_english_query_on_the_chinese_site_offers_the_english_site(phone, demo_site):
    search_from_home(phone, demo_site, "police scam", care=False)
    link = phone.locator(".other-language a")
    link.scroll_into_view_if_needed()
    assert link.inner_text() == "Search “police scam” on the English site"
    phone.screenshot(path=str(SHOTS / "search-english-on-chinese.png"))
    link.tap()
    phone.wait_for_url("**/en/search/?q=police+scam")
    assert 'Got a call from the "police"? Remember this' in result_titles(phone)
