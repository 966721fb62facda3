"""Exports of events and reach figures, safe to open in Excel or WPS.

Text cells that a spreadsheet would read as a formula get a leading apostrophe
(core.spreadsheets.neutralise, shared with the admin's other exports), which the import
takes off again (campaigns.imports.reading), so an export re-imports unchanged.
django-import-export's own escaping covers only part of this.
"""

import csv
import io

import openpyxl
from openpyxl.chart import BarChart, Reference

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
