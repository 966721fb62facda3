"""Storage for private files (evidence photos): never at a public address.

Their URLs point at campaigns.views.evidence_photo, which checks the user's team and
streams the file from wherever it is kept.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.urls import reverse


class PrivateURLMixin:
    def url(self, name):
        return reverse("campaigns_evidence", args=[name])


class PrivateFileSystemStorage(PrivateURLMixin, FileSystemStorage):
    """PRIVATE_MEDIA_ROOT on local disk, outside MEDIA_ROOT (read at use, so tests and
    deployments can move it)."""

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)


try:
    from storages.backends.s3 import S3Storage
except ImportError:  # the "s3" extra is not installed
    S3Storage = None

if S3Storage is not None:

    class PrivateS3Storage(PrivateURLMixin, S3Storage):
        """A private prefix of the bucket; objects get no public ACL."""
