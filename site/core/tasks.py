"""Site tasks run by Celery (beat schedules the periodic ones; see config/settings/base.py)."""

import logging

from celery import shared_task
from django.core.exceptions import ObjectDoesNotExist
from django.core.management import call_command
from django.db import InterfaceError, OperationalError
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

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
    """Run one of Wagtail's django-tasks tasks on a worker (core.task_backend).

    Search-index and reference-index updates name an object; if it was deleted before
    the worker got to it, there is nothing left to index."""
    task = import_string(module_path)
    try:
        return task.call(*args, **kwargs)
    except ObjectDoesNotExist:
        logger.info("%s: %s no longer exists; nothing to do", module_path, args)
        return None
