"""The "被骗了怎么办" help path (issue 15, "Help now"): the page, the header link on every
page in both text modes, tap-to-call numbers from the site settings, and search."""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from wagtail.models import Site

from core.models import SiteSettings
from core.templatetags.fangzha_tags import link_numbers
from materials.models import HelpPage
from tests import factories
from tests.site_tree import remove_site_tree

SITUATIONS = [
    {
        "type": "situation",
        "value": {
            "title": "我已经通过银行卡转账给对方",
            "given": "银行转账",
            "steps": [
                {
                    "text": "立刻拨打110报警，说明转账时间、金额和对方账号，请民警协助止付。",
                    "hotline": "emergency",
                },
                {"text": "拨打银行卡背面的客服电话，要求冻结自己的账户并挂失。", "hotline": ""},
                {"text": "保存聊天记录、转账凭证和对方的账号。", "hotline": ""},
            ],
        },
    },
    {
        "type": "situation",
        "value": {
            "title": "家里老人正在和“警察”通话",
            "given": "",
            "steps": [
                {"text": "让老人先挂断电话，不要再转账。", "hotline": ""},
                {"text": "拿不准就打反诈专线咨询。", "hotline": "hotline"},
                {"text": "收到诈骗短信，可以举报。", "hotline": "spam"},
            ],
        },
    },
]
# As an editor types them: odd spacing, a full-width question mark, a blank line.
TRIGGERS = "被骗了\n  转错账 \n\n已经转账？\n妈妈被骗"


def make_help_page(home, *, publish=True, **fields):
    page = HelpPage(
        title="被骗了怎么办",
        slug="help",
        intro="已经转账或者正在被骗？先做这几件事。",
        situations=SITUATIONS,
        trigger_phrases=TRIGGERS,
        **fields,
    )
    home.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    else:
        page.unpublish()
    page.refresh_from_db()
    return page


@pytest.fixture
def help_page(site_tree):
    return make_help_page(site_tree["home"])


@pytest.fixture
def guide(site_tree):
    page = factories.GuidePageFactory(
        parent=site_tree["library"],
        title="冒充公检法诈骗：被骗了先挂断",
        summary="接到自称警察的电话，被骗了怎么办？先挂断。",
    )
    page.save_revision().publish()
    return page


def html_of(client, url, **cookies):
    for name, value in cookies.items():
        client.cookies[name] = value
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# --- the page ------------------------------------------------------------------------------
def test_help_page_lists_each_situation_with_steps_in_order_and_tap_to_call_numbers(
    client, help_page
):
    html = html_of(client, help_page.url)
    assert "我已经通过银行卡转账给对方" in html and "银行转账" in html
    first, second, third = (
        html.index("立刻拨打"),
        html.index("拨打银行卡背面"),
        html.index("保存聊天记录"),
    )
    assert first < second < third
    for number in ("110", "96110", "12321"):
        assert f'href="tel:{number}"' in html
    # the 110 inside the step's own text is a link too, not only the button
    assert '拨打<a href="tel:110"' in html


def test_help_numbers_come_from_the_site_settings(client, help_page):
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.hotline = "0571-96110"
    settings.spam_report_number = "12321"
    settings.save()
    html = html_of(client, help_page.url)
    assert 'href="tel:057196110"' in html and "0571-96110" in html
    assert 'href="tel:96110"' not in html


def test_a_draft_help_page_is_not_shown_to_readers(client, site_tree):
    page = make_help_page(site_tree["home"], publish=False)
    assert client.get(f"/zh-hans/{page.slug}/").status_code == 404
    home = html_of(client, "/zh-hans/")
    assert "/zh-hans/help/" not in home
    search = html_of(client, "/zh-hans/search/?q=被骗了")
    assert "/zh-hans/help/" not in search


# --- one tap from every page, in both text modes ----------------------------------------
@pytest.mark.parametrize("care_mode", ["0", "1"])
def test_every_page_links_to_the_help_page_in_the_header(client, help_page, guide, care_mode):
    for url in ("/zh-hans/", guide.url, "/zh-hans/materials/", "/zh-hans/search/?q=养老"):
        html = html_of(client, url, care_mode=care_mode)
        header = html[html.index("<header") : html.index("</header>")]
        assert f'class="help-link" href="{help_page.url}"' in header, url
        assert "被骗了？" in header


def test_110_in_the_footer_is_a_tap_to_call_link(client, help_page):
    html = html_of(client, "/zh-hans/")
    footer = html[html.index("<footer") : html.index("</footer>")]
    assert 'href="tel:110"' in footer and 'href="tel:96110"' in footer


# --- search -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "query",
    [
        "被骗了",
        "转错账了",
        "已经转账了怎么办",
        "妈妈被骗了怎么办",
        "  妈妈 被骗了怎么办？ ",
        "被骗了！！",
    ],
)
def test_questions_people_type_put_the_help_page_first(client, help_page, guide, query):
    html = html_of(client, f"/zh-hans/search/?q={query}")
    first = html.index('class="result-title"')
    assert html[first : first + 200].count(help_page.url) == 1, query
    assert "找到 0 条" not in html


def test_unrelated_search_does_not_promote_the_help_page(client, help_page, guide):
    html = html_of(client, "/zh-hans/search/?q=公检法")
    first = html.index('class="result-title"')
    assert guide.url in html[first : first + 200]
    main = html[html.index("<main") : html.index("</main>")]
    assert help_page.url not in main


def test_zero_result_search_shows_the_help_path_hotlines_and_topics(client, help_page):
    html = html_of(client, "/zh-hans/search/?q=完全不相关的词语")
    main = html[html.index("<main") : html.index("</main>")]
    assert f'href="{help_page.url}"' in main
    assert f'href="{help_page.url}#situation-' in main  # the situations, one tap each
    assert 'href="tel:110"' in main and 'href="tel:96110"' in main
    assert "/topic/impersonating-police/" in main


def test_english_help_page_is_promoted_for_english_questions(client, site_tree, help_page):
    home_en = site_tree["home"].copy_for_translation(site_tree["locales"]["en"])
    home_en.save_revision().publish()
    english = help_page.copy_for_translation(site_tree["locales"]["en"])
    english.title = "I think I've been scammed"
    english.trigger_phrases = "scammed\nsent money"
    english.save_revision().publish()
    english.refresh_from_db()
    html = html_of(client, "/en/search/?q=I think I have been SCAMMED")
    first = html.index('class="result-title"')
    assert english.url in html[first : first + 200]


# --- numbers in editors' text --------------------------------------------------------------
def test_tel_links_turns_only_known_numbers_outside_links_into_tel_links(site_tree):
    settings = SiteSettings.for_site(site_tree["site"])
    html = (
        "<p>立即拨打110报警，咨询请打96110；短信举报12321。</p>"
        '<p>损失1100元，2024年11月报警；已有链接<a href="tel:110">110</a>。</p>'
        "<p>拨打 １１０？不是已知号码：12345。</p>"
    )
    linked = str(link_numbers(html, settings))
    assert '拨打<a href="tel:110">110</a>报警' in linked
    assert '<a href="tel:96110">96110</a>' in linked
    assert '<a href="tel:12321">12321</a>' in linked
    assert "损失1100元" in linked and "2024年11月" in linked
    assert linked.count('href="tel:110"') == 2  # the editor's own link is not nested
    assert "tel:12345" not in linked
    assert link_numbers(html, "") == html  # no settings in context: unchanged


def test_110_in_a_guide_paragraph_is_tap_to_call(client, site_tree):
    page = factories.GuidePageFactory(
        parent=site_tree["library"],
        body=[("paragraph", "<p>钱已经转出去了？马上拨打110，越快越有可能止付。</p>")],
    )
    page.save_revision().publish()
    assert '拨打<a href="tel:110">110</a>' in html_of(client, page.url)


# --- who may do what ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("groups", "status"), [(["Editors"], 200), (["Moderators"], 200), ([], 302)]
)
def test_editors_and_reviewers_edit_the_help_page_others_cannot(client, help_page, groups, status):
    user = get_user_model().objects.create_user("王小红", password="x")  # noqa: S106
    user.groups.set(Group.objects.filter(name__in=groups))
    client.force_login(user)
    response = client.get(f"/admin/pages/{help_page.pk}/edit/")
    assert response.status_code == status


def test_the_help_page_form_speaks_chinese_to_an_editor(client, site_tree):
    user = get_user_model().objects.create_user("李编辑", password="x")  # noqa: S106
    user.groups.set(Group.objects.filter(name="Editors"))
    client.force_login(user)
    home = site_tree["home"]
    response = client.get(f"/admin/pages/add/materials/helppage/{home.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    for chinese in ("各种情况", "引到本页的问题", "要拨打的号码", "付出了什么", "报警电话（110）"):
        # the block definitions travel as JSON, where Chinese may be \u-escaped
        assert chinese in html or json.dumps(chinese)[1:-1] in html, chinese
    for english in ("questions that lead here", "number to call", "what was paid or given"):
        assert english not in html, english


# --- the demo -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The README's demo, loaded once for these tests and rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        remove_site_tree()
        call_command("load_demo", verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.mark.demo
@pytest.mark.django_db
def test_demo_has_the_help_page_in_chinese_and_english(demo, client):
    chinese = HelpPage.objects.live().get(locale__language_code="zh-hans")
    english = HelpPage.objects.live().get(locale__language_code="en")
    assert english.translation_key == chinese.translation_key
    given = [block.value["given"] for block in chinese.situations]
    for what in ("银行转账", "微信支付", "屏幕共享", "验证码", "身份证", "贷款", "还在进行中"):
        assert any(what in text for text in given), what
    html = html_of(client, chinese.url)
    for number in ("110", "96110", "12321"):
        assert f'href="tel:{number}"' in html
    assert "国家反诈中心" in html and "银行卡背面" in html
    english_html = html_of(client, english.url)
    main = english_html[english_html.index("<main") : english_html.index("</main>")]
    assert not re.search(r"[\u4e00-\u9fff]", main)
    assert 'href="tel:110"' in english_html
    for query in ("被骗了", "转错账了", "已经转账了怎么办", "妈妈被骗了怎么办"):
        search = html_of(client, f"/zh-hans/search/?q={query}")
        first = search.index('class="result-title"')
        assert chinese.url in search[first : first + 200], query
    search = html_of(client, "/en/search/?q=I think I've been scammed")
    first = search.index('class="result-title"')
    assert english.url in search[first : first + 200]
