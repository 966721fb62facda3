"""The tracked-link form and list (issue 13): live materials of the chosen language only,
events of the chosen campaign and team only; scans per link and a QR preview."""

import datetime

import pytest
from django.utils import timezone

from campaigns.models import LinkVisit, TrackedLink
from tests import factories

ADD = "/admin/campaigns/links/new/"
LIST = "/admin/campaigns/links/"


@pytest.fixture
def materials(site_tree, english_tree):
    poster = factories.PosterPageFactory(
        parent=site_tree["library"], slug="market-poster", title="菜市场 防骗海报"
    )
    draft = factories.PosterPageFactory(
        parent=site_tree["library"], slug="draft-poster", title="未发布的 海报草稿", live=False
    )
    english = poster.copy_for_translation(site_tree["locales"]["en"], copy_parents=True)
    english.title = "Market poster (English)"
    english.save_revision().publish()
    return {
        "poster": poster,
        "draft": draft,
        "english": english,
        "locales": site_tree["locales"],
    }


def options_of(response, name):
    field = response.context["form"].fields[name]
    return set(field.queryset.values_list("pk", flat=True))


def test_new_link_offers_live_chinese_materials_only(client, world, materials):
    client.force_login(world["manager"])
    response = client.get(ADD)
    assert response.status_code == 200
    offered = options_of(response, "target")
    assert materials["poster"].pk in offered
    assert materials["draft"].pk not in offered  # not live
    assert materials["english"].pk not in offered  # another language
    html = response.content.decode()
    assert "菜市场 防骗海报" in html and "Market poster (English)" not in html


def test_choosing_english_offers_english_materials_and_refuses_a_chinese_one(
    client, world, materials
):
    client.force_login(world["manager"])
    response = client.post(
        ADD,
        {
            "label": "英文 海报",
            "campaign": world["campaign"].pk,
            "language": materials["locales"]["en"].pk,
            "target": materials["poster"].pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "target" in response.context["form"].errors
    assert "所选语言" in response.content.decode()
    assert options_of(response, "target") == {materials["english"].pk}
    assert not TrackedLink.objects.exists()
    response = client.post(
        ADD,
        {
            "label": "英文 海报",
            "campaign": world["campaign"].pk,
            "language": materials["locales"]["en"].pk,
            "target": materials["english"].pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert TrackedLink.objects.get().target_id == materials["english"].pk


def test_events_offered_are_the_chosen_campaigns_and_teams(client, world, materials):
    other_campaign = factories.CampaignFactory(teams=[world["team_a"]])
    elsewhere = factories.OutreachEventFactory(campaign=other_campaign, team=world["team_a"])
    client.force_login(world["manager"])
    data = {
        "label": "市场 场次",
        "campaign": world["campaign"].pk,
        "team": world["team_a"].pk,
        "language": materials["locales"]["zh-hans"].pk,
        "target": materials["poster"].pk,
        "event": world["event_b"].pk,  # team B's event: not of the chosen team
        "is_active": "on",
    }
    response = client.post(ADD, data)
    assert response.status_code == 200
    assert "event" in response.context["form"].errors
    assert options_of(response, "event") == {world["event_a"].pk}
    assert elsewhere.pk not in options_of(response, "event")
    data["event"] = world["event_a"].pk
    assert client.post(ADD, data).status_code == 302
    assert TrackedLink.objects.get().event_id == world["event_a"].pk


def test_editing_a_link_keeps_its_language_team_and_event(client, world, materials):
    link = TrackedLink.objects.create(
        campaign=world["campaign"], event=world["event_a"], target=materials["english"]
    )
    client.force_login(world["manager"])
    response = client.get(f"/admin/campaigns/links/edit/{link.pk}/")
    form = response.context["form"]
    assert form.initial["language"] == materials["locales"]["en"].pk
    assert form.initial["team"] == world["team_a"].pk
    assert world["event_a"].pk in options_of(response, "event")


@pytest.mark.parametrize("bad", ["abc", "99999999999999999999999", "１"])
def test_bad_ids_in_the_form_are_no_500(client, world, materials, bad):
    client.force_login(world["manager"])
    response = client.post(
        ADD,
        {"label": "x", "campaign": bad, "team": bad, "language": bad, "target": bad},
    )
    assert response.status_code == 200


def test_link_list_shows_scans_and_a_qr_preview(client, world, materials):
    link = TrackedLink.objects.create(
        campaign=world["campaign"], event=world["event_a"], target=materials["poster"]
    )
    today = timezone.localdate()
    LinkVisit.objects.create(link=link, day=today, visitor="a" * 32, scans=1200)
    LinkVisit.objects.create(link=link, day=today, visitor="b" * 32, scans=34)
    LinkVisit.objects.create(
        link=link, day=today - datetime.timedelta(days=1), visitor="a" * 32, scans=3
    )
    client.force_login(world["manager"])
    html = client.get(LIST).content.decode()
    assert "1,237" in html  # all scans
    assert f'<img src="/admin/campaigns/links/{link.pk}/qr.svg"' in html


def test_link_screens_are_for_managers(client, world, materials):
    for role in ("coord_a", "lead_a", "lead_b", "editor"):
        client.force_login(world[role])
        assert client.get(ADD).status_code in (302, 403), role
        assert client.get(LIST).status_code in (302, 403), role


def test_the_forms_script_refetches_the_lists_for_the_chosen_language_and_team(
    client, world, materials
):
    """link_form.js fetches the form with the choices in the query: the server answers
    with the lists that fit them (any other id is simply not chosen)."""
    client.force_login(world["manager"])
    en = materials["locales"]["en"].pk
    url = f"{ADD}?language={en}&campaign={world['campaign'].pk}&team={world['team_b'].pk}"
    response = client.get(url)
    assert "campaigns/js/link_form.js" in response.content.decode()
    assert options_of(response, "target") == {materials["english"].pk}
    assert options_of(response, "event") == {world["event_b"].pk}
    link = TrackedLink.objects.create(
        campaign=world["campaign"], event=world["event_a"], target=materials["poster"]
    )
    response = client.get(f"/admin/campaigns/links/edit/{link.pk}/?language={en}")
    assert options_of(response, "target") == {materials["english"].pk}
    response = client.get(f"{ADD}?language=99999999999999999999999&campaign=x")
    assert response.status_code == 200
    assert options_of(response, "event") == set()
