"""Reading outreach spreadsheets as teams really keep them.

Pure functions: the table itself (CSV in UTF-8 or GB18030, or XLSX; a title, notes and
blank rows above the header row, rows of different lengths), header aliases in English
or Chinese, and cleaning of messy cells (dates in five notations or as Excel cells,
numbers with separators, full-width digits or a trailing 人, Chinese labels for choices).
Each raises CellError with a message a coordinator understands; the import resource turns
that into "row N, column X: …".
"""

import csv
import datetime
import io
import re
import unicodedata
from dataclasses import dataclass, field

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from .models import EventFormat, VenueType

# A text cell starting with one of these is read by spreadsheets as a formula; exports
# put an apostrophe in front (campaigns.exporting), which reading takes off again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# How far down the sheet the header row is looked for (title and note rows above it).
HEADER_SEARCH_ROWS = 30


class CellError(ValueError):
    """A cell that cannot be read, with the reason in words."""


class UnreadableFile(Exception):
    """The file is not a spreadsheet we can read (wrong type, empty, too large, broken)."""


# column key → the headers that name it (English key, Chinese header)
COLUMNS = {
    "external_id": ("external_id", "编号"),
    "campaign": ("campaign", "宣传活动"),
    "date": ("date", "日期"),
    "start_time": ("start_time", "开始时间"),
    "end_time": ("end_time", "结束时间"),
    "venue_name": ("venue_name", "场所名称"),
    "venue_type": ("venue_type", "场所类型"),
    "district": ("district", "辖区"),
    "format": ("format", "形式"),
    "audience": ("audience", "受众"),
    "attendance": ("attendance", "参与人数"),
    "elders": ("elders", "老年人数"),
    "students": ("students", "学生人数"),
    "general_public": ("general_public", "群众人数"),
    "materials_distributed": ("materials_distributed", "发放资料数"),
    "warnings": ("warnings", "劝阻人数"),
    "team": ("team", "单位"),
    "notes": ("notes", "备注"),
}
REQUIRED_COLUMNS = (
    "campaign",
    "date",
    "venue_name",
    "venue_type",
    "district",
    "format",
    "attendance",
    "team",
)
CHINESE_HEADERS = {key: names[1] for key, names in COLUMNS.items()}
_HEADER_LOOKUP = {
    _name: key
    for key, names in COLUMNS.items()
    for _name in (names[0], names[1], names[0].replace("_", " "))
}

VENUE_TYPE_LABELS = {
    "菜市场": VenueType.MARKET,
    "银行": VenueType.BANK,
    "学校": VenueType.SCHOOL,
    "高校": VenueType.UNIVERSITY,
    "社区": VenueType.COMMUNITY,
    "农村": VenueType.VILLAGE,
    "企业": VenueType.ENTERPRISE,
    "医院": VenueType.HOSPITAL,
    "交通枢纽": VenueType.TRANSPORT,
    "线上": VenueType.ONLINE,
    "其他": VenueType.OTHER,
}
FORMAT_LABELS = {
    "摆摊": EventFormat.BOOTH,
    "讲座": EventFormat.TALK,
    "上门": EventFormat.DOOR_TO_DOOR,
    "播放": EventFormat.SCREENING,
    "培训": EventFormat.TRAINING,
    "直播": EventFormat.ONLINE_LIVE,
    "其他": EventFormat.OTHER,
}
AUDIENCE_LABELS = {
    "elders": "elders",
    "students": "students",
    "general": "general",
    "老年人": "elders",
    "学生": "students",
    "群众": "general",
}

EXCEL_EPOCH = datetime.date(1899, 12, 30)
_DATE_PATTERNS = [
    re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$"),
]
_TIME_PATTERN = re.compile(r"^(\d{1,2})\s*[:：点時时]\s*(\d{1,2})?\s*分?$")
_COUNT_SUFFIXES = ("人次", "人", "名", "份", "个", "张", "册")


def normalise_text(value) -> str:
    """Full-width forms folded (１２３ → 123, ：→ :), whitespace trimmed and collapsed."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return " ".join(text.split())


def header_key(header) -> str | None:
    """The column a header names, in English or Chinese, any case; None if unknown."""
    text = normalise_text(header).strip("*：: ").lower()
    return _HEADER_LOOKUP.get(text)


def parse_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 100000:  # an Excel date serial number
            return EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise CellError(_("%(value)s is not a date") % {"value": value})
    text = normalise_text(value)
    if not text:
        raise CellError(_("the date is missing"))
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return EXCEL_EPOCH + datetime.timedelta(days=int(float(text)))
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return datetime.date(year, month, day)
            except ValueError:
                raise CellError(
                    _("“%(text)s” is not a date that exists") % {"text": text}
                ) from None
    raise CellError(
        _("“%(text)s” is not a date (write it like 2026-04-01 or 2026年4月1日)") % {"text": text}
    )


def parse_time(value) -> datetime.time | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.time()
    if isinstance(value, datetime.time):
        return value
    if isinstance(value, float) and 0 <= value < 1:  # Excel time as a fraction of a day
        minutes = round(value * 24 * 60)
        return datetime.time(minutes // 60, minutes % 60)
    text = normalise_text(value)
    if not text:
        return None
    match = _TIME_PATTERN.match(text)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if hour < 24 and minute < 60:
            return datetime.time(hour, minute)
    raise CellError(_("“%(text)s” is not a time (write it like 09:30)") % {"text": text})


def parse_count(value, *, required: bool = False) -> int:
    """A whole number of people or copies: 1,234 / １２３４ / 120人 / ' 85 '."""
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” is not a whole number") % {"value": value})
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise CellError(_("“%(value)s” is not a whole number") % {"value": value})
        number = int(value)
    else:
        text = normalise_text(value)
        if not text:
            if required:
                raise CellError(_("the number is missing"))
            return 0
        for suffix in _COUNT_SUFFIXES:
            if text.endswith(suffix):
                text = text[: -len(suffix)].strip()
                break
        digits = re.sub(r"(?<=\d)[,， ](?=\d{3}(\D|$))", "", text)
        if not re.fullmatch(r"-?\d+(\.0+)?", digits):
            raise CellError(
                _("“%(value)s” is not a whole number") % {"value": normalise_text(value)}
            )
        number = int(float(digits))
    if number < 0:
        raise CellError(_("%(number)s is negative") % {"number": number})
    return number


def parse_choice(value, *, labels: dict, choices, what: str) -> str:
    text = normalise_text(value)
    if text.lower() in choices.values:
        return text.lower()
    if text in labels:
        return labels[text]
    accepted = "、".join(labels)
    raise CellError(
        _("“%(text)s” is not a known %(what)s (use one of %(accepted)s)")
        % {"text": text, "what": what, "accepted": accepted}
    )


def parse_audience(value) -> list[str]:
    text = normalise_text(value)
    if not text:
        return []
    groups = []
    for part in re.split(r"[,，、;；/]", text):
        part = part.strip()
        if not part:
            continue
        key = AUDIENCE_LABELS.get(part.lower()) or AUDIENCE_LABELS.get(part)
        if key is None:
            raise CellError(
                _("“%(part)s” is not an audience (use 老年人、学生 or 群众)") % {"part": part}
            )
        if key not in groups:
            groups.append(key)
    return groups


# --- The table ---------------------------------------------------------------------------


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
