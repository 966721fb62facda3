"""Materials' own signal handlers. The site-wide cache bumps (pages, images, documents,
settings, view restrictions) are core.signals'; the taxonomy snippets join them here."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.signals import page_published

from core.signals import site_content_changed

from .models import AlertPage, Audience, PosterPage, ScamType, SearchTerm
from .tasks import generate_poster_renditions, send_alert_to_subscribers

# SearchTerm: the public search's index is rebuilt with the new vocabulary (materials.search).
for taxonomy in (ScamType, Audience, SearchTerm):
    post_save.connect(site_content_changed, sender=taxonomy)
    post_delete.connect(site_content_changed, sender=taxonomy)

# Promoted results are kept with the public search's index and retired with it.
post_save.connect(site_content_changed, sender=SearchPromotion)
post_delete.connect(site_content_changed, sender=SearchPromotion)


@receiver(page_published, sender=PosterPage)
def poster_published(sender, instance, **kwargs):
    page_id = instance.pk
    transaction.on_commit(lambda: generate_poster_renditions.delay(page_id), robust=True)


@receiver(page_published, sender=AlertPage)
def alert_published(sender, instance, **kwargs):
    """Mail an alert to its subscribers when it goes live for the first time (Wagtail sets
    both publish times to the same moment then); a re-publish of an edit sends nothing."""
    if (
        instance.first_published_at is None
        or instance.first_published_at != instance.last_published_at
    ):
        return
    page_id = instance.pk
    transaction.on_commit(lambda: send_alert_to_subscribers.delay(page_id), robust=True)
