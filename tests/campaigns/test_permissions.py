"""The permission matrix, enforced on the URLs themselves (list, edit, approve, export,
dashboard, QR codes), not by hiding menu items."""

import pytest

from campaigns import selectors

EDIT = "/admin/campaigns/events/edit/{pk}/"


def login(client, user):
    client.force_login(user)
    return client


def test_coordinator_lists_only_their_teams_events(client, world):
    html = login(client, world["coord_a"]).get("/admin/campaigns/events/").content.decode()
    assert EDIT.format(pk=world["event_a"].pk) in html
    assert EDIT.format(pk=world["event_b"].pk) not in html


def test_coordinator_cannot_open_other_team_event(client, world):
    login(client, world["coord_a"])
    assert client.get(EDIT.format(pk=world["event_b"].pk)).status_code == 404
    assert client.post(EDIT.format(pk=world["event_b"].pk), {}).status_code == 404
    assert client.get(f"/admin/campaigns/events/delete/{world['event_b'].pk}/").status_code == 404
    assert client.get(f"/admin/campaigns/events/inspect/{world['event_b'].pk}/").status_code == 404
    assert client.get(EDIT.format(pk=world["event_a"].pk)).status_code == 200


@pytest.mark.parametrize("user_key", ["coord_a", "lead_b"])
def test_only_the_teams_lead_or_a_manager_can_approve(client, world, user_key):
    event = world["event_a"]
    response = login(client, world[user_key]).post(
        f"/admin/campaigns/events/{event.pk}/approve/", {"comment": ""}
    )
    # 404 for another team's event; Wagtail turns PermissionDenied into a redirect home.
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert response["Location"] == "/admin/"
    event.refresh_from_db()
    assert event.status == "submitted"


@pytest.mark.parametrize("user_key", ["lead_a", "manager"])
def test_team_lead_and_manager_approve(client, world, user_key):
    event = world["event_a"]
    response = login(client, world[user_key]).post(
        f"/admin/campaigns/events/{event.pk}/approve/", {"comment": "好"}
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == "approved" and event.reviewed_by == world[user_key]


def test_export_contains_only_visible_events(client, world):
    login(client, world["coord_b"])
    text = client.get("/admin/campaigns/events/export/?file=csv").content.decode("utf-8-sig")
    assert str(world["event_b"].venue.name) in text
    assert str(world["event_a"].venue.name) not in text


def test_dashboard_figures_are_limited_to_the_users_teams(world, client):
    from campaigns import services

    services.approve_event(event=world["event_a"], user=world["manager"])
    services.approve_event(event=world["event_b"], user=world["manager"])
    assert selectors.reach_report(user=world["coord_a"])["totals"]["attendance"] == 100
    assert selectors.reach_report(user=world["coord_b"])["totals"]["attendance"] == 70
    assert selectors.reach_report(user=world["manager"])["totals"]["attendance"] == 170
    html = login(client, world["coord_b"]).get("/admin/campaigns/reach/").content.decode()
    assert "70" in html and "170" not in html


@pytest.mark.parametrize(
    "url",
    [
        "/admin/campaigns/events/",
        "/admin/campaigns/reach/",
        "/admin/campaigns/campaigns/",
        "/admin/campaigns/events/export/?file=xlsx",
        "/admin/campaigns/events/import/",
    ],
)
def test_site_editors_without_a_campaign_role_see_nothing(client, world, url):
    response = login(client, world["editor"]).get(url)
    assert response.status_code in (302, 403)
    assert "A队" not in response.content.decode()


@pytest.mark.parametrize("url", ["/admin/campaigns/events/", "/admin/campaigns/reach/"])
def test_anonymous_visitors_are_sent_to_login(client, world, url):
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_coordinator_cannot_create_events_for_another_team(client, world):
    login(client, world["coord_a"])
    form = client.get("/admin/campaigns/events/new/").context["form"]
    assert list(form.fields["team"].queryset) == [world["team_a"]]


def test_coordinators_cannot_manage_campaigns(client, world):
    login(client, world["coord_a"])
    assert client.get("/admin/campaigns/campaigns/new/").status_code in (302, 403)
    response = client.post("/admin/campaigns/campaigns/new/", {"name": "x", "slug": "x"})
    assert response.status_code in (302, 403)
    from campaigns.models import Campaign

    assert not Campaign.objects.filter(slug="x").exists()
