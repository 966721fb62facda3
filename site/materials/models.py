"""Education materials: taxonomies (snippets) and one page type per kind of material."""

import datetime
import html
import math
import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.http import Http404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail import blocks
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    PageChooserPanel,
    TabbedInterface,
)
from wagtail.blocks import StreamValue
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, TranslatableMixin
from wagtail.search import index

from core.blocks import ArticleStreamBlock, readable_text
from core.cache_epoch import cached
from core.fields import optional_foreign_key, optional_yuan
from core.models import HOTLINES
from core.pages import (
    CachedViewRestrictionsMixin,
    PinyinSlugMixin,
    active_locale_id,
    exclude_private,
    paginate,
)
from core.rich_text import SanitisedRichTextField
from core.search import cjk_ngrams, fold_for_matching, plain_text

from .feeds import AlertAtomFeed, AlertRssFeed
from .forms import MaterialPageForm, PlaylistForm, PosterContactForm, PosterPageForm
from .listing import CARD_IMAGE, RESULT_IMAGE, MaterialType, MaterialTypes
from .panels import PrintResolutionPanel
from .printing import PAPER_SIZES, SHARE_CARD_SIZE, print_dpi

# Reading speed used for "N min read": Chinese readers average ~300 characters a minute,
# English readers ~230 words. Chinese is counted by characters, everything else by words.
CHARS_PER_MINUTE = 300
WORDS_PER_MINUTE = 230
CJK_CHARACTER = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
WORD = re.compile(r"[^\W\u3400-\u9fff\uf900-\ufaff]+(?:['’\-.,][^\W\u3400-\u9fff]+)*")


def reading_minutes(text: str) -> int:
    """Minutes a reader needs for TEXT: Chinese characters at CHARS_PER_MINUTE plus words
    of other scripts (English, numbers) at WORDS_PER_MINUTE; at least one."""
    characters = len(CJK_CHARACTER.findall(text))
    words = len(WORD.findall(CJK_CHARACTER.sub(" ", text)))
    return max(1, math.ceil(characters / CHARS_PER_MINUTE + words / WORDS_PER_MINUTE))


class Taxonomy(index.Indexed, TranslatableMixin, models.Model):
    """Shared shape of the translatable snippets that classify materials."""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        allow_unicode=False,
        help_text=_("Used in addresses and filters; keep it the same in every language."),
    )
    description = models.TextField(_("description"), blank=True)
    icon = optional_foreign_key(settings.WAGTAILIMAGES_IMAGE_MODEL, _("icon or image"))
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=100)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("icon"),
        FieldPanel("sort_order"),
    ]

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta(TranslatableMixin.Meta):
        abstract = True
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "locale"], name="unique_%(class)s_slug_locale")
        ]

    def __str__(self):
        return self.name

    @classmethod
    def options(cls, *, locale_id: int) -> list:
        """The snippets editors created in a locale, in their sort order.

        Every listing shows them, so they are cached until the next change (a save or
        delete of one bumps the cache epoch, see signals.py).
        """
        return cached(
            f"materials:taxonomy:{cls._meta.model_name}:{locale_id}",
            lambda: list(cls.objects.filter(locale_id=locale_id)),
        )


class ScamType(Taxonomy):
    """A kind of fraud (e.g. impersonating police, fake investment)."""

    class Meta(Taxonomy.Meta):
        verbose_name = _("scam type")
        verbose_name_plural = _("scam types")


class Audience(Taxonomy):
    """A group of readers a material is written for (elders, students, …)."""

    class Meta(Taxonomy.Meta):
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")


class MaterialPage(PinyinSlugMixin, CachedViewRestrictionsMixin, Page):
    """Fields every education material shares (abstract: no table of its own)."""

    summary = models.TextField(
        _("summary"),
        max_length=300,
        help_text=_("One or two sentences for listings, search results and link previews."),
    )
    scam_types = ParentalManyToManyField(ScamType, blank=True, verbose_name=_("scam types"))
    audiences = ParentalManyToManyField(Audience, blank=True, verbose_name=_("audiences"))
    last_reviewed = models.DateField(
        _("last reviewed"),
        default=datetime.date.today,
        help_text=_("When an expert last checked this material is still accurate."),
    )

    taxonomy_panels = [
        FieldPanel("scam_types", widget=forms.CheckboxSelectMultiple),
        FieldPanel("audiences", widget=forms.CheckboxSelectMultiple),
        FieldPanel("last_reviewed"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("search_cjk_terms"),
    ]
    # The fields a reader reads as the body (reading_text()); a poster's is its image.
    reading_fields: tuple[str, ...] = ()
    parent_page_types = ["materials.MaterialIndexPage"]
    subpage_types: list[str] = []
    base_form_class = MaterialPageForm

    class Meta:
        abstract = True

    @classmethod
    def build_edit_handler(cls, *content):
        return TabbedInterface(
            [
                ObjectList(cls.content_panels + list(content), heading=_("Content")),
                ObjectList(cls.taxonomy_panels, heading=_("Topics and review")),
                ObjectList(cls.promote_panels, heading=_("Promote")),
                ObjectList(cls.settings_panels, heading=_("Settings")),
            ]
        )

    @property
    def card_image(self):
        return getattr(self, "listing_image", None)

    def search_text(self) -> str:
        """All the text the search index holds for this page, as plain text."""
        return plain_text(
            field.get_value(self)
            for field in self.get_search_fields()
            if isinstance(field, index.SearchField) and field.field_name != "search_cjk_terms"
        )

    def reading_text(self) -> str:
        """The body a reader reads under the title, as plain text: the source of a search
        result's passage (search_text() also holds the title, the summary, alt text and
        venues, which a passage must not repeat or show)."""
        parts = []
        for name in self.reading_fields:
            value = getattr(self, name)
            parts.extend(readable_text(value) if isinstance(value, StreamValue) else [value])
        return html.unescape(plain_text(parts))

    def search_cjk_terms(self) -> str:
        """Chinese n-gram tokens of the page's text, so Chinese words can be found."""
        return " ".join(cjk_ngrams(self.search_text()))

    def get_meta_description(self) -> str:
        return self.search_description or self.summary

    def key_advice(self) -> str:
        """What the share card says under the title: the material's own summary."""
        return self.summary

    def share_card(self) -> tuple[str, int, int] | None:
        """(address, width, height) of the page's share card, the link preview image too;
        the address names the revision, so chats and browsers may keep it for good. None
        for a page never published (a preview): it has no card yet."""
        if not self.pk or not self.live_revision_id:
            return None
        url = reverse("share_card", args=[self.pk]) + f"?v={self.live_revision_id or 0}"
        return (url, *SHARE_CARD_SIZE)

    def taxonomies(self, *, preview: bool = False) -> dict[str, list]:
        """The scam types and audiences of this material, named in the active language.

        A translated page keeps pointing at the snippets of the page it was copied from, so
        links are matched by translation key against the (cached) options of the active
        language. The links change only when the page is published, so they are cached too.
        A preview (a draft, a revision, a page in moderation) shows the links the page holds
        in memory instead, which may differ from the published ones.
        """

        def linked_keys():
            parts = []
            for name in ("scam_types", "audiences"):
                field = self._meta.get_field(name)
                parts.append(
                    field.remote_field.through.objects.filter(**{field.m2m_field_name(): self.pk})
                    .annotate(kind=models.Value(name))
                    .values_list("kind", f"{field.m2m_reverse_field_name()}__translation_key")
                )
            keys: dict[str, set] = {"scam_types": set(), "audiences": set()}
            for kind, translation_key in parts[0].union(parts[1], all=True):
                keys[kind].add(translation_key)
            return keys

        if preview or self.pk is None:
            # modelcluster's in-memory relations: iterate them, never query through them.
            linked = {
                name: {item.translation_key for item in getattr(self, name).all()}
                for name in ("scam_types", "audiences")
            }
        else:
            linked = cached(f"materials:page-taxonomies:{self.pk}", linked_keys)
        locale_id = active_locale_id() or self.locale_id
        return {
            "scam_types": [
                item
                for item in ScamType.options(locale_id=locale_id)
                if item.translation_key in linked["scam_types"]
            ],
            "audiences": [
                item
                for item in Audience.options(locale_id=locale_id)
                if item.translation_key in linked["audiences"]
            ],
        }

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        taxonomies = self.taxonomies(preview=getattr(request, "is_preview", False))
        context["page_scam_types"] = taxonomies["scam_types"]
        context["page_audiences"] = taxonomies["audiences"]
        return context


# Print downloads are PDFs drawn from the original (printing.py). Everything else a poster
# is shown at: the page's responsive image, and its cards and search results, letterboxed
# so the headline is never cropped (listing.py). Made by a worker when it is published.
POSTER_RENDITION_SPECS = (
    "max-400x566",
    "max-800x1132",
    "max-1200x1698",
    *CARD_IMAGE.whole().specs,
    *RESULT_IMAGE.whole().specs,
)


class PosterPage(MaterialPage):
    """A print-ready poster for markets, bank lobbies and notice boards."""

    image = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("poster image"),
        help_text=_("Upload the full-resolution artwork; print sizes are made from it."),
    )
    image_alt = models.TextField(
        _("alt text"),
        help_text=_("Everything the poster says, for readers who use a screen reader."),
    )
    print_pdf = optional_foreign_key(
        settings.WAGTAILDOCS_DOCUMENT_MODEL,
        _("print-ready PDF"),
        help_text=_("Optional: the designer's PDF with bleed, offered beside the image sizes."),
    )
    suggested_venues = models.CharField(
        _("suggested venues"),
        max_length=255,
        blank=True,
        help_text=_(
            "Where this poster works best, e.g. markets, bank lobbies, campus notice boards."
        ),
    )

    content_panels = MaterialPage.content_panels + [
        FieldPanel("summary"),
        FieldPanel("image"),
        PrintResolutionPanel(),
        FieldPanel("image_alt"),
        FieldPanel("print_pdf"),
        FieldPanel("suggested_venues"),
    ]
    search_fields = MaterialPage.search_fields + [
        index.SearchField("image_alt"),
        index.SearchField("suggested_venues"),
    ]

    base_form_class = PosterPageForm

    class Meta:
        verbose_name = _("poster")
        verbose_name_plural = _("posters")

    def print_sizes(self) -> list[dict]:
        """The PDF downloads offered, each with the dpi its artwork really prints at."""
        return [
            {"key": paper.key, "label": paper.label, "dpi": print_dpi(*self.image_size, paper)}
            for paper in PAPER_SIZES.values()
        ]

    @property
    def image_size(self) -> tuple[int, int]:
        return self.image.width, self.image.height

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.setdefault("contact_form", PosterContactForm())
        return context

    @property
    def card_image(self):
        return self.image

    @property
    def listing_image_id(self):
        return self.image_id

    def clean(self):
        super().clean()
        if self.print_pdf and not self.print_pdf.file.name.lower().endswith(".pdf"):
            raise ValidationError({"print_pdf": _("The print-ready file must be a PDF.")})


PosterPage.edit_handler = PosterPage.build_edit_handler()


class VideoPage(MaterialPage):
    """A video with captions and a download for offline lobby screens."""

    listing_image = optional_foreign_key(
        settings.WAGTAILIMAGES_IMAGE_MODEL,
        _("poster frame"),
        help_text=_("Shown before the video plays and in listings."),
    )
    video_file = optional_foreign_key(
        settings.WAGTAILDOCS_DOCUMENT_MODEL,
        _("video file"),
        help_text=_("MP4 (H.264) plays everywhere; WebM is also accepted."),
    )
    embed_url = models.URLField(
        _("embed URL"),
        blank=True,
        help_text=_("Optional: the same video on a video platform."),
    )
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), null=True, blank=True)
    transcript = SanitisedRichTextField(_("transcript"), blank=True)

    content_panels = MaterialPage.content_panels + [
        FieldPanel("summary"),
        FieldPanel("listing_image"),
        MultiFieldPanel(
            [FieldPanel("video_file"), FieldPanel("embed_url"), FieldPanel("duration_seconds")],
            heading=_("Video"),
        ),
        InlinePanel("captions", heading=_("Captions (WebVTT)"), label=_("caption track")),
        FieldPanel("transcript"),
    ]
    search_fields = MaterialPage.search_fields + [index.SearchField("transcript")]
    reading_fields = ("transcript",)

    class Meta:
        verbose_name = _("video")
        verbose_name_plural = _("videos")

    def clean(self):
        super().clean()
        if not self.video_file and not self.embed_url:
            raise ValidationError(_("Add a video file, an embed URL, or both."))
        if self.video_file and not self.video_file.file.name.lower().endswith((".mp4", ".webm")):
            raise ValidationError({"video_file": _("The video must be an MP4 or WebM file.")})

    def player(self) -> dict:
        """What a <video> element needs: file, poster frame and caption tracks.

        Cached until the next publish (the guide video block uses it too), so a page with
        a player costs no query for its files, captions or frame.
        """

        def compute():
            frame = (
                self.listing_image.get_rendition("fill-1280x720") if self.listing_image else None
            )
            video = self.video_file
            return {
                "src": video.url if video else "",
                "mime": self.video_mime_type if video else "",
                "size": video.get_file_size() if video else None,
                "extension": video.file_extension.upper() if video else "",
                "embed_url": self.embed_url,
                "poster": frame.url if frame else "",
                "tracks": [
                    {
                        "src": track.file.url,
                        "language": track.language,
                        "label": track.label,
                        "srclang": "zh-Hans" if track.language == "zh-hans" else track.language,
                    }
                    for track in self.captions.select_related("file")
                ],
            }

        return cached(f"materials:player:{self.pk}", compute)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["player"] = self.player()
        return context

    @property
    def video_mime_type(self) -> str:
        return "video/webm" if self.video_file.file.name.lower().endswith(".webm") else "video/mp4"


VideoPage.edit_handler = VideoPage.build_edit_handler()


class VideoCaption(Orderable):
    """A WebVTT caption track for one language."""

    page = ParentalKey(VideoPage, on_delete=models.CASCADE, related_name="captions")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    file = models.ForeignKey(
        settings.WAGTAILDOCS_DOCUMENT_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("WebVTT file"),
    )

    panels = [FieldRowPanel([FieldPanel("language"), FieldPanel("file")])]

    def clean(self):
        if self.file_id and not self.file.file.name.lower().endswith(".vtt"):
            raise ValidationError({"file": _("Captions must be a WebVTT (.vtt) file.")})

    @property
    def label(self) -> str:
        return dict(settings.LANGUAGES).get(self.language, self.language)


class GuidePage(MaterialPage):
    """A how-to article for one or more audiences, built from blocks."""

    listing_image = optional_foreign_key(settings.WAGTAILIMAGES_IMAGE_MODEL, _("listing image"))
    body = StreamField(ArticleStreamBlock(), verbose_name=_("body"))

    content_panels = MaterialPage.content_panels + [
        FieldPanel("summary"),
        FieldPanel("listing_image"),
        FieldPanel("body"),
    ]
    search_fields = MaterialPage.search_fields + [index.SearchField("body")]
    reading_fields = ("body",)

    class Meta:
        verbose_name = _("guide")
        verbose_name_plural = _("guides")

    @cached_property
    def reading_minutes(self) -> int:
        text = strip_tags(str(self.body.render_as_block())) if self.body else ""
        return reading_minutes(html.unescape(text))

    def key_advice(self) -> str:
        """The summary, then what to do: the first step-by-step block's steps (or else the
        first warning signs), numbered, so a forwarded card carries the advice itself."""
        points = []
        for kind, key in (("steps", "steps"), ("warning_signs", "signs")):
            block = next((b for b in self.body if b.block_type == kind), None)
            if block is not None:
                values = block.value[key]
                points = [v["title"] if kind == "steps" else v for v in values]
                break
        lines = [f"{number}. {point}" for number, point in enumerate(points[:4], 1) if point]
        return "\n".join([self.summary, *lines]) if lines else self.summary


GuidePage.edit_handler = GuidePage.build_edit_handler()


class CaseStudyPage(MaterialPage):
    """A typical case (典型案例): what happened, the red flags, the outcome, the lesson."""

    class Outcome(models.TextChoices):
        STOPPED = "stopped", _("Stopped in time")
        LOST = "lost", _("Money was lost")
        RECOVERED = "recovered", _("Money partly recovered")
        FULLY_RECOVERED = "fully_recovered", _("All money recovered")

    listing_image = optional_foreign_key(settings.WAGTAILIMAGES_IMAGE_MODEL, _("listing image"))
    region = models.CharField(_("where"), max_length=80, blank=True)
    what_happened = SanitisedRichTextField(_("what happened"))
    red_flags = StreamField(
        [("flag", blocks.CharBlock(label=_("red flag"), icon="warning"))],
        verbose_name=_("red flags"),
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    amount_yuan = optional_yuan(
        _("amount (yuan)"),
        help_text=_("Money lost, or saved when the scam was stopped, where known."),
    )
    outcome_detail = SanitisedRichTextField(_("how it ended"), blank=True)
    lesson = SanitisedRichTextField(_("the lesson"))

    content_panels = MaterialPage.content_panels + [
        FieldPanel("summary"),
        FieldPanel("listing_image"),
        FieldPanel("region"),
        FieldPanel("what_happened"),
        FieldPanel("red_flags"),
        MultiFieldPanel(
            [FieldPanel("outcome"), FieldPanel("amount_yuan"), FieldPanel("outcome_detail")],
            heading=_("Outcome"),
        ),
        FieldPanel("lesson"),
    ]
    search_fields = MaterialPage.search_fields + [
        index.SearchField("what_happened"),
        index.SearchField("red_flags"),
        index.SearchField("outcome_detail"),
        index.SearchField("lesson"),
    ]
    reading_fields = ("what_happened", "red_flags", "outcome_detail", "lesson")

    class Meta:
        verbose_name = _("case study")
        verbose_name_plural = _("case studies")

    def clean(self):
        super().clean()
        if self.amount_yuan is not None and self.amount_yuan < 0:
            raise ValidationError({"amount_yuan": _("The amount cannot be negative.")})


CaseStudyPage.edit_handler = CaseStudyPage.build_edit_handler()


class AlertPage(MaterialPage):
    """A short, dated warning about a scam going round now (预警)."""

    class Level(models.TextChoices):
        NOTICE = "notice", _("Notice")
        WARNING = "warning", _("Warning")
        URGENT = "urgent", _("Urgent")

    alert_date = models.DateField(_("date"), default=datetime.date.today, db_index=True)
    level = models.CharField(
        _("level"), max_length=10, choices=Level.choices, default=Level.WARNING
    )
    body = SanitisedRichTextField(_("body"))

    content_panels = MaterialPage.content_panels + [
        FieldRowPanel([FieldPanel("alert_date"), FieldPanel("level")]),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = MaterialPage.search_fields + [index.SearchField("body")]
    reading_fields = ("body",)
    parent_page_types = ["materials.AlertIndexPage"]

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")


AlertPage.edit_handler = AlertPage.build_edit_handler()


class AlertIndexPage(PinyinSlugMixin, CachedViewRestrictionsMixin, RoutablePageMixin, Page):
    """Alerts, newest first, with RSS and Atom feeds."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["core.HomePage"]
    subpage_types = ["materials.AlertPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("alert list")

    def alerts(self):
        return exclude_private(AlertPage.objects.child_of(self).live()).order_by(
            "-alert_date", "-first_published_at"
        )

    @path("")
    def index_route(self, request):
        return self.render(request, context_overrides={"alerts": paginate(request, self.alerts())})

    @path("feed/rss/", name="rss")
    def rss_route(self, request):
        return AlertRssFeed(self)(request)

    @path("feed/atom/", name="atom")
    def atom_route(self, request):
        return AlertAtomFeed(self)(request)


class MaterialIndexPage(PinyinSlugMixin, CachedViewRestrictionsMixin, RoutablePageMixin, Page):
    """The materials library, with filters, and landing pages per audience and scam type."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["core.HomePage"]
    subpage_types = [
        "materials.PosterPage",
        "materials.VideoPage",
        "materials.GuidePage",
        "materials.CaseStudyPage",
    ]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("materials library")

    @path("")
    def library(self, request):
        return self.library_response(request)

    @path("for/<slug:slug>/", name="audience")
    def audience_landing(self, request, slug):
        return self.library_response(request, landing=(Audience, slug))

    @path("topic/<slug:slug>/", name="scam_type")
    def scam_type_landing(self, request, slug):
        return self.library_response(request, landing=(ScamType, slug))

    def library_response(self, request, *, landing=None):
        """The library listing; `landing` = (ScamType or Audience, slug) fixes one filter."""
        scam_types = ScamType.options(locale_id=self.locale_id)
        audiences = Audience.options(locale_id=self.locale_id)
        fixed = {}
        if landing:
            model, slug = landing
            options = scam_types if model is ScamType else audiences
            landing = next((item for item in options if item.slug == slug), None)
            if landing is None:
                raise Http404
            fixed = {"scam_type" if model is ScamType else "audience": [slug]}
        chosen = {
            "type": _chosen(request, "type", set(MATERIAL_TYPES.library_keys)),
            "scam_type": fixed.get("scam_type")
            or _chosen(request, "scam_type", {item.slug for item in scam_types}),
            "audience": fixed.get("audience")
            or _chosen(request, "audience", {item.slug for item in audiences}),
        }
        results = paginate(
            request,
            MATERIAL_TYPES.library_queryset(
                locale_id=self.locale_id,
                formats=chosen["type"],
                scam_types=chosen["scam_type"],
                audiences=chosen["audience"],
            ),
        )
        results.object_list = MATERIAL_TYPES.attach_card_images(results.object_list)
        # Offer only the options this language's materials have (and any already chosen,
        # so they can be unticked): the English library has fewer materials than the Chinese.
        used = MATERIAL_TYPES.facets(locale_id=self.locale_id)

        def offered(kind, options, key=lambda item: item.slug):
            return [
                item for item in options if key(item) in used[kind] or key(item) in chosen[kind]
            ]

        query = request.GET.copy()
        query.pop("page", None)
        landing_meta = {}
        if landing:
            name = "scam_type" if isinstance(landing, ScamType) else "audience"
            landing_meta = {
                "share_title": landing.name,
                "share_description": landing.description or landing.name,
                "canonical_url": (self.full_url or "")
                + self.reverse_subpage(name, kwargs={"slug": landing.slug}),
            }
        return self.render(
            request,
            context_overrides={
                "results": results,
                "landing": landing,
                "chosen": chosen,
                "fixed": fixed,
                "format_options": offered(
                    "type", MATERIAL_TYPES.options(MATERIAL_TYPES.library), key=lambda item: item[0]
                ),
                "scam_type_options": offered("scam_type", scam_types),
                "audience_options": offered("audience", audiences),
                "filter_query": query.urlencode(),
                "is_filtered": any(chosen.values()),
                **landing_meta,
            },
            template=(
                "materials/material_landing_page.html"
                if landing
                else "materials/material_index_page.html"
            ),
        )


def _chosen(request, name: str, allowed: set[str]) -> list[str]:
    """Values of a repeatable query parameter, keeping only ones that exist."""
    return [value for value in request.GET.getlist(name) if value in allowed][:20]


class HelpStepBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("what to do"))
    hotline = blocks.ChoiceBlock(
        choices=HOTLINES,
        required=False,
        label=_("number to call"),
        help_text=_("Shown as a tap-to-call button with the number from the site settings."),
    )


class SituationBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("situation"), help_text=_("As the reader would say it."))
    given = blocks.CharBlock(
        label=_("what was paid or given"),
        required=False,
        help_text=_("e.g. bank transfer, WeChat Pay or Alipay, a verification code"),
    )
    steps = blocks.ListBlock(HelpStepBlock(), label=_("steps, in order"), min_num=1)

    class Meta:
        icon = "warning"
        template = "blocks/help_situation.html"
        label = _("Situation")
        description = _("What to do in the first minutes, step by step, for one situation")
        preview_value = {
            "title": "我已经转账了",
            "given": "银行转账",
            "steps": [{"text": "立即拨打110报警，请民警协助止付。", "hotline": "emergency"}],
        }


class HelpPage(PinyinSlugMixin, CachedViewRestrictionsMixin, Page):
    """被骗了怎么办: what to do in the first minutes, by situation and by what was given."""

    intro = models.TextField(_("introduction"), blank=True)
    situations = StreamField([("situation", SituationBlock())], verbose_name=_("situations"))
    trigger_phrases = models.TextField(
        _("questions that lead here"),
        blank=True,
        help_text=_(
            "One per line, as readers type them (被骗了, 转错账, 已经转账). A search "
            "containing one of them shows this page first."
        ),
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("situations")]
    promote_panels = Page.promote_panels + [FieldPanel("trigger_phrases")]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("situations"),
    ]
    parent_page_types = ["core.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("help page (scammed?)")

    def get_meta_description(self) -> str:
        return self.search_description or self.intro

    def phrases(self) -> list[str]:
        """The trigger phrases, folded as search folds queries (core.search)."""
        folded = (fold_for_matching(line) for line in self.trigger_phrases.splitlines())
        return [phrase for phrase in folded if phrase]

    def matches(self, query: str) -> bool:
        folded = fold_for_matching(query)
        return bool(folded) and any(phrase in folded for phrase in self.phrases())


class SearchTerm(models.Model):
    """A word of the scam vocabulary: the search keeps it whole (安全账户, 屏幕共享, U盾), finds
    its synonyms with it, and, when a reader pastes a message with it, may warn "这很可能是诈骗"."""

    NO_SIGN = ""
    SIGN_ALONE = "alone"
    SIGN_PAIRED = "paired"
    SIGNAL_CHOICES = [
        (NO_SIGN, _("Not a sign of fraud by itself")),
        (SIGN_ALONE, _("A sign of fraud on its own")),
        (SIGN_PAIRED, _("A sign of fraud together with another such term")),
    ]

    term = models.CharField(_("term"), max_length=60, unique=True)
    synonyms = models.TextField(
        _("synonyms"),
        blank=True,
        help_text=_(
            "Other ways readers write it, one a line (屏幕共享 for 共享屏幕, 帐户 for 账户): "
            "a search for any of them finds pages with any other."
        ),
    )
    scam_signal = models.CharField(
        _("in a pasted message"),
        max_length=10,
        choices=SIGNAL_CHOICES,
        blank=True,
        default=NO_SIGN,
        help_text=_("Whether a message that contains it is shown the warning 这很可能是诈骗."),
    )

    panels = [FieldPanel("term"), FieldPanel("synonyms"), FieldPanel("scam_signal")]

    class Meta:
        ordering = ["term"]
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")

    def __str__(self):
        return self.term

    def synonym_list(self) -> list[str]:
        return [line.strip() for line in self.synonyms.splitlines() if line.strip()]


class RememberBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("the thing to remember"), max_length=60)
    text = blocks.TextBlock(label=_("in a sentence or two"), required=False)

    class Meta:
        icon = "pick"
        template = "blocks/remember.html"
        label = _("Thing to remember")
        description = _("One short rule a reader can keep in mind, e.g. 陌生来电不轻信")
        preview_value = {"heading": "陌生来电不轻信", "text": "自称公检法的电话，先挂断再核实。"}


LANDING_MATERIAL_TYPES = [
    "materials.PosterPage",
    "materials.VideoPage",
    "materials.GuidePage",
    "materials.CaseStudyPage",
]


def _in_active_language(model, item, fallback_locale_id):
    """ITEM (a ScamType or Audience) as the active language names it, if translated."""
    locale_id = active_locale_id() or fallback_locale_id
    options = model.options(locale_id=locale_id)
    return next((o for o in options if o.translation_key == item.translation_key), item)


class AudienceLandingPage(PinyinSlugMixin, CachedViewRestrictionsMixin, Page):
    """A landing page for one group of readers (老年人专区, 学生专区, 帮爸妈防骗): the
    things to remember, the materials to read first, the help path and the topics."""

    audience = models.ForeignKey(
        Audience,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("audience"),
        help_text=_("The readers this page is for; its library link lists their materials."),
    )
    intro = models.TextField(
        _("introduction"),
        max_length=300,
        help_text=_("One or two sentences, also used on the home page and in link previews."),
    )
    remember = StreamField(
        [("point", RememberBlock())],
        min_num=1,
        max_num=3,
        verbose_name=_("things to remember"),
        help_text=_("Up to three: fewer rules are easier to keep."),
    )
    must_reads = StreamField(
        [("material", blocks.PageChooserBlock(page_type=LANDING_MATERIAL_TYPES))],
        blank=True,
        verbose_name=_("must-read materials"),
        help_text=_("In the order readers should read them."),
    )
    scam_types = ParentalManyToManyField(
        ScamType, blank=True, verbose_name=_("topics that target these readers")
    )
    large_type = models.BooleanField(
        _("large type"),
        default=False,
        help_text=_("Show this page in large text and offer to keep large text on (elders)."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("audience"),
        FieldPanel("intro"),
        FieldPanel("remember"),
        FieldPanel("must_reads"),
        FieldPanel("scam_types", widget=forms.CheckboxSelectMultiple),
        FieldPanel("large_type"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("remember"),
    ]
    parent_page_types = ["core.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("audience landing page")
        verbose_name_plural = _("audience landing pages")

    def get_meta_description(self) -> str:
        return self.search_description or self.intro

    def clean(self):
        super().clean()
        if not 1 <= len(self.remember) <= 3:
            raise ValidationError(
                {"remember": _("Give one to three things to remember (three is best).")}
            )

    def materials(self) -> list:
        """The must-read materials, live and public, in the editor's order and in the
        reader's language where a translation exists (a translated landing page keeps
        the choices of the page it was copied from)."""
        chosen = [block.value for block in self.must_reads if block.value is not None]
        if not chosen:
            return []
        locale_id = active_locale_id() or self.locale_id
        keys = [page.translation_key for page in chosen]
        versions = exclude_private(
            Page.objects.live().filter(translation_key__in=keys, alias_of__isnull=True)
        ).values_list("pk", "translation_key", "locale_id")
        best: dict = {}
        for pk, key, version_locale in versions:
            if key not in best or version_locale == locale_id:
                best[key] = pk
        ordered = [best[key] for key in dict.fromkeys(keys) if key in best]
        pages = MATERIAL_TYPES.with_card_fields(Page.objects.filter(pk__in=ordered))
        by_pk = {page.pk: page for page in MATERIAL_TYPES.attach_card_images(pages)}
        return [by_pk[pk] for pk in ordered if pk in by_pk]

    def topics(self) -> list:
        """The chosen scam types, named in the reader's language where they are translated."""
        chosen = list(self.scam_types.all())
        return [_in_active_language(ScamType, item, self.locale_id) for item in chosen]

    def audience_here(self):
        """The audience in the reader's language where it is translated."""
        return _in_active_language(Audience, self.audience, self.locale_id)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["must_reads"] = self.materials()
        context["topics"] = self.topics()
        context["landing_audience"] = self.audience_here()
        context["help_page"] = HelpPage.objects.live().filter(locale_id=self.locale_id).first()
        return context


class InformationPage(PinyinSlugMixin, CachedViewRestrictionsMixin, Page):
    """About the site, contact details, the privacy notice: text an editor keeps current.
    Pages with "show in menus" ticked are linked from every page's footer."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(ArticleStreamBlock(), verbose_name=_("body"))
    last_reviewed = models.DateField(_("last reviewed"), default=datetime.date.today)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("last_reviewed"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["core.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("information page (about, contact, privacy)")
        verbose_name_plural = _("information pages")

    def get_meta_description(self) -> str:
        return self.search_description or self.intro


class Feedback(models.Model):
    """A reader's anonymous "was this helpful?" answer. Stores no personal data."""

    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+", verbose_name=_("page")
    )
    helpful = models.BooleanField(_("helpful"))
    comment = models.TextField(_("comment"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("reader feedback")
        verbose_name_plural = _("reader feedback")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.page_title}: {self.get_helpful_display()}"

    def get_helpful_display(self) -> str:
        return str(_("Yes") if self.helpful else _("No"))

    @property
    def page_title(self) -> str:
        return self.page.title

    @property
    def page_url(self) -> str:
        return self.page.full_url or ""


# Every kind of material, declared once: the library's filters, its API, search, the
# cards' labels and images and the admin's review report all read this. A new page type
# is added here (and to MaterialIndexPage.subpage_types if the library holds it).
MATERIAL_TYPES = MaterialTypes(
    MaterialType("poster", PosterPage, _("Poster"), image_field="image", whole_image=True),
    MaterialType("video", VideoPage, _("Video")),
    MaterialType("guide", GuidePage, _("Guide")),
    MaterialType("case", CaseStudyPage, _("Case study")),
    MaterialType("alert", AlertPage, _("Alert"), image_field=None, in_library=False),
)


class AlertSubscriber(models.Model):
    """An e-mail address that asked for alerts (double opt-in). Stored for nothing else;
    the reader can delete it from any alert e-mail (subscriptions.py)."""

    email = models.EmailField(_("e-mail address"), unique=True)
    audience = models.SlugField(
        _("audience"),
        max_length=80,
        blank=True,
        help_text=_("The slug of an audience; empty means every alert."),
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(_("asked on"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed on"), null=True, blank=True, db_index=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("alert subscriber")
        verbose_name_plural = _("alert subscribers")
        ordering = ["-created_at"]

    def __str__(self):
        return self.email

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class AlertDelivery(models.Model):
    """One alert sent to one subscriber: the row is claimed before the mail is sent, so a
    retried or doubled task never sends an alert to anyone twice."""

    alert = models.ForeignKey(AlertPage, on_delete=models.CASCADE, related_name="+")
    subscriber = models.ForeignKey(AlertSubscriber, on_delete=models.CASCADE, related_name="+")
    run = models.UUIDField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("alert e-mail")
        verbose_name_plural = _("alert e-mails")
        constraints = [
            models.UniqueConstraint(fields=["alert", "subscriber"], name="one_alert_mail_each")
        ]

    def __str__(self):
        return f"{self.alert_id} → {self.subscriber_id}"


# --- Playlists for the public-education screens of lobbies and markets --------------------
# The page types a playlist item may show (an alert shows as a slide: title and summary).
PLAYLIST_PAGE_TYPES = ["materials.VideoPage", "materials.PosterPage", "materials.AlertPage"]
# A poster, alert or slide stays this long unless the editor says otherwise.
DEFAULT_ITEM_SECONDS = 15


class Playlist(ClusterableModel):
    """What the screens of bank lobbies, markets and stations play, in a loop: published
    videos and posters, alerts and short slides, each for a number of seconds. It can be
    limited to a period and to hours of the day (Beijing time), and aimed at audiences.
    Teams choose one for each of their screens (campaigns.screens)."""

    name = models.CharField(_("name"), max_length=120)
    start_date = models.DateField(
        _("first day"), null=True, blank=True, help_text=_("Leave empty to start at once.")
    )
    end_date = models.DateField(
        _("last day"), null=True, blank=True, help_text=_("Leave empty to run until changed.")
    )
    start_hour = models.PositiveSmallIntegerField(
        _("from (hour)"),
        default=0,
        validators=[MaxValueValidator(23)],
        help_text=_("Hour of the day (0–23, Beijing time) the screens start playing it."),
    )
    end_hour = models.PositiveSmallIntegerField(
        _("until (hour)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text=_("Hour of the day (1–24) the screens stop; 24 is midnight."),
    )
    audiences = ParentalManyToManyField(
        Audience, blank=True, related_name="+", verbose_name=_("target audiences")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    base_form_class = PlaylistForm
    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")], heading=_("Period")),
        FieldRowPanel(
            [FieldPanel("start_hour"), FieldPanel("end_hour")], heading=_("Hours of the day")
        ),
        FieldPanel("audiences", widget=forms.CheckboxSelectMultiple),
        InlinePanel("items", heading=_("Items, in the order they play"), label=_("item")),
    ]

    class Meta:
        verbose_name = _("screen playlist")
        verbose_name_plural = _("screen playlists")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_hour__gt=F("start_hour")), name="playlist_hours_in_order"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The last day cannot be before the first.")
        if self.end_hour is not None and self.start_hour is not None:
            if self.end_hour <= self.start_hour:
                errors["end_hour"] = _("The screens must stop after they start.")
        if errors:
            raise ValidationError(errors)


class PlaylistItem(Orderable):
    """One thing a playlist shows: a published video, poster or alert, or a slide (a
    title, one line of advice and the site's hotline)."""

    playlist = ParentalKey(Playlist, on_delete=models.CASCADE, related_name="items")
    page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("video, poster or alert"),
        help_text=_("Leave empty for a slide."),
    )
    title = models.CharField(
        _("slide title"), max_length=40, blank=True, help_text=_("For a slide only.")
    )
    advice = models.CharField(
        _("advice"),
        max_length=80,
        blank=True,
        help_text=_("One line, e.g. “Never share your screen with a stranger.”"),
    )
    duration_seconds = models.PositiveIntegerField(
        _("seconds on screen"),
        null=True,
        blank=True,
        validators=[MinValueValidator(3), MaxValueValidator(600)],
        help_text=_("Leave empty: a video plays to its end, anything else 15 seconds."),
    )

    panels = [
        PageChooserPanel("page", PLAYLIST_PAGE_TYPES),
        FieldRowPanel([FieldPanel("title"), FieldPanel("advice")]),
        FieldPanel("duration_seconds"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("playlist item")
        verbose_name_plural = _("playlist items")

    def __str__(self):
        return self.title or (self.page.title if self.page_id else str(self.pk))

    def clean(self):
        if not self.page_id and not self.title.strip():
            raise ValidationError(
                {"title": _("Choose a video, poster or alert, or give the slide a title.")}
            )
        if self.page_id and self.title.strip():
            raise ValidationError(
                {"title": _("A slide has no page: leave the title empty or the page empty.")}
            )
        if self.page_id and not isinstance(self.page.specific, (VideoPage, PosterPage, AlertPage)):
            raise ValidationError({"page": _("Choose a video, a poster or an alert.")})
