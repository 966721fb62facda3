"""Campaign screens in the Wagtail admin. Every view scopes its queryset to the user's
teams (campaigns.permissions), so a typed URL to another team's event is a 404."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin import messages
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button

from . import permissions, services
from .forms import OutreachEventForm, ReviewForm
from .models import Campaign, EventStatus, OutreachEvent, Team, TrackedLink, Venue


class ScopedEventMixin:
    """Only events of the user's teams exist for this view."""

    def get_base_queryset(self):
        return permissions.events_visible_to(self.request.user).select_related(
            "venue", "team", "campaign"
        )

    def get_object(self, queryset=None):
        return get_object_or_404(
            permissions.events_visible_to(self.request.user), pk=self.kwargs[self.pk_url_kwarg]
        )


class EventIndexView(ScopedEventMixin, generic.IndexView):
    @cached_property
    def header_more_buttons(self):
        """Export what the list shows (current filters), round-trippable through import."""
        buttons = super().header_more_buttons
        query = self.request.GET.copy()
        query.pop("p", None)
        base = reverse("campaigns_events:export")
        for label, params in (
            (_("Download CSV (中文表头)"), {"file": "csv", "headers": "zh"}),
            (_("Download XLSX (中文表头)"), {"file": "xlsx", "headers": "zh"}),
            (_("Download CSV (English headers)"), {"file": "csv", "headers": "en"}),
        ):
            query.update(params)
            buttons.append(Button(label, url=f"{base}?{query.urlencode()}", icon_name="download"))
        buttons.append(
            Button(
                _("Import a spreadsheet"),
                url=reverse("campaigns_events:import"),
                icon_name="upload",
            )
        )
        return buttons


class EventCreateView(generic.CreateView):
    def save_instance(self):
        event = self.form.save(commit=False)
        event.created_by = self.request.user
        event.status = EventStatus.DRAFT
        event.save()
        return event


class EventEditView(ScopedEventMixin, generic.EditView):
    template_name = "campaigns/admin/event_edit.html"

    def get_object(self, queryset=None):
        event = super().get_object(queryset)
        if self.request.method == "POST" and not permissions.can_edit_event(
            self.request.user, event
        ):
            raise PermissionDenied
        return event

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, event = self.request.user, self.object
        context.update(
            {
                "can_edit": permissions.can_edit_event(user, event),
                "can_submit": permissions.can_submit_event(user, event),
                "can_review": permissions.can_review_event(user, event),
                "review_form": ReviewForm(),
            }
        )
        return context


class EventDeleteView(ScopedEventMixin, generic.DeleteView):
    def get_object(self, queryset=None):
        event = super().get_object(queryset)
        if not permissions.can_delete_event(self.request.user, event):
            raise PermissionDenied
        return event


class EventInspectView(ScopedEventMixin, generic.InspectView):
    pass


class EventHistoryView(ScopedEventMixin, generic.HistoryView):
    pass


class EventUsageView(ScopedEventMixin, generic.UsageView):
    pass


def _scoped_event(request, pk):
    return get_object_or_404(permissions.events_visible_to(request.user), pk=pk)


def submit_event_view(request, pk):
    event = _scoped_event(request, pk)
    if request.method != "POST":
        return redirect("campaigns_events:edit", pk)
    try:
        services.submit_event(event=event, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("campaigns_events:edit", pk)
    messages.success(request, _("Submitted for approval: %(event)s") % {"event": event})
    return redirect("campaigns_events:index")


def review_event_view(request, pk, decision):
    event = _scoped_event(request, pk)
    if not permissions.can_review_event(request.user, event):
        raise PermissionDenied
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = services.approve_event if decision == "approve" else services.return_event
        try:
            action(event=event, user=request.user, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            for message in error.messages:
                form.add_error("comment", message)
        else:
            done = _("Approved: %(event)s") if decision == "approve" else _("Returned: %(event)s")
            messages.success(request, done % {"event": event})
            return redirect("campaigns_events:index")
    return TemplateResponse(
        request,
        "campaigns/admin/event_review.html",
        {
            "event": event,
            "form": form,
            "decision": decision,
            "page_title": _("Approve event") if decision == "approve" else _("Return event"),
        },
    )


def export_events_view(request):
    """CSV or XLSX of the events the user can see, narrowed by the list's filters."""
    from django.http import HttpResponse

    from .exporting import events_to_csv, events_to_xlsx
    from .resources import OutreachEventResource

    if not permissions.has_campaign_role(request.user):
        raise PermissionDenied
    events = permissions.events_visible_to(request.user).select_related("campaign", "team", "venue")
    for name in ("status", "format", "campaign", "team"):
        values = [v for v in request.GET.getlist(name) if v]
        if values:
            try:
                events = events.filter(**{f"{name}__in": values})  # bad ids raise here
            except (ValueError, ValidationError):
                events = events.none()
    resource = OutreachEventResource(chinese_headers=request.GET.get("headers") != "en")
    dataset = resource.export(queryset=events.order_by("starts_at"))
    if request.GET.get("file") == "xlsx":
        content, kind, ext = (
            events_to_xlsx(dataset),
            ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            "xlsx",
        )
    else:
        content, kind, ext = events_to_csv(dataset), "text/csv; charset=utf-8", "csv"
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="outreach-events.{ext}"'
    return response


def import_events_view(request):
    """Upload → preview (a dry run listing every problem) → confirm."""
    from .importing_views import import_view

    return import_view(request)


def import_job_status_view(request, pk):
    from .importing_views import import_job_view

    return import_job_view(request, pk)


EVENT_PANELS = [
    MultiFieldPanel(
        [
            FieldRowPanel([FieldPanel("campaign"), FieldPanel("team")]),
            FieldPanel("venue"),
            FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
            FieldPanel("format"),
        ],
        heading=_("When and where"),
    ),
    MultiFieldPanel(
        [
            FieldRowPanel([FieldPanel("attendance"), FieldPanel("attendance_method")]),
            FieldRowPanel(
                [FieldPanel("elders"), FieldPanel("students"), FieldPanel("general_public")]
            ),
            FieldRowPanel([FieldPanel("materials_distributed"), FieldPanel("videos_screened")]),
            FieldRowPanel(
                [
                    FieldPanel("help_requests"),
                    FieldPanel("warnings"),
                    FieldPanel("money_protected_yuan"),
                ]
            ),
        ],
        heading=_("Reach"),
    ),
    InlinePanel("material_lines", heading=_("Materials handed out"), label=_("material")),
    MultiFieldPanel(
        [
            FieldRowPanel([FieldPanel("staff_count"), FieldPanel("partners")]),
            FieldPanel("notes"),
            FieldPanel("external_id"),
        ],
        heading=_("Team and notes"),
    ),
    InlinePanel("photos", heading=_("Photos (evidence)"), label=_("photo")),
]


class OutreachEventViewSet(ModelViewSet):
    model = OutreachEvent
    icon = "date"
    menu_label = _("Outreach events")
    url_prefix = "campaigns/events"
    name = "campaigns_events"
    panels = EVENT_PANELS
    form_fields = None
    list_display = [
        "venue",
        DateColumn("starts_at", label=_("Date")),
        Column("team", label=_("Team")),
        Column("get_format_display", label=pgettext_lazy("outreach event", "Format")),
        Column("attendance", label=_("People reached")),
        Column("get_status_display", label=_("Status")),
    ]
    list_filter = ["status", "format", "campaign", "team"]
    search_fields = ["venue__name", "notes", "external_id"]
    index_view_class = EventIndexView
    add_view_class = EventCreateView
    edit_view_class = EventEditView
    delete_view_class = EventDeleteView
    inspect_view_class = EventInspectView
    history_view_class = EventHistoryView
    usage_view_class = EventUsageView
    inspect_view_enabled = True
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        form_class = super().get_form_class(for_update)
        return type("EventForm", (OutreachEventForm, form_class), {})

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("<int:pk>/submit/", submit_event_view, name="submit"),
            path("<int:pk>/approve/", review_event_view, {"decision": "approve"}, name="approve"),
            path("<int:pk>/return/", review_event_view, {"decision": "return"}, name="return"),
            path("export/", export_events_view, name="export"),
            path("import/", import_events_view, name="import"),
            path("import/<int:pk>/", import_job_status_view, name="import_job"),
        ]


class CampaignViewSet(ModelViewSet):
    model = Campaign
    icon = "flag"
    menu_label = _("Campaigns")
    url_prefix = "campaigns/campaigns"
    name = "campaigns_campaigns"
    form_fields = [
        "name",
        "slug",
        "start_date",
        "end_date",
        "description",
        "teams",
        "scam_types",
        "audiences",
        "target_events",
        "target_people",
        "target_materials",
        "budget_yuan",
    ]
    list_display = [
        "name",
        DateColumn("start_date", label=_("Start")),
        DateColumn("end_date", label=_("End")),
    ]
    inspect_view_enabled = True


class TeamViewSet(ModelViewSet):
    model = Team
    icon = "group"
    menu_label = _("Teams")
    url_prefix = "campaigns/teams"
    name = "campaigns_teams"
    form_fields = ["name", "district", "lead", "members"]
    list_display = ["name", "district", "lead"]


class VenueViewSet(ModelViewSet):
    model = Venue
    icon = "site"
    menu_label = _("Venues")
    url_prefix = "campaigns/venues"
    name = "campaigns_venues"
    form_fields = ["name", "venue_type", "district", "address", "latitude", "longitude"]
    list_display = ["name", "venue_type", "district"]
    list_filter = ["venue_type", "district"]
    search_fields = ["name", "address"]


class TrackedLinkViewSet(ModelViewSet):
    model = TrackedLink
    icon = "link"
    menu_label = _("Tracked links")
    url_prefix = "campaigns/links"
    name = "campaigns_links"
    form_fields = ["label", "campaign", "event", "target", "is_active"]
    list_display = [
        "label",
        "code",
        "campaign",
        "target",
        "is_active",
        Column("qr_downloads", label=_("QR code")),
    ]
    list_filter = ["campaign", "is_active"]


class CampaignsViewSetGroup(ViewSetGroup):
    menu_label = _("Campaigns")
    menu_icon = "flag"
    menu_order = 150
    items = (OutreachEventViewSet, CampaignViewSet, TeamViewSet, VenueViewSet, TrackedLinkViewSet)
