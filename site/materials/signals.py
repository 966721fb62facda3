"""Materials' own signal handlers. The site-wide cache bumps (pages, images, documents,
settings, view restrictions) are core.signals'; the taxonomy snippets join them here."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published

from core.signals import site_content_changed

from .models import Audience, PosterPage, ScamType, SearchTerm
from .tasks import generate_poster_renditions

# SearchTerm: the public search's index is rebuilt with the new vocabulary (materials.search).
for taxonomy in (ScamType, Audience, SearchTerm):
    post_save.connect(site_content_changed, sender=taxonomy)
    post_delete.connect(site_content_changed, sender=taxonomy)


@receiver(page_published, sender=PosterPage)
def poster_published(sender, instance, **kwargs):
    page_id = instance.pk
    transaction.on_commit(lambda: generate_poster_renditions.delay(page_id), robust=True)
