"""Keep cached navigation, filter options and language links in step with editors' changes."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Locale, Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from .models import Audience, ScamType
from .selectors import content_changed


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
@receiver(post_delete, sender=Page)
@receiver(post_save, sender=ScamType)
@receiver(post_delete, sender=ScamType)
@receiver(post_save, sender=Audience)
@receiver(post_delete, sender=Audience)
@receiver(post_save, sender=Locale)
@receiver(post_delete, sender=Locale)
def site_content_changed(sender, **kwargs):
    content_changed()
