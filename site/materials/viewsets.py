"""Admin screens for materials: taxonomies, reader feedback, the review-due report and the
alert subscribers (counts for editors, addresses for site managers)."""

import datetime

from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.views.reports import PageReportView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import page_permission_policy
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet

from core.spreadsheets import FormulaSafeExportMixin

from . import subscriptions
from .models import (
    MATERIAL_TYPES,
    AlertSubscriber,
    Audience,
    Feedback,
    Playlist,
    ScamType,
    SearchTerm,
)

REVIEW_INTERVAL = datetime.timedelta(days=365)


class ScamTypeViewSet(SnippetViewSet):
    model = ScamType
    icon = "warning"
    menu_label = _("Scam types")
    list_display = ["name", "slug", "locale"]
    search_fields = ["name"]


class AudienceViewSet(SnippetViewSet):
    model = Audience
    icon = "group"
    menu_label = _("Audiences")
    list_display = ["name", "slug", "locale"]


class SearchTermViewSet(SnippetViewSet):
    """The scam vocabulary of the public search (materials.search)."""

    model = SearchTerm
    icon = "search"
    menu_label = _("Search terms")
    list_display = ["term", "synonyms", "scam_signal"]
    search_fields = ["term", "synonyms"]


class TaxonomyViewSetGroup(ViewSetGroup):
    items = (ScamTypeViewSet, AudienceViewSet, SearchTermViewSet)
    menu_icon = "tag"
    menu_label = _("Topics")
    menu_order = 250


class ItemCountColumn(Column):
    def get_value(self, instance):
        return instance.items.count()


class PlaylistViewSet(SnippetViewSet):
    """Playlists for the public-education screens (materials.playlists): editors build
    them; campaign teams choose one for each screen."""

    model = Playlist
    icon = "media"
    menu_label = _("Screen playlists")
    menu_order = 255
    add_to_admin_menu = True
    list_display = [
        "name",
        ItemCountColumn("items", label=_("Items")),
        DateColumn("start_date", label=_("First day")),
        DateColumn("end_date", label=_("Last day")),
        DateColumn("updated_at", label=_("Updated")),
    ]
    search_fields = ["name"]
    copy_view_enabled = True


class FeedbackIndexView(FormulaSafeExportMixin, IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("page")


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Records that come from the public: they can be read and deleted, never written."""

    def user_has_permission(self, user, action):
        return action not in {"add", "change"} and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class FeedbackViewSet(SnippetViewSet):
    """Readers' answers: editors read and export them; nobody adds or edits one here."""

    model = Feedback
    icon = "comment"
    menu_label = _("Reader feedback")
    menu_order = 260
    add_to_admin_menu = True
    index_view_class = FeedbackIndexView
    inspect_view_enabled = True
    list_display = [
        Column("page", label=_("Page")),
        BooleanColumn("helpful", label=_("Helpful")),
        Column("comment", label=_("Comment")),
        DateColumn("created_at", label=_("Received")),
    ]
    list_filter = ["helpful", "language"]
    list_export = ["page_title", "page_url", "helpful", "comment", "language", "created_at"]
    export_headings = {"page_title": _("Page"), "page_url": _("Address")}
    export_filename = "reader-feedback"
    ordering = ["-created_at"]
    copy_view_enabled = False

    @cached_property
    def permission_policy(self):
        return ReadOnlyPermissionPolicy(self.model)


def _last_reviewed_expression():
    """Each material's review date, read from whichever page-type table holds it."""
    return Coalesce(
        *[
            Subquery(model.objects.filter(pk=OuterRef("pk")).values("last_reviewed")[:1])
            for model in MATERIAL_TYPES.models
        ]
    )


class ReviewDueReportView(FormulaSafeExportMixin, PageReportView):
    """Materials not reviewed for twelve months, oldest first."""

    page_title = _("Materials due for review")
    header_icon = "time"
    index_url_name = "materials_review_due"
    index_results_url_name = "materials_review_due_results"
    results_template_name = "materials/admin/review_due_results.html"
    any_permission_required = ["add", "change", "publish"]
    list_export = ["title", "last_reviewed", "status_string", "locale.language_code", "full_url"]
    export_headings = {
        "last_reviewed": _("Last reviewed"),
        "status_string": _("Status"),
        "locale.language_code": _("Language"),
        "full_url": _("Address"),
    }

    def get_queryset(self):
        cutoff = timezone.localdate() - REVIEW_INTERVAL
        is_material = Q()
        for model in MATERIAL_TYPES.models:
            is_material |= Q(pk__in=model.objects.values("pk"))
        self.queryset = (
            page_permission_policy.instances_user_has_any_permission_for(
                self.request.user, ["change", "publish"]
            )
            .filter(is_material)
            .annotate(last_reviewed=_last_reviewed_expression())
            .filter(last_reviewed__lt=cutoff)
            .select_related("content_type", "locale")
            .order_by("last_reviewed", "title")
        )
        return super().get_queryset()


class AlertSubscriberViewSet(SnippetViewSet):
    """The addresses themselves: for superusers and 站点管理员 (view and delete only, given
    by migration 0007); editors see the counts report instead."""

    model = AlertSubscriber
    icon = "mail"
    menu_label = _("Alert subscribers")
    list_display = ["email", "audience", "language", "confirmed_at", "unsubscribed_at"]
    list_filter = ["language", "audience"]
    search_fields = ["email"]
    ordering = ["-created_at"]
    copy_view_enabled = False

    @cached_property
    def permission_policy(self):
        return ReadOnlyPermissionPolicy(self.model)


def alert_subscriber_counts_view(request):
    """预警邮件订阅: how many addresses receive alerts, by audience; never an address."""
    language = translation.get_language()
    can_see_addresses = request.user.has_perm("materials.view_alertsubscriber")
    return TemplateResponse(
        request,
        "materials/admin/alert_subscribers.html",
        {
            "page_title": _("Alert e-mail subscriptions"),
            "rows": subscriptions.subscriber_counts(language=language),
            "can_see_addresses": can_see_addresses,
        },
    )
