"""What the TUI reads from the store and the vault and what it writes to them. These functions run in worker
threads, never on the UI thread; each opens its own Workspace (a SQLite connection belongs to its thread)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache, partial

from tasktrack.errors import TaskTrackError
from tasktrack.model import Task
from tasktrack.tasksquery import Context as QueryContext
from tasktrack.tasksquery import Query, arrange
from tasktrack.workspace import Filters, Workspace
from tasktrack.write.capture import add, read_words
from tasktrack.write.merge import merge
from tasktrack.write.triage import Change, Triage

from .source import PAGE

INBOX = Filters(statuses=["proposed"])


@contextlib.contextmanager
def own(ws: Workspace) -> Iterator[Workspace]:
    """A Workspace like ``ws`` for this thread, closed when done."""
    mine = ws.reopen()
    try:
        yield mine
    finally:
        mine.close()


def read_context(ws: Workspace, base: QueryContext) -> QueryContext:
    """``base`` for one read of the view: the vault's dependencies are read when a query needs them (once), by
    the thread that evaluates it, through a workspace of its own."""
    return replace(base, dependencies=cache(partial(_dependencies, ws)))


def _dependencies(ws: Workspace) -> tuple[frozenset[str], frozenset[str]]:
    with own(ws) as mine:
        return mine.dependencies()


@dataclass(frozen=True, slots=True)
class Counts:
    """What the header counts: the Inbox, the notes that could not be read fully, the notes at all."""

    inbox: int = 0
    unreadable: int = 0
    notes: int = 0


def read_counts(ws: Workspace) -> Counts:
    return Counts(ws.count(INBOX), len(ws.unreadable()), ws.note_count())


@dataclass(frozen=True, slots=True)
class ViewData:
    """A view as read: its size, the pages around the cursor, where the cursor goes, and the counts."""

    filters: Filters
    total: int
    pages: dict[int, list[Task]]
    cursor: int
    counts: Counts
    query: Query | None = None  # what narrowed the view after the store (a saved query, a typed Tasks filter)
    gone: frozenset[str] = frozenset()  # the selected tasks that are no longer in the store (their line or note went)


def queried(ws: Workspace, filters: Filters, query: Query) -> list[Task]:
    """Every task of ``filters`` that ``query`` keeps, in the query's order (its groups one after another)."""
    rows = ws.tasks(replace(filters, limit=None, offset=0))
    return arrange([task for task in rows if task.status in query.statuses and query.keeps(task)], query).tasks


def read_page(ws: Workspace, filters: Filters, number: int, query: Query | None = None) -> list[Task]:
    if query is not None:
        return queried(ws, filters, query)[number * PAGE: (number + 1) * PAGE]
    return ws.tasks(replace(filters, limit=PAGE, offset=number * PAGE))


def read_view(ws: Workspace, filters: Filters, keep: str | None, near: int, query: Query | None = None,
              selected: frozenset[str] = frozenset()) -> ViewData:
    """The view (narrowed by ``query``, read whole, if there is one); the cursor on task ``keep`` if it is within
    a page of row ``near``, else on row ``near``; which of the ``selected`` tasks are gone."""
    pages: dict[int, list[Task]] = {}
    if query is None:
        total = ws.count(filters)
    else:
        rows = queried(ws, filters, query)
        total = len(rows)
        pages = {number: rows[number * PAGE: (number + 1) * PAGE] for number in range(0, (total + PAGE - 1) // PAGE)}

    def page(number: int) -> list[Task]:
        if number not in pages:
            pages[number] = read_page(ws, filters, number)
        return pages[number]

    found = None
    if keep:
        for number in range(max(0, near - PAGE) // PAGE, min(total, near + PAGE) // PAGE + 1):
            found = next((number * PAGE + i for i, row in enumerate(page(number)) if row.id == keep), None)
            if found is not None:
                break
    cursor = max(0, min(found if found is not None else near, total - 1))
    for index in (cursor - PAGE // 2, cursor, cursor + PAGE // 2):  # what the screen can show around it
        if 0 <= index < total:
            page(index // PAGE)
    return ViewData(filters, total, pages, cursor, read_counts(ws), query, gone_of(ws, selected))


def gone_of(ws: Workspace, ids: frozenset[str]) -> frozenset[str]:
    """The tasks of ``ids`` that are no longer in the store."""
    return frozenset(task_id for task_id in ids if fresh_task(ws, task_id) is None)


def read_ids(ws: Workspace, filters: Filters, query: Query | None = None) -> list[str]:
    """Every task id of the view."""
    rows = ws.tasks(replace(filters, limit=None, offset=0)) if query is None else queried(ws, filters, query)
    return [task.id for task in rows]


@dataclass(frozen=True, slots=True)
class Written:
    """What a write did: its changes, or (``changes`` None) why it did nothing, in one line; the touched tasks as
    they are now (None: gone), and the counts after it."""

    changes: list[Change] | None
    error: str = ""
    fresh: dict[str, Task | None] = field(default_factory=dict)
    counts: Counts = Counts()


def write(ws: Workspace, label: str, ids: list[str], change: Callable[[Triage], list[Change]]) -> Written:
    """Make a change with the triage verbs. A refusal or a failure is told in one line, never raised."""
    try:
        with own(ws) as mine:
            changes = change(Triage(mine))
            touched = dict.fromkeys([*ids, *(c.task_id for c in changes if c.task_id)])
            return Written(changes, fresh={tid: fresh_task(mine, tid) for tid in touched}, counts=read_counts(mine))
    except TaskTrackError as exc:
        return Written(None, f"{label}: {in_vault(ws, str(exc))}")
    except OSError as exc:
        return Written(None, f"{label}: {cannot_write(ws, exc, ids)}")
    except Exception as exc:  # a failed write must not take the TUI down
        return Written(None, f"{label} failed: {str(exc) or type(exc).__name__}")


def fresh_task(ws: Workspace, task_id: str) -> Task | None:
    try:
        return ws.task(task_id)
    except TaskTrackError:
        return None


def in_vault(ws: Workspace, text: str) -> str:
    """The text with the vault's paths made relative to it, as the list shows them."""
    return text.replace(f"{ws.vault}{os.sep}", "")


def cannot_write(ws: Workspace, exc: OSError, ids: list[str]) -> str:
    reason = exc.strerror or str(exc)
    reason = reason[:1].lower() + reason[1:]
    notes = notes_of(ws, ids)
    if len(notes) == 1:
        return f"cannot write {notes[0]}: {reason}; nothing written"
    name = in_vault(ws, os.fsdecode(exc.filename)) if exc.filename is not None else "a note"
    return f"cannot write {name}: {reason}; stopped there"


def notes_of(ws: Workspace, ids: list[str]) -> list[str]:
    notes: set[str] = set()
    with contextlib.suppress(TaskTrackError, sqlite3.Error), own(ws) as mine:
        for task_id in ids:
            with contextlib.suppress(TaskTrackError):
                notes.add(mine.task(task_id).path)
    return sorted(notes)


def add_task(words: str, day: date, triage: Triage) -> list[Change]:
    """Write a new task into the inbox note, as ``tasks add`` does; the change that made it."""
    ws = triage.ws
    added = add(ws, ws.config.inbox, [read_words(words, day)], create=True)
    task = ws.task_at(added.path, added.lines[0])
    return [Change(task.id if task else None, added.path, added.lines[0], "", added.texts, "add")]


def merge_into(new_id: str, old_id: str, triage: Triage) -> list[Change]:
    """Close ``new_id`` as a repeat of ``old_id``, as ``tasks merge NEW OLD`` does."""
    return merge(triage, new_id, old_id)
