"""An iCalendar file of tasks: one VTODO per task with a due or scheduled date, for a calendar app to import or
subscribe to. Each VTODO's UID comes from the task's id, so exporting again updates the same to-dos."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path

from icalendar import Calendar, Todo

from tasktrack import __version__
from tasktrack.model import Task
from tasktrack.obsidian import obsidian_url

PRODID = f"-//tasktrack//tasktrack {__version__}//EN"
UID_DOMAIN = "tasktrack"

# Our status -> the VTODO STATUS (RFC 5545); a line that is not a task has no place in a calendar.
ICAL_STATUS = {
    "proposed": "NEEDS-ACTION",
    "open": "NEEDS-ACTION",
    "deferred": "NEEDS-ACTION",
    "in_progress": "IN-PROCESS",
    "done": "COMPLETED",
    "cancelled": "CANCELLED",
}
# Our priority -> the VTODO PRIORITY (1 highest .. 9 lowest); a normal priority is left out (undefined).
ICAL_PRIORITY = {"highest": 1, "high": 3, "medium": 5, "low": 7, "lowest": 9}


@dataclass(slots=True)
class CalendarExport:
    """The calendar file's bytes, how many to-dos it holds, and what it left out (a line each)."""

    data: bytes
    count: int
    left_out: list[str] = field(default_factory=list)


def uid(task: Task) -> str:
    """The VTODO UID of a task: stable as long as its id is."""
    return f"{task.id}@{UID_DOMAIN}"


def calendar(tasks: Iterable[Task], vault: Path, stamp: datetime) -> CalendarExport:
    """The tasks as an iCalendar file of VTODOs, stamped (DTSTAMP) with ``stamp``."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    export = CalendarExport(b"", 0)
    undated = 0
    for task in tasks:
        if task.status not in ICAL_STATUS:
            continue
        todo = _todo(task, vault, stamp)
        if todo is None:
            undated += 1
            continue
        cal.add_component(todo)
        export.count += 1
    if undated:
        export.left_out.append(f"{undated} task{'s' * (undated != 1)} without a due or scheduled date "
                               f"{'are' if undated != 1 else 'is'} not in the calendar")
    export.data = cal.to_ical()
    return export


def _todo(task: Task, vault: Path, stamp: datetime) -> Todo | None:
    due, scheduled = _day(task, "due"), _day(task, "scheduled")
    if due is None and scheduled is None:
        return None
    todo = Todo()
    todo.add("uid", uid(task))
    todo.add("dtstamp", stamp)
    todo.add("summary", task.description)
    if scheduled is not None:
        todo.add("dtstart", scheduled)
    if due is not None:
        todo.add("due", due)
    todo.add("status", ICAL_STATUS[task.status])
    if task.priority in ICAL_PRIORITY:
        todo.add("priority", ICAL_PRIORITY[task.priority])
    if task.tags:
        todo.add("categories", [tag.lstrip("#") for tag in task.tags])
    done = _day(task, "done") if task.status == "done" else None
    if done is not None:
        todo.add("completed", datetime.combine(done, time(), UTC))
    todo.add("url", obsidian_url(vault, task.path))
    return todo


def _day(task: Task, name: str) -> date | None:
    """The date field ``name`` of a task (the scanner keeps only real dates: an impossible one is a warning)."""
    text = task.date(name)
    return None if text is None else date.fromisoformat(text)
