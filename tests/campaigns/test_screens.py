"""Screens in bank lobbies and markets (issue 17): a team registers a screen at a venue
and gets a player link; the player reads its manifest and reports its plays, each
stored once; the dashboard shows screens beside events, never added to attendance."""

import datetime
import json
import uuid

import pytest
from django.db.models import Sum
from django.utils import timezone

from campaigns import screens, workflow
from campaigns.models import LinkVisit, Screen, ScreenPlayReceipt, ScreenPlays, TrackedLink
from campaigns.reach import ReachFilters
from materials.models import Playlist, PlaylistItem
from tests import factories

LIST = "/admin/campaigns/devices/"


@pytest.fixture
def lobby(world, site_tree):
    """Team A's screen in a bank lobby, playing a poster and a slide."""
    poster = factories.PosterPageFactory(parent=site_tree["library"], title="公检法不会电话办案")
    playlist = Playlist.objects.create(name="银行大厅轮播")
    poster_item = PlaylistItem.objects.create(
        playlist=playlist, page=poster, duration_seconds=20, sort_order=0
    )
    slide_item = PlaylistItem.objects.create(
        playlist=playlist, title="转账前先核实", advice="先打电话问家人。", sort_order=1
    )
    venue = factories.VenueFactory(name="工商银行江南支行", venue_type="bank", district="江南区")
    screen = Screen.objects.create(
        name="大厅入口屏",
        team=world["team_a"],
        venue=venue,
        campaign=world["campaign"],
        playlist=playlist,
        created_by=world["coord_a"],
    )
    return {
        **world,
        "screen": screen,
        "playlist": playlist,
        "poster": poster,
        "poster_item": poster_item,
        "slide_item": slide_item,
        "venue": venue,
    }


def plays_of(*items, at=None, seconds=20):
    at = at or timezone.now() - datetime.timedelta(minutes=5)
    return [
        {"id": uuid.uuid4().hex, "item": item.pk, "at": at.isoformat(), "seconds": seconds}
        for item in items
    ]


def post_plays(client, screen, plays=None, *, body=None):
    data = body if body is not None else json.dumps({"plays": plays})
    return client.post(f"/player/{screen.token}/plays/", data=data, content_type="application/json")


# --- Who registers, edits and revokes screens -------------------------------------------
@pytest.mark.parametrize("who", ["coord_a", "lead_a", "manager"])
def test_the_teams_people_and_managers_see_edit_and_revoke_the_screen(client, lobby, who):
    client.force_login(lobby[who])
    screen = lobby["screen"]
    listing = client.get(LIST, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert listing.status_code == 200
    body = listing.content.decode()
    assert "大厅入口屏" in body and f"/player/{screen.token}/" in body
    assert client.get(f"{LIST}edit/{screen.pk}/").status_code == 200
    assert f"{LIST}revoke/{screen.pk}/" in body  # the list's 撤销 button
    confirm = client.get(f"{LIST}revoke/{screen.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert confirm.status_code == 200
    assert "停止播放" in confirm.content.decode()  # says what revoking does
    assert client.post(f"{LIST}revoke/{screen.pk}/").status_code == 302
    screen.refresh_from_db()
    assert screen.revoked_at is not None and screen.revoked_by == lobby[who]
    listing = client.get(LIST, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f"{LIST}revoke/{screen.pk}/" not in listing  # nothing left to revoke
    again = client.get(f"{LIST}revoke/{screen.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "已撤销" in again.content.decode() and "<form" not in again.content.decode()


@pytest.mark.parametrize("who", ["coord_b", "lead_b"])
def test_another_teams_people_cannot_find_the_screen_by_guessing_urls(client, lobby, who):
    client.force_login(lobby[who])
    screen = lobby["screen"]
    assert "大厅入口屏" not in client.get(LIST).content.decode()
    assert client.get(f"{LIST}edit/{screen.pk}/").status_code == 404
    assert client.post(f"{LIST}edit/{screen.pk}/", {"name": "x"}).status_code == 404
    assert client.get(f"{LIST}revoke/{screen.pk}/").status_code == 404
    assert client.post(f"{LIST}revoke/{screen.pk}/").status_code == 404
    assert client.post(f"{LIST}delete/{screen.pk}/").status_code in (302, 403, 404)
    screen.refresh_from_db()
    assert screen.revoked_at is None and screen.name == "大厅入口屏"


def test_an_editor_has_no_screens(client, lobby):
    client.force_login(lobby["editor"])
    assert client.get(LIST).status_code in (302, 403)
    assert client.post(f"{LIST}revoke/{lobby['screen'].pk}/").status_code == 404


def test_a_coordinator_registers_a_screen_for_their_own_team_only(client, lobby):
    client.force_login(lobby["coord_a"])
    form = {
        "name": "农贸市场 入口屏",
        "venue": lobby["venue"].pk,
        "campaign": lobby["campaign"].pk,
        "playlist": lobby["playlist"].pk,
    }
    refused = client.post(f"{LIST}new/", {**form, "team": lobby["team_b"].pk})
    assert refused.status_code == 200 and not Screen.objects.filter(name="农贸市场 入口屏").exists()
    made = client.post(f"{LIST}new/", {**form, "team": lobby["team_a"].pk})
    assert made.status_code == 302
    screen = Screen.objects.get(name="农贸市场 入口屏")
    assert screen.created_by == lobby["coord_a"] and len(screen.token) >= 43
    assert screen.token_digest != screen.token


def test_nobody_deletes_a_screen_so_its_figures_stay(client, lobby):
    client.force_login(lobby["manager"])
    client.post(f"{LIST}delete/{lobby['screen'].pk}/")
    assert Screen.objects.filter(pk=lobby["screen"].pk).exists()


def test_the_list_shows_a_screen_not_heard_from_for_15_minutes_as_offline(client, lobby):
    client.force_login(lobby["coord_a"])
    screen = lobby["screen"]
    Screen.objects.filter(pk=screen.pk).update(
        last_seen_at=timezone.now() - datetime.timedelta(minutes=16)
    )
    assert "离线" in client.get(LIST, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    client.get(f"/player/{screen.token}/manifest.json")  # the player calls
    body = client.get(LIST, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "在线" in body and "离线" not in body


# --- The player link --------------------------------------------------------------------
def test_the_player_page_and_manifest_need_no_sign_in(client, lobby):
    screen = lobby["screen"]
    page = client.get(f"/player/{screen.token}/")
    assert page.status_code == 200
    assert "blob:" in page["Content-Security-Policy"]
    assert "campaigns/js/player.js" in page.content.decode()
    assert not page.cookies
    manifest = client.get(f"/player/{screen.token}/manifest.json").json()
    poster, slide = manifest["items"]
    assert poster["kind"] == "poster" and poster["seconds"] == 20
    assert manifest["report_url"] == f"/player/{screen.token}/plays/"
    assert manifest["screen"]["venue"] == "工商银行江南支行"
    # The poster's QR code is the screen's own tracked link to it: scans count.
    link = TrackedLink.objects.get(screen=screen, target=lobby["poster"])
    assert poster["qr"]["url"].endswith(f"/r/{link.code}/")
    assert poster["qr"]["image"].startswith("data:image/svg+xml")
    assert link.campaign == lobby["campaign"]
    assert slide["qr"] is None
    client.get(f"/player/{screen.token}/manifest.json")
    assert TrackedLink.objects.filter(screen=screen).count() == 1  # made once
    client.get(f"/r/{link.code}/")
    assert LinkVisit.objects.get(link=link).scans == 1


def test_the_service_worker_is_served_for_the_player_scope(client):
    response = client.get("/player/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "caches.open" in response.content.decode()


def test_a_revoked_or_unknown_link_is_refused_everywhere(client, lobby):
    screen = lobby["screen"]
    screens.revoke(screen=screen, user=lobby["coord_a"])
    page = client.get(f"/player/{screen.token}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 410 and "已撤销" in page.content.decode()
    assert client.get(f"/player/{screen.token}/manifest.json").status_code == 410
    assert post_plays(client, screen, plays_of(lobby["poster_item"])).status_code == 410
    assert not ScreenPlays.objects.exists()
    wrong = screen.token[:-1] + ("A" if screen.token[-1] != "A" else "B")
    assert client.get(f"/player/{wrong}/").status_code == 404
    assert client.get(f"/player/{wrong}/manifest.json").status_code == 404


def test_the_token_grants_nothing_else(client, lobby):
    token = lobby["screen"].token
    assert client.get(f"/screen/{token}/").status_code == 404  # not a big screen link
    client.get(f"/player/{token}/")
    response = client.get("/admin/campaigns/devices/")
    assert response.status_code == 302 and "/login/" in response["Location"]


# --- Counting plays ---------------------------------------------------------------------
def test_plays_are_stored_once_whatever_the_retries(client, lobby):
    screen = lobby["screen"]
    plays = plays_of(lobby["poster_item"], lobby["poster_item"], lobby["slide_item"])
    first = post_plays(client, screen, plays)
    assert first.status_code == 200 and first.json() == {"stored": 3, "known": 0, "skipped": 0}
    again = post_plays(client, screen, plays)  # the answer was lost; the player retries
    assert again.json() == {"stored": 0, "known": 3, "skipped": 0}
    more = plays + plays_of(lobby["slide_item"], seconds=15)
    assert post_plays(client, screen, more).json() == {"stored": 1, "known": 3, "skipped": 0}
    rows = {row.label: row for row in ScreenPlays.objects.filter(screen=screen)}
    assert (rows["公检法不会电话办案"].plays, rows["公检法不会电话办案"].seconds) == (2, 40)
    assert (rows["转账前先核实"].plays, rows["转账前先核实"].seconds) == (2, 35)
    assert rows["公检法不会电话办案"].page_id == lobby["poster"].pk
    assert ScreenPlayReceipt.objects.count() == 4
    screen.refresh_from_db()
    assert screen.last_seen_at is not None


def test_plays_count_on_the_beijing_day_they_happened(client, lobby):
    screen = lobby["screen"]
    Screen.objects.filter(pk=screen.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=3)
    )
    # 23:30 UTC is 07:30 the next morning in Beijing.
    yesterday = timezone.now().astimezone(datetime.UTC).date() - datetime.timedelta(days=1)
    at = datetime.datetime.combine(yesterday, datetime.time(23, 30), tzinfo=datetime.UTC)
    post_plays(client, screen, plays_of(lobby["slide_item"], at=at))
    assert ScreenPlays.objects.get().day == yesterday + datetime.timedelta(days=1)


def test_plays_that_can_never_count_are_skipped_not_stored(client, lobby):
    screen = lobby["screen"]
    other = PlaylistItem.objects.create(
        playlist=Playlist.objects.create(name="别的轮播"), title="别的", sort_order=0
    )
    plays = (
        plays_of(other)  # not this screen's playlist
        + plays_of(lobby["slide_item"], at=timezone.now() + datetime.timedelta(hours=2))
        + plays_of(lobby["slide_item"], at=timezone.now() - datetime.timedelta(days=8))
    )
    assert post_plays(client, screen, plays).json() == {"stored": 0, "known": 0, "skipped": 3}
    assert not ScreenPlays.objects.exists()


GOOD_PLAY = '"id": "abcdefgh", "item": 1, "at": "2026-12-01T08:00:00+08:00", "seconds": 5'


def one_play(**changed: str) -> bytes:
    """A report of one play, as JSON text, with some members written differently."""
    members = dict(part.split(": ", 1) for part in GOOD_PLAY.split(", "))
    members.update({f'"{key}"': value for key, value in changed.items()})
    return ('{"plays": [{' + ", ".join(f"{k}: {v}" for k, v in members.items()) + "}]}").encode()


BAD_REPORTS = [
    ("not json", b"{plays: [", "not JSON"),
    ("not utf-8", b"\xff\xfe", "not JSON"),
    ("a list", b"[]", "plays"),
    ("no plays", b'{"played": []}', "plays"),
    ("plays not a list", b'{"plays": {"id": 1}}', "plays"),
    ("a play not an object", b'{"plays": [1]}', "plays[0]"),
    ("short id", one_play(id='"x"'), "plays[0].id"),
    ("id with a slash", one_play(id='"../../etc/x"'), "plays[0].id"),
    ("item a string", one_play(item='"1"'), "plays[0].item"),
    ("item true", one_play(item="true"), "plays[0].item"),
    ("huge item", one_play(item="9" * 30), "plays[0].item"),
    ("naive time", one_play(at='"2026-12-01T08:00:00"'), "plays[0].at"),
    ("nonsense time", one_play(at='"2026-13-45T99:00:00Z"'), "plays[0].at"),
    ("time a number", one_play(at="1764547200"), "plays[0].at"),
    ("negative seconds", one_play(seconds="-5"), "plays[0].seconds"),
    ("a day of seconds", one_play(seconds="86400"), "plays[0].seconds"),
    ("NaN seconds", one_play(seconds="NaN"), "plays[0].seconds"),
    ("seconds a string", one_play(seconds='"20"'), "plays[0].seconds"),
]


@pytest.mark.parametrize(("case", "body", "reason"), BAD_REPORTS, ids=[c[0] for c in BAD_REPORTS])
def test_a_bad_report_is_refused_with_its_reason(client, lobby, case, body, reason):
    response = post_plays(client, lobby["screen"], body=body)
    assert response.status_code == 400, case
    assert reason in response.json()["error"]
    assert not ScreenPlays.objects.exists()


def test_too_many_plays_in_one_report_are_refused(client, lobby):
    plays = plays_of(*[lobby["slide_item"]] * 501)
    response = post_plays(client, lobby["screen"], plays)
    assert response.status_code == 400 and "500" in response.json()["error"]


def test_reports_are_rate_limited_per_screen(client, lobby, settings):
    screen = lobby["screen"]
    codes = [post_plays(client, screen, []).status_code for _ in range(screens.REPORTS_PER_MINUTE)]
    assert codes == [200] * screens.REPORTS_PER_MINUTE
    limited = post_plays(client, screen, plays_of(lobby["slide_item"]))
    assert limited.status_code == 429 and limited["Retry-After"] == "60"
    assert not ScreenPlays.objects.exists()


def test_only_a_post_reports(client, lobby):
    assert client.get(f"/player/{lobby['screen'].token}/plays/").status_code == 405


def test_a_report_costs_a_bounded_number_of_queries(client, lobby, django_assert_max_num_queries):
    plays = plays_of(*[lobby["poster_item"], lobby["slide_item"]] * 100)
    with django_assert_max_num_queries(12):
        assert post_plays(client, lobby["screen"], plays).json()["stored"] == 200


# --- The dashboard ----------------------------------------------------------------------
def test_dashboard_shows_screens_apart_from_attendance(client, lobby):
    workflow.approve_event(event=lobby["event_a"], user=lobby["manager"])
    client.force_login(lobby["manager"])
    before = client.get("/admin/campaigns/reach/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    attendance_before = before.context["report"]["totals"]["in_person_attendance"]
    post_plays(client, lobby["screen"], plays_of(*[lobby["poster_item"]] * 9, seconds=20))
    post_plays(client, lobby["screen"], plays_of(lobby["slide_item"], seconds=15))
    figures = screens.screen_reach(user=lobby["manager"], filters=ReachFilters())
    assert figures["totals"]["plays"] == 10 and figures["totals"]["seconds"] == 195
    assert figures["totals"]["minutes"] == 3.2 and figures["totals"]["screens"] == 1
    assert figures["by_venue_type"][0]["screen__venue__venue_type"] == "bank"
    assert figures["by_district"][0]["screen__venue__district__name"] == "江南区"
    assert figures["by_campaign"][0]["plays"] == 10
    assert figures["by_material"][0] == {
        "label": "公检法不会电话办案",
        "plays": 9,
        "seconds": 180,
        "minutes": 3.0,
    }
    page = client.get("/admin/campaigns/reach/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    assert "屏幕播放" in html and "工商银行江南支行" in html
    assert page.context["report"]["totals"]["in_person_attendance"] == attendance_before
    # Team B's people see none of team A's screens.
    other = screens.screen_reach(user=lobby["coord_b"], filters=ReachFilters())
    assert other["totals"]["plays"] == 0


def test_receipts_too_old_to_be_reported_again_are_pruned_nightly(client, lobby):
    from campaigns.tasks import prune_screen_play_receipts

    post_plays(client, lobby["screen"], plays_of(lobby["slide_item"], lobby["poster_item"]))
    old = ScreenPlayReceipt.objects.first()
    ScreenPlayReceipt.objects.filter(pk=old.pk).update(
        received_at=timezone.now() - datetime.timedelta(days=9)
    )
    assert prune_screen_play_receipts() == 1
    assert ScreenPlayReceipt.objects.count() == 1
    assert ScreenPlays.objects.aggregate(total=Sum("plays"))["total"] == 2  # figures stay
