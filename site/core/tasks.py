"""Site tasks run by Celery (beat schedules them; see config/settings/base.py)."""

from celery import shared_task
from django.core.management import call_command


@shared_task(acks_late=True)
def publish_scheduled_pages() -> None:
    """Publish pages whose "go live" time has come and unpublish expired ones (Wagtail's
    own command; idempotent, so a retried or doubled run does no harm)."""
    call_command("publish_scheduled", verbosity=0)
