"""The JSON API (with its OpenAPI description), the big screen and the weekly email."""

import base64
import datetime

import pytest
from django.core import mail
from django.utils import timezone

from campaigns import services
from campaigns.tasks import send_weekly_summaries
from tests import factories


def basic(username, password="pw"):
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


@pytest.fixture
def approved(world):
    services.approve_event(event=world["event_a"], user=world["manager"])
    services.approve_event(event=world["event_b"], user=world["manager"])
    return world


def test_reach_api_requires_a_campaign_role(client, approved):
    assert client.get("/api/v1/reach/").status_code == 401
    assert client.get("/api/v1/reach/", **basic("editor")).status_code == 403
    assert client.get("/api/v1/reach/", **basic("coord_a", "wrong")).status_code == 401


def test_reach_api_returns_the_report_shape_scoped_to_the_users_teams(client, approved):
    data = client.get("/api/v1/reach/", **basic("coord_b")).json()
    assert data["totals"]["attendance"] == 70
    assert set(data) >= {
        "totals",
        "by_venue_type",
        "by_audience",
        "by_district",
        "by_format",
        "by_month",
    }
    assert client.get("/api/v1/reach/", **basic("manager")).json()["totals"]["attendance"] == 170


@pytest.mark.parametrize(
    "query", ["from=yesterday", "to=2026-13-01", "campaign=nope", "team=不存在"]
)
def test_reach_api_explains_bad_parameters(client, approved, query):
    response = client.get(f"/api/v1/reach/?{query}", **basic("manager"))
    assert response.status_code == 400 and response.json()["error"]


def test_coordinator_cannot_ask_for_another_teams_figures(client, approved):
    response = client.get(f"/api/v1/reach/?team={approved['team_a'].name}", **basic("coord_b"))
    assert response.status_code == 400


def test_materials_api_lists_published_materials(client, site_tree):
    factories.GuidePageFactory(parent=site_tree["library"], title="挂断再核实")
    factories.GuidePageFactory(parent=site_tree["library"], title="草稿", live=False)
    data = client.get("/api/v1/materials/?type=guide").json()
    assert [item["title"] for item in data["results"]] == ["挂断再核实"]
    assert client.get("/api/v1/materials/?limit=abc").status_code == 400
    assert client.get("/api/v1/materials/?lang=fr").status_code == 400


def test_openapi_schema_describes_both_endpoints(client, db):
    schema = client.get("/api/v1/schema.json").json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/reach/", "/api/v1/materials/"} <= set(schema["paths"])


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
        attendance=42,
        elders=0,
        students=0,
        general_public=0,
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
