"""What editors can do: moderation, sanitised rich text."""

from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import nested_form_data, rich_text

from tests import factories


def test_editor_submits_and_reviewer_publishes_through_the_workflow(
    client, site_tree, editor, moderator
):
    alert = factories.AlertPageFactory(parent=site_tree["alerts"], title="原标题")
    client.force_login(editor)
    data = nested_form_data(
        {
            "title": "新标题：冒充医保局",
            "slug": alert.slug,
            "summary": "摘要",
            "alert_date": "2026-11-20",
            "level": "urgent",
            "body": rich_text("<p>正文</p>"),
            "last_reviewed": "2026-11-20",
            "action-submit": "Submit",
        }
    )
    response = client.post(f"/admin/pages/{alert.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    alert.refresh_from_db()
    assert alert.title == "原标题"  # the public still sees the approved version
    state = WorkflowState.objects.get(object_id=str(alert.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert not alert.permissions_for_user(editor).can_publish()

    client.force_login(moderator)
    task_state = state.current_task_state
    response = client.post(
        f"/admin/pages/workflow/action/{alert.pk}/approve/{task_state.pk}/", {"comment": ""}
    )
    assert response.status_code in (200, 302)
    alert.refresh_from_db()
    assert alert.title == "新标题：冒充医保局"
    assert client.get(alert.url).status_code == 200


def test_rich_text_is_sanitised_on_output(client, site_tree):
    case = factories.CaseStudyPageFactory(
        parent=site_tree["library"],
        what_happened='<p>正常内容</p><script>alert("x")</script><p onclick="evil()">点我</p>'
        '<a href="javascript:alert(1)">链接</a>',
    )
    html = client.get(case.url).content.decode()
    assert "正常内容" in html
    assert "<script>alert" not in html
    assert "onclick" not in html
    assert "javascript:alert" not in html
