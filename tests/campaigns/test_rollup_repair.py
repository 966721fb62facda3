"""The nightly rollup check (Celery beat): the dashboard's figures cannot drift silently."""

import datetime

from campaigns import workflow
from campaigns.models import DailyReach
from campaigns.reach import rollup_rows_from_events
from campaigns.tasks import check_reach_rollups


def test_nightly_check_repairs_rollups_that_drifted_from_the_events(world):
    workflow.approve_event(event=world["event_a"], user=world["lead_a"])
    assert check_reach_rollups() == 0  # kept exact by the signals
    DailyReach.objects.filter(dimension="total").update(attendance=999_999)
    DailyReach.objects.create(
        day=datetime.date(2020, 1, 1),
        campaign=world["campaign"],
        team=world["team_a"],
        dimension="total",
        key="all",
        events=3,
    )
    assert check_reach_rollups() == 2
    stored = sorted(
        DailyReach.objects.values_list("dimension", "key", "day", "attendance", "events")
    )
    expected = sorted(
        (r.dimension, r.key, r.day, r.attendance, r.events) for r in rollup_rows_from_events()
    )
    assert stored == expected
