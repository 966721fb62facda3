"""The task queue (Redis) is down: pages keep being served, uploads wait, nothing is lost.

Real components: Celery and django-redis try to reach a Redis address where nothing
listens, exactly as they would during an outage.
"""

import pytest
from django.core.cache import caches
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns.imports import service
from campaigns.imports.tasks import resend_unsent_imports
from campaigns.models import ImportJob, OutreachEvent
from config.celery import app as celery_app
from tests.campaigns.test_background_import import content
from tests.celery_broker import restore_broker, use_broker
from tests.processes import free_port


@pytest.fixture
def redis_down(settings, monkeypatch):
    """Cache and broker both point at a Redis that does not answer."""
    url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2},
        }
    }
    settings.PAGE_CACHE_SECONDS = 600
    use_broker(monkeypatch, url)
    yield url
    monkeypatch.undo()
    restore_broker()
    caches["default"].close()


@pytest.fixture
def small_inline_limit(monkeypatch):
    monkeypatch.setattr(service, "INLINE_IMPORT_MAX_ROWS", 1)


def test_public_pages_are_served_while_redis_is_down(client, site_tree, redis_down):
    for url in ("/zh-hans/", site_tree["library"].url, "/zh-hans/search/?q=养老"):
        assert client.get(url).status_code == 200, url
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["database"] == "ok" and health.json()["broker"] != "ok"


def test_an_upload_during_the_outage_waits_and_is_imported_afterwards(
    client, world, small_inline_limit, redis_down, django_capture_on_commit_callbacks
):
    client.force_login(world["coord_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/campaigns/events/import/",
            {"file": SimpleUploadedFile("outage.csv", content(world, 12))},
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/import/{job.pk}/")

    # The user is told, the file is kept, nothing half-imported.
    assert job.status == "queued" and job.waiting_for_queue
    assert storages["private"].exists(service.job_file(job))
    page = client.get(response["Location"]).content.decode()
    assert "任务队列暂时无法连接" in page and "立即重试" in page
    assert not OutreachEvent.objects.filter(external_id__startswith="B").exists()

    # Still down: "Retry now" says so and keeps the job waiting.
    retry = client.post(response["Location"], follow=True)
    assert "仍无法连接" in retry.content.decode()
    assert ImportJob.objects.get().waiting_for_queue

    # Redis is back (tasks run inline here): the periodic resend picks the job up.
    celery_app.conf["task_always_eager"] = True
    ImportJob.objects.filter(pk=job.pk).update(created_at=job.created_at.replace(year=2025))
    with django_capture_on_commit_callbacks(execute=True):
        assert resend_unsent_imports() == 1
    job.refresh_from_db()
    assert job.status == "done" and job.report["new"] == 12 and job.sent_at is not None
    assert OutreachEvent.objects.filter(external_id__startswith="B").count() == 12
    assert not storages["private"].exists(service.job_file(job))
