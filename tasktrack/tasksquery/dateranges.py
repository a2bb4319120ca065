"""The dates and date ranges a query names: ``2026-11-05``, ``today``, ``this week``, ``2026-W45``, ``2026-11``,
``2026-Q4``, ``2026``, or two dates; each read as an inclusive range ``(first, last)``."""

from __future__ import annotations

import re
from datetime import date, timedelta

from tasktrack.dates import add_months, parse_iso, parse_when
from tasktrack.errors import UsageError

DateRange = tuple[date, date]

_RELATIVE_RE = re.compile(r"(last|this|next)\s+(week|month|quarter|year)")
_WEEK_RE = re.compile(r"(\d{4})-w(\d{1,2})")
_MONTH_RE = re.compile(r"(\d{4})-(\d{2})")
_QUARTER_RE = re.compile(r"(\d{4})-q([1-4])")
_YEAR_RE = re.compile(r"\d{4}")


def parse_range(text: str, today: date) -> DateRange:
    """The range ``text`` names; a single date is a range of one day. ``UsageError`` if it names none."""
    words = " ".join(text.lower().split())
    found = _named_range(words, today)
    if found is not None:
        return found
    parts = words.split(" ")
    if len(parts) == 2 and all(parse_iso(part) for part in parts):
        first, last = sorted(parse_when(part, today) for part in parts)
        return first, last
    day = parse_when(words, today)
    return day, day


def _named_range(words: str, today: date) -> DateRange | None:
    if m := _RELATIVE_RE.fullmatch(words):
        step = {"last": -1, "this": 0, "next": 1}[m.group(1)]
        return _unit_range(today, m.group(2), step)
    if m := _WEEK_RE.fullmatch(words):
        try:
            monday = date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
        except ValueError:
            raise UsageError(f"{words!r} is not a week of the year") from None
        return monday, monday + timedelta(days=6)
    if m := _MONTH_RE.fullmatch(words):
        if not 1 <= int(m.group(2)) <= 12:
            raise UsageError(f"{words!r} is not a month")
        first = date(int(m.group(1)), int(m.group(2)), 1)
        return first, add_months(first, 1) - timedelta(days=1)
    if m := _QUARTER_RE.fullmatch(words):
        first = date(int(m.group(1)), 3 * int(m.group(2)) - 2, 1)
        return first, add_months(first, 3) - timedelta(days=1)
    if _YEAR_RE.fullmatch(words):
        return date(int(words), 1, 1), date(int(words), 12, 31)
    return None


def _unit_range(today: date, unit: str, step: int) -> DateRange:
    """The week (Monday to Sunday), month, quarter or year ``step`` units from the one holding ``today``."""
    if unit == "week":
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=step)
        return monday, monday + timedelta(days=6)
    months = {"month": 1, "quarter": 3, "year": 12}[unit]
    start_month = (today.month - 1) // months * months
    first = add_months(date(today.year, 1, 1), start_month + step * months)
    return first, add_months(first, months) - timedelta(days=1)
