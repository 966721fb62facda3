"""Evidence photos are private: not under MEDIA_ROOT, served only to the event's teams."""

import io
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from campaigns.models import EventPhoto


def jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="JPEG")
    return SimpleUploadedFile("booth.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_photo_is_stored_outside_public_media_and_served_only_to_the_team(client, world):
    photo = EventPhoto.objects.create(event=world["event_a"], image=jpeg(), caption="现场")
    path = Path(photo.image.path)
    assert str(path).startswith(str(Path(settings.PRIVATE_MEDIA_ROOT).resolve()))
    assert not str(path).startswith(str(Path(settings.MEDIA_ROOT).resolve()))
    url = photo.image.url
    assert url.startswith("/admin/campaigns/evidence/")

    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(world["coord_b"])
    assert client.get(url).status_code == 404
    client.force_login(world["coord_a"])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")
