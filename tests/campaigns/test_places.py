"""Routine work and clean places (issue 13): the standing 日常宣传 campaign of a team and
year, districts as a managed list ("江南" and "江南区" are one district), venues matched
tolerantly (brackets of either width, spaces, the district in the name), a possible
duplicate venue or a second event at a venue on one day confirmed before saving, and two
venues merged by a manager with their events, the rollups staying exact."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from wagtail.models import ModelLogEntry

from campaigns import permissions, places, reach, selectors, workflow
from campaigns.imports.service import import_events
from campaigns.models import (
    Campaign,
    DailyReach,
    District,
    EventStatus,
    OutreachEvent,
    Team,
    Venue,
    district_key,
    venue_name_key,
)
from tests import factories
from tests.campaigns.conftest import make_user
from tests.campaigns.test_reach_arithmetic import rollups_match_events
from tests.campaigns.test_workflow import event_form_data

NEW_EVENT = "/admin/campaigns/events/new/"
NEW_VENUE = "/admin/campaigns/venues/new/"
MERGE = "/admin/campaigns/venues/merge/{pk}/"


def site_today():
    return timezone.localdate(timezone=timezone.get_default_timezone())


def approve(event, user):
    event.status = EventStatus.SUBMITTED
    event.save()
    workflow.approve_event(event=event, user=user, confirm_flagged=True)


# --- Districts: one managed list ----------------------------------------------------------
@pytest.mark.parametrize(
    "spelling", ["江南区", "江南", " 江 南 区 ", "江南　区", "ＪＩＡＮＧＮＡＮ区", "江南新区"]
)
def test_every_spelling_of_a_district_finds_it(db, spelling):
    jiangnan = District.objects.create(name="江南区", aliases="江南新区，jiangnan")
    District.objects.create(name="河西区")
    assert places.find_district(spelling) == jiangnan


def test_a_district_that_is_not_on_the_list_is_not_guessed(db):
    District.objects.create(name="江南区")
    assert places.find_district("江北区") is None
    assert places.find_district("") is None
    assert places.find_district("区") is None


def test_a_second_spelling_of_a_district_is_refused_as_a_new_district(db):
    District.objects.create(name="江南区")
    with pytest.raises(ValidationError) as refused:
        District(name="江南").full_clean()
    assert "江南区" in str(refused.value.message_dict["name"])
    with pytest.raises(ValidationError) as refused:
        District(name="城北区", aliases="城北，江 南").full_clean()
    assert "aliases" in refused.value.message_dict


def test_district_keys_leave_off_the_suffix_but_keep_a_short_name_whole():
    assert district_key("江南区") == district_key("江南") == "江南"
    assert district_key("石岭镇") == "石岭"
    assert district_key("桂花街道") == "桂花"
    assert district_key("城区") == "城区"  # not 城: two characters stay whole


# --- Venue names compared tolerantly ------------------------------------------------------
@pytest.mark.parametrize(
    "spelling",
    [
        "工商银行(江南支行)",
        "工商银行江南支行",
        "工商银行 （江南支行）",
        "工商银行【江南支行】",
        "江南区工商银行（江南支行）",
        "工商银行（江南支行）（江南区）",
        "工商银行(江南支行)(江南)",
        "  工商银行（江南支行） ",
    ],
)
def test_venue_names_match_whatever_brackets_spaces_or_district(spelling):
    district = ["江南区"]
    assert venue_name_key(spelling, district) == venue_name_key("工商银行（江南支行）", district)


def test_a_name_that_only_starts_like_the_district_is_not_cut():
    """江南大学 in 江南区 is not "大学": only the district's full name is left off."""
    assert venue_name_key("江南大学", ["江南区"]) != venue_name_key("大学", ["江南区"])
    assert venue_name_key("江南区", ["江南区"]) == "江南区"  # never cut to nothing


def test_a_stored_venue_keeps_its_chinese_punctuation(db):
    District.objects.create(name="江南区")
    venue = factories.VenueFactory(name="工商银行  （江南支行）", district="江南")
    venue.refresh_from_db()
    assert venue.name == "工商银行 （江南支行）"
    assert venue.district.name == "江南区"
    assert venue.name_key == venue_name_key("工商银行(江南支行)", ["江南区"])


# --- A possible duplicate venue is confirmed before saving --------------------------------
def venue_form(name, district, **extra):
    return {
        "name": name,
        "venue_type": "bank",
        "district": district.pk,
        "address": "",
        "latitude": "",
        "longitude": "",
        **extra,
    }


def test_a_possible_duplicate_venue_is_flagged_and_saved_only_once_confirmed(client, world):
    existing = factories.VenueFactory(name="工商银行（江南支行）", district="江南区")
    client.force_login(world["coord_a"])
    response = client.post(NEW_VENUE, venue_form("江南区工商银行(江南支行)", existing.district))
    assert response.status_code == 200
    html = response.content.decode()
    assert "工商银行（江南支行）（江南区）" in html  # the venue it may repeat, named
    assert 'name="confirm_duplicate"' in html
    assert not Venue.objects.filter(name="江南区工商银行(江南支行)").exists()

    response = client.post(
        NEW_VENUE,
        venue_form("江南区工商银行(江南支行)", existing.district, confirm_duplicate="on"),
    )
    assert response.status_code == 302
    assert Venue.objects.filter(name="江南区工商银行(江南支行)").exists()


def test_a_venue_of_the_same_name_in_another_district_is_not_a_duplicate(client, world):
    factories.VenueFactory(name="幸福里社区", district="江南区")
    hexi = factories.district_named("河西区")
    client.force_login(world["coord_b"])
    response = client.post(NEW_VENUE, venue_form("幸福里社区", hexi))
    assert response.status_code == 302
    assert Venue.objects.filter(name="幸福里社区").count() == 2


def test_editing_a_venue_without_renaming_it_asks_nothing(client, world):
    factories.VenueFactory(name="东门菜市场", district="江南区")
    twin = factories.VenueFactory(name="东门 菜市场", district="江南区")  # confirmed before
    client.force_login(world["manager"])
    response = client.post(
        f"/admin/campaigns/venues/edit/{twin.pk}/",
        venue_form("东门 菜市场", twin.district, address="东门路1号"),
    )
    assert response.status_code == 302
    twin.refresh_from_db()
    assert twin.address == "东门路1号"


def test_the_venue_form_offers_only_districts_in_use(client, world):
    District.objects.create(name="旧城区", is_active=False)
    client.force_login(world["coord_a"])
    html = client.get(NEW_VENUE).content.decode()
    assert "江南区" in html and "旧城区" not in html


# --- A second event at a venue on one day is confirmed ------------------------------------
def test_a_second_event_at_the_same_venue_on_the_same_day_is_confirmed(client, world):
    venue = world["event_b"].venue  # team B's booth there on 2026-05-20, 17:00 in Beijing
    client.force_login(world["coord_a"])
    data = event_form_data(
        world,
        venue=venue.pk,
        starts_at="2026-05-20 19:30",
        ends_at="2026-05-20 20:30",
    )
    before = OutreachEvent.objects.count()
    response = client.post(NEW_EVENT, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="confirm_same_day"' in html
    assert "2026-05-20" in html
    assert OutreachEvent.objects.count() == before

    response = client.post(NEW_EVENT, data | {"confirm_same_day": "on"})
    assert response.status_code == 302
    assert OutreachEvent.objects.count() == before + 1


def test_the_same_venue_on_another_day_asks_nothing(client, world):
    client.force_login(world["coord_a"])
    data = event_form_data(
        world,
        venue=world["event_b"].venue_id,
        starts_at="2026-05-21 09:00",
        ends_at="2026-05-21 10:00",
    )
    assert client.post(NEW_EVENT, data).status_code == 302


def test_editing_an_event_without_moving_it_asks_nothing(client, world):
    """Two events confirmed at one venue that day: correcting one's notes asks nothing."""
    event = world["event_a"]
    twin = factories.OutreachEventFactory(
        campaign=world["campaign"],
        team=world["team_a"],
        venue=event.venue,
        created_by=world["coord_a"],
        status="draft",
    )
    client.force_login(world["coord_a"])
    local = timezone.localtime(twin.starts_at)
    data = event_form_data(
        world,
        venue=twin.venue_id,
        starts_at=f"{local:%Y-%m-%d %H:%M}",
        ends_at=f"{timezone.localtime(twin.ends_at):%Y-%m-%d %H:%M}",
        attendance="100",
        elders="40",
        students="10",
        general_public="50",
        notes="补记：下午场",
    )
    response = client.post(f"/admin/campaigns/events/edit/{twin.pk}/", data)
    assert response.status_code == 302
    twin.refresh_from_db()
    assert twin.notes == "补记：下午场"


# --- Routine work: the standing campaign ---------------------------------------------------
def test_the_standing_campaign_is_made_once_per_team_and_year(world):
    first = places.standing_campaign(world["team_a"], 2026)
    assert places.standing_campaign(world["team_a"], 2026) == first
    assert first.name == "A队 日常宣传（2026）"
    assert (first.start_date, first.end_date) == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 12, 31),
    )
    assert list(first.teams.all()) == [world["team_a"]]
    other = places.standing_campaign(world["team_b"], 2026)
    assert other != first
    assert places.standing_campaign(world["team_a"], 2027) not in (first, other)


def test_a_coordinator_records_todays_event_when_every_campaign_has_ended(client, world):
    today = site_today()
    campaign = world["campaign"]
    campaign.start_date = today - datetime.timedelta(days=60)
    campaign.end_date = today - datetime.timedelta(days=1)
    campaign.save()
    client.force_login(world["coord_a"])

    html = client.get(NEW_EVENT).content.decode()
    routine = Campaign.objects.get(standing_team=world["team_a"], standing_year=today.year)
    assert f'<option value="{routine.pk}" selected>' in html
    assert "B队 日常宣传" not in html  # another team's routine work is not offered
    # offered last, after the campaigns
    assert html.index(f'value="{campaign.pk}"') < html.index(f'value="{routine.pk}"')

    venue = factories.VenueFactory(name="幸福里社区", venue_type="community")
    response = client.post(
        NEW_EVENT,
        event_form_data(
            world,
            campaign=routine.pk,
            venue=venue.pk,
            starts_at=f"{today:%Y-%m-%d} 09:00",
            ends_at=f"{today:%Y-%m-%d} 10:30",
            attendance="45",
            elders="30",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = OutreachEvent.objects.get(campaign=routine)
    assert event.event_date == today

    # The same day in the ended campaign is refused, as before.
    refused = client.post(
        NEW_EVENT,
        event_form_data(
            world,
            venue=venue.pk,
            starts_at=f"{today:%Y-%m-%d} 14:00",
            ends_at=f"{today:%Y-%m-%d} 15:00",
            confirm_same_day="on",
        ),
    )
    assert refused.status_code == 200
    assert OutreachEvent.objects.filter(campaign=campaign, venue=venue).count() == 0

    # Approved, routine work counts in the reach like any event.
    totals_before = selectors.reach_report(user=world["manager"])["totals"]["attendance"]
    approve(event, world["lead_a"])
    report = selectors.reach_report(user=world["manager"])
    assert report["totals"]["attendance"] == totals_before + 45
    assert report["by_venue_type"]["community"]["attendance"] == 45
    assert rollups_match_events()
    assert routine in permissions.visible_campaigns(world["coord_a"])


def test_a_coordinator_without_a_team_gets_no_routine_campaign(client, world, django_user_model):
    loner = make_user(django_user_model, "loner", "Campaign coordinators")
    client.force_login(loner)
    assert client.get(NEW_EVENT).status_code == 200
    assert not Campaign.objects.filter(standing_team__isnull=False).exists()


# --- Merging two venues -------------------------------------------------------------------
@pytest.fixture
def twins(world):
    """One bank branch recorded twice: as a bank in 江南区 with team A's approved event,
    and as a market spelled 江南 with team B's approved event and a draft."""
    bank = factories.VenueFactory(name="工商银行（江南支行）", venue_type="bank", district="江南区")
    copy = factories.VenueFactory(name="工商银行江南支行", venue_type="market", district="江南")
    a = factories.OutreachEventFactory(
        campaign=world["campaign"], team=world["team_a"], venue=bank, created_by=world["coord_a"]
    )
    b = factories.OutreachEventFactory(
        campaign=world["campaign"],
        team=world["team_b"],
        venue=copy,
        created_by=world["coord_b"],
        **factories.reached(80, general_public=80),
    )
    draft = factories.OutreachEventFactory(
        campaign=world["campaign"], team=world["team_b"], venue=copy, created_by=world["coord_b"]
    )
    approve(a, world["lead_a"])
    approve(b, world["lead_b"])
    return {"bank": bank, "copy": copy, "a": a, "b": b, "draft": draft}


def test_a_manager_merges_two_venues_and_the_figures_follow(client, world, twins):
    manager = world["manager"]
    before = selectors.reach_report(user=manager)
    assert before["by_venue_type"]["market"]["attendance"] >= 80
    client.force_login(manager)
    page = client.get(MERGE.format(pk=twins["bank"].pk))
    assert page.status_code == 200
    assert f'<option value="{twins["copy"].pk}" selected>' in page.content.decode()

    response = client.post(
        MERGE.format(pk=twins["bank"].pk), {"other": twins["copy"].pk, "keep": "this"}
    )
    assert response.status_code == 302
    assert not Venue.objects.filter(pk=twins["copy"].pk).exists()
    for name in ("a", "b", "draft"):
        twins[name].refresh_from_db()
        assert twins[name].venue_id == twins["bank"].pk
    after = selectors.reach_report(user=manager)
    assert after["totals"] == before["totals"]
    moved = (
        before["by_venue_type"]["market"]["attendance"]
        - after["by_venue_type"].get("market", {"attendance": 0})["attendance"]
    )
    assert moved == 80
    assert rollups_match_events()
    entry = ModelLogEntry.objects.get(action=places.MERGE, object_id=str(twins["bank"].pk))
    assert entry.data == {"merged": "工商银行江南支行（江南区）", "events": 2}
    assert entry.user == manager
    assert ModelLogEntry.objects.filter(
        action="campaigns.edit", object_id=str(twins["b"].pk)
    ).exists()


def test_the_other_venue_may_be_the_one_kept(client, world, twins):
    client.force_login(world["manager"])
    response = client.post(
        MERGE.format(pk=twins["bank"].pk), {"other": twins["copy"].pk, "keep": "other"}
    )
    assert response.status_code == 302
    assert not Venue.objects.filter(pk=twins["bank"].pk).exists()
    assert OutreachEvent.objects.filter(venue=twins["copy"]).count() == 3
    assert rollups_match_events()


@pytest.mark.parametrize("role", ["coord_a", "lead_a", "lead_b", "editor"])
def test_only_a_manager_merges_venues(client, world, twins, role):
    client.force_login(world[role])
    url = MERGE.format(pk=twins["bank"].pk)
    assert client.get(url).status_code == 403
    forged = client.post(url, {"other": twins["copy"].pk, "keep": "this"})
    assert forged.status_code == 403
    assert Venue.objects.filter(pk=twins["copy"].pk).exists()
    assert OutreachEvent.objects.filter(venue=twins["copy"]).count() == 2


def test_an_anonymous_merge_goes_to_the_login_page(client, world, twins):
    response = client.post(
        MERGE.format(pk=twins["bank"].pk), {"other": twins["copy"].pk, "keep": "this"}
    )
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert Venue.objects.filter(pk=twins["copy"].pk).exists()


def test_a_merge_with_a_missing_venue_is_explained_not_a_500(client, world, twins):
    client.force_login(world["manager"])
    response = client.post(MERGE.format(pk=twins["bank"].pk), {"other": "99999999999999999999"})
    assert response.status_code == 200
    assert client.get(MERGE.format(pk=987654)).status_code == 404


# --- Districts in the rollups -------------------------------------------------------------
def test_a_renamed_district_keeps_its_figures(world, twins):
    manager = world["manager"]
    jiangnan = twins["bank"].district
    total = selectors.reach_report(user=manager)["by_district"]["江南区"]["attendance"]
    jiangnan.name = "江南新区"
    jiangnan.save()
    by_district = selectors.reach_report(user=manager)["by_district"]
    assert "江南区" not in by_district
    assert by_district["江南新区"]["attendance"] == total
    assert rollups_match_events()


def test_a_venue_moved_to_another_district_moves_its_figures(world, twins):
    venue = twins["bank"]
    venue.district = factories.district_named("河西区")
    venue.save()
    assert rollups_match_events()
    assert DailyReach.objects.filter(dimension="district", key="河西区").exists()


# --- The district list in the admin -------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "allowed"),
    [("manager", True), ("lead_a", False), ("coord_a", False), ("editor", False)],
)
def test_only_managers_keep_the_district_list(client, world, role, allowed):
    client.force_login(world[role])
    listing = client.get("/admin/campaigns/districts/")
    created = client.post("/admin/campaigns/districts/new/", {"name": "城东区", "order": "5"})
    if allowed:
        assert listing.status_code == 200 and "江南区" in listing.content.decode()
        assert created.status_code == 302
        assert District.objects.filter(name="城东区").exists()
    else:
        assert listing.status_code in (302, 403, 404)
        assert created.status_code in (302, 403, 404)
        assert not District.objects.filter(name="城东区").exists()


def test_a_manager_adding_a_second_spelling_is_told_which_district_it_is(client, world):
    client.force_login(world["manager"])
    response = client.post("/admin/campaigns/districts/new/", {"name": "江 南", "order": "0"})
    assert response.status_code == 200
    assert "江南区" in response.content.decode()
    assert not District.objects.filter(name="江 南").exists()


# --- The ledger import uses the managed districts and tolerant venue matching ------------
HEADER = "宣传活动,日期,开始时间,场所名称,场所类型,辖区,形式,参与人数,单位"


def ledger(world, *rows):
    campaign, team = world["campaign"].name, world["team_a"].name
    lines = [HEADER] + [row.format(campaign=campaign, team=team) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_the_import_finds_the_district_and_venue_however_the_ledger_spells_them(world):
    bank = factories.VenueFactory(name="工商银行（江南支行）", venue_type="bank", district="江南区")
    content = ledger(
        world,
        "{campaign},2026-05-02,9:00,江南区工商银行(江南支行),银行,江南,摆摊,60,{team}",
        "{campaign},2026-05-03,9:00,工商银行 【江南支行】,银行,江 南 区,摆摊,40,{team}",
    )
    report = import_events(content=content, filename="台账.csv", user=world["manager"])
    assert report.ok and report.saved, [p.message for p in report.problems]
    assert set(
        OutreachEvent.objects.filter(attendance__in=[60, 40]).values_list("venue", flat=True)
    ) == {bank.pk}
    assert Venue.objects.filter(name__contains="工商银行").count() == 1


def test_the_import_refuses_a_district_not_on_the_list_naming_row_and_header(world):
    content = ledger(world, "{campaign},2026-05-02,9:00,火星基地,其他,火星区,摆摊,60,{team}")
    report = import_events(content=content, filename="台账.csv", user=world["manager"])
    assert not report.saved
    [problem] = report.problems
    assert (problem.row, problem.column, problem.header) == (2, "district", "辖区")
    assert "火星区" in str(problem.message) and "江南区" in str(problem.message)
    assert not Venue.objects.filter(name="火星基地").exists()


def test_a_new_venue_from_the_import_joins_the_managed_district(world):
    content = ledger(world, "{campaign},2026-05-02,9:00,柳湾村村委会,农村,河西,上门,25,{team}")
    report = import_events(content=content, filename="台账.csv", user=world["manager"])
    assert report.ok and report.saved
    assert Venue.objects.get(name="柳湾村村委会").district.name == "河西区"


def test_rebuilt_rollups_key_districts_by_name(world, twins):
    reach.rebuild_reach_rollups()
    keys = set(DailyReach.objects.filter(dimension="district").values_list("key", flat=True))
    assert keys == {"江南区"}


def test_the_new_screens_speak_chinese(client, world, twins):
    client.force_login(world["manager"])
    merge = client.get(MERGE.format(pk=twins["bank"].pk)).content.decode()
    for words in ("合并场所", "与之合并的场所", "保留", "本场所", "覆盖数据随之移动"):
        assert words in merge
    for english in ("Merge", "Keep", "this venue"):
        assert f">{english}" not in merge
    edit = client.get(f"/admin/campaigns/venues/edit/{twins['bank'].pk}/").content.decode()
    assert "与其他场所合并" in edit
    districts = client.get("/admin/campaigns/districts/").content.decode()
    assert "其他写法" in districts and "在用" in districts
    client.force_login(world["coord_a"])
    same_day = client.post(
        NEW_EVENT,
        event_form_data(
            world,
            venue=twins["copy"].pk,
            starts_at="2026-05-20 19:30",
            ends_at="2026-05-20 20:30",
        ),
    ).content.decode()
    assert "已有 2 场活动记录" in same_day and "不是重复录入" in same_day


# --- The data migration ---------------------------------------------------------------------
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_makes_one_district_of_two_spellings_and_keeps_the_rollups():
    before, after = [("campaigns", "0010_not_counted_figures")], [("campaigns", "0011_places")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        team = old.get_model("campaigns", "Team").objects.create(
            name="江南区反诈中心", district="江南区"
        )
        campaign = old.get_model("campaigns", "Campaign").objects.create(
            name="宣传月", slug="month", start_date="2026-05-01", end_date="2026-05-31"
        )
        Venue = old.get_model("campaigns", "Venue")
        market = Venue.objects.create(
            name="东门菜市场", name_key="东门菜市场", venue_type="market", district="江南"
        )
        bank = Venue.objects.create(
            name="江南区工商银行（江南支行）",
            name_key="江南区工商银行（江南支行）",
            venue_type="bank",
            district="江南区",
        )
        hexi = Venue.objects.create(
            name="河西综合市场", name_key="河西综合市场", venue_type="market", district="河西区 "
        )
        DailyReach = old.get_model("campaigns", "DailyReach")
        for key, attendance in (("江南", 10), ("江南区", 20), ("河西区 ", 5)):
            DailyReach.objects.create(
                day="2026-05-02",
                campaign=campaign,
                team=team,
                dimension="district",
                key=key,
                events=1,
                attendance=attendance,
            )

        executor = MigrationExecutor(connection)
        executor.migrate(after)
        new = executor.loader.project_state(after).apps
        District = new.get_model("campaigns", "District")
        assert sorted(District.objects.values_list("name", "aliases")) == [
            ("江南区", "江南"),
            ("河西区", ""),
        ]
        Venue = new.get_model("campaigns", "Venue")
        districts = dict(Venue.objects.values_list("pk", "district__name"))
        assert districts == {market.pk: "江南区", bank.pk: "江南区", hexi.pk: "河西区"}
        assert Venue.objects.get(pk=bank.pk).name == "江南区工商银行（江南支行）"
        assert Venue.objects.get(pk=bank.pk).name_key == venue_name_key(
            "工商银行(江南支行)", ["江南区"]
        )
        rows = new.get_model("campaigns", "DailyReach").objects.filter(dimension="district")
        assert sorted(rows.values_list("key", "events", "attendance")) == [
            ("江南区", 2, 30),
            ("河西区", 1, 5),
        ]
    finally:
        MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())


def test_a_ledger_row_without_a_campaign_is_the_teams_routine_work(world):
    content = ledger(
        world,
        ",2026-05-02,9:00,幸福里社区,社区,江南区,讲座,35,{team}",
        "日常宣传,2026-06-03,9:00,幸福里社区,社区,江南区,讲座,15,{team}",
    )
    report = import_events(content=content, filename="台账.csv", user=world["manager"])
    assert report.ok and report.saved, [p.message for p in report.problems]
    routine = places.standing_campaign(world["team_a"], 2026)
    assert sorted(routine.events.values_list("attendance", flat=True)) == [15, 35]


def test_a_district_with_venues_is_not_deleted_and_nothing_breaks(client, world):
    jiangnan = factories.district_named("江南区")
    assert jiangnan.venues.exists()
    client.force_login(world["manager"])
    url = f"/admin/campaigns/districts/delete/{jiangnan.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302
    assert District.objects.filter(pk=jiangnan.pk).exists()
    assert "下还有" in client.get(response["Location"]).content.decode()


def test_a_teams_district_is_one_of_the_managed_districts(client, world):
    client.force_login(world["manager"])
    saved = client.post(
        "/admin/campaigns/teams/new/", {"name": "江南区东门派出所", "district": "江南"}
    )
    assert saved.status_code == 302
    assert Team.objects.get(name="江南区东门派出所").district == "江南区"
    refused = client.post(
        "/admin/campaigns/teams/new/", {"name": "火星派出所", "district": "火星区"}
    )
    assert refused.status_code == 200
    assert "火星区" in refused.content.decode() and "河西区" in refused.content.decode()
    assert not Team.objects.filter(name="火星派出所").exists()
