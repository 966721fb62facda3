"""The big screen on a wall display: a read-only link (/screen/<token>/) that a campaign
manager creates and revokes in the admin, and what the screen shows (money protected, the
last update in Beijing time, one campaign's figures)."""

import logging
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from wagtail.users.models import UserProfile

from campaigns import display, models, workflow
from campaigns.models import DisplayLink
from tests import factories

SCREENS = "/admin/campaigns/screens/"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def approved(world, django_user_model):
    """Both teams' events approved (A: 100 people, 20,000 yuan protected; B: 70 people,
    5,000.50 yuan) and a second campaign only team B runs, with 1,234,567 yuan protected."""
    for key, money in (("event_a", Decimal("20000")), ("event_b", Decimal("5000.50"))):
        world[key].money_protected_yuan = money
        world[key].save()
        workflow.approve_event(event=world[key], user=world["manager"])
    other = factories.CampaignFactory(
        name="河西 电信诈骗 专项行动", slug="hexi-dianxin", teams=[world["team_b"]]
    )
    event = factories.OutreachEventFactory(
        campaign=other,
        team=world["team_b"],
        created_by=world["coord_b"],
        status="submitted",
        money_protected_yuan=Decimal("1234567"),
        **factories.reached(30),
    )
    workflow.approve_event(event=event, user=world["manager"])
    world["other_campaign"] = other
    world["admin"] = django_user_model.objects.create_superuser("admin", password="pw")
    return world


def new_link(world, **fields):
    fields.setdefault("name", "指挥中心 大厅大屏")
    return DisplayLink.objects.create(created_by=world["manager"], **fields)


def text(response) -> str:
    """The page's text as a reader sees it (figures and their units run together)."""
    return re.sub(r"<[^>]+>", "", response.content.decode())


def screen_url(link):
    return f"/screen/{link.token}/"


# --- Managers create and revoke; nobody else can ----------------------------------------
def test_manager_creates_a_link_in_the_admin_and_sees_its_address(client, approved):
    client.force_login(approved["manager"])
    response = client.post(
        SCREENS + "new/",
        {"name": "  江南区 反诈中心 一楼大屏 ", "campaign": approved["other_campaign"].pk},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    link = DisplayLink.objects.get()
    assert link.created_by == approved["manager"]
    assert link.campaign == approved["other_campaign"]
    assert len(link.token) >= 40 and link.revoked_at is None
    listing = client.get(SCREENS).content.decode()
    assert f"/screen/{link.token}/" in listing
    assert "江南区 反诈中心 一楼大屏" in listing


def test_admin_screens_are_in_chinese(client, approved):
    link = new_link(approved)
    client.force_login(approved["manager"])
    for url in (SCREENS, SCREENS + "new/", f"{SCREENS}revoke/{link.pk}/"):
        html = client.get(url).content.decode()
        for english in ("ig screen link", "Revoke", "last opened", "All campaigns", "Address"):
            assert english not in html, f"{url} shows {english!r}"
    assert "大屏链接" in client.get(SCREENS).content.decode()


def test_manager_revokes_a_link_and_the_display_is_refused(client, approved):
    link = new_link(approved)
    display_client = client.__class__()  # the wall display: no session, no cookies
    assert display_client.get(screen_url(link)).status_code == 200

    client.force_login(approved["manager"])
    listing = client.get(SCREENS, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f"{SCREENS}revoke/{link.pk}/" in listing  # the list's 撤销 button
    confirm = client.get(f"{SCREENS}revoke/{link.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = confirm.content.decode()
    assert confirm.status_code == 200 and link.name in page
    assert "下次刷新时（一分钟内）停止显示数据" in page and "撤销大屏链接" in page
    response = client.post(f"{SCREENS}revoke/{link.pk}/")
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None and link.revoked_by == approved["manager"]

    refused = display_client.get(screen_url(link))
    assert refused.status_code == 410
    html = refused.content.decode()
    assert "已撤销" in html
    assert "万元" not in html and "2.5" not in html  # no figures left on the wall
    assert 'http-equiv="refresh"' not in html  # and no reload that could show them again


def test_a_revoked_link_stays_refused_after_a_cached_first_visit(client, approved, settings):
    settings.PAGE_CACHE_SECONDS = 600
    link = new_link(approved)
    assert client.get(screen_url(link)).status_code == 200
    display.revoke(link=link, user=approved["manager"])
    assert client.get(screen_url(link)).status_code == 410


ROLES = ["anonymous", "editor", "coord_a", "lead_a", "lead_b", "manager", "admin"]
MANAGES = {"manager", "admin"}


def as_role(client, world, role):
    if role != "anonymous":
        client.force_login(world[role])
    return client


def refused(response, role):
    if role == "anonymous":
        return response.status_code == 302 and "/login/" in response["Location"]
    if response.status_code == 302:
        return response["Location"] in ("/admin/", "/")
    return response.status_code in (403, 404)


@pytest.mark.parametrize("role", ROLES)
def test_only_managers_open_the_display_link_screens(client, approved, role):
    link = new_link(approved)
    as_role(client, approved, role)
    for url in (
        SCREENS,
        SCREENS + "new/",
        f"{SCREENS}edit/{link.pk}/",
        f"{SCREENS}revoke/{link.pk}/",
        f"{SCREENS}delete/{link.pk}/",
    ):
        response = client.get(url)
        if role in MANAGES:
            assert response.status_code == 200, url
        else:
            assert refused(response, role), f"{url}: {role} got {response.status_code}"
            assert link.token not in response.content.decode()


@pytest.mark.parametrize("role", [r for r in ROLES if r not in MANAGES])
def test_forged_posts_of_other_roles_change_nothing(client, approved, role):
    link = new_link(approved)
    as_role(client, approved, role)
    posts = [
        (SCREENS + "new/", {"name": "伪造的大屏"}),
        (f"{SCREENS}edit/{link.pk}/", {"name": "改名", "campaign": ""}),
        (f"{SCREENS}revoke/{link.pk}/", {}),
        (f"{SCREENS}delete/{link.pk}/", {}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert refused(response, role), f"{url}: {role} got {response.status_code}"
    link.refresh_from_db()
    assert DisplayLink.objects.count() == 1
    assert link.name == "指挥中心 大厅大屏" and link.revoked_at is None


def test_revoking_twice_keeps_the_first_revocation(client, approved):
    link = new_link(approved)
    display.revoke(link=link, user=approved["manager"])
    first = DisplayLink.objects.get().revoked_at
    client.force_login(approved["admin"])
    response = client.post(f"{SCREENS}revoke/{link.pk}/")
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at == first and link.revoked_by == approved["manager"]


def test_the_revoke_page_of_an_unknown_link_is_a_404(client, approved):
    client.force_login(approved["manager"])
    assert client.get(f"{SCREENS}revoke/987654/").status_code == 404
    assert client.post(f"{SCREENS}revoke/987654/").status_code == 404


# --- The display link: read only, nothing else ------------------------------------------
def test_display_link_shows_the_big_screen_without_signing_in(client, approved):
    link = new_link(approved)
    response = client.get(screen_url(link))
    html = response.content.decode()
    assert response.status_code == 200
    assert "避免损失" in html
    assert "125.96万元" in text(response)  # 20,000 + 5,000.50 + 1,234,567 yuan, in 万元
    assert ">200<" in html  # people reached: 100 + 70 + 30
    assert "/admin/" not in html  # no way into the admin from the wall
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    link.refresh_from_db()
    assert link.last_seen_at is not None


def test_display_link_filtered_to_a_campaign_shows_only_that_campaign(client, approved):
    link = new_link(approved, campaign=approved["other_campaign"])
    response = client.get(screen_url(link))
    html = response.content.decode()
    assert "河西 电信诈骗 专项行动" in html
    assert "123.46万元" in text(response) and "125.96万元" not in text(response)
    assert ">30<" in html and ">200<" not in html
    # The address's own query cannot widen it.
    widened = client.get(screen_url(link) + f"?campaign={approved['campaign'].pk}")
    assert "125.96万元" not in text(widened)


def test_the_display_link_opens_nothing_else(client, approved):
    link = new_link(approved)
    assert client.get(screen_url(link)).status_code == 200
    for url in (
        "/admin/campaigns/big-screen/",
        "/admin/campaigns/reach/",
        "/admin/campaigns/events/",
        SCREENS,
        "/api/v1/reach/",
    ):
        response = client.get(url)
        assert response.status_code in (302, 401, 403), url
    api = client.get("/api/v1/reach/", HTTP_AUTHORIZATION=f"Bearer {link.token}")
    assert api.status_code == 401
    assert client.get(f"/admin/campaigns/big-screen/?token={link.token}").status_code == 302
    assert client.get(f"/screen/{link.token}/admin/", follow=True).status_code == 404


@pytest.mark.parametrize(
    "token",
    ["x", "A" * 43, "not-a-token_but-well-formed-0123456789abcdef", "％２０全角", "a" * 300],
)
def test_unknown_tokens_are_a_chinese_404(client, approved, token):
    new_link(approved)
    response = client.get(f"/screen/{token}/")
    assert response.status_code == 404
    assert CHINESE.search(response.content.decode())
    assert "万元" not in response.content.decode()


def test_a_token_with_its_last_character_changed_is_refused(client, approved):
    link = new_link(approved)
    wrong = link.token[:-1] + ("A" if link.token[-1] != "A" else "B")
    assert client.get(f"/screen/{wrong}/").status_code == 404
    assert client.get(f"/screen/{link.token.upper()}/").status_code in (404, 200)
    if link.token.upper() != link.token:
        assert client.get(f"/screen/{link.token.upper()}/").status_code == 404


def test_tokens_are_compared_in_constant_time(approved, monkeypatch):
    link = new_link(approved)
    compared = []

    def spy(a, b):
        compared.append((a, b))
        return a == b

    monkeypatch.setattr(models, "compare_digest", spy)  # campaigns.models.TokenLink
    assert display.find_link(link.token) == link
    assert compared, "the token was not compared with hmac.compare_digest"


def test_a_link_stops_when_its_creator_is_no_longer_a_manager(client, approved):
    link = new_link(approved)
    approved["manager"].groups.clear()
    response = client.get(screen_url(link))
    assert response.status_code == 410
    assert "万元" not in response.content.decode()


def test_tokens_are_never_logged_in_full(client, approved, caplog):
    link = new_link(approved)
    display.revoke(link=link, user=approved["manager"])
    with caplog.at_level(logging.DEBUG):
        client.get(screen_url(link))
        client.get("/screen/made-up-token-that-does-not-exist-0123456789/")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert logged, "nothing was logged about the refused links"
    assert link.token not in logged
    assert "made-up-token-that-does-not-exist-0123456789" not in logged


def test_str_and_history_do_not_carry_the_token(approved):
    link = new_link(approved)
    assert link.token not in str(link)


# --- What the screen shows ---------------------------------------------------------------
def test_money_is_written_as_chinese_readers_expect():
    assert display.screen_money(Decimal("0")) == ("0", "元")
    assert display.screen_money(Decimal("3800.4")) == ("3,800", "元")
    assert display.screen_money(Decimal("25000.50")) == ("2.5", "万元")
    assert display.screen_money(Decimal("1259567.50")) == ("125.96", "万元")
    assert display.screen_money(Decimal("123456789012")) == ("12,345,678.9", "万元")


def test_last_update_is_beijing_time_whatever_the_viewers_time_zone(client, approved):
    manager = approved["manager"]
    profile = UserProfile.get_for_user(manager)
    profile.current_time_zone = "America/New_York"
    profile.save()
    client.force_login(manager)
    now = timezone.now()
    html = text(client.get("/admin/campaigns/big-screen/"))
    beijing = timezone.localtime(now, timezone.get_default_timezone())
    assert "北京时间" in html
    assert beijing.strftime("%H:%M") in html or (
        (beijing + timezone.timedelta(minutes=1)).strftime("%H:%M") in html
    )
    assert "避免损失" in html and "125.96万元" in html


def test_admin_big_screen_filters_to_a_campaign(client, approved):
    client.force_login(approved["manager"])
    response = client.get(f"/admin/campaigns/big-screen/?campaign={approved['other_campaign'].pk}")
    assert "123.46万元" in text(response) and ">30<" in response.content.decode()
    html = response.content.decode()
    assert "河西 电信诈骗 专项行动" in html


def test_a_coordinator_cannot_filter_the_big_screen_to_another_teams_campaign(client, approved):
    client.force_login(approved["coord_a"])
    response = client.get(f"/admin/campaigns/big-screen/?campaign={approved['other_campaign'].pk}")
    html = response.content.decode()
    assert "123.46万元" not in text(response)
    assert response.status_code == 200
    assert "河西 电信诈骗 专项行动" not in html
    assert ">100<" in html  # team A's own figures only


@pytest.mark.parametrize("value", ["abc", "-1", "１", "99999999999999999999", "1;drop"])
def test_a_bad_campaign_filter_is_never_a_500(client, approved, value):
    client.force_login(approved["manager"])
    response = client.get("/admin/campaigns/big-screen/", {"campaign": value})
    assert response.status_code == 200


def test_every_figure_on_the_screen_has_thousands_separators(client, approved):
    """Django's zh-hans number format groups nothing (69616); the wall reads 69,616."""
    big = factories.CampaignFactory(name="全市 反诈宣传月", teams=[approved["team_a"]])
    event = factories.OutreachEventFactory(
        campaign=big,
        team=approved["team_a"],
        created_by=approved["coord_a"],
        status="submitted",
        money_protected_yuan=Decimal("3800.40"),
        **factories.reached(4321, elders=4321, warnings=1234),
    )
    workflow.approve_event(event=event, user=approved["manager"])
    link = new_link(approved, campaign=big)
    response = client.get(screen_url(link))
    html = response.content.decode()
    assert ">4,321<" in html and ">1,234<" in html  # people reached, people warned off
    assert "4,321人" in html  # the latest events
    assert "3,800元" in text(response)
    assert "4321" not in html.replace('height="100', "")


@pytest.mark.parametrize(
    ("text", "size"),
    [("0", ""), ("69,616", ""), ("451.9万", ""), ("999,999", "long"), ("12,345,678", "longer")]
    + [("1,234,567,890", "longest"), ("12,345,678.9万", "longest")],
)
def test_longer_figures_get_a_smaller_size_so_none_is_cut_off(text, size):
    assert display.figure_size(text) == size


def test_live_stream_viewers_are_not_shown_as_people_reached_in_person(client, approved):
    """The big screen's 现场覆盖人数 is people in the room, as on the dashboard: a live
    stream's 400 viewers stay out of it (they count in attendance, split everywhere)."""
    event = factories.OutreachEventFactory(
        campaign=approved["event_a"].campaign,
        team=approved["team_a"],
        created_by=approved["coord_a"],
        status="submitted",
        format="online_live",
        **factories.reached(400),
    )
    workflow.approve_event(event=event, user=approved["manager"])
    response = client.get(screen_url(new_link(approved)))
    assert 'data-figure="attendance" class="">200<' in response.content.decode()
