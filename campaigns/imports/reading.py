"""Reading the table of an outreach spreadsheet once (step one of an import).

CSV in UTF-8 or GB18030, or XLSX; a title, notes and blank rows above the header row,
rows of different lengths. The result is a Table: the known columns, each known column's
header as the file names it, and every data row with its line in the spreadsheet.
"""

import codecs
import csv
import io
import itertools
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from .cells import (
    CHINESE_HEADERS,
    COLUMN_MAX_CHARS,
    FORMULA_STARTS,
    IGNORED_COLUMNS,
    clean_text,
    header_key,
    normalise_text,
    suggest_header,
)
from .template import EXPORT_ONLY_COLUMNS, EXPORT_ONLY_ENGLISH

EXPORT_ONLY_HEADERS = {
    *EXPORT_ONLY_COLUMNS,
    *EXPORT_ONLY_COLUMNS.values(),
    *EXPORT_ONLY_ENGLISH.values(),
}

# How far down the sheet the header row is looked for (title and note rows above it).
HEADER_SEARCH_ROWS = 30

# Caps on what one file may hold, so that a hostile or broken file is refused in words
# before it costs memory or time (docs/operations.md, "Import limits").
MAX_ROWS = 100_000  # rows of events (the size bench/import.py measures)
MAX_COLUMNS = 200  # cells in a row; a cell further right makes the row invalid
# characters in a cell: well below Excel's own limit (32,767), because openpyxl cuts a
# longer cell to that length without a word
MAX_CELL_CHARS = 10_000
MAX_SHEET_LINES = 1_048_576  # lines of a sheet, blank ones included (Excel's last row)
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # an XLSX's parts together, unpacked
MAX_PACKING_RATIO = 100  # unpacked / packed size of a part (real sheets: 5-20)
# The workbook's shared texts (xl/sharedStrings.xml) are read whole into memory before the
# first row, at about 8 bytes of memory per byte of short texts: 16 MB of them is a
# 100,000-row ledger with ~150 characters of distinct text a row, and ~130 MB of memory.
MAX_SHARED_TEXT_BYTES = 16 * 1024 * 1024
RATIO_CHECKED_FROM_BYTES = 1024 * 1024  # small parts may pack tighter harmlessly
MAX_CSV_ROW_CHARS = 2_000_000  # characters in one CSV row (beyond: the file is refused)
_SHARED_TEXT_CHARS = 64  # short texts repeated down a column are kept once


# A row of totals at the bottom (or subtotals between weeks): skipped, with a notice.
_TOTAL_ROW = re.compile(r"^(合计|小计|总计|累计|总合计)[:：]?$")


class Formula(str):
    """A formula cell of an XLSX (its text, "=SUM(H4:H7)"): reported, never imported."""


class UnreadableFile(Exception):
    """The file is not a spreadsheet we can read (wrong type, empty, too large, broken)."""


class TooManyRows(UnreadableFile):
    """The file has more rows of events than may be imported at once."""

    def __init__(self, limit: int):
        self.limit = limit
        super().__init__(
            _("The file has more than %(limit)s rows of events; split it into smaller files.")
            % {"limit": f"{limit:,}"}
        )


@dataclass
class Table:
    """A sheet as the import sees it: the header row's columns (known column keys, or
    "?header" for a column we do not know), each known column's header as the user wrote
    it, the data rows padded to the header's width, and the spreadsheet line of each.
    Rows too large to read (a cell past MAX_CELL_CHARS, or past column MAX_COLUMNS) are
    not among the rows but in `rejected`: (line, column key, column as named, why)."""

    headers: list[str]
    labels: dict[str, str] = field(default_factory=dict)
    rows: list[tuple] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    rejected: list[tuple[int, str, str, str]] = field(default_factory=list)
    letters: dict[str, str] = field(default_factory=dict)  # column key → Excel letter
    notices: list[str] = field(default_factory=list)  # what was read and left out, in words
    sheet: str = ""  # the sheet of a workbook that was read

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def unknown_columns(self) -> list[str]:
        """Columns the import does not know, but for those it writes itself on export."""
        return [
            header[1:]
            for header in self.headers
            if header.startswith("?") and header[1:] not in EXPORT_ONLY_HEADERS
        ]

    def column(self, key: str) -> list:
        if key not in self.headers:
            return []
        index = self.headers.index(key)
        return [row[index] for row in self.rows]


def read_table(content: bytes, filename: str, *, max_rows: int = MAX_ROWS) -> Table:
    """The table in a CSV (UTF-8 with or without BOM, or GB18030/GBK) or XLSX file.
    Raises TooManyRows past MAX_ROWS rows of events (or max_rows, if fewer), having read
    no further."""
    max_rows = min(max_rows, MAX_ROWS)
    if content[:4] == b"PK\x03\x04":
        _check_packing(content)
        return _workbook_table(content, max_rows=max_rows)
    return table_from_rows(_read_rows(content, filename), max_rows=max_rows)


def _read_rows(content: bytes, filename: str) -> Iterator[list]:
    name = filename.lower()
    if name.endswith((".xlsx", ".xls")):
        raise UnreadableFile(_("The file is named .xlsx but is not an Excel workbook."))
    if not (name.endswith((".csv", ".txt")) or b"," in content[:2000]):
        raise UnreadableFile(_("Upload a CSV or XLSX file."))
    if b"\x00" in content:  # no UTF-8 or GB18030 text has a NUL byte
        raise UnreadableFile(_("This is not a text (CSV) file."))
    return _csv_rows(content)


def _check_packing(content: bytes) -> None:
    """Refuse a zip bomb from the sizes its directory declares, before unpacking anything
    (Python's zipfile never unpacks a part past its declared size)."""
    try:
        parts = zipfile.ZipFile(io.BytesIO(content)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise UnreadableFile(
            _("The Excel file cannot be read: %(error)s") % {"error": error}
        ) from error
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_UNPACKED_BYTES:
        raise UnreadableFile(
            _(
                "The Excel file would unpack to %(size)s MB, more than the %(limit)s MB "
                "allowed (it may be a zip bomb); split it into smaller files."
            )
            % {"size": f"{unpacked // 2**20:,}", "limit": MAX_UNPACKED_BYTES // 2**20}
        )
    for part in parts:
        if part.filename.lower().endswith("sharedstrings.xml") and (
            part.file_size > MAX_SHARED_TEXT_BYTES
        ):
            raise UnreadableFile(
                _(
                    "The Excel file holds %(size)s MB of distinct texts, more than the "
                    "%(limit)s MB that can be read at once; split it into smaller files."
                )
                % {
                    "size": f"{part.file_size // 2**20:,}",
                    "limit": MAX_SHARED_TEXT_BYTES // 2**20,
                }
            )
        ratio = part.file_size / max(1, part.compress_size)
        if part.file_size > RATIO_CHECKED_FROM_BYTES and ratio > MAX_PACKING_RATIO:
            raise UnreadableFile(
                _(
                    "The Excel file's part %(part)s has a compression ratio of %(ratio)s:1, "
                    "far above a real spreadsheet's (under 20:1); it may be a zip bomb "
                    "and was not opened."
                )
                % {"part": part.filename, "ratio": int(ratio)}
            )


def _workbook_table(content: bytes, *, max_rows: int) -> Table:
    """The table of the first sheet with a header row (a WPS or Excel workbook often
    starts with a sheet of instructions), else of the active sheet; a workbook of several
    sheets says which was read. Formulas are read as formulas (Formula), not as the value
    a program last computed, so that the row can say so."""
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many types for broken workbooks
        raise UnreadableFile(
            _("The Excel file cannot be read: %(error)s") % {"error": error}
        ) from error
    try:
        chosen, rows = None, None
        for sheet in workbook.worksheets:
            if not hasattr(sheet, "iter_rows"):
                continue  # a chart sheet
            sheet_rows = _sheet_rows(sheet)
            above = list(itertools.islice(sheet_rows, HEADER_SEARCH_ROWS))
            if any(is_header_row(row) for row in above):
                chosen, rows = sheet, itertools.chain(above, sheet_rows)
                break
        if chosen is None:
            chosen = workbook.active
            rows = _sheet_rows(chosen)
        table = table_from_rows(rows, max_rows=max_rows)
        table.sheet = chosen.title
        if len(workbook.sheetnames) > 1:
            table.notices.insert(
                0,
                _("Read the sheet “%(sheet)s” (the workbook has %(count)s sheets: %(names)s).")
                % {
                    "sheet": chosen.title,
                    "count": len(workbook.sheetnames),
                    "names": "、".join(workbook.sheetnames),
                },
            )
        return table
    except UnreadableFile:
        raise
    except Exception as error:  # a broken sheet, found while reading it
        raise UnreadableFile(
            _("The Excel file cannot be read: %(error)s") % {"error": error}
        ) from error
    finally:
        workbook.close()


def _sheet_rows(sheet) -> Iterator[tuple]:
    # Read-only mode trusts the size the sheet declares (<dimension ref="A1:K3">) and
    # stops there; programs that write a wrong one would lose rows silently.
    sheet.reset_dimensions()
    # Cells, not values: only a cell's type tells a formula (data type "f") from a text
    # that starts with "=" (an export writes such texts as text cells).
    for cells in sheet.iter_rows():
        row = tuple(cell.value for cell in cells)
        if any(_is_formula(cell) for cell in cells):
            row = tuple(_formula(cell.value) if _is_formula(cell) else cell.value for cell in cells)
        yield row


def _is_formula(cell) -> bool:
    return getattr(cell, "data_type", None) == "f" or isinstance(
        cell.value, ArrayFormula | DataTableFormula
    )


def _formula(cell) -> Formula:
    return Formula(cell if isinstance(cell, str) else getattr(cell, "text", "") or "=")


class _RowTooLong(Exception):
    pass


def _csv_rows(content: bytes) -> Iterator[list]:
    """The CSV's rows, decoded as they are read (the file is never held as one text)."""
    encoding = "utf-8-sig" if _is_utf8(content) else "gb18030"
    # The csv module's cell limit is one for the whole process (131,072 by default);
    # raised so that a long cell is reported on its row; a row is bounded below instead.
    if csv.field_size_limit() < MAX_CSV_ROW_CHARS:
        csv.field_size_limit(MAX_CSV_ROW_CHARS)
    stream = io.TextIOWrapper(io.BytesIO(content), encoding=encoding, newline="")
    row_chars = 0

    def lines():
        nonlocal row_chars
        while line := stream.readline(MAX_CSV_ROW_CHARS + 1):
            row_chars += len(line)
            if row_chars > MAX_CSV_ROW_CHARS:
                raise _RowTooLong
            yield line

    reader = csv.reader(lines())
    previous = None
    for number in itertools.count(1):
        row_chars = 0
        try:
            row = next(reader)
        except StopIteration:
            break
        except _RowTooLong:
            raise UnreadableFile(
                _("Row %(row)s of the CSV file is longer than %(limit)s characters.")
                % {"row": number, "limit": f"{MAX_CSV_ROW_CHARS:,}"}
            ) from None
        except csv.Error as error:
            raise UnreadableFile(
                _("The CSV file cannot be read: %(error)s") % {"error": error}
            ) from error
        if previous is not None:
            yield previous
        previous = row
    if previous is not None:
        # A quote never closed swallows the rest of the file into the last row's cell.
        if any(len(cell) > MAX_CELL_CHARS and "\n" in cell for cell in previous):
            raise UnreadableFile(
                _(
                    'The CSV file cannot be read: a quote (") in row %(row)s is never '
                    "closed, so the rest of the file runs into one cell."
                )
                % {"row": number - 1}
            )
        yield previous


def _is_utf8(content: bytes) -> bool:
    """Whether the bytes are UTF-8, checked a megabyte at a time (nothing kept)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(content), 2**20):
            decoder.decode(content[start : start + 2**20])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _unguard(value):
    """A text cell without the apostrophe an export put before a formula-like start (or
    before apostrophes and one: campaigns.exporting.guard_text), so nothing grows."""
    if isinstance(value, str) and value[:1] == "'":
        rest = value.lstrip("'")
        if rest[:1] and rest[0] in FORMULA_STARTS:
            return value[1:]
    return value


def is_header_row(row) -> bool:
    """At least two cells are known headers, and they are at least half the filled ones
    (a title such as "江南区反诈中心 2026年11月宣传台账" or a note row is not)."""
    filled = [cell for cell in row if not _blank(cell)]
    known = sum(1 for cell in filled if header_key(cell))
    return known >= 2 and 2 * known >= len(filled)


def table_from_rows(rows: Iterable, *, max_rows: int = MAX_ROWS) -> Table:
    """Find the header row (the first that names known columns, skipping title, note and
    blank rows above it; else the first row with anything in it), then keep the filled
    rows below it, padded or cut to the header's width. Rows are read as they come, and
    reading stops (TooManyRows) at the first row of events past max_rows."""
    numbered = enumerate(rows, start=1)
    above = list(itertools.islice(numbered, HEADER_SEARCH_ROWS))
    start = next((i for i, (_n, row) in enumerate(above) if is_header_row(row)), None)
    if start is None:
        start = next((i for i, (_n, row) in enumerate(above) if not all(map(_blank, row))), None)
    if start is None:  # nothing yet: the first row with anything in it, further down
        first = next(((n, row) for n, row in numbered if not all(map(_blank, row))), None)
        if first is None:
            return Table(headers=[])
        above, start = [first], 0
    header_row = list(above[start][1])
    while header_row and _blank(header_row[-1]):
        header_row.pop()
    if len(header_row) > MAX_COLUMNS:
        raise UnreadableFile(
            _("The header row has more than %(limit)s columns.") % {"limit": MAX_COLUMNS}
        )
    width = len(header_row)
    headers, labels, letters, notices = [], {}, {}, []
    keys = [header_key(cell) for cell in header_row]
    if keys.count("date") > 1 and "start_time" not in keys:
        # 日期 and 时间 both: 时间 (活动时间 …) is then the time of day
        for index, cell in enumerate(header_row):
            if keys[index] == "date" and "日期" not in normalise_text(cell):
                keys[index] = "start_time"
                break
    for index, cell in enumerate(header_row):
        key = keys[index]
        written = clean_text(cell).replace("\n", " ")
        letter = get_column_letter(index + 1)
        if key and key not in labels and key not in IGNORED_COLUMNS:
            labels[key] = written  # the header as the user wrote it: "避免损失(元)"
            letters[key] = letter
            headers.append(key)
            continue
        # an unknown, repeated or ignored column, named as written or by its letter
        name = normalise_text(cell)[:_SHARED_TEXT_CHARS]
        headers.append("?" + (name or _column_name(index)))
        if key in IGNORED_COLUMNS:
            notices.append(
                _("Column %(letter)s “%(header)s” holds row numbers; it is not imported.")
                % {"letter": letter, "header": written}
            )
        elif key:
            notices.append(
                _(
                    "Column %(letter)s “%(header)s” names “%(column)s” again (column "
                    "%(first)s is read); its figures are not imported."
                )
                % {
                    "letter": letter,
                    "header": written,
                    "column": labels[key],
                    "first": letters[key],
                }
            )
        elif name in EXPORT_ONLY_HEADERS:
            notices.append(
                _(
                    "Column %(letter)s “%(header)s” is written by our export (who created or "
                    "approved an event); an import does not change it."
                )
                % {"letter": letter, "header": written}
            )
        elif written:
            suggestion = suggest_header(cell)
            notices.append(
                (
                    _(
                        "Column %(letter)s “%(header)s” is not a column we know, so its "
                        "figures are not imported (did you mean “%(suggestion)s”?)."
                    )
                    if suggestion
                    else _(
                        "Column %(letter)s “%(header)s” is not a column we know, so its "
                        "figures are not imported."
                    )
                )
                % {"letter": letter, "header": written, "suggestion": suggestion}
            )
    if "status" in labels:
        notices.append(
            _(
                "Column %(letter)s “%(header)s” (the status) is read only: an import never "
                "changes an event's status; it is not imported."
            )
            % {"letter": letters["status"], "header": labels["status"]}
        )
    table = Table(headers=headers, labels=labels, letters=letters, notices=notices)
    extra_columns, shared = set(), {}
    for number, row in itertools.chain(above[start + 1 :], numbered):
        if number > MAX_SHEET_LINES:
            raise UnreadableFile(
                _("The sheet goes on past line %(limit)s.") % {"limit": f"{MAX_SHEET_LINES:,}"}
            )
        if all(map(_blank, row)):
            continue  # blank rows between (or after) the events are layout, not data
        first = next((cell for cell in row if not _blank(cell)), "")
        if isinstance(first, str) and _TOTAL_ROW.match("".join(first.split())):
            table.notices.append(
                _("Row %(row)s (“%(label)s”) adds up the rows above; it is not imported.")
                % {"row": number, "label": first.strip()}
            )
            continue
        if len(table.rows) + len(table.rejected) >= max_rows:
            raise TooManyRows(max_rows)
        problem = _oversized(row, table) or _formula_in(row, table)
        if problem:
            table.rejected.append((number, *problem))
            continue
        cells = [_unguard(cell) for cell in row[:width]]
        cells += [None] * (width - len(cells))
        extra_columns.update(index for index in range(width, len(row)) if not _blank(row[index]))
        table.rows.append(
            tuple(  # the same short text on many rows is kept once
                shared.setdefault(cell, cell)
                if isinstance(cell, str) and len(cell) <= _SHARED_TEXT_CHARS
                else cell
                for cell in cells
            )
        )
        table.lines.append(number)
    table.headers += ["?" + _column_name(index) for index in sorted(extra_columns)]
    table.notices += [
        _("Column %(letter)s has figures but no header; they are not imported.")
        % {"letter": get_column_letter(index + 1)}
        for index in sorted(extra_columns)
    ]
    table.rows = [row + (None,) * len(extra_columns) for row in table.rows]
    return table


def _oversized(row, table: Table) -> tuple[str, str, str] | None:
    """(column key, column as named, why) when a row is too large to import, else None."""
    if len(row) > MAX_COLUMNS:
        beyond = next((i for i in range(MAX_COLUMNS, len(row)) if not _blank(row[i])), None)
        if beyond is not None:
            name = _column_name(beyond)
            return (
                "",
                name,
                _("this row has a cell in %(column)s; a row may have at most %(limit)s columns")
                % {"column": name, "limit": MAX_COLUMNS},
            )
    for index, cell in enumerate(row[:MAX_COLUMNS]):
        if not isinstance(cell, str):
            continue
        if index < len(table.headers):
            key = table.headers[index]
            name = table.labels.get(key) or key.lstrip("?")
        else:
            key = name = _column_name(index)
        if len(cell) > MAX_CELL_CHARS:
            return (
                key,
                name,
                _("this cell has %(count)s characters; a cell may have at most %(limit)s")
                % {"count": f"{len(cell):,}", "limit": f"{MAX_CELL_CHARS:,}"},
            )
        limit = COLUMN_MAX_CHARS.get(key)
        if limit and len(cell) > limit and len(normalise_text(cell)) > limit:
            return (
                key,
                name,
                _("this cell has %(count)s characters; “%(column)s” may have at most %(limit)s")
                % {"count": f"{len(normalise_text(cell)):,}", "column": name, "limit": limit},
            )
    return None


def _formula_in(row, table: Table) -> tuple[str, str, str] | None:
    """(column key, column as named, why) for the first formula among the row's cells."""
    for index, cell in enumerate(row[: len(table.headers)]):
        if isinstance(cell, Formula):
            key = table.headers[index]
            name = table.labels.get(key) or key.lstrip("?")
            return (
                key,
                name,
                _(
                    "this cell is a formula (%(formula)s); formulas are not imported: "
                    "copy the column and paste the values instead"
                )
                % {"formula": cell[:40]},
            )
    return None


def required_headers(keys) -> str:
    """Required columns as a ledger names them ("场所名称、辖区"), never by internal key."""
    return "、".join(CHINESE_HEADERS.get(key, key) for key in keys)


def _column_name(index: int) -> str:
    return _("column %(letter)s") % {"letter": get_column_letter(index + 1)}
