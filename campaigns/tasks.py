"""Celery tasks for campaigns. Thin: fetch, then call a service or selector.

Celery finds tasks in this module; importing campaigns.imports.tasks here registers the
import's tasks with it.

All are safe to run twice (acks_late hands a task to another worker after a crash) and
retry transient database errors with backoff (core.tasks.RETRY_BACKOFF).
"""

import datetime
import smtplib

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.tasks import RETRY_BACKOFF, TRANSIENT_ERRORS

from . import followup, notify, permissions, reach, screens
from .imports import tasks as import_tasks  # noqa: F401  (registers the import's tasks)
from .models import EventStatus, OutreachEvent, ReminderSent, Team
from .reach import ReachFilters
from .selectors import pending_events, reach_report

SUMMARY_SENT_KEY = "campaigns:weekly-summary-sent:{team_id}:{week_start}"


@shared_task(acks_late=True, autoretry_for=TRANSIENT_ERRORS, **RETRY_BACKOFF)
def send_weekly_summaries() -> int:
    """Queue last week's summary for each team lead (Celery beat, Monday 08:00).

    One task per team, so a mail server refusing one lead does not hold up or repeat the
    others."""
    week_start = timezone.localdate() - datetime.timedelta(days=7)
    team_ids = list(Team.objects.exclude(lead__isnull=True).values_list("pk", flat=True))
    for team_id in team_ids:
        send_weekly_summary.delay(team_id, week_start.isoformat())
    return len(team_ids)


@shared_task(
    acks_late=True,
    autoretry_for=(*TRANSIENT_ERRORS, smtplib.SMTPException, ConnectionError),
    **RETRY_BACKOFF,
)
def send_weekly_summary(team_id: int, week_start: str) -> bool:
    """Email one team lead the reach of the week starting week_start and what waits for
    them. Sent at most once per team and week, however often the task runs."""
    start = datetime.date.fromisoformat(week_start)
    sent_key = SUMMARY_SENT_KEY.format(team_id=team_id, week_start=week_start)
    team = Team.objects.select_related("lead").filter(pk=team_id).first()
    if team is None or team.lead is None or cache.get(sent_key):
        return False
    lead = team.lead
    if not lead.email or not lead.is_active:
        return False
    end = start + datetime.timedelta(days=6)
    report = reach_report(user=lead, filters=ReachFilters(team=team, date_from=start, date_to=end))
    with translation.override("zh-hans"):
        context = {
            "team": team,
            "lead": lead,
            "week_start": start,
            "today": end + datetime.timedelta(days=1),
            "report": report,
            "money_protected": f"{report['totals']['money_protected_yuan']:,.2f}",
            "pending": pending_events(user=lead, filters=ReachFilters(team=team)),
        }
        subject = render_to_string("campaigns/email/weekly_subject.txt", context).strip()
        body = render_to_string("campaigns/email/weekly_body.txt", context)
    send_mail(subject, body, None, [lead.email])
    cache.set(sent_key, True, 14 * 24 * 3600)
    return True


@shared_task(acks_late=True, autoretry_for=TRANSIENT_ERRORS, **RETRY_BACKOFF)
def check_reach_rollups() -> int:
    """Nightly: compare the dashboard's rollups with the approved events, repair drift."""
    return reach.repair_reach_rollups()


@shared_task(acks_late=True, autoretry_for=TRANSIENT_ERRORS, **RETRY_BACKOFF)
def prune_screen_play_receipts() -> int:
    """Nightly: forget the ids of screen plays too old to be reported again."""
    return screens.prune_receipts()


REMINDER_LIST_LIMIT = 10


@shared_task(acks_late=True, autoretry_for=TRANSIENT_ERRORS, **RETRY_BACKOFF)
def send_follow_up_reminders() -> int:
    """Daily (Celery beat): one reminder task per person with something to follow up —
    coordinators with drafts older than 3 days or returned events, leads with
    submissions waiting more than 2 days."""
    day = followup.beijing_today().isoformat()
    now = timezone.now()
    draft_cutoff = now - datetime.timedelta(days=followup.STALE_DRAFT_DAYS)
    waiting_cutoff = now - datetime.timedelta(days=followup.WAITING_DAYS)
    events = OutreachEvent.objects.order_by()
    stale = Q(status=EventStatus.DRAFT, created_at__lte=draft_cutoff)
    authors = set(
        events.filter(stale | Q(status=EventStatus.RETURNED)).values_list("created_by", flat=True)
    )
    leads = set(
        events.filter(status=EventStatus.SUBMITTED, updated_at__lte=waiting_cutoff)
        .exclude(team__lead__isnull=True)
        .values_list("team__lead", flat=True)
    )
    user_ids = sorted((authors | leads) - {None})
    for user_id in user_ids:
        send_follow_up_reminder.delay(user_id, day)
    return len(user_ids)


def _reminder_sections(user) -> list[tuple[str, list, str]]:
    """(heading, events, filtered list's address) for what waits for the user."""
    base = settings.WAGTAILADMIN_BASE_URL + reverse("campaigns_events:index")
    sections = [
        (
            _("Your drafts recorded more than 3 days ago, not yet submitted"),
            followup.stale_drafts(user=user),
            "stale_drafts",
        ),
        (_("Your events returned for correction"), followup.returned_to(user=user), "returned"),
    ]
    if permissions.led_team_ids(user):
        led = followup.waiting_events(user=user).filter(team__in=permissions.led_team_ids(user))
        sections.append(
            (_("Submitted events waiting for your approval more than 2 days"), led, "waiting")
        )
    return [
        (
            heading,
            list(events.select_related("venue", "team").order_by("starts_at")),
            f"{base}?follow_up={key}",
        )
        for heading, events, key in sections
    ]


def reminder_message(user) -> tuple[str, str] | None:
    """The day's reminder for the user in Chinese (subject, body), or None if nothing waits."""
    with translation.override("zh-hans"):
        sections = [s for s in _reminder_sections(user) if s[1]]
        if not sections:
            return None
        total = sum(len(events) for _heading, events, _url in sections)
        subject = _("Outreach events to follow up: %(n)s") % {"n": f"{total:,}"}
        name = user.get_full_name() or user.get_username()
        lines = [_("Hello %(name)s,") % {"name": name}, ""]
        for heading, events, url in sections:
            lines.append(f"{heading}（{len(events):,}）：")
            for event in events[:REMINDER_LIST_LIMIT]:
                lines.append(f"  · {event}（{event.team.name}）")
            if len(events) > REMINDER_LIST_LIMIT:
                more = len(events) - REMINDER_LIST_LIMIT
                lines.append("  " + _("and %(n)s more") % {"n": f"{more:,}"})
            lines.append(_("Open the list: %(url)s") % {"url": url})
            lines.append("")
        lines.append(_("This reminder is sent at most once a day."))
        return subject, "\n".join(lines)


@shared_task(
    acks_late=True,
    autoretry_for=(*TRANSIENT_ERRORS, smtplib.SMTPException, ConnectionError),
    **RETRY_BACKOFF,
)
def send_follow_up_reminder(user_id: int, day: str) -> bool:
    """One person's reminder for the day, through the configured channel
    (campaigns.notify). Recorded in ReminderSent in the same transaction: a second run
    the same day sends nothing; a failed send records nothing, so the retry sends."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    message = reminder_message(user)
    if message is None:
        return False
    with transaction.atomic():
        _record, created = ReminderSent.objects.get_or_create(
            user=user,
            day=datetime.date.fromisoformat(day),
            defaults={"channel": notify.channel_path(), "summary": message[0]},
        )
        if not created:
            return False
        sent = notify.notify(user, *message)
        if not sent:
            transaction.set_rollback(True)
        return sent
