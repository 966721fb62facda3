"""Cells of outreach spreadsheets as teams really write them (step two of an import).

Pure functions: header aliases in English or Chinese, and cleaning of messy cells (dates
in five notations or as Excel cells, numbers with separators, full-width digits or a
trailing 人, Chinese labels for choices). Each raises CellError with a message a
coordinator understands; the import resource turns that into "row N, column X: …".
"""

import datetime
import decimal
import difflib
import re
import unicodedata

from django.utils.translation import gettext as _

# A text cell starting with one of these is read by spreadsheets as a formula; exports
# put an apostrophe in front (core.spreadsheets), which reading takes off again.
from core.spreadsheets import FORMULA_STARTS  # noqa: F401 (reading uses it from here)

from ..choices import AudienceGroup, code_for
from ..models import CountMethod, District, EventFormat, OutreachEvent, Venue, VenueType


class CellError(ValueError):
    """A cell that cannot be read, with the reason in words."""


# column key → the headers that name it: the English key, the Chinese header an export
# writes, then the other names ledgers give it (matched ignoring width, spaces, case and a
# unit in brackets: "避免损失(元)", "参与人数（人）").
COLUMNS = {
    "external_id": ("external_id", "编号", "活动编号", "外部编号", "id"),
    "campaign": ("campaign", "宣传活动", "活动名称", "活动", "所属活动", "专项活动"),
    "date": ("date", "日期", "活动日期", "时间", "活动时间", "开展日期", "开展时间"),
    "start_time": ("start_time", "开始时间", "起始时间"),
    "end_time": ("end_time", "结束时间"),
    "venue_name": ("venue_name", "场所名称", "场所", "地点", "活动地点", "宣传地点", "开展地点"),
    "venue_type": ("venue_type", "场所类型", "地点类型"),
    "district": ("district", "辖区", "区", "所属区", "所属辖区", "区县"),
    "format": ("format", "形式", "活动形式", "宣传形式"),
    "audience": ("audience", "受众", "宣传对象", "受众群体"),
    "attendance": ("attendance", "参与人数", "人数", "覆盖人数", "参加人数", "宣传人数"),
    "elders": ("elders", "老年人数", "老年人", "其中老年人"),
    "students": ("students", "学生人数", "学生", "其中学生"),
    "general_public": ("general_public", "群众人数", "群众", "其中群众"),
    "materials_distributed": (
        "materials_distributed",
        "发放资料数",
        "发放资料",
        "资料数",
        "发放宣传资料",
    ),
    "warnings": ("warnings", "劝阻人数", "劝阻", "劝阻数"),
    # Optional: a file without them leaves these figures of its events as they are.
    "help_requests": ("help_requests", "求助人数", "求助", "咨询求助人数"),
    "videos_screened": ("videos_screened", "播放视频数", "播放视频", "视频播放数"),
    "money_protected_yuan": (
        "money_protected_yuan",
        "避免损失（元）",
        "避免损失",
        "挽损金额",
        "避免损失金额",
        "挽回损失",
    ),
    "staff_count": ("staff_count", "工作人员数", "工作人员", "出动人员"),
    "partners": ("partners", "合作单位", "协办单位"),
    "team": ("team", "单位", "填报单位", "所属单位", "负责单位"),
    "notes": ("notes", "备注", "说明"),
    "attendance_method": ("attendance_method", "人数统计方式", "统计方式", "计数方式"),
    # Read only: exported, recognised on import, never written by it.
    "status": ("status", "状态", "审核状态"),
}
# The ledger's columns in the order the template and the export write them; the import's
# resource (resource.OutreachEventResource) reads the same, and status besides.
LEDGER_COLUMNS = (
    "external_id",
    "campaign",
    "date",
    "start_time",
    "end_time",
    "venue_name",
    "venue_type",
    "district",
    "format",
    "audience",
    "attendance",
    "attendance_method",
    "elders",
    "students",
    "general_public",
    "materials_distributed",
    "warnings",
    "help_requests",
    "videos_screened",
    "money_protected_yuan",
    "staff_count",
    "partners",
    "team",
    "notes",
)
# Columns a ledger has that hold no figure of an event (said so, not imported).
IGNORED_COLUMNS = {"row_number": ("row_number", "序号", "行号")}
READ_ONLY_COLUMNS = ("status", *IGNORED_COLUMNS)
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
# The headers an English export writes (readable labels; the codes export writes the keys).
# An import reads them as well.
ENGLISH_HEADERS = {
    "external_id": "ID",
    "campaign": "Campaign",
    "date": "Date",
    "start_time": "Start time",
    "end_time": "End time",
    "venue_name": "Venue",
    "venue_type": "Venue type",
    "district": "District",
    "format": "Format",
    "audience": "Audience",
    "attendance": "People reached",
    "elders": "Elders",
    "students": "Students",
    "general_public": "General public",
    "materials_distributed": "Materials distributed",
    "warnings": "People warned off a scam",
    "help_requests": "People who asked for help",
    "videos_screened": "Videos screened",
    "money_protected_yuan": "Money protected (yuan)",
    "staff_count": "Staff",
    "partners": "Partner organisations",
    "team": "Team",
    "notes": "Notes",
    "attendance_method": "How attendance was counted",
    "status": "Status",
}
# a unit in brackets after a header: "(元)", "（人）", "【份】"; not 万元 (a different scale)
_HEADER_UNIT = re.compile(r"[(（\[【](元|人|人次|名|份|个|次|场|张|册|部)?[)）\]】]$")


def _header_text(header) -> str:
    text = "".join(unicodedata.normalize("NFKC", str(header or "")).split())
    text = text.strip("*:").lower()
    return _HEADER_UNIT.sub("", text)


_HEADER_LOOKUP = {
    _header_text(_name): key
    for columns in (COLUMNS, IGNORED_COLUMNS)
    for key, names in columns.items()
    for _name in names
}
_HEADER_LOOKUP.update({_header_text(name): key for key, name in ENGLISH_HEADERS.items()})
_HEADER_LOOKUP.update({key.replace("_", ""): key for key in COLUMNS})

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
COUNT_METHOD_LABELS = {
    "现场点数": CountMethod.HEADCOUNT,
    "清点": CountMethod.HEADCOUNT,
    "点数": CountMethod.HEADCOUNT,
    "实数": CountMethod.HEADCOUNT,
    "签到": CountMethod.SIGN_IN,
    "签到表": CountMethod.SIGN_IN,
    "估算": CountMethod.ESTIMATE,
    "估计": CountMethod.ESTIMATE,
    "预估": CountMethod.ESTIMATE,
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


def clean_text(value) -> str:
    """Free text as the user wrote it (Chinese punctuation kept: "（二楼）：" stays), with
    spaces trimmed and collapsed on each line; blank lines dropped."""
    if value is None:
        return ""
    lines = (" ".join(line.split()) for line in str(value).splitlines())
    return "\n".join(line for line in lines if line)


# quotes and brackets a name may be written in: “全民反诈”, 《全民反诈进社区》, 「…」
_NAME_MARKS = str.maketrans("", "", "\"'“”‘’《》〈〉「」『』【】<>")


def name_key(value) -> str:
    """A campaign's or team's name as compared: width, case, spaces and quotes ignored."""
    return "".join(normalise_text(value).translate(_NAME_MARKS).split()).casefold()


def closest(text: str, candidates) -> str | None:
    """The candidate most like text (a typo, a character left out), if any is close."""
    found = difflib.get_close_matches(text, list(candidates), n=1, cutoff=0.6)
    return found[0] if found else None


def header_key(header) -> str | None:
    """The column a header names, in English or Chinese, any case, full- or half-width,
    spaced or not, with or without a unit in brackets; None if unknown."""
    return _HEADER_LOOKUP.get(_header_text(header))


def suggest_header(header) -> str | None:
    """The known header most like an unknown one ("劝阻人" → "劝阻人数"), if any."""
    text = _header_text(header)
    names = {
        _header_text(name): name
        for key, names in COLUMNS.items()
        for name in names[1:]
        if not name.isascii()
    }
    match = closest(text, names) if text else None
    return names[match] if match else None


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
    key = name_key(text)
    if key in choices.values:
        return key
    if key in labels:
        return labels[key]
    code = code_for(choices, text)  # a label of any site language, as exports write them
    if code is not None:
        return code
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
        key = (
            AUDIENCE_LABELS.get(part.lower())
            or AUDIENCE_LABELS.get(part)
            or code_for(AudienceGroup, part)
        )
        if key is None:
            raise CellError(
                _("“%(part)s” is not an audience (use 老年人、学生 or 群众)") % {"part": part}
            )
        if key not in groups:
            groups.append(key)
    return groups
