"""Hostile image uploads: decompression bombs are refused with a message on every upload
path, and public originals keep no location data (GPS EXIF)."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import ExifTags, Image, PngImagePlugin
from wagtail.images import get_image_model
from wagtail.models import UploadedFile

GPS_IFD = ExifTags.IFD.GPSInfo
ORIENTATION = ExifTags.Base.Orientation


def png_bomb(width=30_000, height=30_000):
    """A PNG whose header declares width × height pixels, in a few hundred bytes."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit grey
    row = b"\0" + b"\0" * ((width + 7) // 8)
    pixels = zlib.compress(row * 16, 9)  # a few rows: the header is what matters
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg_bomb(width=30_000, height=30_000):
    """A small JPEG with its frame header (SOF0) rewritten to declare width × height."""
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "white").save(buffer, format="JPEG")
    data = bytearray(buffer.getvalue())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


BOMBS = {"png": png_bomb, "jpg": jpeg_bomb}


def photo_with_gps(format="JPEG", orientation=6):
    """A phone photo: EXIF with camera orientation and a GPS position (Shanghai)."""
    image = Image.new("RGB", (60, 40), "red")
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[ExifTags.Base.Make] = "Phone"
    gps = exif.get_ifd(GPS_IFD)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (31.0, 13.0, 50.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (121.0, 28.0, 12.0)
    buffer = io.BytesIO()
    image.save(buffer, format=format, exif=exif)
    data = buffer.getvalue()
    # the test's own premise: the file as a phone hands it over does carry a position
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)
    return data


# An XMP packet as photo editors and drones write it: the place as attributes of the exif
# namespace, as elements, and in a drone maker's own namespace; other properties too.
XMP_WITH_PLACE = """<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF
 xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description
 xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
 xmlns:drone-dji="http://www.dji.com/drone-dji/1.0/"
 xmp:CreatorTool="美图秀秀" exif:GPSLatitude="31,13.8333N" exif:GPSLongitude='121,28.2E'
 drone-dji:GpsLatitude="+31.230556">
 <exif:GPSAltitude>12/1</exif:GPSAltitude><exif:GPSVersionID/>
 </rdf:Description></rdf:RDF></x:xmpmeta>"""


def photo_with_xmp_place(format="JPEG", exif_gps=False):
    """An edited photo: no GPS in its EXIF (or some, with EXIF_GPS), the place in XMP."""
    source = photo_with_gps(format) if exif_gps else None
    image = Image.open(io.BytesIO(source)) if source else Image.new("RGB", (60, 40), "red")
    options = {"exif": image.getexif()} if source else {}
    if format == "PNG":
        options["pnginfo"] = PngImagePlugin.PngInfo()
        options["pnginfo"].add_itxt("XML:com.adobe.xmp", XMP_WITH_PLACE)
    else:
        options["xmp"] = XMP_WITH_PLACE.encode()
    buffer = io.BytesIO()
    image.save(buffer, format=format, **options)
    data = buffer.getvalue()
    assert "GPSLatitude" in xmp_of(Image.open(io.BytesIO(data)))  # the premise
    return data


def xmp_of(image) -> str:
    xmp = image.info.get("xmp") or ""
    return xmp.decode() if isinstance(xmp, bytes) else xmp


@pytest.fixture
def admin_client_logged(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def add_single(client, name, content):
    return client.post(
        "/admin/images/add/",
        {
            "title": "上传",
            "description": "一张海报",
            "collection": 1,
            "file": SimpleUploadedFile(name, content),
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )


def add_multiple(client, name, content):
    return client.post(
        "/admin/images/multiple/add/",
        {"files[]": SimpleUploadedFile(name, content), "collection": 1},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )


def add_in_chooser(client, name, content):
    return client.post(
        "/admin/images/chooser/create/",
        {
            "image-chooser-upload-title": "上传",
            "image-chooser-upload-description": "一张海报",
            "image-chooser-upload-collection": 1,
            "image-chooser-upload-file": SimpleUploadedFile(name, content),
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )


@pytest.mark.parametrize("kind", sorted(BOMBS))
def test_bomb_refused_by_single_upload_with_a_chinese_message(admin_client_logged, kind):
    response = add_single(admin_client_logged, f"bomb.{kind}", BOMBS[kind]())
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["file"])
    assert "像素" in errors  # "pixels", in the form's own language
    assert not get_image_model().objects.exists()


@pytest.mark.parametrize("kind", sorted(BOMBS))
def test_bomb_refused_by_multiple_upload(admin_client_logged, kind):
    response = add_multiple(admin_client_logged, f"bomb.{kind}", BOMBS[kind]())
    assert response.status_code == 200
    payload = response.json()
    assert payload["success"] is False
    assert "像素" in payload["error_message"]
    assert not get_image_model().objects.exists()


@pytest.mark.parametrize("kind", sorted(BOMBS))
def test_bomb_refused_by_chooser_upload(admin_client_logged, kind):
    response = add_in_chooser(admin_client_logged, f"bomb.{kind}", BOMBS[kind]())
    assert response.status_code == 200
    assert "像素" in response.json()["htmlFragment"]
    assert not get_image_model().objects.exists()


def test_bomb_refused_as_event_evidence_photo(admin_client_logged):
    """Evidence photos are a plain ImageField on the event form: still a message, no 500."""
    from django import forms

    from campaigns.models import EventPhoto

    form_class = forms.modelform_factory(EventPhoto, fields=["image", "caption"])
    form = form_class(
        data={"caption": "现场"},
        files={"image": SimpleUploadedFile("bomb.jpg", jpeg_bomb())},
        instance=EventPhoto(),
    )
    assert not form.is_valid()
    assert form.errors["image"]


def stored_original():
    """The stored file: the image's, or the pending upload's when the multiple upload
    still waits for the alt text."""
    image = get_image_model().objects.first()
    handle = (image.file if image else UploadedFile.objects.get().file).open("rb")
    with handle:
        return Image.open(io.BytesIO(handle.read()))


@pytest.mark.parametrize(
    "upload", [add_single, add_multiple, add_in_chooser], ids=["single", "multiple", "chooser"]
)
@pytest.mark.parametrize("format,extension", [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")])
def test_stored_original_keeps_no_gps_but_keeps_orientation(
    admin_client_logged, upload, format, extension
):
    response = upload(admin_client_logged, f"photo.{extension}", photo_with_gps(format))
    assert response.status_code in (200, 302)
    stored = stored_original()
    exif = stored.getexif()
    assert not exif.get_ifd(GPS_IFD)
    assert GPS_IFD not in exif
    assert exif.get(ORIENTATION) == 6  # still shown upright
    assert exif.get(ExifTags.Base.Make) == "Phone"
    assert stored.size == (60, 40)
    image = get_image_model().objects.first()
    if image is not None:
        assert (image.width, image.height) == (60, 40)


@pytest.mark.parametrize("exif_gps", [False, True], ids=["xmp-only", "exif-and-xmp"])
@pytest.mark.parametrize("format,extension", [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")])
def test_stored_original_keeps_no_place_in_its_xmp(
    admin_client_logged, format, extension, exif_gps
):
    response = add_single(
        admin_client_logged, f"edited.{extension}", photo_with_xmp_place(format, exif_gps)
    )
    assert response.status_code in (200, 302)
    stored = stored_original()
    xmp = xmp_of(stored)
    assert "gps" not in xmp.lower(), xmp
    assert "31,13" not in xmp and "+31.23" not in xmp
    assert 'xmp:CreatorTool="美图秀秀"' in xmp  # the rest of the packet stays
    assert GPS_IFD not in stored.getexif()


def test_photo_without_gps_is_stored_byte_for_byte(admin_client_logged):
    buffer = io.BytesIO()
    Image.new("RGB", (30, 30), "blue").save(buffer, format="JPEG", quality=95)
    original = buffer.getvalue()
    add_single(admin_client_logged, "plain.jpg", original)
    image = get_image_model().objects.get()
    with image.open_file() as handle:
        assert handle.read() == original
