"""Ledgers as teams keep them: a title row and notes above the headers, blank rows in
between, rows of different lengths. They are read, not crashed on; problems are reported
on the line the user sees in their spreadsheet program."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone, translation

from campaigns.imports.reading import UnreadableFile
from campaigns.imports.service import import_events, read_spreadsheet
from campaigns.models import OutreachEvent

HEADERS = ["编号", "宣传活动", "日期", "开始时间", "场所名称", "场所类型", "辖区", "形式"]
HEADERS += ["受众", "参与人数", "老年人数", "单位", "备注"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def ledger_rows(world, *, bad_date=False):
    """Line 1 a title, 2 blank, 3 a note, 4 the headers, 5-6 events, 7 blank, 8 an event
    whose trailing empty cell was never written (a shorter row)."""
    campaign, team = world["campaign"].name, world["team_a"].name
    return [
        ["江南区反诈中心 2026年11月宣传台账"],
        [],
        ["填表说明：日期写成 2026-11-01，人数只写数字", "", ""],
        HEADERS,
        ["L1", campaign, "2026-11-03", "09:00", "东门菜市场", "菜市场", "江南区", "摆摊",
         "老年人、群众", "120", "80", team, "赶集日"],
        ["L2", campaign, "2026-02-30" if bad_date else "2026-11-05", "14:30", "幸福里社区",
         "社区", "江南区", "讲座", "老年人", "45", "45", team, ""],
        [],
        ["L3", campaign, "2026-11-09", "", "江城大学", "高校", "江南区", "讲座", "学生", "200",
         "", team],
    ]  # fmt: skip


def as_csv(rows, encoding="utf-8-sig") -> bytes:
    lines = [",".join(cell for cell in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def as_xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk", "gb18030"])
def test_csv_ledger_with_title_row_and_ragged_rows_is_imported(world, encoding):
    content = as_csv(ledger_rows(world), encoding)
    report = import_events(content=content, filename="台账.csv", user=world["coord_a"])
    assert report.problems == []
    assert report.saved and report.new == 3
    l3 = OutreachEvent.objects.get(external_id="L3")
    # Its empty 老年人数 cell is "not counted" (None), not 0.
    assert (l3.attendance, l3.elders, l3.notes, l3.venue.name) == (200, None, "", "江城大学")
    assert OutreachEvent.objects.get(external_id="L1").notes == "赶集日"


def test_xlsx_ledger_with_merged_title_row_is_imported(world):
    rows = ledger_rows(world)
    rows[4][2:4] = [datetime.datetime(2026, 11, 3), datetime.time(9, 0)]  # Excel cells
    report = import_events(content=as_xlsx(rows), filename="台账.xlsx", user=world["coord_a"])
    assert report.problems == []
    assert report.saved and report.new == 3
    l1 = OutreachEvent.objects.get(external_id="L1")
    assert timezone.localtime(l1.starts_at).isoformat()[:16] == "2026-11-03T09:00"


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_problems_name_the_line_the_user_sees(world, kind):
    rows = ledger_rows(world, bad_date=True)
    content = as_csv(rows) if kind == "csv" else as_xlsx(rows)
    report = import_events(content=content, filename=f"台账.{kind}", user=world["coord_a"])
    assert not report.saved
    assert [(p.row, p.column) for p in report.problems] == [(6, "date")]
    assert not OutreachEvent.objects.filter(external_id__in=["L1", "L2", "L3"]).exists()


def test_a_row_longer_than_the_headers_is_read_and_its_extra_cells_named(world):
    rows = ledger_rows(world)
    rows[4] = [*rows[4], "", "多写的一格"]
    report = import_events(content=as_csv(rows), filename="台账.csv", user=world["coord_a"])
    assert report.saved and report.new == 3
    assert len(report.unknown_columns) == 1


def test_title_only_file_is_explained_not_crashed(world):
    content = as_csv([["江南区反诈中心 2026年11月宣传台账"], [], ["制表：张三"]])
    report = import_events(content=content, filename="台账.csv", user=world["coord_a"])
    assert not report.saved
    assert "Required columns are missing" in report.problems[0].message


def test_ragged_file_of_unknown_shape_is_a_message(world):
    content = as_csv([["a"], ["b", "c", "d"], [], ["e", "f"]])
    report = import_events(content=content, filename="x.csv", user=world["coord_a"])
    assert not report.saved and report.problems


def test_header_row_is_found_below_the_title(world):
    dataset = read_spreadsheet(as_csv(ledger_rows(world)), "台账.csv")
    assert dataset.headers[:3] == ["external_id", "campaign", "date"]
    assert len(dataset) == 3


def test_unclosed_quote_is_a_message_not_a_crash(world):
    """An unclosed quote swallows the rest of the file into one cell, beyond the CSV
    reader's field limit."""
    content = as_csv([HEADERS, ['"L1', "x" * 200_000]])
    with pytest.raises(UnreadableFile, match="CSV"):
        read_spreadsheet(content, "台账.csv")


def test_command_imports_a_ragged_ledger(world, tmp_path):
    path = tmp_path / "台账.csv"
    path.write_bytes(as_csv(ledger_rows(world), "gb18030"))
    out = io.StringIO()
    call_command("import_events", str(path), "--user", "coord_a", stdout=out)
    assert "Imported: 3 new" in out.getvalue()

    path.write_bytes(as_csv(ledger_rows(world, bad_date=True)))
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_events", str(path), "--user", "coord_a", stdout=out)
    assert exit_info.value.code == 1
    assert "row 6, column 日期 (C):" in out.getvalue()  # the ledger's header and letter


def test_admin_previews_and_confirms_a_ragged_xlsx_ledger(client, world):
    client.force_login(world["coord_a"])
    content = as_xlsx(ledger_rows(world))
    preview = client.post(
        "/admin/campaigns/events/import/", {"file": SimpleUploadedFile("台账.xlsx", content)}
    )
    assert preview.status_code == 200
    assert preview.context["report"].new == 3 and preview.context["can_confirm"]
    assert not OutreachEvent.objects.filter(external_id="L1").exists()
    assert client.post("/admin/campaigns/events/import/", {"confirm": "1"}).status_code == 302
    assert OutreachEvent.objects.filter(external_id__in=["L1", "L2", "L3"]).count() == 3


def test_admin_shows_a_bad_ragged_csv_row_by_its_line_and_saves_nothing(client, world):
    client.force_login(world["coord_a"])
    content = as_csv(ledger_rows(world, bad_date=True))
    preview = client.post(
        "/admin/campaigns/events/import/", {"file": SimpleUploadedFile("台账.csv", content)}
    )
    assert preview.status_code == 200
    assert [(p.row, p.column) for p in preview.context["report"].problems] == [(6, "date")]
    client.post("/admin/campaigns/events/import/", {"confirm": "1"})
    assert not OutreachEvent.objects.filter(external_id="L1").exists()
