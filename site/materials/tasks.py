"""Work done by the Celery workers: media (queue "media") and alert e-mails."""

from celery import shared_task

from core.tasks import RETRY_BACKOFF, TRANSIENT_ERRORS

from . import subscriptions
from .models import POSTER_RENDITION_SPECS, PosterPage


# OSError: the image file on shared or object storage was briefly unreachable.
@shared_task(acks_late=True, autoretry_for=(*TRANSIENT_ERRORS, OSError), **RETRY_BACKOFF)
def generate_poster_renditions(page_id: int) -> int:
    """Make a published poster's print sizes and display sizes ahead of the first reader.

    A3 at 300 dpi takes seconds to resize; done here, neither the editor publishing nor
    the first person pressing "download A3" waits for it. Idempotent: Wagtail keeps one
    rendition per image and spec, so a second run finds them all made.
    """
    poster = PosterPage.objects.filter(pk=page_id).select_related("image").first()
    if poster is None or poster.image is None:
        return 0
    return len(poster.image.get_renditions(*POSTER_RENDITION_SPECS))


# OSError: the mail server refused or dropped the connection (smtplib's errors are OSErrors).
@shared_task(acks_late=True, autoretry_for=(*TRANSIENT_ERRORS, OSError), **RETRY_BACKOFF)
def send_alert_to_subscribers(page_id: int) -> int:
    """Mail a newly published alert to its subscribers, in batches, once each
    (subscriptions.send_alert: a retried or doubled run sends nobody a second copy)."""
    return subscriptions.send_alert(alert_id=page_id)


@shared_task(acks_late=True, autoretry_for=TRANSIENT_ERRORS, **RETRY_BACKOFF)
def purge_stale_alert_subscribers() -> int:
    """Delete unconfirmed requests and unsubscribed addresses once they are stale."""
    return subscriptions.purge_stale_subscribers()
