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
from .models import EventStatus, OutreachEvent


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


def approve_event(*, event: OutreachEvent, user, comment: str = "") -> OutreachEvent:
    with transaction.atomic():
        _require(permissions.can_review_event(user, event))
        if event.status != EventStatus.SUBMITTED:
            raise ValidationError(_("Only submitted events can be approved."))
        event.status = EventStatus.APPROVED
        event.review_comment = comment
        event.reviewed_by = user
        event.reviewed_at = timezone.now()
        event.save()
        log(instance=event, action="campaigns.approve", user=user, data={"comment": comment})
        return event


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
