"""``sort by`` and ``group by`` of the query language, and the urgency score of Obsidian Tasks.

Sort keys put a date that is not real first and a missing date (or heading) last; the default keys
``status.type, urgency, due, priority, path`` always follow the query's own. Groups are in the order of their
names (status types and priorities in their own order), and within a group the tasks keep their sorted order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from tasktrack.errors import UsageError
from tasktrack.grouping import group_tasks
from tasktrack.model import FINISHED, PRIORITY_RANK, WEEKDAYS, Task
from tasktrack.tasksquery.filters import STATUS_TYPES, TYPE_ORDER, filename, invalid_date, root, tasks_description

SortFunction = Callable[[Task], Any]

# 6 × the weight of each priority (Obsidian Tasks' src/Task/Urgency.ts).
_PRIORITY_URGENCY = {"highest": 9.0, "high": 6.0, "medium": 3.9, "normal": 1.95, "low": 0.0, "lowest": -1.8}


def urgency(task: Task, today: date) -> float:
    """The urgency score: from the due date (up to 12), scheduled today or earlier (+5), a start date still
    to come (−3), and the priority."""
    score = _PRIORITY_URGENCY[task.priority]
    if task.due:
        overdue = (today - date.fromisoformat(task.due)).days
        if overdue >= 7:
            factor = 1.0
        elif overdue >= -14:
            factor = (overdue + 14) * 0.8 / 21 + 0.2
        else:
            factor = 0.2
        score += 12 * factor
    if task.scheduled and task.scheduled <= today.isoformat():
        score += 5
    if task.start and task.start > today.isoformat():
        score -= 3
    return round(score, 5)


@dataclass(frozen=True)
class SortKey:
    name: str
    key: SortFunction
    reverse: bool = False


def _missing_last(get: Callable[[Task], str | None]) -> SortFunction:
    return lambda task: (0, value) if (value := get(task)) is not None else (1, "")


def _date_key(name: str) -> SortFunction:
    """A date field's order, as Obsidian Tasks compares dates: a date that is not real first (so that it is
    seen), then the dates, then no date."""
    def key(task: Task) -> tuple[int, str]:
        value = task.date(name)
        if value is not None:
            return 1, value
        return (0, "") if invalid_date(task, name) else (2, "")
    return key


def _happens(task: Task) -> str | None:
    dates = [d for d in (task.start, task.scheduled, task.due) if d]
    return min(dates) if dates else None


def random_key(task: Task, today: date) -> int:
    """``sort by random``: Obsidian Tasks' hash of today's date and the description (TinySimpleHash, on 32-bit
    integers and UTF-16 code units as JavaScript computes it): the same order all day, another tomorrow."""
    text = f"{today.isoformat()} {tasks_description(task)}".encode("utf-16-le")
    h = 9
    for i in range(0, len(text), 2):
        h = _int32((h ^ int.from_bytes(text[i:i + 2], "little")) * 9**9)
    return _int32(h ^ ((h & 0xFFFFFFFF) >> 9))


def _int32(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value >= 1 << 31 else value


def _tag_key(n: int) -> SortFunction:
    """``sort by tag N``: by the Nth tag (any case); tasks with fewer tags after."""
    return lambda t: (0, t.tags[n - 1].casefold()) if len(t.tags) >= n else (1, "")


def sort_functions(today: date) -> dict[str, SortFunction]:
    """Each ``sort by`` key and how it orders tasks."""
    functions: dict[str, SortFunction] = {
        "status": lambda t: t.status in FINISHED,
        "status.type": lambda t: TYPE_ORDER.index(STATUS_TYPES[t.status]),
        "status.name": lambda t: t.status,
        "urgency": lambda t: -urgency(t, today),
        "happens": _missing_last(_happens),
        "priority": lambda t: PRIORITY_RANK[t.priority],
        "path": lambda t: t.path,
        "filename": lambda t: filename(t),
        "heading": _missing_last(lambda t: t.heading),
        "description": lambda t: t.description.casefold(),
        "id": lambda t: t.task_id or "",
        "recurring": lambda t: t.recurrence is None,
        "random": lambda t: random_key(t, today),
        "tag": _tag_key(1),
    }
    for name in ("due", "scheduled", "start", "created", "done", "cancelled"):
        functions[name] = _date_key(name)
    return functions


DEFAULT_SORT = ("status.type", "urgency", "due", "priority", "path")


def sort_key(words: str, today: date) -> SortKey:
    """``sort by WORDS``: a key, maybe followed by ``reverse``."""
    parts = words.lower().split()
    reverse = "reverse" in parts[1:]
    rest = [part for part in parts[1:] if part != "reverse"]
    functions = sort_functions(today)
    if parts[:1] == ["tag"] and len(rest) == 1 and rest[0].isdigit() and int(rest[0]) > 0:
        return SortKey(f"tag {rest[0]}", _tag_key(int(rest[0])), reverse)
    if not parts or len(parts) > 1 + reverse or parts[0] not in functions:
        raise UsageError(f"tasktrack sorts by {', '.join(functions)} (each maybe `reverse`; `tag N`)")
    return SortKey(parts[0], functions[parts[0]], reverse)


def sort_tasks(tasks: Sequence[Task], keys: Sequence[SortKey]) -> list[Task]:
    """``tasks`` ordered by ``keys``, the first deciding first; ties keep the order they came in."""
    result = list(tasks)
    for key in reversed(keys):
        result.sort(key=key.key, reverse=key.reverse)
    return result


# -- group by ---------------------------------------------------------------------------------------------

_LIST_KEYS = {"owner": "owner", "note": "note", "folder": "folder", "status": "status"}


def _date_group(field: str, get: Callable[[Task], str | None]) -> Callable[[Task], list[str]]:
    """Obsidian Tasks' group of a date: ``2026-11-24 Tuesday``, or ``No due date``."""
    def names(task: Task) -> list[str]:
        value = get(task)
        if value is None:
            return [f"No {field} date"]
        return [f"{value} {WEEKDAYS[date.fromisoformat(value).weekday()].capitalize()}"]
    return names


# Each group key of Obsidian Tasks: the names of a task's groups, and the order of the groups (by their names
# unless said here), as Tasks shows them.
_OWN_KEYS: dict[str, Callable[[Task], list[str]]] = {
    "status.type": lambda t: [STATUS_TYPES[t.status]],
    "status.name": lambda t: [t.status],
    "filename": lambda t: [filename(t)],
    "path": lambda t: [t.path],
    "heading": lambda t: [t.heading or "(No heading)"],
    "root": lambda t: [root(t)],
    "recurring": lambda t: ["Recurring" if t.recurrence else "Not Recurring"],
    "recurrence": lambda t: [t.recurrence or "None"],
    "priority": lambda t: [f"{t.priority.capitalize()} priority"],
    "tags": lambda t: list(dict.fromkeys(t.tags)) or ["(No tags)"],
    "id": lambda t: [t.task_id or ""],
    "happens": _date_group("happens", _happens),
    **{name: _date_group(name, lambda t, name=name: t.date(name)) for name in  # type: ignore[misc]
       ("due", "scheduled", "start", "created", "done", "cancelled")},
}
_ORDERS: dict[str, Callable[[str], Any]] = {
    "status.type": TYPE_ORDER.index,
    "priority": lambda name: PRIORITY_RANK[name.split()[0].lower()],
}
GROUP_KEYS = (*_LIST_KEYS, *_OWN_KEYS, "urgency", "property KEY")


@dataclass(frozen=True)
class GroupKey:
    name: str
    reverse: bool = False

    today: date | None = None  # for ``urgency``

    def groups(self, tasks: Sequence[Task]) -> list[tuple[str, list[Task]]]:
        if self.name == "urgency":  # the most urgent first, as in Tasks
            found = _own_groups(tasks, lambda t: [f"{urgency(t, self.today or date.today()):.2f}"],
                                lambda name: -float(name))
        elif self.name in _OWN_KEYS:
            found = _own_groups(tasks, _OWN_KEYS[self.name], _ORDERS.get(self.name))
        else:
            found = group_tasks(tasks, self.name)
        return found[::-1] if self.reverse else found


def group_key(words: str, today: date | None = None) -> GroupKey:
    """``group by WORDS``: a key, maybe followed by ``reverse``; ``property KEY`` groups by a note property."""
    parts = words.split()
    reverse = len(parts) > 1 and parts[-1].lower() == "reverse"
    parts = parts[:-1] if reverse else parts
    if len(parts) == 2 and parts[0].lower() == "property":
        return GroupKey(f"prop:{parts[1]}", reverse)
    if len(parts) == 1 and parts[0].lower() in _LIST_KEYS:
        return GroupKey(_LIST_KEYS[parts[0].lower()], reverse)
    if len(parts) == 1 and parts[0].lower() in ("tag", "tags"):
        return GroupKey("tags", reverse)
    if len(parts) == 1 and (parts[0].lower() in _OWN_KEYS or parts[0].lower() == "urgency"):
        return GroupKey(parts[0].lower(), reverse, today)
    raise UsageError(f"tasktrack groups by {', '.join(GROUP_KEYS)} (each maybe `reverse`)")


def _own_groups(tasks: Sequence[Task], names: Callable[[Task], list[str]],
                order: Callable[[str], Any] | None) -> list[tuple[str, list[Task]]]:
    """A task is in the group of each of its names (a task with two tags, in two groups)."""
    groups: dict[str, list[Task]] = {}
    for task in tasks:
        for name in names(task):
            groups.setdefault(name, []).append(task)
    ordered = sorted(groups, key=order or (lambda g: (g.casefold(), g)))
    return [(group, groups[group]) for group in ordered]
