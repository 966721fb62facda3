"""Cells of outreach spreadsheets as teams really write them (step two of an import).

Pure functions: header aliases in English or Chinese, and cleaning of messy cells (dates
in five notations or as Excel cells, numbers with separators, full-width digits or a
trailing 人, Chinese labels for choices). Each raises CellError with a message a
coordinator understands; the import resource turns that into "row N, column X: …".
"""

import datetime
import decimal
import re
import unicodedata

from django.utils.translation import gettext as _

# A text cell starting with one of these is read by spreadsheets as a formula; exports
# put an apostrophe in front (core.spreadsheets), which reading takes off again.
from core.spreadsheets import FORMULA_STARTS  # noqa: F401 (reading uses it from here)

from ..models import District, EventFormat, OutreachEvent, Venue, VenueType


class CellError(ValueError):
    """A cell that cannot be read, with the reason in words."""


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
    # Optional: a file without them leaves these figures of its events as they are.
    "help_requests": ("help_requests", "求助人数"),
    "videos_screened": ("videos_screened", "播放视频数"),
    "money_protected_yuan": ("money_protected_yuan", "避免损失（元）"),
    "staff_count": ("staff_count", "工作人员数"),
    "partners": ("partners", "合作单位"),
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
# Text columns kept in a field of limited length: a longer cell is the row's error (on
# PostgreSQL it would otherwise fail when saved).
COLUMN_MAX_CHARS = {
    "venue_name": Venue._meta.get_field("name").max_length,
    "district": District._meta.get_field("name").max_length,
    "partners": OutreachEvent._meta.get_field("partners").max_length,
}
CHINESE_HEADERS = {key: names[1] for key, names in COLUMNS.items()}
_HEADER_LOOKUP = {
    _name: key
    for key, names in COLUMNS.items()
    for _name in (
        names[0],
        names[1],
        names[0].replace("_", " "),
        unicodedata.normalize("NFKC", names[1]),
    )
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


def parse_count(value, *, required: bool = False, at_most: int | None = None) -> int:
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
    if at_most is not None and number > at_most:
        raise CellError(
            _("%(number)s is more than %(limit)s") % {"number": number, "limit": at_most}
        )
    return number


def parse_yuan(value) -> decimal.Decimal | None:
    """Money in yuan to the fen: 12,000.00 / ￥3800 / 3800元 / 1.5万; empty is None."""
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” is not an amount of money") % {"value": value})
    if isinstance(value, int | float):
        text = repr(value)
    else:
        text = normalise_text(value)
    if not text:
        return None
    scale = 1
    text = text.removeprefix("¥").removesuffix("元").strip()
    if text.endswith("万"):
        scale, text = 10000, text[:-1].strip()
    digits = re.sub(r"(?<=\d)[,， ](?=\d{3}(\D|$))", "", text)
    if not re.fullmatch(r"\d+(\.\d+)?", digits):
        raise CellError(
            _("“%(value)s” is not an amount of money") % {"value": normalise_text(value)}
        )
    amount = (decimal.Decimal(digits) * scale).quantize(decimal.Decimal("0.01"))
    if amount >= 10**12:  # the field holds 14 digits, two after the point
        raise CellError(_("%(amount)s yuan is more than can be recorded") % {"amount": digits})
    return amount


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
