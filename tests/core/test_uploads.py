"""Only the media types the site publishes can be uploaded, each within a size limit."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from wagtail.documents import get_document_model
from wagtail.images import get_image_model


def png_bytes(width=20, height=20, mode="RGB"):
    buffer = io.BytesIO()
    Image.new(mode, (width, height)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def admin_client_logged(client, admin_user):
    client.force_login(admin_user)
    return client


def post_image(client, name, content, description="一张图片"):
    return client.post(
        "/admin/images/add/",
        {
            "title": "test",
            "description": description,
            "collection": 1,
            "file": SimpleUploadedFile(name, content),
        },
    )


def test_valid_image_uploads(admin_client_logged):
    response = post_image(admin_client_logged, "ok.png", png_bytes())
    assert response.status_code == 302
    assert get_image_model().objects.filter(title="test").exists()


def test_image_needs_alt_text(admin_client_logged):
    response = post_image(admin_client_logged, "ok.png", png_bytes(), description="")
    assert response.status_code == 200
    assert "description" in response.context["form"].errors
    assert not get_image_model().objects.exists()


def test_non_image_renamed_to_png_is_refused(admin_client_logged):
    response = post_image(admin_client_logged, "evil.png", b"MZ\x90\x00 this is not an image")
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not get_image_model().objects.exists()


def test_disallowed_image_format_is_refused(admin_client_logged):
    response = post_image(admin_client_logged, "anim.gif", b"GIF89a")
    assert response.context["form"].errors["file"]


def test_oversized_image_is_refused(admin_client_logged, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 1000
    response = post_image(admin_client_logged, "big.png", png_bytes(400, 400, "RGB") + b"\0" * 2000)
    assert response.context["form"].errors["file"]
    assert not get_image_model().objects.exists()


def test_decompression_bomb_is_refused(admin_client_logged):
    bomb = png_bytes(10000, 10000, "1")  # 100 megapixels in a few kilobytes
    assert len(bomb) < 200_000
    response = post_image(admin_client_logged, "bomb.png", bomb)
    errors = " ".join(response.context["form"].errors["file"])
    assert errors
    assert not get_image_model().objects.exists()


@pytest.mark.parametrize("name", ["setup.exe", "page.html", "script.svg", "archive.zip"])
def test_disallowed_document_types_are_refused(admin_client_logged, name):
    response = admin_client_logged.post(
        "/admin/documents/add/",
        {
            "title": "doc",
            "collection": 1,
            "file": SimpleUploadedFile(name, b"content"),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not get_document_model().objects.exists()


def test_document_size_is_limited(admin_client_logged, settings):
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 100
    response = admin_client_logged.post(
        "/admin/documents/add/",
        {
            "title": "video",
            "collection": 1,
            "file": SimpleUploadedFile("clip.mp4", b"\0" * 500),
        },
    )
    assert response.context["form"].errors["file"]
    assert not get_document_model().objects.exists()


def test_each_document_type_has_its_own_size_limit(admin_client_logged):
    from core.forms import DOCUMENT_SIZE_LIMITS

    too_big_captions = b"WEBVTT\n\n" + b"x" * DOCUMENT_SIZE_LIMITS["vtt"]
    response = admin_client_logged.post(
        "/admin/documents/add/",
        {
            "title": "captions",
            "collection": 1,
            "file": SimpleUploadedFile("clip.vtt", too_big_captions),
        },
    )
    assert "VTT" in " ".join(response.context["form"].errors["file"])
    assert not get_document_model().objects.exists()
    response = admin_client_logged.post(
        "/admin/documents/add/",
        {
            "title": "captions",
            "collection": 1,
            "file": SimpleUploadedFile(
                "clip.vtt", "WEBVTT\n\n00:00.000 --> 00:01.000\n挂断\n".encode()
            ),
        },
    )
    assert response.status_code == 302
    assert get_document_model().objects.filter(title="captions").exists()
