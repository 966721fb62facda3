"""The spreadsheet template for the import (the admin's "download the template").

XLSX: the ledger sheet (active, the one the import reads) with the Chinese headers, an
example row, typed date, time and number cells and dropdowns (data validation) for the
campaign, team, venue type, format, audience and count method, offering the user's own
campaigns and teams; a sheet of instructions in Chinese; a hidden sheet of the
dropdowns' options. CSV: the headers and the example row.
"""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..choices import label
from ..models import CountMethod, EventFormat, VenueType
from .cells import CHINESE_HEADERS, LEDGER_COLUMNS, REQUIRED_COLUMNS

# Columns an export adds after these, which the import does not read (an event's state and
# people are not changed by a file), nor lists as unknown: column key → Chinese header.
EXPORT_ONLY_COLUMNS = {"status": "状态", "created_by": "创建人", "approved_by": "审核通过人"}
EXPORT_ONLY_ENGLISH = {"status": "Status", "created_by": "Created by", "approved_by": "Approved by"}
EXAMPLE_CAMPAIGN = "示例：全民反诈在行动"
EXAMPLE = {
    "external_id": "JN-2026-001",
    "campaign": EXAMPLE_CAMPAIGN,
    "date": datetime.date(2026, 5, 1),
    "start_time": datetime.time(9, 0),
    "end_time": datetime.time(11, 0),
    "venue_name": "东门菜市场",
    "venue_type": "菜市场",
    "district": "江南区",
    "format": "摆摊",
    "audience": "老年人、群众",
    "attendance": 120,
    "attendance_method": "现场点数",
    "elders": 60,
    "students": 0,
    "general_public": 60,
    "materials_distributed": 200,
    "warnings": 2,
    "help_requests": 1,
    "videos_screened": 3,
    "money_protected_yuan": Decimal("3800.00"),
    "staff_count": 4,
    "partners": "东门社区居委会",
    "team": "示例：江南区反诈中心",
    "notes": "示例行：导入前请删除或改成真实记录",
}
AUDIENCE_OPTIONS = (
    "老年人",
    "学生",
    "群众",
    "老年人、学生",
    "老年人、群众",
    "学生、群众",
    "老年人、学生、群众",
)
COUNTS = (
    "attendance",
    "elders",
    "students",
    "general_public",
    "materials_distributed",
    "warnings",
    "help_requests",
    "videos_screened",
    "staff_count",
)
FORMATS = {
    "date": "yyyy-mm-dd",
    "start_time": "hh:mm",
    "end_time": "hh:mm",
    "money_protected_yuan": "#,##0.00",
    **dict.fromkeys(COUNTS, "#,##0"),
}
TEMPLATE_ROWS = 1000  # rows below the header that carry the formats and dropdowns
INSTRUCTIONS = (
    "填写说明",
    "",
    "1. 在“活动台账”表中每行填写一场宣传活动；第 2 行是示例，导入前请删除或改写。",
    "2. 必填的列：宣传活动、日期、场所名称、场所类型、辖区、形式、参与人数、单位。",
    "3. 宣传活动、单位、场所类型、形式、受众、人数统计方式请从下拉列表中选择。",
    "4. 日期写成 2026-05-01 或 2026年5月1日；时间写成 09:30；不写结束时间则按两小时计。",
    "5. 人数、份数填数字，如 120；避免损失填金额（元），如 3800.00。",
    "6. 老年人数、学生人数、群众人数之和不能超过参与人数。",
    "7. 没有统计的数字请留空；0 表示统计了，但为 0。",
    "8. 编号是本单位台账中的编号，用于再次导入时对应同一场活动；没有可以留空。",
    "9. 受众可多选，用顿号分隔，如“老年人、群众”。",
    "10. 参与人数超过 5,000 的活动会标记为需核查，由负责人确认后才能审核通过。",
    "11. 已审核通过的活动再次导入时不能修改，需先由负责人退回。",
    "12. 导出的表格可以直接修改后再导入；“状态”“创建人”“审核通过人”三列导入时不读取。",
)


def _options(user_campaigns, user_teams) -> dict[str, list[str]]:
    return {
        "campaign": [campaign.name for campaign in user_campaigns],
        "team": [team.name for team in user_teams],
        "venue_type": [label(VenueType, code, "zh-hans") for code in VenueType.values],
        "format": [label(EventFormat, code, "zh-hans") for code in EventFormat.values],
        "audience": list(AUDIENCE_OPTIONS),
        "attendance_method": [label(CountMethod, code, "zh-hans") for code in CountMethod.values],
    }


def headers() -> list[str]:
    return [CHINESE_HEADERS[column] for column in LEDGER_COLUMNS]


def template_xlsx(*, campaigns, teams) -> bytes:
    workbook = openpyxl.Workbook()
    ledger = workbook.active
    ledger.title = "活动台账"
    ledger.append(headers())
    ledger.append([EXAMPLE[column] for column in LEDGER_COLUMNS])
    ledger.freeze_panes = "A2"
    example_fill = PatternFill("solid", fgColor="FFF2CC")
    for index, column in enumerate(LEDGER_COLUMNS, start=1):
        letter = get_column_letter(index)
        ledger.column_dimensions[letter].width = max(12, 2 * len(CHINESE_HEADERS[column]) + 4)
        ledger.cell(1, index).font = Font(bold=True)
        ledger.cell(2, index).fill = example_fill
        number_format = FORMATS.get(column)
        if number_format:
            for row in range(2, TEMPLATE_ROWS + 2):
                ledger.cell(row, index).number_format = number_format

    options = workbook.create_sheet("选项")
    options.sheet_state = "hidden"
    column_of = {column: LEDGER_COLUMNS.index(column) + 1 for column in LEDGER_COLUMNS}
    last_row = TEMPLATE_ROWS + 1
    for place, (column, values) in enumerate(_options(campaigns, teams).items(), start=1):
        letter = get_column_letter(place)
        options.cell(1, place, CHINESE_HEADERS[column])
        for row, value in enumerate(values, start=2):
            options.cell(row, place, value)
        source = f"选项!${letter}$2:${letter}${max(2, len(values) + 1)}"
        validation = DataValidation(
            type="list",
            formula1=source,
            allow_blank=column not in REQUIRED_COLUMNS,
            showErrorMessage=True,
            errorStyle="warning" if column == "audience" else "stop",
            errorTitle="请从列表中选择",
            error=f"“{CHINESE_HEADERS[column]}”请从下拉列表中选择。",
            promptTitle=CHINESE_HEADERS[column],
            prompt="从下拉列表中选择",
            showInputMessage=True,
        )
        ledger.add_data_validation(validation)
        target = get_column_letter(column_of[column])
        validation.add(f"{target}2:{target}{last_row}")

    def typed(column, kind, *, formula1, operator="greaterThanOrEqual", error):
        validation = DataValidation(
            type=kind,
            operator=operator,
            formula1=formula1,
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=CHINESE_HEADERS[column],
            error=error,
        )
        ledger.add_data_validation(validation)
        target = get_column_letter(column_of[column])
        validation.add(f"{target}2:{target}{last_row}")

    typed("date", "date", formula1="DATE(2000,1,1)", error="请填写日期，如 2026-05-01。")
    for column in ("start_time", "end_time"):
        typed(
            column,
            "time",
            operator="between",
            formula1="TIME(0,0,0)",
            error="请填写时间，如 09:30。",
        )
    for column in COUNTS:
        typed(column, "whole", formula1="0", error="请填写不小于 0 的整数。")
    typed("money_protected_yuan", "decimal", formula1="0", error="请填写金额（元），如 3800.00。")
    # "between" needs an upper bound
    for validation in ledger.data_validations.dataValidation:
        if validation.type == "time":
            validation.formula2 = "TIME(23,59,59)"

    instructions = workbook.create_sheet("填写说明")
    instructions.column_dimensions["A"].width = 110
    for text in INSTRUCTIONS:
        instructions.append([text])
    instructions["A1"].font = Font(bold=True, size=14)
    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers())
    example = []
    for column in LEDGER_COLUMNS:
        value = EXAMPLE[column]
        if isinstance(value, datetime.time):
            value = value.strftime("%H:%M")
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        example.append(value)
    writer.writerow(example)
    return buffer.getvalue().encode("utf-8-sig")
