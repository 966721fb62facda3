"""An export re-imported unchanged changes nothing, approved events included; a changed
approved row is refused, naming the row and the column as the file names it. Checked
through the service, the `import_events` command and the admin's preview and confirm.

These tests also guard the import's two refusals (approved events, other teams' events):
each fails when its guard in campaigns/imports/resource.py is taken out.
"""

import csv
import datetime
import functools
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone, translation

from campaigns.imports.service import import_events
from campaigns.models import OutreachEvent, Venue
from tests import factories

IMPORT_URL = "/admin/campaigns/events/import/"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime(2026, 5, day, hour, minute))


def during(day, start, end):
    """``starts_at``/``ends_at`` on a day of May 2026, each an (hour[, minute]) tuple."""
    return {"starts_at": at(day, *start), "ends_at": at(day, *end)}


@pytest.fixture
def ledger(world):
    """Events as teams leave them after a month: most approved, some still in review,
    venues with full-width punctuation, notes with Chinese commas, line breaks and a
    leading minus sign, and two events at one market on one day without ids."""
    campaign, team_a, team_b = world["campaign"], world["team_a"], world["team_b"]
    bank = factories.VenueFactory(name="工商银行（江南支行）", venue_type="bank")
    market = factories.VenueFactory(name="东门菜市场", venue_type="market")
    school = factories.VenueFactory(name="河西实验小学", venue_type="school", district="河西区")
    approved = functools.partial(
        factories.OutreachEventFactory,
        campaign=campaign,
        status="approved",
        reviewed_by=world["lead_a"],
    )
    events = [
        approved(
            team=team_a,
            venue=bank,
            external_id="JN-001",
            **during(3, (9, 30), (11, 30)),
            **factories.reached(120, elders=80, general_public=40),
            audience_groups="elders,general",
            notes="雨天，改在营业厅内；发放折页：120份",
        ),
        approved(
            team=team_a,
            venue=market,
            **during(4, (8,), (10,)),
            notes="上午场\n第二行：赶集的老人多",
        ),
        approved(
            team=team_a,
            venue=market,
            **during(4, (15,), (17,)),
            **factories.reached(60, elders=30, general_public=30),
            notes="-2 人中途离场",
        ),
        approved(
            team=team_b,
            venue=school,
            external_id="HX-7",
            format="talk",
            **during(6, (14,), (15, 30)),
            **factories.reached(300, students=280, general_public=20),
            audience_groups="students",
        ),
        factories.OutreachEventFactory(
            campaign=campaign,
            team=team_a,
            venue=market,
            external_id="JN-002",
            status="submitted",
            **during(8, (9,), (11,)),
        ),
    ]
    return events


def export(client, user, *, file="csv", headers="zh"):
    client.force_login(user)
    response = client.get(f"/admin/campaigns/events/export/?file={file}&headers={headers}")
    assert response.status_code == 200
    translation.activate("en")  # the admin request switched to the user's language
    return response.content


def snapshot():
    """Everything an import could write, to prove that nothing was."""
    return (
        sorted(OutreachEvent.objects.values_list("pk", "updated_at", "status")),
        Venue.objects.count(),
    )


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def csv_bytes(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def change_cell(content: bytes, *, external_id: str, header: str, value: str) -> tuple[bytes, int]:
    """The exported CSV with one cell changed; also the spreadsheet line it is on."""
    rows = csv_rows(content)
    column = rows[0].index(header)
    line = next(i for i, row in enumerate(rows) if row[0] == external_id)
    rows[line][column] = value
    return csv_bytes(rows), line + 1


# --- the unchanged round trip ------------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "headers"), [("csv", "zh"), ("csv", "en"), ("xlsx", "zh"), ("xlsx", "en")]
)
def test_export_of_approved_events_reimports_as_unchanged(client, world, ledger, file, headers):
    content = export(client, world["manager"], file=file, headers=headers)
    before = snapshot()
    total = OutreachEvent.objects.count()
    report = import_events(content=content, filename=f"export.{file}", user=world["manager"])
    assert report.problems == []
    assert (report.new, report.updated, report.unchanged, report.invalid) == (0, 0, total, 0)
    assert report.saved
    assert snapshot() == before


def test_coordinator_reimports_their_own_teams_export_unchanged(client, world, ledger):
    content = export(client, world["coord_a"])
    before = snapshot()
    report = import_events(content=content, filename="export.csv", user=world["coord_a"])
    assert report.problems == []
    assert report.unchanged == OutreachEvent.objects.filter(team=world["team_a"]).count()
    assert snapshot() == before


def test_command_reimports_an_export_unchanged(client, world, ledger, tmp_path):
    path = tmp_path / "导出.csv"
    path.write_bytes(export(client, world["manager"]))
    before = snapshot()
    out = io.StringIO()
    call_command("import_events", str(path), "--user", "manager", stdout=out)
    total = OutreachEvent.objects.count()
    assert f"0 new, 0 updated, {total} unchanged, 0 invalid" in out.getvalue()
    assert "row" not in out.getvalue()
    assert snapshot() == before


def test_admin_preview_and_confirm_of_an_export_change_nothing(client, world, ledger):
    content = export(client, world["manager"], file="xlsx")
    before = snapshot()
    preview = client.post(IMPORT_URL, {"file": SimpleUploadedFile("export.xlsx", content)})
    report = preview.context["report"]
    assert report.problems == [] and preview.context["can_confirm"]
    assert report.unchanged == OutreachEvent.objects.count()
    confirmed = client.post(IMPORT_URL, {"confirm": "1"})
    assert confirmed.status_code == 302
    assert snapshot() == before


# --- a changed approved row is refused ---------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "column", "named"),
    [("zh", "attendance", "参与人数"), ("en", "attendance", "People reached")],
)
def test_changed_approved_row_is_refused_naming_row_and_column(
    client, world, ledger, headers, column, named
):
    exported = export(client, world["manager"], headers=headers)
    content, line = change_cell(exported, external_id="JN-001", header=named, value="130")
    before = snapshot()
    report = import_events(content=content, filename="export.csv", user=world["manager"])
    assert not report.saved and report.invalid == 1
    [problem] = report.problems
    assert (problem.row, problem.column) == (line, column)
    assert f"“{named}”" in problem.message and "approved" in problem.message
    assert "120" in problem.message and "130" in problem.message
    assert snapshot() == before
    assert OutreachEvent.objects.get(external_id="JN-001").attendance == 120


def test_changed_approved_row_without_id_is_refused_by_its_matched_event(client, world, ledger):
    rows = csv_rows(export(client, world["manager"]))
    notes = rows[0].index("备注")
    line = next(i for i, row in enumerate(rows) if row[notes] == "上午场\n第二行：赶集的老人多")
    rows[line][notes] = "上午场，改了备注"
    report = import_events(content=csv_bytes(rows), filename="e.csv", user=world["manager"])
    assert [(p.row, p.column) for p in report.problems] == [(line + 1, "notes")]
    assert "“备注”" in report.problems[0].message
    assert OutreachEvent.objects.filter(notes="上午场，改了备注").count() == 0


def test_cosmetic_differences_are_not_changes(client, world, ledger):
    """What a spreadsheet program does to an exported file on saving: full-width
    punctuation folded, spaces added, the formula guard's apostrophe kept, audiences in
    another order and in Chinese, the campaign by name rather than slug."""
    rows = csv_rows(export(client, world["manager"]))
    header = rows[0]
    bank = next(row for row in rows if row[0] == "JN-001")
    bank[header.index("场所名称")] = " 工商银行(江南支行) "
    bank[header.index("备注")] = "雨天,改在营业厅内;发放折页:120份 "
    bank[header.index("受众")] = "群众、老年人"
    bank[header.index("宣传活动")] = world["campaign"].name
    before = snapshot()
    report = import_events(content=csv_bytes(rows), filename="e.csv", user=world["manager"])
    assert report.problems == []
    assert report.unchanged == OutreachEvent.objects.count()
    assert snapshot() == before


def test_changed_approved_row_refused_in_the_admin_and_skip_invalid_keeps_it(client, world, ledger):
    exported = export(client, world["manager"])
    content, line = change_cell(exported, external_id="HX-7", header="参与人数", value="350")
    content, _ = change_cell(content, external_id="JN-002", header="参与人数", value="110")
    preview = client.post(IMPORT_URL, {"file": SimpleUploadedFile("e.csv", content)})
    report = preview.context["report"]
    assert [(p.row, p.column) for p in report.problems] == [(line, "attendance")]
    assert not preview.context["can_confirm"]
    assert "参与人数" in preview.content.decode()
    client.post(IMPORT_URL, {"confirm": "1"})
    assert OutreachEvent.objects.get(external_id="JN-002").attendance == 100

    preview = client.post(
        IMPORT_URL, {"file": SimpleUploadedFile("e.csv", content), "skip_invalid": "on"}
    )
    assert preview.context["can_confirm"]
    client.post(IMPORT_URL, {"confirm": "1"})
    assert OutreachEvent.objects.get(external_id="HX-7").attendance == 300
    assert OutreachEvent.objects.get(external_id="JN-002").attendance == 110


def test_command_refuses_a_changed_approved_row_and_exits_1(client, world, ledger, tmp_path):
    exported = export(client, world["manager"], headers="en")
    content, line = change_cell(exported, external_id="JN-001", header="Date", value="2026-05-05")
    path = tmp_path / "e.csv"
    path.write_bytes(content)
    before = snapshot()
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_events", str(path), "--user", "manager", stdout=out)
    assert exit_info.value.code == 1
    assert f"row {line}, column Date (C):" in out.getvalue()  # the header and letter
    assert "“Date”" in out.getvalue()
    # The end moves with the date, but its column did not change: not named (it said
    # "“End time” cannot change (11:30 → 11:30)").
    assert "“End time”" not in out.getvalue()
    assert snapshot() == before


def test_returned_event_can_be_corrected_by_import(client, world, ledger):
    """The refusal is about approval, not about the event having been reviewed."""
    OutreachEvent.objects.filter(external_id="JN-001").update(status="returned")
    exported = export(client, world["manager"])
    content, _ = change_cell(exported, external_id="JN-001", header="参与人数", value="130")
    report = import_events(content=content, filename="e.csv", user=world["manager"])
    assert report.saved and report.updated == 1
    assert OutreachEvent.objects.get(external_id="JN-001").attendance == 130


# --- another team's events ---------------------------------------------------------------


def test_coordinator_cannot_take_over_another_teams_event_by_its_id(client, world, ledger):
    """Team B's approved-or-not event named by id in team A's file, with team A in the
    team column: refused, and the event stays team B's."""
    OutreachEvent.objects.filter(external_id="HX-7").update(status="submitted")
    rows = csv_rows(export(client, world["manager"]))
    header = rows[0]
    line = next(i for i, row in enumerate(rows) if row[0] == "HX-7")
    rows[line][header.index("单位")] = world["team_a"].name
    rows = [header, rows[line]]
    report = import_events(content=csv_bytes(rows), filename="e.csv", user=world["coord_a"])
    assert not report.saved
    assert [(p.row, p.column) for p in report.problems] == [(2, "external_id")]
    assert "another team" in report.problems[0].message
    assert OutreachEvent.objects.get(external_id="HX-7").team == world["team_b"]


def test_coordinator_cannot_import_rows_for_another_team(client, world, ledger, tmp_path):
    rows = csv_rows(export(client, world["manager"]))
    header = rows[0]
    theirs = next(row for row in rows if row[0] == "HX-7")
    theirs[0] = "NEW-1"
    path = tmp_path / "e.csv"
    path.write_bytes(csv_bytes([header, theirs]))
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("import_events", str(path), "--user", "coord_a", stdout=out)
    assert "row 2, column 单位 (W):" in out.getvalue()
    assert not OutreachEvent.objects.filter(external_id="NEW-1").exists()


def test_admin_refuses_rows_for_another_team_and_saves_nothing(client, world, ledger):
    rows = csv_rows(export(client, world["manager"]))
    header = rows[0]
    theirs = next(row for row in rows if row[0] == "HX-7")
    theirs[0] = "NEW-2"
    client.force_login(world["coord_a"])
    content = csv_bytes([header, theirs])
    preview = client.post(IMPORT_URL, {"file": SimpleUploadedFile("e.csv", content)})
    assert [(p.row, p.column) for p in preview.context["report"].problems] == [(2, "team")]
    assert not preview.context["can_confirm"]
    client.post(IMPORT_URL, {"confirm": "1"})
    assert not OutreachEvent.objects.filter(external_id="NEW-2").exists()


def test_the_refusal_speaks_chinese(client, world, ledger):
    exported = export(client, world["manager"])
    content, line = change_cell(exported, external_id="JN-001", header="参与人数", value="130")
    with translation.override("zh-hans"):
        report = import_events(content=content, filename="e.csv", user=world["manager"])
    [problem] = report.problems
    assert problem.message.startswith("该场次已通过审核，“参与人数”不能更改（120 → 130）")
