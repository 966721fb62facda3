"""Trust and content (issue 16): about/contact/privacy pages in the footer, the filing
numbers, who published a material and when it was last reviewed, case outcomes that say
what the text says, and reading times that fit the language."""

import datetime
import re

import pytest

from core.models import SiteSettings
from materials.models import CaseStudyPage, reading_minutes
from tests import factories

# About 490 words, as an English guide reads (the demo's guides are this long).
ENGLISH_PARAGRAPH = (
    "When someone calls claiming to be from the police, a prosecutor's office or a court, "
    "and tells you that your bank account is linked to a money-laundering case, hang up. "
    "Real officers never handle cases over the phone, never ask you to move money into a "
    "so-called safe account, and never tell you to keep the call secret from your family. "
)
ENGLISH_BODY = "<p>" + ENGLISH_PARAGRAPH * 8 + "</p>"  # 8 × 61 = 488 words
# About 900 Chinese characters.
CHINESE_PARAGRAPH = (
    "接到自称公安、检察院、法院的电话，说您的银行卡涉嫌洗钱，要把钱转到“安全账户”配合调查，"
    "这一定是诈骗。公检法机关不会通过电话办案，更不会要求转账。请马上挂断电话，拨打110核实。"
)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        (ENGLISH_PARAGRAPH * 8, 3),  # 488 words at ~230 a minute
        (CHINESE_PARAGRAPH * 10, 3),  # ~870 characters at ~300 a minute
        ("Hang up.", 1),
    ],
)
def test_reading_minutes_count_english_words_and_chinese_characters(text, minutes):
    assert reading_minutes(text) == minutes


def test_an_english_guide_reads_in_minutes_of_english_words(site_tree):
    guide = factories.GuidePageFactory(
        parent=site_tree["library"], body=[("paragraph", ENGLISH_BODY)]
    )
    # Its ~2,400 letters counted as Chinese characters made it 9 "minutes".
    assert guide.reading_minutes == 3


def test_a_fully_recovered_case_says_all_money_recovered(client, site_tree):
    case = factories.CaseStudyPageFactory(
        parent=site_tree["library"],
        outcome=CaseStudyPage.Outcome.FULLY_RECOVERED,
        amount_yuan=8600,
        outcome_detail="<p>涉案账户中的8600元被全部冻结，经司法程序返还。</p>",
    )
    html = client.get(case.url).content.decode()
    assert "<strong>全部追回</strong>" in html
    assert "部分追回" not in html


def test_a_partly_recovered_case_still_says_partly_recovered(client, site_tree):
    case = factories.CaseStudyPageFactory(
        parent=site_tree["library"], outcome=CaseStudyPage.Outcome.RECOVERED
    )
    assert "<strong>部分追回</strong>" in client.get(case.url).content.decode()


@pytest.fixture
def site_settings(site_tree):
    settings = SiteSettings.for_site(site_tree["site"])
    settings.organisation = "江城市公安局反诈中心"
    settings.icp_filing = "江ICP备20260001号-1"
    settings.police_filing = "江公网安备33010802012345号"
    settings.save()
    return settings


def test_footer_links_about_contact_and_privacy_and_shows_filing_numbers(
    client, site_tree, site_settings
):
    for title, slug in (("关于我们", "about"), ("联系我们", "contact"), ("隐私政策", "privacy")):
        factories.InformationPageFactory(parent=site_tree["home"], title=title, slug=slug)
    factories.InformationPageFactory(
        parent=site_tree["home"], title="内部说明", slug="internal", show_in_menus=False
    )
    html = client.get("/zh-hans/").content.decode()
    footer = html.split('<footer class="site-footer">', 1)[1]
    links = re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', footer)
    assert links == [
        ("/zh-hans/about/", "关于我们"),
        ("/zh-hans/contact/", "联系我们"),
        ("/zh-hans/privacy/", "隐私政策"),
    ]
    assert '<a href="https://beian.miit.gov.cn/" rel="noopener">江ICP备20260001号-1</a>' in footer
    assert "江公网安备33010802012345号" in footer
    about = client.get("/zh-hans/about/").content.decode()
    assert "<h1>关于我们</h1>" in about and "我们整理防骗资料" in about
    assert '最近审核： <time datetime="' in about  # a Chinese colon after the label


def test_a_material_says_who_published_it_and_when_it_was_last_reviewed(
    client, site_tree, site_settings
):
    guide = factories.GuidePageFactory(
        parent=site_tree["library"], last_reviewed=datetime.date(2026, 3, 15)
    )
    html = client.get(guide.url).content.decode()
    assert re.search(r"<dt>发布单位</dt><dd>江城市公安局反诈中心", html)
    assert re.search(r'<dt>最近审核</dt><dd><time datetime="2026-03-15">', html)
