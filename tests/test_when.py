"""Parsing dates and periods as typed, and humanizing due dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.when import WhenError, as_utc, humanize_due, parse_period, parse_when

NOW = datetime(2026, 6, 15, 14, 30, tzinfo=UTC)  # a Monday
DAY = timedelta(days=1)


def midnight(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("in 3 months", datetime(2026, 9, 15, 14, 30, tzinfo=UTC)),
        ("3 months", datetime(2026, 9, 15, 14, 30, tzinfo=UTC)),
        ("2 weeks", NOW + 14 * DAY),
        ("In 2 Weeks", NOW + 14 * DAY),
        ("a week", NOW + 7 * DAY),
        ("in a fortnight", NOW + 14 * DAY),
        ("1 week and 2 days", NOW + 9 * DAY),
        ("2w3d", NOW + 17 * DAY),
        ("1 year", datetime(2027, 6, 15, 14, 30, tzinfo=UTC)),
        ("2027-01-10", midnight(2027, 1, 10)),
        ("10 jan 2027", midnight(2027, 1, 10)),
        ("jan 10", midnight(2027, 1, 10)),  # already past this year: the next one
        ("feb 29", midnight(2028, 2, 29)),  # the next 29 February (it was refused)
        ("29 feb", midnight(2028, 2, 29)),
        ("december", midnight(2026, 12, 1)),
        ("2027-01-10T10:00+02:00", datetime(2027, 1, 10, 8, 0, tzinfo=UTC)),
        ("today", midnight(2026, 6, 15)),
        ("tomorrow", midnight(2026, 6, 16)),
        ("day after tomorrow", midnight(2026, 6, 17)),
        ("monday", midnight(2026, 6, 22)),  # today is Monday: the next one
        ("next monday", midnight(2026, 6, 22)),
        ("next fri", midnight(2026, 6, 19)),
        ("Wednesday", midnight(2026, 6, 17)),
        ("next week", midnight(2026, 6, 22)),
        ("next month", midnight(2026, 7, 15)),
        ("next year", midnight(2027, 6, 15)),
    ],
)
def test_parse_when(text: str, expected: datetime) -> None:
    result = parse_when(text, NOW)
    assert result == expected
    assert result.tzinfo is UTC


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty date"),
        ("   ", "empty date"),
        ("junk", "did not understand 'junk'"),
        ("in junk", "did not understand 'junk'"),
        ("5", "a bare number needs a unit"),
        ("3 dayz", "did not understand '3 dayz'"),
        ("10 days ago", "did not understand 'ago'"),
        ("2020-01-01", "in the past"),
        ("in 0 days", "at least a day"),
        ("99999999999 years", "too long"),
        ("2027-02-30", "did not understand"),
        ("next", "did not understand"),
    ],
)
def test_parse_when_says_what_was_not_understood(text: str, message: str) -> None:
    with pytest.raises(WhenError, match=message) as info:
        parse_when(text, NOW)
    assert "\n" not in str(info.value)
    assert "Unknown string format" not in str(info.value)  # the parser's words, not ours


def test_parse_when_past_allowed_on_request() -> None:
    assert parse_when("2020-01-01", NOW, allow_past=True) == midnight(2020, 1, 1)


def test_parse_when_uses_the_local_day() -> None:
    ny = ZoneInfo("America/New_York")
    assert parse_when("tomorrow", NOW, tz=ny) == datetime(2026, 6, 16, 4, 0, tzinfo=UTC)
    assert parse_when("2027-01-10", NOW, tz=ny) == datetime(2027, 1, 10, 5, 0, tzinfo=UTC)


def test_parse_when_rejects_naive_now() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_when("tomorrow", NOW.replace(tzinfo=None))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2 weeks", relativedelta(days=14)),
        ("3 days", relativedelta(days=3)),
        ("1 month", relativedelta(months=1)),
        ("a week", relativedelta(days=7)),
        ("an year", relativedelta(years=1)),
        ("in 10 days", relativedelta(days=10)),
        ("1 month, 1 week", relativedelta(months=1, days=7)),
        ("2 Weeks", relativedelta(days=14)),
        ("3d", relativedelta(days=3)),
    ],
)
def test_parse_period(text: str, expected: relativedelta) -> None:
    assert parse_period(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "junk", "week", "2", "0 days", "2 weeks junk", "ten", "-3 days", "200 years", "3 hours"],
)
def test_parse_period_rejects_junk(text: str) -> None:
    with pytest.raises(WhenError):
        parse_period(text)


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_parse_when_raises_only_when_error(text: str) -> None:
    try:
        result = parse_when(text, NOW)
    except WhenError as e:
        assert str(e)
    else:
        assert result.tzinfo is UTC and result.date() >= NOW.date()


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"\A(in )?[0-9a-z]{0,4} ?[a-z0-9]{0,8}( [a-z0-9]{0,5})?\Z"))
def test_parse_when_raises_only_when_error_on_near_misses(text: str) -> None:
    try:
        parse_when(text, NOW)
    except WhenError:
        pass


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_parse_period_raises_only_when_error(text: str) -> None:
    try:
        period = parse_period(text)
    except WhenError:
        pass
    else:
        assert NOW + period > NOW


@given(st.integers(1, 500), st.sampled_from(["day", "days", "week", "weeks", "month", "months"]))
def test_period_round_trip(n: int, unit: str) -> None:
    period = parse_period(f"{n} {unit}")
    assert parse_when(f"in {n} {unit}", NOW) == NOW + period


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (0, "due today"),
        (1, "due tomorrow"),
        (3, "due in 3 days"),
        (13, "due in 13 days"),
        (14, "due in 2 weeks"),
        (21, "due in 3 weeks"),
        (59, "due in 8 weeks"),
        (60, "due in 2 months"),
        (364, "due in 12 months"),
        (365, "due in 1 year"),
        (800, "due in 2 years"),
        (-1, "overdue 1 day"),
        (-2, "overdue 2 days"),
        (-14, "overdue 2 weeks"),
        (-90, "overdue 3 months"),
    ],
)
def test_humanize_due(days: int, expected: str) -> None:
    assert humanize_due(NOW + days * DAY, NOW) == expected


def test_humanize_due_counts_local_days() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")  # 14:30 UTC is 23:30 in Tokyo
    due = NOW + timedelta(hours=1)  # 00:30 the next day in Tokyo
    assert humanize_due(due, NOW) == "due today"
    assert humanize_due(due, NOW, tz=tokyo) == "due tomorrow"


def test_as_utc() -> None:
    paris = datetime(2026, 1, 1, 12, tzinfo=ZoneInfo("Europe/Paris"))
    assert as_utc(paris) == datetime(2026, 1, 1, 11, tzinfo=UTC)
    with pytest.raises(ValueError, match="when must be timezone-aware"):
        as_utc(datetime(2026, 1, 1), "when")
