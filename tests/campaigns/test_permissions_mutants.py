"""The team-scoped policy (campaigns/permissions.py), case by case where the mutation run
(docs/mutation.md) found the permission matrix in test_permissions.py silent: which
status of an event a coordinator, a lead or a manager may edit, submit, review or delete,
inactive accounts, and the one group lookup per user."""

import pytest

from campaigns import permissions
from campaigns.models import OutreachEvent
from tests import factories

EDIT = "/admin/campaigns/events/edit/{pk}/"
DELETE = "/admin/campaigns/events/delete/{pk}/"


def refused(response):
    """Wagtail turns PermissionDenied into a redirect to the admin home (or a 403)."""
    if response.status_code == 302:
        return response["Location"] == "/admin/"
    return response.status_code in (403, 404)


@pytest.fixture
def team_a_events(world):
    """Team A's events in every state of the review: a draft, one returned with a
    comment, the submitted event_a, and an approved one."""

    def event(status):
        return factories.OutreachEventFactory(
            campaign=world["campaign"],
            team=world["team_a"],
            created_by=world["coord_a"],
            status=status,
        )

    return {
        "draft": event("draft"),
        "returned": event("returned"),
        "submitted": world["event_a"],
        "approved": event("approved"),
    }


# Who may post the edit form of team A's event in each state (an empty form: allowed
# users get the form back with its errors, a 200; others are refused before the form).
EDITORS = {
    "draft": {"coord_a", "lead_a", "manager"},
    "returned": {"coord_a", "lead_a", "manager"},
    "submitted": {"lead_a", "manager"},
    "approved": set(),  # returned first, so approved figures never change silently
}


@pytest.mark.parametrize("status", list(EDITORS))
@pytest.mark.parametrize("role", ["coord_a", "lead_a", "manager"])
def test_who_may_edit_an_event_in_each_state(client, world, team_a_events, role, status):
    event = team_a_events[status]
    client.force_login(world[role])
    response = client.post(EDIT.format(pk=event.pk), {})
    if role in EDITORS[status]:
        assert response.status_code == 200, f"{role} may edit a {status} event"
        assert response.context["form"].errors
    else:
        assert refused(response), f"{role} must not edit a {status} event"


@pytest.mark.parametrize("role", ["coord_b", "lead_b"])
def test_other_teams_cannot_edit_team_a_drafts(client, world, team_a_events, role):
    client.force_login(world[role])
    response = client.post(EDIT.format(pk=team_a_events["draft"].pk), {})
    assert response.status_code == 404


def test_the_policy_itself_refuses_another_teams_draft(world, team_a_events):
    """The screens answer 404 before they ask; whatever asks the policy directly (the
    workflow steps, the import) gets the same answer: team B neither edits, submits nor
    deletes team A's draft."""
    draft = team_a_events["draft"]
    for role in ("coord_b", "lead_b"):
        assert not permissions.can_view_event(world[role], draft)
        assert not permissions.can_edit_event(world[role], draft)
        assert not permissions.can_submit_event(world[role], draft)
        assert not permissions.can_delete_event(world[role], draft)
    assert permissions.can_edit_event(world["coord_a"], draft)
    assert permissions.can_submit_event(world["coord_a"], draft)
    assert permissions.can_delete_event(world["coord_a"], draft)


def test_a_coordinator_deletes_their_teams_draft_but_nothing_submitted(
    client, world, team_a_events
):
    client.force_login(world["coord_a"])
    for status in ("returned", "submitted", "approved"):
        response = client.post(DELETE.format(pk=team_a_events[status].pk))
        assert refused(response), f"coordinator deleted a {status} event"
        assert OutreachEvent.objects.filter(pk=team_a_events[status].pk).exists()
    draft = team_a_events["draft"]
    assert client.get(DELETE.format(pk=draft.pk)).status_code == 200
    assert client.post(DELETE.format(pk=draft.pk)).status_code == 302
    assert not OutreachEvent.objects.filter(pk=draft.pk).exists()


def test_another_teams_coordinator_cannot_delete_a_draft(client, world, team_a_events):
    client.force_login(world["coord_b"])
    draft = team_a_events["draft"]
    assert client.post(DELETE.format(pk=draft.pk)).status_code == 404
    assert OutreachEvent.objects.filter(pk=draft.pk).exists()


def test_a_manager_deletes_an_approved_event(client, world, team_a_events):
    client.force_login(world["manager"])
    approved = team_a_events["approved"]
    assert client.post(DELETE.format(pk=approved.pk)).status_code == 302
    assert not OutreachEvent.objects.filter(pk=approved.pk).exists()


def test_a_submitted_event_is_not_submitted_again(client, world, team_a_events):
    """The lead may edit a submitted event, but submitting it again would log a second
    submission for an event already waiting for review."""
    event = team_a_events["submitted"]
    client.force_login(world["lead_a"])
    response = client.post(f"/admin/campaigns/events/{event.pk}/submit/")
    assert refused(response)
    assert not permissions.can_submit_event(world["lead_a"], event)
    assert not permissions.can_submit_event(world["manager"], event)


@pytest.mark.parametrize("status", ["draft", "returned"])
def test_a_coordinator_submits_their_teams_draft_or_returned_event(
    client, world, team_a_events, status
):
    event = team_a_events[status]
    client.force_login(world["coord_a"])
    response = client.post(f"/admin/campaigns/events/{event.pk}/submit/")
    assert response.status_code == 302 and response["Location"].endswith("/events/")
    event.refresh_from_db()
    assert event.status == "submitted"


@pytest.mark.parametrize("status", ["draft", "returned"])
def test_nobody_reviews_an_event_that_was_not_submitted(client, world, team_a_events, status):
    event = team_a_events[status]
    for role in ("lead_a", "manager"):
        client.force_login(world[role])
        response = client.post(f"/admin/campaigns/events/{event.pk}/approve/", {"comment": ""})
        assert refused(response), f"{role} approved a {status} event"
        event.refresh_from_db()
        assert event.status == status


def test_a_lead_reviews_only_their_own_teams_events(world, team_a_events):
    assert permissions.can_review_event(world["lead_a"], team_a_events["submitted"])
    assert permissions.can_review_event(world["lead_a"], team_a_events["approved"])
    assert not permissions.can_review_event(world["lead_b"], team_a_events["submitted"])
    assert not permissions.can_review_event(world["coord_a"], team_a_events["submitted"])


def test_led_teams_are_the_teams_a_lead_leads(world):
    assert permissions.led_team_ids(world["lead_a"]) == {world["team_a"].pk}
    # A coordinator who is also named a team's lead is still not a lead: the role decides.
    world["team_b"].lead = world["coord_a"]
    world["team_b"].save()
    assert permissions.led_team_ids(world["coord_a"]) == set()


@pytest.mark.parametrize("role", ["coord_a", "lead_a", "manager"])
def test_a_deactivated_account_sees_no_campaign_data(world, django_user_model, role):
    user = world[role]
    user.is_active = False
    user.save()
    user = django_user_model.objects.get(pk=user.pk)  # nothing cached on the instance
    assert not permissions.is_manager(user)
    assert not permissions.has_campaign_role(user)
    assert not permissions.visible_teams(user).exists()
    assert not permissions.visible_events(user).exists()
    assert not permissions.visible_campaigns(user).exists()
    assert not permissions.visible_venues(user).exists()
    assert not permissions.visible_links(user).exists()
    assert not permissions.can_edit_event(user, world["event_a"])


def test_a_users_roles_are_read_once(world, django_user_model, django_assert_num_queries):
    """Every screen asks the policy several times per request; the groups are read once."""
    user = django_user_model.objects.get(pk=world["lead_a"].pk)
    with django_assert_num_queries(1):
        assert not permissions.is_manager(user)
        assert permissions.has_campaign_role(user)
        assert permissions.is_team_lead(user)
        assert permissions.is_team_lead(user)


def test_the_command_line_user_sees_every_team(world):
    user = permissions.CommandLineUser()
    assert permissions.is_manager(user)
    assert set(permissions.visible_teams(user)) == {world["team_a"], world["team_b"]}
    assert permissions.can_see_budgets(user)
    assert user.get_username() == "command line"
