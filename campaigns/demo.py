"""Demo outreach data: three teams, three campaigns, a year of events and QR scans, and
two screens (a bank lobby's that has played the demo playlist for a week, a market's that
has never reported).

Deterministic (seeded), created once; called by `manage.py load_campaigns_demo`.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from materials.models import Playlist, PlaylistItem

from . import reach, screens
from .models import (
    Campaign,
    CampaignTarget,
    CountMethod,
    District,
    EventFormat,
    EventMaterial,
    EventStatus,
    LinkVisit,
    OutreachEvent,
    Screen,
    ScreenPlays,
    TargetFigure,
    Team,
    TrackedLink,
    Venue,
    VenueType,
)
from .permissions import COORDINATORS, MANAGERS, TEAM_LEADS

# Local-only demo accounts, documented in the README.
DEMO_ACCOUNTS = [
    # username, password, group, team index (None: all teams)
    ("manager", "fangzha-manager", MANAGERS, None),
    ("lead_jiangnan", "fangzha-lead", TEAM_LEADS, 0),
    ("coord_jiangnan", "fangzha-coord", COORDINATORS, 0),
    ("coord_hexi", "fangzha-coord", COORDINATORS, 1),
    ("lead_hexi", "fangzha-lead", TEAM_LEADS, 1),
]

TEAMS = [
    ("江南区反诈中心", "江南区"),
    ("河西派出所", "河西区"),
    ("城北社区警务室", "城北区"),
]

VENUES = {
    VenueType.MARKET: ["东门菜市场", "青石桥农贸市场", "河西综合市场"],
    VenueType.BANK: ["工商银行江南支行", "农业银行河西营业部", "邮储银行城北网点"],
    VenueType.SCHOOL: ["江城第三中学", "河西实验小学"],
    VenueType.UNIVERSITY: ["江城大学", "江城职业技术学院"],
    VenueType.COMMUNITY: ["幸福里社区", "桂花苑社区", "滨江花园社区"],
    VenueType.VILLAGE: ["石岭村", "柳湾村"],
    VenueType.ENTERPRISE: ["江城电子厂", "城北物流园"],
    VenueType.HOSPITAL: ["江城市人民医院"],
    VenueType.TRANSPORT: ["江城火车站", "汽车客运总站"],
    VenueType.ONLINE: ["反诈直播间"],
}
FORMATS_BY_VENUE = {
    VenueType.MARKET: [EventFormat.BOOTH],
    VenueType.BANK: [EventFormat.SCREENING, EventFormat.BOOTH],
    VenueType.SCHOOL: [EventFormat.TALK, EventFormat.SCREENING],
    VenueType.UNIVERSITY: [EventFormat.TALK, EventFormat.TRAINING],
    VenueType.COMMUNITY: [EventFormat.DOOR_TO_DOOR, EventFormat.TALK],
    VenueType.VILLAGE: [EventFormat.DOOR_TO_DOOR, EventFormat.BOOTH],
    VenueType.ENTERPRISE: [EventFormat.TRAINING],
    VenueType.HOSPITAL: [EventFormat.BOOTH, EventFormat.SCREENING],
    VenueType.TRANSPORT: [EventFormat.BOOTH],
    VenueType.ONLINE: [EventFormat.ONLINE_LIVE],
}


def load_campaign_demo(*, today: datetime.date | None = None, events: int = 330) -> bool:
    """Create the demo once; returns False if teams already exist (the demo accounts
    then get the README's passwords back, as `make demo` promises)."""
    if Team.objects.exists():
        if Team.objects.filter(name=TEAMS[0][0]).exists():  # the demo's own data
            _reset_passwords()
            if not Screen.objects.exists():  # a demo loaded before screens existed
                with transaction.atomic():
                    _screens(today or timezone.localdate())
        return False
    rng = random.Random(96110)  # noqa: S311 - demo data, not security
    today = today or timezone.localdate()
    year_ago = today - datetime.timedelta(days=364)
    with transaction.atomic():
        users = _accounts()
        districts = {
            name: District.objects.get_or_create(name=name, defaults={"order": order})[0]
            for order, (_team, name) in enumerate(TEAMS)
        }
        teams = []
        for index, (name, district) in enumerate(TEAMS):
            team = Team.objects.create(name=name, district=district)
            teams.append(team)
            for username, _password, group, team_index in DEMO_ACCOUNTS:
                if team_index == index:
                    if group == TEAM_LEADS:
                        team.lead = users[username]
                        team.save()
                    team.members.add(users[username])
        campaigns = _campaigns(teams, today, year_ago)
        venues = [
            Venue.objects.create(
                name=name, venue_type=venue_type, district=districts[TEAMS[i % len(TEAMS)][1]]
            )
            for venue_type, names in VENUES.items()
            for i, name in enumerate(names)
        ]
        materials = list(
            Page.objects.live()
            .filter(
                locale__language_code="zh-hans",
                content_type__model__in=["posterpage", "guidepage", "videopage"],
            )
            .values_list("pk", flat=True)
        )
        created = _events(rng, teams, campaigns, venues, materials, users, year_ago, events)
        _links_and_scans(rng, campaigns, created, materials, today)
        _screens(today)
        reach.rebuild_reach_rollups()
    return True


def _reset_passwords():
    """The demo accounts that exist get their README passwords back; none is created
    (a database whose teams are not the demo's is left alone)."""
    model = get_user_model()
    passwords = {username: password for username, password, _g, _t in DEMO_ACCOUNTS}
    for user in model.objects.filter(username__in=passwords):
        user.set_password(passwords[user.username])
        user.save(update_fields=["password"])


def _accounts():
    users = {}
    model = get_user_model()
    for username, password, group, _team in DEMO_ACCOUNTS:
        user, _ = model.objects.get_or_create(
            username=username, defaults={"email": f"{username}@fangzha.example"}
        )
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=group))
        users[username] = user
    return users


def _campaigns(teams, today, year_ago):
    specs = [
        (
            "守护“钱袋子”：老年人防骗宣传月",
            "elders-pension-2026",
            year_ago,
            year_ago + datetime.timedelta(days=150),
            teams,
            120,
            15000,
            30000,
            Decimal("48000"),
        ),
        (
            "校园反诈进课堂",
            "campus-2026",
            year_ago + datetime.timedelta(days=120),
            today,
            teams[:2],
            80,
            12000,
            20000,
            Decimal("30000"),
        ),
        ("全民反诈在行动", "everyone-2026", year_ago, today, teams, 150, 30000, 50000, None),
    ]
    campaigns = []
    for name, slug, start, end, campaign_teams, events, people, materials, budget in specs:
        campaign = Campaign.objects.create(
            name=name,
            slug=slug,
            start_date=start,
            end_date=end,
            target_events=events,
            target_people=people,
            target_materials=materials,
            budget_yuan=budget,
        )
        campaign.teams.set(campaign_teams)
        targets = [
            CampaignTarget(campaign=campaign, figure=TargetFigure.EVENTS, value=events),
            CampaignTarget(campaign=campaign, figure=TargetFigure.IN_PERSON, value=people),
            CampaignTarget(campaign=campaign, figure=TargetFigure.MATERIALS, value=materials),
        ]
        targets += [  # each team its share of the people to reach in person
            CampaignTarget(
                campaign=campaign,
                team=team,
                figure=TargetFigure.IN_PERSON,
                value=people // len(campaign_teams),
            )
            for team in campaign_teams
        ]
        CampaignTarget.objects.bulk_create(targets)
        campaigns.append(campaign)
    return campaigns


def _events(rng, teams, campaigns, venues, materials, users, year_ago, count):
    tz = timezone.get_current_timezone()
    coordinators = [users["coord_jiangnan"], users["coord_hexi"], users["manager"]]
    statuses = (
        [EventStatus.APPROVED] * 85
        + [EventStatus.SUBMITTED] * 8
        + [EventStatus.DRAFT] * 5
        + [EventStatus.RETURNED] * 2
    )
    events, lines = [], []
    for index in range(count):
        campaign = rng.choice(campaigns)
        team = rng.choice(list(campaign.teams.all()))
        span = (campaign.end_date - campaign.start_date).days
        day = campaign.start_date + datetime.timedelta(days=rng.randint(0, span))
        venue = rng.choice(venues)
        start = datetime.datetime.combine(day, datetime.time(rng.choice([9, 10, 14, 15])), tz)
        attendance = (
            rng.randint(20, 400) if venue.venue_type != VenueType.ONLINE else rng.randint(300, 3000)
        )
        elders = rng.randint(0, attendance // 2)
        students = rng.randint(0, (attendance - elders) // 2)
        general = rng.randint(0, attendance - elders - students)
        status = rng.choice(statuses)
        event = OutreachEvent(
            campaign=campaign,
            team=team,
            venue=venue,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=rng.choice([1, 2, 3])),
            format=rng.choice(FORMATS_BY_VENUE[venue.venue_type]),
            attendance=attendance,
            elders=elders,
            students=students,
            general_public=general,
            attendance_method=rng.choice(list(CountMethod.values)),
            materials_distributed=0,
            videos_screened=rng.randint(0, 3),
            help_requests=rng.randint(0, 12),
            warnings=rng.randint(0, 3),
            money_protected_yuan=Decimal(rng.choice([0, 0, 0, 5000, 20000, 86000])),
            staff_count=rng.randint(2, 8),
            status=status,
            review_comment="请补充签到表照片。" if status == EventStatus.RETURNED else "",
            created_by=rng.choice(coordinators),
            external_id=f"DEMO-{index + 1:04d}",
        )
        events.append(event)
    OutreachEvent.objects.bulk_create(events)
    for event in events:
        total = 0
        for material in rng.sample(materials, k=min(len(materials), rng.randint(1, 3))):
            quantity = rng.randint(10, 120)
            total += quantity
            lines.append(EventMaterial(event=event, material_id=material, quantity=quantity))
        event.materials_distributed = total
    EventMaterial.objects.bulk_create(lines)
    OutreachEvent.objects.bulk_update(events, ["materials_distributed"])
    return events


def _links_and_scans(rng, campaigns, events, materials, today):
    links = [
        TrackedLink.objects.create(
            campaign=campaign, target_id=material, label=f"{campaign.slug}-{material}"
        )
        for campaign in campaigns
        for material in rng.sample(materials, k=min(3, len(materials)))
    ]
    visits = []
    for link in links:
        for offset in range(0, 360, 3):
            day = today - datetime.timedelta(days=offset)
            for visitor in range(rng.randint(0, 6)):
                visits.append(
                    LinkVisit(
                        link=link,
                        day=day,
                        visitor=f"demo{offset}-{visitor}",
                        scans=rng.randint(1, 3),
                    )
                )
    LinkVisit.objects.bulk_create(visits)


# The demo's screens: (name, team index, venue, whether it has reported), at venues of
# each team's district, playing materials' demo playlist for the campaign of every team.
# Not at 工商银行江南支行: the screen player's browser test registers its screen there and
# reads that venue's figures.
DEMO_SCREENS = [
    ("农业银行河西营业部 大厅屏", 1, "农业银行河西营业部", True),
    ("东门菜市场 入口屏", 0, "东门菜市场", False),
]
PLAYED_DAYS = 7


def _screens(today: datetime.date) -> None:
    """Two screens at demo venues: a bank lobby's (河西) with a week of plays and QR scans
    of what it showed, so the dashboard's 网点与市场屏幕播放 has figures; a market's (江南)
    never heard from, so the screens list shows it 离线. Needs the demo playlist
    (materials' load_demo); without one, no screen is made."""
    playlist = Playlist.objects.filter(items__isnull=False).order_by("pk").first()
    campaign = Campaign.objects.filter(slug="everyone-2026").first()
    if playlist is None or campaign is None:
        return
    teams = {team.name: team for team in Team.objects.filter(name__in=[t for t, _d in TEAMS])}
    coordinators = {"江南区反诈中心": "coord_jiangnan", "河西派出所": "coord_hexi"}
    users = {
        user.username: user
        for user in get_user_model().objects.filter(username__in=coordinators.values())
    }
    items = list(PlaylistItem.objects.filter(playlist=playlist).select_related("page"))
    rng = random.Random(96110)  # noqa: S311 - demo data, not security
    for name, team_index, venue_name, reported in DEMO_SCREENS:
        team = teams.get(TEAMS[team_index][0])
        if team is None:
            return
        screen = Screen.objects.create(
            name=name,
            team=team,
            venue=Venue.objects.get(name=venue_name),
            campaign=campaign,
            playlist=playlist,
            created_by=users.get(coordinators.get(team.name)),
        )
        if reported:
            _plays(rng, screen, items, today)


def _plays(rng, screen, items, today) -> None:
    """A week of plays, as the player would have reported them (open 9–17h, looping),
    and a few scans of the QR codes it showed."""
    rows = []
    for offset in range(PLAYED_DAYS):
        day = today - datetime.timedelta(days=offset)
        for item in items:
            seconds = item.duration_seconds or 30
            plays = rng.randint(40, 90)
            rows.append(
                ScreenPlays(
                    screen=screen,
                    day=day,
                    item_id=item.pk,
                    page_id=item.page_id,
                    label=(item.page.title if item.page_id else item.title)[:255],
                    plays=plays,
                    seconds=plays * seconds,
                )
            )
    ScreenPlays.objects.bulk_create(rows)
    links = screens.qr_links(screen, {item.page_id for item in items if item.page_id})
    LinkVisit.objects.bulk_create(
        LinkVisit(
            link=link,
            day=today - datetime.timedelta(days=offset),
            visitor=f"screen{offset}-{visitor}",
            scans=1,
        )
        for link in links.values()
        for offset in range(PLAYED_DAYS)
        for visitor in range(rng.randint(0, 3))
    )
    screen.mark_seen(timezone.now())
