"""Landing pages per audience (issue 16, "Landing pages for elders, families and students"):
老年人专区, 学生专区 and 帮爸妈防骗 are pages editors build, not the library with filters."""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from wagtail.models import Page

from core.context_processors import CARE_MODE_COOKIE
from materials.models import AudienceLandingPage, CaseStudyPage, HelpPage
from tests import factories
from tests.site_tree import remove_site_tree


def meta(html: str, prop: str) -> str:
    found = re.search(rf'<meta property="{prop}" content="([^"]*)"', html)
    return found[1] if found else ""


def canonical(html: str) -> str:
    found = re.search(r'<link rel="canonical" href="([^"]*)"', html)
    return found[1] if found else ""


@pytest.fixture
def materials(site_tree):
    library = site_tree["library"]
    return {
        "police": factories.GuidePageFactory(
            parent=library,
            title="接到“公检法”电话怎么办",
            slug="police-calls",
            summary="公检法不会电话办案，更没有“安全账户”。",
        ),
        "pension": factories.CaseStudyPageFactory(
            parent=library, title="养老公寓“投资”骗走28万", slug="care-apartment"
        ),
        "draft": factories.GuidePageFactory(
            parent=library, title="还没发布的指南", slug="draft-guide", live=False
        ),
    }


@pytest.fixture
def help_page(site_tree):
    page = HelpPage(
        title="被骗了怎么办",
        slug="help",
        intro="先别慌，马上拨打110。",
        situations=[
            (
                "situation",
                {
                    "title": "我已经转账了",
                    "given": "银行转账",
                    "steps": [{"text": "立即拨打110报警。", "hotline": "emergency"}],
                },
            )
        ],
    )
    site_tree["home"].add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def families(site_tree, materials, help_page):
    """帮爸妈防骗, must-reads in the editor's order (the case first), one still a draft."""
    families = factories.AudienceFactory(slug="families", name="子女和家属")
    page = factories.AudienceLandingPageFactory(
        parent=site_tree["home"],
        slug="help-your-parents",
        audience=families,
        must_reads=[
            ("material", materials["pension"]),
            ("material", materials["draft"]),
            ("material", materials["police"]),
        ],
    )
    page.scam_types.set([site_tree["police"]])
    page.save_revision().publish()
    return page


def test_landing_page_shows_the_three_things_must_reads_help_and_topics(client, families):
    html = client.get(families.url).content.decode()

    assert "<h1>帮爸妈防骗</h1>" in html
    points = re.findall(r'class="remember-heading">([^<]+)<', html)
    assert points == ["陌生来电不轻信", "钱不转给陌生人", "有事先问儿女"]
    reads = re.findall(r'class="card-title"><a href="([^"]+)">([^<]+)<', html)
    assert [title for _url, title in reads] == ["养老公寓“投资”骗走28万", "接到“公检法”电话怎么办"]
    assert "还没发布的指南" not in html  # a draft chosen by an editor is not shown
    assert 'href="/zh-hans/help/"' in html and "我已经转账了" in html
    assert 'href="/zh-hans/materials/topic/impersonating-police/">冒充公检法</a>' in html
    assert "子女和家属" in html  # the audience it is for


def test_must_reads_open_the_material(client, families):
    html = client.get(families.url).content.decode()
    first = re.search(r'class="card-title"><a href="([^"]+)"', html)[1]
    assert client.get(first).status_code == 200
    assert "养老公寓" in client.get(first).content.decode()


def test_canonical_and_open_graph_point_to_the_landing_page_not_the_library(client, families):
    html = client.get(families.url).content.decode()
    assert canonical(html) == "http://testserver/zh-hans/help-your-parents/"
    assert meta(html, "og:url") == "http://testserver/zh-hans/help-your-parents/"
    assert meta(html, "og:title") == "帮爸妈防骗"
    assert meta(html, "og:description").startswith("爸妈接到“公检法”电话")
    assert "资料库" not in meta(html, "og:title")


def test_language_switch_points_to_the_landing_page_translation(
    client, families, materials, english_tree, locales
):
    english_guide = materials["police"].copy_for_translation(locales["en"])
    english_guide.title = "When the 'police' call"
    english_guide.save_revision().publish()
    english = families.copy_for_translation(locales["en"])
    english.title = "Help your parents stay safe"
    english.intro = "When your parents get a call from the 'police'…"
    english.save_revision().publish()

    html = client.get(families.url).content.decode()
    assert 'href="/en/help-your-parents/" hreflang="en"' in html

    english_html = client.get(english.url).content.decode()
    assert canonical(english_html) == "http://testserver/en/help-your-parents/"
    assert meta(english_html, "og:title") == "Help your parents stay safe"
    assert 'href="/zh-hans/help-your-parents/" hreflang="zh-hans"' in english_html
    # The English page shows the English version of a must-read where there is one.
    titles = re.findall(r'class="card-title"><a href="[^"]+">([^<]+)<', english_html)
    assert "When the &#x27;police&#x27; call" in titles


def test_the_elders_page_is_in_large_type_and_offers_to_keep_it_on(client, site_tree):
    page = factories.AudienceLandingPageFactory(
        parent=site_tree["home"],
        title="老年人专区",
        slug="elders",
        audience=site_tree["elders"],
        large_type=True,
    )
    html = client.get(page.url).content.decode()
    assert re.search(r'<body class="[^"]*\blanding-large\b', html)
    assert re.search(r'<a class="button" href="/care-mode/on/\?next=/zh-hans/elders/"', html)

    client.cookies[CARE_MODE_COOKIE] = "1"
    html = client.get(page.url).content.decode()
    assert "/care-mode/on/?next=/zh-hans/elders/" not in html
    assert "全站已开启关怀模式。" in html


def test_a_students_page_is_in_normal_type(client, site_tree):
    page = factories.AudienceLandingPageFactory(
        parent=site_tree["home"], title="学生专区", slug="students", audience=site_tree["students"]
    )
    html = client.get(page.url).content.decode()
    assert "landing-large" not in html
    assert '/care-mode/on/?next=/zh-hans/students/" rel' not in html.split("<main", 1)[1]


def test_home_page_links_to_the_landing_pages_instead_of_the_library(client, site_tree, families):
    elders = factories.AudienceLandingPageFactory(
        parent=site_tree["home"], title="老年人专区", slug="elders", audience=site_tree["elders"]
    )
    html = client.get("/zh-hans/").content.decode()
    entries = re.findall(r'<a class="entry entry-(\w+)" href="([^"]+)"', html)
    assert ("families", "/zh-hans/help-your-parents/") in entries
    assert ("elders", "/zh-hans/elders/") in entries
    assert 'href="/zh-hans/materials/for/elders/"' not in html
    assert elders.url == "/zh-hans/elders/"


def test_home_page_without_landing_pages_still_links_to_the_library(client, site_tree):
    html = client.get("/zh-hans/").content.decode()
    assert 'class="entry entry-elders" href="/zh-hans/materials/for/elders/"' in html


def test_library_audience_route_has_its_own_canonical_and_title(client, site_tree):
    html = client.get("/zh-hans/materials/for/elders/").content.decode()
    assert canonical(html) == "http://testserver/zh-hans/materials/for/elders/"
    assert meta(html, "og:title") == "老年人"
    assert "<title>老年人 ·" in html


def test_a_landing_page_needs_at_least_one_thing_to_remember(site_tree):
    page = factories.AudienceLandingPageFactory.build(
        title="学生专区", slug="students-2", audience=site_tree["students"], remember=[]
    )
    with pytest.raises(ValidationError, match="一到三件要记住的事"):
        site_tree["home"].add_child(instance=page)


@pytest.mark.demo
@pytest.mark.django_db  # the test database set up (alone on an xdist worker it was not)
def test_demo_has_three_landing_pages_in_chinese_and_english(django_db_blocker, client):
    with django_db_blocker.unblock(), transaction.atomic():
        remove_site_tree()
        call_command("load_demo", verbosity=0, no_users=True, host="testserver")
        titles = set(
            AudienceLandingPage.objects.live()
            .filter(locale__language_code="zh-hans")
            .values_list("title", flat=True)
        )
        assert titles == {"老年人专区", "学生专区", "帮爸妈防骗"}
        assert AudienceLandingPage.objects.live().filter(locale__language_code="en").count() == 3
        home = client.get("/zh-hans/").content.decode()
        assert "帮爸妈防骗" in home and "/zh-hans/materials/for/elders/" not in home
        for page in AudienceLandingPage.objects.live():
            html = client.get(page.url).content.decode()
            assert len(re.findall('class="remember-point"', html)) == 3, page.url
            assert len(re.findall('class="card-title"', html)) >= 3, page.url
        recovered = CaseStudyPage.objects.get(
            slug="case-refund-call-screen-sharing", locale__language_code="zh-hans"
        )
        assert "全部追回" in client.get(recovered.url).content.decode()
        assert Page.objects.filter(slug__in=["about", "contact", "privacy"]).count() == 6
        footer = client.get("/en/").content.decode().split('class="site-footer"', 1)[1]
        assert ">About us</a>" in footer and ">Privacy notice</a>" in footer
        assert "江ICP备20260001号-1" in footer

        # A demo loaded before these pages existed gets them on its next load.
        AudienceLandingPage.objects.filter(locale__language_code="en").delete()
        AudienceLandingPage.objects.all().delete()
        Page.objects.filter(slug__in=["about", "contact", "privacy"], depth=4).delete()
        Page.objects.filter(slug__in=["about", "contact", "privacy"]).delete()
        call_command("load_demo", verbosity=0, no_users=True, host="testserver")
        assert AudienceLandingPage.objects.live().count() == 6
        assert Page.objects.filter(slug__in=["about", "contact", "privacy"]).count() == 6
        transaction.set_rollback(True)


@pytest.mark.parametrize(
    ("model", "chinese", "english"),
    [
        (
            "audiencelandingpage",
            ("要记住的几件事", "要记住的一条", "必读资料", "针对这些读者的诈骗类型", "大字显示"),
            ("things to remember", "must-read materials", "large type"),
        ),
        (
            "informationpage",
            ("导语", "正文", "最近审核"),
            ("introduction", "last reviewed"),
        ),
    ],
)
def test_the_new_page_forms_speak_chinese_to_an_editor(client, site_tree, model, chinese, english):
    user = get_user_model().objects.create_user("李编辑", password="x")  # noqa: S106
    user.groups.set(Group.objects.filter(name="Editors"))
    client.force_login(user)
    response = client.get(f"/admin/pages/add/materials/{model}/{site_tree['home'].pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in chinese:
        # block definitions travel as JSON, where Chinese may be \u-escaped
        assert text in html or json.dumps(text)[1:-1] in html, text
    for text in english:
        assert text not in html, text
