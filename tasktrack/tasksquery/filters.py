"""Filter instructions of the Obsidian Tasks query language, each read into a ``Filter``: a test on a ``Task``,
the words that say how it was understood (``explain``), and the statuses it can match, which the store
selects in SQL before the tests run.

What a filter looks at, as Obsidian Tasks does: ``done`` is the DONE, CANCELLED and NON_TASK status types;
text filters match case-insensitive parts, ``regex matches /…/flags`` is case-sensitive without ``i``; a
date filter fails on a task without that date, except ``starts`` (it matches tasks with no start date) and
``happens`` (any of the start, scheduled and due dates). Our own filters: ``owner``, ``property`` and
``has inferred due date``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath
from typing import Any

from tasktrack.errors import UsageError
from tasktrack.model import DATAVIEW_KEY_OF, DATE_EMOJI, FINISHED, PRIORITY_RANK, STATUSES, Task, parse_priority
from tasktrack.store.database import list_keys
from tasktrack.tasksquery.dateranges import DateRange, parse_range

Test = Callable[[Task], bool]

# Our statuses -> the status types of Obsidian Tasks, and the order ``sort by status.type`` puts the types in.
STATUS_TYPES = {"proposed": "TODO", "open": "TODO", "in_progress": "IN_PROGRESS", "deferred": "ON_HOLD",
                "done": "DONE", "cancelled": "CANCELLED", "non_task": "NON_TASK"}
TYPE_ORDER = ("IN_PROGRESS", "TODO", "ON_HOLD", "DONE", "CANCELLED", "NON_TASK")
ALL_STATUSES = frozenset(STATUSES)
# The dependency ids (🆔) of the vault's unfinished tasks, and the ids its unfinished tasks depend on (⛔).
Dependencies = tuple[frozenset[str], frozenset[str]]


@dataclass(frozen=True)
class Context:
    """What reading a query needs besides its words: today's date, the owner names ``me`` stands for, and
    Obsidian Tasks' global filter (which ``description`` filters do not see)."""

    today: date
    me: tuple[str, ...] = ()
    global_filter: str = ""
    dependencies: Callable[[], Dependencies] | None = None  # for ``is blocked`` and ``is blocking``
    presets: Mapping[str, str] | None = None  # the vault's own ``preset NAME`` instructions, besides Tasks' own
    global_query: str = ""  # Obsidian Tasks' global query: instructions before every query's own


@dataclass(frozen=True)
class Filter:
    """A filter: ``test`` decides. ``statuses`` and ``sql`` only narrow what the store selects before the tests
    run: every task that passes has one of ``statuses`` and meets ``sql``, a condition on the store's tasks ``t``
    and notes ``n`` with ``params`` (``casefold(x)`` is Python's ``str.casefold``)."""

    explanation: str
    test: Test
    statuses: frozenset[str] = ALL_STATUSES
    sql: str | None = None
    params: tuple[Any, ...] = ()


# -- the pieces of a task that filters, sorts and groups read --------------------------------------------


def root(task: Task) -> str:
    """The top folder of the task's note, with a trailing ``/`` (``/`` at the top of the vault)."""
    parts = PurePosixPath(task.path).parts
    return f"{parts[0]}/" if len(parts) > 1 else "/"


def folder(task: Task) -> str:
    parent = str(PurePosixPath(task.path).parent)
    return "/" if parent == "." else f"{parent}/"


def filename(task: Task) -> str:
    return PurePosixPath(task.path).name


def tasks_description(task: Task, global_filter: str = "") -> str:
    """The description as Obsidian Tasks sees it: with the tags and ``@owners`` written after it (Tasks keeps
    tags in the description, and our owners are words to it), without the first occurrence of the global
    filter."""
    words = task.description.split()
    extra = [f"@{o}" for o in task.owners if f"@{o}" in task.raw and f"@{o}" not in words]
    extra += [tag for tag in task.tags if tag not in words]
    text = " ".join([task.description, *extra]) if extra else task.description
    return text.replace(global_filter, "", 1).strip() if global_filter else text


TEXT_FIELDS: dict[str, Callable[[Task], str]] = {
    "description": tasks_description,
    "path": lambda task: task.path,
    "root": root,
    "folder": folder,
    "filename": filename,
    "heading": lambda task: task.heading or "",
    "status.name": lambda task: task.status,
    "recurrence": lambda task: task.recurrence or "",
    "id": lambda task: task.task_id or "",
}
# The text in the store that holds each text field's value, in which every part of the value can be found.
_TEXT_SQL = {"path": "'/' || n.path", "root": "'/' || n.path", "folder": "'/' || n.path", "filename": "n.path",
             "heading": "coalesce(t.heading, '')", "description": "t.raw", "id": "coalesce(t.task_id, '')"}

# The date fields of the query language -> the fields of a task they read.
DATE_WORDS: dict[str, tuple[str, ...]] = {
    "due": ("due",), "scheduled": ("scheduled",), "starts": ("start",), "start": ("start",),
    "created": ("created",), "done": ("done",), "cancelled": ("cancelled",),
    "happens": ("start", "scheduled", "due"),
}


# -- reading one filter ----------------------------------------------------------------------------------

_DATE_RE = re.compile(
    rf"({'|'.join(DATE_WORDS)})\s+(on or before|on or after|in or before|in or after|before|after|on|in)?\s*(.+)")
_HAS_DATE_RE = re.compile(rf"(has|no)\s+({'|'.join(DATE_WORDS)})\s+date")
_INVALID_RE = re.compile(rf"({'|'.join(DATE_WORDS)})\s+date\s+is\s+invalid")
_TEXT_RE = re.compile(
    rf"({'|'.join(re.escape(f) for f in TEXT_FIELDS)})\s+"
    r"(includes|does not include|regex matches|regex does not match)\s+(.*)", re.IGNORECASE)
_TAGS_RE = re.compile(
    r"tags?\s+(includes?|do not include|does not include|regex matches|regex does not match)\s+(.+)", re.IGNORECASE)
_STATUS_TYPE_RE = re.compile(r"status\.type\s+is(\s+not)?\s+(\S+)")
_PRIORITY_RE = re.compile(r"priority\s+is\s+(?:(above|below|not)\s+)?(\S+)")
_OWNER_RE = re.compile(r"owner\s+(is not|is|includes|does not include)\s+(.+)", re.IGNORECASE)
_PROPERTY_RE = re.compile(r"property\s+(\S+)\s+is\s+(.+)", re.IGNORECASE)


def parse_filter(text: str, ctx: Context) -> Filter | None:
    """The filter ``text`` is (``None`` when it is no filter); ``UsageError`` for a filter with a bad value."""
    lower = text.lower()
    for reader in _READERS:
        found = reader(text, lower, ctx)
        if found is not None:
            return found
    return None


def _statuses(explanation: str, statuses: frozenset[str]) -> Filter:
    """The filter that keeps the tasks of these statuses."""
    return Filter(explanation, lambda t: t.status in statuses, statuses,
                  f"t.status IN ({','.join('?' * len(statuses))})", tuple(sorted(statuses)))


def _fixed(text: str, lower: str, ctx: Context) -> Filter | None:
    fixed = {
        "done": _statuses("done (status type DONE, CANCELLED or NON_TASK)", frozenset(FINISHED)),
        "not done": _statuses("not done (status type TODO, IN_PROGRESS or ON_HOLD)", ALL_STATUSES - set(FINISHED)),
        "is recurring": Filter("is recurring", lambda t: t.recurrence is not None, sql="t.recurrence IS NOT NULL"),
        "is not recurring": Filter("is not recurring", lambda t: t.recurrence is None, sql="t.recurrence IS NULL"),
        "has tags": Filter("has tags", lambda t: bool(t.tags), sql="t.tag_keys != '\x1f'"),
        "no tags": Filter("no tags", lambda t: not t.tags, sql="t.tag_keys = '\x1f'"),
        "has inferred due date": Filter("has a due date inferred from its words (a tasktrack filter)",
                                        lambda t: t.inferred_due is not None, sql="t.inferred_due IS NOT NULL"),
    }
    return fixed.get(" ".join(lower.split()))


def _dependency(text: str, lower: str, ctx: Context) -> Filter | None:
    """``has id``, ``no id``, ``has depends on``, ``no depends on``, ``is (not) blocked``, ``is (not) blocking``:
    a task is blocked when it is not done and depends on the id of a task that is not done; it is blocking when
    it is not done and a task that is not done depends on its id (as Obsidian Tasks)."""
    words = " ".join(lower.split())
    fields = {
        "has id": Filter("has an id", lambda t: bool(t.task_id), sql="t.task_id IS NOT NULL"),
        "no id": Filter("has no id", lambda t: not t.task_id, sql="t.task_id IS NULL"),
        "has depends on": Filter("depends on a task", lambda t: bool(t.depends_on), sql="t.depends_on != '[]'"),
        "no depends on": Filter("depends on no task", lambda t: not t.depends_on, sql="t.depends_on = '[]'"),
    }
    if words in fields:
        return fields[words]
    m = re.fullmatch(r"is (not )?(blocked|blocking)", words)
    if m is None:
        return None
    if ctx.dependencies is None:
        raise UsageError("dependency filters need the vault's tasks")
    known = ctx.dependencies
    if m.group(2) == "blocked":
        test: Test = lambda t: not t.finished and any(i in known()[0] for i in t.depends_on)  # noqa: E731
        sql = "t.depends_on != '[]'"
        explanation = "blocked (not done, and depends on a task that is not done)"
    else:
        test = lambda t: not t.finished and t.task_id is not None and t.task_id in known()[1]  # noqa: E731
        sql = "t.task_id IS NOT NULL"
        explanation = "blocking (not done, and a task that is not done depends on it)"
    if m.group(1):
        return Filter(f"not {explanation}", lambda t: not test(t))
    return Filter(explanation, test, ALL_STATUSES - set(FINISHED), sql)


def _status_type(text: str, lower: str, ctx: Context) -> Filter | None:
    m = _STATUS_TYPE_RE.fullmatch(lower)
    if m is None:
        return None
    kind = m.group(2).upper()
    if kind not in TYPE_ORDER:
        raise UsageError(f"unknown status type {m.group(2)!r}: use {', '.join(TYPE_ORDER)}")
    matching = frozenset(status for status, type_ in STATUS_TYPES.items() if type_ == kind)
    if m.group(1):
        rest = ALL_STATUSES - matching
        return _statuses(f"status type is not {kind} (status {', '.join(sorted(rest))})", rest)
    return _statuses(f"status type is {kind} (status {', '.join(sorted(matching))})", matching)


def _has_date(text: str, lower: str, ctx: Context) -> Filter | None:
    m = _HAS_DATE_RE.fullmatch(" ".join(lower.split()))
    if m is None:
        return None
    fields = DATE_WORDS[m.group(2)]
    written: Test = lambda t: any(t.date(f) or invalid_date(t, f) for f in fields)  # noqa: E731
    if m.group(1) == "has":
        return Filter(f"has a {' or '.join(fields)} date (a date that is not real too)", written,
                      sql=" OR ".join(f"t.{f} IS NOT NULL OR instr(t.raw, ?) > 0 OR instr(t.raw, ?) > 0"
                                      for f in fields),
                      params=tuple(p for f in fields for p in (DATE_EMOJI[f], f"[{DATAVIEW_KEY_OF[f]}::")))
    return Filter(f"has no {' and no '.join(fields)} date", lambda t: not written(t),
                  sql=" AND ".join(f"t.{f} IS NULL" for f in fields))


def _invalid_date(text: str, lower: str, ctx: Context) -> Filter | None:
    m = _INVALID_RE.fullmatch(" ".join(lower.split()))
    if m is None:
        return None
    if m.group(1) == "happens":
        raise UsageError("`happens date is invalid` is not a filter: name one date field")
    name = DATE_WORDS[m.group(1)][0]
    return Filter(f"{name} date is written but is not a real date", lambda t: invalid_date(t, name))


# A date field as written in a task line: its emoji or its Dataview key, and a date.
_WRITTEN_DATE_RES = {name: re.compile(rf"(?:{emoji}\ufe0f?\s*|\[{DATAVIEW_KEY_OF[name]}::\s*)(\d{{4}}-\d\d-\d\d)")
                     for name, emoji in DATE_EMOJI.items()}


def invalid_date(task: Task, name: str) -> bool:
    """The date field ``name`` is written in the task's line but is no real date (``📅 2026-02-30``): Obsidian
    Tasks keeps it as an invalid date, which ``has … date`` counts and no date range holds."""
    return task.date(name) is None and _WRITTEN_DATE_RES[name].search(task.raw) is not None


def _date(text: str, lower: str, ctx: Context) -> Filter | None:
    m = _DATE_RE.fullmatch(" ".join(lower.split()))
    if m is None:
        return None
    word, operator, value = m.group(1), m.group(2) or "on", m.group(3)
    fields = DATE_WORDS[word]
    first, last = parse_range(value, ctx.today)
    inside = _date_test(operator, (first, last))
    span = first.isoformat() if first == last else f"{first.isoformat()} to {last.isoformat()}"
    explanation = f"{word} {operator} {span}"
    condition, bounds = _DATE_SQL[operator], {"on": (first, last), "in": (first, last)}.get(operator, (first,))
    if operator in ("after", "on or before", "in or before"):
        bounds = (last,)
    params = tuple(b.isoformat() for b in bounds)
    if word in ("starts", "start"):
        return Filter(explanation + " (or no start date)",
                      lambda t: inside(t.start) if t.start else not invalid_date(t, "start"),
                      sql=f"t.start IS NULL OR t.start {condition}", params=params)
    if len(fields) > 1:
        return Filter(explanation + f" (any of {', '.join(fields)})",
                      lambda t: any((d := t.date(f)) is not None and inside(d) for f in fields),
                      sql=" OR ".join(f"t.{f} {condition}" for f in fields), params=params * len(fields))
    name = fields[0]
    return Filter(explanation, lambda t: (d := t.date(name)) is not None and inside(d),
                  sql=f"t.{name} {condition}", params=params)


# Each operator's condition on a date column (a missing date meets none), with the bounds the test uses.
_DATE_SQL = {"on": "BETWEEN ? AND ?", "in": "BETWEEN ? AND ?", "before": "< ?", "after": "> ?",
             "on or before": "<= ?", "in or before": "<= ?", "on or after": ">= ?", "in or after": ">= ?"}


def _date_test(operator: str, span: DateRange) -> Callable[[str], bool]:
    """The test of a ``YYYY-MM-DD`` date for ``operator`` and the inclusive ``span``."""
    first, last = span[0].isoformat(), span[1].isoformat()
    tests: dict[str, Callable[[str], bool]] = {
        "on": lambda d: first <= d <= last, "in": lambda d: first <= d <= last,
        "before": lambda d: d < first, "after": lambda d: d > last,
        "on or before": lambda d: d <= last, "in or before": lambda d: d <= last,
        "on or after": lambda d: d >= first, "in or after": lambda d: d >= first,
    }
    return tests[operator]


def _text(text: str, lower: str, ctx: Context) -> Filter | None:
    m = _TEXT_RE.fullmatch(text.strip())
    if m is None:
        return None
    field, operator, value = m.group(1).lower(), m.group(2).lower(), m.group(3).strip()
    get = TEXT_FIELDS[field]
    if field == "description" and ctx.global_filter:
        get = lambda t: tasks_description(t, ctx.global_filter)  # noqa: E731
    matches = _matcher(operator, value)
    explanation = f"{field} {operator} {value}"
    source = _TEXT_SQL.get(field)
    if operator != "includes" or source is None or (field == "description" and ctx.global_filter):
        return Filter(explanation, lambda t: matches(get(t)))
    # Each part of the value between spaces is found in the store's text (a part of the field's value is)
    parts = tuple(value.casefold().split())
    return Filter(explanation, lambda t: matches(get(t)),
                  sql=" AND ".join(f"instr(casefold({source}), ?) > 0" for _ in parts) or None, params=parts)


def _matcher(operator: str, value: str) -> Callable[[str], bool]:
    """``includes``/``does not include`` (a part, any case) or ``regex (does not) match(es)`` of ``value``."""
    if operator.startswith("regex"):
        pattern = parse_regex(value)
        if "not" in operator:
            return lambda s: pattern.search(s) is None
        return lambda s: pattern.search(s) is not None
    needle = value.casefold()
    if "not" in operator:
        return lambda s: needle not in s.casefold()
    return lambda s: needle in s.casefold()


def parse_regex(value: str) -> re.Pattern[str]:
    """A JavaScript regular expression ``/pattern/flags`` (flags ``i``, ``m``, ``s``, ``u``)."""
    m = re.fullmatch(r"/(.*)/([a-z]*)", value.strip(), re.DOTALL)
    if m is None or not m.group(1):
        raise UsageError(f"a regular expression is written /pattern/flags, not {value!r}")
    flags = 0
    for flag in m.group(2):
        if flag not in "imsu":
            raise UsageError(f"unknown regular expression flag {flag!r} in {value!r}: use i, m, s or u")
        flags |= {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "u": 0}[flag]
    try:
        return re.compile(m.group(1), flags)
    except re.error as exc:
        raise UsageError(f"{value!r} is not a regular expression tasktrack can read: {exc}") from None


def _tags(text: str, lower: str, ctx: Context) -> Filter | None:
    m = _TAGS_RE.fullmatch(text.strip())
    if m is None:
        return None
    operator, value = m.group(1).lower(), m.group(2).strip()
    negated = "not" in operator
    matches = _matcher(operator.replace("not ", "") if negated else operator, value)
    if negated:
        return Filter(f"no tag {operator.replace('do not ', '').replace('does not ', '')} {value}",
                      lambda t: not any(matches(tag) for tag in t.tags))
    explanation = f"a tag {operator} {value}"
    if operator.startswith("regex") or not value:
        return Filter(explanation, lambda t: any(matches(tag) for tag in t.tags))
    # the store's tag_keys holds every tag case-folded, its # written as the \x1f that separates them
    return Filter(explanation, lambda t: any(matches(tag) for tag in t.tags),
                  sql="instr(t.tag_keys, ?) > 0", params=(value.casefold().replace("#", "\x1f"),))


def _priority(text: str, lower: str, ctx: Context) -> Filter | None:
    m = _PRIORITY_RE.fullmatch(" ".join(lower.split()))
    if m is None:
        return None
    relation, level = m.group(1), parse_priority(m.group(2))
    rank = PRIORITY_RANK[level]
    tests: dict[str | None, Test] = {
        None: lambda t: PRIORITY_RANK[t.priority] == rank, "not": lambda t: PRIORITY_RANK[t.priority] != rank,
        "above": lambda t: PRIORITY_RANK[t.priority] < rank, "below": lambda t: PRIORITY_RANK[t.priority] > rank,
    }
    compare = {None: "=", "not": "!=", "above": "<", "below": ">"}[relation]  # the store keeps the rank
    return Filter(f"priority is {relation + ' ' if relation else ''}{level}", tests[relation],
                  sql=f"t.priority {compare} ?", params=(rank,))


def _owner(text: str, lower: str, ctx: Context) -> Filter | None:
    m = _OWNER_RE.fullmatch(text.strip())
    if m is None:
        return None
    operator, value = m.group(1).lower(), m.group(2).strip()
    if operator.startswith("is"):
        names = {n.casefold() for n in (ctx.me if value.lower() == "me" else (value.lstrip("@"),))}
        has: Test = lambda t: any(o.casefold() in names for o in t.owners)  # noqa: E731
        keys = tuple(list_keys([name]) for name in sorted(names))  # as the store's owner_keys hold them
    else:
        part = value.lstrip("@").casefold()
        has = lambda t: any(part in o.casefold() for o in t.owners)  # noqa: E731
        keys = (part,)
    shown = f"{value} ({', '.join(ctx.me)})" if value.lower() == "me" else value
    if "not" in operator:
        return Filter(f"owner {operator} {shown} (a tasktrack filter)", lambda t: not has(t))
    return Filter(f"owner {operator} {shown} (a tasktrack filter)", has,
                  sql=" OR ".join("instr(t.owner_keys, ?) > 0" for _ in keys) or "0", params=keys)


def _property(text: str, lower: str, ctx: Context) -> Filter | None:
    m = _PROPERTY_RE.fullmatch(text.strip())
    if m is None:
        return None
    key, value = m.group(1), m.group(2).strip()
    return Filter(f"the note's property {key} is {value} (a tasktrack filter)",
                  lambda t: _property_is(t.properties, key, value),
                  sql="EXISTS (SELECT 1 FROM json_each(n.properties) p WHERE casefold(p.key) = ?)",
                  params=(key.casefold(),))


def _property_is(properties: dict[str, Any], key: str, value: str) -> bool:
    """As ``tasks list --prop``: any case, and a list property matches when one of its items does."""
    found = next((v for k, v in properties.items() if k.casefold() == key.casefold()), None)
    values = found if isinstance(found, list) else [found]
    return any(v is not None and str(v).casefold() == value.casefold() for v in values)


_READERS: tuple[Callable[[str, str, Context], Filter | None], ...] = (
    _fixed, _dependency, _status_type, _has_date, _invalid_date, _date, _text, _tags, _priority, _owner, _property,
)
