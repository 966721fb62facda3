from urllib.parse import urlsplit

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .viewsets import UnfinishedDraftsMenuItem, UnfinishedDraftsReportView


@hooks.register("register_admin_urls")
def register_unfinished_drafts_urls():
    return [
        path(
            "reports/unfinished-drafts/",
            UnfinishedDraftsReportView.as_view(),
            name="core_unfinished_drafts",
        ),
        path(
            "reports/unfinished-drafts/results/",
            UnfinishedDraftsReportView.as_view(results_only=True),
            name="core_unfinished_drafts_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_unfinished_drafts_menu_item():
    return UnfinishedDraftsMenuItem(
        _("Unfinished drafts"),
        reverse("core_unfinished_drafts"),
        name="core-unfinished-drafts",
        icon_name="doc-empty",
        order=1140,
    )


@hooks.register("construct_help_menu")
def keep_help_on_this_site(request, menu_items):
    """Wagtail's "What's new" and "Editor Guide" open guide.wagtail.org: English only (no
    Chinese edition exists), and slow or unreachable from mainland China."""
    menu_items[:] = [item for item in menu_items if not urlsplit(item.url or "").netloc]
