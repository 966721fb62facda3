"""Ledgers (台账) as teams keep them in Excel and WPS, imported as a new user would: a
title and a note row above everyday headers (活动日期, 地点, 所属区, 覆盖人数, 劝阻,
避免损失(元)…), a blank row in the middle, a 合计 row at the bottom, a WPS-saved workbook
whose first sheet is instructions, a formula cell, a possible duplicate, names written
《like this》. The files are in fixtures/ledgers/ (made by make_ledgers.py beside them)."""

import datetime
import decimal
import io
import pathlib
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone, translation

from campaigns.imports import service
from campaigns.imports.cells import header_key, suggest_header
from campaigns.imports.service import import_events
from campaigns.models import ImportJob, OutreachEvent
from tests import factories

LEDGERS = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "ledgers"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def jiangnan(world):
    """The team and campaign the fixture ledgers name (without the 《》 they write)."""
    team = factories.TeamFactory(name="江南区反诈中心", district="江南区")
    team.members.add(world["coord_a"])
    campaign = factories.CampaignFactory(name="全民反诈进社区", teams=[team])
    return {**world, "team": team, "campaign": campaign, "user": world["coord_a"]}


def ledger(name: str) -> bytes:
    return (LEDGERS / name).read_bytes()


def xlsx_rows(name: str, sheet: str = "11月台账") -> list[list]:
    workbook = openpyxl.load_workbook(io.BytesIO(ledger(name)))
    return [list(row) for row in workbook[sheet].iter_rows(values_only=True)]


def as_xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- the real-shaped ledger, three ways -------------------------------------------------


@pytest.mark.parametrize(
    "name", ["jiangnan-2026-11.xlsx", "jiangnan-2026-11-gbk.csv", "wps-2026-11.xlsx"]
)
def test_real_shaped_ledger_imports_every_figure(jiangnan, name):
    report = import_events(content=ledger(name), filename=name, user=jiangnan["user"])
    assert report.problems == []
    assert report.saved and (report.new, report.invalid) == (3, 0)
    market = OutreachEvent.objects.get(venue__name="东门菜市场（北门）")
    assert market.campaign == jiangnan["campaign"] and market.team == jiangnan["team"]
    assert timezone.localtime(market.starts_at).date() == datetime.date(2026, 11, 3)
    assert (market.attendance, market.elders, market.materials_distributed) == (120, 80, 200)
    assert (market.warnings, market.help_requests, market.staff_count) == (2, 5, 4)
    assert market.money_protected_yuan == decimal.Decimal("3800.00")
    assert (market.partners, market.attendance_method) == ("江南银行", "headcount")
    assert (market.venue.venue_type, market.venue.district.name, market.format) == (
        "market",
        "江南区",
        "booth",
    )
    # Free text keeps its Chinese punctuation (NFKC would make it "赶集日,人多:老人为主").
    assert market.notes == "赶集日，人多：老人为主"
    community = OutreachEvent.objects.get(venue__name="幸福里社区")
    assert community.money_protected_yuan is None  # left empty: not counted
    assert community.attendance_method == "sign_in"
    assert community.notes == "社区活动室（二楼）"
    university = OutreachEvent.objects.get(venue__name="江城大学")
    assert university.money_protected_yuan == decimal.Decimal("15000.00")  # 1.5万
    assert (university.attendance_method, university.elders) == ("estimate", None)
    # The 合计 row at the bottom is neither an event nor an error, but it is mentioned.
    assert any("合计" in notice and "8" in notice for notice in report.notices)
    # 序号 (row numbers) holds no figure of an event; saying so is enough.
    assert any("序号" in notice for notice in report.notices)


def test_wps_workbook_reads_the_sheet_with_the_header_row_and_says_so(jiangnan):
    content = ledger("wps-2026-11.xlsx")
    parts = zipfile.ZipFile(io.BytesIO(content))
    assert "WPS 表格" in parts.read("docProps/app.xml").decode()
    assert "KSOProductBuildVer" in parts.read("docProps/custom.xml").decode()
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["填表说明", "11月台账"]
    report = import_events(content=content, filename="wps.xlsx", user=jiangnan["user"])
    assert report.problems == [] and report.new == 3
    assert report.sheet == "11月台账"
    assert any("11月台账" in notice for notice in report.notices)


# --- headers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("活动日期", "date"),
        ("日期", "date"),
        ("时间", "date"),
        ("场所", "venue_name"),
        ("地点", "venue_name"),
        ("场所名称", "venue_name"),
        ("区", "district"),
        ("所属区", "district"),
        ("辖区", "district"),
        ("人数", "attendance"),
        ("参与人数", "attendance"),
        ("覆盖人数", "attendance"),
        ("劝阻", "warnings"),
        ("劝阻人数", "warnings"),
        ("避免损失", "money_protected_yuan"),
        ("挽损金额", "money_protected_yuan"),
        ("避免损失(元)", "money_protected_yuan"),
        ("避免损失（元）", "money_protected_yuan"),
        (" 避免损失 （万元） ", None),  # ten-thousands of yuan would be read 10,000× too small
        ("挽损金额（元）", "money_protected_yuan"),
        ("参与人数（人）", "attendance"),
        ("ｗａｒｎｉｎｇｓ", "warnings"),
        ("活 动 日 期", "date"),
        ("统计方式", "attendance_method"),
        ("状态", "status"),
        ("播放视频数", "videos_screened"),
        ("工作人员", "staff_count"),
    ],
)
def test_everyday_headers_are_matched_tolerantly(header, key):
    assert header_key(header) == key


def test_unknown_header_gets_a_suggestion_and_a_notice_naming_it(jiangnan):
    rows = xlsx_rows("jiangnan-2026-11.xlsx")
    rows[2][10] = "劝阻人"  # column K, a typo for 劝阻人数
    report = import_events(content=as_xlsx(rows), filename="台账.xlsx", user=jiangnan["user"])
    assert suggest_header("劝阻人") == "劝阻人数"
    notice = next(n for n in report.notices if "劝阻人" in n)
    assert "K" in notice and "劝阻人数" in notice and "not imported" in notice


def test_errors_name_the_users_header_its_column_letter_and_excel_row(jiangnan):
    rows = xlsx_rows("jiangnan-2026-11.xlsx")
    rows[4][11] = "三千八"  # line 5, column L (避免损失(元))
    report = import_events(content=as_xlsx(rows), filename="台账.xlsx", user=jiangnan["user"])
    assert not report.saved and OutreachEvent.objects.count() == 2  # the world's two
    [problem] = report.problems
    assert (problem.row, problem.header, problem.letter) == (5, "避免损失(元)", "L")
    assert "money_protected_yuan" not in problem.message


def test_missing_columns_are_named_as_a_ledger_names_them(jiangnan):
    rows = [row[:3] + row[4:] for row in xlsx_rows("jiangnan-2026-11.xlsx")]  # no 地点
    report = import_events(content=as_xlsx(rows), filename="台账.xlsx", user=jiangnan["user"])
    [problem] = report.problems
    assert "场所名称" in problem.message and "venue_name" not in problem.message


def test_status_column_is_read_only_and_said_so(jiangnan):
    rows = xlsx_rows("jiangnan-2026-11.xlsx")
    rows[2].append("状态")
    rows[3].append("已通过")
    report = import_events(content=as_xlsx(rows), filename="台账.xlsx", user=jiangnan["user"])
    assert report.problems == [] and report.new == 3
    statuses = OutreachEvent.objects.filter(team=jiangnan["team"]).values_list("status", flat=True)
    assert set(statuses) == {"draft"}
    assert any("状态" in notice for notice in report.notices)


# --- names -------------------------------------------------------------------------------


def test_unknown_campaign_lists_the_valid_ones_with_a_suggestion(jiangnan):
    rows = xlsx_rows("jiangnan-2026-11.xlsx")
    rows[3][1] = "全民反炸进社区"
    report = import_events(content=as_xlsx(rows), filename="台账.xlsx", user=jiangnan["user"])
    [problem] = report.problems
    assert (problem.row, problem.header, problem.letter) == (4, "活动名称", "B")
    assert "全民反炸进社区" in problem.message
    assert "did you mean “全民反诈进社区”" in problem.message
    assert jiangnan["campaign"].name in problem.message  # the valid names are listed


@pytest.mark.parametrize(
    "written", ["“全民反诈进社区”", "「全民反诈进社区」", "全民反诈 进社区", "'全民反诈进社区'"]
)
def test_campaign_names_match_across_quote_styles_and_spaces(jiangnan, written):
    rows = xlsx_rows("jiangnan-2026-11.xlsx")
    for row in rows[3:5]:
        row[1] = written
    rows[3][16] = "《江南区反诈中心》"
    rows[3][4], rows[3][6] = " 菜市场 ", "摆 摊"
    report = import_events(content=as_xlsx(rows), filename="台账.xlsx", user=jiangnan["user"])
    assert report.problems == [] and report.new == 3


# --- cells a spreadsheet computes -------------------------------------------------------


def test_formula_cell_is_reported_not_imported_as_empty(jiangnan):
    name = "formula-2026-11.xlsx"
    report = import_events(content=ledger(name), filename=name, user=jiangnan["user"])
    assert not report.saved
    [problem] = report.problems
    assert (problem.row, problem.header, problem.letter) == (5, "覆盖人数", "H")
    assert "formula" in problem.message and "paste the value" in problem.message
    assert not OutreachEvent.objects.filter(team=jiangnan["team"]).exists()


def test_formula_message_speaks_chinese(jiangnan):
    with translation.override("zh-hans"):
        report = import_events(
            content=ledger("formula-2026-11.xlsx"), filename="f.xlsx", user=jiangnan["user"]
        )
    assert "公式" in report.problems[0].message


# --- duplicates and re-imports ------------------------------------------------------------


def test_new_id_at_an_existing_events_campaign_day_and_venue_is_a_possible_duplicate(jiangnan):
    venue = factories.VenueFactory(name="东门菜市场（北门）", district="江南区")
    factories.OutreachEventFactory(
        campaign=jiangnan["campaign"],
        team=jiangnan["team"],
        venue=venue,
        external_id="JN-OLD-7",
        starts_at=timezone.make_aware(datetime.datetime(2026, 11, 3, 14)),
    )
    content = ledger("jiangnan-2026-11.xlsx")
    report = import_events(content=content, filename="台账.xlsx", user=jiangnan["user"])
    assert not report.saved
    [problem] = report.problems
    assert problem.row == 4 and "possible duplicate" in problem.message
    assert "JN-OLD-7" in problem.message
    report = import_events(
        content=content, filename="台账.xlsx", user=jiangnan["user"], allow_duplicates=True
    )
    assert report.problems == [] and report.saved and report.new == 3


def test_reimported_export_with_approved_events_is_unchanged_and_a_change_is_refused(
    client, jiangnan
):
    name = "jiangnan-2026-11.xlsx"
    import_events(content=ledger(name), filename=name, user=jiangnan["user"])
    OutreachEvent.objects.filter(team=jiangnan["team"]).update(status="approved")
    client.force_login(jiangnan["manager"])
    exported = client.get("/admin/campaigns/events/export/?file=xlsx&headers=zh").content
    translation.activate("en")
    rows = [list(r) for r in openpyxl.load_workbook(io.BytesIO(exported)).active.values]
    assert "人数统计方式" in rows[0] and "避免损失（元）" in rows[0]
    report = import_events(content=exported, filename="export.xlsx", user=jiangnan["manager"])
    assert report.problems == [] and report.unchanged == OutreachEvent.objects.count()
    method = rows[0].index("人数统计方式")
    row = next(i for i, r in enumerate(rows) if r[rows[0].index("场所名称")] == "江城大学")
    rows[row][method] = "签到"
    report = import_events(content=as_xlsx(rows), filename="e.xlsx", user=jiangnan["manager"])
    [problem] = report.problems
    assert problem.row == row + 1 and problem.header == "人数统计方式"
    assert "approved" in problem.message


# --- the admin screen ---------------------------------------------------------------------

IMPORT_URL = "/admin/campaigns/events/import/"


def upload(client, name, content, **extra):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, content), **extra})


def test_admin_preview_of_a_wps_ledger_says_what_was_read_and_left_out(client, jiangnan):
    client.force_login(jiangnan["user"])
    response = upload(client, "台账.xlsx", ledger("wps-2026-11.xlsx"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "已读取工作表“11月台账”" in page  # the admin speaks the user's Chinese
    assert "第 8 行（“合计”）是上面各行的汇总" in page
    assert "第 A 列“序号”是行号" in page
    client.post(IMPORT_URL, {"confirm": "1"})
    assert OutreachEvent.objects.filter(team=jiangnan["team"]).count() == 3


def test_admin_problem_names_column_letter_and_header(client, jiangnan):
    client.force_login(jiangnan["user"])
    page = upload(client, "f.xlsx", ledger("formula-2026-11.xlsx")).content.decode()
    assert "第 H 列 覆盖人数" in page and "公式" in page


def test_admin_possible_duplicate_is_imported_only_when_ticked(client, jiangnan):
    venue = factories.VenueFactory(name="幸福里社区", district="江南区", venue_type="community")
    factories.OutreachEventFactory(
        campaign=jiangnan["campaign"],
        team=jiangnan["team"],
        venue=venue,
        external_id="JN-OLD-9",
        starts_at=timezone.make_aware(datetime.datetime(2026, 11, 5, 9)),
    )
    client.force_login(jiangnan["user"])
    page = upload(client, "台账.csv", ledger("jiangnan-2026-11-gbk.csv")).content.decode()
    assert "可能重复" in page and "JN-OLD-9" in page
    client.post(IMPORT_URL, {"confirm": "1"})
    assert OutreachEvent.objects.filter(team=jiangnan["team"]).count() == 1
    upload(client, "台账.csv", ledger("jiangnan-2026-11-gbk.csv"), allow_duplicates="on")
    client.post(IMPORT_URL, {"confirm": "1"})
    assert OutreachEvent.objects.filter(team=jiangnan["team"]).count() == 4


def test_unknown_team_lists_only_the_coordinators_own_teams(jiangnan):
    rows = xlsx_rows("jiangnan-2026-11.xlsx")
    rows[3][16] = "江南反诈中心"
    report = import_events(content=as_xlsx(rows), filename="台账.xlsx", user=jiangnan["user"])
    [problem] = report.problems
    assert "江南区反诈中心" in problem.message and "A队" in problem.message
    assert "B队" not in problem.message  # another team's name is not shown to coord_a
    report = import_events(content=as_xlsx(rows), filename="台账.xlsx", user=jiangnan["manager"])
    assert "B队" in report.problems[0].message  # a manager may use every team


def test_a_time_column_beside_a_date_column_is_the_start_time(jiangnan):
    rows = xlsx_rows("jiangnan-2026-11.xlsx")
    rows[2][0] = "时间"  # the 序号 column, now the time of day
    rows[3][0], rows[4][0], rows[6][0] = "14:30", "9:00", "19:00"
    report = import_events(content=as_xlsx(rows), filename="台账.xlsx", user=jiangnan["user"])
    assert report.problems == [] and report.new == 3
    market = OutreachEvent.objects.get(venue__name="东门菜市场（北门）")
    assert timezone.localtime(market.starts_at).time() == datetime.time(14, 30)


def test_command_prints_what_was_left_out(jiangnan):
    out = io.StringIO()
    path = str(LEDGERS / "jiangnan-2026-11-gbk.csv")
    call_command("import_events", path, "--user", "coord_a", "--dry-run", stdout=out)
    assert "合计" in out.getvalue() and "3 new" in out.getvalue()


def test_background_import_of_a_ledger_names_letter_header_and_notices(
    client, jiangnan, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(service, "INLINE_IMPORT_MAX_ROWS", 1)  # queued, run inline here
    client.force_login(jiangnan["user"])
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, "f.xlsx", ledger("formula-2026-11.xlsx"))
    job = ImportJob.objects.get()
    assert job.report["saved"] is False
    [[row, column, message]] = job.report["problems"]
    assert (row, column) == (5, "第 H 列 覆盖人数") and "公式" in message
    page = client.get(f"/admin/campaigns/events/import/{job.pk}/").content.decode()
    assert "第 8 行（“合计”）" in page and "第 H 列 覆盖人数" in page
