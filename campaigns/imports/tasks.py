"""The import's Celery tasks, thin: fetch by id, call the service.

Their names stay those they had in campaigns/tasks.py, so the queue routing
(CELERY_TASK_ROUTES), the beat schedule and messages already queued keep working.
All are safe to run twice (see service.run_import).
"""

import logging

from celery import shared_task
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerUnavailable

from core.tasks import RETRY_BACKOFF, TRANSIENT_ERRORS

from . import service

logger = logging.getLogger(__name__)


@shared_task(
    name="campaigns.tasks.run_import_job",
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    time_limit=60 * 60,
    soft_time_limit=55 * 60,
    **RETRY_BACKOFF,
)
def run_import_job(job_id: int) -> None:
    """Import a large spreadsheet in the background (service.run_import)."""
    service.run_import(job_id)


def send_import_job(job_id: int) -> bool:
    """Hand a stored import to the task queue. If the queue cannot be reached the job
    stays queued with a note saying so; the file is kept, and resend_unsent_imports (beat)
    or the Retry button on the job page sends it again."""
    try:
        run_import_job.delay(job_id)
    except (BrokerUnavailable, OSError) as error:
        logger.warning("import job %s not sent, task queue unavailable: %s", job_id, error)
        service.mark_import_unsent(job_id)
        return False
    service.mark_import_sent(job_id)
    return True


def queue_import(
    *,
    content: bytes,
    filename: str,
    user,
    skip_invalid: bool,
    rows: int,
    allow_duplicates: bool = False,
):
    """Store the upload privately and hand it to a worker once the job row is committed."""
    job = service.create_import_job(
        content=content,
        filename=filename,
        user=user,
        skip_invalid=skip_invalid,
        rows=rows,
        allow_duplicates=allow_duplicates,
    )
    transaction.on_commit(lambda: send_import_job(job.pk))
    return job


@shared_task(
    name="campaigns.tasks.resend_unsent_imports",
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    **RETRY_BACKOFF,
)
def resend_unsent_imports() -> int:
    """Send imports again that were uploaded while the task queue was unreachable."""
    return sum(send_import_job(job_id) for job_id in service.unsent_import_jobs())


@shared_task(acks_late=True, autoretry_for=TRANSIENT_ERRORS, **RETRY_BACKOFF)
def discard_unconfirmed_previews() -> int:
    """Delete uploads whose preview was never confirmed, a day on (Celery beat)."""
    return service.discard_unconfirmed_previews()
