"""What a shared link and a feed reader see (issue 16, "Sharing"): every page type's
og:title and og:description are its own (the home page's is not "首页"), and every page
advertises the alert feeds, which carry their author and language."""

import re
import xml.etree.ElementTree as ET

import pytest

from core.models import SiteSettings
from materials.models import HelpPage
from tests import factories


def head(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode().split("</head>", 1)[0]


def meta(html: str, prop: str) -> str:
    found = re.search(rf'<meta property="{prop}" content="([^"]*)"', html)
    return found[1] if found else ""


@pytest.fixture
def pages(site_tree):
    """One live page of every public page type, with real-shaped text."""
    home, library, alerts = site_tree["home"], site_tree["library"], site_tree["alerts"]
    help_page = HelpPage(
        title="被骗了怎么办",
        slug="help",
        intro="钱已经转出去了？先别慌，马上拨打110。",
        situations=[
            (
                "situation",
                {
                    "title": "我已经转账了",
                    "given": "",
                    "steps": [{"text": "立即拨打110。", "hotline": "emergency"}],
                },
            )
        ],
    )
    home.add_child(instance=help_page)
    help_page.save_revision().publish()
    home.search_description = "江城市公安局反诈中心的防骗资料：海报、视频、指南和典型案例。"
    home.save_revision().publish()
    return {
        "home": (home.url, "防诈 · 反诈宣传教育", home.search_description),
        "library": (library.url, "资料库", ""),
        "alerts": (alerts.url, "防骗预警", ""),
        "poster": _material(factories.PosterPageFactory, library, "海报：公检法不会电话办案"),
        "video": _material(factories.VideoPageFactory, library, "视频：一分钟看懂刷单"),
        "guide": _material(factories.GuidePageFactory, library, "指南：接到“公检法”电话怎么办"),
        "case": _material(factories.CaseStudyPageFactory, library, "案例：假客服骗走8600元"),
        "alert": _material(factories.AlertPageFactory, alerts, "预警：冒充医保局的电话"),
        "help": (help_page.url, "被骗了怎么办", "钱已经转出去了？先别慌，马上拨打110。"),
        "landing": (
            factories.AudienceLandingPageFactory(
                parent=home, slug="families", audience=site_tree["elders"]
            ).url,
            "帮爸妈防骗",
            "爸妈接到“公检法”电话、被拉进“养老投资”群？这里是子女能做的事。",
        ),
        "information": (
            factories.InformationPageFactory(parent=home, slug="about").url,
            "关于我们",
            "本站由江城市公安局反诈中心主办。",
        ),
        "library audience": ("/zh-hans/materials/for/elders/", "老年人", ""),
        "library topic": ("/zh-hans/materials/topic/impersonating-police/", "冒充公检法", ""),
    }


def _material(factory, parent, title):
    summary = f"{title}的要点：不转账，不透露验证码，拿不准就拨打96110。"
    page = factory(parent=parent, title=title, summary=summary)
    return page.url, title, summary


PAGE_TYPES = [
    "home",
    "library",
    "alerts",
    "poster",
    "video",
    "guide",
    "case",
    "alert",
    "help",
    "landing",
    "information",
    "library audience",
    "library topic",
]


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_open_graph_title_description_and_url_are_the_pages_own(client, pages, kind):
    url, title, description = pages[kind]
    html = head(client, url)
    assert meta(html, "og:title") == title
    if description:
        assert meta(html, "og:description") == description
    assert meta(html, "og:url") == f"http://testserver{url}"
    assert f'<link rel="canonical" href="http://testserver{url}">' in html


def test_the_home_page_is_shared_as_the_site_not_as_home(client, pages):
    html = head(client, "/zh-hans/")
    assert meta(html, "og:title") != "首页"
    assert "<title>识骗防骗，从这里开始 ·" in html  # the hero title, not 首页


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_every_page_advertises_the_alert_feeds(client, pages, english_tree, kind):
    html = head(client, pages[kind][0])
    links = re.findall(
        r'<link rel="alternate" type="(application/(?:rss|atom)\+xml)" title="([^"]+)" '
        r'hreflang="([^"]+)" href="([^"]+)">',
        html,
    )
    assert links[:2] == [
        (
            "application/rss+xml",
            "防诈：防骗预警 (RSS)",
            "zh-Hans",
            "http://testserver/zh-hans/alerts/feed/rss/",
        ),
        (
            "application/atom+xml",
            "防诈：防骗预警 (Atom)",
            "zh-Hans",
            "http://testserver/zh-hans/alerts/feed/atom/",
        ),
    ]
    assert ("application/rss+xml", "Fangzha: fraud alerts (RSS)", "en") in [
        link[:3] for link in links
    ]


@pytest.fixture
def organisation(site_tree):
    settings = SiteSettings.for_site(site_tree["site"])
    settings.organisation = "江城市公安局反诈中心"
    settings.save()


def test_rss_feed_carries_language_and_author(client, pages, organisation):
    feed = ET.fromstring(client.get("/zh-hans/alerts/feed/rss/").content)  # noqa: S314 (ours)
    channel = feed.find("channel")
    assert channel.findtext("language") == "zh-Hans"
    item = channel.find("item")
    assert item.findtext("title") == "预警：冒充医保局的电话"
    assert "江城市公安局反诈中心" in (item.findtext("author") or "") + (
        item.findtext("{http://purl.org/dc/elements/1.1/}creator") or ""
    )


def test_atom_feed_carries_language_and_author(client, pages, organisation):
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.fromstring(client.get("/zh-hans/alerts/feed/atom/").content)  # noqa: S314 (ours)
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-Hans"
    assert feed.find(f"{atom}author/{atom}name").text == "江城市公安局反诈中心"
    entry = feed.find(f"{atom}entry")
    assert entry.find(f"{atom}author/{atom}name").text == "江城市公安局反诈中心"
