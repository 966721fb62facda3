"""Exports of events and reach figures, safe to open in Excel or WPS.

Text cells that a spreadsheet would read as a formula get a leading apostrophe
(core.spreadsheets.neutralise, shared with the admin's other exports), which the import
takes off again (campaigns.imports.reading), so an export re-imports unchanged.
django-import-export's own escaping covers only part of this.
"""

import csv
import io
from decimal import Decimal

import openpyxl
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.spreadsheets import neutralise

from .reach import REPORT_FIGURES


def dataset_rows(dataset):
    yield [neutralise(header) for header in dataset.headers]
    for row in dataset:
        yield [neutralise(value) for value in row]


def events_to_csv(dataset) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(dataset_rows(dataset))
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8


def events_to_xlsx(dataset) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "events"
    for row in dataset_rows(dataset):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_to_xlsx(report: dict) -> bytes:
    """One sheet of totals, then one sheet per breakdown with a bar chart of attendance."""
    workbook = openpyxl.Workbook()
    totals = workbook.active
    totals.title = "totals"
    totals.append(["figure", "value"])
    for name in REPORT_FIGURES:
        totals.append([name, report["totals"][name]])
    for name, rows in report.items():
        if not name.startswith("by_"):
            continue
        sheet = workbook.create_sheet(name)
        sheet.append(["key", *REPORT_FIGURES])
        for key, figures in rows.items():
            sheet.append([neutralise(str(key)), *(figures[f] for f in REPORT_FIGURES)])
        if rows:
            chart = BarChart()
            chart.title = f"attendance {name.removeprefix('by_').replace('_', ' ')}"
            data = Reference(sheet, min_col=3, min_row=1, max_row=len(rows) + 1)
            categories = Reference(sheet, min_col=1, min_row=2, max_row=len(rows) + 1)
            chart.add_data(data, titles_from_data=True)
            chart.set_categories(categories)
            sheet.add_chart(chart, "I2")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_to_csv(report: dict) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["breakdown", "key", *REPORT_FIGURES])
    writer.writerow(["totals", "all", *(report["totals"][f] for f in REPORT_FIGURES)])
    for name, rows in report.items():
        if name.startswith("by_"):
            for key, figures in rows.items():
                writer.writerow([name, neutralise(str(key)), *(figures[f] for f in REPORT_FIGURES)])
    return buffer.getvalue().encode("utf-8-sig")


def _sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name (≤ 31 characters, none of []:*?/\\)."""
    title = "".join(" " if c in "[]:*?/\\" else c for c in str(name))[:31] or "Sheet"
    base, n = title, 2
    while title in taken:
        title = f"{base[:28]}({n})"
        n += 1
    taken.add(title)
    return title


def dashboard_to_xlsx(tables: list[dict]) -> bytes:
    """The dashboard's tables, one sheet each: a title row, headers, typed cells with
    thousands separators, and a native bar chart of the chosen columns."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(table["sheet"], taken))
        sheet.append([neutralise(str(table["title"]))])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([neutralise(str(header)) for header in table["headers"]])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        formats = table.get("formats") or []
        row_formats = table.get("row_formats")
        for index, row in enumerate(table["rows"]):
            sheet.append([neutralise(str(v)) if _is_text(v) else v for v in row])
            for column, cell in enumerate(sheet[sheet.max_row]):
                fmt = formats[column] if column < len(formats) else None
                if row_formats and column == 1:
                    fmt = row_formats[index]
                if fmt and isinstance(cell.value, int | float | Decimal):
                    cell.number_format = fmt
        sheet.column_dimensions["A"].width = 28
        for letter in "BCDEFGH":
            sheet.column_dimensions[letter].width = 16
        chart_spec = table.get("chart")
        if chart_spec and table["rows"]:
            last = len(table["rows"]) + 2
            chart = BarChart()
            chart.title = str(chart_spec["title"])
            chart.y_axis.numFmt = "#,##0"
            chart.y_axis.majorGridlines = None
            chart.x_axis.delete = False
            chart.y_axis.delete = False
            for column in chart_spec["columns"]:
                chart.add_data(
                    Reference(sheet, min_col=column, min_row=2, max_row=last),
                    titles_from_data=True,
                )
            chart.set_categories(Reference(sheet, min_col=1, min_row=3, max_row=last))
            chart.dataLabels = DataLabelList()
            chart.dataLabels.showVal = True
            chart.width, chart.height = 18, 9
            sheet.add_chart(chart, f"{get_column_letter(len(table['headers']) + 2)}2")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _is_text(value) -> bool:
    return value is not None and not isinstance(value, int | float | Decimal)
