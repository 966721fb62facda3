"""Keep cached pages, navigation, filter options and language links in step with editors'
changes: each of these signals retires everything cached (core.cache_epoch), once
the change has committed. Content apps connect their own snippets to
`site_content_changed` (materials.signals does for its taxonomies)."""

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver
from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.models import Locale, Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from .cache_epoch import content_changed
from .models import SiteDocument, SiteImage, SiteSettings


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
@receiver(post_delete, sender=Page)
@receiver(post_save, sender=Locale)
@receiver(post_delete, sender=Locale)
@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
@receiver(post_save, sender=Site)
@receiver(post_delete, sender=Site)
@receiver(post_delete, sender=SiteImage)
@receiver(post_delete, sender=SiteDocument)
def site_content_changed(sender, **kwargs):
    content_changed()


# Bookkeeping saves (Wagtail fills in a file's size or hash lazily, sometimes while a page
# renders) change nothing a reader sees and must not empty the cache.
BOOKKEEPING_FIELDS = {"file_size", "file_hash"}


@receiver(post_save, sender=SiteSettings)
@receiver(post_delete, sender=SiteSettings)
def site_settings_cache_cleared(sender, instance, **kwargs):
    cache.delete(SiteSettings.cache_key(instance.site_id))


@receiver(post_save, sender=SiteSettings)
def site_settings_changed(sender, created=False, **kwargs):
    # Wagtail creates a site's settings row with the defaults on first use, often while a
    # page renders; that changes nothing on the page.
    if not created:
        content_changed()


@receiver(post_save, sender=SiteImage)
@receiver(post_save, sender=SiteDocument)
def media_changed(sender, update_fields=None, **kwargs):
    if update_fields and set(update_fields) <= BOOKKEEPING_FIELDS:
        return
    content_changed()


@receiver(page_published)
@receiver(page_unpublished)
def purge_frontend_cache(sender, instance, **kwargs):
    """Tell the CDN or proxy in front (settings.WAGTAILFRONTENDCACHE) to drop the page, the
    pages listing it (its parents up to the home page) and the sitemap. The purge requests
    are a Wagtail background task, sent by a worker once the publish has committed."""
    if not settings.WAGTAILFRONTENDCACHE:
        return
    batch = PurgeBatch()
    batch.add_pages([instance, *instance.get_ancestors().filter(depth__gt=1).specific()])
    site = instance.get_site()
    if site is not None:
        batch.add_url(site.root_url + "/sitemap.xml")
    batch.purge()


@receiver(post_migrate)
def create_cache_table(sender, using, verbosity=1, **kwargs):
    """Production without Redis caches in the database (config.settings.production): every
    `migrate` (make setup, make stack, deploys, the tests' servers) makes its table, so no
    separate `createcachetable` step can be forgotten. Does nothing for other backends."""
    if sender.name == "core":
        call_command("createcachetable", database=using, verbosity=max(verbosity - 1, 0))
