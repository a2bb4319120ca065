"""``sort by`` and ``group by`` of the query language, and the urgency score of Obsidian Tasks.

Sort keys put a missing date (or heading) last; the default keys ``status.type, urgency, due, priority, path``
always follow the query's own. Groups are in the order of their names (status types and priorities in their
own order), and within a group the tasks keep their sorted order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from tasktrack.errors import UsageError
from tasktrack.grouping import group_tasks
from tasktrack.model import FINISHED, PRIORITY_RANK, Task
from tasktrack.tasksquery.filters import STATUS_TYPES, TYPE_ORDER, filename, root

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


def _happens(task: Task) -> str | None:
    dates = [d for d in (task.start, task.scheduled, task.due) if d]
    return min(dates) if dates else None


def sort_functions(today: date) -> dict[str, SortFunction]:
    """Each ``sort by`` key and how it orders tasks."""
    functions: dict[str, SortFunction] = {
        "status": lambda t: t.status in FINISHED,
        "status.type": lambda t: TYPE_ORDER.index(STATUS_TYPES[t.status]),
        "urgency": lambda t: -urgency(t, today),
        "happens": _missing_last(_happens),
        "priority": lambda t: PRIORITY_RANK[t.priority],
        "path": lambda t: t.path,
        "filename": lambda t: filename(t),
        "heading": _missing_last(lambda t: t.heading),
        "description": lambda t: t.description.casefold(),
        "id": lambda t: t.id,
    }
    for name in ("due", "scheduled", "start", "created", "done", "cancelled"):
        functions[name] = _missing_last(lambda t, name=name: t.date(name))  # type: ignore[misc]
    return functions


DEFAULT_SORT = ("status.type", "urgency", "due", "priority", "path")


def sort_key(words: str, today: date) -> SortKey:
    """``sort by WORDS``: a key, maybe followed by ``reverse``."""
    parts = words.lower().split()
    reverse = len(parts) == 2 and parts[1] == "reverse"
    functions = sort_functions(today)
    if not parts or len(parts) > 1 + reverse or parts[0] not in functions:
        raise UsageError(f"tasktrack sorts by {', '.join(functions)} (each maybe `reverse`)")
    return SortKey(parts[0], functions[parts[0]], reverse)


def sort_tasks(tasks: Sequence[Task], keys: Sequence[SortKey]) -> list[Task]:
    """``tasks`` ordered by ``keys``, the first deciding first; ties keep the order they came in."""
    result = list(tasks)
    for key in reversed(keys):
        result.sort(key=key.key, reverse=key.reverse)
    return result


# -- group by ---------------------------------------------------------------------------------------------

_LIST_KEYS = {"owner": "owner", "note": "note", "folder": "folder", "heading": "heading", "due": "due",
              "priority": "priority", "status": "status", "tag": "tag", "tags": "tag"}
_OWN_KEYS: dict[str, Callable[[Task], str]] = {
    "status.type": lambda t: STATUS_TYPES[t.status],
    "filename": filename,
    "path": lambda t: t.path,
    "root": root,
    "recurring": lambda t: "Recurring" if t.recurrence else "Not Recurring",
}
GROUP_KEYS = (*_LIST_KEYS, *_OWN_KEYS, "property KEY")


@dataclass(frozen=True)
class GroupKey:
    name: str
    reverse: bool = False

    def groups(self, tasks: Sequence[Task]) -> list[tuple[str, list[Task]]]:
        found = _own_groups(tasks, self.name) if self.name in _OWN_KEYS else group_tasks(tasks, self.name)
        return found[::-1] if self.reverse else found


def group_key(words: str) -> GroupKey:
    """``group by WORDS``: a key, maybe followed by ``reverse``; ``property KEY`` groups by a note property."""
    parts = words.split()
    reverse = len(parts) > 1 and parts[-1].lower() == "reverse"
    parts = parts[:-1] if reverse else parts
    if len(parts) == 2 and parts[0].lower() == "property":
        return GroupKey(f"prop:{parts[1]}", reverse)
    if len(parts) == 1 and parts[0].lower() in _LIST_KEYS:
        return GroupKey(_LIST_KEYS[parts[0].lower()], reverse)
    if len(parts) == 1 and parts[0].lower() in _OWN_KEYS:
        return GroupKey(parts[0].lower(), reverse)
    raise UsageError(f"tasktrack groups by {', '.join(GROUP_KEYS)} (each maybe `reverse`)")


def _own_groups(tasks: Sequence[Task], name: str) -> list[tuple[str, list[Task]]]:
    get = _OWN_KEYS[name]
    groups: dict[str, list[Task]] = {}
    for task in tasks:
        groups.setdefault(get(task), []).append(task)
    if name == "status.type":
        order = sorted(groups, key=TYPE_ORDER.index)
    else:
        order = sorted(groups, key=lambda g: (g.casefold(), g))
    return [(group, groups[group]) for group in order]
