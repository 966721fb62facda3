"""Evidence photos as coordinators take them on phones: refused over a size limit (named
in the message), stored downscaled and upright, and kept across a validation error.

A form that fails validation cannot send a chosen file back to the browser, so a photo
that was itself fine is kept in a holding area of the private storage, one folder per
user (``held-photos/<user id>/<token>/<file name>``); the re-rendered form carries the
token in a hidden input next to the file input, and only the user who chose the photo
can use it. Held photos are deleted once the event is saved, and any older than
HELD_PHOTO_HOURS whenever another is held.

Settings (defaults here): CAMPAIGNS_PHOTO_MAX_MB = 20 (per photo, as uploaded),
CAMPAIGNS_PHOTO_LONG_SIDE = 2560 (pixels, as stored), CAMPAIGNS_PHOTO_QUALITY = 85 (JPEG).
"""

import datetime
import io
import logging
import re
import secrets
from pathlib import PurePosixPath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

logger = logging.getLogger(__name__)

HELD = "held-photos"
HELD_PHOTO_HOURS = 24
TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")
ORIENTATION = 0x0112


def max_bytes() -> int:
    return int(getattr(settings, "CAMPAIGNS_PHOTO_MAX_MB", 20)) * 1024 * 1024


def _storage():
    return storages["private"]


# --- Downscaling --------------------------------------------------------------------------
def downscaled(upload) -> SimpleUploadedFile:
    """The photo as stored: orientation applied, long side at most
    CAMPAIGNS_PHOTO_LONG_SIDE, JPEG at CAMPAIGNS_PHOTO_QUALITY. Its EXIF (camera, time,
    place: evidence that the event happened there) is kept, with the orientation reset."""
    long_side = int(getattr(settings, "CAMPAIGNS_PHOTO_LONG_SIDE", 2560))
    quality = int(getattr(settings, "CAMPAIGNS_PHOTO_QUALITY", 85))
    upload.seek(0)
    with Image.open(upload) as original:
        original.draft("RGB", (long_side, long_side))  # JPEG: decode at a smaller scale
        image = ImageOps.exif_transpose(original)
        exif = image.getexif()
        exif.get_ifd(0x8825)  # load the GPS block so that it is written back
        exif.get_ifd(0x8769)
        if ORIENTATION in exif:
            exif[ORIENTATION] = 1
        image.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
        if image.mode != "RGB":
            image = image.convert("RGB")
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=quality, optimize=True, exif=exif.tobytes())
    name = PurePosixPath(upload.name or "photo").stem[:80] + ".jpg"
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


# --- The holding area ---------------------------------------------------------------------
def hold(owner_id: int, upload) -> str:
    """Keep an (already downscaled) photo for its user; returns the token."""
    forget_old()
    token = secrets.token_urlsafe(32)
    storage = _storage()
    name = storage.get_valid_name(PurePosixPath(upload.name or "photo.jpg").name)
    upload.seek(0)
    storage.save(f"{HELD}/{int(owner_id)}/{token}/{name}", upload)
    return token


def fetch(owner_id, token) -> SimpleUploadedFile | None:
    """The photo held under ``token`` for this user, or None (unknown, another user's,
    expired, or not a token at all)."""
    if owner_id is None or not isinstance(token, str) or not TOKEN.fullmatch(token):
        return None
    storage = _storage()
    folder = f"{HELD}/{int(owner_id)}/{token}"
    try:
        _dirs, files = storage.listdir(folder)
        if not files:
            return None
        with storage.open(f"{folder}/{files[0]}", "rb") as held:
            content = held.read()
    except (FileNotFoundError, NotADirectoryError):
        return None
    photo = SimpleUploadedFile(files[0], content, content_type="image/jpeg")
    photo.held_token = token
    return photo


def discard(owner_id, tokens) -> None:
    storage = _storage()
    for token in tokens:
        if owner_id is None or not TOKEN.fullmatch(token or ""):
            continue
        folder = f"{HELD}/{int(owner_id)}/{token}"
        try:
            _dirs, files = storage.listdir(folder)
            for name in files:
                storage.delete(f"{folder}/{name}")
            storage.delete(folder)  # local disk: the empty folder; a bucket has none
        except (FileNotFoundError, NotADirectoryError, OSError):
            logger.warning("could not delete held photo %s", folder)


def forget_old(now=None) -> int:
    """Delete held photos older than HELD_PHOTO_HOURS (a user who never came back)."""
    storage = _storage()
    cutoff = (now or timezone.now()) - datetime.timedelta(hours=HELD_PHOTO_HOURS)
    removed = 0
    try:
        owners, _files = storage.listdir(HELD)
    except FileNotFoundError:
        return 0
    for owner in owners:
        tokens, _files = storage.listdir(f"{HELD}/{owner}")
        for token in tokens:
            folder = f"{HELD}/{owner}/{token}"
            _dirs, files = storage.listdir(folder)
            if all(storage.get_modified_time(f"{folder}/{name}") < cutoff for name in files):
                if owner.isdigit():
                    discard(int(owner), [token])
                    removed += 1
    return removed


# --- Form field and widget ----------------------------------------------------
class MissingHeldPhoto:
    """What the widget returns for a token that leads to no photo of this user."""

    name = ""
    size = 0

    def __bool__(self):
        return True


class HeldPhotoInput(forms.ClearableFileInput):
    """A file input that also carries a photo held for the user (a hidden token and the
    photo's name), so that a form re-rendered after an error does not ask for it again.
    ``owner_id`` is set by the form for the signed-in user."""

    template_name = "campaigns/widgets/held_photo_input.html"
    owner_id = None

    def held_name(self, name):
        return f"{name}-held"

    def value_from_datadict(self, data, files, name):
        upload = super().value_from_datadict(data, files, name)
        if upload is not None:
            return upload  # a new file, or the "clear" box: the user's latest choice
        token = data.get(self.held_name(name))
        if not token:
            return None
        cache = self.__dict__.setdefault("_held", {})
        if token not in cache:
            cache[token] = fetch(self.owner_id, token) or MissingHeldPhoto()
        photo = cache[token]
        if isinstance(photo, UploadedFile):
            photo.seek(0)
        return photo

    def value_omitted_from_data(self, data, files, name):
        return super().value_omitted_from_data(data, files, name) and (
            self.held_name(name) not in data
        )

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        token = getattr(value, "held_token", None)
        context["widget"].update(
            {
                "held_input": self.held_name(name),
                "held_token": token,
                "held_filename": value.name if token else "",
            }
        )
        return context


class EvidencePhotoFormField(forms.ImageField):
    widget = HeldPhotoInput
    default_error_messages = {
        "too_large": _(
            "“%(name)s” is %(size)s MB: a photo can be at most %(limit)s MB. "
            "Choose a smaller photo, or send it at a lower resolution."
        ),
        "held_missing": _(
            "The photo chosen before is no longer kept here: please choose it again."
        ),
    }

    def bound_data(self, data, initial):
        if getattr(data, "held_token", None):
            return data  # shown again, unlike a file the browser sent
        return super().bound_data(data, initial)

    def to_python(self, data):
        if isinstance(data, MissingHeldPhoto):
            raise ValidationError(self.error_messages["held_missing"], code="held_missing")
        if data in self.empty_values:
            return None
        if getattr(data, "held_token", None):
            return super().to_python(data)  # stored downscaled when it was held
        size = getattr(data, "size", 0) or 0
        if size > max_bytes():
            raise ValidationError(
                self.error_messages["too_large"],
                code="too_large",
                params={
                    "name": data.name,
                    "size": f"{size / 1024 / 1024:.1f}",
                    "limit": max_bytes() // 1024 // 1024,
                },
            )
        checked = super().to_python(data)
        if not isinstance(checked, UploadedFile):
            return checked
        try:
            return downscaled(checked)
        except (OSError, ValueError, Image.DecompressionBombError) as error:
            raise ValidationError(self.error_messages["invalid_image"], code="invalid_image") from (
                error
            )
