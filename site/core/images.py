"""Uploaded images: decompression bombs refused with the form's message, location data
taken out of the originals the site publishes.

Pillow raises DecompressionBombError (not a validation error) when a header declares more
than twice its own pixel limit; Wagtail's upload field lets that through as a 500. Phones
write the place a photo was taken into its EXIF (the GPS block); the original of a Wagtail
image is public, so that block goes before the file is stored, and so do the GPS
properties of its XMP packet (exif:GPSLatitude…, drone-dji:GpsLatitude…), where editing
apps and drones write the place too. The rest of the EXIF, Orientation above all, and of
the XMP stays, so the photo still shows upright.
"""

import io
import re

from django.core.exceptions import ValidationError
from PIL import ExifTags, Image, PngImagePlugin
from wagtail.images.fields import WagtailImageField

GPS_IFD = ExifTags.IFD.GPSInfo
# the formats that can carry EXIF and are allowed (WAGTAILIMAGES_EXTENSIONS)
EXIF_FORMATS = {"JPEG", "PNG", "WEBP"}
# An XMP property whose name starts with GPS (any namespace, any case), written as an
# attribute (exif:GPSLatitude="31,13.8N") or as an element, empty or with content.
GPS_XMP_PROPERTY = re.compile(
    r"""\s[\w.-]+:gps\w*\s*=\s*(?:"[^"]*"|'[^']*')"""
    r"|<([\w.-]+:gps\w*)\b[^>]*?(?:/>|>.*?</\1\s*>)",
    re.IGNORECASE | re.DOTALL,
)


class SiteImageField(WagtailImageField):
    """Wagtail's image field, with a header that declares a bomb refused like any image
    with too many pixels."""

    def check_image_pixel_size(self, f):
        try:
            super().check_image_pixel_size(f)
        except Image.DecompressionBombError as exc:
            declared = re.search(r"\((\d+) pixels\)", str(exc))
            raise ValidationError(
                self.error_messages["file_too_many_pixels"]
                % {
                    "num_pixels": declared.group(1) if declared else "?",
                    "max_pixels_count": self.max_image_pixels,
                },
                code="file_too_many_pixels",
            ) from exc
        except (OSError, SyntaxError, ValueError) as exc:
            # A file with an image's signature but no readable header (a truncated PNG):
            # Willow opens it lazily, so Pillow fails only here.
            raise ValidationError(
                self.error_messages["invalid_image"], code="invalid_image"
            ) from exc


def xmp_without_location(xmp: str) -> str:
    return GPS_XMP_PROPERTY.sub("", xmp)


def without_location(data: bytes) -> bytes | None:
    """The image's bytes without its GPS block and XMP GPS properties, or None when it has
    neither to take out."""
    with Image.open(io.BytesIO(data)) as image:
        if image.format not in EXIF_FORMATS:
            return None
        exif = image.getexif()
        xmp = image.info.get("xmp") or ""
        if isinstance(xmp, bytes):
            xmp = xmp.decode("utf-8", "replace")
        clean_xmp = xmp_without_location(xmp)
        if GPS_IFD not in exif and clean_xmp == xmp:
            return None
        exif.pop(GPS_IFD, None)
        options = {"exif": exif.tobytes()}
        if clean_xmp and image.format == "PNG":
            options["pnginfo"] = PngImagePlugin.PngInfo()
            options["pnginfo"].add_itxt("XML:com.adobe.xmp", clean_xmp)
        elif clean_xmp:
            options["xmp"] = clean_xmp.encode()
        if image.info.get("icc_profile"):
            options["icc_profile"] = image.info["icc_profile"]
        if image.format == "JPEG":
            # the source's own quantisation and subsampling: no visible loss
            options.update(quality="keep", subsampling="keep")
        elif image.format == "WEBP":
            options.update(quality=95)
        output = io.BytesIO()
        image.save(output, format=image.format, **options)
        return output.getvalue()


def strip_location(uploaded) -> None:
    """Rewrite an uploaded file (in memory or a temporary file) in place without its GPS
    block, so every later use of the upload (the image, a pending multiple upload) gets
    the clean bytes."""
    uploaded.seek(0)
    cleaned = without_location(uploaded.read())
    uploaded.seek(0)
    if cleaned is None:
        return
    uploaded.file.seek(0)
    uploaded.file.truncate()
    uploaded.file.write(cleaned)
    uploaded.file.flush()
    uploaded.file.seek(0)
    uploaded.size = len(cleaned)
