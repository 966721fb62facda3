"""Reach figures on a known dataset: breakdowns add up, only approved events count, and the
rollups stay exactly equal to a scan of the events through every kind of change."""

import datetime
import functools
import operator

import pytest

from campaigns import links, reach, selectors, workflow
from campaigns.models import DailyReach, EventMaterial, EventStatus
from tests import factories

ROLLUP_COLUMNS = (
    "day",
    "campaign_id",
    "team_id",
    "dimension",
    "key",
    "events",
    *reach.LEDGER_COUNTS,
)


def rollups_match_events():
    def rows(rollups):
        return sorted(operator.attrgetter(*ROLLUP_COLUMNS)(r) for r in rollups if r.events)

    return rows(DailyReach.objects.all()) == rows(reach.rollup_rows_from_events())


@pytest.fixture
def dataset(db, django_user_model):
    team = factories.TeamFactory()
    campaign = factories.CampaignFactory(teams=[team])
    market = factories.VenueFactory(venue_type="market", district="江南区")
    school = factories.VenueFactory(venue_type="school", district="河西区")
    may = datetime.datetime(2026, 5, 3, 9, tzinfo=datetime.UTC)
    june = datetime.datetime(2026, 6, 10, 9, tzinfo=datetime.UTC)
    event = functools.partial(factories.OutreachEventFactory, campaign=campaign, team=team)
    events = [
        event(
            venue=market,
            starts_at=may,
            format="booth",
            status="approved",
            **factories.reached(
                100, elders=60, general_public=40, materials_distributed=50, warnings=3
            ),
        ),
        event(
            venue=school,
            starts_at=june,
            format="talk",
            status="approved",
            **factories.reached(200, students=180, materials_distributed=120, warnings=1),
        ),
        # Not approved: must not count.
        event(venue=school, starts_at=june, status="submitted", **factories.reached(999)),
    ]
    manager = django_user_model.objects.create_superuser("boss", password="pw")
    return {"events": events, "manager": manager, "campaign": campaign, "team": team}


def test_totals_and_breakdowns_on_a_known_dataset(dataset):
    report = selectors.reach_report(user=dataset["manager"])
    totals = report["totals"]
    assert (
        totals["events"],
        totals["attendance"],
        totals["materials_distributed"],
        totals["warnings"],
    ) == (2, 300, 170, 4)
    assert {k: v["attendance"] for k, v in report["by_venue_type"].items()} == {
        "school": 200,
        "market": 100,
    }
    assert {k: v["attendance"] for k, v in report["by_district"].items()} == {
        "河西区": 200,
        "江南区": 100,
    }
    assert {k: v["attendance"] for k, v in report["by_format"].items()} == {
        "talk": 200,
        "booth": 100,
    }
    assert report["by_audience"] == {
        "elders": 60,
        "students": 180,
        "general_public": 40,
        "unspecified": 20,
    }
    assert {k: v["attendance"] for k, v in report["by_month"].items()} == {
        "2026-05": 100,
        "2026-06": 200,
    }


def test_every_breakdown_sums_to_the_total(dataset):
    report = selectors.reach_report(user=dataset["manager"])
    for name in ("by_venue_type", "by_district", "by_format", "by_month"):
        for figure in (
            "events",
            "attendance",
            "materials_distributed",
            "warnings",
            "money_protected_yuan",
        ):
            assert sum(row[figure] for row in report[name].values()) == report["totals"][figure]
    assert sum(report["by_audience"].values()) == report["totals"]["attendance"]


def test_only_approved_events_count_and_pending_are_shown_apart(dataset):
    pending = selectors.pending_events(user=dataset["manager"])
    assert pending == {EventStatus.DRAFT: 0, EventStatus.SUBMITTED: 1, EventStatus.RETURNED: 0}
    submitted = dataset["events"][2]
    workflow.approve_event(event=submitted, user=dataset["manager"])
    assert selectors.reach_report(user=dataset["manager"])["totals"]["attendance"] == 1299


def test_rollups_stay_exact_through_edits_status_changes_venue_moves_and_deletes(dataset):
    manager = dataset["manager"]
    first, second, pending = dataset["events"]
    assert rollups_match_events()
    workflow.approve_event(event=pending, user=manager)
    assert rollups_match_events()
    workflow.return_event(event=second, user=manager, comment="人数有误")
    assert rollups_match_events()
    second.attendance, second.students = 150, 150
    second.save()
    workflow.submit_event(event=second, user=manager)
    workflow.approve_event(event=second, user=manager)
    assert rollups_match_events()
    venue = first.venue
    venue.venue_type, venue.district = "bank", factories.district_named("城北区")
    venue.save()
    assert rollups_match_events()
    assert "bank" in selectors.reach_report(user=manager)["by_venue_type"]
    first.delete()
    assert rollups_match_events()
    assert selectors.reach_report(user=manager)["totals"]["events"] == 2


def test_material_effectiveness_counts_copies_events_and_scans(dataset, site_tree, rf):
    manager = dataset["manager"]
    poster = factories.PosterPageFactory(parent=site_tree["library"], title="防骗海报")
    event = dataset["events"][2]
    EventMaterial.objects.create(event=event, material=poster, quantity=80)
    workflow.approve_event(event=event, user=manager)
    link = factories_link(dataset["campaign"], poster)
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.2"):
        links.record_scan(link=link, request=rf.get("/r/x/", REMOTE_ADDR=address))
    [row] = selectors.material_effectiveness(user=manager)
    assert (row["title"], row["events"], row["copies"], row["scans"]) == ("防骗海报", 1, 80, 3)
    assert row["scans_per_100_copies"] == 3.8


def factories_link(campaign, page):
    from campaigns.models import TrackedLink

    return TrackedLink.objects.create(campaign=campaign, target=page, label="test")


def test_dashboard_is_computed_in_a_fixed_number_of_queries(dataset, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(dataset["manager"])
    client.get("/admin/campaigns/reach/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/admin/campaigns/reach/").status_code == 200
    for _ in range(20):
        factories.OutreachEventFactory(
            campaign=dataset["campaign"],
            team=dataset["team"],
            venue=factories.VenueFactory(),
            status="approved",
        )
    with CaptureQueriesContext(connection) as many:
        assert client.get("/admin/campaigns/reach/").status_code == 200
    assert len(many) == len(few) <= 30
