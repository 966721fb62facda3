from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page


class AllLocalesSitemap(Sitemap):
    """Every live public page of the site, in every locale (Wagtail's lists one tree)."""

    def items(self):
        root = self.get_wagtail_site().root_page
        roots = Page.objects.filter(translation_key=root.translation_key)
        condition = None
        for translated_root in roots:
            q = Page.objects.descendant_of(translated_root, inclusive=True)
            condition = q if condition is None else condition | q
        return condition.live().public().order_by("path").defer_streamfields().specific()
