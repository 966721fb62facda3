"""RSS and Atom feeds of the alerts in one locale, with the feed's language and its
author (the site settings' publishing organisation, else the site's name)."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from wagtail.models import Site

from core.models import SiteSettings


class AlertRssFeed(Feed):
    def __init__(self, index_page):
        super().__init__()
        self.index_page = index_page
        code = index_page.locale.language_code  # Feed reads `language` as an attribute
        self.language = "zh-Hans" if code == "zh-hans" else code

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def author_name(self):
        """The organisation that publishes the site (site settings), else the site."""
        site = Site.find_for_request(self.request)
        organisation = SiteSettings.for_site(site).organisation if site else ""
        return organisation or _("Fangzha")

    def item_author_name(self, item):
        return self.author_name()

    def title(self):
        return _("%(site)s: fraud alerts") % {"site": _("Fangzha")}

    def link(self):
        return self.index_page.get_url(self.request)

    def description(self):
        return self.index_page.intro or _("The latest fraud alerts.")

    def items(self):
        return self.index_page.alerts()[:30]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.get_url(self.request)

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at


class AlertAtomFeed(AlertRssFeed):
    feed_type = Atom1Feed

    def subtitle(self):
        return self.description()
