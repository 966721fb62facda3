"""`manage.py reach_report`: JSON with totals and breakdowns, CSV, XLSX with charts."""

import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from campaigns import workflow
from tests.campaigns.report_shape import BREAKDOWNS, FIGURES, SPLIT, SPLIT_BREAKDOWNS


@pytest.fixture
def approved(world):
    workflow.approve_event(event=world["event_a"], user=world["manager"])
    workflow.approve_event(event=world["event_b"], user=world["manager"])
    return world


def run(*args):
    out = io.StringIO()
    call_command("reach_report", *args, stdout=out)
    return out.getvalue()


def test_json_report_has_totals_and_breakdowns_with_the_same_figures(approved, capsysbinary):
    call_command("reach_report", "--campaign", approved["campaign"].slug)
    document = json.loads(capsysbinary.readouterr().out)
    assert set(document["totals"]) == FIGURES | SPLIT
    assert document["totals"]["attendance"] == 170 and document["totals"]["events"] == 2
    assert document["totals"]["in_person_attendance"] == 170
    for name in BREAKDOWNS:
        shape = FIGURES | SPLIT if name in SPLIT_BREAKDOWNS else FIGURES
        assert all(set(figures) == shape for figures in document[name].values())
    assert list(document["by_month"]) == ["2026-05"]
    assert sum(row["attendance"] for row in document["by_district"].values()) == 170


def test_the_report_carries_money_protected_as_the_dashboard_and_api_do(world, capsysbinary):
    """One report for the command, the API and the dashboard: money protected (避免损失)
    is in its totals and in every breakdown, from the same rollups."""
    world["event_a"].money_protected_yuan = Decimal("20000")
    world["event_a"].save()
    world["event_b"].money_protected_yuan = Decimal("5000.50")
    world["event_b"].save()
    workflow.approve_event(event=world["event_a"], user=world["manager"])
    workflow.approve_event(event=world["event_b"], user=world["manager"])
    call_command("reach_report")
    document = json.loads(capsysbinary.readouterr().out)
    assert Decimal(document["totals"]["money_protected_yuan"]) == Decimal("25000.50")
    for name in ("by_venue_type", "by_district", "by_format", "by_month"):
        money = sum(Decimal(row["money_protected_yuan"]) for row in document[name].values())
        assert money == Decimal("25000.50"), name
    call_command("reach_report", "--format", "csv", "--codes")
    csv_header = capsysbinary.readouterr().out.decode("utf-8-sig").splitlines()[0]
    assert "money_protected_yuan" in csv_header


def test_team_and_period_filters(approved, capsysbinary):
    call_command("reach_report", "--team", approved["team_b"].name)
    assert json.loads(capsysbinary.readouterr().out)["totals"]["attendance"] == 70
    call_command("reach_report", "--from", "2026-06-01")
    assert json.loads(capsysbinary.readouterr().out)["totals"]["events"] == 0


def test_xlsx_has_one_sheet_per_breakdown_with_a_chart(approved, tmp_path):
    path = tmp_path / "reach.xlsx"
    run("--format", "xlsx", "--codes", "--output", str(path))
    workbook = openpyxl.load_workbook(path)
    assert {"totals", *BREAKDOWNS} <= set(workbook.sheetnames)
    assert workbook["by_district"]._charts


def test_bad_arguments_are_explained(approved):
    with pytest.raises(CommandError, match="No"):
        run("--campaign", "no-such-campaign")
    with pytest.raises(CommandError, match="--to is before --from"):
        run("--from", "2026-06-01", "--to", "2026-05-01")


@pytest.fixture
def live_streamed(world):
    """A-team's booth (100 people there) and B-team's live stream (70 viewers)."""
    world["event_b"].format = "online_live"
    world["event_b"].save()
    workflow.approve_event(event=world["event_a"], user=world["manager"])
    workflow.approve_event(event=world["event_b"], user=world["manager"])
    return world


def test_csv_carries_in_person_and_live_stream_as_the_dashboard(live_streamed, capsysbinary):
    call_command("reach_report", "--format", "csv")
    lines = capsysbinary.readouterr().out.decode("utf-8-sig").splitlines()
    header, totals = lines[0].split(","), lines[1].split(",")
    row = dict(zip(header, totals, strict=True))
    assert row["参与人数"] == "170"
    assert (row["现场覆盖人数"], row["线上直播观看人数"]) == ("100", "70")
    month_line = next(line for line in lines if "2026年5月" in line)
    month = dict(zip(header, month_line.split(","), strict=True))
    assert (month["现场覆盖人数"], month["线上直播观看人数"]) == ("100", "70")
    call_command("reach_report", "--format", "csv", "--codes")
    codes = capsysbinary.readouterr().out.decode("utf-8-sig").splitlines()[0].split(",")
    assert {"in_person_attendance", "live_stream_viewers"} <= set(codes)


def test_xlsx_carries_in_person_and_live_stream_as_the_dashboard(live_streamed, tmp_path):
    path = tmp_path / "reach.xlsx"
    run("--format", "xlsx", "--codes", "--output", str(path))
    workbook = openpyxl.load_workbook(path)
    totals = dict(workbook["totals"].iter_rows(min_row=2, values_only=True))
    assert (totals["in_person_attendance"], totals["live_stream_viewers"]) == (100, 70)
    header, *rows = workbook["by_month"].iter_rows(values_only=True)
    month = dict(zip(header, rows[0], strict=True))
    assert (month["in_person_attendance"], month["live_stream_viewers"]) == (100, 70)
    assert workbook["by_month"]._charts
