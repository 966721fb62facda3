"""Site-wide models: media with required alt text, site settings and the home page."""

from django.apps import apps
from django.core.cache import cache
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.documents.models import AbstractDocument, Document
from wagtail.images.models import AbstractImage, AbstractRendition, Image
from wagtail.models import Orderable, Page
from wagtail.search import index

from .cache_epoch import cached, current_epoch
from .pages import CachedViewRestrictionsMixin, PinyinSlugMixin


class SiteImage(AbstractImage):
    """An image whose alt text (Wagtail's "description") must be filled in."""

    description = models.CharField(
        _("alt text"),
        max_length=255,
        help_text=_(
            "Describe the image for people who cannot see it, including any text it shows."
        ),
    )
    credit = models.CharField(_("credit"), max_length=255, blank=True)

    admin_form_fields = Image.admin_form_fields + ("credit",)


class SiteRendition(AbstractRendition):
    image = models.ForeignKey(SiteImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


class SiteDocument(AbstractDocument):
    """PDFs, self-hosted videos and WebVTT captions (types limited in settings)."""

    admin_form_fields = Document.admin_form_fields


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """Contact details shown on every page."""

    hotline = models.CharField(
        _("anti-fraud hotline"),
        max_length=32,
        default="96110",
        help_text=_("Shown on every page as a tap-to-call link."),
    )
    emergency_number = models.CharField(_("police emergency number"), max_length=16, default="110")
    spam_report_number = models.CharField(
        _("spam reporting number"),
        max_length=16,
        default="12321",
        blank=True,
        help_text=_("Where readers report scam text messages, calls and websites."),
    )
    organisation = models.CharField(
        _("publishing organisation"),
        max_length=255,
        blank=True,
        help_text=_("Shown in the footer, e.g. the anti-fraud centre that runs the site."),
    )

    icp_filing = models.CharField(
        _("ICP filing number"),
        max_length=64,
        blank=True,
        help_text=_("In the footer, linked to the MIIT filing system, e.g. 浙ICP备12345678号-1."),
    )
    police_filing = models.CharField(
        _("public security filing number"),
        max_length=64,
        blank=True,
        help_text=_("Shown in the footer, e.g. 浙公网安备33010802012345号."),
    )

    panels = [
        FieldPanel("hotline"),
        FieldPanel("emergency_number"),
        FieldPanel("spam_report_number"),
        FieldPanel("organisation"),
        FieldPanel("icp_filing"),
        FieldPanel("police_filing"),
    ]

    class Meta:
        verbose_name = _("site settings")

    @classmethod
    def for_site(cls, site):
        """Cached under the cache epoch: every public page shows the hotline.
        Saving moves the epoch on once the change commits (core.signals), so a
        reader who cached the old row while the save was in its transaction cannot keep it."""
        key = cls.cache_key(site.pk)
        instance = cache.get(key)
        if instance is None:
            instance = super().for_site(site)
            cache.set(key, instance, 60 * 60)
        return instance

    @staticmethod
    def cache_key(site_id) -> str:
        return f"core:sitesettings:{site_id}:e{current_epoch()}"

    @property
    def hotline_tel(self) -> str:
        return tel_number(self.hotline)

    def number_for(self, key: str) -> str:
        """The number a HOTLINES key stands for, as the settings write it ("" if unknown)."""
        return getattr(self, HOTLINE_FIELDS.get(key, ""), "") or ""

    def phone_numbers(self) -> dict[str, str]:
        """{number as written: what a tel: link dials} for every number in the settings."""
        numbers = (self.number_for(key) for key in HOTLINE_FIELDS)
        return {number.strip(): tel_number(number) for number in numbers if tel_number(number)}


# The numbers a page can point readers to; their values are the site settings'.
HOTLINES = [
    ("emergency", _("Police emergency number (110)")),
    ("hotline", _("Anti-fraud hotline (96110)")),
    ("spam", _("Spam reporting number (12321)")),
]
HOTLINE_FIELDS = {
    "emergency": "emergency_number",
    "hotline": "hotline",
    "spam": "spam_report_number",
}


def tel_number(number: str) -> str:
    """What a tel: link dials for a number as people write it (0571-96110 → 057196110)."""
    return "".join(ch for ch in number or "" if ch.isdigit() or ch == "+")


def page_at_path(home: Page, path_components: list[str]) -> tuple:
    """(app label, model name, id) of the page Wagtail's routing would reach at this path
    below `home` without a routable page's sub-route taking over; () when there is none."""
    url_path = home.url_path + "/".join(path_components) + "/"
    page = Page.objects.filter(url_path=url_path).select_related("content_type").first()
    if page is None:
        return ()
    between = page.get_ancestors().filter(depth__gt=home.depth).specific()
    for ancestor in between:
        if isinstance(ancestor, RoutablePageMixin):
            rest = page.url_path[len(ancestor.url_path) - 1 :]
            try:
                ancestor.resolve_subpage(rest)
            except Http404:
                continue
            return ()  # that page's own route answers this URL
    content_type = page.content_type
    return (content_type.app_label, content_type.model, page.pk)


class HomePage(PinyinSlugMixin, CachedViewRestrictionsMixin, Page):
    """The front page: featured materials, latest alerts and entry points per audience."""

    hero_title = models.CharField(_("hero title"), max_length=120)
    hero_text = models.TextField(_("hero text"), blank=True)
    elders_intro = models.TextField(_("text of the 'for elders' entry"), blank=True)
    students_intro = models.TextField(_("text of the 'for students' entry"), blank=True)

    content_panels = Page.content_panels + [
        MultiFieldPanel([FieldPanel("hero_title"), FieldPanel("hero_text")], heading=_("Hero")),
        InlinePanel("featured_items", heading=_("Featured materials"), max_num=6),
        MultiFieldPanel(
            [FieldPanel("elders_intro"), FieldPanel("students_intro")], heading=_("Entry points")
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("hero_text")]
    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def get_share_title(self) -> str:
        """In a link preview the home page is the site, named (not "首页")."""
        return self.seo_title or str(_("Fangzha anti-fraud education"))

    def get_meta_description(self) -> str:
        return self.search_description or self.hero_title

    def route(self, request, path_components):
        """Find a page below the home page in one query instead of one per path segment.

        Which live page sits at a URL is remembered per cache epoch (any publish,
        move or deletion retires it, see core.cache_epoch); Wagtail's own walk
        down the tree handles the rest (sub-routes of routable pages, unknown URLs).
        """
        if path_components:
            target = cached(
                f"core:route:{self.pk}:{'/'.join(path_components)}",
                lambda: page_at_path(self, path_components),
            )
            if target:
                app_label, model_name, pk = target
                page = apps.get_model(app_label, model_name).objects.filter(pk=pk).first()
                if page is not None and page.live:
                    return page.route(request, [])
        return super().route(request, path_components)


class HomeFeaturedItem(Orderable):
    """A material the home page puts first."""

    home = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_items")
    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+", verbose_name=_("material")
    )

    panels = [
        PageChooserPanel(
            "page",
            [
                "materials.PosterPage",
                "materials.VideoPage",
                "materials.GuidePage",
                "materials.CaseStudyPage",
            ],
        )
    ]


class CacheEpoch(models.Model):
    """The cache epoch as last bumped (core.cache_epoch), kept in the database as well as
    in the cache: a bump that could not reach Redis is not lost, and a copy cached under an
    older epoch is never served once Redis is back. One row."""

    value = models.BigIntegerField()
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.value)
