"""The admin speaks Chinese to a user who has not chosen a language, whatever the
browser asks for; a user who chose English under Account → Preferences gets English."""

import pytest
from django.contrib.auth.models import Group
from wagtail.users.models import UserProfile

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
