"""Exports of events and reach figures that people can use, safe to open in Excel or WPS.

Choices are written as labels in the chosen language (``codes`` for systems); numbers,
dates and times are typed XLSX cells, so ``SUM()`` works. The event export's columns are
the import's (campaigns.imports.cells) plus status, who created and who approved, which
the import ignores, so an export re-imports unchanged, in labels or codes.

Formula injection: a CSV text cell that a spreadsheet would run gets a leading apostrophe
(core.spreadsheets.neutralise), which the import takes off again
(campaigns.imports.reading); in XLSX such a cell is typed as text instead, with no visible
apostrophe. A value that itself starts with apostrophes before a formula character gets
one more, so that taking one off on import gives it back unchanged: nothing grows.
"""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.spreadsheets import FORMULA_STARTS, neutralise

from .choices import AudienceGroup, audience_labels, label
from .imports.cells import CHINESE_HEADERS, ENGLISH_HEADERS
from .imports.template import EXPORT_ONLY_COLUMNS, EXPORT_ONLY_ENGLISH, LEDGER_COLUMNS
from .models import CountMethod, EventFormat, EventStatus, VenueType
from .reach import ATTENDANCE_SPLIT, REPORT_FIGURES

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LANGUAGES = ("zh-hans", "en")

# --- cells ---------------------------------------------------------------------------------


def guard_text(value, *, xlsx: bool):
    """A text cell as written: formula-like text neutralised for CSV (XLSX types it as
    text instead), and an apostrophe the import would take off doubled."""
    if not isinstance(value, str):
        return value
    if value[:1] == "'" and value.lstrip("'")[:1] and value.lstrip("'")[0] in FORMULA_STARTS:
        return "'" + value  # the import takes one off (campaigns.imports.reading)
    return value if xlsx else neutralise(value)


def csv_value(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return guard_text(value, xlsx=False)


NUMBER_FORMATS = {
    int: "#,##0",
    Decimal: "#,##0.00",
    datetime.date: "yyyy-mm-dd",
    datetime.time: "hh:mm",
}


def append_typed(sheet, values) -> None:
    """One row of typed cells: numbers with thousands separators, money to the fen,
    dates and times as such, formula-like text typed as text."""
    sheet.append([guard_text(value, xlsx=True) for value in values])
    for cell, value in zip(sheet[sheet.max_row], values, strict=False):
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            cell.data_type = "s"  # openpyxl would store it as a formula
            cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
        elif isinstance(value, bool):
            continue
        else:
            number_format = NUMBER_FORMATS.get(type(value))
            if number_format:
                cell.number_format = number_format


def finish_sheet(sheet, *, widths: dict[int, int] | None = None) -> None:
    """A bold, frozen header row and columns wide enough for Chinese headers."""
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, cell in enumerate(sheet[1], start=1):
        width = (widths or {}).get(index) or max(10, 2 * len(str(cell.value or "")) + 2)
        sheet.column_dimensions[get_column_letter(index)].width = width


def workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8


# --- events --------------------------------------------------------------------------------

# The import's columns, in its order, then three it ignores (read-only in a re-import).
EVENT_COLUMNS = (*LEDGER_COLUMNS, *EXPORT_ONLY_COLUMNS)


def event_headers(chinese: bool, *, codes: bool = False) -> list[str]:
    """Chinese headers, or readable English ones ("Money protected (yuan)"); with codes
    (for systems) and English, the column keys. An import reads all three."""
    if chinese:
        names = CHINESE_HEADERS | EXPORT_ONLY_COLUMNS
    elif codes:
        return list(EVENT_COLUMNS)
    else:
        names = ENGLISH_HEADERS | EXPORT_ONLY_ENGLISH
    return [names[column] for column in EVENT_COLUMNS]


def _person(user, language: str) -> str:
    """李小红 (family name first, no space) in Chinese; else the account's full name."""
    first, last = user.first_name.strip(), user.last_name.strip()
    if language.startswith("zh") and (first or last) and not (first + last).isascii():
        return f"{last}{first}"
    return user.get_full_name() or user.get_username()


def event_row(event, *, language: str, codes: bool) -> list:
    """One event's cells, typed: dates and times in the site's time zone, counts as
    numbers (empty when not counted), money as a decimal, choices as labels or codes."""
    zone = timezone.get_default_timezone()
    starts, ends = (
        timezone.localtime(event.starts_at, zone),
        timezone.localtime(event.ends_at, zone),
    )

    def choice(choices, code):
        return code if codes else label(choices, code, language)

    approved = event.status == EventStatus.APPROVED
    return [
        event.external_id or "",
        event.campaign.slug if codes else event.campaign.name,
        starts.date(),
        starts.time().replace(second=0, microsecond=0),
        ends.time().replace(second=0, microsecond=0),
        event.venue.name,
        choice(VenueType, event.venue.venue_type),
        event.venue.district.name,
        choice(EventFormat, event.format),
        event.audience_groups if codes else audience_labels(event.audience_groups, language),
        event.attendance,
        choice(CountMethod, event.attendance_method),
        event.elders,
        event.students,
        event.general_public,
        event.materials_distributed,
        event.warnings,
        event.help_requests,
        event.videos_screened,
        event.money_protected_yuan,
        event.staff_count,
        event.partners,
        event.team.name,
        event.notes,
        choice(EventStatus, event.status),
        (event.created_by.get_username() if codes else _person(event.created_by, language))
        if event.created_by
        else "",
        (
            (event.reviewed_by.get_username() if codes else _person(event.reviewed_by, language))
            or ""
        )
        if approved and event.reviewed_by
        else "",
    ]


def event_rows(events, *, language: str, codes: bool):
    for event in events.select_related("campaign", "team", "venue", "created_by", "reviewed_by"):
        yield event_row(event, language=language, codes=codes)


def events_to_csv(events, *, language: str = "zh-hans", codes: bool = False) -> bytes:
    chinese = language.startswith("zh")
    rows = [event_headers(chinese, codes=codes)]
    rows += (
        [csv_value(v) for v in row] for row in event_rows(events, language=language, codes=codes)
    )
    return csv_bytes(rows)


def events_to_xlsx(events, *, language: str = "zh-hans", codes: bool = False) -> bytes:
    chinese = language.startswith("zh")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    with translation.override(language):
        sheet.title = str(_("Outreach events"))
    sheet.append(event_headers(chinese, codes=codes))
    for row in event_rows(events, language=language, codes=codes):
        append_typed(sheet, row)
    finish_sheet(sheet)
    return workbook_bytes(workbook)


# --- the reach report ----------------------------------------------------------------------

FIGURE_LABELS = {
    "events": _("Events"),
    "attendance": _("People reached"),
    "materials_distributed": _("Materials distributed"),
    "warnings": _("People warned off a scam"),
    "help_requests": _("Asked for help"),
    "videos_screened": _("Videos screened"),
    "staff_count": _("Staff deployed"),
    "partner_events": _("Events with partners"),
    "money_protected_yuan": _("Money protected (yuan)"),
    "qr_scans": _("QR scans"),
    "unique_visitors": _("Unique visitors"),
    "in_person_attendance": _("People reached in person"),
    "live_stream_viewers": _("Live-stream viewers"),
}
# The report's columns: its figures, then attendance split as the dashboard shows it (in
# person, live stream), which the totals and the months carry (empty for other breakdowns).
REPORT_COLUMNS = (*REPORT_FIGURES, *ATTENDANCE_SPLIT)
BREAKDOWN_LABELS = {
    "by_venue_type": (_("By venue type"), _("People reached by venue type"), _("Venue type")),
    "by_audience": (
        _("By audience"),
        _("People reached by audience"),
        pgettext_lazy("reach breakdown", "Audience"),
    ),
    "by_district": (_("By district"), _("People reached by district"), _("District")),
    "by_format": (
        _("By format"),
        _("People reached by format"),
        pgettext_lazy("outreach event", "Format"),
    ),
    "by_month": (_("By month"), _("People reached by month"), _("Month")),
}
AUDIENCE_KEYS = {
    "elders": AudienceGroup.ELDERS.label,
    "students": AudienceGroup.STUDENTS.label,
    "general_public": AudienceGroup.GENERAL.label,
    "unspecified": _("Not broken down"),
}


def key_label(breakdown: str, key, language: str) -> str:
    """A breakdown's key as a reader names it: 菜市场, 老年人, 2026年5月."""
    key = str(key)
    if breakdown == "by_venue_type":
        return label(VenueType, key, language)
    if breakdown == "by_format":
        return label(EventFormat, key, language)
    if breakdown == "by_audience" and key in AUDIENCE_KEYS:
        with translation.override(language):
            return str(AUDIENCE_KEYS[key])
    if breakdown == "by_month" and language.startswith("zh"):
        year, _dash, month = key.partition("-")
        if year.isdigit() and month.isdigit():
            return f"{year}年{int(month)}月"
    return key


def _report_value(name, value):
    return Decimal(value) if name == "money_protected_yuan" and value is not None else value


def _report_values(figures: dict) -> list:
    return [_report_value(name, figures.get(name)) for name in REPORT_COLUMNS]


class ReportWords:
    """The report's names in one language, or its codes (``language=None``)."""

    def __init__(self, language: str | None):
        self.language = language

    def _in_language(self, text) -> str:
        with translation.override(self.language):
            return str(text)

    def figure(self, name: str) -> str:
        return name if self.language is None else self._in_language(FIGURE_LABELS[name])

    def key(self, breakdown: str, key) -> str:
        return str(key) if self.language is None else key_label(breakdown, key, self.language)

    def breakdown(self, name: str, part: int = 0) -> str:
        if self.language is None:
            return name
        return self._in_language(BREAKDOWN_LABELS[name][part])

    @property
    def totals(self) -> str:
        return "totals" if self.language is None else self._in_language(_("Totals"))

    @property
    def key_header(self) -> str:
        return "key" if self.language is None else self._in_language(_("Item"))

    @property
    def value_header(self) -> str:
        return "value" if self.language is None else self._in_language(_("Value"))

    @property
    def figure_header(self) -> str:
        return "figure" if self.language is None else self._in_language(_("Figure"))


# The breakdowns whose rows carry the attendance split (selectors.reach_report_document).
SPLIT_BREAKDOWNS = ("by_month",)


def _breakdowns(report: dict):
    return [(name, rows) for name, rows in report.items() if name.startswith("by_")]


def report_to_xlsx(report: dict, *, language: str | None = "zh-hans") -> bytes:
    """A sheet of totals, then a sheet per breakdown, each with a bar chart of the people
    reached: titled, axes named, one bar per key. ``language=None``: codes."""
    words = ReportWords(language)
    workbook = openpyxl.Workbook()
    totals = workbook.active
    totals.title = words.totals
    totals.append([words.figure_header, words.value_header])
    for name in REPORT_COLUMNS:
        append_typed(totals, [words.figure(name), _report_value(name, report["totals"][name])])
    finish_sheet(totals, widths={1: 28, 2: 16})
    attendance_column = 2 + REPORT_FIGURES.index("attendance")
    for name, rows in _breakdowns(report):
        sheet = workbook.create_sheet(words.breakdown(name)[:31])
        columns = REPORT_COLUMNS if name in SPLIT_BREAKDOWNS else REPORT_FIGURES
        sheet.append([words.key_header, *(words.figure(f) for f in columns)])
        for key, figures in rows.items():
            append_typed(
                sheet,
                [words.key(name, key), *(_report_value(f, figures[f]) for f in columns)],
            )
        finish_sheet(sheet, widths={1: 18})
        if rows:
            chart = BarChart()
            chart.type = "bar"  # horizontal: long Chinese names stay readable
            chart.title = words.breakdown(name, 1)
            chart.y_axis.title = words.figure("attendance")
            chart.x_axis.title = words.breakdown(name, 2)
            chart.legend = None
            chart.dataLabels = DataLabelList()
            chart.dataLabels.showVal = True
            chart.height = max(7.5, 0.8 * len(rows) + 3)
            chart.width = 18
            data = Reference(sheet, min_col=attendance_column, min_row=1, max_row=len(rows) + 1)
            categories = Reference(sheet, min_col=1, min_row=2, max_row=len(rows) + 1)
            chart.add_data(data, titles_from_data=True)
            chart.set_categories(categories)
            sheet.add_chart(chart, f"{get_column_letter(len(columns) + 3)}2")
    return workbook_bytes(workbook)


def report_to_csv(report: dict, *, language: str | None = "zh-hans") -> bytes:
    words = ReportWords(language)
    breakdown_header = "breakdown" if language is None else words._in_language(_("Breakdown"))
    rows = [[breakdown_header, words.key_header, *(words.figure(f) for f in REPORT_COLUMNS)]]
    everything = "all" if language is None else words._in_language(_("All"))
    rows.append(
        [
            words.totals,
            everything,
            *(csv_value(value) for value in _report_values(report["totals"])),
        ]
    )
    for name, breakdown in _breakdowns(report):
        for key, figures in breakdown.items():
            rows.append(
                [
                    words.breakdown(name),
                    csv_value(words.key(name, key)),
                    *(csv_value(value) for value in _report_values(figures)),
                ]
            )
    return csv_bytes(rows)


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
