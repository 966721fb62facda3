"""Follow-up without chasing: what waits for whom, shared by the daily reminders
(tasks.py), the lead's home panel, the events list's "follow-up" filter and the
completeness view. Reads only; every queryset is within campaigns.permissions' scope.

- a coordinator's drafts older than STALE_DRAFT_DAYS and events returned to them;
- a lead's submitted events waiting more than WAITING_DAYS (since the event was last
  saved, which submitting does), and flagged ones;
- teams that reported nothing (no event submitted, approved or returned) in the current
  Beijing week (Monday to Sunday) or month.
"""

import datetime

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import permissions
from .models import ATTENDANCE_SANITY_BOUND, EventStatus, OutreachEvent

STALE_DRAFT_DAYS = 3
WAITING_DAYS = 2

# The events list's follow-up filter (?follow_up=…): value → label.
FOLLOW_UP_CHOICES = (
    ("stale_drafts", _("My drafts older than 3 days")),
    ("returned", _("Returned to me")),
    ("waiting", _("Waiting for approval more than 2 days")),
    ("flagged", _("Submitted and flagged for review")),
    ("team_returned", _("Returned by the lead, awaiting correction")),
)


def _now():
    return timezone.now()


def stale_drafts(*, user, now=None) -> QuerySet:
    """The user's own drafts, recorded more than STALE_DRAFT_DAYS ago."""
    cutoff = (now or _now()) - datetime.timedelta(days=STALE_DRAFT_DAYS)
    return permissions.visible_events(user).filter(
        status=EventStatus.DRAFT, created_by=user, created_at__lte=cutoff
    )


def returned_to(*, user) -> QuerySet:
    """Events the user recorded that a reviewer returned for correction."""
    return permissions.visible_events(user).filter(status=EventStatus.RETURNED, created_by=user)


def reviewable_events(user) -> QuerySet:
    """Events the user reviews: the teams they lead (managers: all)."""
    if permissions.is_manager(user):
        return OutreachEvent.objects.all()
    return OutreachEvent.objects.filter(team__in=permissions.led_team_ids(user))


def waiting_events(*, user, now=None) -> QuerySet:
    """Submitted events of the user's led teams (managers: all) unchanged for more than
    WAITING_DAYS."""
    cutoff = (now or _now()) - datetime.timedelta(days=WAITING_DAYS)
    return reviewable_events(user).filter(status=EventStatus.SUBMITTED, updated_at__lte=cutoff)


def flagged_events(*, user) -> QuerySet:
    """Submitted events of the user's led teams whose attendance needs checking."""
    return (
        reviewable_events(user)
        .filter(status=EventStatus.SUBMITTED)
        .filter(Q(needs_review=True) | Q(attendance__gt=ATTENDANCE_SANITY_BOUND))
    )


def apply_follow_up(events: QuerySet, *, user, value: str) -> QuerySet:
    """The events list's follow-up filter: narrows the (already scoped) list."""
    chosen = {
        "stale_drafts": lambda: stale_drafts(user=user),
        "returned": lambda: returned_to(user=user),
        "waiting": lambda: waiting_events(user=user),
        "flagged": lambda: flagged_events(user=user),
        "team_returned": lambda: reviewable_events(user).filter(status=EventStatus.RETURNED),
    }.get(value)
    if chosen is None:
        return events
    return events.filter(pk__in=chosen().values("pk"))


def lead_counts(*, user) -> dict[str, int]:
    """The lead's home panel: how many events wait, are flagged, were returned."""
    reviewable = reviewable_events(user)
    return {
        "waiting": waiting_events(user=user).count(),
        "flagged": flagged_events(user=user).count(),
        "team_returned": reviewable.filter(status=EventStatus.RETURNED).count(),
    }


def beijing_today() -> datetime.date:
    return timezone.localdate(timezone=timezone.get_default_timezone())


def current_periods(today: datetime.date | None = None) -> dict[str, tuple]:
    """This Beijing week (Monday–Sunday) and month, as (first day, last day)."""
    today = today or beijing_today()
    week_start = today - datetime.timedelta(days=today.weekday())
    month_start = today.replace(day=1)
    next_month = (month_start + datetime.timedelta(days=32)).replace(day=1)
    return {
        "week": (week_start, week_start + datetime.timedelta(days=6)),
        "month": (month_start, next_month - datetime.timedelta(days=1)),
    }


def completeness_teams(user) -> QuerySet:
    """Teams whose completeness the user follows: led teams (managers: all)."""
    from_teams = permissions.visible_teams(user)
    if permissions.is_manager(user):
        return from_teams
    return from_teams.filter(pk__in=permissions.led_team_ids(user))


def can_see_completeness(user) -> bool:
    return permissions.is_manager(user) or bool(permissions.led_team_ids(user))


def _day_start(day: datetime.date) -> datetime.datetime:
    zone = timezone.get_default_timezone()
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)


def completeness(*, user, today: datetime.date | None = None) -> list[dict]:
    """Per team the user follows: events reported (submitted, approved or returned, by
    their Beijing start day) this week and this month, and the last reported day. One
    query."""
    periods = current_periods(today)
    (week_start, week_end), (month_start, month_end) = periods["week"], periods["month"]
    reported = ~Q(events__status=EventStatus.DRAFT) & Q(events__isnull=False)

    def within(start, end):
        return (
            reported
            & Q(events__starts_at__gte=_day_start(start))
            & Q(events__starts_at__lt=_day_start(end + datetime.timedelta(days=1)))
        )

    rows = completeness_teams(user).annotate(
        week_events=Count("events", filter=within(week_start, week_end)),
        month_events=Count("events", filter=within(month_start, month_end)),
        last_reported=Max("events__starts_at", filter=reported),
    )
    zone = timezone.get_default_timezone()
    return [
        {
            "team": team,
            "week_events": team.week_events,
            "month_events": team.month_events,
            "last_reported": timezone.localtime(team.last_reported, zone).date()
            if team.last_reported
            else None,
        }
        for team in rows.order_by("name")
    ]
