"""The "Translation status" report: every material's English state, in one query.

A Chinese material's English version is

- **missing** when no live English page shares its translation key;
- **out of date** when, with wagtail-localize's TranslationSource (the frozen copy of the
  Chinese page the translator works from):
  * the Chinese page was published after the source was last synced ("Sync translated
    pages" not yet run), or
  * the source was synced after the English page was last published, or
  * a text segment of the source has no English translation (a sync that added or changed
    segments, even when the sync republished the English page with Chinese fallbacks);
  without a source (an English page made another way), when the Chinese page was published
  after the English one;
- **up to date** otherwise.

Publishing the Chinese page again without a change counts as a change: revisions are
compared by time, not content. The "what changed" link opens Wagtail's revision compare of
the Chinese page between the revision the translation was made from (the latest revision
saved by the time of the last sync, or of the English publish without a source) and the
live one.
"""

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.models import Locale, Page, Revision
from wagtail.permissions import page_permission_policy
from wagtail_localize.models import StringSegment, StringTranslation, TranslationSource
from wagtail_localize.views.report import TranslationsReportView as LocalizeLogView

from core.spreadsheets import FormulaSafeExportMixin

from .models import MATERIAL_TYPES

MISSING, OUT_OF_DATE, UP_TO_DATE = "missing", "out_of_date", "up_to_date"
STATE_CHOICES = [
    (MISSING, _("English version missing")),
    (OUT_OF_DATE, _("Out of date")),
    (UP_TO_DATE, _("Up to date")),
]
STATE_LABELS = dict(STATE_CHOICES)


def with_translation_state(pages, *, target: Locale):
    """PAGES (Chinese materials) annotated with their TARGET-locale version: `target_id`,
    `target_live`, `target_published_at`, `synced_at` (the TranslationSource's last sync),
    `untranslated` (a source segment without a translation), `state` and
    `changed_since_revision_id` (the source revision the translation was made from).
    Subqueries only: one SQL statement for any number of pages."""
    target_pages = Page.objects.filter(
        translation_key=OuterRef("translation_key"), locale_id=target.pk
    )
    source = TranslationSource.objects.filter(
        object_id=OuterRef("translation_key"), locale_id=OuterRef("locale_id")
    )
    missing_string = (
        StringSegment.objects.filter(
            source__object_id=OuterRef("translation_key"),
            source__locale_id=OuterRef("locale_id"),
        )
        .exclude(context__path="slug")  # an English slug may stay the Chinese page's
        .exclude(
            Exists(
                StringTranslation.objects.filter(
                    translation_of_id=OuterRef("string_id"),
                    context_id=OuterRef("context_id"),
                    locale_id=target.pk,
                    has_error=False,
                )
            )
        )
    )
    pages = pages.annotate(
        target_id=Subquery(target_pages.values("pk")[:1]),
        target_live=Subquery(target_pages.values("live")[:1]),
        target_published_at=Subquery(target_pages.values("last_published_at")[:1]),
        synced_at=Subquery(source.values("last_updated_at")[:1]),
        untranslated=Exists(missing_string),
    )
    out_of_date = Q(synced_at__isnull=False) & (
        Q(last_published_at__gt=F("synced_at"))
        | Q(target_published_at__lt=F("synced_at"))
        | Q(untranslated=True)
    )
    out_of_date |= Q(synced_at__isnull=True, last_published_at__gt=F("target_published_at"))
    pages = pages.annotate(
        state=Case(
            When(Q(target_id__isnull=True) | ~Q(target_live=True), then=Value(MISSING)),
            When(out_of_date, then=Value(OUT_OF_DATE)),
            default=Value(UP_TO_DATE),
            output_field=CharField(),
        ),
    )
    translated_revision = Revision.page_revisions.filter(
        object_id=Cast(OuterRef("pk"), CharField()),
        created_at__lte=Coalesce(OuterRef("synced_at"), OuterRef("target_published_at")),
    ).order_by("-created_at", "-pk")
    return pages.annotate(changed_since_revision_id=Subquery(translated_revision.values("pk")[:1]))


def material_content_types() -> dict[str, ContentType]:
    return {
        item.key: ContentType.objects.get_for_model(item.model, for_concrete_model=False)
        for item in MATERIAL_TYPES
    }


class TranslationStatusFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(
        label=_("English version"), choices=STATE_CHOICES, field_name="state"
    )
    type = django_filters.ChoiceFilter(
        label=_("Type"), choices=MATERIAL_TYPES.options(), method="filter_type"
    )

    class Meta:
        model = Page
        fields = []

    def filter_type(self, queryset, name, value):
        return queryset.filter(content_type=material_content_types()[value])


class TranslationStatusColumn(Column):
    cell_template_name = "materials/admin/translation_state_cell.html"


class TranslationReportView(FormulaSafeExportMixin, ReportView):
    """Chinese materials and alerts with the state of their English version."""

    page_title = _("Translation status")
    header_icon = "wagtail-localize-language"
    index_url_name = "materials_translation_status"
    index_results_url_name = "materials_translation_status_results"
    filterset_class = TranslationStatusFilterSet
    permission_policy = page_permission_policy
    any_permission_required = ["add", "change", "publish"]
    list_export = [
        "title",
        "type_label",
        "state_label",
        "english_title",
        "last_published_at",
        "target_published_at",
        "synced_at",
    ]
    export_headings = {
        "title": _("Title"),
        "type_label": _("Type"),
        "state_label": _("English version"),
        "english_title": _("English title"),
        "last_published_at": _("Chinese published"),
        "target_published_at": _("English published"),
        "synced_at": _("Last synced"),
    }
    export_filename = "translation-status"
    columns = [
        TitleColumn(
            "title",
            label=_("Title"),
            get_url=lambda page: reverse("wagtailadmin_pages:edit", args=[page.pk]),
        ),
        Column("type_label", label=_("Type")),
        TranslationStatusColumn("state_label", label=_("English version")),
        DateColumn("last_published_at", label=_("Chinese published")),
        DateColumn("target_published_at", label=_("English published")),
    ]

    def get_queryset(self):
        source_locale = Locale.get_default()
        self.target_locale = Locale.objects.exclude(pk=source_locale.pk).first()
        pages = (
            Page.objects.filter(
                content_type__in=list(material_content_types().values()),
                locale=source_locale,
            )
            .select_related("content_type")
            .order_by("-last_published_at", "title")
        )
        if self.target_locale is None:
            return pages.none()
        return with_translation_state(pages, target=self.target_locale)

    def decorate_paginated_queryset(self, object_list):
        """Labels, the English titles (one query for the page or export) and links."""
        rows = list(object_list)
        english = dict(
            Page.objects.filter(
                pk__in=[row.target_id for row in rows if row.target_id]
            ).values_list("pk", "title")
        )
        types = {ct.pk: MATERIAL_TYPES.by_key[key] for key, ct in material_content_types().items()}
        for row in rows:
            row.type_label = types[row.content_type_id].label
            row.state_label = STATE_LABELS[row.state]
            row.state_classname = "" if row.state == UP_TO_DATE else "w-status--primary"
            row.english_title = english.get(row.target_id, "")
            row.translate_url = self.translate_url(row)
            row.changes_url = self.changes_url(row)
        return rows

    @staticmethod
    def translate_url(row) -> str:
        if row.target_id:
            return reverse("wagtailadmin_pages:edit", args=[row.target_id])
        return reverse("wagtail_localize:submit_page_translation", args=[row.pk])

    @staticmethod
    def changes_url(row) -> str:
        if row.state != OUT_OF_DATE or not row.changed_since_revision_id:
            return ""
        return reverse(
            "wagtailadmin_pages:revisions_compare",
            args=[row.pk, row.changed_since_revision_id, "live"],
        )


class TranslationReportMenuItem(MenuItem):
    """Shown to those who may open the report: anyone with a page permission."""

    def is_shown(self, request):
        return TranslationReportView.permission_policy.user_has_any_permission(
            request.user, TranslationReportView.any_permission_required
        )


def without_localize_report_for_non_editors(request, menu_items):
    """wagtail-localize's own "Translations" log shows in everyone's Reports menu; keep it
    for those who edit pages (campaign roles have no business there)."""
    if TranslationReportMenuItem("", "").is_shown(request):
        return
    menu_items[:] = [item for item in menu_items if "/localize/reports/" not in item.url]


class GuardedLocalizeLogView(LocalizeLogView):
    """wagtail-localize's log of translations (page titles of drafts included) checks no
    permission; this one asks for a page permission, as the report above does. Registered
    at the same address by a register_admin_urls hook ordered before wagtail-localize's."""

    permission_policy = page_permission_policy
    any_permission_required = ["add", "change", "publish"]
