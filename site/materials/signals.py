"""Keep cached navigation and filter options in step with what editors change."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished, post_page_move

from .models import Audience, ScamType
from .selectors import clear_cached_navigation


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
def pages_changed(sender, **kwargs):
    clear_cached_navigation()


@receiver(post_save, sender=ScamType)
@receiver(post_delete, sender=ScamType)
@receiver(post_save, sender=Audience)
@receiver(post_delete, sender=Audience)
def taxonomy_changed(sender, **kwargs):
    clear_cached_navigation()
