"""Importing outreach spreadsheets: messy but meaningful files are read, wrong ones are
explained row by row, and nothing is saved unless every row is valid (or the user asks to
skip the bad ones)."""

import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from campaigns.imports import service
from campaigns.imports.reading import UnreadableFile
from campaigns.imports.service import import_events
from campaigns.models import OutreachEvent, Venue

ROOT = Path(__file__).resolve().parents[2]
HEADER_ZH = (
    "编号,宣传活动,日期,开始时间,场所名称,场所类型,辖区,形式,受众,参与人数,老年人数,单位,备注"
)
HEADER_EN = (
    "external_id,campaign,date,start_time,venue_name,venue_type,district,format,"
    "audience,attendance,elders,team,notes"
)


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English here; the Chinese ones are the same catalogue."""
    from django.utils import translation

    with translation.override("en"):
        yield


def csv(world, *rows, header=HEADER_ZH, encoding="utf-8"):
    campaign, team = world["campaign"].name, world["team_a"].name
    lines = [header] + [row.format(campaign=campaign, team=team) for row in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


GOOD = [
    'E1,{campaign},2026/5/1,9:00,东门菜市场,菜市场,江南区,摆摊,老年人、群众,"1,200",300,{team},测试',
    "E2,{campaign},2026年5月2日,14：30,工商银行 江南支行,银行,江南区,播放,老年人,８５人,10,{team},",
    "E3,{campaign},2026.5.3,,江城大学,高校,江南区,讲座,学生,200,0,{team},",
]


def test_messy_but_valid_rows_are_imported(world):
    report = import_events(content=csv(world, *GOOD), filename="events.csv", user=world["manager"])
    assert report.ok and report.saved and report.new == 3
    first = OutreachEvent.objects.get(external_id="E1")
    assert (first.attendance, first.elders, first.format, first.audience_groups) == (
        1200,
        300,
        "booth",
        "elders,general",
    )
    assert OutreachEvent.objects.get(external_id="E2").attendance == 85


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_in_every_encoding_chinese_excel_uses(world, encoding):
    report = import_events(
        content=csv(world, GOOD[0], encoding=encoding), filename="e.csv", user=world["manager"]
    )
    assert report.saved and OutreachEvent.objects.filter(external_id="E1").exists()


def test_xlsx_with_date_cells_english_headers_any_order_and_trailing_blank_rows(world):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "team",
            "date",
            "campaign",
            "venue_name",
            "venue_type",
            "district",
            "format",
            "attendance",
            "colour",
        ]
    )
    import datetime

    sheet.append(
        [
            world["team_a"].name,
            datetime.datetime(2026, 5, 4),
            world["campaign"].name,
            "河西综合市场",
            "market",
            "河西区",
            "booth",
            150,
            "red",
        ]
    )
    sheet.append([None] * 9)
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = import_events(content=buffer.getvalue(), filename="events.xlsx", user=world["manager"])
    assert report.saved and report.new == 1
    assert report.unknown_columns == ["colour"]
    assert OutreachEvent.objects.filter(venue__name="河西综合市场", attendance=150).exists()


def test_reimporting_the_same_file_changes_nothing(world):
    content = csv(world, *GOOD)
    import_events(content=content, filename="e.csv", user=world["manager"])
    count = OutreachEvent.objects.count()
    report = import_events(content=content, filename="e.csv", user=world["manager"])
    assert (report.new, report.updated, report.unchanged) == (0, 0, 3)
    assert OutreachEvent.objects.count() == count
    assert Venue.objects.filter(name="东门菜市场").count() == 1


def test_a_corrected_file_updates_the_events_it_matches(world):
    import_events(content=csv(world, *GOOD), filename="e.csv", user=world["manager"])
    corrected = [GOOD[0].replace('"1,200"', "1300"), GOOD[1], GOOD[2].replace("200", "210")]
    report = import_events(content=csv(world, *corrected), filename="e.csv", user=world["manager"])
    assert (report.new, report.updated, report.unchanged) == (0, 2, 1)
    assert OutreachEvent.objects.get(external_id="E1").attendance == 1300


def test_rows_without_ids_match_by_campaign_date_and_venue(world):
    row = ",{campaign},2026-05-06,,幸福里社区,社区,江南区,上门,老年人,60,20,{team},"
    import_events(content=csv(world, row), filename="e.csv", user=world["manager"])
    report = import_events(
        content=csv(world, row.replace(",60,", ",65,")), filename="e.csv", user=world["manager"]
    )
    assert report.updated == 1
    assert OutreachEvent.objects.filter(venue__name="幸福里社区").get().attendance == 65


def test_any_invalid_row_means_nothing_is_saved_and_each_problem_is_named(world):
    bad = "E9,{campaign},2026-02-30,,东门菜市场,广场,江南区,摆摊,外星人,十二,5,不存在的单位,"
    report = import_events(
        content=csv(world, GOOD[0], bad), filename="e.csv", user=world["manager"]
    )
    assert not report.saved
    assert not OutreachEvent.objects.filter(external_id__in=["E1", "E9"]).exists()
    problems = {(p.row, p.column) for p in report.problems}
    assert {
        (3, "date"),
        (3, "venue_type"),
        (3, "audience"),
        (3, "attendance"),
        (3, "team"),
    } <= problems
    assert any("2026-02-30" in p.message for p in report.problems)


def test_skip_invalid_saves_only_the_valid_rows_when_asked(world):
    bad = "E9,{campaign},2026-05-01,,东门菜市场,菜市场,江南区,摆摊,,abc,0,{team},"
    report = import_events(
        content=csv(world, GOOD[0], bad), filename="e.csv", user=world["manager"], skip_invalid=True
    )
    assert report.saved and report.invalid == 1
    assert OutreachEvent.objects.filter(external_id="E1").exists()
    assert not OutreachEvent.objects.filter(external_id="E9").exists()


def test_dry_run_reports_but_saves_nothing(world):
    report = import_events(
        content=csv(world, *GOOD), filename="e.csv", user=world["manager"], dry_run=True
    )
    assert report.new == 3 and not report.saved
    assert not OutreachEvent.objects.filter(external_id__in=["E1", "E2", "E3"]).exists()
    assert not Venue.objects.filter(name="东门菜市场").exists()


def test_duplicate_ids_in_one_file_are_refused(world):
    report = import_events(
        content=csv(world, GOOD[0], GOOD[0]), filename="e.csv", user=world["manager"]
    )
    assert not report.saved
    assert {p.row for p in report.problems if p.column == "external_id"} == {2, 3}


def test_breakdown_larger_than_total_and_date_outside_campaign(world):
    rows = [
        "E5,{campaign},2026-05-01,,东门菜市场,菜市场,江南区,摆摊,,50,80,{team},",
        "E6,{campaign},2025-12-31,,东门菜市场,菜市场,江南区,摆摊,,50,0,{team},",
    ]
    report = import_events(content=csv(world, *rows), filename="e.csv", user=world["manager"])
    assert {(p.row, p.column) for p in report.problems} >= {(2, "attendance"), (3, "date")}


def test_coordinator_imports_only_into_their_own_team(world):
    other = GOOD[0].replace("{team}", world["team_b"].name)
    report = import_events(content=csv(world, other), filename="e.csv", user=world["coord_a"])
    assert not report.saved
    assert [(p.row, p.column) for p in report.problems] == [(2, "team")]
    assert import_events(content=csv(world, GOOD[0]), filename="e.csv", user=world["coord_a"]).saved


@pytest.mark.parametrize(
    ("content", "filename", "reason"),
    [
        (b"", "e.csv", "empty"),
        (b"\x00\x01\x02binary", "photo.png", "CSV or XLSX"),
        (b"not really a workbook", "events.xlsx", "not an Excel"),
        (b"PK\x03\x04broken zip", "events.xlsx", "cannot be read"),
    ],
)
def test_unreadable_files_are_refused_with_the_reason(content, filename, reason, db):
    with pytest.raises(UnreadableFile, match=reason):
        import_events(content=content, filename=filename)


def test_oversized_files_are_refused(db, monkeypatch):
    monkeypatch.setattr(service, "MAX_IMPORT_BYTES", 100)
    with pytest.raises(UnreadableFile, match="50 MB"):
        import_events(content=b"a,b\n" * 100, filename="e.csv")


def test_missing_columns_are_named_and_header_only_files_explained(world):
    report = import_events(content="日期,场所名称\n2026-05-01,x\n".encode(), filename="e.csv")
    assert not report.saved
    # named as a ledger names them, never by internal key (issue 14)
    message = report.problems[0].message
    assert "宣传活动" in message and "单位" in message and "campaign" not in message
    report = import_events(content=(HEADER_ZH + "\n").encode(), filename="e.csv")
    assert not report.saved and "no events" in report.problems[0].message


def test_command_exit_codes(world, tmp_path):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_bytes(csv(world, *GOOD))
    bad.write_bytes(csv(world, GOOD[0].replace("2026/5/1", "2026-02-30")))
    out = io.StringIO()
    call_command("import_events", str(good), "--dry-run", stdout=out)
    assert "3 new" in out.getvalue()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_events", str(bad), stdout=io.StringIO())
    assert exit_info.value.code == 1
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_events", str(tmp_path / "missing.csv"), stderr=io.StringIO())
    assert exit_info.value.code == 2
    out = io.StringIO()
    call_command("import_events", str(good), "--user", "coord_a", stdout=out)
    assert "Imported: 3 new" in out.getvalue()


@pytest.mark.processes
def test_command_line_process_reports_rows_and_exits_1(world, tmp_path, settings):
    """The real command in a separate process (as teams run it), on an unreadable file."""
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"hello")
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), "import_events", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "config.settings.test", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 2
    assert "不是 Excel 工作簿" in result.stderr  # the command speaks the default language


def test_english_headers_and_keys(world):
    row = (
        "E7,{campaign},2026-05-07,10:00,City Library,community,江南区,talk,"
        '"elders, students",40,10,{team},'
    )
    report = import_events(
        content=csv(world, row, header=HEADER_EN), filename="e.csv", user=world["manager"]
    )
    assert report.saved
    event = OutreachEvent.objects.get(external_id="E7")
    assert (event.format, event.audience_groups, event.venue.venue_type) == (
        "talk",
        "elders,students",
        "community",
    )
