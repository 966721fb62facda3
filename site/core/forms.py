"""Admin upload forms: each document type has its own size limit; images are checked
and cleaned by core.images."""

import os

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm

from .images import SiteImageField, strip_location

MB = 1024 * 1024
# Captions are text, PDFs are print files, videos are what lobby screens play offline.
DOCUMENT_SIZE_LIMITS = {
    "vtt": 2 * MB,
    "pdf": 50 * MB,
    "mp4": 200 * MB,
    "webm": 200 * MB,
}


class SiteDocumentForm(BaseDocumentForm):
    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded and getattr(uploaded, "size", None) is not None:
            extension = os.path.splitext(uploaded.name)[1].lower().lstrip(".")
            limit = DOCUMENT_SIZE_LIMITS.get(extension)
            if limit is not None and uploaded.size > limit:
                raise ValidationError(
                    _("%(kind)s files can be at most %(limit)s; this one is %(size)s.")
                    % {
                        "kind": extension.upper(),
                        "limit": filesizeformat(limit),
                        "size": filesizeformat(uploaded.size),
                    }
                )
        return uploaded


class SiteImageForm(BaseImageForm):
    """Wagtail's image form with bombs refused by message and no location in originals."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "file" in self.fields:  # built here: the field reads its limits from settings
            field = self.fields["file"]
            self.fields["file"] = SiteImageField(
                label=field.label, required=field.required, widget=field.widget
            )

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded and "file" in self.changed_data and hasattr(uploaded, "seek"):
            strip_location(uploaded)
        return uploaded
