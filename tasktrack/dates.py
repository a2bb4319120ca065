"""Dates a user types: ``YYYY-MM-DD``, or words such as ``today``, ``next friday``, ``eow``, ``in 2 weeks``.

Common words are read here, without importing dateparser (slow to import); anything else goes to
dateparser with English, a fixed base date and a preference for the future. Text with nothing
date-like in it is refused rather than guessed (dateparser reads ``a`` as January).
"""

from __future__ import annotations

import calendar
import os
import re
from datetime import date, datetime, timedelta

from tasktrack.errors import UsageError
from tasktrack.model import MONTH_WORDS, WEEKDAY_WORDS

_UNITS = {"d": "day", "day": "day", "w": "week", "wk": "week", "week": "week", "m": "month",
          "mo": "month", "month": "month", "y": "year", "yr": "year", "year": "year"}
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_IN_RE = re.compile(r"(?:in\s+)?\+?(\d+|[a-z]+)\s*(d|days?|w|wks?|weeks?|m|mo|months?|y|yrs?|years?)(\s+ago)?")
_DATEISH_RE = re.compile(
    rf"\b(?:{'|'.join(MONTH_WORDS)}|{'|'.join(WEEKDAY_WORDS)}|today|tomorrow|yesterday|"
    r"day|days|week|weeks|month|months|year|years|fortnight|noon|midnight)\b|\d{1,4}[/.-]\d{1,2}",
    re.IGNORECASE,
)


def today() -> date:
    """Today, or the date in ``TASKTRACK_TODAY`` (for tests and for replaying a day)."""
    fixed = os.environ.get("TASKTRACK_TODAY")
    if fixed:
        try:
            return date.fromisoformat(fixed)
        except ValueError:
            raise UsageError(f"TASKTRACK_TODAY={fixed!r} is not a YYYY-MM-DD date") from None
    return date.today()


def add_months(day: date, months: int) -> date:
    """Same day of month ``months`` later, clamped to the month's last day (Jan 31 + 1 = Feb 28/29)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def end_of_week(day: date) -> date:
    """The coming Friday (today if it is Friday); on a weekend, the next Friday."""
    return day + timedelta(days=(4 - day.weekday()) % 7)


def end_of_month(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def parse_iso(text: str) -> date | None:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        try:
            return date.fromisoformat(text.strip())
        except ValueError:
            raise UsageError(f"{text.strip()!r} is not a real date") from None
    return None


def parse_when(text: str, base: date | None = None) -> date:
    """The date ``text`` means, relative to ``base`` (default: today); ``UsageError`` if it means none."""
    base = base or today()
    words = " ".join(text.lower().replace(",", " ").split())
    if not words:
        raise UsageError("a date is needed (YYYY-MM-DD, or words like `tomorrow`, `next friday`, `eow`)")
    found = parse_iso(words)
    try:
        if found is None:
            found = _simple_words(words, base)
        if found is None:
            found = _dateparser(words, base)
    except (OverflowError, ValueError):  # `in 99999999 days`: past the year 9999
        raise UsageError(f"{text!r} is too far away: dates end with the year 9999") from None
    if found is None:
        raise UsageError(f"{text!r} is not a date I can read (try YYYY-MM-DD, `tomorrow`, `next friday`, `in 2 weeks`)")
    return found


def _simple_words(words: str, base: date) -> date | None:
    fixed = {
        "today": base, "tod": base, "now": base, "tomorrow": base + timedelta(days=1), "tmr": base + timedelta(days=1),
        "yesterday": base - timedelta(days=1), "eow": end_of_week(base), "end of week": end_of_week(base),
        "eom": end_of_month(base), "end of month": end_of_month(base), "eoy": date(base.year, 12, 31),
        "end of year": date(base.year, 12, 31), "next week": base + timedelta(days=7 - base.weekday()),
        "next month": add_months(base.replace(day=1), 1), "next year": date(base.year + 1, 1, 1),
    }
    if words in fixed:
        return fixed[words]
    return _weekday(words, base) or _relative(words, base)


def _weekday(words: str, base: date) -> date | None:
    """``friday``, ``this friday``, ``next friday``, ``fri``: the first such day after today."""
    m = re.fullmatch(r"(?:(this|next|on)\s+)?([a-z]+)", words)
    if m is None:
        return None
    name = m.group(2)
    index = WEEKDAY_WORDS.get(name)
    if index is None:
        return None
    ahead = (index - base.weekday()) % 7 or 7
    return base + timedelta(days=ahead)


def _relative(words: str, base: date) -> date | None:
    """``in 3 days``, ``2 weeks``, ``+1m``, ``a month``, ``3 days ago``."""
    m = _IN_RE.fullmatch(words)
    if m is None:
        return None
    count_text, unit_text, ago = m.groups()
    count = int(count_text) if count_text.isdigit() else _NUMBERS.get(count_text)
    unit = _UNITS.get(unit_text.rstrip("s")) or _UNITS.get(unit_text)
    if count is None or unit is None:
        return None
    count = -count if ago else count
    if unit == "day":
        return base + timedelta(days=count)
    if unit == "week":
        return base + timedelta(weeks=count)
    return add_months(base, count if unit == "month" else 12 * count)


def _dateparser(words: str, base: date) -> date | None:
    if not _DATEISH_RE.search(words):
        return None
    return with_dateparser(words, base)


def with_dateparser(phrase: str, base: date) -> date | None:
    """What dateparser reads ``phrase`` as (English, relative to ``base``, preferring the future), for a phrase
    known to be about a date (never free text: it reads ``a`` as January). It is imported only then: slowly."""
    import dateparser

    settings = {
        "RELATIVE_BASE": datetime(base.year, base.month, base.day),
        "PREFER_DATES_FROM": "future",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "PREFER_DAY_OF_MONTH": "first",
    }
    try:
        found = dateparser.parse(phrase, languages=["en"], settings=settings)
    except (ValueError, OverflowError):
        return None
    return found.date() if found is not None else None
