"""Follow-up without chasing (issue 13): daily reminders run by calling the beat tasks,
the follow-up filters of the events list, the lead's home panel and the completeness
view, for every role."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from campaigns import followup, tasks
from campaigns.models import OutreachEvent, ReminderSent, Venue
from tests import factories

LIST = "/admin/campaigns/events/"


def days_ago(days, hours=0):
    return timezone.now() - datetime.timedelta(days=days, hours=hours)


def backdate(event, *, created=None, updated=None):
    """created_at / updated_at are set by Django on save: move them with an update."""
    values = {}
    if created is not None:
        values["created_at"] = created
    if updated is not None:
        values["updated_at"] = updated
    OutreachEvent.objects.filter(pk=event.pk).update(**values)


def draft_of(world, day, team="a", status="draft", **kwargs):
    venue = Venue.objects.filter(name="城东 农贸市场").first() or factories.VenueFactory(
        name="  城东 农贸市场 ", district="江南区"
    )
    starts = datetime.datetime(2026, 11, day, 9, 30, tzinfo=datetime.UTC)
    return factories.OutreachEventFactory(
        campaign=world["campaign"],
        team=world[f"team_{team}"],
        venue=venue,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        created_by=world[f"coord_{team}"],
        status=status,
        **kwargs,
    )


@pytest.fixture
def followups(world):
    """Team A: an old draft, a fresh draft, a returned event and a submission waiting
    three days; team B: a submission waiting one day only."""
    old_draft = draft_of(world, 17)
    backdate(old_draft, created=days_ago(4))
    fresh_draft = draft_of(world, 18)
    backdate(fresh_draft, created=days_ago(1))
    returned = draft_of(world, 19, status="returned", review_comment="签到表照片不清楚")
    backdate(world["event_a"], updated=days_ago(3))
    backdate(world["event_b"], updated=days_ago(1))
    return {"old_draft": old_draft, "fresh_draft": fresh_draft, "returned": returned}


def mails_to(address):
    return [message for message in mail.outbox if message.to == [address]]


# Reminders ---------------------------------------------------------------------------


def test_coordinator_gets_one_chinese_reminder_of_old_drafts_and_returned_events(world, followups):
    tasks.send_follow_up_reminders()
    (message,) = mails_to("coord_a@example.org")
    assert "待跟进" in message.subject
    body = message.body
    assert "超过 3 天" in body and "退回" in body
    assert str(followups["old_draft"]) in body
    assert str(followups["returned"]) in body
    assert body.count("城东 农贸市场") == 2  # the fresh draft is not listed
    base = settings.WAGTAILADMIN_BASE_URL + LIST
    assert f"{base}?follow_up=stale_drafts" in body
    assert f"{base}?follow_up=returned" in body
    assert "Hello" not in body and "Open the list" not in body  # Chinese, not English


def test_lead_is_reminded_of_submissions_waiting_more_than_two_days_of_own_team_only(
    world, followups
):
    tasks.send_follow_up_reminders()
    (message,) = mails_to("lead_a@example.org")
    assert str(world["event_a"]) in message.body
    assert "?follow_up=waiting" in message.body
    assert str(world["event_b"]) not in message.body
    # team B's submission waits one day only; B's coordinator has nothing to follow up
    assert mails_to("lead_b@example.org") == []
    assert mails_to("coord_b@example.org") == []
    # neither the manager nor the editor gets reminders
    assert mails_to("manager@example.org") == [] and mails_to("editor@example.org") == []


def test_running_the_beat_task_twice_a_day_sends_once(world, followups):
    tasks.send_follow_up_reminders()
    first = len(mail.outbox)
    assert first == 2
    tasks.send_follow_up_reminders()
    assert len(mail.outbox) == first
    assert ReminderSent.objects.count() == 2


def test_nothing_to_follow_up_sends_nothing(world):
    world["event_a"].status = "approved"
    world["event_a"].save()
    draft = draft_of(world, 20)
    backdate(draft, created=days_ago(2, hours=23))  # not yet three days
    tasks.send_follow_up_reminders()
    assert mail.outbox == []
    assert ReminderSent.objects.count() == 0


def test_a_reminder_moves_on_with_the_event(world, followups):
    """Once the old draft is submitted and the returned one deleted, the next day's
    reminder does not mention them."""
    tasks.send_follow_up_reminders()
    OutreachEvent.objects.filter(pk=followups["old_draft"].pk).update(status="submitted")
    followups["returned"].delete()
    ReminderSent.objects.all().delete()  # as if it were the next day
    mail.outbox.clear()
    tasks.send_follow_up_reminders()
    assert mails_to("coord_a@example.org") == []


class RecordingChannel:
    sent = []

    def send(self, user, subject, body):
        self.sent.append((user.username, subject, body))
        return True


class BrokenChannel:
    def send(self, user, subject, body):
        raise ConnectionError("SMS gateway down")


def test_the_channel_is_a_setting(world, followups):
    RecordingChannel.sent = []
    path = "tests.campaigns.test_followup.RecordingChannel"
    with override_settings(FANGZHA_NOTIFY_CHANNEL=path):
        tasks.send_follow_up_reminders()
    assert mail.outbox == []
    assert sorted(name for name, _s, _b in RecordingChannel.sent) == ["coord_a", "lead_a"]
    assert set(ReminderSent.objects.values_list("channel", flat=True)) == {path}


def test_a_failed_send_is_not_recorded_so_the_retry_sends(world, followups):
    day = followup.beijing_today().isoformat()
    with override_settings(FANGZHA_NOTIFY_CHANNEL="tests.campaigns.test_followup.BrokenChannel"):
        with pytest.raises(ConnectionError):
            tasks.send_follow_up_reminder(world["coord_a"].pk, day)
    assert ReminderSent.objects.count() == 0
    assert tasks.send_follow_up_reminder(world["coord_a"].pk, day) is True
    assert len(mails_to("coord_a@example.org")) == 1


def test_no_address_no_record(world, followups):
    coord = world["coord_a"]
    coord.email = ""
    coord.save()
    tasks.send_follow_up_reminders()
    assert mails_to("coord_a@example.org") == []
    assert not ReminderSent.objects.filter(user=coord).exists()


def test_inactive_users_get_no_reminder(world, followups):
    world["lead_a"].is_active = False
    world["lead_a"].save()
    tasks.send_follow_up_reminders()
    assert mails_to("lead_a@example.org") == []


def test_reminders_are_on_the_beat_schedule_daily():
    entry = next(
        value
        for value in settings.CELERY_BEAT_SCHEDULE.values()
        if value["task"] == "campaigns.tasks.send_follow_up_reminders"
    )
    assert entry["schedule"].day_of_week == set(range(7))


# The follow-up filters of the events list ------------------------------------------------


def listed(client, user, query):
    client.force_login(user)
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    return {event.pk for event in response.context["object_list"]}


def test_follow_up_filters_list_what_the_reminder_names(client, world, followups):
    assert listed(client, world["coord_a"], "follow_up=stale_drafts") == {followups["old_draft"].pk}
    assert listed(client, world["coord_a"], "follow_up=returned") == {followups["returned"].pk}
    assert listed(client, world["lead_a"], "follow_up=waiting") == {world["event_a"].pk}


def test_follow_up_filters_stay_within_the_users_scope(client, world, followups):
    backdate(world["event_b"], updated=days_ago(5))
    assert listed(client, world["lead_a"], "follow_up=waiting") == {world["event_a"].pk}
    assert listed(client, world["lead_b"], "follow_up=waiting") == {world["event_b"].pk}
    assert listed(client, world["coord_b"], "follow_up=stale_drafts") == set()
    assert listed(client, world["coord_b"], "follow_up=waiting") == set()
    assert listed(client, world["manager"], "follow_up=waiting") == {
        world["event_a"].pk,
        world["event_b"].pk,
    }
    client.force_login(world["editor"])
    assert client.get(f"{LIST}?follow_up=waiting").status_code in (302, 403)


def test_flagged_filter(client, world):
    OutreachEvent.objects.filter(pk=world["event_a"].pk).update(attendance=6000, needs_review=True)
    assert listed(client, world["lead_a"], "follow_up=flagged") == {world["event_a"].pk}
    assert listed(client, world["lead_b"], "follow_up=flagged") == set()


def test_an_unknown_follow_up_value_is_no_500(client, world):
    client.force_login(world["lead_a"])
    assert client.get(f"{LIST}?follow_up=%E5%85%A8%E9%83%A8").status_code == 200


# The lead's home panel -----------------------------------------------------------------


def home(client, user):
    client.force_login(user)
    return client.get("/admin/").content.decode()


def test_lead_home_panel_links_to_the_filtered_lists_with_counts(client, world, followups):
    OutreachEvent.objects.filter(pk=world["event_a"].pk).update(attendance=6000, needs_review=True)
    html = home(client, world["lead_a"])
    assert "等待审核超过 2 天：1" in html
    assert "需核查：1" in html
    assert "已退回待修改：1" in html
    for value in ("waiting", "flagged", "team_returned"):
        assert f'href="{LIST}?follow_up={value}"' in html
    assert 'href="/admin/campaigns/completeness/"' in html
    # what the link lists is what the panel counted
    assert listed(client, world["lead_a"], "follow_up=team_returned") == {followups["returned"].pk}


def test_other_lead_counts_only_their_team(client, world, followups):
    html = home(client, world["lead_b"])
    assert "等待审核超过 2 天：0" in html and "已退回待修改：0" in html
    assert listed(client, world["lead_b"], "follow_up=team_returned") == set()


def test_coordinator_and_editor_home_has_no_lead_links(client, world, followups):
    assert "follow_up=waiting" not in home(client, world["coord_a"])
    assert "follow_up=waiting" not in home(client, world["editor"])
    assert "等待审核超过 2 天：1" in home(client, world["manager"])


# Completeness ----------------------------------------------------------------------------


def beijing(day, hour, minute=0):
    zone = timezone.get_default_timezone()
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zone)


def event_at(world, team, starts, status):
    return factories.OutreachEventFactory(
        campaign=world["campaign"],
        team=world[f"team_{team}"],
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
        created_by=world[f"coord_{team}"],
        status=status,
    )


def test_completeness_counts_beijing_weeks_and_months(world):
    """Today Wednesday 2026-11-25; the week began Monday 23 November (Beijing)."""
    OutreachEvent.objects.all().delete()
    today = datetime.date(2026, 11, 25)
    # Monday 00:30 in Beijing is still Sunday in UTC: it is this week's
    event_at(world, "a", beijing(datetime.date(2026, 11, 23), 0, 30), "submitted")
    # team B: a draft this week (not reported) and an approved event earlier this month
    event_at(world, "b", beijing(datetime.date(2026, 11, 24), 10), "draft")
    event_at(world, "b", beijing(datetime.date(2026, 11, 3), 10), "approved")
    rows = {
        row["team"].name: row for row in followup.completeness(user=world["manager"], today=today)
    }
    assert rows["A队"]["week_events"] == 1 and rows["A队"]["month_events"] == 1
    assert rows["B队"]["week_events"] == 0 and rows["B队"]["month_events"] == 1
    assert rows["B队"]["last_reported"] == datetime.date(2026, 11, 3)
    # Sunday 23:30 in Beijing belongs to the week before
    OutreachEvent.objects.filter(team=world["team_a"]).update(
        starts_at=beijing(datetime.date(2026, 11, 22), 23, 30)
    )
    rows = {
        row["team"].name: row for row in followup.completeness(user=world["manager"], today=today)
    }
    assert rows["A队"]["week_events"] == 0 and rows["A队"]["month_events"] == 1


def test_completeness_view_permission_matrix(client, world):
    OutreachEvent.objects.all().delete()
    url = "/admin/campaigns/completeness/"
    client.force_login(world["manager"])
    html = client.get(url).content.decode()
    assert "A队" in html and "B队" in html and "本周没有上报" in html
    client.force_login(world["lead_a"])
    html = client.get(url).content.decode()
    assert "A队" in html and "B队" not in html
    for role in ("coord_a", "editor"):
        client.force_login(world[role])
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/admin/"
    client.logout()
    assert client.get(url).status_code == 302


def test_completeness_menu_item_for_leads_and_managers_only(client, world):
    assert "/admin/campaigns/completeness/" in home(client, world["manager"])
    assert "/admin/campaigns/completeness/" not in home(client, world["coord_a"])
    assert "/admin/campaigns/completeness/" not in home(client, world["editor"])


# Campaign scoping (already in place; the edit path and the follow-up filter's campaign) ----


def test_only_managers_open_a_campaigns_edit_form_with_its_budget(client, world):
    campaign = world["campaign"]
    campaign.budget_yuan = 77777
    campaign.save()
    url = f"/admin/campaigns/campaigns/edit/{campaign.pk}/"
    for role in ("coord_a", "lead_a", "editor"):
        client.force_login(world[role])
        response = client.get(url)
        assert response.status_code in (302, 403, 404), role
        assert "77777" not in response.content.decode()
        listing = client.get("/admin/campaigns/campaigns/").content.decode()
        assert "77777" not in listing.replace(",", "")
    client.force_login(world["manager"])
    assert "77777" in client.get(url).content.decode()
