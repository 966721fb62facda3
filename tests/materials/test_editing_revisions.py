"""The page editor on tagged materials whose latest version is a revision, not the live row.

Wagtail rebuilds such a page from its revision (a draft, a page in moderation or sent back
for changes, a scheduled page, a fresh translation); its scam types and audiences are then
modelcluster's in-memory relations, not database querysets. Every admin view must work on
them: edit, preview, view draft, revisions compare, the moderation preview.
"""

import datetime
import re

import pytest
from django.utils import timezone
from wagtail.models import Page, Revision, WorkflowState
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield
from wagtail_localize.models import Translation

from tests import factories


@pytest.fixture
def guide(site_tree):
    """A published guide about police impersonation calls, for elders."""
    page = factories.GuidePageFactory(
        parent=site_tree["library"], title="接到公检法电话怎么办", slug="police-calls"
    )
    page.scam_types.add(site_tree["police"])
    page.audiences.add(site_tree["elders"])
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def guide_data(page, *, summary, scam_types, audiences, **extra):
    """The edit form as the browser posts it (ticked boxes repeat the field's name)."""
    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "summary": summary,
            "body": streamfield([("paragraph", rich_text("<p>先挂断，再拨打96110核实。</p>"))]),
            "last_reviewed": "2026-11-20",
            **extra,
        }
    )
    data["scam_types"] = [item.pk for item in scam_types]
    data["audiences"] = [item.pk for item in audiences]
    return data


def edit_url(page) -> str:
    return f"/admin/pages/{page.pk}/edit/"


def open_editor(client, page):
    """GET the edit view and return its form's initial taxonomy ids and summary."""
    response = client.get(edit_url(page))
    assert response.status_code == 200
    form = response.context["form"]
    return {
        "scam_types": set(form.initial["scam_types"]),
        "audiences": set(form.initial["audiences"]),
        "summary": form.initial["summary"],
    }


def save(client, page, **kwargs):
    response = client.post(edit_url(page), guide_data(page, **kwargs))
    assert response.status_code == 302, response.context["form"].errors
    return response


def shown_audiences(html: str) -> list[str]:
    """The audiences a material page names under "Written for" (not the site's menu)."""
    return re.findall(r'/for/[^/"]+/">([^<]+)</a>', html.split("<main", 1)[1])


def tags(site_tree, audience="elders"):
    """The police-impersonation scam type and one audience, as guide_data takes them."""
    return {"scam_types": [site_tree["police"]], "audiences": [site_tree[audience]]}


def test_editor_reopens_a_tagged_guide_with_a_draft(client, site_tree, editor, guide):
    client.force_login(editor)
    assert open_editor(client, guide)["summary"] == guide.summary

    save(client, guide, summary="草稿：先挂断再核实。", **tags(site_tree))
    guide.refresh_from_db()
    assert guide.has_unpublished_changes

    reopened = open_editor(client, guide)
    assert reopened == {
        "scam_types": {site_tree["police"].pk},
        "audiences": {site_tree["elders"].pk},
        "summary": "草稿：先挂断再核实。",
    }
    save(client, guide, summary="第二稿。", **tags(site_tree))
    assert open_editor(client, guide)["summary"] == "第二稿。"


def test_a_draft_keeps_its_own_tags_when_reopened(client, site_tree, editor, guide):
    """Untick elders and tick students in a draft: the editor sees the draft's choice."""
    client.force_login(editor)
    save(client, guide, summary="改给学生看。", **tags(site_tree, "students"))
    assert open_editor(client, guide)["audiences"] == {site_tree["students"].pk}
    assert list(guide.audiences.all()) == [site_tree["elders"]]  # live page unchanged


def test_editor_and_moderator_reopen_a_tagged_guide_in_moderation(
    client, site_tree, editor, moderator, guide
):
    client.force_login(editor)
    save(client, guide, summary="提交审核的摘要。", **tags(site_tree), **{"action-submit": "1"})
    state = WorkflowState.objects.get(object_id=str(guide.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS

    assert open_editor(client, guide)["summary"] == "提交审核的摘要。"
    # While it awaits review the page is locked for its editor: refused, not a 500.
    response = client.post(
        edit_url(guide), guide_data(guide, summary="不该保存。", **tags(site_tree))
    )
    assert response.status_code == 200
    assert open_editor(client, guide)["summary"] == "提交审核的摘要。"

    client.force_login(moderator)  # the reviewer may correct it before approving
    assert open_editor(client, guide)["summary"] == "提交审核的摘要。"
    save(client, guide, summary="审核人改过的摘要。", **tags(site_tree))
    assert open_editor(client, guide)["summary"] == "审核人改过的摘要。"


def test_request_changes_loop_on_a_tagged_guide(client, site_tree, editor, moderator, guide):
    client.force_login(editor)
    save(client, guide, summary="第一版摘要。", **tags(site_tree), **{"action-submit": "1"})
    state = WorkflowState.objects.get(object_id=str(guide.pk))

    client.force_login(moderator)
    assert open_editor(client, guide)["summary"] == "第一版摘要。"
    response = client.post(
        f"/admin/pages/workflow/action/{guide.pk}/reject/{state.current_task_state.pk}/",
        {"comment": "请写明96110是免费电话。"},
    )
    assert response.status_code in (200, 302)
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES

    client.force_login(editor)
    response = client.get(edit_url(guide))
    assert response.status_code == 200
    assert "请写明96110是免费电话。" in response.content.decode()
    save(
        client,
        guide,
        summary="拨打96110（免费）核实。",
        **tags(site_tree),
        **{"action-submit": "1"},
    )
    state = WorkflowState.objects.filter(object_id=str(guide.pk)).latest("created_at")
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert open_editor(client, guide)["summary"] == "拨打96110（免费）核实。"

    client.force_login(moderator)
    response = client.post(
        f"/admin/pages/workflow/action/{guide.pk}/approve/{state.current_task_state.pk}/",
        {"comment": ""},
    )
    assert response.status_code in (200, 302)
    guide.refresh_from_db()
    assert guide.summary == "拨打96110（免费）核实。"
    assert list(guide.scam_types.all()) == [site_tree["police"]]
    assert client.get(guide.url).status_code == 200


def test_editor_reopens_a_scheduled_tagged_guide(client, site_tree, editor, moderator, guide):
    go_live = timezone.localtime() + datetime.timedelta(days=3)
    client.force_login(moderator)
    save(
        client,
        guide,
        summary="三天后上线的摘要。",
        **tags(site_tree),
        go_live_at=go_live.strftime("%Y-%m-%d %H:%M"),
        **{"action-publish": "1"},
    )
    revision = Revision.page_revisions.filter(object_id=str(guide.pk)).latest("created_at")
    assert revision.approved_go_live_at is not None
    guide.refresh_from_db()
    assert guide.summary != "三天后上线的摘要。"  # still the old version until then

    client.force_login(editor)  # a scheduled page is locked, but opens
    assert open_editor(client, guide)["summary"] == "三天后上线的摘要。"

    client.force_login(moderator)  # cancels the schedule so that it can be edited again
    response = client.post(f"/admin/pages/{guide.pk}/revisions/{revision.pk}/unschedule/")
    assert response.status_code == 302
    assert open_editor(client, guide)["summary"] == "三天后上线的摘要。"

    client.force_login(editor)
    save(client, guide, summary="排期取消后又改的草稿。", **tags(site_tree))
    assert open_editor(client, guide)["summary"] == "排期取消后又改的草稿。"


def test_editor_opens_a_fresh_translation_of_a_tagged_guide(
    client, site_tree, english_tree, editor, guide
):
    en = site_tree["locales"]["en"]
    police_en = site_tree["police"].copy_for_translation(en)
    police_en.name = "Impersonating the police"
    police_en.save()
    elders_en = site_tree["elders"].copy_for_translation(en)
    elders_en.name = "Older people"
    elders_en.save()

    client.force_login(editor)  # wagtail-localize's "Translate this page" (zh-hans → en)
    response = client.post(f"/admin/localize/submit/page/{guide.pk}/", {"locales": [en.pk]})
    assert response.status_code == 302
    translated = Page.objects.get(translation_key=guide.translation_key, locale=en).specific
    assert translated.latest_revision is not None
    # A synced translation opens in the localize editor; "Stop synced translation" gives
    # the page back to Wagtail's own form, which this test is about.
    translation = Translation.objects.get(source__object_id=guide.translation_key)
    response = client.post(f"/admin/localize/translate/{translation.pk}/disable/")
    assert response.status_code == 302

    client.force_login(editor)
    # The copy still points at the Chinese snippets; the form offers their English twins.
    assert open_editor(client, translated) == {
        "scam_types": {police_en.pk},
        "audiences": {elders_en.pk},
        "summary": guide.summary,
    }
    save(
        client,
        translated,
        summary="Hang up, then call 96110.",
        scam_types=[police_en],
        audiences=[elders_en],
    )
    assert open_editor(client, translated)["summary"] == "Hang up, then call 96110."


def test_preview_view_draft_and_compare_work_on_a_tagged_draft(client, site_tree, editor, guide):
    client.force_login(editor)
    save(client, guide, summary="预览用的草稿。", **tags(site_tree, "students"))

    data = guide_data(guide, summary="预览用的草稿。", **tags(site_tree, "students"))
    preview_url = f"/admin/pages/{guide.pk}/edit/preview/"
    assert client.post(preview_url, data).json()["is_valid"]
    response = client.get(preview_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "预览用的草稿。" in html
    assert shown_audiences(html) == ["学生"]  # the draft's audience, not the live page's

    response = client.get(f"/admin/pages/{guide.pk}/view_draft/")
    assert response.status_code == 200
    html = response.content.decode()
    assert shown_audiences(html) == ["学生"]

    revisions = Revision.page_revisions.filter(object_id=str(guide.pk)).order_by("created_at")
    first, last = revisions.first(), revisions.last()
    response = client.get(f"/admin/pages/{guide.pk}/revisions/compare/{first.pk}...{last.pk}/")
    assert response.status_code == 200
    response = client.get(f"/admin/pages/{guide.pk}/revisions/compare/live...{last.pk}/")
    assert response.status_code == 200
    response = client.get(f"/admin/pages/{guide.pk}/revisions/{last.pk}/view/")
    assert response.status_code == 200


def test_moderator_previews_a_tagged_guide_in_moderation(
    client, site_tree, editor, moderator, guide
):
    client.force_login(editor)
    save(
        client,
        guide,
        summary="待审核的摘要。",
        **tags(site_tree, "students"),
        **{"action-submit": "1"},
    )
    state = WorkflowState.objects.get(object_id=str(guide.pk))

    client.force_login(moderator)
    task_state = state.current_task_state
    response = client.get(f"/admin/pages/workflow/preview/{guide.pk}/{task_state.task_id}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "待审核的摘要。" in html and shown_audiences(html) == ["学生"]
    assert client.get("/admin/").status_code == 200  # the dashboard lists it for review


def test_preview_of_a_new_tagged_guide_names_its_tags(client, site_tree, editor):
    client.force_login(editor)
    parent = site_tree["library"]
    page = factories.GuidePageFactory.build(title="新指南", slug="new-guide")
    preview_url = f"/admin/pages/add/materials/guidepage/{parent.pk}/preview/"
    data = guide_data(page, summary="还没保存的指南。", **tags(site_tree))
    assert client.post(preview_url, data).json()["is_valid"]
    response = client.get(preview_url)
    assert response.status_code == 200
    assert shown_audiences(response.content.decode()) == ["老年人"]
