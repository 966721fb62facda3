"""The event workflow: a coordinator submits, a team lead approves or returns with a
reason (the coordinator gets an email). Who may do what is decided in permissions.py.

Each step is written `with transaction.atomic():` rather than decorated, so that a
mutation run (scripts/mutation.sh workflow) can mutate its body.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from . import permissions
from .models import ATTENDANCE_SANITY_BOUND, EventStatus, OutreachEvent


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def submit_event(*, event: OutreachEvent, user) -> OutreachEvent:
    with transaction.atomic():
        _require(permissions.can_submit_event(user, event))
        event.full_clean()
        event.status = EventStatus.SUBMITTED
        event.save()
        log(instance=event, action="campaigns.submit", user=user)
        return event


def approve_event(
    *, event: OutreachEvent, user, comment: str = "", confirm_flagged: bool = False
) -> OutreachEvent:
    """Approve a submitted event. Four eyes: whoever recorded the event or took part in it
    does not approve it while another reviewer (the team's lead, a manager) can; when
    nobody else can, they may, and the history notes it. Attendance above the sanity
    bound is approved only with ``confirm_flagged`` (a bulk approval must pass it too)."""
    with transaction.atomic():
        _require(permissions.can_review_event(user, event))
        if event.status != EventStatus.SUBMITTED:
            raise ValidationError(_("Only submitted events can be approved."))
        data = {"comment": comment}
        if user.pk in permissions.event_authors(event):
            others = permissions.other_reviewers(user, event)
            if others.exists():
                raise ValidationError(_four_eyes_refusal(event, others))
            data["four_eyes_waived"] = _(
                "Approved by someone who recorded or took part in the event: no other "
                "team lead or manager could approve it."
            )
        if event.attendance_flagged:
            if not confirm_flagged:
                raise ValidationError(
                    {
                        "confirm_flagged": _(
                            "%(n)s people reached is above %(bound)s: confirm that you "
                            "checked this figure before approving."
                        )
                        % {"n": event.attendance, "bound": ATTENDANCE_SANITY_BOUND}
                    }
                )
            data["confirmed_flagged_attendance"] = event.attendance
        event.status = EventStatus.APPROVED
        event.review_comment = comment
        event.reviewed_by = user
        event.reviewed_at = timezone.now()
        event.save()
        log(instance=event, action="campaigns.approve", user=user, data=data)
        return event


def _four_eyes_refusal(event: OutreachEvent, others) -> str:
    lead = event.team.lead
    if lead is not None and others.filter(pk=lead.pk).exists():
        who = _("the team lead %(name)s") % {"name": lead.get_full_name() or lead.get_username()}
        if others.exclude(pk=lead.pk).exists():
            who = _("%(lead)s or a campaign manager") % {"lead": who}
    else:
        who = _("a campaign manager")
    return _(
        "You recorded or took part in this event, so %(who)s approves it (four eyes). "
        "Only when nobody else can approve it may you approve it yourself."
    ) % {"who": who}


def return_event(*, event: OutreachEvent, user, comment: str) -> OutreachEvent:
    """Send an event back to its coordinator with the reason (email and admin notice)."""
    with transaction.atomic():
        _require(permissions.can_review_event(user, event))
        if not comment.strip():
            raise ValidationError({"comment": _("Say what needs to change.")})
        event.status = EventStatus.RETURNED
        event.review_comment = comment.strip()
        event.reviewed_by = user
        event.reviewed_at = timezone.now()
        event.save()
        log(instance=event, action="campaigns.return", user=user, data={"comment": comment})
        recipient = event.created_by
        if recipient and recipient.email:
            edit_url = settings.WAGTAILADMIN_BASE_URL + reverse(
                "campaigns_events:edit", args=[event.pk]
            )
            transaction.on_commit(
                lambda: send_mail(
                    subject=_("Outreach event returned: %(event)s") % {"event": event},
                    message=_(
                        "%(reviewer)s returned your event “%(event)s”:\n\n%(comment)s\n\n"
                        "Correct it here: %(url)s"
                    )
                    % {
                        "reviewer": user.get_full_name() or user.get_username(),
                        "event": event,
                        "comment": event.review_comment,
                        "url": edit_url,
                    },
                    from_email=None,
                    recipient_list=[recipient.email],
                    fail_silently=True,
                )
            )
        return event
