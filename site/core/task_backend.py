"""A django-tasks backend that runs Wagtail's background tasks on the Celery workers.

Wagtail enqueues its own work (reference index updates, frontend-cache purges, deleting
replaced files) through django-tasks. With this backend an editor's save or publish only
sends a message; the work happens on a worker. Messages are sent once the surrounding
transaction commits, so the worker sees what the editor saved.
"""

import logging

from django.conf import settings
from django.db import transaction
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import Task, TaskResult, TaskResultStatus
from django_tasks.utils import get_random_id

from .cache_backend import unreachable
from .tasks import run_django_task

logger = logging.getLogger(__name__)


class CeleryTaskBackend(BaseTaskBackend):
    supports_defer = True

    def enqueue(self, task: Task, args, kwargs) -> TaskResult:
        self.validate_task(task)
        result = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )

        def send():
            if unreachable(settings.CELERY_BROKER_URL):
                # Redis just failed in this process (the cache's circuit breaker is open):
                # do not hold the editor's request for the broker's timeouts too.
                logger.error("Task %s not sent: Redis is unreachable", task.module_path)
                return
            run_django_task.apply_async(
                args=[task.module_path, list(args), dict(kwargs)],
                task_id=result.id,
                eta=task.run_after,
            )

        # robust: a broker outage must not undo or fail the editor's save; the loss is
        # logged, and every task Wagtail sends this way is redone by the next save.
        transaction.on_commit(send, robust=True)
        return result
