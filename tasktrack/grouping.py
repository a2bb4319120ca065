"""Tasks in groups: by owner, note, folder, heading, due date, priority, status, tag or a note property.

A task with several owners or tags is in the group of each; a task with none is in the "no …" group, which
comes last. Groups are in the order of their names (priorities and statuses in their own order); within a group, tasks
keep the order they came in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import PurePosixPath

from tasktrack.errors import UsageError
from tasktrack.model import PRIORITY_RANK, STATUSES, Task

KEYS = ("owner", "note", "folder", "heading", "due", "priority", "status", "tag", "prop:KEY")


def check_key(key: str) -> str:
    """The group key as the user typed it, checked (``prop:account``, ``owner``, …)."""
    key = key.strip()
    if key in KEYS[:-1] or (key.startswith("prop:") and key[5:].strip()):
        return key if not key.startswith("prop:") else f"prop:{key[5:].strip()}"
    raise UsageError(f"--group-by wants one of {', '.join(KEYS)}, not {key!r}")


def group_tasks(tasks: Sequence[Task], key: str) -> list[tuple[str, list[Task]]]:
    """``(name, tasks)`` for each group of ``tasks`` by ``key`` (see ``check_key``)."""
    names_of, none = _names(key)
    groups: dict[str, list[Task]] = {}
    for task in tasks:
        for name in names_of(task) or [none]:
            groups.setdefault(name, []).append(task)
    rank = _RANKS.get(key, {})
    order = sorted(groups, key=lambda name: (name == none, rank.get(name, 0), name.casefold(), name))
    return [(name, groups[name]) for name in order]


_RANKS = {"priority": PRIORITY_RANK, "status": {status: i for i, status in enumerate(STATUSES)}}


def _names(key: str) -> tuple[Callable[[Task], list[str]], str]:
    """How to name the groups of a task for ``key``, and the name of the group of tasks that have none."""
    if key.startswith("prop:"):
        prop = key[5:]
        return (lambda task: _property(task, prop)), f"no {prop}"
    simple: dict[str, tuple[Callable[[Task], list[str]], str]] = {
        "owner": (lambda task: list(task.owners), "no owner"),
        "note": (lambda task: [task.note_title or PurePosixPath(task.path).stem], ""),
        "folder": (lambda task: [str(PurePosixPath(task.path).parent).removeprefix(".") + "/"], ""),
        "heading": (lambda task: [task.heading] if task.heading else [], "no heading"),
        "due": (lambda task: [task.due] if task.due else [], "no due date"),
        "priority": (lambda task: [task.priority], ""),
        "status": (lambda task: [task.status], ""),
        "tag": (lambda task: list(dict.fromkeys(task.tags)), "no tags"),
    }
    return simple[key]


def _property(task: Task, key: str) -> list[str]:
    value = next((v for k, v in task.properties.items() if k.casefold() == key.casefold()), None)
    values = value if isinstance(value, list) else [value]
    return [str(v).strip() for v in values if v is not None and str(v).strip()]
