import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from campaigns import screens
from campaigns.models import Campaign, OutreachEvent, Screen, ScreenPlays, Team
from campaigns.reach import ReachFilters
from materials.models import Playlist, PlaylistItem
from tests import factories


def test_campaigns_demo_command_loads_once_and_keeps_rollups_exact(db, site_tree):
    call_command("load_campaigns_demo", verbosity=0)
    counts = (Team.objects.count(), Campaign.objects.count(), OutreachEvent.objects.count())
    assert counts[0] == 3 and counts[1] >= 3 and counts[2] > 100

    call_command("load_campaigns_demo", verbosity=0)  # a second run changes nothing
    assert (
        Team.objects.count(),
        Campaign.objects.count(),
        OutreachEvent.objects.count(),
    ) == counts


def test_second_run_resets_the_demo_accounts_passwords(db, site_tree):
    """The README's table of demo accounts holds after `make demo` however often it runs:
    a coordinator who changed their password locally gets the README's back."""
    call_command("load_campaigns_demo", verbosity=0)
    user = get_user_model().objects.get(username="coord_jiangnan")
    user.set_password("something else")
    user.save()

    call_command("load_campaigns_demo", verbosity=0)
    user.refresh_from_db()
    assert user.check_password("fangzha-coord")


@pytest.fixture
def demo_playlist(site_tree):
    """The playlist materials' load_demo makes: a video, a poster and the hotline slide."""
    playlist = Playlist.objects.create(name="银行大厅反诈轮播")
    video = factories.VideoPageFactory(parent=site_tree["library"], title="30秒记住反诈“三不一多”")
    poster = factories.PosterPageFactory(parent=site_tree["library"], title="公检法不会电话办案")
    for order, page in enumerate((video, poster)):
        PlaylistItem.objects.create(playlist=playlist, page=page, sort_order=order)
    PlaylistItem.objects.create(
        playlist=playlist, title="接到可疑电话？", advice="先挂断，再拨 96110 核实", sort_order=2
    )
    return playlist


def test_the_demo_has_a_lobby_screen_that_reported_and_one_that_never_did(db, demo_playlist):
    call_command("load_campaigns_demo", verbosity=0)
    lobby, market = Screen.objects.order_by("pk")
    assert lobby.venue.venue_type == "bank" and lobby.playlist == demo_playlist
    assert not screens.is_offline(lobby) and screens.is_offline(market)
    assert lobby.campaign.teams.filter(pk=lobby.team_id).exists()
    days = set(ScreenPlays.objects.filter(screen=lobby).values_list("day", flat=True))
    assert len(days) >= 5 and max(days) <= timezone.localdate()
    assert not ScreenPlays.objects.filter(screen=market).exists()
    assert lobby.team.name == "河西派出所" and market.team.name == "江南区反诈中心"
    coordinator = get_user_model().objects.get(username="coord_hexi")
    figures = screens.screen_reach(user=coordinator, filters=ReachFilters())
    assert figures["totals"]["screens"] == 1 and figures["totals"]["plays"] > 100
    assert figures["totals"]["qr_scans"] > 0
    assert figures["by_venue_type"][0]["screen__venue__venue_type"] == "bank"
    assert {row["label"] for row in figures["by_material"]} == {
        "30秒记住反诈“三不一多”",
        "公检法不会电话办案",
        "接到可疑电话？",
    }

    before = (
        Screen.objects.count(),
        ScreenPlays.objects.count(),
        list(ScreenPlays.objects.values()),
    )
    call_command("load_campaigns_demo", verbosity=0)  # a second run changes nothing
    after = (
        Screen.objects.count(),
        ScreenPlays.objects.count(),
        list(ScreenPlays.objects.values()),
    )
    assert after == before


def test_a_demo_loaded_before_screens_existed_gets_them_on_the_next_run(db, demo_playlist):
    call_command("load_campaigns_demo", verbosity=0)
    Screen.objects.all().delete()  # as loaded before issue 17
    call_command("load_campaigns_demo", verbosity=0)
    assert Screen.objects.count() == 2 and ScreenPlays.objects.exists()
