"""The admin speaks Chinese to a user who has not chosen a language, whatever the
browser asks for; a user who chose English under Account → Preferences gets English."""

import re

import pytest
from django.contrib.auth.models import Group
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
