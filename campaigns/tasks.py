"""Celery tasks for campaigns. Thin: fetch, then call a service or selector."""

import datetime

from celery import shared_task
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Team
from .selectors import ReachFilters, pending_events, reach_report


@shared_task(acks_late=True)
def send_weekly_summaries() -> int:
    """Email each team lead last week's reach and what waits for them (Celery beat, Monday)."""
    today = timezone.localdate()
    week_start = today - datetime.timedelta(days=7)
    sent = 0
    for team in Team.objects.select_related("lead").exclude(lead__isnull=True):
        lead = team.lead
        if not lead.email or not lead.is_active:
            continue
        filters = ReachFilters(
            team=team, date_from=week_start, date_to=today - datetime.timedelta(days=1)
        )
        with translation.override("zh-hans"):
            context = {
                "team": team,
                "lead": lead,
                "week_start": week_start,
                "today": today,
                "report": reach_report(user=lead, filters=filters),
                "pending": pending_events(user=lead, filters=ReachFilters(team=team)),
            }
            subject = render_to_string("campaigns/email/weekly_subject.txt", context).strip()
            body = render_to_string("campaigns/email/weekly_body.txt", context)
        send_mail(subject, body, None, [lead.email])
        sent += 1
    return sent


@shared_task(acks_late=True, time_limit=60 * 60, soft_time_limit=55 * 60)
def run_import_job(job_id: int) -> None:
    """Import a large spreadsheet in the background (see services.run_import)."""
    from . import services
    from .models import ImportJob

    job = ImportJob.objects.filter(pk=job_id).select_related("user").first()
    if job is None or job.status == ImportJob.Status.DONE:
        return
    services.run_import(job)
