"""The permission matrix, enforced on the URLs themselves (list, edit, approve, export,
dashboard, QR codes), not by hiding menu items."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook
from wagtail.log_actions import log
from wagtail.models import Page

from campaigns import selectors, workflow
from campaigns.models import OutreachEvent, TrackedLink
from tests import factories
from tests.campaigns.conftest import build_world
from tests.once import built_once, fetched, keys_of

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
    from campaigns import workflow

    workflow.approve_event(event=world["event_a"], user=world["manager"])
    workflow.approve_event(event=world["event_b"], user=world["manager"])
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


# --- One team-scoped policy, every campaign screen × every role ------------------------
# Team B alone takes part in campaign "B队专项" (budget 88,888.00 yuan); team A never sees
# it, its budget, its links or its events. Budgets are for managers only.
ROLES = ["anonymous", "editor", "coord_a", "lead_a", "coord_b", "lead_b", "manager", "admin"]
CAMPAIGN_B = "B队专项"
BUDGET = "88888"
COST_PER_PERSON = "1,269.83"  # 88,888 yuan / 70 people reached, with thousands separators


def add_scoped_objects(world, django_user_model):
    world["admin"] = django_user_model.objects.create_superuser("admin", password="pw")
    campaign_b = factories.CampaignFactory(
        name=CAMPAIGN_B, slug="b-only", teams=[world["team_b"]], budget_yuan=Decimal("88888")
    )
    venue_b = factories.VenueFactory(name="河西综合市场", district="河西区")
    event_b_only = factories.OutreachEventFactory(
        campaign=campaign_b,
        team=world["team_b"],
        venue=venue_b,
        created_by=world["coord_b"],
        status="submitted",
        **factories.reached(70, students=70),
    )
    workflow.approve_event(event=event_b_only, user=world["lead_b"])
    # A venue both teams hold events at (a station's square): only managers correct it.
    venue_shared = factories.VenueFactory(name="江河广场", district="江南区")
    for team, coordinator in ((world["team_a"], "coord_a"), (world["team_b"], "coord_b")):
        factories.OutreachEventFactory(
            campaign=world["campaign"], team=team, venue=venue_shared, created_by=world[coordinator]
        )
    # The audit trail: team B's approval (above) and a manager's edit of campaign B.
    log(instance=campaign_b, action="wagtail.edit", user=world["manager"])
    page = Page.objects.get(depth=2)
    world.update(
        campaign_b=campaign_b,
        venue_b=venue_b,
        venue_shared=venue_shared,
        event_b_only=event_b_only,
        link_b=TrackedLink.objects.create(campaign=campaign_b, target=page, label="B码"),
        # A link printed for team B's event in the campaign both teams share.
        link_event_b=TrackedLink.objects.create(
            campaign=world["campaign"], event=world["event_b"], target=page, label="B场码"
        ),
    )
    return world


@pytest.fixture(scope="module")
def world_keys(django_db_setup, django_db_blocker):
    """The world, and the objects above, built once for the module (hundreds of tests)."""
    user_model = get_user_model()
    with built_once(
        django_db_blocker,
        lambda: keys_of(add_scoped_objects(build_world(user_model), user_model)),
    ) as keys:
        yield keys


@pytest.fixture
def scoped_world(db, world_keys):
    return fetched(world_keys)


def as_role(client, world, role):
    if role != "anonymous":
        client.force_login(world[role])
    return client


def refused(response, role):
    """Not shown: anonymous users go to the login page, others get a 404, or Wagtail's
    "no permission" (a redirect to the admin home, or 403) where the role lacks the model
    permission altogether (so the answer is the same whether the object exists or not)."""
    if role == "anonymous":
        return response.status_code == 302 and "/login/" in response["Location"]
    if response.status_code == 302:
        return response["Location"] in ("/admin/", "/")
    return response.status_code in (403, 404)


SEES_B = {"coord_b", "lead_b", "manager", "admin"}
MANAGES = {"manager", "admin"}
HAS_ROLE = {"coord_a", "lead_a", "coord_b", "lead_b", "manager", "admin"}


def _pk_url(template, key):
    return lambda world: template.format(pk=world[key].pk)


# URL, then who gets a 200 (everyone else: refused, and nothing of B in the answer)
OBJECT_SCREENS = [
    ("campaign inspect", _pk_url("/admin/campaigns/campaigns/inspect/{pk}/", "campaign_b"), SEES_B),
    ("campaign edit", _pk_url("/admin/campaigns/campaigns/edit/{pk}/", "campaign_b"), MANAGES),
    ("campaign delete", _pk_url("/admin/campaigns/campaigns/delete/{pk}/", "campaign_b"), MANAGES),
    (
        "campaign history",
        _pk_url("/admin/campaigns/campaigns/history/{pk}/", "campaign_b"),
        MANAGES,
    ),
    ("campaign usage", _pk_url("/admin/campaigns/campaigns/usage/{pk}/", "campaign_b"), MANAGES),
    ("team edit", _pk_url("/admin/campaigns/teams/edit/{pk}/", "team_b"), MANAGES),
    ("team history", _pk_url("/admin/campaigns/teams/history/{pk}/", "team_b"), MANAGES),
    ("venue usage", _pk_url("/admin/campaigns/venues/usage/{pk}/", "venue_b"), MANAGES),
    # A lead may correct a venue only their own teams use.
    ("venue edit", _pk_url("/admin/campaigns/venues/edit/{pk}/", "venue_b"), {"lead_b", *MANAGES}),
    ("shared venue edit", _pk_url("/admin/campaigns/venues/edit/{pk}/", "venue_shared"), MANAGES),
    ("venue delete", _pk_url("/admin/campaigns/venues/delete/{pk}/", "venue_b"), MANAGES),
    ("venue history", _pk_url("/admin/campaigns/venues/history/{pk}/", "venue_b"), MANAGES),
    (
        "shared venue usage",
        _pk_url("/admin/campaigns/venues/usage/{pk}/", "venue_shared"),
        MANAGES,
    ),
    ("link edit", _pk_url("/admin/campaigns/links/edit/{pk}/", "link_b"), MANAGES),
    ("link QR", _pk_url("/admin/campaigns/links/{pk}/qr.png", "link_b"), SEES_B),
    ("event link QR", _pk_url("/admin/campaigns/links/{pk}/qr.svg", "link_event_b"), SEES_B),
    ("event edit", _pk_url("/admin/campaigns/events/edit/{pk}/", "event_b_only"), SEES_B),
    ("event inspect", _pk_url("/admin/campaigns/events/inspect/{pk}/", "event_b_only"), SEES_B),
    ("event history", _pk_url("/admin/campaigns/events/history/{pk}/", "event_b_only"), SEES_B),
    (
        "event history results",
        _pk_url("/admin/campaigns/events/history-results/{pk}/", "event_b_only"),
        SEES_B,
    ),
    (
        "shared campaign's event history",
        _pk_url("/admin/campaigns/events/history/{pk}/", "event_b"),
        SEES_B,
    ),
    ("link history", _pk_url("/admin/campaigns/links/history/{pk}/", "link_b"), MANAGES),
    ("event delete", _pk_url("/admin/campaigns/events/delete/{pk}/", "event_b_only"), MANAGES),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("screen", "url", "allowed"), OBJECT_SCREENS, ids=[s[0] for s in OBJECT_SCREENS]
)
def test_each_campaign_object_url_for_each_role(client, scoped_world, role, screen, url, allowed):
    response = as_role(client, scoped_world, role).get(url(scoped_world))
    if role in allowed:
        assert response.status_code == 200, f"{screen}: {role} should see it"
    else:
        assert refused(response, role), f"{screen}: {role} got {response.status_code}"
        assert CAMPAIGN_B not in response.content.decode()


# Lists, choosers, filters, dashboards: (URL, roles that get a 200). Every role that gets
# one sees campaign B, its team and its budget only as the policy says. (Venues are a
# shared directory of places, so venue names are not team data.)
LIST_SCREENS = [
    ("campaign list", "/admin/campaigns/campaigns/", HAS_ROLE),
    ("team list", "/admin/campaigns/teams/", HAS_ROLE),
    ("venue list", "/admin/campaigns/venues/", HAS_ROLE),
    ("venue list filtered by district", "/admin/campaigns/venues/?district=河西区", HAS_ROLE),
    ("new venue form", "/admin/campaigns/venues/new/", HAS_ROLE),
    ("link list", "/admin/campaigns/links/", MANAGES),
    ("event list and its filters", "/admin/campaigns/events/", HAS_ROLE),
    ("event form's choosers", "/admin/campaigns/events/new/", HAS_ROLE),
    ("dashboard and its filters", "/admin/campaigns/reach/", HAS_ROLE),
    ("dashboard filtered by B", "/admin/campaigns/reach/?campaign={campaign_b}", HAS_ROLE),
    ("big screen", "/admin/campaigns/big-screen/", HAS_ROLE),
    ("admin home", "/admin/", HAS_ROLE | {"editor"}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("screen", "url", "allowed"), LIST_SCREENS, ids=[s[0] for s in LIST_SCREENS]
)
def test_each_campaign_list_for_each_role(client, scoped_world, role, screen, url, allowed):
    url = url.format(campaign_b=scoped_world["campaign_b"].pk)
    response = as_role(client, scoped_world, role).get(url)
    html = response.content.decode()
    if role not in allowed:
        assert refused(response, role), f"{screen}: {role} got {response.status_code}"
        assert CAMPAIGN_B not in html
        return
    assert response.status_code == 200
    if role in ("coord_a", "lead_a", "editor"):
        assert CAMPAIGN_B not in html, f"{screen} shows campaign B to {role}"
        assert ">B队<" not in html and "B队</" not in html, f"{screen} names team B to {role}"
    if role not in MANAGES:
        assert BUDGET not in html.replace(",", "") and COST_PER_PERSON not in html, (
            f"{screen} shows a budget to {role}"
        )


def test_managers_see_campaign_b_its_budget_and_cost_per_person(client, scoped_world):
    client.force_login(scoped_world["manager"])
    inspect = client.get(f"/admin/campaigns/campaigns/inspect/{scoped_world['campaign_b'].pk}/")
    assert BUDGET in inspect.content.decode().replace(",", "")
    dashboard = client.get("/admin/campaigns/reach/").content.decode()
    assert CAMPAIGN_B in dashboard and COST_PER_PERSON in dashboard


def test_team_b_sees_its_campaign_but_not_its_budget(client, scoped_world):
    client.force_login(scoped_world["coord_b"])
    inspect = client.get(f"/admin/campaigns/campaigns/inspect/{scoped_world['campaign_b'].pk}/")
    html = inspect.content.decode()
    assert CAMPAIGN_B in html and BUDGET not in html.replace(",", "")
    assert CAMPAIGN_B in client.get("/admin/campaigns/campaigns/").content.decode()


@pytest.mark.parametrize("role", ["coord_a", "lead_a"])
def test_team_a_filters_and_exports_cannot_reach_team_b(client, scoped_world, role):
    client.force_login(scoped_world[role])
    campaign_b = scoped_world["campaign_b"]
    listing = client.get(f"/admin/campaigns/events/?campaign={campaign_b.pk}")
    assert listing.status_code == 200
    assert f"/admin/campaigns/events/edit/{scoped_world['event_b_only'].pk}/" not in (
        listing.content.decode()
    )
    export = client.get(f"/admin/campaigns/events/export/?file=csv&campaign={campaign_b.pk}")
    assert "河西综合市场" not in export.content.decode("utf-8-sig")
    api = client.get("/api/v1/reach/", {"campaign": campaign_b.slug})
    assert api.status_code in (400, 403, 404)
    api = client.get("/api/v1/reach/", {"team": scoped_world["team_b"].name})
    assert api.status_code in (400, 403, 404)
    totals = client.get("/api/v1/reach/").json()["totals"]
    assert totals["attendance"] == 0  # team A has nothing approved; B's 70 stay B's


def test_policy_functions_agree_with_the_screens(scoped_world):
    from campaigns import permissions

    coord_a, coord_b = scoped_world["coord_a"], scoped_world["coord_b"]
    campaign_b = scoped_world["campaign_b"]
    assert campaign_b not in permissions.visible_campaigns(coord_a)
    assert campaign_b in permissions.visible_campaigns(coord_b)
    assert list(permissions.visible_teams(coord_a)) == [scoped_world["team_a"]]
    assert not permissions.visible_campaigns(scoped_world["editor"]).exists()
    assert (
        not permissions.visible_links(coord_a)
        .filter(pk__in=[scoped_world["link_b"].pk, scoped_world["link_event_b"].pk])
        .exists()
    )
    assert scoped_world["venue_b"] not in permissions.editable_venues(scoped_world["lead_a"])
    assert scoped_world["venue_b"] in permissions.editable_venues(scoped_world["lead_b"])
    assert permissions.can_see_budgets(scoped_world["manager"])
    assert not permissions.can_see_budgets(scoped_world["lead_b"])


# --- Audit screens: Wagtail's site history report, its exports, and event history --------
# Team B's approval history names its event (at 河西综合市场) and campaign B; team A, site
# editors and anonymous visitors see neither, whether on the page, its results or exports.
SITE_HISTORY = "/admin/reports/site-history/"
ADMIN_USERS = HAS_ROLE | {"editor"}
AUDIT_SCREENS = [
    ("site history", SITE_HISTORY),
    ("site history results", SITE_HISTORY + "results/"),
    ("site history searched", SITE_HISTORY + "?label=河西综合"),
    ("site history filtered by type", SITE_HISTORY + "?object_type={event_type}"),
    ("site history CSV export", SITE_HISTORY + "?export=csv"),
    ("site history XLSX export", SITE_HISTORY + "?export=xlsx"),
]


def _text(response) -> str:
    """What an answer shows: the page, or every cell of an exported spreadsheet."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        workbook = load_workbook(BytesIO(body), read_only=True)
        return " ".join(
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    return body.decode("utf-8-sig")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("screen", "url"), AUDIT_SCREENS, ids=[s[0] for s in AUDIT_SCREENS])
def test_site_history_and_its_exports_for_each_role(client, scoped_world, role, screen, url):
    from django.contrib.contenttypes.models import ContentType

    from campaigns.models import OutreachEvent

    event_type = ContentType.objects.get_for_model(OutreachEvent).pk
    response = as_role(client, scoped_world, role).get(url.format(event_type=event_type))
    if role not in ADMIN_USERS:
        assert refused(response, role), f"{screen}: {role} got {response.status_code}"
        return
    assert response.status_code == 200, f"{screen}: {role} got {response.status_code}"
    text = _text(response)
    if role in SEES_B:
        assert "河西综合市场" in text, f"{screen}: {role} misses team B's approval"
    else:
        assert "河西综合市场" not in text, f"{screen} shows team B's event to {role}"
        assert CAMPAIGN_B not in text, f"{screen} shows campaign B's history to {role}"


def test_site_history_shows_a_team_its_own_events(client, scoped_world):
    """Scoped, not emptied: team A's lead still reads the approval of team A's event."""
    workflow.approve_event(event=scoped_world["event_a"], user=scoped_world["lead_a"])
    client.force_login(scoped_world["lead_a"])
    html = _text(client.get(SITE_HISTORY))
    assert str(scoped_world["event_a"]) in html
    assert str(scoped_world["event_b"]) not in html


def test_site_history_user_filter_names_only_visible_actors(client, scoped_world):
    """The report's "user" filter lists who acted on what the viewer may see."""
    client.force_login(scoped_world["coord_a"])
    html = client.get(SITE_HISTORY).content.decode()
    assert ">lead_b<" not in html.replace(" ", "").replace("\n", "")


# --- Venues: a change never silently moves another team's approved figures ---------------
def _venue_form(venue, **changes):
    """The venue form's fields; ``district`` as text, posted as the managed district."""
    form = {
        "name": venue.name,
        "venue_type": venue.venue_type,
        "district": venue.district.name,
        "address": venue.address,
        "latitude": venue.latitude or "",
        "longitude": venue.longitude or "",
    } | changes
    return form | {"district": factories.district_named(form["district"]).pk}


@pytest.mark.parametrize("role", ["coord_a", "lead_a", "coord_b", "lead_b"])
def test_a_team_cannot_change_a_venue_another_team_uses(client, scoped_world, role):
    venue = scoped_world["venue_shared"]
    client.force_login(scoped_world[role])
    response = client.post(
        f"/admin/campaigns/venues/edit/{venue.pk}/", _venue_form(venue, district="河西区")
    )
    assert refused(response, role)
    venue.refresh_from_db()
    assert venue.district.name == "江南区"


def test_a_lead_corrects_a_venue_only_their_team_uses(client, scoped_world):
    venue = scoped_world["venue_b"]
    client.force_login(scoped_world["lead_b"])
    response = client.post(
        f"/admin/campaigns/venues/edit/{venue.pk}/", _venue_form(venue, district="江南区")
    )
    assert response.status_code == 302
    venue.refresh_from_db()
    assert venue.district.name == "江南区"


def test_a_venue_another_team_starts_using_meanwhile_is_not_changed(client, scoped_world):
    """Lead B opens the form while venue B is theirs alone; team A holds an event there
    before Lead B saves: the save is refused, team A's figures stay where they were."""
    venue = scoped_world["venue_b"]
    client.force_login(scoped_world["lead_b"])
    assert client.get(f"/admin/campaigns/venues/edit/{venue.pk}/").status_code == 200
    event = factories.OutreachEventFactory(
        campaign=scoped_world["campaign"],
        team=scoped_world["team_a"],
        venue=venue,
        created_by=scoped_world["coord_a"],
        status="submitted",
    )
    workflow.approve_event(event=event, user=scoped_world["lead_a"])
    before = selectors.reach_report(user=scoped_world["lead_a"])["by_district"]
    response = client.post(
        f"/admin/campaigns/venues/edit/{venue.pk}/", _venue_form(venue, district="江南区")
    )
    assert response.status_code == 404
    assert selectors.reach_report(user=scoped_world["lead_a"])["by_district"] == before


def test_a_managers_change_to_a_shared_venue_says_whose_approved_figures_moved(
    client, scoped_world
):
    venue = scoped_world["venue_shared"]
    event = OutreachEvent.objects.get(venue=venue, team=scoped_world["team_b"])
    event.status = "submitted"
    event.save()
    workflow.approve_event(event=event, user=scoped_world["lead_b"])
    client.force_login(scoped_world["manager"])
    response = client.post(
        f"/admin/campaigns/venues/edit/{venue.pk}/",
        _venue_form(venue, district="河西区"),
        follow=True,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "已审核活动的覆盖数据随之移动：B队 1 场" in html, "the manager is not told"
    assert selectors.reach_report(user=scoped_world["lead_b"])["by_district"]["河西区"]
