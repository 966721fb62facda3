"""Wagtail's autosave puts a new page in the tree as soon as the editor types a title.
Pages never published and not edited for a week are listed in the report 未完成的草稿,
where editors open or delete them, and `manage.py unfinished_drafts` lists (and with
--delete removes) them."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Page

from materials.models import GuidePage
from tests import factories

REPORT = "/admin/reports/unfinished-drafts/"


def age(page, days):
    """Make the page's last edit `days` old."""
    when = timezone.now() - datetime.timedelta(days=days)
    Page.objects.filter(pk=page.pk).update(latest_revision_created_at=when)
    page.revisions.update(created_at=when)


def draft(parent, title, *, days, owner=None):
    page = factories.GuidePageFactory(parent=parent, title=title, live=False, owner=owner)
    page.save_revision(user=owner)
    age(page, days)
    return page


@pytest.fixture
def drafts(site_tree, editor):
    library = site_tree["library"]
    published = factories.GuidePageFactory(parent=library, title="已发布的指南")
    published.save_revision().publish()
    published.title = "已发布的指南（修改中）"
    published.save_revision()
    age(published, 30)
    scheduled = draft(library, "定时发布的预警", days=30)
    scheduled.go_live_at = timezone.now() + datetime.timedelta(days=1)
    scheduled.save_revision().publish()  # approved, waits for its time
    age(scheduled, 30)
    return {
        "abandoned": draft(library, "冒充客服诈", days=10, owner=editor),
        "fresh": draft(library, "今天刚写的指南", days=0, owner=editor),
        "published": published,
        "scheduled": scheduled,
    }


def test_autosave_creates_the_page_in_the_tree_before_the_editor_saves(client, editor, site_tree):
    """What the admin's script sends a moment after a title is typed into a new page."""
    library = site_tree["library"]
    client.force_login(editor)
    response = client.post(
        f"/admin/pages/add/materials/guidepage/{library.pk}/",
        {
            "title": "冒充客服",
            "slug": "",
            "summary": "",
            "body-count": "0",
            "last_reviewed": "2026-11-30",
        },
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200, response.content
    page = GuidePage.objects.child_of(library).get(title="冒充客服")
    assert not page.live and page.first_published_at is None


def titles(client, url=REPORT, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return [page.title for page in response.context["object_list"]]


def test_the_report_lists_never_published_pages_left_for_a_week(client, editor, drafts):
    client.force_login(editor)
    assert titles(client) == ["冒充客服诈"]


def test_pages_waiting_for_review_are_not_unfinished(client, editor, moderator, drafts):
    waiting = drafts["abandoned"]
    waiting.get_workflow().start(waiting, editor)
    client.force_login(moderator)
    assert "冒充客服诈" not in titles(client)


def test_the_report_says_so_in_chinese_and_offers_delete(client, editor, drafts):
    client.force_login(editor)
    html = client.get(REPORT, headers={"Accept-Language": "zh-hans"}).content.decode()
    assert "未完成的草稿" in html
    assert "编辑器在输入标题后就会保存新页面" in html
    delete_url = f"/admin/pages/{drafts['abandoned'].pk}/delete/"
    assert delete_url in html


def test_an_editor_deletes_an_abandoned_draft_from_the_report(client, editor, drafts):
    client.force_login(editor)
    page = drafts["abandoned"]
    response = client.post(f"/admin/pages/{page.pk}/delete/", {"next": REPORT})
    assert response.status_code == 302
    assert not Page.objects.filter(pk=page.pk).exists()
    assert titles(client) == []


def test_the_report_is_in_the_reports_menu(client, editor, drafts):
    client.force_login(editor)
    html = client.get("/admin/").content.decode()
    assert REPORT in html


def test_coordinators_and_visitors_cannot_open_the_report(client, django_user_model, drafts):
    assert client.get(REPORT).status_code == 302  # to the sign-in page
    coordinator = django_user_model.objects.create_user("coord", password="pw")
    coordinator.groups.add(Group.objects.get(name="Campaign coordinators"))
    client.force_login(coordinator)
    response = client.get(REPORT)
    assert response.status_code == 403 or response["Location"] == "/admin/"


def test_the_command_lists_and_with_delete_removes_them(drafts, capsys):
    call_command("unfinished_drafts", "--days", "7")
    out = capsys.readouterr().out
    assert "冒充客服诈" in out and "今天刚写的指南" not in out
    assert Page.objects.filter(pk=drafts["abandoned"].pk).exists()

    call_command("unfinished_drafts", "--days", "7", "--delete")
    assert not Page.objects.filter(pk=drafts["abandoned"].pk).exists()
    for kept in ("fresh", "published", "scheduled"):
        assert Page.objects.filter(pk=drafts[kept].pk).exists(), kept
