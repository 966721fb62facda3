"""Where uploads live: local disk by default, an S3-compatible bucket when one is named."""

import json

import pytest

from tests.processes import ROOT, run_in_production

pytestmark = pytest.mark.processes

PROBE = """
import json
from django.core.files.storage import default_storage, storages
from campaigns.models import EventPhoto
private = EventPhoto._meta.get_field("image").storage
print(json.dumps({
    "default": type(storages["default"]).__name__,
    "media_url": default_storage.url("images/poster.jpg"),
    "private": type(private).__name__,
    "private_url": private.url("evidence/2026/photo.jpg"),
    "private_acl": getattr(private, "default_acl", None),
}))
"""


def storage_in_production(**env) -> dict:
    result = run_in_production(str(ROOT / "manage.py"), "shell", "-c", PROBE, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_uploads_stay_on_local_disk_by_default():
    found = storage_in_production()
    assert found["default"] == "FileSystemStorage"
    assert found["media_url"] == "/media/images/poster.jpg"
    assert found["private"] == "PrivateFileSystemStorage"
    assert found["private_url"] == "/admin/campaigns/evidence/evidence/2026/photo.jpg"


def test_naming_a_bucket_moves_uploads_to_object_storage():
    pytest.importorskip("storages", reason="django-storages (extra 's3') is not installed")
    found = storage_in_production(
        AWS_STORAGE_BUCKET_NAME="fangzha-media",
        AWS_S3_ENDPOINT_URL="http://127.0.0.1:9000",
        AWS_S3_CUSTOM_DOMAIN="media.fangzha.example",
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",  # noqa: S106
    )
    assert found["default"] == "S3Storage"
    # Public material: plain URLs on the media domain, under media/.
    assert found["media_url"] == "https://media.fangzha.example/media/images/poster.jpg"
    # Evidence photos: private objects, and their URL is still the permission-checking view.
    assert found["private"] == "PrivateS3Storage"
    assert found["private_acl"] == "private"
    assert found["private_url"] == "/admin/campaigns/evidence/evidence/2026/photo.jpg"
