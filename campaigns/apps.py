import logging

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    """Outreach events and their reach (built in a later issue)."""

    name = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self):
        from . import history, signals  # noqa: F401  (history: the audit log's proxy model)
        from .display import RedactTokens

        # Django's "Not Found: /screen/<token>/" and the development server's request
        # lines carry the big screen link's token: cut it short, whatever LOGGING says.
        for name in ("django.request", "django.server"):
            logging.getLogger(name).addFilter(RedactTokens())
