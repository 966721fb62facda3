"""Admin upload forms: each document type has its own size limit."""

import os

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from wagtail.documents.forms import BaseDocumentForm

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
