"""Reading the table of an outreach spreadsheet once (step one of an import).

CSV in UTF-8 or GB18030, or XLSX; a title, notes and blank rows above the header row,
rows of different lengths. The result is a Table: the known columns, each known column's
header as the file names it, and every data row with its line in the spreadsheet.
"""

import csv
import io
from dataclasses import dataclass, field

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from .cells import FORMULA_STARTS, header_key, normalise_text

# How far down the sheet the header row is looked for (title and note rows above it).
HEADER_SEARCH_ROWS = 30


class UnreadableFile(Exception):
    """The file is not a spreadsheet we can read (wrong type, empty, too large, broken)."""


@dataclass
class Table:
    """A sheet as the import sees it: the header row's columns (known column keys, or
    "?header" for a column we do not know), each known column's header as the user wrote
    it, the data rows padded to the header's width, and the spreadsheet line of each."""

    headers: list[str]
    labels: dict[str, str] = field(default_factory=dict)
    rows: list[tuple] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def unknown_columns(self) -> list[str]:
        return [header[1:] for header in self.headers if header.startswith("?")]

    def column(self, key: str) -> list:
        if key not in self.headers:
            return []
        index = self.headers.index(key)
        return [row[index] for row in self.rows]


def read_table(content: bytes, filename: str) -> Table:
    """The table in a CSV (UTF-8 with or without BOM, or GB18030/GBK) or XLSX file."""
    return table_from_rows(_read_rows(content, filename))


def _read_rows(content: bytes, filename: str) -> list[list]:
    name = filename.lower()
    if content[:4] == b"PK\x03\x04":
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            try:
                return [list(row) for row in workbook.active.iter_rows(values_only=True)]
            finally:
                workbook.close()
        except Exception as error:  # openpyxl raises many types for broken workbooks
            raise UnreadableFile(
                _("The Excel file cannot be read: %(error)s") % {"error": error}
            ) from error
    if name.endswith((".xlsx", ".xls")):
        raise UnreadableFile(_("The file is named .xlsx but is not an Excel workbook."))
    if not (name.endswith((".csv", ".txt")) or b"," in content[:2000]):
        raise UnreadableFile(_("Upload a CSV or XLSX file."))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise UnreadableFile(_("The CSV file's text encoding is not recognised."))
    if "\x00" in text:
        raise UnreadableFile(_("This is not a text (CSV) file."))
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:  # e.g. an unclosed quote swallowing the rest of the file
        raise UnreadableFile(
            _("The CSV file cannot be read: %(error)s") % {"error": error}
        ) from error


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _unguard(value):
    """A text cell without the apostrophe an export put before a formula-like start."""
    if isinstance(value, str) and value[:1] == "'" and value[1:2] and value[1] in FORMULA_STARTS:
        return value[1:]
    return value


def is_header_row(row) -> bool:
    """At least two cells are known headers, and they are at least half the filled ones
    (a title such as "江南区反诈中心 2026年11月宣传台账" or a note row is not)."""
    filled = [cell for cell in row if not _blank(cell)]
    known = sum(1 for cell in filled if header_key(cell))
    return known >= 2 and 2 * known >= len(filled)


def table_from_rows(rows: list[list]) -> Table:
    """Find the header row (the first that names known columns, skipping title, note and
    blank rows above it; else the first row with anything in it), then keep the filled
    rows below it, padded or cut to the header's width."""
    start = next(
        (i for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]) if is_header_row(row)),
        next((i for i, row in enumerate(rows) if not all(map(_blank, row))), None),
    )
    if start is None:
        return Table(headers=[])
    header_row = list(rows[start])
    while header_row and _blank(header_row[-1]):
        header_row.pop()
    width = len(header_row)
    headers, labels = [], {}
    for index, cell in enumerate(header_row):
        key = header_key(cell)
        if key and key not in labels:
            labels[key] = normalise_text(cell)
            headers.append(key)
        else:
            # an unknown (or repeated) column, named as written or by its letter
            headers.append("?" + (normalise_text(cell) or _column_name(index)))
    table = Table(headers=headers, labels=labels)
    extra_columns = set()
    for number, row in enumerate(rows[start + 1 :], start=start + 2):
        if all(map(_blank, row)):
            continue  # blank rows between (or after) the events are layout, not data
        cells = [_unguard(cell) for cell in row[:width]]
        cells += [None] * (width - len(cells))
        extra_columns.update(index for index in range(width, len(row)) if not _blank(row[index]))
        table.rows.append(tuple(cells))
        table.lines.append(number)
    table.headers += ["?" + _column_name(index) for index in sorted(extra_columns)]
    table.rows = [row + (None,) * len(extra_columns) for row in table.rows]
    return table


def _column_name(index: int) -> str:
    return _("column %(letter)s") % {"letter": get_column_letter(index + 1)}
