"""Bulk actions on the events list: submit, approve and return many events at once.

Each event goes through the same workflow function as one by one (campaigns.workflow:
four eyes, the flagged-attendance confirmation, only submitted events approved), each in
its own transaction; what is refused is reported per event with the reason. Only events
the user can see (campaigns.permissions.visible_events) are ever looked at: ids of other
teams' events, forged into the request, are ignored, and a request naming none the user
can see is a 404.
"""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin import messages
from wagtail.admin.views.bulk_action import BulkAction

from core.ids import parse_id

from . import permissions, workflow
from .models import EventStatus, OutreachEvent
from .viewsets import EventFilterSet

# The events list's search (OutreachEventViewSet.search_fields), for "select all in listing".
SEARCH_FIELDS = ("venue__name", "notes", "external_id")


class ApproveForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the coordinator"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm_flagged = forms.BooleanField(
        label=_(
            "I have checked the attendance of the events flagged for review among them "
            "and approve it"
        ),
        help_text=_("Without this, events flagged for review are not approved."),
        required=False,
    )

    def __init__(self, *args, flagged: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not flagged:
            del self.fields["confirm_flagged"]


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the coordinator"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what needs to change.")},
    )


class EventBulkAction(BulkAction):
    """Common to the three: the scoped selection, the confirmation page and the report."""

    models = [OutreachEvent]
    template_name = "campaigns/admin/bulk_event_action.html"
    form_class = forms.Form

    # set by each action
    done_message = ""
    refused_heading = ""
    page_title = ""

    def dispatch(self, request, *args, **kwargs):
        if not permissions.has_campaign_role(request.user):
            raise PermissionDenied
        if not self.selected_events:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def listing_events(self):
        """ "Select all in listing": the list's filters and search, as the list applies them."""
        events = permissions.visible_events(self.request.user)
        query = self.request.GET.copy()
        for name in ("id", "next", "childOf", "p"):
            query.pop(name, None)
        events = EventFilterSet(query, queryset=events, request=self.request).qs
        term = query.get("q", "").strip()
        if term:
            condition = Q()
            for field in SEARCH_FIELDS:
                condition |= Q(**{f"{field}__icontains": term})
            events = events.filter(condition)
        return events

    @cached_property
    def selected_events(self) -> list:
        raw = self.request.GET.getlist("id")
        if "all" in raw:
            events = self.listing_events()
        else:
            ids = {parse_id(value) for value in raw} - {None}
            events = permissions.visible_events(self.request.user).filter(pk__in=ids)
        return list(events.select_related("venue", "team", "campaign").order_by("starts_at"))

    def get_actionable_objects(self):
        allowed, refused = [], []
        for event in self.selected_events:
            if self.check_perm(event):
                allowed.append(event)
            else:
                event.refusal = self.refusal_reason(event)
                refused.append(event)
        return allowed, {"items_with_no_access": refused}

    def object_context(self, obj):
        return {"item": obj}

    def refusal_reason(self, event) -> str:
        raise NotImplementedError

    def act(self, event, data: dict) -> None:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "page_title": self.page_title,
                "action_button_text": self.display_name,
                "no_action_button_text": gettext("Cancel"),
            }
        )
        return context

    def form_valid(self, form):
        allowed, extra = self.get_actionable_objects()
        refused = [(event, event.refusal) for event in extra["items_with_no_access"]]
        done = 0
        for event in allowed:
            try:
                self.act(event, form.cleaned_data)
            except PermissionDenied:
                refused.append((event, self.refusal_reason(event)))
            except ValidationError as error:
                refused.append((event, "；".join(error.messages)))
            else:
                done += 1
        if done:
            messages.success(self.request, self.done_message % {"n": f"{done:,}"})
        if refused:
            lines = "；".join(
                gettext("%(event)s (%(team)s): %(reason)s")
                % {"event": event, "team": event.team.name, "reason": reason}
                for event, reason in refused
            )
            messages.error(
                self.request,
                self.refused_heading % {"n": f"{len(refused):,}"} + lines,
            )
        return redirect(self.next_url)


class SubmitEventsBulkAction(EventBulkAction):
    display_name = _("Submit for approval")
    action_type = "submit"
    aria_label = _("Submit the selected events for approval")
    action_priority = 10
    page_title = _("Submit events for approval")
    done_message = _("Submitted for approval: %(n)s events.")
    refused_heading = _("Not submitted, %(n)s events: ")

    def check_perm(self, obj):
        return permissions.can_submit_event(self.request.user, obj)

    def refusal_reason(self, event) -> str:
        if event.status not in permissions.EDITABLE_STATUSES:
            return gettext("it is %(status)s; only drafts and returned events are submitted") % {
                "status": event.get_status_display()
            }
        return gettext("you may not submit this event")

    def act(self, event, data):
        workflow.submit_event(event=event, user=self.request.user)


class ReviewBulkAction(EventBulkAction):
    def check_perm(self, obj):
        return permissions.can_review_event(self.request.user, obj)

    def refusal_reason(self, event) -> str:
        if not (permissions.is_manager(self.request.user) or event.team_id in self._led):
            return gettext("only the team's lead or a campaign manager reviews its events")
        return self.status_refusal(event)

    @cached_property
    def _led(self):
        return permissions.led_team_ids(self.request.user)


class ApproveEventsBulkAction(ReviewBulkAction):
    display_name = _("Approve")
    action_type = "approve"
    aria_label = _("Approve the selected events")
    action_priority = 20
    page_title = _("Approve events")
    form_class = ApproveForm
    done_message = _("Approved: %(n)s events.")
    refused_heading = _("Not approved, %(n)s events: ")

    def check_perm(self, obj):
        return super().check_perm(obj) and obj.status == EventStatus.SUBMITTED

    def status_refusal(self, event):
        return gettext("Only submitted events can be approved.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        allowed, _extra = self.get_actionable_objects()
        kwargs["flagged"] = any(event.attendance_flagged for event in allowed)
        return kwargs

    def act(self, event, data):
        workflow.approve_event(
            event=event,
            user=self.request.user,
            comment=data.get("comment", ""),
            confirm_flagged=data.get("confirm_flagged", False),
        )


class ReturnEventsBulkAction(ReviewBulkAction):
    display_name = _("Return")
    action_type = "return"
    aria_label = _("Return the selected events to their coordinators")
    action_priority = 30
    page_title = _("Return events")
    form_class = ReturnForm
    done_message = _("Returned: %(n)s events.")
    refused_heading = _("Not returned, %(n)s events: ")

    def status_refusal(self, event):
        return gettext("it is %(status)s; only submitted or approved events are returned") % {
            "status": event.get_status_display()
        }

    def act(self, event, data):
        workflow.return_event(event=event, user=self.request.user, comment=data["comment"])


BULK_ACTIONS = (SubmitEventsBulkAction, ApproveEventsBulkAction, ReturnEventsBulkAction)
