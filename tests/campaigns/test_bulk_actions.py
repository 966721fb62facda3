"""Bulk submit, approve and return from the events list (issue 13): every event goes
through the workflow's own rules, and what is refused is reported per event, in Chinese."""

import datetime
from urllib.parse import urlencode

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from wagtail.models import ModelLogEntry

from campaigns.models import OutreachEvent
from tests import factories

LIST = "/admin/campaigns/events/"


def bulk_url(action, events, **extra):
    ids = [("id", event if isinstance(event, str) else event.pk) for event in events]
    return f"/admin/bulk/campaigns/outreachevent/{action}/?" + urlencode(
        [*ids, ("next", LIST), *extra.items()]
    )


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def status_of(event):
    return OutreachEvent.objects.values_list("status", flat=True).get(pk=event.pk)


def event_of(world, team="a", day=10, status="draft", created_by=None, **kwargs):
    starts = datetime.datetime(2026, 11, day, 1, 30, tzinfo=datetime.UTC)  # 09:30 Beijing
    return factories.OutreachEventFactory(
        campaign=world["campaign"],
        team=world[f"team_{team}"],
        venue=factories.VenueFactory(name=f"幸福里 社区 {day}号", district="江南区"),
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        created_by=created_by or world[f"coord_{team}"],
        status=status,
        **kwargs,
    )


def post(client, user, action, events, data=None, **extra):
    client.force_login(user)
    return client.post(bulk_url(action, events, **extra), data or {})


def test_the_list_offers_bulk_actions(client, world):
    client.force_login(world["lead_a"])
    html = client.get(LIST).content.decode()
    assert "data-bulk-action-checkbox" in html
    assert f'data-object-id="{world["event_a"].pk}"' in html
    for action in ("submit", "approve", "return"):
        assert f"/admin/bulk/campaigns/outreachevent/{action}/" in html


def test_coordinator_submits_own_teams_drafts_and_hears_why_others_were_refused(client, world):
    first, second = event_of(world, day=3), event_of(world, day=4)
    already = world["event_a"]  # submitted
    other_team = event_of(world, team="b", day=5)
    response = post(client, world["coord_a"], "submit", [first, second, already, other_team])
    assert response.status_code == 302
    assert status_of(first) == status_of(second) == "submitted"
    assert status_of(other_team) == "draft"  # another team's id, forged in: untouched
    done, refused = messages_of(response)
    assert "2" in done and "已提交" in done
    assert str(already) in refused and "A队" in refused
    assert "只有草稿和退回的场次" in refused
    assert str(other_team) not in refused  # not even named: it does not exist for them
    actions = ModelLogEntry.objects.filter(action="campaigns.submit").values_list(
        "object_id", flat=True
    )
    assert sorted(actions) == sorted([str(first.pk), str(second.pk)])


def test_submitting_runs_the_events_checks(client, world):
    """An event dated after today is refused by full_clean, as one by one."""
    future = event_of(world, day=10)
    OutreachEvent.objects.filter(pk=future.pk).update(
        starts_at=datetime.datetime(2026, 12, 30, 1, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2026, 12, 30, 3, 0, tzinfo=datetime.UTC),
    )
    response = post(client, world["coord_a"], "submit", [future])
    assert status_of(future) == "draft"
    (refused,) = messages_of(response)
    assert "2026-12-30" in refused and "今天" in refused


def test_lead_approves_a_batch_flagged_only_when_confirmed(client, world):
    plain = world["event_a"]
    flagged = event_of(
        world, day=6, status="submitted", **factories.reached(6200, general_public=6000)
    )
    flagged.needs_review = True
    flagged.save()
    response = post(client, world["lead_a"], "approve", [plain, flagged], {"comment": "好"})
    assert status_of(plain) == "approved"
    assert status_of(flagged) == "submitted"
    done, refused = messages_of(response)
    assert "已通过" in done or "通过" in done
    assert str(flagged) in refused and "6200" in refused and "确认" in refused

    client.force_login(world["lead_a"])
    page = client.get(bulk_url("approve", [flagged])).content.decode()
    assert "confirm_flagged" in page and "需核查" in page
    post(client, world["lead_a"], "approve", [flagged], {"confirm_flagged": "on"})
    assert status_of(flagged) == "approved"
    entry = ModelLogEntry.objects.get(action="campaigns.approve", object_id=str(flagged.pk))
    assert entry.data["confirmed_flagged_attendance"] == 6200


def test_four_eyes_hold_in_a_batch(client, world):
    own = event_of(world, day=7, status="submitted", created_by=world["lead_a"])
    response = post(client, world["lead_a"], "approve", [own, world["event_a"]])
    assert status_of(own) == "submitted"
    assert status_of(world["event_a"]) == "approved"
    refused = messages_of(response)[-1]
    assert str(own) in refused and "双人复核" in refused


def test_approving_a_draft_or_approved_event_is_refused_with_the_reason(client, world):
    draft = event_of(world, day=8)
    response = post(client, world["lead_a"], "approve", [draft])
    assert status_of(draft) == "draft"
    (refused,) = messages_of(response)
    assert "只有已提交的场次才能审核通过" in refused


def test_returning_needs_a_comment_and_mails_each_coordinator(
    client, world, django_capture_on_commit_callbacks
):
    second = event_of(world, day=9, status="submitted")
    response = post(client, world["lead_a"], "return", [world["event_a"], second], {"comment": " "})
    assert response.status_code == 200  # the form again, with the error
    assert "请说明需要修改的内容" in response.content.decode()
    assert status_of(world["event_a"]) == status_of(second) == "submitted"
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client,
            world["lead_a"],
            "return",
            [world["event_a"], second],
            {"comment": "请补充 签到表照片"},
        )
    assert status_of(world["event_a"]) == status_of(second) == "returned"
    assert OutreachEvent.objects.get(pk=second.pk).review_comment == "请补充 签到表照片"
    assert len(mail.outbox) == 2
    assert {m.to[0] for m in mail.outbox} == {"coord_a@example.org"}


def test_coordinator_cannot_approve_or_return_in_bulk(client, world):
    for action, data in (("approve", {}), ("return", {"comment": "不对"})):
        response = post(client, world["coord_a"], action, [world["event_a"]], data)
        assert status_of(world["event_a"]) == "submitted"
        refused = messages_of(response)[-1]
        assert "负责人" in refused and str(world["event_a"]) in refused


def test_forged_ids_of_another_team_change_nothing(client, world):
    client.force_login(world["lead_b"])
    assert client.get(bulk_url("approve", [world["event_a"]])).status_code == 404
    assert post(client, world["lead_b"], "approve", [world["event_a"]]).status_code == 404
    assert (
        post(client, world["lead_b"], "return", [world["event_a"]], {"comment": "x"}).status_code
        == 404
    )
    assert status_of(world["event_a"]) == "submitted"
    response = post(client, world["lead_b"], "approve", [world["event_a"], world["event_b"]])
    assert status_of(world["event_a"]) == "submitted"
    assert status_of(world["event_b"]) == "approved"
    assert not any(str(world["event_a"]) in message for message in messages_of(response))


def test_manager_approves_every_teams_events(client, world):
    post(client, world["manager"], "approve", [world["event_a"], world["event_b"]])
    assert status_of(world["event_a"]) == status_of(world["event_b"]) == "approved"


@pytest.mark.parametrize("action", ["submit", "approve", "return"])
def test_editor_and_anonymous_get_nothing(client, world, action):
    client.force_login(world["editor"])
    # Wagtail turns the PermissionDenied into a redirect to the admin home with a notice.
    response = client.get(bulk_url(action, [world["event_a"]]))
    assert response.status_code == 302 and response["Location"] == "/admin/"
    response = client.post(bulk_url(action, [world["event_a"]]), {"comment": "x"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    client.logout()
    assert client.post(bulk_url(action, [world["event_a"]]), {"comment": "x"}).status_code == 302
    assert status_of(world["event_a"]) == "submitted"


def test_select_all_in_listing_follows_the_lists_filters(client, world):
    draft = event_of(world, day=11)
    second = event_of(world, day=12, status="submitted")
    url = bulk_url("approve", ["all"], status="submitted", team=world["team_a"].pk)
    client.force_login(world["manager"])
    page = client.get(url).content.decode()
    assert str(second) in page and str(world["event_b"]) not in page
    client.post(url, {})
    assert status_of(world["event_a"]) == status_of(second) == "approved"
    assert status_of(world["event_b"]) == "submitted"
    assert status_of(draft) == "draft"


@pytest.mark.parametrize("bad", ["abc", "99999999999999999999999", "-1", "１２"])
def test_bad_ids_are_no_500(client, world, bad):
    client.force_login(world["lead_a"])
    assert client.get(bulk_url("approve", [bad])).status_code == 404
    response = client.post(bulk_url("approve", [bad, world["event_a"]]), {})
    assert response.status_code == 302


def test_confirmation_page_is_chinese_and_names_refusals(client, world):
    draft = event_of(world, day=13)
    client.force_login(world["lead_a"])
    html = client.get(bulk_url("approve", [world["event_a"], draft])).content.decode()
    assert "审核通过" in html or "通过" in html
    assert str(draft) in html and "只有已提交的场次才能审核通过" in html
    for english in ("These", "No, go back", "left as"):
        assert english not in html
