"""Site tasks run by Celery (beat schedules the periodic ones; see config/settings/base.py)."""

from celery import shared_task
from django.core.management import call_command
from django.db import InterfaceError, OperationalError
from django.utils.module_loading import import_string

# A database that restarts or fails over surfaces as one of these; the work is retried
# with exponential backoff (2, 4, 8 … seconds, capped) instead of being lost.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
RETRY_BACKOFF = {
    "retry_backoff": 2,
    "retry_backoff_max": 10 * 60,
    "retry_jitter": True,
    "max_retries": 6,
}


@shared_task(acks_late=True, autoretry_for=TRANSIENT_ERRORS, **RETRY_BACKOFF)
def publish_scheduled_pages() -> None:
    """Publish pages whose "go live" time has come and unpublish expired ones (Wagtail's
    own command; idempotent, so a retried or doubled run does no harm)."""
    call_command("publish_scheduled", verbosity=0)


@shared_task(acks_late=True, autoretry_for=TRANSIENT_ERRORS, **RETRY_BACKOFF)
def run_django_task(module_path: str, args: list, kwargs: dict):
    """Run one of Wagtail's django-tasks tasks on a worker (core.task_backend)."""
    task = import_string(module_path)
    return task.call(*args, **kwargs)
