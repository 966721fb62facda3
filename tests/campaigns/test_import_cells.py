"""Messy spreadsheet cells are read as teams mean them; wrong ones say why."""

import datetime

import pytest

from campaigns.imports.cells import (
    CellError,
    header_key,
    parse_audience,
    parse_choice,
    parse_count,
    parse_date,
    parse_time,
)
from campaigns.models import EventFormat, VenueType


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English here; the Chinese ones are the same catalogue."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    "cell",
    [
        "2022-04-01",
        "2022/4/1",
        "2022.4.1",
        "2022年4月1日",
        " 2022-04-01 ",
        "２０２２－０４－０１",
        datetime.date(2022, 4, 1),
        datetime.datetime(2022, 4, 1, 9, 30),
        44652,
        "44652",
    ],
)
def test_dates_in_every_notation(cell):
    assert parse_date(cell) == datetime.date(2022, 4, 1)


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("2022-02-30", "exists"),
        ("下周一", "not a date"),
        ("", "missing"),
        ("2022-13-01", "exists"),
    ],
)
def test_impossible_dates_are_refused_with_the_reason(cell, reason):
    with pytest.raises(CellError, match=reason):
        parse_date(cell)


@pytest.mark.parametrize(
    ("cell", "number"),
    [
        ("1,234", 1234),
        ("１２３", 123),
        ("120人", 120),
        (" 85 ", 85),
        (85, 85),
        (85.0, 85),
        ("1，200", 1200),
        ("", 0),
        (None, 0),
    ],
)
def test_whole_numbers_however_written(cell, number):
    assert parse_count(cell) == number


@pytest.mark.parametrize("cell", ["十二", "12.5", "-3", "abc", 3.5])
def test_text_or_fractions_in_number_columns_are_refused(cell):
    with pytest.raises(CellError):
        parse_count(cell)


def test_times():
    assert parse_time("9:00") == datetime.time(9, 0)
    assert parse_time("14：30") == datetime.time(14, 30)
    assert parse_time("9点") == datetime.time(9, 0)
    assert parse_time(0.5) == datetime.time(12, 0)
    assert parse_time("") is None
    with pytest.raises(CellError):
        parse_time("25:00")


def test_choices_accept_english_keys_and_chinese_labels():
    assert (
        parse_choice("菜市场", labels={"菜市场": "market"}, choices=VenueType, what="venue type")
        == "market"
    )
    assert parse_choice("Bank", labels={}, choices=VenueType, what="venue type") == "bank"
    assert (
        parse_choice("直播", labels={"直播": "online_live"}, choices=EventFormat, what="format")
        == "online_live"
    )
    with pytest.raises(CellError, match="not a known venue type"):
        parse_choice("广场", labels={"菜市场": "market"}, choices=VenueType, what="venue type")


@pytest.mark.parametrize(
    "cell", ["老年人、学生", "elders, students", "老年人；学生", "老年人，学生"]
)
def test_audiences_with_any_separator(cell):
    assert parse_audience(cell) == ["elders", "students"]


def test_unknown_audience_is_refused():
    with pytest.raises(CellError, match="not an audience"):
        parse_audience("老年人、外星人")


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("日期", "date"),
        ("Date", "date"),
        ("venue name", "venue_name"),
        (" 参与人数 ", "attendance"),
        ("单位", "team"),
        ("colour", None),
    ],
)
def test_headers_in_english_or_chinese(header, key):
    assert header_key(header) == key
