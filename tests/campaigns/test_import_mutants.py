"""The approved-event refusal (campaigns/imports/resource.py) where the mutation run
(docs/mutation.md) found the round-trip tests silent: a change to a value the file spreads
over two columns (the start: date and start time) is refused naming the one column that
changed, with its old and new value."""

import pytest
from django.utils import translation

from campaigns.imports.service import import_events
from campaigns.models import OutreachEvent
from tests.campaigns.test_import_round_trip import (  # noqa: F401 (the ledger fixture)
    change_cell,
    export,
    ledger,
    snapshot,
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("column", "old", "new"),
    [("start_time", "09:30", "10:00"), ("start_time", "09:30", "08:45")],
)
def test_a_change_in_one_of_two_columns_is_refused_naming_that_column(
    client,
    world,
    ledger,  # noqa: F811
    column,
    old,
    new,
):
    exported = export(client, world["manager"], headers="en")
    content, line = change_cell(exported, external_id="JN-001", header=column, value=new)
    before = snapshot()
    report = import_events(content=content, filename="export.csv", user=world["manager"])
    assert not report.saved and report.invalid == 1
    [problem] = report.problems
    assert (problem.row, problem.column) == (line, column)
    assert f"“{column}”" in problem.message and f"({old} → {new})" in problem.message
    assert snapshot() == before
    event = OutreachEvent.objects.get(external_id="JN-001")
    assert (event.starts_at.day, event.starts_at.minute) == (3, 30)
