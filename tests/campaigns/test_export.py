"""Exports: the user's events with the list's filters, Chinese or English headers,
round-trippable through the import, and safe against spreadsheet formula injection."""

import io

import openpyxl
import pytest

from campaigns.exporting import neutralise
from campaigns.imports.service import import_events
from campaigns.models import OutreachEvent


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]
)
def test_formula_like_text_is_neutralised(text):
    assert neutralise(text) == "'" + text


def test_ordinary_values_are_left_alone():
    assert neutralise("东门菜市场") == "东门菜市场"
    assert neutralise(-5) == -5


def test_export_uses_chinese_headers_and_neutralises_notes(client, world):
    world["event_a"].notes = "=cmd|' /C calc'!A0"
    world["event_a"].save()
    client.force_login(world["coord_a"])
    text = client.get("/admin/campaigns/events/export/?file=csv").content.decode("utf-8-sig")
    header = text.splitlines()[0]
    assert header.startswith("编号,宣传活动,日期")
    assert "'=cmd" in text


def test_xlsx_export_with_filters(client, world):
    client.force_login(world["manager"])
    response = client.get(
        f"/admin/campaigns/events/export/?file=xlsx&headers=en&team={world['team_b'].pk}"
    )
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:3] == ("ID", "Campaign", "Date")
    assert len(rows) == 2 and rows[1][rows[0].index("Team")] == world["team_b"].name


def test_bad_filter_values_give_an_empty_export_not_an_error(client, world):
    client.force_login(world["manager"])
    response = client.get("/admin/campaigns/events/export/?file=csv&team=abc&status=zzz")
    assert response.status_code == 200
    assert len(response.content.decode("utf-8-sig").strip().splitlines()) == 1


def test_export_round_trips_through_the_import(client, world):
    client.force_login(world["manager"])
    content = client.get("/admin/campaigns/events/export/?file=xlsx").content
    count = OutreachEvent.objects.count()
    report = import_events(content=content, filename="export.xlsx", user=world["manager"])
    assert report.ok, report.problems
    assert (report.new, report.updated, report.unchanged) == (0, 0, count)
    assert OutreachEvent.objects.count() == count
