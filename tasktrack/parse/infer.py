"""Due dates inferred from the words of a task: "by Jan 15", "next week", "over the next two months".

Only phrases this module looks for on purpose are turned into dates, relative to the note's date:

* a day: ``today``, ``today's 1:1``, ``tonight``, ``EOD``, ``tomorrow`` -> that day;
* a weekday: ``by Friday``, ``on Tue``, ``this Thursday``, ``Friday's sync`` -> the next such day after
  the note date (``this Friday`` may be the note date itself); ``Friday next week`` -> that day next week;
* a week: ``this week``, ``by end of week``, ``EOW`` -> the coming Friday; ``next week`` and ``end of
  next week`` -> Friday of next week; ``early next week`` -> its Monday;
* a month: ``by February``, ``before February`` -> the last day before it begins (January 31), as
  Duckling-style parsers read "by <month>" (said during February itself: nothing); ``in March``, ``by the end
  of April``, ``late April`` -> the month's last day (``early`` -> the 10th, ``mid`` -> the 15th); ``this
  month``/``EOM`` and ``next month`` -> the last day of that month;
* a quarter or year: ``this quarter``, ``by Q2``, ``end of year``/``EOY`` -> its last day;
* a span: ``in two weeks``, ``within 10 days``, ``over the next two months`` -> the note date plus it;
* a date: ``Jan 15``, ``15 January 2026``, ``by 1/15``, ``by 2026-01-15``, ``by the 15th``.

A date without a year is the next one on or after the note date; one that fell in the 30 days before the
note is a reference to the past, not a deadline, and gives nothing. Events without a date ("before the
SCO", "after the offsite"), vague words ("soon", "ASAP", "in a few weeks") give nothing: a wrong date
is worse than none. The rare date shapes not read here go to dateparser (English, future preference,
the note date as base); it is imported only then, and only ever given the phrase that was matched.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date, timedelta
from functools import cache
from typing import NamedTuple

from tasktrack.dates import add_months, end_of_month, end_of_week, with_dateparser
from tasktrack.model import MONTH_WORDS, WEEKDAY_WORDS, WEEKDAYS

PAST_WINDOW = 30  # days: a yearless date this far before the note is a reference, not a deadline

_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2, "a couple": 2,
            "couple of": 2, "couple": 2}
_VERBS = ("may", "march")  # month names only when capitalized
_QUALIFIER_DAY = {"early": 10, "start of": 10, "beginning of": 10, "mid": 15, "middle of": 15}
# A month after these words alone is a deadline before it begins ("by February": January 31), as Duckling reads
# "by <month>"; "in", "during" and "through" a month, and "by the end of" it, mean its last day.
_BEFORE_MONTH = frozenset({"by", "before", "until", "till", "no later than"})

_WD = "(?P<wd>" + "|".join(WEEKDAYS) + ")"
_WDA = "(?P<wd>" + "|".join(sorted(WEEKDAY_WORDS, key=len, reverse=True)) + r")\.?"
_MON_PLAIN = "(?:" + "|".join(sorted(MONTH_WORDS, key=len, reverse=True)) + r")\.?\b"
_MON = "(?P<mon>" + "|".join(sorted(MONTH_WORDS, key=len, reverse=True)) + r")\.?"
_NUM = r"(?P<num>\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|(?:a )?couple(?: of)?)"
_UNIT = r"(?P<unit>hours?|days?|weeks?|months?|years?)"
_BY = r"(?:(?:by|before|until|till|no later than|due|on|for|in|during|through)\s+(?:the\s+)?)"
_DEADLINE = r"(?:(?:by|before|until|till|no later than|due|on)\s+)"
_YEAR = r"(?:,?\s+(?P<year>20\d\d))?"

def _today_ok(text: str, m: re.Match[str]) -> bool:
    """``today`` as a deadline, not as "what VAST supports today" or "as of today"."""
    before = text[max(0, m.start() - 24) : m.start()]
    return re.search(r"(?:as of|supports?|supported|exists?|available|is|are|than|until|till)\s+$", before) is None


# -- resolvers: (match, base date, whole text) -> date or None ------------------------------------


def _r_iso(m: re.Match[str], base: date, text: str) -> date | None:
    return _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))


def _is_verb(m: re.Match[str], text: str) -> bool:
    """The month of ``m`` is written as a verb ("may", "march"): read from ``text``, as the match may
    have been found in its lowercase form (see ``phrases``)."""
    return text[m.start("mon") : m.end("mon")] in _VERBS


def _r_month_day(m: re.Match[str], base: date, text: str) -> date | None:
    if _is_verb(m, text):
        return None
    month, day = MONTH_WORDS[m["mon"].lower()], int(m["day"])
    if m["year"]:
        return _safe_date(int(m["year"]), month, day)
    return _yearless(base, month, day)


def _r_slash(m: re.Match[str], base: date, text: str) -> date | None:
    month, day, year = int(m["m"]), int(m["d"]), m["y"]
    if year:
        return _safe_date(int(year) + (2000 if len(year) == 2 else 0), month, day)
    return _yearless(base, month, day)


def _r_day_of_month(m: re.Match[str], base: date, text: str) -> date | None:
    day = int(m["day"])
    for months in range(3):
        first = add_months(base.replace(day=1), months)
        found = _safe_date(first.year, first.month, day)
        if found is not None and found >= base:
            return found
    return None


def _r_month(m: re.Match[str], base: date, text: str) -> date | None:
    qualifier = (m["q"] or "").lower().replace("the ", "").strip(" -")
    if (not m["prep"] and not qualifier) or _is_verb(m, text):
        return None  # a bare month name ("May", "march") is too often not a date
    month = MONTH_WORDS[m["mon"].lower()]
    year = int(m["year"]) if m["year"] else base.year + (month < base.month)
    if not qualifier and " ".join(m["prep"].split()).lower() in _BEFORE_MONTH:
        return _before_month(year, month, base, explicit_year=bool(m["year"]))
    day = _QUALIFIER_DAY.get(qualifier) or calendar.monthrange(year, month)[1]
    return date(year, month, day)


def _before_month(year: int, month: int, base: date, explicit_year: bool) -> date | None:
    """"by February": the last day before the month begins. Said during that month (no year given), it names
    no deadline still ahead: nothing."""
    deadline = date(year, month, 1) - timedelta(days=1)
    return deadline if explicit_year or deadline >= base else None


def _r_weekday(m: re.Match[str], base: date, text: str) -> date | None:
    word = m["wd"].lower()
    if word not in WEEKDAYS and not m["prep"]:
        return None  # "sun", "sat" and "wed" alone are too often something else
    if _DATE_AFTER.match(text, m.end()):
        return None  # "by Monday, Jan 5": the date says it
    index = WEEKDAY_WORDS[word]
    ahead = (index - base.weekday()) % 7
    return base + timedelta(days=ahead if (m["prep"] or "").lower().startswith("this") else ahead or 7)


_DATE_AFTER = re.compile(
    r",?\s+(?:the\s+)?(?:" + _MON_PLAIN + r"\s+\d|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MON_PLAIN + ")",
    re.IGNORECASE,
)


def _r_weekday_next_week(m: re.Match[str], base: date, text: str) -> date | None:
    return _next_monday(base) + timedelta(days=WEEKDAYS.index(m["wd"].lower()))


def _r_span(m: re.Match[str], base: date, text: str) -> date | None:
    raw = (m["num"] or "one").lower()
    count = int(raw) if raw.isdigit() else _NUMBERS.get(raw)
    if count is None or count == 0:
        return None
    unit = m["unit"].lower().rstrip("s")
    if unit == "hour":
        return base + timedelta(days=count // 24)
    if unit == "day":
        return base + timedelta(days=count)
    if unit == "week":
        return base + timedelta(weeks=count)
    return add_months(base, count * (12 if unit == "year" else 1))


def _r_today(m: re.Match[str], base: date, text: str) -> date | None:
    return base if _today_ok(text, m) else None


def _fixed(offset: Callable[[date], date]) -> Callable[[re.Match[str], date, str], date | None]:
    def resolve(m: re.Match[str], base: date, text: str) -> date | None:
        return offset(base)

    return resolve


def _r_dateparser(m: re.Match[str], base: date, text: str) -> date | None:
    return with_dateparser(m["phrase"], base)


# -- calendar helpers -----------------------------------------------------------------------------


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _yearless(base: date, month: int, day: int) -> date | None:
    """The date in the note's year, or the next year's if it had passed (a recent past date: none)."""
    found = _safe_date(base.year, month, day)
    if found is None:
        return _safe_date(base.year + 1, month, day)
    if found >= base:
        return found
    if (base - found).days <= PAST_WINDOW:
        return None
    return _safe_date(base.year + 1, month, day)


def _next_monday(base: date) -> date:
    return base + timedelta(days=7 - base.weekday())


def _end_of_quarter(day: date) -> date:
    return end_of_month(date(day.year, (day.month - 1) // 3 * 3 + 3, 1))


def _end_of_named_quarter(m: re.Match[str], base: date, text: str) -> date | None:
    quarter = int(m["qn"])
    year = int(m["year"]) if m["year"] else base.year
    last = end_of_month(date(year, quarter * 3, 1))
    return last if m["year"] or last >= base else end_of_month(date(year + 1, quarter * 3, 1))


# -- the rules ------------------------------------------------------------------------------------

Resolver = Callable[[re.Match[str], date, str], date | None]


class Rule(NamedTuple):
    """A timing phrase: its pattern (words in lowercase), what date it gives, and its triggers: sets of words,
    a word of each of which a text must hold for the pattern to match at all (``#num``: a digit; ``#dash``,
    ``#dot``, ``#slash``: that character between two digits)."""

    pattern: str
    resolve: Resolver
    triggers: tuple[frozenset[str], ...]


_MONTH_WORDS = frozenset(MONTH_WORDS)
_WEEKDAY_WORDS = frozenset(WEEKDAY_WORDS)
_UNIT_WORDS = frozenset({"hour", "hours", "day", "days", "week", "weeks", "month", "months", "year", "years"})
_DEADLINE_WORDS = frozenset({"by", "before", "until", "till", "later", "due", "on"})
_EARLY = frozenset({"early", "start", "beginning"})


def _all(*words: str) -> tuple[frozenset[str], ...]:
    return tuple(frozenset({w}) for w in words)


RULES = (
    Rule(_DEADLINE + r"(?P<y>20\d\d)-(?P<m>\d\d)-(?P<d>\d\d)\b",
         _r_iso,
         (frozenset({"#dash"}), _DEADLINE_WORDS)),
    Rule(_BY + r"?" + _MON + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b(?!:|\s*(?:%|am\b|pm\b))" + _YEAR,
         _r_month_day,
         (_MONTH_WORDS,)),
    Rule(_BY + r"?\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MON + _YEAR + r"\b",
         _r_month_day,
         (_MONTH_WORDS, frozenset({"#num"}))),
    Rule(_DEADLINE + r"(?P<m>\d{1,2})/(?P<d>\d{1,2})(?:/(?P<y>\d{4}|\d\d))?\b(?!/)",
         _r_slash,
         (frozenset({"#slash"}), _DEADLINE_WORDS)),
    Rule(_DEADLINE + r"(?P<phrase>\d{1,2}[.-]\d{1,2}[.-](?:\d{4}|\d\d))\b",
         _r_dateparser,
         (frozenset({"#dash", "#dot"}), _DEADLINE_WORDS)),
    Rule(_DEADLINE + r"the\s+(?P<day>\d{1,2})(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?[a-z])",
         _r_day_of_month,
         (frozenset({"st", "nd", "rd", "th"}), frozenset({"#num"}), frozenset({"the"}), _DEADLINE_WORDS)),
    Rule(r"(?P<prep>\b(?:by|before|until|till|no later than|in|during|through)\s+)?(?:the\s+)?"
     r"(?P<q>\b(?:early|mid|late|(?:the\s+)?(?:end|start|beginning|middle)\s+of)[\s-]+)?\b" + _MON
     + r"(?!\s*\d{1,2}(?:st|nd|rd|th)?\b(?!\d))(?:\s+(?P<year>20\d\d))?\b",
         _r_month,
         (_MONTH_WORDS,)),
    Rule(r"\b" + _WD + r"\s+(?:of\s+)?next\s+week\b",
         _r_weekday_next_week,
         (frozenset(WEEKDAYS), *_all("next", "week"))),
    Rule(r"(?P<prep>\b(?:by|before|until|till|on|this|next|coming|due|(?:by\s+)?(?:the\s+)?end\s+of)\s+)?\b" + _WDA
     + r"(?:'s)?\b",
         _r_weekday,
         (_WEEKDAY_WORDS,)),
    Rule(r"\b(?:early|start of|beginning of)\s+next\s+week\b",
         _fixed(_next_monday),
         (*_all("week", "next"), _EARLY)),
    Rule(r"\bmid[\s-]?next\s+week\b",
         _fixed(lambda b: _next_monday(b) + timedelta(days=2)),
         (frozenset({"mid", "midnext"}), frozenset({"week"}))),
    Rule(r"\b(?:(?:by\s+)?(?:the\s+)?(?:end|late|latter part)\s+of\s+)?next\s+week\b",
         _fixed(lambda b: _next_monday(b) + timedelta(days=4)),
         _all("week", "next")),
    Rule(r"\b(?:the\s+)?week\s+after\s+next\b",
         _fixed(lambda b: _next_monday(b) + timedelta(days=11)),
         _all("week", "after", "next")),
    Rule(r"\b(?:(?:by\s+)?(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?week|eow|(?:later\s+)?this\s+week)\b",
         _fixed(end_of_week),
         (frozenset({"week", "eow"}),)),
    Rule(r"\b(?:early|start of|beginning of)\s+next\s+month\b",
         _fixed(lambda b: add_months(b.replace(day=10), 1)),
         (*_all("month", "next"), _EARLY)),
    Rule(r"\b(?:(?:by\s+)?(?:the\s+)?end\s+of\s+)?next\s+month\b(?!['’]s)",
         _fixed(lambda b: end_of_month(add_months(b.replace(day=1), 1))),
         _all("month", "next")),
    Rule(r"\b(?:(?:by\s+)?(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?month|eom|(?:later\s+)?this\s+month)\b",
         _fixed(end_of_month),
         (frozenset({"month", "eom"}),)),
    Rule(r"\b(?:early|(?:the\s+)?(?:start|beginning)\s+of)\s+next\s+quarter\b",
         _fixed(lambda b: add_months(_end_of_quarter(b).replace(day=10), 1)),
         (*_all("quarter", "next"), _EARLY)),
    Rule(r"\b(?:(?:by\s+)?(?:the\s+)?end\s+of\s+)?next\s+quarter\b",
         _fixed(lambda b: _end_of_quarter(add_months(b.replace(day=1), 3))),
         _all("quarter", "next")),
    Rule(r"\b(?:(?:by\s+)?(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?quarter|eoq|this\s+quarter)\b",
         _fixed(_end_of_quarter),
         (frozenset({"quarter", "eoq"}),)),
    Rule(r"\b(?:by|before|in|during|until|(?:the\s+)?end\s+of)\s+(?:the\s+)?q(?P<qn>[1-4])(?:\s+(?P<year>20\d\d))?\b",
         _end_of_named_quarter,
         (frozenset({"q"}), frozenset({"by", "before", "in", "during", "until", "of"}))),
    Rule(r"\b(?:(?:by\s+)?(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?year|eoy|year[\s-]end|this\s+year)\b",
         _fixed(lambda b: date(b.year, 12, 31)),
         (frozenset({"year", "eoy"}),)),
    Rule(r"\b(?:in|within|inside|over|during)\s+(?:the\s+)?(?:next|coming|following)\s+(?:" + _NUM + r"\s+)?"
     + _UNIT + r"\b",
         _r_span,
         (_UNIT_WORDS, frozenset({"in", "within", "inside", "over", "during"}),
          frozenset({"next", "coming", "following"}))),
    Rule(r"\b(?:in|within|inside)\s+(?:the\s+)?" + _NUM + r"\s+" + _UNIT + r"\b",
         _r_span,
         (_UNIT_WORDS, frozenset({"in", "within", "inside"}))),
    Rule(r"(?<!\bfor\s)(?<!\bfor\sthe\s)\b(?:the\s+)?next\s+" + _NUM + r"\s+" + _UNIT + r"\b",
         _r_span,
         (_UNIT_WORDS, frozenset({"next"}))),
    Rule(r"\b" + _NUM + r"\s+" + _UNIT + r"\s+from\s+(?:now|today)\b",
         _r_span,
         (_UNIT_WORDS, frozenset({"from"}), frozenset({"now", "today"}))),
    Rule(r"\b(?:(?:by\s+)?(?:the\s+)?end\s+of\s+(?:the\s+)?day|eod|cob|close\s+of\s+business)\b",
         _fixed(lambda b: b),
         (frozenset({"day", "eod", "cob", "business"}),)),
    Rule(r"\b(?:(?:later\s+)?today|tonight)(?:['’]s)?\b",
         _r_today,
         (frozenset({"today", "tonight"}),)),
    Rule(r"\bthis\s+(?:morning|afternoon|evening)\b",
         _fixed(lambda b: b),
         (frozenset({"morning", "afternoon", "evening"}), frozenset({"this"}))),
    Rule(r"\btomorrow(?:['’]s)?\b",
         _fixed(lambda b: b + timedelta(days=1)),
         (frozenset({"tomorrow"}),)),
)


@cache
def _compiled(rule: Rule, fold: bool) -> re.Pattern[str]:
    """The rule's pattern, compiled when first needed (a command that infers nothing does without). Its words
    are all lowercase: matching lowercase ASCII text is the same as matching the text ignoring case.
    ``fold``: ignoring case, for text beyond ASCII (which lowercasing may lengthen)."""
    return re.compile(rule.pattern, re.IGNORECASE if fold else 0)


_WORD_RE = re.compile(r"[a-z]+")
_DIGIT_RE = re.compile(r"\d")
_SHAPE_RE = re.compile(r"\d([-./])\d")
_SHAPES = {"-": "#dash", ".": "#dot", "/": "#slash"}


def _words(text: str) -> set[str]:
    """The words of ``text`` (lowercase) a rule's triggers name."""
    words = set(_WORD_RE.findall(text))
    if _DIGIT_RE.search(text):
        words.add("#num")
        words.update(_SHAPES[char] for char in _SHAPE_RE.findall(text))
    return words


def _rules_by_word() -> dict[str, tuple[Rule, ...]]:
    """For each trigger word, the rules that name it in their first trigger set."""
    found: dict[str, list[Rule]] = {}
    for rule in RULES:
        for word in rule.triggers[0]:
            found.setdefault(word, []).append(rule)
    return {word: tuple(rules) for word, rules in found.items()}


_RULES_BY_WORD = _rules_by_word()


def _candidates(text: str) -> list[Rule]:
    """The rules ``text`` (lowercase) can match, in their order: those it holds a word of each trigger set of."""
    words = _words(text)
    named = {rule for word in words.intersection(_RULES_BY_WORD) for rule in _RULES_BY_WORD[word]}
    return sorted((rule for rule in named if all(not words.isdisjoint(need) for need in rule.triggers[1:])),
                  key=RULES.index)


def phrases(text: str) -> list[tuple[Rule, re.Match[str]]]:
    """The timing phrases in ``text``: (rule, match), left to right, none overlapping (at one place the
    longest phrase wins, then the earlier rule). An ASCII text is matched in lowercase: the spans are the
    same, the matched words lowercase."""
    lower = text.lower()
    candidates = _candidates(lower)
    if not candidates:  # most texts
        return []
    plain = text.isascii()
    if plain:
        text = lower
    found = [(m.start(), -m.end(), order, rule, m) for order, rule in enumerate(candidates)
             for m in _compiled(rule, not plain).finditer(text)]
    found.sort(key=lambda f: f[:3])
    chosen: list[tuple[Rule, re.Match[str]]] = []
    end = -1
    for start, neg_end, _order, rule, match in found:
        if start >= end and match.group(0).strip():
            chosen.append((rule, match))
            end = -neg_end
    return chosen


def infer_due(description: str, base: date) -> date | None:
    """The earliest date the timing phrases of ``description`` give, relative to ``base``."""
    text = description.replace("’", "'")
    days = [day for rule, match in phrases(text) if (day := rule.resolve(match, base, text)) is not None]
    return min(days, default=None)
