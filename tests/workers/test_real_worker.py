"""End to end through a real Redis and real `celery worker` processes (see conftest.py)."""

import pytest
from django.core.cache import cache
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from wagtail.models import ReferenceIndex

from campaigns.imports import service
from campaigns.imports.tasks import queue_import
from campaigns.models import ImportJob, OutreachEvent
from materials.models import POSTER_RENDITION_SPECS
from tests import factories
from tests.campaigns.conftest import world  # noqa: F401  (fixture)
from tests.campaigns.test_background_import import content

from .conftest import wait_until

# The worker only sees committed rows; the database is restored after each test.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def job_status(job_id: int) -> str:
    return ImportJob.objects.get(pk=job_id).status


def test_a_large_upload_is_imported_by_a_worker(client, world, start_worker, monkeypatch):  # noqa: F811
    monkeypatch.setattr(service, "INLINE_IMPORT_MAX_ROWS", 10)
    worker = start_worker()
    client.force_login(world["coord_a"])
    response = client.post(
        "/admin/campaigns/events/import/",
        {"file": SimpleUploadedFile("worker.csv", content(world, 300))},
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.sent_at is not None  # handed to Redis

    wait_until(lambda: job_status(job.pk) == "done", timeout=90, worker=worker, what="import")
    job.refresh_from_db()
    assert job.report["new"] == 300 and job.report["saved"]
    assert OutreachEvent.objects.filter(external_id__startswith="B").count() == 300
    page = client.get(response["Location"]).content.decode()
    assert "300" in page and 'http-equiv="refresh"' not in page


@pytest.mark.reference_index  # waits for the reference index task on the worker
def test_publishing_a_poster_hands_its_work_to_the_worker(site_tree, start_worker):
    worker = start_worker()
    poster = factories.PosterPageFactory(parent=site_tree["library"])
    ReferenceIndex.objects.all().delete()
    poster.save_revision().publish()

    image = poster.image
    wanted = set(POSTER_RENDITION_SPECS)
    wait_until(
        lambda: wanted <= set(image.renditions.values_list("filter_spec", flat=True)),
        timeout=90,
        worker=worker,
        what="poster renditions (media queue)",
    )
    wait_until(
        lambda: ReferenceIndex.objects.filter(object_id=str(poster.pk)).exists(),
        timeout=30,
        worker=worker,
        what="Wagtail's reference index task (default queue)",
    )


ROWS = 12_000


def test_a_worker_killed_mid_import_leaves_nothing_and_the_retry_ends_the_same(
    world,  # noqa: F811
    start_worker,
):
    data = content(world, ROWS)
    expected_attendance = sum(10 + i for i in range(ROWS))
    # Redis hands an unacknowledged task out again after the visibility timeout; short here.
    first = start_worker(visibility_timeout=5)
    job = queue_import(
        content=data, filename="crash.csv", user=world["manager"], skip_invalid=False, rows=ROWS
    )
    progress_key = service.PROGRESS_KEY.format(job_id=job.pk)
    wait_until(
        lambda: 0 < (cache.get(progress_key) or 0) < 99,
        timeout=120,
        worker=first,
        what="the import to be under way",
    )
    first.kill()

    # Nothing half-done: not one row of the file, and the job is not marked finished.
    assert not OutreachEvent.objects.filter(external_id__startswith="B").exists()
    assert job_status(job.pk) == "running"
    assert storages["private"].exists(service.job_file(job))

    # Another worker takes the task over by itself and finishes it.
    second = start_worker(visibility_timeout=5)
    wait_until(lambda: job_status(job.pk) == "done", timeout=240, worker=second, what="retry")

    # The same result as an uninterrupted import: every row once, with its figures.
    job.refresh_from_db()
    assert job.report == {
        "new": ROWS,
        "updated": 0,
        "unchanged": 0,
        "invalid": 0,
        "saved": True,
        "problems": [],
        "notices": [],  # nothing in the file left out (a title row, a 合计 row …)
    }
    imported = OutreachEvent.objects.filter(external_id__startswith="B")
    assert imported.count() == ROWS
    assert imported.values("external_id").distinct().count() == ROWS
    assert imported.aggregate(total=Sum("attendance"))["total"] == expected_attendance
    # The stored upload goes once the job's result is committed (transaction.on_commit in
    # the worker, a moment after the status the test polls for is visible).
    wait_until(
        lambda: not storages["private"].exists(service.job_file(job)),
        timeout=30,
        worker=second,
        what="the stored upload to be removed",
    )
