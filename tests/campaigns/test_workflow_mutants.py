"""The review steps (campaigns/workflow.py) where the mutation run (docs/mutation.md) found
test_workflow.py silent: who and what the history records, the reviewer and the time on
the event, the comment an approval leaves, and the Chinese refusals."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from wagtail.models import ModelLogEntry

from campaigns import workflow


def _entries(event):
    return list(
        ModelLogEntry.objects.filter(object_id=str(event.pk))
        .order_by("timestamp", "pk")
        .values_list("action", "user_id", "data")
    )


def test_the_history_names_who_took_each_step_and_the_comment(world):
    event = world["event_a"]
    lead, coordinator = world["lead_a"], world["coord_a"]
    workflow.return_event(event=event, user=lead, comment="请补充签到表照片")
    workflow.submit_event(event=event, user=coordinator)
    workflow.approve_event(event=event, user=lead, comment="好")
    actions = [
        (action, user_id, (data or {}).get("comment")) for action, user_id, data in _entries(event)
    ]
    assert actions == [
        ("campaigns.return", lead.pk, "请补充签到表照片"),
        ("campaigns.submit", coordinator.pk, None),
        ("campaigns.approve", lead.pk, "好"),
    ]


def test_the_event_carries_its_reviewer_and_when(world):
    event = world["event_a"]
    before = timezone.now()
    workflow.return_event(event=event, user=world["lead_a"], comment="  日期写错了 ")
    event.refresh_from_db()
    assert (event.status, event.review_comment) == ("returned", "日期写错了")
    assert event.reviewed_by == world["lead_a"]
    assert before <= event.reviewed_at <= timezone.now()

    workflow.submit_event(event=event, user=world["coord_a"])
    before = timezone.now()
    workflow.approve_event(event=event, user=world["manager"])
    event.refresh_from_db()
    assert event.status == "approved" and event.reviewed_by == world["manager"]
    assert before <= event.reviewed_at <= timezone.now()
    # Approved without a comment: the old return reason is not left to read as the
    # approval's comment.
    assert event.review_comment == ""


def test_an_approved_event_is_not_approved_again(world):
    event = world["event_a"]
    workflow.approve_event(event=event, user=world["lead_a"])
    event.refresh_from_db()
    first = event.reviewed_at
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        workflow.approve_event(event=event, user=world["manager"], comment="再批一次")
    assert refused.value.messages == ["只有已提交的场次才能审核通过。"]
    event.refresh_from_db()
    assert (event.reviewed_by, event.reviewed_at) == (world["lead_a"], first)
    assert [action for action, _, _ in _entries(event)] == ["campaigns.approve"]


def test_a_return_without_a_reason_is_refused_on_the_comment(world):
    event = world["event_a"]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        workflow.return_event(event=event, user=world["lead_a"], comment=" \n ")
    assert refused.value.message_dict == {"comment": ["请说明需要修改的内容。"]}
    event.refresh_from_db()
    assert event.status == "submitted" and event.reviewed_by is None
    assert _entries(event) == []


def test_the_return_email_in_chinese(world, settings, django_capture_on_commit_callbacks):
    event = world["event_a"]
    lead = world["lead_a"]
    lead.first_name, lead.last_name = "丽", "王"
    lead.save()
    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        workflow.return_event(event=event, user=lead, comment="请补充签到表照片")
    (message,) = mail.outbox
    assert message.subject == f"宣传场次已退回：{event}"
    assert message.to == ["coord_a@example.org"]
    edit_url = f"{settings.WAGTAILADMIN_BASE_URL}/admin/campaigns/events/edit/{event.pk}/"
    assert message.body == (
        f"丽 王 退回了您录入的场次“{event}”：\n\n请补充签到表照片\n\n请在此处修改：{edit_url}"
    )


@pytest.mark.parametrize("gone", ["no address", "account deleted"])
def test_no_email_when_the_coordinator_cannot_get_one(
    world, django_capture_on_commit_callbacks, gone
):
    """A coordinator without an address, or whose account was deleted since (the event
    keeps created_by empty): the return goes through without an e-mail."""
    event = world["event_a"]
    if gone == "no address":
        world["coord_a"].email = ""
        world["coord_a"].save()
    else:
        world["coord_a"].delete()
        event.refresh_from_db()
        assert event.created_by is None
    with django_capture_on_commit_callbacks(execute=True):
        workflow.return_event(event=event, user=world["lead_a"], comment="改一下")
    assert mail.outbox == []
    event.refresh_from_db()
    assert event.status == "returned"


def test_a_mail_server_that_is_down_does_not_undo_or_break_a_return(
    world, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    event = world["event_a"]
    with django_capture_on_commit_callbacks(execute=True):
        workflow.return_event(event=event, user=world["lead_a"], comment="改一下")
    event.refresh_from_db()
    assert event.status == "returned"
    assert event.reviewed_at > timezone.now() - datetime.timedelta(minutes=1)
