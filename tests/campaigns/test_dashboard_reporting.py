"""The manager's dashboard (issue 13): in-person attendance and live-stream viewers apart
(and so in the API and weekly summary), targets with pacing, the team comparison,
thousands separators, charts with axes and the year, refused date ranges, the XLSX
export and printable page, the coverage table, and who sees what of all of it."""

import base64
import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns import models, selectors
from campaigns.tasks import send_weekly_summary
from tests import factories

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), SHANGHAI)


def approved_event(world, team_key, day, attendance, *, venue=None, fmt="booth", **figures):
    figures.setdefault("elders", 0)
    figures.setdefault("students", 0)
    figures.setdefault("general_public", 0)
    return factories.OutreachEventFactory(
        campaign=world["campaign"],
        team=world[team_key],
        venue=venue or factories.VenueFactory(),
        starts_at=at(day),
        ends_at=at(day, 12),
        format=fmt,
        attendance=attendance,
        status="approved",
        **figures,
    )


@pytest.fixture
def reach(world):
    """Team A: a market booth of 810 people and a live stream watched by 190 (19% of
    the 1,000 once reported as 现场覆盖人数); team B: a talk of 12,345 people in May."""
    live_room = factories.VenueFactory(name="反诈直播间", venue_type="online", district="江南区")
    market = factories.VenueFactory(name="东门  菜市场", venue_type="market", district="江南区")
    hall = factories.VenueFactory(name="河西 文化礼堂", venue_type="community", district="河西区")
    may = datetime.date(2026, 5, 12)
    world["booth"] = approved_event(world, "team_a", may, 810, venue=market, warnings=3)
    world["live"] = approved_event(world, "team_a", may, 190, venue=live_room, fmt="online_live")
    world["talk"] = approved_event(
        world,
        "team_b",
        datetime.date(2026, 5, 20),
        12345,
        venue=hall,
        fmt="talk",
        money_protected_yuan=Decimal("23456.50"),
    )
    return world


def basic(username):
    token = base64.b64encode(f"{username}:pw".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def headline(html: str, figure: str) -> str:
    found = re.search(rf'data-figure="{figure}">([^<]*)<', html)
    assert found, f"no headline {figure}"
    return found.group(1)


# --- In person, live stream, QR scans apart -------------------------------------------
def test_live_stream_viewers_are_a_headline_apart_from_people_in_the_room(client, reach):
    client.force_login(reach["lead_a"])
    response = client.get("/admin/campaigns/reach/")
    html = response.content.decode()
    assert headline(html, "in_person_attendance") == "810"
    assert headline(html, "live_stream_viewers") == "190"
    assert headline(html, "qr_scans") == "0"
    assert "线上直播观看人数" in html
    totals = response.context["report"]["totals"]
    assert totals["attendance"] == totals["in_person_attendance"] + totals["live_stream_viewers"]


def test_the_api_shows_the_same_split_as_the_dashboard(client, reach):
    data = client.get("/api/v1/reach/", **basic("manager")).json()
    assert data["totals"]["in_person_attendance"] == 810 + 12345
    assert data["totals"]["live_stream_viewers"] == 190
    assert data["totals"]["attendance"] == 810 + 12345 + 190
    may = data["by_month"]["2026-05"]
    assert (may["in_person_attendance"], may["live_stream_viewers"]) == (13155, 190)
    client.force_login(reach["manager"])
    html = client.get("/admin/campaigns/reach/").content.decode()
    assert headline(html, "in_person_attendance") == "13,155"


def test_the_weekly_summary_shows_the_same_split(reach):
    assert send_weekly_summary(reach["team_a"].pk, "2026-05-11")
    body = mail.outbox[-1].body
    assert re.search(r"现场覆盖人数[:：]\s*810\b", body), body
    assert re.search(r"线上直播观看人数[:：]\s*190\b", body), body


# --- Numbers and charts ------------------------------------------------------------------
def test_figures_have_thousands_separators_everywhere(client, reach):
    client.force_login(reach["manager"])
    html = client.get("/admin/campaigns/reach/").content.decode()
    assert headline(html, "in_person_attendance") == "13,155"
    team_row = re.search(r"<tr><td>B队</td>.*?</tr>", html, re.S).group(0)
    assert "12,345" in team_row and "12345" not in team_row
    assert "12345" not in re.sub(r"<[^>]+>", " ", html).replace("12,345", "")


def test_the_month_chart_has_axes_value_labels_and_the_year(client, reach):
    client.force_login(reach["manager"])
    html = client.get("/admin/campaigns/reach/").content.decode()
    chart = re.search(r'<svg class="column-chart".*?</svg>', html, re.S).group(0)
    assert chart.count('class="axis"') == 2
    assert "2026年" in chart
    assert ">13,345<" in chart  # May's column carries its value (810 + 190 + 12,345)
    ticks = re.findall(r'text-anchor="end">([\d,]+)<', chart)
    assert ticks[0] == "0" and len(ticks) >= 3 and ticks[-1].replace(",", "").isdigit()
    assert int(ticks[-1].replace(",", "")) >= 13345


def test_bar_charts_have_a_value_axis_and_the_period(client, reach):
    client.force_login(reach["manager"])
    response = client.get("/admin/campaigns/reach/")
    html = response.content.decode()
    assert response.context["period"] == "2026年5月"
    titles = re.findall(r'<h3 class="w-h3">([^<]*)</h3>', html)
    assert sum(title.endswith(" · 2026年5月") for title in titles) == 4, titles
    assert html.count('class="bar-axis"') == 4


# --- Date ranges that make no sense ------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("date_from=2026-05-31&date_to=2026-05-01", "截止日期早于起始日期"),
        ("date_from=2026-13-40", "输入一个有效的日期"),
        ("date_to=明天", "输入一个有效的日期"),
        ("date_from=2026年5月31日&date_to=2026年5月1日", "截止日期早于起始日期"),
    ],
)
def test_an_invalid_date_range_shows_the_error_and_no_figures(client, reach, query, message):
    client.force_login(reach["manager"])
    response = client.get(f"/admin/campaigns/reach/?{query}")
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "data-figure" not in html and "13,155" not in html and "12,345" not in html
    assert "report" not in response.context
    export = client.get(f"/admin/campaigns/reach/export.xlsx?{query}")
    assert export.status_code == 400 and message in export.content.decode()
    printed = client.get(f"/admin/campaigns/reach/print/?{query}")
    assert printed.status_code == 400 and message in printed.content.decode()
    assert "13,155" not in printed.content.decode()


# --- Targets and pacing ------------------------------------------------------------------
@pytest.fixture
def targets(reach):
    campaign = reach["campaign"]  # 2026-01-01 – 2026-12-31
    make = models.CampaignTarget.objects.create
    make(campaign=campaign, team=None, figure="in_person", value=20000)
    make(campaign=campaign, team=reach["team_a"], figure="in_person", value=1000)
    make(campaign=campaign, team=reach["team_b"], figure="in_person", value=40000)
    make(campaign=campaign, team=reach["team_b"], figure="money_protected_yuan", value=50000)
    return reach


def test_pacing_compares_the_period_elapsed_with_the_target_reached(targets):
    rows = selectors.target_progress(user=targets["manager"], today=datetime.date(2026, 7, 2))
    by_key = {(row["team"].name if row["team"] else None, row["figure"]): row for row in rows}
    campaign_wide = by_key[(None, "in_person")]
    assert campaign_wide["actual"] == 13155  # in person only: the live stream is apart
    assert campaign_wide["elapsed_percent"] == 50  # 183 of 365 days
    assert (campaign_wide["reached_percent"], campaign_wide["status"]) == (66, "ahead")
    assert by_key[("A队", "in_person")]["status"] == "ahead"  # 81% reached
    assert by_key[("B队", "in_person")]["status"] == "behind"  # 31% reached
    money = by_key[("B队", "money_protected_yuan")]
    assert money["actual"] == Decimal("23456.50") and money["status"] == "on_pace"  # 47%


def test_pacing_counts_days_in_beijing_time(targets, monkeypatch):
    # 16:30 UTC on 30 June is 00:30 on 1 July in Beijing: 182 days have begun, not 181.
    monkeypatch.setattr(
        timezone, "now", lambda: datetime.datetime(2026, 6, 30, 16, 30, tzinfo=datetime.UTC)
    )
    rows = selectors.target_progress(user=targets["manager"])
    assert {row["elapsed_percent"] for row in rows} == {round(100 * 182 / 365)}


def test_the_dashboard_shows_pacing_in_plain_words(client, targets):
    client.force_login(targets["manager"])
    html = client.get("/admin/campaigns/reach/").content.decode()
    section = re.search(r'id="targets-heading".*?</section>', html, re.S).group(0)
    assert "整个宣传活动" in section and "20,000" in section and "13,155" in section
    assert "落后" in section  # on 2026-12-01 or later every target here is behind
    assert "2.35万元 / 5万元" in section


def test_leads_see_their_teams_targets_only(client, targets):
    client.force_login(targets["lead_a"])
    html = client.get("/admin/campaigns/reach/").content.decode()
    section = re.search(r'id="targets-heading".*?</section>', html, re.S).group(0)
    assert "A队" in section and "1,000" in section
    assert "B队" not in section and "40,000" not in section
    assert "整个宣传活动" not in section  # its progress counts team B's figures


def test_managers_set_targets_on_the_campaigns_form(client, world):
    client.force_login(world["manager"])
    campaign = world["campaign"]
    url = f"/admin/campaigns/campaigns/edit/{campaign.pk}/"
    form = client.get(url)
    assert form.status_code == 200 and "targets-TOTAL_FORMS" in form.content.decode()
    data = {
        "name": campaign.name,
        "slug": campaign.slug,
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "description": "",
        "teams": [world["team_a"].pk, world["team_b"].pk],
        "budget_yuan": "",
        "targets-TOTAL_FORMS": "2",
        "targets-INITIAL_FORMS": "0",
        "targets-MIN_NUM_FORMS": "0",
        "targets-MAX_NUM_FORMS": "1000",
        "targets-0-team": "",
        "targets-0-figure": "events",
        "targets-0-value": "120",
        "targets-1-team": str(world["team_a"].pk),
        "targets-1-figure": "in_person",
        "targets-1-value": "8000",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    stored = set(campaign.targets.values_list("team__name", "figure", "value"))
    assert stored == {(None, "events", Decimal("120")), ("A队", "in_person", Decimal("8000"))}


# --- Team comparison -----------------------------------------------------------------------
def test_the_team_comparison_table_compares_the_teams(client, reach):
    rows = selectors.team_comparison(user=reach["manager"])
    assert [(r["team"], r["in_person_attendance"], r["live_stream_viewers"]) for r in rows] == [
        ("B队", 12345, 0),
        ("A队", 810, 190),
    ]
    assert [r["share_percent"] for r in rows] == [94, 6]
    assert [r["team"] for r in selectors.team_comparison(user=reach["lead_a"])] == ["A队"]


# --- Coverage ------------------------------------------------------------------------------
@pytest.fixture
def coverage_world(world):
    today = timezone.localdate(timezone=timezone.get_default_timezone())
    campaign = world["campaign"]
    campaign.start_date, campaign.end_date = today - datetime.timedelta(days=365), today
    campaign.save()
    world["market"] = factories.VenueFactory(
        name="东门菜市场", venue_type="market", district="江南区"
    )
    world["bank"] = factories.VenueFactory(
        name="农商银行 江南支行", venue_type="bank", district="江南区"
    )
    world["school"] = factories.VenueFactory(
        name="河西实验小学", venue_type="school", district="河西区"
    )
    world["village"] = factories.VenueFactory(
        name="柳树村", venue_type="village", district="河西区"
    )
    approved_event(world, "team_a", today - datetime.timedelta(days=10), 50, venue=world["market"])
    approved_event(world, "team_a", today - datetime.timedelta(days=100), 50, venue=world["bank"])
    approved_event(world, "team_b", today - datetime.timedelta(days=5), 50, venue=world["village"])
    factories.OutreachEventFactory(  # a draft is no coverage
        campaign=campaign,
        team=world["team_b"],
        venue=world["school"],
        starts_at=at(today - datetime.timedelta(days=3)),
        ends_at=at(today - datetime.timedelta(days=3), 12),
    )
    return world


def test_coverage_lists_venues_and_districts_without_an_approved_event(client, coverage_world):
    from campaigns.coverage import venue_coverage

    data = venue_coverage(user=coverage_world["manager"])
    by_type = {row["venue_type"]: row for row in data["by_venue_type"]}
    # The market had an event 10 days ago; the world's two submitted events' markets not.
    assert "东门菜市场（江南区）" not in by_type["market"]["uncovered_venues"]
    assert by_type["market"]["uncovered"] == 2 == len(by_type["market"]["uncovered_venues"])
    assert by_type["bank"]["uncovered_venues"] == ["农商银行 江南支行（江南区）"]
    assert by_type["bank"]["uncovered_districts"] == ["江南区"]
    assert by_type["school"]["uncovered_districts"] == ["河西区"]
    assert by_type["village"]["uncovered"] == 0
    # Each district had an approved event somewhere: neither is wholly uncovered.
    assert not {"江南区", "河西区"} & set(data["uncovered_districts"])
    client.force_login(coverage_world["manager"])
    html = client.get("/admin/campaigns/reach/").content.decode()
    section = re.search(r'id="coverage-heading".*?</section>', html, re.S).group(0)
    assert "90" in section and "农商银行 江南支行（江南区）" in section
    assert "河西实验小学" in section


def test_coverage_names_a_district_with_no_approved_event(coverage_world):
    from campaigns.coverage import venue_coverage

    factories.VenueFactory(name="新区 社区服务中心", venue_type="community", district="高新区")
    data = venue_coverage(user=coverage_world["manager"])
    assert "高新区" in data["uncovered_districts"]


# --- Export and printable page ------------------------------------------------------------
def workbook_of(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return openpyxl.load_workbook(io.BytesIO(response.content))


def all_text(workbook) -> str:
    return " ".join(
        str(cell)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    )


def test_the_export_has_the_dashboards_tables_charts_and_typed_numbers(client, targets):
    client.force_login(targets["manager"])
    book = workbook_of(client.get("/admin/campaigns/reach/export.xlsx"))
    assert book.sheetnames[:3] == ["总览", "按月", "按场所类型"]
    assert {"目标进度", "各单位对比", "覆盖情况"} <= set(book.sheetnames)
    overview = {row[0]: row[1] for row in book["总览"].iter_rows(min_row=3, values_only=True)}
    assert overview["现场覆盖人数"] == 13155 and overview["线上直播观看人数"] == 190
    in_person = next(c for c in book["总览"]["B"] if c.value == 13155)
    assert in_person.number_format == "#,##0"
    for name in ("按月", "按场所类型", "按受众", "按辖区", "按形式", "各单位对比"):
        assert len(book[name]._charts) == 1, name
    teams = list(book["各单位对比"].iter_rows(min_row=3, values_only=True))
    assert teams[0][:3] == ("B队", 1, 12345)


def test_a_leads_export_contains_only_their_teams(client, targets):
    client.force_login(targets["lead_a"])
    book = workbook_of(client.get("/admin/campaigns/reach/export.xlsx"))
    text = all_text(book)
    assert "B队" not in text and "12345" not in text and "40000" not in text
    overview = {row[0]: row[1] for row in book["总览"].iter_rows(min_row=3, values_only=True)}
    assert overview["现场覆盖人数"] == 810 and overview["线上直播观看人数"] == 190
    # Asking for team B's figures by URL gives the form's error, not B's figures.
    refused = client.get(f"/admin/campaigns/reach/export.xlsx?team={targets['team_b'].pk}")
    assert refused.status_code == 400 and "12345" not in refused.content.decode()


def test_the_printable_page_is_an_a4_page_with_the_figures(client, targets):
    client.force_login(targets["manager"])
    response = client.get("/admin/campaigns/reach/print/?date_from=2026-05-01&date_to=2026-05-31")
    html = response.content.decode()
    assert response.status_code == 200
    assert "@page" in html and "A4" in html
    assert headline(html, "in_person_attendance") == "13,155"
    assert "2026年5月1日" in html and "各单位对比" in html and "wagtail" not in html.lower()


# --- Who sees what -------------------------------------------------------------------------
URLS = {
    "dashboard": "/admin/campaigns/reach/",
    "print": "/admin/campaigns/reach/print/",
    "export": "/admin/campaigns/reach/export.xlsx",
}


@pytest.mark.parametrize("screen", URLS)
@pytest.mark.parametrize("role", ["anonymous", "editor", "coord_a", "lead_a", "lead_b", "manager"])
def test_who_may_open_the_dashboard_its_print_and_its_export(client, targets, role, screen):
    if role != "anonymous":
        client.force_login(targets[role])
    response = client.get(URLS[screen])
    if role == "anonymous":
        assert response.status_code == 302 and "/login/" in response["Location"]
        return
    if role == "editor":
        assert response.status_code in (302, 403)
        assert b"12345" not in response.content and "A队".encode() not in response.content
        return
    assert response.status_code == 200
    if screen == "export":
        text = all_text(openpyxl.load_workbook(io.BytesIO(response.content)))
    else:
        text = response.content.decode()
    own, other = ("A队", "B队") if role in ("coord_a", "lead_a") else ("B队", "A队")
    assert own in text
    if role != "manager":
        assert other not in text
        assert ("12,345" in text or "12345" in text) == (own == "B队")


# --- Bounded queries -----------------------------------------------------------------------
def test_the_dashboard_and_export_read_in_a_bounded_number_of_queries(client, targets):
    client.force_login(targets["manager"])
    for url in ("/admin/campaigns/reach/", "/admin/campaigns/reach/export.xlsx"):
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            assert client.get(url).status_code == 200
        for n in range(15):
            venue = factories.VenueFactory(venue_type="school", district=f"第{n}区")
            approved_event(targets, "team_a", datetime.date(2026, 3, 1 + n), 10 + n, venue=venue)
            team = factories.TeamFactory()
            targets["campaign"].teams.add(team)
            models.CampaignTarget.objects.create(
                campaign=targets["campaign"], team=team, figure="events", value=5
            )
        with CaptureQueriesContext(connection) as many:
            assert client.get(url).status_code == 200
        assert len(many) == len(few) <= 40, (url, len(few), len(many))


NEW_ENGLISH = (
    "Live-stream viewers",
    "Targets and pacing",
    "Team comparison",
    "Coverage",
    "Ahead of pace",
    "Behind pace",
    "On pace",
    "Printable page",
    "Download XLSX",
    "Whole campaign",
    "Year 2026",
    "of the target reached",
    "Venues without an event",
    "Printed ",
    "Leave empty for a target",
)


def test_the_new_screens_speak_chinese(client, targets):
    client.force_login(targets["manager"])
    campaign = targets["campaign"]
    for url in (
        "/admin/campaigns/reach/",
        "/admin/campaigns/reach/print/",
        f"/admin/campaigns/campaigns/edit/{campaign.pk}/",
    ):
        html = client.get(url).content.decode()
        assert not [text for text in NEW_ENGLISH if text in html], url
    book = workbook_of(client.get("/admin/campaigns/reach/export.xlsx"))
    text = all_text(book)
    assert not [word for word in NEW_ENGLISH if word in text]
    assert not re.search(r"[A-Za-z]{4,}", " ".join(book.sheetnames))


def campaign_post(world, **targets):
    campaign = world["campaign"]
    data = {
        "name": campaign.name,
        "slug": campaign.slug,
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "description": "",
        "teams": [world["team_a"].pk],
        "budget_yuan": "",
        "targets-INITIAL_FORMS": "0",
        "targets-MIN_NUM_FORMS": "0",
        "targets-MAX_NUM_FORMS": "1000",
        "targets-TOTAL_FORMS": str(len(targets)),
    }
    for index, (team, figure, value) in enumerate(targets.values()):
        data |= {
            f"targets-{index}-team": str(team.pk) if team else "",
            f"targets-{index}-figure": figure,
            f"targets-{index}-value": value,
        }
    return data


def test_a_second_campaign_wide_target_for_a_figure_is_an_error_not_a_crash(client, world):
    client.force_login(world["manager"])
    url = f"/admin/campaigns/campaigns/edit/{world['campaign'].pk}/"
    data = campaign_post(
        world, one=(None, "in_person", "20000"), two=(None, "in_person", " 30000 ")
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "整个宣传活动的“现场覆盖人数”已有目标" in response.content.decode()
    assert not models.CampaignTarget.objects.exists()


def test_a_target_for_a_team_outside_the_campaign_is_refused(client, world):
    client.force_login(world["manager"])
    url = f"/admin/campaigns/campaigns/edit/{world['campaign'].pk}/"
    data = campaign_post(world, one=(world["team_b"], "events", "12"))  # teams: A only
    response = client.post(url, data)
    assert response.status_code == 200
    assert "“B队”没有参加本宣传活动" in response.content.decode()
    assert not models.CampaignTarget.objects.exists()


def screens_that_reported(world, page, count: int, *, first: int = 0) -> None:
    """Screens at banks and markets of several districts, each having shown three items
    over three days, with QR scans of what they showed (as campaigns.screens keeps them)."""
    from materials.models import Playlist, PlaylistItem

    playlist = Playlist.objects.create(name=f"大厅轮播{first}")
    items = [
        PlaylistItem.objects.create(playlist=playlist, title=title, sort_order=n)
        for n, title in enumerate(("转账前先核实", "不点陌生链接", "96110 反诈专线"))
    ]
    for n in range(first, first + count):
        venue = factories.VenueFactory(
            name=f"第{n}网点", venue_type=("bank", "market")[n % 2], district=f"第{n % 3}区"
        )
        screen = models.Screen.objects.create(
            name=f"{n}号屏",
            team=world["team_a"] if n % 2 else world["team_b"],
            venue=venue,
            campaign=world["campaign"],
            playlist=playlist,
            created_by=world["coord_a"],
        )
        for day in range(3):
            for item in items:
                models.ScreenPlays.objects.create(
                    screen=screen,
                    day=datetime.date(2026, 6, 1 + day),
                    item_id=item.pk,
                    label=item.title,
                    plays=12 + n,
                    seconds=(12 + n) * 15,
                )
        link = models.TrackedLink.objects.create(
            screen=screen, campaign=world["campaign"], target=page, label=f"屏幕：{screen.name}"
        )
        models.LinkVisit.objects.create(link=link, day=datetime.date(2026, 6, 2), visitor=f"v{n}")


def test_screens_that_reported_cost_the_dashboard_no_more_queries(client, targets, site_tree):
    """The screens section reads its totals, breakdowns, materials and scans at once:
    the dashboard with screens that reported stays within its budget without them,
    however many screens, venues and districts there are."""
    client.force_login(targets["manager"])
    url = "/admin/campaigns/reach/"
    client.get(url)
    with CaptureQueriesContext(connection) as without:
        assert client.get(url).status_code == 200
    poster = factories.PosterPageFactory(parent=site_tree["library"], title="公检法不会电话办案")
    screens_that_reported(targets, poster, 2)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    figures = response.context["screens"]
    assert figures["totals"]["screens"] == 2 and figures["totals"]["plays"] == 9 * (12 + 13)
    assert figures["totals"]["qr_scans"] == 2
    screens_that_reported(targets, poster, 6, first=2)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.context["screens"]["totals"]["screens"] == 8
    assert len(few) == len(many) == len(without), (len(without), len(few), len(many))
