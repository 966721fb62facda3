import pytest
from django.contrib.auth.models import Group

from campaigns.permissions import COORDINATORS, MANAGERS, TEAM_LEADS
from tests import factories


def make_user(django_user_model, username, group=None):
    user = django_user_model.objects.create_user(
        username, password="pw", email=f"{username}@example.org"
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def build_world(django_user_model):
    """Two teams in one campaign, each with a coordinator and a lead; a manager; an editor."""
    team_a = factories.TeamFactory(name="A队", district="江南区")
    team_b = factories.TeamFactory(name="B队", district="河西区")
    campaign = factories.CampaignFactory(teams=[team_a, team_b])
    users = {
        "coord_a": make_user(django_user_model, "coord_a", COORDINATORS),
        "coord_b": make_user(django_user_model, "coord_b", COORDINATORS),
        "lead_a": make_user(django_user_model, "lead_a", TEAM_LEADS),
        "lead_b": make_user(django_user_model, "lead_b", TEAM_LEADS),
        "manager": make_user(django_user_model, "manager", MANAGERS),
        "editor": make_user(django_user_model, "editor", "Editors"),
    }
    team_a.members.add(users["coord_a"])
    team_b.members.add(users["coord_b"])
    team_a.lead = users["lead_a"]
    team_a.save()
    team_b.lead = users["lead_b"]
    team_b.save()
    event_a = factories.OutreachEventFactory(
        campaign=campaign, team=team_a, created_by=users["coord_a"], status="submitted"
    )
    event_b = factories.OutreachEventFactory(
        campaign=campaign,
        team=team_b,
        created_by=users["coord_b"],
        status="submitted",
        **factories.reached(70, students=70),
    )
    return {
        "team_a": team_a,
        "team_b": team_b,
        "campaign": campaign,
        "event_a": event_a,
        "event_b": event_b,
        **users,
    }


@pytest.fixture
def world(db, django_user_model):
    return build_world(django_user_model)
