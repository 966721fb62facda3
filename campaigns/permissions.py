"""Who may see and change campaign data: the one team-scoped policy. Every campaign
screen (lists, edit/inspect/delete/history URLs, choosers and filter dropdowns, exports,
the dashboard and the API) takes its objects from the ``visible_*`` functions here, so
whatever a user cannot see is a 404, never a 403 that confirms it exists.

Roles are Django groups (created by a migration):
- "Campaign coordinators" record and submit their own teams' events;
- "Team leads" also approve or return their teams' events;
- "Campaign managers" see everything and manage campaigns, teams, venues and links.
A user's teams are those they lead or belong to. Site editors have none of these roles
and see no campaign data.

What each role sees:
- teams: their own (managers: all);
- campaigns: those one of their teams takes part in (managers: all). The campaign's
  budget, and the cost per person derived from it, are for managers only;
- events, evidence photos and event history: their teams' events (managers: all);
- tracked links: links of visible campaigns, printed for a visible event or for the
  whole campaign (managing links is for managers);
- venues: a shared directory of public places (any team may hold an event at the
  station), listed to every campaign role; a lead may correct only venues no other
  team's events use, and which events use a venue is shown to managers only. Merging
  two venues and keeping the list of districts are for managers.
- the audit trail (Wagtail's site history report, its exports and filters): entries
  about campaign objects only for objects the user sees by the rules above; a venue's
  history with the managers, like its usage.
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast

from .models import Campaign, District, EventStatus, OutreachEvent, Team, TrackedLink, Venue

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


def visible_teams(user) -> QuerySet:
    """Teams whose data the user works with (all of them for managers)."""
    if is_manager(user):
        return Team.objects.all()
    if not has_campaign_role(user):
        return Team.objects.none()
    own = Team.objects.filter(Q(members=user) | Q(lead=user)).values("pk")
    return Team.objects.filter(pk__in=own)


teams_of = visible_teams


def led_team_ids(user) -> set[int]:
    if not is_team_lead(user):
        return set()
    return set(Team.objects.filter(lead=user).values_list("pk", flat=True))


def visible_events(user) -> QuerySet:
    if is_manager(user):
        return OutreachEvent.objects.all()
    if not has_campaign_role(user):
        return OutreachEvent.objects.none()
    return OutreachEvent.objects.filter(team__in=visible_teams(user).values("pk"))


events_visible_to = visible_events


def visible_campaigns(user) -> QuerySet:
    """Campaigns one of the user's teams takes part in (all of them for managers)."""
    if is_manager(user):
        return Campaign.objects.all()
    if not has_campaign_role(user):
        return Campaign.objects.none()
    return Campaign.objects.filter(
        pk__in=Campaign.teams.through.objects.filter(
            team__in=visible_teams(user).values("pk")
        ).values("campaign_id")
    )


def can_see_budgets(user) -> bool:
    """Budgets (and cost per person, which reveals them) are for managers only."""
    return is_manager(user)


def visible_venues(user) -> QuerySet:
    """The shared directory of places: every campaign role may list and choose them."""
    if not has_campaign_role(user):
        return Venue.objects.none()
    return Venue.objects.select_related("district")


def editable_venues(user) -> QuerySet:
    """A venue's type or district moves its events' figures: only a manager changes a
    venue another team's events use."""
    if is_manager(user):
        return Venue.objects.all()
    others = OutreachEvent.objects.filter(venue=OuterRef("pk")).exclude(
        team__in=visible_teams(user).values("pk")
    )
    return visible_venues(user).exclude(Exists(others))


def managed_districts(user) -> QuerySet:
    """The list of districts is kept by the managers (anyone may choose from it)."""
    return District.objects.all() if is_manager(user) else District.objects.none()


def can_merge_venues(user) -> bool:
    """Merging moves every team's events: managers only."""
    return is_manager(user)


def venue_usage_visible(user) -> QuerySet:
    """Which events use a venue lists every team's events: managers only."""
    return Venue.objects.all() if is_manager(user) else Venue.objects.none()


def visible_links(user) -> QuerySet:
    """Links of visible campaigns, for the whole campaign or for a visible event."""
    if is_manager(user):
        return TrackedLink.objects.all()
    return TrackedLink.objects.filter(campaign__in=visible_campaigns(user).values("pk")).filter(
        Q(event__isnull=True) | Q(event__in=visible_events(user).values("pk"))
    )


def visible_log_entries(user, entries: QuerySet) -> QuerySet:
    """Log entries (Wagtail's, of any model) without those about campaign objects the
    user may not see: another team's events, campaigns, teams and links; any other
    campaign object (venues, photos…) is for managers only."""
    if is_manager(user):
        return entries
    scopes = {
        OutreachEvent: visible_events(user),
        Campaign: visible_campaigns(user),
        Team: visible_teams(user),
        TrackedLink: visible_links(user),
    }
    for model in apps.get_app_config("campaigns").get_models():
        scope = scopes.get(model, model._default_manager.none())
        keys = scope.annotate(log_key=Cast("pk", CharField())).values("log_key")
        entries = entries.exclude(
            Q(content_type=ContentType.objects.get_for_model(model)) & ~Q(object_id__in=keys)
        )
    return entries


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


def event_authors(event) -> set[int]:
    """Who recorded the event or took part in it (ids): they do not approve it (four eyes)."""
    authors = {user.pk for user in event.participants.all()} if event.pk else set()
    if event.created_by_id:
        authors.add(event.created_by_id)
    return authors


def event_reviewers(event) -> QuerySet:
    """Active users who may approve or return the event: its team's lead (holding the
    lead role) and the campaign managers, superusers included."""
    users = get_user_model().objects.filter(is_active=True)
    lead = Q(pk=event.team.lead_id, groups__name=TEAM_LEADS) if event.team.lead_id else Q()
    managers = Q(is_superuser=True) | Q(groups__name=MANAGERS)
    return users.filter(lead | managers if lead else managers).distinct()


def other_reviewers(user, event) -> QuerySet:
    """Those who could approve the event instead of ``user``: reviewers who neither
    recorded it nor took part in it."""
    return event_reviewers(event).exclude(pk=user.pk).exclude(pk__in=event_authors(event))


def four_eyes_waived(user, event) -> bool:
    """The user recorded or took part in the event, and nobody else can approve it (the
    fallback: they may, and the approval's history says so)."""
    return user.pk in event_authors(event) and not other_reviewers(user, event).exists()


def can_approve_event(user, event) -> bool:
    """Review rights, and four eyes: not one's own event while someone else can approve it."""
    if not can_review_event(user, event):
        return False
    return user.pk not in event_authors(event) or not other_reviewers(user, event).exists()


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
