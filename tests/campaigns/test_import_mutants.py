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
    csv_bytes,
    csv_rows,
    export,
    ledger,
    snapshot,
)

NOTES = "雨天，改在营业厅内；发放折页：120份"  # JN-001's notes in the ledger


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("column", "header", "old", "new"),
    [
        ("start_time", "Start time", "09:30", "10:00"),
        ("start_time", "Start time", "09:30", "08:45"),
    ],
)
def test_a_change_in_one_of_two_columns_is_refused_naming_that_column(
    client,
    world,
    ledger,  # noqa: F811
    column,
    header,
    old,
    new,
):
    exported = export(client, world["manager"], headers="en")
    content, line = change_cell(exported, external_id="JN-001", header=header, value=new)
    before = snapshot()
    report = import_events(content=content, filename="export.csv", user=world["manager"])
    assert not report.saved and report.invalid == 1
    [problem] = report.problems
    assert (problem.row, problem.column) == (line, column)
    assert f"“{header}”" in problem.message and f"({old} → {new})" in problem.message
    assert snapshot() == before
    event = OutreachEvent.objects.get(external_id="JN-001")
    assert (event.starts_at.day, event.starts_at.minute) == (3, 30)


def _without_column(content: bytes, header: str) -> bytes:
    rows = csv_rows(content)
    column = rows[0].index(header)
    return csv_bytes([row[:column] + row[column + 1 :] for row in rows])


def test_an_optional_column_left_out_is_a_change_named_by_its_key(
    client,
    world,
    ledger,  # noqa: F811
):
    """A file without the notes column would empty an approved event's notes: refused,
    naming the column by its key (the file has no header for it) and showing — for the
    empty new value."""
    exported = export(client, world["manager"], headers="en")
    content = _without_column(exported, "Notes")
    report = import_events(content=content, filename="export.csv", user=world["manager"])
    assert not report.saved
    problem = next(p for p in report.problems if p.column == "notes")
    assert "“notes”" in problem.message
    assert "(雨天，改在营业厅内；发放折页：120份 → —)" in problem.message
    assert (
        OutreachEvent.objects.get(external_id="JN-001").notes
        == "雨天，改在营业厅内；发放折页：120份"
    )


def test_notes_added_to_an_approved_event_show_the_empty_old_value(
    client,
    world,
    ledger,  # noqa: F811
):
    OutreachEvent.objects.filter(external_id="JN-001").update(notes="")
    exported = export(client, world["manager"], headers="en")
    content, line = change_cell(exported, external_id="JN-001", header="Notes", value="补记")
    report = import_events(content=content, filename="export.csv", user=world["manager"])
    [problem] = report.problems
    assert (problem.row, problem.column) == (line, "notes")
    assert "(— → 补记)" in problem.message
    assert OutreachEvent.objects.get(external_id="JN-001").notes == ""


def test_another_teams_id_is_refused_in_chinese(client, world, ledger):  # noqa: F811
    """Team A's coordinator names team B's event by its id: refused on the id column, in
    the coordinator's language, and the event stays team B's."""
    OutreachEvent.objects.filter(external_id="HX-7").update(status="submitted")
    rows = csv_rows(export(client, world["manager"]))
    header = rows[0]
    row = next(row for row in rows if row[0] == "HX-7")
    row[header.index("单位")] = world["team_a"].name
    with translation.override("zh-hans"):
        report = import_events(
            content=csv_bytes([header, row]), filename="e.csv", user=world["coord_a"]
        )
    assert [(p.column, p.message) for p in report.problems] == [
        ("external_id", "该编号属于其他单位的场次")
    ]
    assert OutreachEvent.objects.get(external_id="HX-7").team == world["team_b"]
