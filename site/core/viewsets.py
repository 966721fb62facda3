"""Admin screens of core: the unfinished drafts report."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.reports import PageReportView
from wagtail.permissions import page_permission_policy

from .drafts import UNFINISHED_AFTER_DAYS, unfinished_drafts
from .spreadsheets import FormulaSafeExportMixin

PAGE_WRITERS = ["add", "change", "publish"]


class UnfinishedDraftsReportView(FormulaSafeExportMixin, PageReportView):
    """Pages started and left before their first publish (core.drafts), for editors to
    open and finish or delete."""

    page_title = _("Unfinished drafts")
    header_icon = "doc-empty"
    index_url_name = "core_unfinished_drafts"
    index_results_url_name = "core_unfinished_drafts_results"
    results_template_name = "core/admin/unfinished_drafts_results.html"
    any_permission_required = PAGE_WRITERS
    list_export = ["title", "latest_revision_created_at", "owner", "url_path"]
    export_headings = {
        "latest_revision_created_at": _("Last edited"),
        "owner": _("Owner"),
        "url_path": _("Location"),
    }

    def get_queryset(self):
        user = self.request.user
        editable = page_permission_policy.instances_user_has_any_permission_for(
            user, ["change", "publish"]
        )
        self.queryset = (
            unfinished_drafts()
            .filter(Q(pk__in=editable.values("pk")) | Q(owner=user))
            .select_related("content_type", "locale", "owner")
        )
        return super().get_queryset()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["unfinished_after_days"] = UNFINISHED_AFTER_DAYS
        return context


class UnfinishedDraftsMenuItem(MenuItem):
    def is_shown(self, request):
        return page_permission_policy.user_has_any_permission(request.user, PAGE_WRITERS)
