"""Uploads in the admin's import: the table is read once, the file is kept only in the
private storage while its preview waits, and previews never confirmed are deleted."""

import datetime
import os

import pytest
from django.core.files.storage import storages
from django.utils import timezone

from campaigns.imports import reading, service
from campaigns.imports.tasks import discard_unconfirmed_previews
from campaigns.models import OutreachEvent
from tests.campaigns.test_import_admin import rows, upload

ROW = "U1,{c},2026-05-01,东门菜市场,菜市场,江南区,摆摊,100,{t}"


def test_the_admin_reads_an_upload_once(client, world, monkeypatch):
    """Counting the rows (inline or background?) and the dry run share one reading."""
    reads = []

    def counting_read_table(content, filename, **options):
        reads.append(filename)
        return reading.read_table(content, filename, **options)

    monkeypatch.setattr(service, "read_table", counting_read_table)
    client.force_login(world["coord_a"])
    preview = upload(client, rows(world, ROW, ROW.replace("U1", "U2")), name="台账.csv")
    assert preview.context["report"].new == 2
    assert reads == ["台账.csv"]


def test_a_waiting_preview_is_kept_in_the_private_storage(client, world, settings):
    """STORAGES["private"] decides where (a private bucket in production): here memory."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    client.force_login(world["coord_a"])
    upload(client, rows(world, ROW))
    _folders, kept = storages["private"].listdir(service.PREVIEWS)
    assert len(kept) == 1
    confirmed = client.post("/admin/campaigns/events/import/", {"confirm": "1"})
    assert confirmed.status_code == 302
    assert OutreachEvent.objects.filter(external_id="U1").exists()
    assert storages["private"].listdir(service.PREVIEWS) == ([], [])


def age(name: str, *, hours: int) -> None:
    then = (timezone.now() - datetime.timedelta(hours=hours)).timestamp()
    os.utime(storages["private"].path(name), (then, then))


@pytest.fixture
def clean_previews():
    storage = storages["private"]
    if storage.exists(service.PREVIEWS):
        for name in storage.listdir(service.PREVIEWS)[1]:
            storage.delete(f"{service.PREVIEWS}/{name}")


def test_previews_never_confirmed_are_deleted_after_a_day(client, world, clean_previews):
    client.force_login(world["coord_a"])
    upload(client, rows(world, ROW))  # the user leaves without confirming
    fresh = service.store_preview(b"another upload, an hour old")
    [abandoned] = set(storages["private"].listdir(service.PREVIEWS)[1]) - {fresh}
    age(f"{service.PREVIEWS}/{abandoned}", hours=25)
    age(f"{service.PREVIEWS}/{fresh}", hours=1)

    assert discard_unconfirmed_previews() == 1
    assert storages["private"].listdir(service.PREVIEWS)[1] == [fresh]
    # Coming back to the old preview says so instead of failing.
    response = client.post("/admin/campaigns/events/import/", {"confirm": "1"}, follow=True)
    assert not OutreachEvent.objects.filter(external_id="U1").exists()
    assert "expired" in response.content.decode() or "过期" in response.content.decode()


def test_cleaning_up_with_no_previews_does_nothing(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    assert discard_unconfirmed_previews() == 0
