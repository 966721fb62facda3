"""The reach API (who may read which figures), the big screen and the weekly email."""

import base64
import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from campaigns import workflow
from campaigns.tasks import send_weekly_summaries
from tests import factories
from tests.campaigns.report_shape import BREAKDOWNS


def basic(username, password="pw"):
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


@pytest.fixture
def approved(world):
    """Both teams' events approved; team A protected 20,000 yuan, team B 5,000.50 yuan."""
    for key, money in (("event_a", Decimal("20000")), ("event_b", Decimal("5000.50"))):
        world[key].money_protected_yuan = money
        world[key].save()
        workflow.approve_event(event=world[key], user=world["manager"])
    return world


def error_of(response) -> dict:
    """An API error: JSON with a message for people and a code for programs."""
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["error"] and body["code"], body
    return body


def test_anonymous_caller_is_asked_to_authenticate(client, approved):
    response = client.get("/api/v1/reach/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic")
    assert error_of(response)["code"] == "not_authenticated"
    response = client.get("/api/v1/reach/", **basic("coord_a", "wrong"))
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


def test_site_editor_is_refused_campaign_figures(client, approved):
    response = client.get("/api/v1/reach/", **basic("editor"))
    assert response.status_code == 403
    assert error_of(response)["code"] == "no_campaign_role"
    client.force_login(approved["editor"])
    assert client.get("/api/v1/reach/").status_code == 403


@pytest.mark.parametrize(
    ("username", "attendance", "money"),
    [
        ("coord_a", 100, "20000.00"),
        ("coord_b", 70, "5000.50"),
        ("lead_a", 100, "20000.00"),
        ("manager", 170, "25000.50"),
    ],
)
def test_reach_api_is_scoped_to_the_callers_teams(client, approved, username, attendance, money):
    data = client.get("/api/v1/reach/", **basic(username)).json()
    assert data["totals"]["attendance"] == attendance
    assert data["totals"]["money_protected_yuan"] == money


def test_session_login_reads_the_reach_api_too(client, approved):
    client.force_login(approved["coord_b"])
    assert client.get("/api/v1/reach/").json()["totals"]["attendance"] == 70


def test_reach_api_keeps_the_report_shape_and_adds_money_protected(client, approved):
    data = client.get("/api/v1/reach/", **basic("manager")).json()
    assert set(data) >= {"totals", *BREAKDOWNS}
    assert data["totals"] == {
        "events": 2,
        "attendance": 170,
        "materials_distributed": 60,
        "warnings": 4,
        "help_requests": 0,
        "videos_screened": 0,
        "staff_count": 2,  # one at each event (the default)
        "partner_events": 0,
        "qr_scans": 0,
        "unique_visitors": 0,
        "money_protected_yuan": "25000.50",
        "in_person_attendance": 170,  # both booths: nobody watched a live stream
        "live_stream_viewers": 0,
    }
    # Money protected is broken down like the other figures (both venues are markets,
    # both events booths, in May 2026); audience segments split attendance only.
    assert data["by_venue_type"]["market"]["money_protected_yuan"] == "25000.50"
    assert data["by_format"]["booth"]["money_protected_yuan"] == "25000.50"
    assert data["by_month"]["2026-05"]["money_protected_yuan"] == "25000.50"
    by_district = data["by_district"].values()
    assert sum(Decimal(row["money_protected_yuan"]) for row in by_district) == Decimal("25000.50")
    assert data["by_audience"]["students"]["attendance"] == 80
    assert data["by_audience"]["students"]["money_protected_yuan"] == "0.00"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("from=yesterday", "invalid_parameter"),
        ("to=2026-13-01", "invalid_parameter"),
        ("campaign=nope", "unknown_campaign"),
        ("team=不存在", "unknown_team"),
        ("from=2026-05-31&to=2026-05-01", "backwards_range"),  # as the dashboard's form
        # PostgreSQL refuses NUL in text: it was a 500 there.
        ("campaign=spring%00", "invalid_parameter"),
        ("team=%00", "invalid_parameter"),
    ],
)
def test_reach_api_explains_bad_parameters(client, approved, query, code):
    response = client.get(f"/api/v1/reach/?{query}", **basic("manager"))
    assert response.status_code == 400
    assert error_of(response)["code"] == code


def test_reach_api_filters_by_campaign_team_and_dates(client, approved):
    def attendance(query):
        response = client.get(f"/api/v1/reach/?{query}", **basic("manager"))
        return response.json()["totals"]["attendance"]

    assert attendance(f"campaign={approved['campaign'].slug}") == 170
    assert attendance(f"team={approved['team_b'].name}") == 70
    assert attendance("from=2026-05-01&to=2026-05-31") == 170
    assert attendance("from=2026-06-01&to=2026-06-30") == 0


def test_coordinator_cannot_ask_for_another_teams_figures(client, approved):
    response = client.get(f"/api/v1/reach/?team={approved['team_a'].name}", **basic("coord_b"))
    assert response.status_code == 400
    assert error_of(response)["code"] == "unknown_team"


def test_coordinator_cannot_name_a_campaign_only_other_teams_run(client, approved):
    only_a = factories.CampaignFactory(teams=[approved["team_a"]], slug="only-a")
    mine = client.get(f"/api/v1/reach/?campaign={only_a.slug}", **basic("coord_a"))
    assert mine.status_code == 200
    response = client.get(f"/api/v1/reach/?campaign={only_a.slug}", **basic("coord_b"))
    assert response.status_code == 400
    assert error_of(response)["code"] == "unknown_campaign"


def test_reach_api_errors_are_in_chinese_by_default(client, approved):
    response = client.get("/api/v1/reach/?campaign=nope", **basic("manager"))
    assert re.search(r"[\u4e00-\u9fff]", error_of(response)["error"])


def test_big_screen_shows_headline_figures_and_refreshes(client, approved):
    client.force_login(approved["lead_a"])
    response = client.get("/admin/campaigns/big-screen/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'http-equiv="refresh"' in html
    assert ">100<" in html  # lead A sees their team's 100 people, not 170
    client.force_login(approved["editor"])
    assert client.get("/admin/campaigns/big-screen/").status_code in (302, 403)


def test_weekly_summary_reaches_each_team_lead(world):
    last_week = timezone.now() - datetime.timedelta(days=3)
    event = factories.OutreachEventFactory(
        campaign=world["campaign"],
        team=world["team_a"],
        starts_at=last_week,
        ends_at=last_week + datetime.timedelta(hours=1),
        **factories.reached(42),
        status="approved",
    )
    world["campaign"].start_date = timezone.localdate() - datetime.timedelta(days=30)
    world["campaign"].end_date = timezone.localdate() + datetime.timedelta(days=30)
    world["campaign"].save()
    assert event.status == "approved"
    assert send_weekly_summaries() == 2
    to_lead_a = next(m for m in mail.outbox if m.to == ["lead_a@example.org"])
    assert "42" in to_lead_a.body
    assert world["team_a"].name in to_lead_a.subject

    # Beat firing twice (or a retried task) does not email anyone a second time.
    assert send_weekly_summaries() == 2
    assert len(mail.outbox) == 2
