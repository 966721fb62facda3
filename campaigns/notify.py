"""Sending a notice to a person, through the channel named in settings.

``settings.FANGZHA_NOTIFY_CHANNEL`` is the dotted path of a class with
``send(user, subject, body) -> bool`` (True when it went out, False when the person has
no address on this channel). E-mail is the default; an SMS or 企业微信 (WeCom) sender is
another such class, named in the setting. A channel raises on a transient failure, so
that the Celery task retries.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

DEFAULT_CHANNEL = "campaigns.notify.EmailChannel"


class EmailChannel:
    """E-mail through Django's mail backend, to the user's address."""

    name = "email"

    def send(self, user, subject: str, body: str) -> bool:
        if not user.email:
            return False
        send_mail(subject, body, None, [user.email])
        return True


def channel_path() -> str:
    return getattr(settings, "FANGZHA_NOTIFY_CHANNEL", DEFAULT_CHANNEL)


def get_channel():
    return import_string(channel_path())()


def notify(user, subject: str, body: str) -> bool:
    """Send through the configured channel; False when the person cannot be reached."""
    if not user.is_active:
        return False
    return get_channel().send(user, subject, body)
