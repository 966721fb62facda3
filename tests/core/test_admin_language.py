"""The admin speaks Chinese to a user who has not chosen a language, whatever the
browser asks for; a user who chose English under Account → Preferences gets English."""

import re

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Page
from wagtail.users.models import UserProfile

from tests import factories

ENGLISH_BROWSER = {"Accept-Language": "en-US,en;q=0.9"}


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("editor_en_browser", password="x")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def test_an_english_browser_gets_the_chinese_admin(client, site_tree, editor):
    login = client.get("/admin/login/", headers=ENGLISH_BROWSER).content.decode()
    assert "登录" in login and "Sign in" not in login
    client.force_login(editor)
    dashboard = client.get("/admin/", headers=ENGLISH_BROWSER)
    assert dashboard.headers["Content-Language"] == "zh-hans"
    assert 'lang="zh-hans"' in dashboard.content.decode()


def test_a_chosen_english_preference_is_kept(client, site_tree, editor):
    UserProfile.get_for_user(editor).__class__.objects.filter(user=editor).update(
        preferred_language="en"
    )
    client.force_login(editor)
    html = client.get("/admin/", headers={"Accept-Language": "zh-CN"}).content.decode()
    assert 'lang="en"' in html


def test_public_pages_still_follow_the_address_not_the_admin_rule(client, site_tree):
    response = client.get("/", headers=ENGLISH_BROWSER)
    assert response.status_code in (301, 302)


def visible_text(html: str) -> str:
    html = re.sub(r"(?s)<(script|style|template)\b.*?</\1>", " ", html)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


NONE = r"(?<![A-Za-z])None(?![A-Za-z])"


@pytest.mark.parametrize(
    "url", ["/admin/pages/search/?q=防骗", "/admin/pages/search/?q=防骗&p=1", "/admin/pages/"]
)
def test_listing_counts_read_as_chinese_without_a_none(client, site_tree, editor, url):
    """Wagtail's count line under the title column ("1-7 of 7 pages") has no model name
    on the search screen; a translation that names one showed "共 7 个None"."""
    factories.GuidePageFactory(parent=site_tree["library"], title="老人防骗指南")
    client.force_login(editor)
    text = visible_text(client.get(url).content.decode())
    assert "当前显示" in text  # the count line is there to check
    # (\b would not do: a CJK character before "None" counts as a word character)
    assert not re.search(NONE, text), re.findall(r".{0,20}" + NONE + ".{0,5}", text)


@pytest.fixture
def live_guide_with_a_draft(site_tree):
    page = factories.GuidePageFactory(parent=site_tree["library"], title="冒充客服退款")
    page.save_revision().publish()
    page.title = "冒充客服退款（修订）"
    page.save_revision()
    return page


def test_a_live_page_reads_已发布_on_the_edit_view_and_in_the_listing(
    client, site_tree, editor, live_guide_with_a_draft
):
    """Wagtail's admin catalogue says 发布 ("Live", the status panel) and its core one
    在用 ("live", listings) and 发布+草稿 ("live + draft"): one word, 已发布, everywhere."""
    client.force_login(editor)
    page = live_guide_with_a_draft
    edit = visible_text(client.get(f"/admin/pages/{page.pk}/edit/").content.decode())
    listing = visible_text(client.get(f"/admin/pages/{site_tree['library'].pk}/").content.decode())
    assert "状态： 已发布" in edit and "状态： 发布" not in edit  # the status side panel
    assert "已发布+草稿" in listing
    for text in (edit, listing):
        assert "在用" not in text
        assert not re.search(r"(?<!已)发布\+草稿", text)


def test_the_final_approval_reads_通过并发布(client, site_tree, live_guide_with_a_draft, moderator):
    """Wagtail joins "%(label)s and Publish" as "通过 和发布" and "带评论批准 和发布"."""
    page = live_guide_with_a_draft
    page.get_workflow().start(page, moderator)
    client.force_login(moderator)
    html = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert "通过并发布" in html and "附评论通过并发布" in html
    assert "和发布" not in html and "带评论批准" not in html


@pytest.mark.django_db
def test_the_root_page_is_called_全部页面_not_root():
    """The root page's title is data (Wagtail's migration names it "Root") and starts every
    edit view's breadcrumb; our migration renames it."""
    root = Page.objects.get(depth=1)
    assert (root.title, root.draft_title) == ("全部页面", "全部页面")


def test_the_english_search_box_gives_an_english_example(client, site_tree, english_tree):
    """The English site's search placeholder read "Search, e.g. 刷单"."""
    chinese = client.get(site_tree["home"].url).content.decode()
    assert 'placeholder="搜索，例如：刷单"' in chinese
    english = client.get(english_tree["home"].url).content.decode()
    placeholder = re.search(r'id="nav-q"[^>]*placeholder="([^"]*)"', english).group(1)
    assert not re.search(r"[\u4e00-\u9fff]", placeholder), placeholder
    assert placeholder.startswith("Search")
