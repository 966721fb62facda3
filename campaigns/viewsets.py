"""Campaign screens in the Wagtail admin. Every view scopes its queryset to the user's
teams (campaigns.permissions), so a typed URL to another team's event is a 404."""

import datetime
import re

import django_filters
from django import forms
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.http import HttpResponse, HttpResponseForbidden
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
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button, ListingButton
from wagtail.log_actions import log
from wagtail.permission_policies.base import BasePermissionPolicy

from core.ids import parse_id

from . import display, followup, history, permissions, places, screens, selectors, workflow
from .event_form import MaterialSelect, NativeDateTimeInput
from .exporting import XLSX_TYPE, events_to_csv, events_to_xlsx
from .forms import (
    CampaignForm,
    MergeVenuesForm,
    OutreachEventForm,
    ReviewForm,
    ScreenForm,
    VenueForm,
)
from .imports.views import import_job_view, import_view
from .link_form import LinkChoicesFromQueryMixin, TrackedLinkForm
from .models import (
    ATTENDANCE_SANITY_BOUND,
    Campaign,
    DisplayLink,
    District,
    EventStatus,
    OutreachEvent,
    Screen,
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
    template_name = "campaigns/admin/event_index.html"  # adds the bulk actions' footer

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("venue", "venue__district", "team", "campaign")
        )

    @property
    def all_figures(self) -> bool:
        return self.request.GET.get("figures") == "all"

    @cached_property
    def columns(self):
        columns = [BulkActionsCheckboxColumn("bulk_actions", obj_type="event"), *super().columns]
        if self.all_figures:
            columns = columns + [
                FigureColumn(name, label=label) for name, label in MORE_EVENT_COLUMNS
            ]
        return columns

    @cached_property
    def header_more_buttons(self):
        """Export what the list shows (current filters, the period too), round-trippable
        through the import: labels in Chinese or English, or codes for other systems."""
        buttons = super().header_more_buttons
        query = self.request.GET.copy()
        query.pop("p", None)
        base = reverse("campaigns_events:export")
        for label, params in (
            (_("Download CSV (中文表头)"), {"file": "csv", "headers": "zh"}),
            (_("Download XLSX (中文表头)"), {"file": "xlsx", "headers": "zh"}),
            (_("Download CSV (English headers)"), {"file": "csv", "headers": "en"}),
            (_("Download XLSX (English)"), {"file": "xlsx", "headers": "en"}),
            (
                _("Download CSV (codes, for other systems)"),
                {"file": "csv", "headers": "en", "values": "codes"},
            ),
        ):
            chosen = query.copy()
            for key, value in params.items():
                chosen[key] = value  # replaces, where update() would append
            buttons.append(Button(label, url=f"{base}?{chosen.urlencode()}", icon_name="download"))
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


MONTH = re.compile(r"(\d{4})-(\d{1,2})")
QUARTER = re.compile(r"(\d{4})-?[Qq]([1-4])")


def period_days(*, month="", quarter="", date_from="", date_to=""):
    """The first and last day (either may be None) a list or export is narrowed to: a
    month (2026-05), a quarter (2026-Q2) or a custom range (ISO days); ValueError when
    one of them is not a period."""
    first = last = None
    if month:
        match = MONTH.fullmatch(month.strip())
        if not match:
            raise ValueError(month)
        year, number = int(match[1]), int(match[2])
        first = datetime.date(year, number, 1)
        last = datetime.date(year + number // 12, number % 12 + 1, 1) - datetime.timedelta(1)
    if quarter:
        match = QUARTER.fullmatch(quarter.strip())
        if not match:
            raise ValueError(quarter)
        year, number = int(match[1]), int(match[2])
        start = datetime.date(year, 3 * number - 2, 1)
        end = datetime.date(year + number // 4, (3 * number) % 12 + 1, 1) - datetime.timedelta(1)
        first, last = max(filter(None, (first, start))), min(filter(None, (last, end)))
    if date_from:
        day = datetime.date.fromisoformat(str(date_from).strip())
        first = max(filter(None, (first, day)))
    if date_to:
        day = datetime.date.fromisoformat(str(date_to).strip())
        last = min(filter(None, (last, day)))
    return first, last


EARLIEST_DAY, LATEST_DAY = datetime.date(1000, 1, 1), datetime.date(9999, 1, 1)


def events_in_period(events, first, last):
    """Events whose day in the site's time zone (not UTC's) is within first..last."""
    zone = timezone.get_default_timezone()
    if first and first > EARLIEST_DAY:  # earlier: no bound (the time zone would overflow)
        events = events.filter(
            starts_at__gte=datetime.datetime.combine(first, datetime.time(), zone)
        )
    if last and last < LATEST_DAY:
        after = last + datetime.timedelta(days=1)
        events = events.filter(
            starts_at__lt=datetime.datetime.combine(after, datetime.time(), zone)
        )
    return events


def export_events_view(request):
    """CSV or XLSX of the events the user can see, narrowed by the list's filters
    (status, format, campaign, team, district, month, quarter, custom dates). Chinese
    headers and labels (``headers=zh``, the default) or English ones (``headers=en``);
    ``values=codes`` writes the codes instead of labels, for other systems."""
    if not permissions.has_campaign_role(request.user):
        raise PermissionDenied
    events = permissions.visible_events(request.user).select_related(
        "campaign", "team", "venue", "venue__district"
    )
    for name in ("status", "format", "campaign", "team", "district"):
        values = [v for v in request.GET.getlist(name) if v]
        if name in ("campaign", "team"):  # ids past bigint raise only when the query runs
            values = [parse_id(v) for v in values]
            if None in values:
                events = events.none()
                continue
        lookup = "venue__district__name__in" if name == "district" else f"{name}__in"
        if values:
            try:
                events = events.filter(**{lookup: values})  # bad ids raise here
            except (ValueError, ValidationError):
                events = events.none()
    try:
        first, last = period_days(**{k: request.GET.get(k, "") for k in PERIOD_PARAMS})
    except ValueError:
        events = events.none()
    else:
        events = events_in_period(events, first, last)
    language = "en" if request.GET.get("headers") == "en" else "zh-hans"
    codes = request.GET.get("values") == "codes"
    events = events.order_by("starts_at", "pk")
    if request.GET.get("file") == "xlsx":
        content, kind, ext = (
            events_to_xlsx(events, language=language, codes=codes),
            XLSX_TYPE,
            "xlsx",
        )
    else:
        content = events_to_csv(events, language=language, codes=codes)
        kind, ext = "text/csv; charset=utf-8", "csv"
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="outreach-events.{ext}"'
    return response


PERIOD_PARAMS = ("month", "quarter", "date_from", "date_to")


EVENT_PANELS = [
    MultiFieldPanel(
        [
            FieldRowPanel([FieldPanel("campaign"), FieldPanel("team")]),
            FieldPanel("venue"),
            FieldPanel("confirm_same_day"),  # only for a second event there that day
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


def _districts():
    """Districts of the venue directory (shared by every campaign role)."""
    names = District.objects.filter(is_active=True).values_list("name", flat=True)
    return [(name, name) for name in names.order_by("order", "name")]


def _quarters():
    """The last eight quarters, newest first: 2026年第4季度 (2026-Q4)."""
    today = timezone.localdate(timezone=timezone.get_default_timezone())
    year, quarter = today.year, (today.month - 1) // 3 + 1
    choices = []
    for _i in range(8):
        choices.append(
            (f"{year}-Q{quarter}", _("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": year})
        )
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return choices


class EventFilterSet(WagtailFilterSet):
    """The list's filters offer only the user's own campaigns and teams; the period is a
    month, a quarter or a custom range of days (in the site's time zone), as the export's."""

    campaign = django_filters.ModelChoiceFilter(
        label=_("campaign"), queryset=lambda request: permissions.visible_campaigns(request.user)
    )
    team = django_filters.ModelChoiceFilter(
        label=_("team"), queryset=lambda request: permissions.visible_teams(request.user)
    )
    district = django_filters.ChoiceFilter(
        label=_("district"), field_name="venue__district__name", choices=_districts
    )
    month = django_filters.CharFilter(
        label=_("Month"),
        method="filter_period",
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-05"}),
    )
    quarter = django_filters.ChoiceFilter(
        label=_("Quarter"), method="filter_period", choices=_quarters
    )
    date_from = django_filters.DateFilter(
        label=_("From"), method="filter_period", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        label=_("To"), method="filter_period", widget=forms.DateInput(attrs={"type": "date"})
    )
    follow_up = django_filters.ChoiceFilter(
        label=_("Follow-up"), choices=followup.FOLLOW_UP_CHOICES, method="filter_follow_up"
    )
    # One import's events (its result page links here); the list is scoped to the user's
    # teams first, so another team's import id shows nothing.
    import_batch = django_filters.NumberFilter(
        label=_("Import"), field_name="import_batch", widget=forms.HiddenInput
    )

    def filter_follow_up(self, queryset, name, value):
        return followup.apply_follow_up(queryset, user=self.request.user, value=value)

    class Meta:
        model = OutreachEvent
        fields = ["status", "format", "campaign", "team", "district"]

    def filter_period(self, queryset, name, value):
        try:
            first, last = period_days(**{name: value})
        except ValueError:
            return queryset.none()
        return events_in_period(queryset, first, last)


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
    @cached_property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        if permissions.can_merge_venues(self.request.user):
            buttons.append(
                Button(
                    _("Merge with another venue"),
                    url=reverse("campaigns_venues:merge", args=[self.object.pk]),
                    icon_name="resubmit",
                )
            )
        return buttons

    def save_instance(self):
        before = Venue.objects.filter(pk=self.object.pk).values("venue_type", "district_id").get()
        venue = super().save_instance()
        if before != {"venue_type": venue.venue_type, "district_id": venue.district_id}:
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


def merge_venue_view(request, pk):
    """A manager merges two venues that are one place: choose the other, and which to
    keep; the other's events move (campaigns.places.merge_venues). Anyone else: 403."""
    if not permissions.can_merge_venues(request.user):
        # A plain 403 (Wagtail would turn PermissionDenied into a redirect home).
        return HttpResponseForbidden(gettext("Only a campaign manager may merge venues."))
    venue = get_object_or_404(Venue.objects.select_related("district"), pk=pk)
    form = MergeVenuesForm(request.POST or None, venue=venue)
    if request.method == "POST" and form.is_valid():
        keep, other = form.venues()
        gone = str(other)
        moved = places.merge_venues(keep=keep, other=other, user=request.user)
        messages.success(
            request,
            gettext("Merged “%(gone)s” into “%(kept)s”: %(count)s events moved.")
            % {"gone": gone, "kept": keep, "count": moved},
        )
        return redirect("campaigns_venues:edit", keep.pk)
    return TemplateResponse(
        request,
        "campaigns/admin/venue_merge.html",
        {
            "venue": venue,
            "form": form,
            "page_title": _("Merge venues"),
            "events": venue.events.count(),
        },
    )


class VenueViewSet(ScopedModelViewSet):
    """The shared directory of places (see campaigns.permissions): listed to every
    campaign role; edited only where no other team's events use the venue; its usage
    (which events, of every team) for managers only; merging two for managers."""

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

    def get_form_class(self, for_update=False):
        form_class = super().get_form_class(for_update)
        return type("VenueForm", (VenueForm, form_class), {})

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("merge/<int:pk>/", merge_venue_view, name="merge"),
        ]


class DistrictDeleteView(generic.DeleteView):
    """A district its venues still name is not deleted (they would lose their district):
    said in words, not a server error."""

    def form_valid(self, form):
        venues = self.object.venues.count()
        if venues:
            messages.error(
                self.request,
                gettext(
                    "“%(district)s” is the district of %(count)s venues: move them to another "
                    "district, or mark this one as no longer in use, before deleting it."
                )
                % {"district": self.object.name, "count": venues},
            )
            return redirect("campaigns_districts:edit", self.object.pk)
        return super().form_valid(form)


class DistrictViewSet(ScopedModelViewSet):
    """The centre's administrative areas, kept by the managers (a renamed district keeps
    its reach figures, campaigns.signals)."""

    model = District
    scope = staticmethod(permissions.managed_districts)
    icon = "globe"
    name = "campaigns_districts"
    form_fields = ["name", "aliases", "is_active", "order"]
    list_display = ["name", "aliases", "is_active", "order"]
    search_fields = ["name", "aliases"]
    delete_view_class = DistrictDeleteView


class ScanCountColumn(Column):
    """Scans (and unique visitors per day, summed) from the index's annotation."""

    def get_value(self, instance):
        return f"{getattr(instance, self.name) or 0:,}"


class QRPreviewColumn(Column):
    def get_value(self, instance):
        return format_html(
            '<img src="{}" alt="{}" width="72" height="72" loading="lazy"><br>{}',
            reverse("campaigns_link_qr", args=[instance.pk, "svg"]),
            _("QR code of %(link)s") % {"link": instance},
            instance.qr_downloads(),
        )


class TrackedLinkIndexView(ScopedIndexMixin, generic.IndexView):
    scope = staticmethod(permissions.visible_links)

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("campaign", "target", "event__venue")
            .annotate(scan_total=Sum("visits__scans"), visitor_days=Count("visits"))
        )


class TrackedLinkCreateView(LinkChoicesFromQueryMixin, generic.CreateView):
    pass


class TrackedLinkEditView(LinkChoicesFromQueryMixin, generic.EditView):
    pass


class TrackedLinkViewSet(ScopedModelViewSet):
    model = TrackedLink
    scope = staticmethod(permissions.visible_links)
    icon = "link"
    name = "campaigns_links"
    # Material pages of the chosen language, events of the chosen campaign and team.
    edit_handler = ObjectList(
        [
            FieldPanel("label"),
            FieldRowPanel([FieldPanel("campaign"), FieldPanel("team")]),
            FieldPanel("event"),
            FieldRowPanel([FieldPanel("language"), FieldPanel("target")]),
            FieldPanel("is_active"),
        ],
        base_form_class=TrackedLinkForm,
    )
    form_fields = None
    index_view_class = TrackedLinkIndexView
    add_view_class = TrackedLinkCreateView
    edit_view_class = TrackedLinkEditView
    list_display = [
        "label",
        "code",
        "campaign",
        "target",
        "is_active",
        ScanCountColumn("scan_total", label=_("Scans")),
        ScanCountColumn("visitor_days", label=_("Visitors (per day)")),
        QRPreviewColumn("qr", label=_("QR code")),
    ]
    list_filter = ["campaign", "is_active"]


# --- Policies by campaign group: who may do what, whatever model permissions say --------
class GroupsPolicy(BasePermissionPolicy):
    """Actions allowed to active members of `groups` (and superusers) by `allows`, whatever
    model permissions a group was given; which objects, the views scope."""

    groups: tuple[str, ...] = ()
    refused_actions: frozenset[str] = frozenset()

    def allows(self, user) -> bool:
        raise NotImplementedError

    def user_has_permission(self, user, action):
        return action not in self.refused_actions and self.allows(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        if set(actions) <= self.refused_actions:
            return get_user_model().objects.none()
        return (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(Q(is_superuser=True) | Q(groups__name__in=self.groups))
            .distinct()
        )

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])


# --- Big screen links (campaign managers only) -------------------------------------------
class ManagersOnlyPolicy(GroupsPolicy):
    """Every action for campaign managers (and superusers) only: a display link shows every
    team's figures."""

    groups = (permissions.MANAGERS,)

    def allows(self, user):
        return permissions.is_manager(user)


class ScreenAddressColumn(Column):
    """The display's full address while the link works, else why it does not."""

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        reason = display.refusal(instance)
        if reason == "revoked":
            context["value"] = gettext("Revoked %(when)s") % {
                "when": timezone.localtime(instance.revoked_at).strftime("%Y-%m-%d %H:%M")
            }
        elif reason == "creator":
            context["value"] = gettext("Not working: its creator is no longer a manager")
        else:
            url = reverse("campaigns_display_screen", args=[instance.token])
            context["value"] = parent_context["request"].build_absolute_uri(url)
        return context


class DisplayLinkCreateView(generic.CreateView):
    def save_instance(self):
        self.form.instance.created_by = self.request.user
        return super().save_instance()


# --- Revocable links (big screen links and screen players are both TokenLinks) -----------
class RevocableIndexView(generic.IndexView):
    """A Revoke button beside each live link's name (not in the "…" menu)."""

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.revoked_at is None:
            namespace = self.index_url_name.rpartition(":")[0]
            buttons.append(
                ListingButton(
                    gettext("Revoke"),
                    url=reverse(f"{namespace}:revoke", args=[instance.pk]),
                    icon_name="cross",
                    priority=20,
                )
            )
        return buttons


def revoke_link_view(*, scope, revoke, index_url_name, icon, page_title, question):
    """A view that confirms (GET) and revokes (POST) one link the user may manage: `scope`
    is the user's links (another team's or anyone's without the role: 404), `revoke`
    revokes one and says whether it changed, `question` names the consequences."""

    def view(request, pk):
        link = get_object_or_404(scope(request.user), pk=pk)
        if request.method == "POST":
            if revoke(link, request.user):
                log(instance=link, action="wagtail.edit", content_changed=True)
                messages.success(request, gettext("Revoked: %(name)s") % {"name": link.name})
            return redirect(index_url_name)
        context = {
            "link": link,
            "icon": icon,
            "page_title": page_title,
            "question": question % {"name": link.name},
            "index_url_name": index_url_name,
        }
        return TemplateResponse(request, "campaigns/admin/token_link_revoke.html", context)

    return view


class DisplayLinkIndexView(RevocableIndexView):
    pass


revoke_display_link_view = revoke_link_view(
    scope=display.manageable_links,
    revoke=lambda link, user: display.revoke(link=link, user=user),
    index_url_name="campaigns_screens:index",
    icon="desktop",
    page_title=_("Revoke big screen link"),
    question=_(
        "Revoke “%(name)s”? At its next refresh (within a minute) the display shows a "
        "notice instead of the figures, and the address never works again."
    ),
)


class DisplayLinkViewSet(ScopedModelViewSet):
    """Read-only big screen addresses for wall displays (campaigns.display)."""

    model = DisplayLink
    scope = staticmethod(display.manageable_links)
    icon = "desktop"
    name = "campaigns_screens"
    form_fields = ["name", "campaign"]
    list_display = [
        "name",
        Column(
            "campaign",
            label=_("campaign"),
            accessor=lambda link: link.campaign or gettext("All campaigns"),
        ),
        ScreenAddressColumn("token", label=_("Address for the display")),
        Column("created_by", label=_("created by")),
        DateColumn("created_at", label=_("created")),
        DateColumn("last_seen_at", label=_("last opened")),
    ]
    add_view_class = DisplayLinkCreateView
    index_view_class = DisplayLinkIndexView
    copy_view_enabled = False
    inspect_view_enabled = False

    @property
    def permission_policy(self):
        return ManagersOnlyPolicy(self.model)

    def get_form_class(self, for_update=False):
        base = super().get_form_class(for_update)

        class DisplayLinkForm(base):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.fields["campaign"].empty_label = _("All campaigns")

        return DisplayLinkForm

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("revoke/<int:pk>/", revoke_display_link_view, name="revoke"),
        ]


# --- Screens in lobbies and markets (their team's coordinators and leads, managers) -------
class TeamScreensPolicy(GroupsPolicy):
    """Campaign roles register, edit and revoke their own teams' screens (the views scope
    which ones, campaigns.screens.visible_screens); nobody deletes one: a revoked
    screen keeps its figures."""

    groups = permissions.ROLE_GROUPS
    refused_actions = frozenset({"delete"})

    def allows(self, user):
        return permissions.has_campaign_role(user)


class ScreenStatusColumn(Column):
    """在线 / 离线 (not heard from for screens.OFFLINE_AFTER) / 已撤销."""

    def get_value(self, instance):
        if screens.is_revoked(instance):
            text, css = gettext("Revoked"), "w-status"
        elif screens.is_offline(instance):
            text, css = (
                pgettext("screen status", "Offline"),
                "w-status w-status--label flagged-attendance",
            )
        else:
            text, css = pgettext("screen status", "Online"), "w-status w-status--primary"
        return format_html('<span class="{}" data-screen-status>{}</span>', css, text)


class PlayerAddressColumn(Column):
    """The player link to open on the screen, while it is not revoked."""

    def get_value(self, instance):
        if screens.is_revoked(instance):
            return gettext("Revoked %(when)s") % {
                "when": timezone.localtime(instance.revoked_at).strftime("%Y-%m-%d %H:%M")
            }
        return reverse("campaigns_player", args=[instance.token])

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        if not screens.is_revoked(instance):
            context["value"] = parent_context["request"].build_absolute_uri(context["value"])
        return context


class LastSeenColumn(Column):
    def get_value(self, instance):
        if instance.last_seen_at is None:
            return gettext("Never")
        return timezone.localtime(instance.last_seen_at, timezone.get_default_timezone()).strftime(
            "%Y-%m-%d %H:%M"
        )


class ScreenCreateView(generic.CreateView):
    def save_instance(self):
        self.form.instance.created_by = self.request.user
        return super().save_instance()


class ScreenIndexView(RevocableIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("team", "venue", "playlist")


revoke_screen_view = revoke_link_view(
    scope=screens.visible_screens,
    revoke=lambda screen, user: screens.revoke(screen=screen, user=user),
    index_url_name="campaigns_devices:index",
    icon="media",
    page_title=_("Revoke screen player link"),
    question=_(
        "Revoke the player link of “%(name)s”? The screen stops playing at its next check "
        "(within five minutes), its reports are refused, and the address never works "
        "again. Its figures so far are kept."
    ),
)


class ScreenViewSet(ScopedModelViewSet):
    """Screens in bank lobbies and markets (campaigns.screens): a team registers one at a
    venue, chooses a playlist and opens the player link on the screen."""

    model = Screen
    scope = staticmethod(screens.visible_screens)
    icon = "media"
    name = "campaigns_devices"
    menu_label = _("Screens")
    form_fields = ["name", "team", "venue", "campaign", "playlist"]
    list_display = [
        "name",
        "team",
        "venue",
        "playlist",
        ScreenStatusColumn("status", label=_("Status")),
        LastSeenColumn("last_seen_at", label=_("last heard from")),
        PlayerAddressColumn("token", label=_("Player link")),
    ]
    list_filter = ["team", "playlist"]
    search_fields = ["name", "venue__name"]
    add_view_class = ScreenCreateView
    index_view_class = ScreenIndexView
    copy_view_enabled = False
    inspect_view_enabled = False

    @property
    def permission_policy(self):
        return TeamScreensPolicy(self.model)

    def get_form_class(self, for_update=False):
        return ScreenForm

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("revoke/<int:pk>/", revoke_screen_view, name="revoke"),
        ]


class CampaignsViewSetGroup(ViewSetGroup):
    menu_label = _("Campaigns")
    menu_icon = "flag"
    menu_order = 150
    items = (
        OutreachEventViewSet,
        CampaignViewSet,
        TeamViewSet,
        VenueViewSet,
        DistrictViewSet,
        TrackedLinkViewSet,
        DisplayLinkViewSet,
        ScreenViewSet,
    )
