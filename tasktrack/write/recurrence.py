"""The next instance of a recurring task (🔁), computed the way Obsidian Tasks does it.

The reference date is due, else scheduled, else start. Without ``when done`` the next reference is the
first occurrence of the rule strictly after the old one; with it, the first after today. Every other
date keeps its distance to the reference. ``every month`` (no fixed day) clamps to the month's end
(Jan 31 -> Feb 28); a fixed day (``every month on the 31st``) skips the months that lack it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from tasktrack.dates import add_months, end_of_month
from tasktrack.errors import UsageError
from tasktrack.model import WEEKDAYS

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
_ORDINAL_RE = r"(\d{1,2})(?:st|nd|rd|th)?"
_SEARCH_DAYS = 366 * 12

Predicate = Callable[[date, date], bool]  # (candidate, the rule's first date) -> matches


@dataclass(frozen=True, slots=True)
class Rule:
    when_done: bool
    step: Callable[[date], date] | None = None  # rules without a fixed day: add an interval
    matches: Predicate | None = None  # rules with a fixed day: the days that match

    def after(self, start: date) -> date:
        if self.step is not None:
            return self.step(start)
        assert self.matches is not None
        for offset in range(1, _SEARCH_DAYS):
            day = start + timedelta(days=offset)
            if self.matches(day, start):
                return day
        raise UsageError("the recurrence rule has no next date")


def parse_rule(text: str) -> Rule:
    """Read a 🔁 rule; ``UsageError`` for one this tool cannot compute (rather than guess)."""
    words = " ".join(text.lower().replace(",", " , ").split())
    when_done = words.endswith(" when done")
    core = words.removesuffix(" when done").strip()
    rule = _interval(core, when_done) or _weekly(core, when_done) or _monthly(core, when_done) or \
        _yearly(core, when_done)
    if rule is None:
        raise UsageError(f"the recurrence rule {text!r} is not one tasktrack can compute; nothing written")
    return rule


def _interval(core: str, when_done: bool) -> Rule | None:
    m = re.fullmatch(r"every (?:(\d+) )?(day|week|month|year)s?", core)
    if m is None:
        if core == "every weekday":
            return Rule(when_done, matches=lambda d, _s: d.weekday() < 5)
        return None
    n = int(m.group(1) or 1)
    unit = m.group(2)
    if unit == "day":
        return Rule(when_done, step=lambda d: d + timedelta(days=n))
    if unit == "week":
        return Rule(when_done, step=lambda d: d + timedelta(weeks=n))
    months = n if unit == "month" else 12 * n
    return Rule(when_done, step=lambda d: add_months(d, months))


def _weekdays(text: str) -> set[int] | None:
    names = [w for w in re.split(r"\s*(?:,|\band\b)\s*", text) if w]
    days = set()
    for name in names:
        if name not in WEEKDAYS:
            return None
        days.add(WEEKDAYS.index(name))
    return days or None


def _weekly(core: str, when_done: bool) -> Rule | None:
    m = re.fullmatch(r"every (?:(\d+) )?weeks? on (.+)", core) or re.fullmatch(r"every ()(.+)", core)
    if m is None:
        return None
    days = _weekdays(m.group(2))
    if days is None:
        return None
    n = int(m.group(1) or 1)

    def matches(d: date, start: date) -> bool:
        weeks = ((d - timedelta(days=d.weekday())) - (start - timedelta(days=start.weekday()))).days // 7
        return d.weekday() in days and weeks % n == 0

    return Rule(when_done, matches=matches)


def _day_matcher(text: str) -> Callable[[date], bool] | None:
    """``the 1st``, ``the last``, ``the 2nd Friday``, ``the last Friday``, ``the 2nd last Friday``."""
    text = text.removeprefix("the ").strip()
    if text == "last":
        return lambda d: d == end_of_month(d)
    m = re.fullmatch(_ORDINAL_RE, text)
    if m:
        day_of_month = int(m.group(1))
        return lambda d: d.day == day_of_month
    m = re.fullmatch(rf"(?:{_ORDINAL_RE} )?(last )?(\w+)", text)
    if m is None or m.group(3) not in WEEKDAYS or not (m.group(1) or m.group(2)):
        return None
    weekday, nth, from_end = WEEKDAYS.index(m.group(3)), int(m.group(1) or 1), bool(m.group(2))

    def matches(d: date) -> bool:
        if d.weekday() != weekday:
            return False
        if from_end:
            return (end_of_month(d).day - d.day) // 7 + 1 == nth
        return (d.day - 1) // 7 + 1 == nth

    return matches


def _monthly(core: str, when_done: bool) -> Rule | None:
    m = re.fullmatch(r"every (?:(\d+) )?months? on (.+)", core)
    if m is None:
        return None
    n = int(m.group(1) or 1)
    parts = [p for p in re.split(r"\s*(?:,|\band\b)\s*", m.group(2)) if p]
    day_tests = [_day_matcher(p) for p in parts]
    if not day_tests or any(t is None for t in day_tests):
        return None
    tests = [t for t in day_tests if t is not None]

    def matches(d: date, start: date) -> bool:
        months = (d.year - start.year) * 12 + d.month - start.month
        return months % n == 0 and any(t(d) for t in tests)

    return Rule(when_done, matches=matches)


def _yearly(core: str, when_done: bool) -> Rule | None:
    """``every January on the 15th``, ``every April and December on the 1st and 24th``."""
    m = re.fullmatch(r"every (.+?) on the (.+)", core)
    if m is None:
        return None
    months = [w for w in re.split(r"\s*(?:,|\band\b)\s*", m.group(1)) if w]
    days = [w for w in re.split(r"\s*(?:,|\band\b)\s*", m.group(2).replace("the ", "")) if w]
    if not months or any(mo not in MONTHS for mo in months):
        return None
    numbers = [re.fullmatch(_ORDINAL_RE, d) for d in days]
    if not numbers or any(n is None for n in numbers):
        return None
    month_set = {MONTHS.index(mo) + 1 for mo in months}
    day_set = {int(n.group(1)) for n in numbers if n is not None}
    return Rule(when_done, matches=lambda d, _s: d.month in month_set and d.day in day_set)


DATE_ORDER = ("due", "scheduled", "start")


def next_dates(rule_text: str, dates: dict[str, str], today: date) -> dict[str, str]:
    """The dates of the next instance: every date shifted by the move of the reference date.
    A task without due/scheduled/start dates gets none."""
    rule = parse_rule(rule_text)
    reference = next((name for name in DATE_ORDER if name in dates), None)
    if reference is None:
        return {}
    old = date.fromisoformat(dates[reference])
    new = rule.after(today if rule.when_done else old)
    shift = new - old
    return {name: (date.fromisoformat(value) + shift).isoformat() for name, value in dates.items()
            if name in ("due", "scheduled", "start")}
