"""Site managers (group 站点管理员) edit the site settings: hotline, organisation, filing
numbers. Editors and campaign coordinators cannot."""

import pytest
from django.contrib.auth.models import Group

from core.models import SiteSettings

SITE_MANAGERS = "站点管理员"


def settings_url(site):
    return f"/admin/settings/core/sitesettings/{site.pk}/"


@pytest.fixture
def site_manager(django_user_model, db):
    user = django_user_model.objects.create_user("site_manager", password="pw")
    user.groups.add(Group.objects.get(name=SITE_MANAGERS))
    return user


@pytest.fixture
def coordinator(django_user_model, db):
    user = django_user_model.objects.create_user("coord", password="pw")
    user.groups.add(Group.objects.get(name="Campaign coordinators"))
    return user


SETTINGS_FORM = {
    "hotline": "0571-96110",
    "emergency_number": "110",
    "organisation": "杭州市江南区反诈中心",
    "icp_filing": "浙ICP备2026012345号-1",
    "police_filing": "浙公网安备33010802012345号",
}


def test_the_site_managers_group_exists_with_admin_access_only_to_settings(db):
    group = Group.objects.get(name=SITE_MANAGERS)
    codenames = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert ("wagtailadmin", "access_admin") in codenames
    assert ("core", "change_sitesettings") in codenames
    assert not any(app == "campaigns" for app, _ in codenames)
    assert not any(app == "wagtailcore" for app, _ in codenames)


def test_a_site_manager_opens_and_saves_the_settings(client, site_manager, site_tree):
    site = site_tree["site"]
    client.force_login(site_manager)
    response = client.get(settings_url(site))
    assert response.status_code == 200
    assert b'name="icp_filing"' in response.content

    response = client.post(settings_url(site), SETTINGS_FORM)
    assert response.status_code == 302
    saved = SiteSettings.objects.get(site=site)
    assert (saved.hotline, saved.organisation) == ("0571-96110", "杭州市江南区反诈中心")
    assert saved.icp_filing == "浙ICP备2026012345号-1"
    assert saved.police_filing == "浙公网安备33010802012345号"


def test_the_filing_numbers_show_in_every_pages_footer(client, site_tree):
    settings_row = SiteSettings.for_site(site_tree["site"])
    for name, value in SETTINGS_FORM.items():
        setattr(settings_row, name, value)
    settings_row.save()
    html = client.get(site_tree["home"].url).content.decode()
    assert "浙ICP备2026012345号-1" in html
    assert "浙公网安备33010802012345号" in html
    assert 'href="https://beian.miit.gov.cn/"' in html


@pytest.mark.parametrize("who", ["editor", "moderator", "coordinator"])
def test_editors_and_coordinators_cannot_open_or_save_the_settings(client, request, site_tree, who):
    site = site_tree["site"]
    before = SiteSettings.for_site(site)
    client.force_login(request.getfixturevalue(who))
    for response in (
        client.get(settings_url(site)),
        client.post(settings_url(site), SETTINGS_FORM),
    ):
        # Wagtail answers a refused admin screen with its dashboard and a message.
        assert response.status_code == 403 or response["Location"] == "/admin/"
        assert b'name="hotline"' not in response.content
    assert SiteSettings.objects.get(site=site).hotline == before.hotline
