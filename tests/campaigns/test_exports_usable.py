"""Templates and exports people can use (issue 14): the import template's instructions,
dropdowns and typed cells; event exports with labels in the chosen language (codes for
systems), typed numbers and dates that SUM() to the dashboard's figures, status, author
and approver, every figure; the list's and export's period and district filters; the
formula guard that does not grow on re-import; reach_report's Chinese/English labels."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import translation

from campaigns import selectors, workflow
from campaigns.imports.service import import_events
from campaigns.models import OutreachEvent
from campaigns.reach import ReachFilters
from tests import factories

EXPORT_URL = "/admin/campaigns/events/export/"
TEMPLATE_URL = "/admin/campaigns/events/import/?template="
BEIJING = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture(autouse=True)
def english_outside_requests():
    with translation.override("en"):
        yield


def beijing(year, month, day, hour, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=BEIJING)


@pytest.fixture
def ledger(world):
    """A month of team A's outreach as it is recorded: approved with money protected and
    a named approver, one submitted, one the last evening of May in Beijing (still
    May 31 there, June 1 nowhere but UTC+9 and beyond), one early on June 1 in Beijing
    (May 31 in UTC), one in another district, notes that look like formulas."""
    campaign, team_a, team_b = world["campaign"], world["team_a"], world["team_b"]
    world["coord_a"].first_name, world["coord_a"].last_name = "小红", "李"
    world["coord_a"].save()
    world["lead_a"].first_name, world["lead_a"].last_name = "建国", "王"
    world["lead_a"].save()
    market = factories.VenueFactory(name="东门菜市场", venue_type="market", district="江南区")
    bank = factories.VenueFactory(name="工商银行（江南支行）", venue_type="bank")
    school = factories.VenueFactory(name="河西实验小学", venue_type="school", district="河西区")

    def event(**values):
        start = values.pop("start")
        values.setdefault("created_by", world["coord_a"])
        return factories.OutreachEventFactory(
            campaign=campaign,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
            **values,
        )

    events = {
        "bank": event(
            team=team_a,
            venue=bank,
            external_id="JN-001",
            start=beijing(2026, 5, 3, 9, 30),
            audience_groups="elders,general",
            attendance_method="sign_in",
            money_protected_yuan=Decimal("38600.50"),
            help_requests=3,
            videos_screened=2,
            staff_count=5,
            partners="江南支行保卫科",
            notes='=HYPERLINK("http://x")',
            **factories.reached(1_200, elders=800, general_public=400),
        ),
        "market_evening": event(
            team=team_a,
            venue=market,
            start=beijing(2026, 5, 31, 21, 0),
            format="talk",
            money_protected_yuan=Decimal("2000"),
            notes="+86 110 报警",
            **factories.reached(85, elders=85),
        ),
        "june": event(
            team=team_a,
            venue=market,
            start=beijing(2026, 6, 1, 0, 30),
            **factories.reached(40, general_public=40),
        ),
        "school": event(
            team=team_b,
            venue=school,
            created_by=world["coord_b"],
            external_id="HX-7",
            start=beijing(2026, 5, 6, 14, 0),
            format="talk",
            audience_groups="students",
            money_protected_yuan=Decimal("500.25"),
            **factories.reached(300, students=280, general_public=20),
        ),
        "submitted": event(
            team=team_a,
            venue=market,
            start=beijing(2026, 5, 8, 9, 0),
            status="submitted",
            **factories.reached(60, elders=30, general_public=30),
        ),
    }
    for name in ("bank", "market_evening", "june"):
        events[name].status = "submitted"
        events[name].save()
        workflow.approve_event(event=events[name], user=world["lead_a"])
    events["school"].status = "submitted"
    events["school"].save()
    workflow.approve_event(event=events["school"], user=world["lead_b"])
    for name, value in events.items():
        events[name] = OutreachEvent.objects.get(pk=value.pk)
    return events


def get_export(client, user, query="") -> bytes:
    client.force_login(user)
    response = client.get(f"{EXPORT_URL}?{query}")
    assert response.status_code == 200
    translation.activate("en")
    return response.content


def sheet_rows(content: bytes, sheet=None):
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return list((workbook[sheet] if sheet else workbook.active).iter_rows())


def as_dicts(rows):
    header = [cell.value for cell in rows[0]]
    return [dict(zip(header, row, strict=False)) for row in rows[1:]]


def csv_dicts(content: bytes):
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


# --- the template --------------------------------------------------------------------------


def test_template_has_instructions_dropdowns_and_typed_cells(client, world):
    other = factories.CampaignFactory(name="河西区校园反诈周", teams=[world["team_b"]])
    client.force_login(world["coord_a"])
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(TEMPLATE_URL + "xlsx").content))
    ledger = workbook.active  # the sheet the import reads
    assert ledger.title == "活动台账"
    assert "填写说明" in workbook.sheetnames
    instructions = "\n".join(str(row[0].value or "") for row in workbook["填写说明"].iter_rows())
    assert "必填" in instructions and "下拉" in instructions and "2026-05-01" in instructions

    headers = [cell.value for cell in ledger[1]]
    lists = {}
    for validation in ledger.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            lists.setdefault(headers[cell_range.min_col - 1], validation)
    for header in ("宣传活动", "单位", "场所类型", "形式", "受众", "人数统计方式"):
        assert lists[header].type == "list", header
    for header in ("参与人数", "老年人数", "求助人数", "播放视频数", "工作人员数"):
        assert lists[header].type == "whole", header
    assert lists["日期"].type == "date" and lists["避免损失（元）"].type == "decimal"

    options = workbook["选项"]
    offered = {cell.value for row in options.iter_rows(min_row=2) for cell in row}
    assert world["campaign"].name in offered and world["team_a"].name in offered
    assert other.name not in offered and world["team_b"].name not in offered  # not hers
    assert {"菜市场", "摆摊", "签到表", "老年人、群众"} <= offered

    example = dict(zip(headers, (cell for cell in ledger[2]), strict=True))
    assert isinstance(example["日期"].value, datetime.datetime)
    assert example["日期"].number_format == "yyyy-mm-dd"
    assert isinstance(example["参与人数"].value, int)
    assert ledger["C50"].number_format == "yyyy-mm-dd"  # typed down the sheet, too


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_template_example_row_is_read_column_by_column(client, world, kind):
    """Every example cell sits under its header: importing the untouched template fails
    only on its example campaign and team, which name themselves as examples."""
    client.force_login(world["manager"])
    content = client.get(TEMPLATE_URL + kind).content
    translation.activate("en")
    report = import_events(content=content, filename=f"t.{kind}", user=world["manager"])
    assert [(p.row, p.column) for p in report.problems] == [(2, "campaign"), (2, "team")]
    assert all("示例" in problem.message for problem in report.problems)
    assert not report.saved


# --- labels, typed cells, every figure -----------------------------------------------------


def test_chinese_export_has_labels_status_people_and_every_figure(client, world, ledger):
    rows = as_dicts(sheet_rows(get_export(client, world["manager"], "file=xlsx")))
    bank = next(row for row in rows if row["编号"].value == "JN-001")
    assert bank["场所类型"].value == "银行" and bank["形式"].value == "摆摊"
    assert bank["受众"].value == "老年人、群众"
    assert bank["人数统计方式"].value == "签到表"
    assert bank["宣传活动"].value == world["campaign"].name
    assert bank["状态"].value == "已通过"
    assert bank["创建人"].value == "李小红"
    assert bank["审核通过人"].value == "王建国"
    assert bank["避免损失（元）"].value == pytest.approx(38600.50)
    assert bank["避免损失（元）"].number_format == "#,##0.00"
    assert (bank["求助人数"].value, bank["播放视频数"].value, bank["工作人员数"].value) == (3, 2, 5)
    assert bank["合作单位"].value == "江南支行保卫科"
    submitted = next(row for row in rows if row["状态"].value == "已提交")
    assert submitted["审核通过人"].value in (None, "")
    workbook = openpyxl.load_workbook(io.BytesIO(get_export(client, world["manager"], "file=xlsx")))
    assert workbook.sheetnames == ["宣传场次"]


def test_english_export_has_english_labels_and_sheet_name(client, world, ledger):
    content = get_export(client, world["manager"], "file=xlsx&headers=en")
    assert openpyxl.load_workbook(io.BytesIO(content)).sheetnames == ["Outreach events"]
    bank = next(row for row in as_dicts(sheet_rows(content)) if row["ID"].value == "JN-001")
    assert bank["Venue type"].value == "Bank" and bank["Format"].value == "Booth"
    assert bank["Audience"].value == "Elders, General public"
    assert bank["Status"].value == "Approved"
    assert bank["How attendance was counted"].value == "Sign-in sheet"


@pytest.mark.parametrize("file", ["csv", "xlsx"])
def test_english_export_headers_are_readable_labels(client, world, ledger, file):
    content = get_export(client, world["manager"], f"file={file}&headers=en")
    if file == "csv":
        headers = content.decode("utf-8-sig").splitlines()[0].split(",")
    else:
        headers = list(next(openpyxl.load_workbook(io.BytesIO(content)).active.values))
    assert headers[:3] == ["ID", "Campaign", "Date"]
    for label in ("Venue", "People reached", "Money protected (yuan)", "Status", "Approved by"):
        assert label in headers
    assert not any("_" in header for header in headers)  # no column keys


def test_codes_option_writes_codes_for_systems(client, world, ledger):
    rows = csv_dicts(get_export(client, world["manager"], "file=csv&headers=en&values=codes"))
    bank = next(row for row in rows if row["external_id"] == "JN-001")
    assert (bank["venue_type"], bank["format"], bank["status"]) == ("bank", "booth", "approved")
    assert bank["audience"] == "elders,general" and bank["attendance_method"] == "sign_in"
    assert bank["campaign"] == world["campaign"].slug
    assert bank["created_by"] == "coord_a" and bank["approved_by"] == "lead_a"


def test_xlsx_cells_are_typed_numbers_and_dates(client, world, ledger):
    rows = as_dicts(sheet_rows(get_export(client, world["manager"], "file=xlsx")))
    for row in rows:
        assert isinstance(row["日期"].value, datetime.datetime) and row["日期"].is_date
        assert isinstance(row["开始时间"].value, datetime.time)
        assert isinstance(row["参与人数"].value, int) and row["参与人数"].data_type == "n"
    evening = next(row for row in rows if row["参与人数"].value == 85)
    assert evening["日期"].value.date() == datetime.date(2026, 5, 31)  # Beijing's day


@pytest.mark.parametrize(
    "period",
    [
        {"month": "2026-05"},
        {"quarter": "2026-Q2"},
        {"date_from": "2026-05-01", "date_to": "2026-05-31"},
    ],
)
def test_xlsx_sums_to_the_dashboards_figures_for_the_same_filter(client, world, ledger, period):
    """SUM() over the export's approved rows = the dashboard's totals, filter for filter."""
    query = "&".join(f"{k}={v}" for k, v in period.items())
    content = get_export(
        client,
        world["manager"],
        f"file=xlsx&status=approved&campaign={world['campaign'].pk}&{query}",
    )
    rows = sheet_rows(content)
    header = [cell.value for cell in rows[0]]
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.active
    last = sheet.max_row

    def column_sum(name):
        letter = openpyxl.utils.get_column_letter(header.index(name) + 1)
        return sum(cell.value or 0 for (cell,) in sheet[f"{letter}2:{letter}{last}"])

    if "month" in period:
        first, end = datetime.date(2026, 5, 1), datetime.date(2026, 5, 31)
    elif "quarter" in period:
        first, end = datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)
    else:
        first, end = datetime.date(2026, 5, 1), datetime.date(2026, 5, 31)
    filters = ReachFilters(campaign=world["campaign"], date_from=first, date_to=end)
    totals = selectors.reach_report(user=world["manager"], filters=filters)["totals"]
    dashboard = client.get(
        "/admin/campaigns/reach/",
        {"campaign": world["campaign"].pk, "date_from": first, "date_to": end},
    )
    assert dashboard.status_code == 200
    assert dashboard.context["report"]["totals"] == totals  # what the dashboard shows
    assert column_sum("参与人数") == totals["attendance"]
    assert column_sum("老年人数") == totals["elders"]
    assert column_sum("求助人数") == totals["help_requests"]
    assert Decimal(str(column_sum("避免损失（元）"))) == totals["money_protected_yuan"]
    assert last - 1 == totals["events"]
    expected = 1_200 + 85 + 300 + (40 if "quarter" in period else 0)
    assert totals["attendance"] == expected


# --- filters -------------------------------------------------------------------------------


def test_list_and_export_filter_by_month_in_beijing_time(client, world, ledger):
    client.force_login(world["manager"])
    may = client.get("/admin/campaigns/events/", {"month": "2026-05"})
    assert may.status_code == 200
    listed = {event.pk for event in may.context["object_list"]}
    assert ledger["market_evening"].pk in listed and ledger["june"].pk not in listed
    june = csv_dicts(get_export(client, world["manager"], "file=csv&month=2026-06"))
    assert [row["参与人数"] for row in june] == ["40"]


def test_quarter_custom_range_and_district_filters(client, world, ledger):
    client.force_login(world["manager"])
    q2 = client.get("/admin/campaigns/events/", {"quarter": "2026-Q2"})
    assert q2.status_code == 200
    assert len(q2.context["object_list"]) == OutreachEvent.objects.count() == 7
    q3 = client.get("/admin/campaigns/events/", {"quarter": "2026-Q3"})
    assert len(q3.context["object_list"]) == 0
    ranged = csv_dicts(
        get_export(client, world["manager"], "file=csv&date_from=2026-05-31&date_to=2026-06-01")
    )
    assert sorted(row["参与人数"] for row in ranged) == ["40", "85"]
    hexi = client.get("/admin/campaigns/events/", {"district": "河西区"})
    assert [event.pk for event in hexi.context["object_list"]] == [ledger["school"].pk]
    rows = csv_dicts(get_export(client, world["manager"], "file=csv&district=河西区"))
    assert [row["场所名称"] for row in rows] == ["河西实验小学"]


def test_list_offers_exports_of_what_it_shows(client, world, ledger):
    """The list's download buttons carry its filters, period included, and each names one
    file type, header language and value kind (not the previous buttons' appended)."""
    client.force_login(world["manager"])
    page = client.get("/admin/campaigns/events/", {"month": "2026-05", "district": "江南区"})
    urls = [b.url for b in page.context["view"].header_more_buttons if "/export/" in b.url]
    assert len(urls) == 5
    for url in urls:
        assert "month=2026-05" in url and url.count("file=") == 1 and url.count("headers=") == 1
    codes = next(url for url in urls if "values=codes" in url)
    rows = csv_dicts(client.get(codes).content)
    assert {row["venue_type"] for row in rows} == {"bank", "market"}
    assert all(row["date"].startswith("2026-05") for row in rows)


def test_extreme_days_are_no_error(client, world, ledger):
    rows = csv_dicts(
        get_export(client, world["manager"], "file=csv&date_from=0001-01-01&date_to=9999-12-31")
    )
    assert len(rows) == OutreachEvent.objects.count()
    client.force_login(world["manager"])
    page = client.get("/admin/campaigns/events/?date_from=0001-01-01&date_to=9999-12-31")
    assert page.status_code == 200


def test_list_filters_read_in_chinese(client, world, ledger):
    client.force_login(world["manager"])
    page = client.get("/admin/campaigns/events/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = page.content.decode()
    for label in ("月份", "季度", "辖区", "起始日期", "截止日期", "第4季度"):
        assert label in page, label
    assert "Quarter" not in page and "Month" not in page


@pytest.mark.parametrize("query", ["month=2026-13", "month=五月", "quarter=2026-Q5", "date_from=x"])
def test_bad_periods_give_an_empty_export_and_a_list_not_an_error(client, world, ledger, query):
    rows = csv_dicts(get_export(client, world["manager"], f"file=csv&{query}"))
    assert rows == []
    client.force_login(world["manager"])
    assert client.get(f"/admin/campaigns/events/?{query}").status_code == 200


# --- who sees what -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "teams"),
    [
        ("coord_a", {"A队"}),
        ("coord_b", {"B队"}),
        ("lead_a", {"A队"}),
        ("lead_b", {"B队"}),
        ("manager", {"A队", "B队"}),
    ],
)
@pytest.mark.parametrize("file", ["csv", "xlsx"])
def test_export_holds_only_the_users_teams(client, world, ledger, user, teams, file):
    content = get_export(client, world[user], f"file={file}&headers=en")
    if file == "csv":
        found = {row["Team"] for row in csv_dicts(content)}
    else:
        found = {row["Team"].value for row in as_dicts(sheet_rows(content))}
    assert found == teams
    # asking for another team's events by id gives none of them
    other = world["team_b"] if "B队" not in teams else world["team_a"]
    if len(teams) == 1:
        assert csv_dicts(get_export(client, world[user], f"file=csv&team={other.pk}")) == []


def test_editor_and_anonymous_get_no_export(client, world, ledger):
    assert client.get(f"{EXPORT_URL}?file=csv").status_code == 302  # to the sign-in page
    client.force_login(world["editor"])
    assert client.get(f"{EXPORT_URL}?file=csv").status_code in (302, 403)
    assert b"JN-001" not in client.get(f"{EXPORT_URL}?file=csv").content


# --- round trips ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["file=xlsx", "file=csv", "file=xlsx&headers=en", "file=csv&headers=en&values=codes"]
)
def test_labels_exports_reimport_unchanged(client, world, ledger, query):
    content = get_export(client, world["manager"], query)
    report = import_events(
        content=content, filename=f"e.{query[5:9].strip('&')}", user=world["manager"]
    )
    assert report.problems == []
    assert (report.new, report.updated, report.unchanged) == (0, 0, OutreachEvent.objects.count())
    assert report.unknown_columns == []  # 状态, 创建人, 审核通过人 are the export's own


@pytest.mark.parametrize("file", ["csv", "xlsx"])
@pytest.mark.parametrize(
    "text",
    ["=SUM(A1:A9)", "+86 110 报警", "'=already quoted", "''+two quotes", "-2 人中途离场", "@cmd"],
)
def test_formula_guard_never_grows_over_two_round_trips(client, world, file, text):
    """A draft whose notes and partners start like a formula, exported, changed, and
    re-imported twice: the text comes back as it was, with no apostrophe grown."""
    event = world["event_a"]
    event.notes, event.partners, event.external_id = text, text, "JN-9"
    event.status = "draft"
    event.save()
    for attendance in (101, 102):
        content = get_export(client, world["coord_a"], f"file={file}")
        if file == "xlsx":
            workbook = openpyxl.load_workbook(io.BytesIO(content))
            rows = as_dicts(list(workbook.active.iter_rows()))
            row = next(r for r in rows if r["编号"].value == "JN-9")
            if text[0] != "'":
                assert row["备注"].value == text  # typed as text, no visible apostrophe
            assert row["备注"].data_type == "s"
            row["参与人数"].value = attendance
            buffer = io.BytesIO()
            workbook.save(buffer)
            content = buffer.getvalue()
        else:
            rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
            header = rows[0]
            row = next(r for r in rows if r[0] == "JN-9")
            assert row[header.index("备注")] == "'" + text  # one apostrophe, not more
            row[header.index("参与人数")] = str(attendance)
            buffer = io.StringIO()
            csv.writer(buffer).writerows(rows)
            content = buffer.getvalue().encode("utf-8-sig")
        report = import_events(content=content, filename=f"e.{file}", user=world["coord_a"])
        assert report.problems == [] and report.updated == 1
        event.refresh_from_db()
        assert (event.attendance, event.notes, event.partners) == (attendance, text, text)


# --- reach_report ------------------------------------------------------------------------


def test_reach_report_xlsx_in_chinese_with_typed_money_and_a_chart_per_breakdown(
    world, ledger, tmp_path
):
    path = tmp_path / "reach.xlsx"
    call_command("reach_report", "--format", "xlsx", "--output", str(path), stdout=io.StringIO())
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames[0] == "总计"
    assert {"按场所类型", "按受众", "按辖区", "按形式", "按月"} <= set(workbook.sheetnames)
    totals = {row[0].value: row[1] for row in workbook["总计"].iter_rows(min_row=2)}
    assert totals["避免损失（元）"].value == pytest.approx(41100.75)
    assert totals["避免损失（元）"].data_type == "n"
    assert totals["参与人数"].value == 1_200 + 85 + 40 + 300
    venue = as_dicts(list(workbook["按场所类型"].iter_rows()))
    assert {row["项目"].value for row in venue} == {"银行", "菜市场", "学校"}
    assert sum(row["避免损失（元）"].value for row in venue) == pytest.approx(41100.75)
    months = {row["项目"].value for row in as_dicts(list(workbook["按月"].iter_rows()))}
    assert months == {"2026年5月", "2026年6月"}
    for name in ("按场所类型", "按受众", "按辖区", "按形式", "按月"):
        [chart] = workbook[name]._charts
        assert chart.title is not None and chart.x_axis.title is not None


def test_reach_report_csv_in_english_and_in_codes(world, ledger, capsysbinary):
    call_command("reach_report", "--format", "csv", "--language", "en")
    rows = list(csv.reader(io.StringIO(capsysbinary.readouterr().out.decode("utf-8-sig"))))
    assert "Money protected (yuan)" in rows[0] and "People reached" in rows[0]
    assert ["By venue type", "Bank"] == rows[2][:2] or any(
        row[:2] == ["By venue type", "Bank"] for row in rows
    )
    call_command("reach_report", "--format", "csv", "--codes")
    rows = list(csv.reader(io.StringIO(capsysbinary.readouterr().out.decode("utf-8-sig"))))
    assert "money_protected_yuan" in rows[0]
    assert any(row[:2] == ["by_venue_type", "bank"] for row in rows)
    call_command("reach_report", "--format", "csv")
    text = capsysbinary.readouterr().out.decode("utf-8-sig")
    assert "避免损失（元）" in text and "菜市场" in text and "market" not in text


def test_export_queries_do_not_grow_with_the_events(
    client, world, ledger, django_assert_max_num_queries
):
    client.force_login(world["manager"])
    client.get(f"{EXPORT_URL}?file=xlsx")  # warm the session and permission caches
    with django_assert_max_num_queries(12) as few:
        client.get(f"{EXPORT_URL}?file=xlsx")
    for _n in range(20):
        factories.OutreachEventFactory(campaign=world["campaign"], created_by=world["coord_b"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"{EXPORT_URL}?file=xlsx")


def test_the_ledgers_columns_are_declared_once():
    """The template, the export and the import's resource read one list of columns."""
    from campaigns.imports.cells import ENGLISH_HEADERS, LEDGER_COLUMNS
    from campaigns.imports.resource import OutreachEventResource

    assert OutreachEventResource.Meta.fields == (*LEDGER_COLUMNS, "status")
    assert set(LEDGER_COLUMNS) <= set(ENGLISH_HEADERS)
