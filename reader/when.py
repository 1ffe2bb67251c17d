"""Dates and periods as people type them, and due dates as people read them.

Pure: ``now`` is passed in and must be timezone-aware; results are UTC. Calendar words
("tomorrow", "next monday", a bare date) mean the start of that day in the user's ``tz``;
offsets ("in 3 months", "2 weeks") keep the time of day of ``now``. The small UTC and
local-day helpers here are shared with :mod:`reader.schedule`.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from dateutil.parser import ParserError
from dateutil.parser import parse as parse_date
from dateutil.relativedelta import relativedelta, weekday
from dateutil.relativedelta import weekdays as WEEKDAYS

from reader.units import quoted

MAX_PERIOD_DAYS = 100 * 366
"""Longer periods are surely typos, and would overflow ``datetime`` soon after."""

_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_UNITS = {
    "d": "days", "day": "days", "days": "days",
    "w": "weeks", "wk": "weeks", "wks": "weeks", "week": "weeks", "weeks": "weeks",
    "fortnight": "fortnights", "fortnights": "fortnights",
    "m": "months", "mo": "months", "month": "months", "months": "months",
    "y": "years", "yr": "years", "yrs": "years", "year": "years", "years": "years",
}  # fmt: skip
_DAY_NAMES = {
    name: i
    for i, names in enumerate(
        [
            ("mon", "monday"),
            ("tue", "tues", "tuesday"),
            ("wed", "wednesday"),
            ("thu", "thur", "thurs", "thursday"),
            ("fri", "friday"),
            ("sat", "saturday"),
            ("sun", "sunday"),
        ]
    )  # fmt: skip
    for name in names
}
_NAMED_DAYS = {"today": 0, "tomorrow": 1, "day after tomorrow": 2}
_NEXT_UNIT = {"week": "weeks", "month": "months", "year": "years"}
_TERM = re.compile(r"\s*(?:(\d+)\s*([a-z]+)|([a-z]+)\s+([a-z]+))")
"""One "<number> <unit>" term; a digit may touch its unit ("3d"), a word may not."""
_JOINERS = re.compile(r"\s*(?:,|\band\b|\+)\s*")


class WhenError(ValueError):
    """A date or period that could not be understood; the message says what and why."""


def parse_period(text: str) -> relativedelta:
    """A positive period such as "2 weeks", "3 days", "1 month", "a week", "1 week 2 days".

    Raises :class:`WhenError` for anything else.
    """
    cleaned = _clean(text)
    if cleaned.startswith("in "):
        cleaned = cleaned[3:].strip()
    if not cleaned:
        raise WhenError("empty period: try '2 weeks', '3 days' or '1 month'")
    amounts = dict.fromkeys(("days", "weeks", "fortnights", "months", "years"), 0)
    terms = _JOINERS.sub(" ", cleaned).strip()
    pos = 0
    while pos < len(terms):
        match = _TERM.match(terms, pos)
        count, unit = ("", "") if match is None else _term(match)
        number = _count(count)
        if match is None or number is None or unit not in _UNITS:
            bad = (terms[pos:] if match is None else match.group(0)).strip()
            where = "" if bad == terms else f" in {quoted(text.strip())}"
            raise WhenError(
                f"did not understand {quoted(bad)}{where}: expected a number and a unit, "
                "like '2 weeks' or 'a month'"
            )
        amounts[_UNITS[unit]] += number
        pos = match.end()
    days = amounts["days"] + 7 * amounts["weeks"] + 14 * amounts["fortnights"]
    length = days + 31 * amounts["months"] + 366 * amounts["years"]
    if length == 0:
        raise WhenError(f"period {quoted(text.strip())} is empty: it must be at least a day")
    if length > MAX_PERIOD_DAYS:
        raise WhenError(f"period {quoted(text.strip())} is too long (at most 100 years)")
    return relativedelta(years=amounts["years"], months=amounts["months"], days=days)


def parse_when(text: str, now: datetime, *, tz: tzinfo = UTC, allow_past: bool = False) -> datetime:
    """The moment ``text`` names, as a UTC datetime.

    Understands "today", "tomorrow", weekdays ("monday", "next fri": the next one after
    today), "next week/month/year", periods with or without "in" ("in 3 months", "2 weeks"),
    and dates dateutil can read ("2027-01-10", "10 jan 2027", "jan 10": the next one).
    Raises :class:`WhenError` with a one-line reason otherwise, or if the day is before
    today and ``allow_past`` is false.
    """
    now = as_utc(now, "now")
    today = local_date(now, tz)
    cleaned = _clean(text)
    if not cleaned:
        raise WhenError("empty date: try 'in 3 months', '2027-01-10' or 'next monday'")
    result = _calendar_word(cleaned, today, tz)
    if result is None:
        result = _offset(cleaned, now)
    if result is None:
        result = _absolute(text.strip(), cleaned, today, tz)
    if not allow_past and local_date(result, tz) < today:
        raise WhenError(f"{quoted(text.strip())} is in the past (today is {today.isoformat()})")
    return result


def as_utc(value: datetime, name: str = "datetime") -> datetime:
    """``value`` in UTC; raises ``ValueError`` if it is naive."""
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (UTC), got naive {value.isoformat()}")
    return value.astimezone(UTC)


def local_date(value: datetime, tz: tzinfo = UTC) -> date:
    """The calendar date of ``value`` in ``tz``."""
    return value.astimezone(tz).date()


def day_start(day: date, tz: tzinfo = UTC) -> datetime:
    """Midnight starting ``day`` in ``tz``, as a UTC datetime."""
    return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)


def humanize_due(due: datetime, now: datetime, *, tz: tzinfo = UTC) -> str:
    """ "due today", "due tomorrow", "due in 3 weeks", "overdue 2 days", by local days."""
    days = (local_date(as_utc(due, "due"), tz) - local_date(as_utc(now, "now"), tz)).days
    if days == 0:
        return "due today"
    if days == 1:
        return "due tomorrow"
    if days > 0:
        return f"due in {_span(days)}"
    return f"overdue {_span(-days)}"


def _span(days: int) -> str:
    if days < 14:
        count, unit = days, "day"
    elif days < 60:
        count, unit = round(days / 7), "week"
    elif days < 365:
        count, unit = round(days / 30.44), "month"
    else:
        count, unit = round(days / 365.25), "year"
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def _count(word: str) -> int | None:
    """A term's count: ASCII digits (at most 6: more is past any period allowed, and
    Python refuses to convert 4,300 digits) or a number word; None otherwise."""
    if word.isascii() and word.isdigit():
        digits = word.lstrip("0") or "0"
        if len(digits) > 6:
            raise WhenError(f"{quoted(word)} is too long for a period (at most 100 years)")
        return int(digits)
    return _NUMBERS.get(word)


def _term(match: re.Match[str]) -> tuple[str, str]:
    """(count, unit) from a :data:`_TERM` match, whichever alternative matched."""
    return match.group(1) or match.group(3), match.group(2) or match.group(4)


def _clean(text: str) -> str:
    if not isinstance(text, str):
        raise WhenError(f"expected text, got {type(text).__name__}")
    return " ".join(text.lower().replace("\x00", " ").split())


def _calendar_word(cleaned: str, today: date, tz: tzinfo) -> datetime | None:
    if cleaned in _NAMED_DAYS:
        return day_start(today + timedelta(days=_NAMED_DAYS[cleaned]), tz)
    words = cleaned.split()
    if words[0] in ("next", "this", "on") and len(words) == 2:
        name = words[1]
    elif len(words) == 1:
        name = words[0]
    else:
        return None
    if name in _DAY_NAMES:
        target: weekday = WEEKDAYS[_DAY_NAMES[name]]
        return day_start(today + relativedelta(days=1, weekday=target(+1)), tz)
    if words[0] == "next" and name in _NEXT_UNIT:
        return day_start(today + relativedelta(**{_NEXT_UNIT[name]: 1}), tz)
    return None


def _offset(cleaned: str, now: datetime) -> datetime | None:
    head = re.match(r"^(in )?(\d+|[a-z]+)\s*([a-z]+)", cleaned)
    if head is None or cleaned in _DAY_NAMES:
        return None
    try:
        period = parse_period(cleaned)
    except WhenError:
        # "in ..." and "<number> <unit> ..." can only be periods: say what was wrong with it.
        if head.group(1) or (head.group(2).isdigit() and head.group(3) in _UNITS):
            raise
        return None
    try:
        return now + period
    except (OverflowError, ValueError):
        raise WhenError(f"{quoted(cleaned)} is too far in the future") from None


def _next_date(today: date, month: int, day: int) -> date:
    """The first ``month``-``day`` on or after ``today`` (29 February: the next leap year's);
    ``ValueError`` when no year has it."""
    for year in range(today.year, today.year + 9):
        try:
            when = date(year, month, day)
        except ValueError:
            continue
        if when >= today:
            return when
    raise ValueError(f"no date {month}-{day}")


_PARSER_SHRUGS = ("Unknown string format", "String does not contain a date")


def _absolute(original: str, cleaned: str, today: date, tz: tzinfo) -> datetime:
    if cleaned.isdigit():
        example = cleaned if len(cleaned) <= 3 else "3"
        raise WhenError(f"{quoted(original)}: a bare number needs a unit, e.g. '{example} days'")
    if cleaned.startswith("in "):
        raise WhenError(f"did not understand {quoted(original)}: try 'in 3 months' or 'in 2 weeks'")
    # Parse twice with defaults in different years: if the years differ, the text named
    # no year, and a date already past this year means the next one ("jan 10" in June).
    # Leap years, so that "feb 29" parses (and means the next 29 February).
    first, second = datetime(2000, 1, 1), datetime(2004, 2, 2)
    try:
        a = parse_date(cleaned, default=first)
        b = parse_date(cleaned, default=second)
    except (ParserError, ValueError, OverflowError, TypeError) as e:
        # The parser's own words only when they add something ("day is out of range for
        # month"), not "Unknown string format: <what the user typed>".
        detail = _first_line(e)
        said = "" if detail.startswith(_PARSER_SHRUGS) else f" ({detail})"
        raise WhenError(
            f"did not understand {quoted(original)} as a date: try '2027-01-10', 'next monday' "
            f"or 'in 3 months'{said}"
        ) from None
    try:
        year_given, month_given, day_given = a.year == b.year, a.month == b.month, a.day == b.day
        year = a.year if year_given else today.year
        month = a.month if month_given else today.month
        day = a.day if day_given else (1 if month_given else today.day)
        if not year_given and month_given:
            when = _next_date(today, month, day)
        else:
            when = date(year, month, day)
            if not year_given and when < today:
                when = when + relativedelta(months=1)
    except (ValueError, OverflowError):
        raise WhenError(f"{quoted(original)} is not a valid date") from None
    if a.tzinfo is not None or a.time() != first.time() or b.time() != second.time():
        moment = a.replace(year=when.year, month=when.month, day=when.day)
        try:
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=tz)
            return moment.astimezone(UTC)
        except (ValueError, OverflowError):
            raise WhenError(f"{quoted(original)} is out of range") from None
    return day_start(when, tz)


def _first_line(error: BaseException) -> str:
    message = str(error).splitlines()[0] if str(error) else type(error).__name__
    return message[:80]
