"""Who may see and change campaign data. Every view, export and API goes through here.

Roles are Django groups (created by a migration):
- "Campaign coordinators" record and submit their own teams' events;
- "Team leads" also approve or return their teams' events;
- "Campaign managers" see everything and manage campaigns, teams and venues.
A user's teams are those they lead or belong to. Site editors have none of these roles
and see no campaign data.
"""

from django.db.models import Q, QuerySet

from .models import EventStatus, OutreachEvent, Team

COORDINATORS = "Campaign coordinators"
TEAM_LEADS = "Team leads"
MANAGERS = "Campaign managers"
ROLE_GROUPS = (COORDINATORS, TEAM_LEADS, MANAGERS)
EDITABLE_STATUSES = (EventStatus.DRAFT, EventStatus.RETURNED)


def _groups(user) -> set[str]:
    if not user.is_authenticated or not user.is_active:
        return set()
    cached = getattr(user, "_campaign_groups", None)
    if cached is None:
        cached = set(user.groups.filter(name__in=ROLE_GROUPS).values_list("name", flat=True))
        user._campaign_groups = cached
    return cached


def is_manager(user) -> bool:
    return user.is_active and (user.is_superuser or MANAGERS in _groups(user))


def has_campaign_role(user) -> bool:
    return is_manager(user) or bool(_groups(user))


def is_team_lead(user) -> bool:
    return TEAM_LEADS in _groups(user)


def teams_of(user) -> QuerySet:
    """Teams whose data the user works with (all of them for managers)."""
    if is_manager(user):
        return Team.objects.all()
    if not has_campaign_role(user):
        return Team.objects.none()
    return Team.objects.filter(Q(members=user) | Q(lead=user)).distinct()


def led_team_ids(user) -> set[int]:
    if not is_team_lead(user):
        return set()
    return set(Team.objects.filter(lead=user).values_list("pk", flat=True))


def events_visible_to(user) -> QuerySet:
    if is_manager(user):
        return OutreachEvent.objects.all()
    if not has_campaign_role(user):
        return OutreachEvent.objects.none()
    return OutreachEvent.objects.filter(team__in=teams_of(user).values("pk"))


def can_view_event(user, event) -> bool:
    return events_visible_to(user).filter(pk=event.pk).exists()


def can_edit_event(user, event) -> bool:
    """Coordinators edit their team's drafts and returned events; leads and managers any
    not yet approved (an approved event is returned first, so figures never change silently)."""
    if event.status == EventStatus.APPROVED:
        return False
    if is_manager(user):
        return True
    if not can_view_event(user, event):
        return False
    return event.status in EDITABLE_STATUSES or event.team_id in led_team_ids(user)


def can_submit_event(user, event) -> bool:
    return event.status in EDITABLE_STATUSES and can_edit_event(user, event)


def can_review_event(user, event) -> bool:
    """Approve or return: the lead of the event's team, or a manager."""
    if event.status not in (EventStatus.SUBMITTED, EventStatus.APPROVED):
        return False
    return is_manager(user) or event.team_id in led_team_ids(user)


def can_delete_event(user, event) -> bool:
    if is_manager(user):
        return True
    return event.status == EventStatus.DRAFT and can_edit_event(user, event)


class CommandLineUser:
    """Whoever runs a management command on the server: sees every team's data.

    Only management commands use it; web requests always carry a real user.
    """

    is_active = is_authenticated = is_superuser = True
    pk = id = None
    _campaign_groups = {MANAGERS}

    def get_username(self):
        return "command line"
