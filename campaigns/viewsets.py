"""Campaign screens in the Wagtail admin. Every view scopes its queryset to the user's
teams (campaigns.permissions), so a typed URL to another team's event is a 404."""

import re

import django_filters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button

from core.ids import parse_id

from . import history, permissions, selectors, workflow
from .event_form import MaterialSelect, NativeDateTimeInput
from .exporting import events_to_csv, events_to_xlsx
from .forms import CampaignForm, OutreachEventForm, ReviewForm
from .imports.resource import OutreachEventResource
from .imports.views import import_job_view, import_view
from .models import (
    ATTENDANCE_SANITY_BOUND,
    Campaign,
    EventStatus,
    OutreachEvent,
    Team,
    TrackedLink,
    Venue,
)
from .photos import HeldPhotoInput


class ScopedObjectMixin:
    """Objects outside ``scope(user)`` do not exist for this view: a 404, whatever the
    user's model permissions. Works for Wagtail's index, edit, delete, inspect, history
    and usage views (history and usage only replace the object lookup, not their own
    listing of log entries or references)."""

    scope = None  # a function of the user returning a queryset, from campaigns.permissions

    def scoped_queryset(self):
        return type(self).scope(self.request.user)

    def get_object(self, queryset=None):
        pk = unquote(str(self.kwargs[self.pk_url_kwarg]))
        return get_object_or_404(self.scoped_queryset(), pk=pk)


class ScopedIndexMixin(ScopedObjectMixin):
    def get_base_queryset(self):
        return self.scoped_queryset()


def scoped(view_class, scope, index=False):
    if issubclass(view_class, ScopedObjectMixin):
        return view_class  # scoped by its own declaration
    mixin = ScopedIndexMixin if index else ScopedObjectMixin
    return type(view_class.__name__, (mixin, view_class), {"scope": staticmethod(scope)})


class ScopedModelViewSet(ModelViewSet):
    """A ModelViewSet whose every view sees only ``scope(user)`` (a function from
    campaigns.permissions): others' objects are missing from the list and 404 by URL."""

    scope = None
    object_view_names = (
        "edit_view_class",
        "delete_view_class",
        "inspect_view_class",
        "history_view_class",
        "usage_view_class",
    )

    @cached_property
    def url_prefix(self):
        """``campaigns_events`` is served under ``/admin/campaigns/events/``."""
        return self.name.replace("_", "/", 1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scope = type(self).scope
        self.index_view_class = scoped(self.index_view_class, scope, index=True)
        for name in self.object_view_names:
            setattr(self, name, scoped(getattr(self, name), scope))


class EventScope:
    scope = staticmethod(permissions.visible_events)


class FlagColumn(Column):
    """需核查: attendance above the sanity bound, for the lead to check before approving."""

    def get_value(self, instance):
        if not instance.attendance_flagged:
            return ""
        return format_html(
            '<span class="w-status w-status--label flagged-attendance">{}</span>',
            _("flagged for review"),
        )


def yuan_to_the_fen(amount) -> str:
    """38,600.50 (the same in Chinese); — when nothing was recorded."""
    return "—" if amount is None else f"{amount:,.2f}"


class YuanColumn(Column):
    """Money to the fen with thousands separators (38,600.50); — when not recorded."""

    def get_value(self, instance):
        return yuan_to_the_fen(super().get_value(instance))


class FigureColumn(Column):
    """A count or text; — when not counted or empty."""

    def get_value(self, instance):
        value = super().get_value(instance)
        return "—" if value is None or value == "" else value


# Shown in the events list with ?figures=all (the header's "All figures" button).
MORE_EVENT_COLUMNS = (
    ("help_requests", _("Asked for help")),
    ("videos_screened", _("Videos screened")),
    ("staff_count", _("Staff")),
    ("partners", _("Partner organisations")),
)


class EventIndexView(EventScope, ScopedIndexMixin, generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("venue", "team", "campaign")

    @property
    def all_figures(self) -> bool:
        return self.request.GET.get("figures") == "all"

    @cached_property
    def columns(self):
        columns = super().columns
        if self.all_figures:
            columns = columns + [
                FigureColumn(name, label=label) for name, label in MORE_EVENT_COLUMNS
            ]
        return columns

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
        figures = self.request.GET.copy()
        figures.pop("p", None)
        if self.all_figures:
            figures.pop("figures", None)
            label = _("Main figures only")
        else:
            figures["figures"] = "all"
            label = _("All figures")
        buttons.append(
            Button(label, url=f"{reverse('campaigns_events:index')}?{figures.urlencode()}")
        )
        return buttons


DRAFT_ID = re.compile(r"[0-9a-f]{8,64}")
SAVED_DRAFTS = "campaigns_saved_event_drafts"


class SaveAndSubmitMixin:
    """The event form's "save and submit" (保存并提交审核, posted as ``action-submit``):
    the values on the screen are saved, then the event is submitted, in one request, so
    nothing typed since the last save is lost. A validation error submits nothing and
    keeps the input (and the chosen photos, campaigns.photos); if the saved event cannot
    be submitted, it stays saved as it is and the reason is shown on its edit page."""

    template_name = "campaigns/admin/event_form.html"

    def get_available_actions(self):
        return [*super().get_available_actions(), "submit"]

    def save_action(self):
        """After the save has committed: tidy up, then submit if asked."""
        self.form.discard_held_photos()
        self.remember_saved_draft()
        self.submitted = False
        if self.action == "submit":
            try:
                workflow.submit_event(event=self.object, user=self.request.user)
            except (ValidationError, PermissionDenied) as error:
                reasons = getattr(error, "messages", None) or [
                    gettext("You may not submit this event.")
                ]
                messages.error(
                    self.request,
                    gettext("Saved, but not submitted for approval: %(reasons)s")
                    % {"reasons": " ".join(reasons)},
                )
                return redirect("campaigns_events:edit", self.object.pk)
            self.submitted = True
        return super().save_action()

    def remember_saved_draft(self):
        """The page's script keeps a draft on the device under an id it posts; the ids of
        drafts saved here are listed back to it (the last 20), so it deletes them."""
        draft_id = self.request.POST.get("fz_draft_id", "")
        if DRAFT_ID.fullmatch(draft_id):
            saved = self.request.session.get(SAVED_DRAFTS, [])[-19:]
            self.request.session[SAVED_DRAFTS] = [*saved, draft_id]

    def get_success_message(self, *args):
        if getattr(self, "submitted", False):
            return gettext("Saved and submitted for approval: %(event)s") % {"event": self.object}
        return super().get_success_message(*args)

    def form_invalid(self, form):
        form.hold_chosen_photos()
        return super().form_invalid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, event = self.request.user, getattr(self, "object", None)
        saved = event is not None and event.pk is not None
        context.update(
            {
                "can_save_and_submit": (
                    permissions.can_submit_event(user, event)
                    if saved
                    else permissions.has_campaign_role(user)
                ),
                "draft_key": f"fangzha:event-draft:{user.pk}:{event.pk if saved else 'new'}",
                "saved_drafts": self.request.session.get(SAVED_DRAFTS, []),
            }
        )
        return context


class EventCreateView(SaveAndSubmitMixin, generic.CreateView):
    def save_instance(self):
        event = self.form.save(commit=False)
        event.created_by = self.request.user
        event.status = EventStatus.DRAFT
        event.save()
        history.log_created(event, user=self.request.user)
        return event


class EventEditView(SaveAndSubmitMixin, EventScope, ScopedObjectMixin, generic.EditView):
    template_name = "campaigns/admin/event_edit.html"

    def get_object(self, queryset=None):
        event = super().get_object(queryset)
        if self.request.method == "POST":
            if not permissions.can_edit_event(self.request.user, event):
                raise PermissionDenied
            # Before the form writes the posted values into the instance.
            self.state_before = history.snapshot(event)
        return event

    def save_instance(self):
        """Save, and log which fields changed from what to what (not Wagtail's bare
        "edited")."""
        event = self.form.save()
        history.log_edited(event, before=self.state_before, user=self.request.user)
        return event

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, event = self.request.user, self.object
        context.update(
            {
                "can_edit": permissions.can_edit_event(user, event),
                "can_submit": permissions.can_submit_event(user, event),
                "can_review": permissions.can_review_event(user, event),
                "can_approve": permissions.can_approve_event(user, event),
                "review_form": ReviewForm(),
            }
        )
        return context


class EventDeleteView(EventScope, ScopedObjectMixin, generic.DeleteView):
    def get_object(self, queryset=None):
        event = super().get_object(queryset)
        if not permissions.can_delete_event(self.request.user, event):
            raise PermissionDenied
        return event


class EventInspectView(EventScope, ScopedObjectMixin, generic.InspectView):
    """The event's detail page: times in the site's time zone (Wagtail's inspect view
    formats datetimes as stored, in UTC), labels instead of raw values (— for nothing,
    是/否 badges), every figure, and thumbnails of the evidence photos, which are served
    through the permission-checked evidence view."""

    def get_fields(self):
        return [*(name for name in super().get_fields() if name != "id"), "photos"]

    def get_field_label(self, field_name, field):
        if field_name == "photos":
            return _("Photos (evidence)")
        return super().get_field_label(field_name, field)

    def get_field_display_value(self, field_name, field):
        if field_name == "photos":
            return self._photos()
        if field_name == "money_protected_yuan":
            return yuan_to_the_fen(self.object.money_protected_yuan)
        if field_name == "needs_review":
            return self._yes_no(self.object.attendance_flagged, warn=True)
        value = super().get_field_display_value(field_name, field)
        if isinstance(value, bool):
            return self._yes_no(value)
        if value is None or value == "" or value == "-":
            return "—"
        if hasattr(value, "tzinfo") and getattr(value, "hour", None) is not None:
            return timezone.localtime(value, timezone.get_default_timezone()).strftime(
                "%Y-%m-%d %H:%M"
            )
        return value

    @staticmethod
    def _yes_no(value: bool, warn: bool = False):
        if not value:
            return format_html('<span class="w-status">{}</span>', pgettext("boolean", "No"))
        css = "w-status w-status--label flagged-attendance" if warn else "w-status"
        return format_html('<span class="{}">{}</span>', css, pgettext("boolean", "Yes"))

    def _photos(self):
        photos = list(self.object.photos.all())
        if not photos:
            return "—"
        return format_html(
            '<div class="w-flex w-flex-wrap w-gap-2">{}</div>',
            format_html_join(
                "",
                '<figure><a href="{0}"><img src="{0}" alt="{1}" width="160" loading="lazy"></a>'
                "<figcaption>{1}</figcaption></figure>",
                ((photo.image.url, photo.caption or photo.image.name) for photo in photos),
            ),
        )


def _scoped_event(request, pk):
    return get_object_or_404(permissions.visible_events(request.user), pk=pk)


def submit_event_view(request, pk):
    event = _scoped_event(request, pk)
    if request.method != "POST":
        return redirect("campaigns_events:edit", pk)
    try:
        workflow.submit_event(event=event, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("campaigns_events:edit", pk)
    messages.success(request, _("Submitted for approval: %(event)s") % {"event": event})
    return redirect("campaigns_events:index")


def review_event_view(request, pk, decision):
    event = _scoped_event(request, pk)
    if not permissions.can_review_event(request.user, event):
        raise PermissionDenied
    approving = decision == "approve"
    form = ReviewForm(request.POST or None, confirm_flagged=approving and event.attendance_flagged)
    if request.method == "POST" and form.is_valid():
        try:
            if approving:
                workflow.approve_event(
                    event=event,
                    user=request.user,
                    comment=form.cleaned_data["comment"],
                    confirm_flagged=form.cleaned_data.get("confirm_flagged", False),
                )
            else:
                workflow.return_event(
                    event=event, user=request.user, comment=form.cleaned_data["comment"]
                )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, messages_ in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, messages_)
            elif approving:  # four eyes, or no longer submitted: about the whole action
                form.add_error(None, error)
            else:
                form.add_error("comment", error)
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
            "can_approve": permissions.can_approve_event(request.user, event),
            "four_eyes_waived": approving and permissions.four_eyes_waived(request.user, event),
            "sanity_bound": ATTENDANCE_SANITY_BOUND,
        },
    )


def export_events_view(request):
    """CSV or XLSX of the events the user can see, narrowed by the list's filters."""
    if not permissions.has_campaign_role(request.user):
        raise PermissionDenied
    events = permissions.visible_events(request.user).select_related("campaign", "team", "venue")
    for name in ("status", "format", "campaign", "team"):
        values = [v for v in request.GET.getlist(name) if v]
        if name in ("campaign", "team"):  # ids past bigint raise only when the query runs
            values = [parse_id(v) for v in values]
            if None in values:
                events = events.none()
                continue
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


EVENT_PANELS = [
    MultiFieldPanel(
        [
            FieldRowPanel([FieldPanel("campaign"), FieldPanel("team")]),
            FieldPanel("venue"),
            FieldRowPanel(
                [
                    FieldPanel("starts_at", widget=NativeDateTimeInput),
                    FieldPanel("ends_at", widget=NativeDateTimeInput),
                ]
            ),
            FieldPanel("format"),
        ],
        heading=_("When and where"),
    ),
    MultiFieldPanel(
        [
            FieldRowPanel([FieldPanel("attendance"), FieldPanel("attendance_method")]),
            FieldPanel("confirm_attendance"),  # only when the figure is above the bound
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
        help_text=_("Leave a figure empty if it was not counted; 0 means counted and none."),
    ),
    InlinePanel(
        "material_lines",
        [FieldPanel("material", widget=MaterialSelect), FieldPanel("quantity")],
        heading=_("Materials handed out"),
        label=_("material"),
    ),
    MultiFieldPanel(
        [
            FieldRowPanel([FieldPanel("staff_count"), FieldPanel("partners")]),
            FieldPanel("participants"),
            FieldPanel("notes"),
            FieldPanel("external_id"),
        ],
        heading=_("Team and notes"),
    ),
    InlinePanel(
        "photos",
        [FieldPanel("image", widget=HeldPhotoInput), FieldPanel("caption")],
        heading=_("Photos (evidence)"),
        label=_("photo"),
    ),
]


class EventFilterSet(WagtailFilterSet):
    """The list's filters offer only the user's own campaigns and teams."""

    campaign = django_filters.ModelChoiceFilter(
        label=_("campaign"), queryset=lambda request: permissions.visible_campaigns(request.user)
    )
    team = django_filters.ModelChoiceFilter(
        label=_("team"), queryset=lambda request: permissions.visible_teams(request.user)
    )

    class Meta:
        model = OutreachEvent
        fields = ["status", "format", "campaign", "team"]


class OutreachEventViewSet(ScopedModelViewSet):
    model = OutreachEvent
    scope = staticmethod(permissions.visible_events)
    icon = "date"
    name = "campaigns_events"
    # The base form adds the sanity-bound confirmation box, which is no model field.
    edit_handler = ObjectList(EVENT_PANELS, base_form_class=OutreachEventForm)
    form_fields = None
    list_display = [
        "venue",
        DateColumn("starts_at", label=_("Date")),
        Column("team", label=_("Team")),
        Column("get_format_display", label=pgettext_lazy("outreach event", "Format")),
        Column("attendance", label=_("People reached")),
        YuanColumn("money_protected_yuan", label=_("Money protected (yuan)")),
        Column("get_status_display", label=_("Status")),
        FlagColumn("needs_review", label=_("flagged for review")),
    ]
    filterset_class = EventFilterSet
    search_fields = ["venue__name", "notes", "external_id"]
    index_view_class = EventIndexView
    add_view_class = EventCreateView
    edit_view_class = EventEditView
    delete_view_class = EventDeleteView
    inspect_view_enabled = True
    inspect_view_class = EventInspectView
    copy_view_enabled = False

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("<int:pk>/submit/", submit_event_view, name="submit"),
            path("<int:pk>/approve/", review_event_view, {"decision": "approve"}, name="approve"),
            path("<int:pk>/return/", review_event_view, {"decision": "return"}, name="return"),
            path("export/", export_events_view, name="export"),
            path("import/", import_view, name="import"),
            path("import/<int:pk>/", import_job_view, name="import_job"),
        ]


CAMPAIGN_FIELDS = [
    "name",
    "slug",
    "start_date",
    "end_date",
    "description",
    "teams",
    "scam_types",
    "audiences",
    "budget_yuan",
]


class CampaignInspectView(generic.InspectView):
    def get_fields(self):
        fields = CAMPAIGN_FIELDS
        if not permissions.can_see_budgets(self.request.user):
            fields = [name for name in fields if name != "budget_yuan"]
        return fields


class CampaignViewSet(ScopedModelViewSet):
    model = Campaign
    scope = staticmethod(permissions.visible_campaigns)
    icon = "flag"
    name = "campaigns_campaigns"
    # Targets per campaign and per team (CampaignTarget) replace the campaign's own
    # target_* fields, which migration 0013 copied into them.
    panels = [
        *(FieldPanel(name) for name in CAMPAIGN_FIELDS),
        InlinePanel("targets", label=_("Targets"), heading=_("Targets")),
    ]
    list_display = [
        "name",
        DateColumn("start_date", label=_("Start")),
        DateColumn("end_date", label=_("End")),
    ]
    inspect_view_enabled = True
    inspect_view_class = CampaignInspectView

    def get_form_class(self, for_update=False):
        form_class = super().get_form_class(for_update)
        return type("CampaignForm", (CampaignForm, form_class), {})


class TeamViewSet(ScopedModelViewSet):
    model = Team
    scope = staticmethod(permissions.visible_teams)
    icon = "group"
    name = "campaigns_teams"
    form_fields = ["name", "district", "lead", "members"]
    list_display = ["name", "district", "lead"]


class VenueEditView(generic.EditView):
    def save_instance(self):
        before = Venue.objects.filter(pk=self.object.pk).values("venue_type", "district").get()
        venue = super().save_instance()
        if before != {"venue_type": venue.venue_type, "district": venue.district}:
            moved = selectors.approved_events_by_team_at(venue=venue)
            if moved:  # never silently: say whose official figures moved
                teams = "、".join(
                    gettext("%(team)s %(count)s events") % {"team": team, "count": count}
                    for team, count in moved
                )
                messages.warning(
                    self.request,
                    gettext("Approved events' reach figures moved with this venue: %(teams)s")
                    % {"teams": teams},
                )
        return venue


class VenueViewSet(ScopedModelViewSet):
    """The shared directory of places (see campaigns.permissions): listed to every
    campaign role; edited only where no other team's events use the venue; its usage
    (which events, of every team) for managers only."""

    model = Venue
    scope = staticmethod(permissions.visible_venues)
    icon = "site"
    name = "campaigns_venues"
    form_fields = ["name", "venue_type", "district", "address", "latitude", "longitude"]
    list_display = ["name", "venue_type", "district"]
    list_filter = ["venue_type", "district"]
    search_fields = ["name", "address"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.edit_view_class = scoped(VenueEditView, permissions.editable_venues)
        self.delete_view_class = scoped(generic.DeleteView, permissions.editable_venues)
        self.history_view_class = scoped(generic.HistoryView, permissions.venue_usage_visible)
        self.usage_view_class = scoped(generic.UsageView, permissions.venue_usage_visible)


class TrackedLinkViewSet(ScopedModelViewSet):
    model = TrackedLink
    scope = staticmethod(permissions.visible_links)
    icon = "link"
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
