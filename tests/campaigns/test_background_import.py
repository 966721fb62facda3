"""Large imports run as a Celery task (inline here) with progress shown in the admin."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns.imports import service
from campaigns.imports.tasks import queue_import, run_import_job
from campaigns.models import ImportJob, OutreachEvent


@pytest.fixture
def small_inline_limit(monkeypatch):
    monkeypatch.setattr(service, "INLINE_IMPORT_MAX_ROWS", 1)


def content(world, rows):
    header = "编号,宣传活动,日期,场所名称,场所类型,辖区,形式,参与人数,单位"
    lines = [
        f"B{i},{world['campaign'].name},2026-05-{i % 28 + 1:02d},场所{i},社区,江南区,上门,"
        f"{10 + i},{world['team_a'].name}"
        for i in range(rows)
    ]
    return ("\n".join([header, *lines]) + "\n").encode()


def queued(world, user, rows, capture):
    """A job for a file of ROWS events queued by USER, its task run when the queueing
    transaction commits (inline here)."""
    with capture(execute=True):
        return queue_import(
            content=content(world, rows),
            filename="e.csv",
            user=world[user],
            skip_invalid=False,
            rows=rows,
        )


def test_large_upload_is_queued_and_finishes_in_the_background(
    client, world, small_inline_limit, django_capture_on_commit_callbacks
):
    client.force_login(world["coord_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/campaigns/events/import/",
            {
                "file": SimpleUploadedFile("big.csv", content(world, 30)),
            },
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/campaigns/events/import/{job.pk}/"
    job.refresh_from_db()
    assert job.status == "done" and job.report["new"] == 30 and job.report["saved"]
    assert OutreachEvent.objects.filter(external_id__startswith="B").count() == 30
    page = client.get(response["Location"])
    assert page.context["progress"] == 100
    assert 'http-equiv="refresh"' not in page.content.decode()


def test_invalid_large_file_saves_nothing_and_lists_problems(
    client, world, small_inline_limit, django_capture_on_commit_callbacks
):
    bad = content(world, 5).replace(b"2026-05-03", b"2026-02-30")
    client.force_login(world["coord_a"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/campaigns/events/import/", {"file": SimpleUploadedFile("b.csv", bad)})
    job = ImportJob.objects.get()
    assert job.report["saved"] is False and job.report["problems"]
    assert not OutreachEvent.objects.filter(external_id__startswith="B").exists()


def test_running_the_same_job_twice_does_not_duplicate(world, django_capture_on_commit_callbacks):
    """What a retry after a crashed worker does: the second run matches, not duplicates."""
    job = queued(world, "manager", 10, django_capture_on_commit_callbacks)
    ImportJob.objects.filter(pk=job.pk).update(status="running")  # as if the worker died
    storages["private"].save(service.job_file(job), ContentFile(content(world, 10)))
    run_import_job(job.pk)
    assert OutreachEvent.objects.filter(external_id__startswith="B").count() == 10
    job.refresh_from_db()
    assert job.report["unchanged"] == 10


def test_other_users_cannot_see_a_job(
    client, world, small_inline_limit, django_capture_on_commit_callbacks
):
    job = queued(world, "coord_a", 3, django_capture_on_commit_callbacks)
    client.force_login(world["coord_b"])
    assert client.get(f"/admin/campaigns/events/import/{job.pk}/").status_code == 404
    client.force_login(world["manager"])
    assert client.get(f"/admin/campaigns/events/import/{job.pk}/").status_code == 200
