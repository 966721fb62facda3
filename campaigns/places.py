"""Clean places and routine work: districts as a managed list, venues matched tolerantly,
two venues merged, and the standing "日常宣传" campaign of a team and year.

The comparison keys themselves (district_key, venue_name_key) are in models.py, where
Venue.save() stores a venue's key; the admin forms, the event form and the import ask
here which district a spelling means and which venues or events a new one may repeat.
"""

import datetime
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from wagtail.log_actions import LogFormatter, log

from . import history
from .models import Campaign, District, OutreachEvent, Team, Venue, district_key, venue_name_key

MERGE = "campaigns.venue_merge"


# --- Districts ---------------------------------------------------------------------------
def district_lookup() -> dict[str, District]:
    """Every spelling's key → its district (names and aliases; active ones win a clash)."""
    lookup = {}
    for district in District.objects.order_by("is_active", "-order", "-name"):
        for key in district.keys():
            lookup[key] = district
    return lookup


def find_district(text: str, lookup: dict[str, District] | None = None) -> District | None:
    """The district a spelling means: 江南, 江南区, ＂江 南 区＂ and an alias alike."""
    if not (text or "").strip():
        return None
    return (lookup if lookup is not None else district_lookup()).get(district_key(text))


def districts_named(texts: Iterable[str]) -> list[District]:
    """The districts these spellings mean (teams' district texts), unknown ones left out."""
    lookup = district_lookup()
    found = {find_district(text, lookup) for text in texts}
    return [district for district in found if district is not None]


# --- Venues -------------------------------------------------------------------------------
def venue_key(name: str, district: District) -> str:
    return venue_name_key(name, district.spellings())


def similar_venues(*, name: str, district: District, exclude_pk=None) -> QuerySet:
    """Venues of the district that a new or renamed venue may repeat: the same name once
    brackets, spaces, width and the district in the name are set aside."""
    venues = Venue.objects.filter(district=district, name_key=venue_key(name, district))
    if exclude_pk:
        venues = venues.exclude(pk=exclude_pk)
    return venues.select_related("district").order_by("pk")


def site_day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The site's (Asia/Shanghai) midnight of the day and of the next."""
    zone = timezone.get_default_timezone()
    start = datetime.datetime.combine(day, datetime.time(0), zone)
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(0), zone)
    return start, end


def events_same_day(*, venue, day: datetime.date, exclude_pk=None) -> QuerySet:
    """Events already recorded at the venue on that day (the site's day), of any team."""
    start, end = site_day_bounds(day)
    events = OutreachEvent.objects.filter(venue=venue, starts_at__gte=start, starts_at__lt=end)
    if exclude_pk:
        events = events.exclude(pk=exclude_pk)
    return events


def merge_venues(*, keep: Venue, other: Venue, user) -> int:
    """Move every event of ``other`` to ``keep`` and delete ``other``; returns how many
    events moved. Each event is saved, so the rollups follow it (a venue of another type
    or district moves its approved figures) and its history records the new venue; the
    kept venue's history records the merge."""
    if keep.pk == other.pk:
        raise ValueError("a venue cannot be merged with itself")
    with transaction.atomic():
        moved = 0
        for event in OutreachEvent.objects.filter(venue=other).select_related("venue"):
            before = history.snapshot(event, materials=False)
            event.venue = keep
            event.save(update_fields=["venue", "updated_at"])
            history.log_edited(event, before=before, user=user)
            moved += 1
        # Tracked links point at events, not venues: nothing else refers to a venue.
        gone = str(other)
        other.delete()
        log(
            instance=keep,
            action=MERGE,
            user=user,
            data={"merged": gone, "events": moved},
        )
    return moved


class VenueMergedFormatter(LogFormatter):
    label = gettext_lazy("Merge venues")

    def format_message(self, log_entry):
        data = log_entry.data or {}
        return gettext("Merged “%(venue)s” into this venue; %(events)s events moved") % {
            "venue": data.get("merged", ""),
            "events": data.get("events", 0),
        }


# --- Routine work -------------------------------------------------------------------------
def standing_campaign_name(team: Team, year: int) -> str:
    # Stored data, in the centre's language (like the teams' and venues' names).
    return f"{team.name} 日常宣传（{year}）"


def standing_campaign(team: Team, year: int) -> Campaign:
    """The team's routine outreach of the year (日常宣传), made when first asked for: it
    runs the whole year, so today's event can be recorded when every campaign has ended."""
    found = Campaign.objects.filter(standing_team=team, standing_year=year).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(
                name=standing_campaign_name(team, year)[:160],
                slug=f"richang-{team.pk}-{year}",
                start_date=datetime.date(year, 1, 1),
                end_date=datetime.date(year, 12, 31),
                description="日常宣传：不属于任何专项活动的宣传工作。",
                standing_team=team,
                standing_year=year,
            )
            campaign.teams.add(team)
    except IntegrityError:  # made at the same moment by another request
        return Campaign.objects.get(standing_team=team, standing_year=year)
    return campaign


def own_teams(user) -> QuerySet:
    """The teams the user belongs to or leads (not every team a manager sees)."""
    if not user.is_authenticated:
        return Team.objects.none()
    return Team.objects.filter(Q(members=user) | Q(lead=user)).distinct()


def standing_campaigns_for(user, year: int) -> list[Campaign]:
    """The routine campaigns of the user's own teams for the year, made if missing."""
    teams = list(own_teams(user))
    have = {
        campaign.standing_team_id: campaign
        for campaign in Campaign.objects.filter(standing_year=year, standing_team__in=teams)
    }
    return [have.get(team.pk) or standing_campaign(team, year) for team in teams]
