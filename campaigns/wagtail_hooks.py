from django.db import models
from django.forms import Media
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.models import ModelLogEntry

from . import followup, followup_views, history, permissions, places, selectors, views
from .bulk_actions import BULK_ACTIONS
from .viewsets import CampaignsViewSetGroup


@hooks.register("register_admin_viewset")
def register_viewsets():
    return CampaignsViewSetGroup()


for action_class in BULK_ACTIONS:
    hooks.register("register_bulk_action", action_class)


@hooks.register("register_admin_urls")
def register_urls():
    return [
        path("campaigns/reach/", views.reach_dashboard, name="campaigns_reach"),
        path("campaigns/reach/print/", views.reach_dashboard_print, name="campaigns_reach_print"),
        path(
            "campaigns/reach/export.xlsx",
            views.reach_dashboard_export,
            name="campaigns_reach_export",
        ),
        path("campaigns/big-screen/", views.big_screen, name="campaigns_big_screen"),
        path(
            "campaigns/completeness/",
            followup_views.completeness_view,
            name="campaigns_completeness",
        ),
        path(
            "campaigns/links/<int:pk>/qr.<str:fmt>", views.tracked_link_qr, name="campaigns_link_qr"
        ),
        path("campaigns/evidence/<path:name>", views.evidence_photo, name="campaigns_evidence"),
    ]


class CampaignRoleMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.has_campaign_role(request.user)


@hooks.register("register_admin_menu_item")
def register_reach_menu_item():
    return CampaignRoleMenuItem(
        _("Reach"), reverse("campaigns_reach"), icon_name="doc-full", order=140
    )


class CompletenessMenuItem(MenuItem):
    def is_shown(self, request):
        return followup.can_see_completeness(request.user)


@hooks.register("register_admin_menu_item")
def register_completeness_menu_item():
    return CompletenessMenuItem(
        _("Reporting completeness"),
        reverse("campaigns_completeness"),
        icon_name="tasks",
        order=141,
    )


class ReachSummaryPanel:
    """The admin home's summary: headline reach and events waiting for the user."""

    name = "campaign_reach"
    order = 50

    def __init__(self, request):
        self.request = request

    def render_html(self, parent_context=None):
        user = self.request.user
        if not permissions.has_campaign_role(user):
            return ""
        report = selectors.reach_report(user=user)
        return render_to_string(
            "campaigns/admin/home_panel.html",
            {
                "totals": report["totals"],
                "pending": selectors.pending_events(user=user),
                "returned": permissions.visible_events(user)
                .filter(status="returned", created_by=user)
                .select_related("venue")[:5],
                "follow_up": followup.lead_counts(user=user)
                if followup.can_see_completeness(user)
                else None,
            },
            request=self.request,
        )

    @property
    def media(self):
        return Media()


@hooks.register("construct_homepage_panels")
def add_reach_panel(request, panels):
    panels.append(ReachSummaryPanel(request))


@hooks.register("register_log_actions")
def register_log_actions(actions):
    for action, formatter in history.FORMATTERS.items():
        actions.register_action(action)(formatter)
    actions.register_action(places.MERGE)(places.VenueMergedFormatter)


@hooks.register("register_log_actions", order=100)  # after Wagtail's own registration
def register_scoped_log_entries(actions):
    """Non-page objects' log entries are read through history.AuditLogEntry (the same
    table), whose viewable_by_user adds the team scoping to Wagtail's permission rule."""
    actions.register_model(models.Model, history.AuditLogEntry)
    actions.log_entry_models.discard(ModelLogEntry)
