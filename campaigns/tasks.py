"""Celery tasks for campaigns. Thin: fetch, then call a service or selector.

Celery finds tasks in this module; importing campaigns.imports.tasks here registers the
import's tasks with it.

All are safe to run twice (acks_late hands a task to another worker after a crash) and
retry transient database errors with backoff (core.tasks.RETRY_BACKOFF).
"""

import datetime
import smtplib

from celery import shared_task
from django.core.cache import cache
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.tasks import RETRY_BACKOFF, TRANSIENT_ERRORS

from . import reach
from .imports import tasks as import_tasks  # noqa: F401  (registers the import's tasks)
from .models import Team
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
