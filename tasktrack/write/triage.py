"""The triage verbs: each one edits task lines in their notes (the source of truth), then re-syncs.

All tasks of a command are checked before anything is written: one bad id, one task already in the
wanted state, one note changed behind our back, and nothing is written at all.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tasktrack.dates import parse_when, today
from tasktrack.errors import TaskTrackError, UsageError, WriteRefused
from tasktrack.model import PROPOSED_TAG, UNFINISHED, Task, owner_name, parse_priority
from tasktrack.parse.grammar import parse_line
from tasktrack.parse.statuses import plugin_settings, writes_dataview
from tasktrack.workspace import Workspace
from tasktrack.write import edits, journal
from tasktrack.write.journal import LineChange, NoteWrite
from tasktrack.write.notes import NoteText, find_line, read_or_none
from tasktrack.write.recurrence import next_dates

VERBS = ("accept", "reject", "done", "reopen", "start", "due", "schedule", "start-date", "priority", "assign")
DATE_VERBS = {"due": "due", "schedule": "scheduled", "start-date": "start"}


class NothingToDo(TaskTrackError):
    """The task is already in the state asked for."""

    exit_code = 1


@dataclass(slots=True)
class Change:
    task_id: str | None
    path: str
    line: int
    old: str
    new: list[str]
    verb: str
    warnings: list[str] = field(default_factory=list)
    next_id: str | None = None  # a recurring task's next instance (the task keeps its id on the completed line)

    def __str__(self) -> str:
        if not self.new:
            return f"{self.path}:{self.line}  {self.old} -> (line removed)"
        shown = [f"{self.path}:{self.line}  {self.old} -> {self.new[-1] if len(self.new) == 1 else self.new[0]}"]
        if len(self.new) > 1:
            shown.append(f"{self.path}:{self.line + 1}  {' ' * len(self.old)}    {self.new[1]}")
        return "\n".join(shown)


@dataclass(slots=True)
class _Plan:
    task: Task
    new: list[str]
    warnings: list[str]
    keeps: int | None  # which of the new lines keeps the task's id (None: the task's line is gone)


@dataclass(slots=True)
class _Staged:
    """One note's part of a command: its new text, what changed, and which line keeps which id."""

    path: str
    note: NoteText
    changes: list[Change] = field(default_factory=list)
    line_changes: list[LineChange] = field(default_factory=list)
    pins: dict[int, str] = field(default_factory=dict)


class Triage:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        # Obsidian Tasks set to the Dataview format reads no emoji: a line without fields gets Dataview ones.
        self.dataview = writes_dataview(plugin_settings(ws.vault))

    # -- verbs --------------------------------------------------------------------------------------

    def run(self, verb: str, ids: Sequence[str], value: str | None = None, add: bool = False,
            clear: bool = False, dry_run: bool = False, accept_inferred: bool = False) -> list[Change]:
        if verb not in VERBS:
            raise UsageError(f"unknown verb {verb!r}: use {', '.join(VERBS)}")
        if not ids:
            raise UsageError(f"`{verb}` needs at least one task id")
        tasks = self._tasks(ids)
        edit = self._edit_for(verb, value, add, clear, accept_inferred)
        plans = [self._plan(verb, task, edit) for task in tasks]
        return self._write(verb, plans, dry_run)

    def rewrite(self, verb: str, lines: Sequence[tuple[Task, list[str]]], dry_run: bool = False) -> list[Change]:
        """Replace each task's line by the given lines (the last keeps the task's id), as one change under
        ``verb``: checked, journaled and written like the verbs above, all notes or none."""
        plans = [_Plan(task, new, [], len(new) - 1) for task, new in lines]
        return self._write(verb, plans, dry_run)

    def _tasks(self, ids: Sequence[str]) -> list[Task]:
        tasks: dict[str, Task] = {}
        for task_id in ids:
            task = self.ws.task(task_id)
            tasks[task.id] = task
        return list(tasks.values())

    def _edit_for(self, verb: str, value: str | None, add: bool, clear: bool,
                  accept_inferred: bool) -> Callable[[Task], list[str]]:
        day, dataview = today().isoformat(), self.dataview
        if verb in DATE_VERBS:
            return self._date_edit(DATE_VERBS[verb], value, clear, accept_inferred)
        if verb == "priority":
            wanted = _priority(value)
            return lambda task: [_changed(task, edits.set_priority(task.raw, wanted, dataview),
                                          f"priority is already {wanted}")]
        if verb == "assign":
            if clear:
                return lambda task: [_changed(task, edits.remove_owners(task.raw), "it has no owner")]
            if not value:
                raise UsageError("`assign` needs an owner name (or --clear)")
            return lambda task: [_assign(task, value, add)]
        simple: dict[str, Callable[[Task], list[str]]] = {
            "accept": _accept,
            "reject": lambda task: [_reject(task, day, dataview)],
            "done": lambda task: _done(task, day, dataview),
            "reopen": lambda task: [_reopen(task)],
            "start": lambda task: [_start(task)],
        }
        return simple[verb]

    def _date_edit(self, name: str, value: str | None, clear: bool,
                   accept_inferred: bool) -> Callable[[Task], list[str]]:
        if clear:
            return lambda task: [_changed(task, edits.set_date(task.raw, name, None), f"it has no {name} date")]
        dataview = self.dataview
        if accept_inferred:
            return lambda task: _accept_inferred(task, dataview)
        if not value:
            raise UsageError("a date is needed (YYYY-MM-DD or words), or --clear")
        when = parse_when(value, today()).isoformat()
        return lambda task: [_changed(task, edits.set_date(task.raw, name, when, dataview),
                                      f"its {name} date is already {when}")]

    def _plan(self, verb: str, task: Task, edit: Callable[[Task], list[str]]) -> _Plan:
        new = edit(task)
        keeps: int | None = len(new) - 1  # a recurring task's completed line comes after its next instance
        warnings = []
        if verb == "done" and _removes_line(task):
            new, keeps = new[:-1], None  # 🏁 delete: the completed line goes; a next instance stays
            if self._has_children(task):
                warnings.append(f"{task.path}:{task.line}: the deleted task had indented lines below it; they stay")
        return _Plan(task, new, warnings, keeps)

    def _has_children(self, task: Task) -> bool:
        lines = self.ws.note_lines(task.path)
        if task.line >= len(lines):
            return False
        below = lines[task.line]
        indent = len(task.raw) - len(task.raw.lstrip(" \t>"))
        return bool(below.strip()) and len(below) - len(below.lstrip(" \t>")) > indent

    # -- writing ------------------------------------------------------------------------------------

    def _write(self, verb: str, plans: list[_Plan], dry_run: bool) -> list[Change]:
        by_path: dict[str, list[_Plan]] = {}
        for plan in plans:
            by_path.setdefault(plan.task.path, []).append(plan)
        with self.ws.lock():
            staged = [self._stage(path, group, verb) for path, group in by_path.items()]
            changes = [c for s in staged for c in s.changes]
            if dry_run:
                return changes
            writes = [NoteWrite(s.path, s.note.original, s.note.encode()) for s in staged]
            journal.commit(self.ws, verb, writes, [c for s in staged for c in s.line_changes])
            self.ws.refresh(list(by_path), {s.path: s.pins for s in staged})
            self._name_next_instances(staged)
        return changes

    def _name_next_instances(self, staged: list[_Staged]) -> None:
        """Tell each completed recurring task the id of its next instance (the line written above it)."""
        for note in staged:
            pinned_lines = {task_id: line for line, task_id in note.pins.items()}
            for change in note.changes:
                line = pinned_lines.get(change.task_id or "")
                if len(change.new) == 2 and line is not None:
                    instance = self.ws.task_at(note.path, line - 1)
                    change.next_id = None if instance is None else instance.id

    def _stage(self, path: str, plans: list[_Plan], verb: str) -> _Staged:
        note = NoteText.read(self.ws.note_path(path))
        unchanged = self._as_scanned(path, note)
        located = sorted(((find_line(note, p.task.line, p.task.raw, unchanged), p) for p in plans),
                         key=lambda lp: lp[0])
        if not unchanged:
            self._check_ending(path, note)
        staged = _Staged(path, note)
        for line, plan in reversed(located):  # from the bottom up: the lines above keep their numbers
            note.replace(line, plan.new)
            staged.changes.append(Change(plan.task.id, path, line, plan.task.raw, plan.new, verb, plan.warnings))
        shift = 0
        for line, plan in located:  # where each task's lines stand in the new text
            first = line + shift
            shift += len(plan.new) - 1
            staged.line_changes.append(LineChange(plan.task.id, path, first, [plan.task.raw], plan.new,
                                                  *_neighbours(note, first, len(plan.new))))
            if plan.keeps is not None:
                staged.pins[first + plan.keeps] = plan.task.id
        return staged

    def _as_scanned(self, path: str, note: NoteText) -> bool:
        """Whether the note still has the size and mtime the store read it with."""
        known = self._scanned(path)
        try:
            mtime = os.stat(note.path).st_mtime_ns
        except OSError:
            return False
        return known is not None and (known["size"], known["mtime_ns"]) == (len(note.original or b""), mtime)

    def _check_ending(self, path: str, note: NoteText) -> None:
        """A note changed since it was read must still end with the last line it had then: else another
        program may be halfway through writing it."""
        known = self._scanned(path)
        if known is not None and known["tail"] is not None and \
                not (note.original or b"").endswith(_last_line(bytes(known["tail"]))):
            raise WriteRefused(f"{path} no longer ends as it did when it was read (another program may still be "
                               "writing it); nothing written (run `tasks scan`)")

    def _scanned(self, path: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.ws.store.db.execute(
            "SELECT size, mtime_ns, tail FROM notes WHERE path = ?", (path,)).fetchone()
        return row

    # -- undo ---------------------------------------------------------------------------------------

    def undo(self, dry_run: bool = False) -> list[Change]:
        """Revert the last change not undone yet. A note untouched since gets its bytes back; one edited
        elsewhere gets its lines back if they still stand as written (a removed line goes back between
        the lines it stood between); otherwise nothing is written. The undo is a change like any other:
        journaled, all-or-nothing, finished by the next command if it is killed midway."""
        with self.ws.lock():
            if self.ws.store.has_pending_change():
                journal.recover(self.ws)
            batch = journal.last_undoable(self.ws)
            if batch is None:
                raise NothingToDo("nothing to undo")
            line_changes = journal.changes_of(self.ws, batch.id)
            writes, changes, pins = [], [], {}
            for note in journal.notes_of(self.ws, batch.id):
                write, note_changes, pins[note.path] = self._revert(
                    note, [c for c in line_changes if c.path == note.path])
                writes.append(write)
                changes += note_changes
            if dry_run:
                return changes
            journal.commit(self.ws, "undo", writes, undoes=batch.id)
            self.ws.refresh(list(pins), pins)
        return changes

    def _revert(self, done: NoteWrite,
                line_changes: list[LineChange]) -> tuple[NoteWrite, list[Change], dict[int, str]]:
        """The write that reverts one note, the changes it makes, and which line keeps which id."""
        current = read_or_none(self.ws.note_path(done.path))
        if current is None:
            raise WriteRefused(f"{done.path} is gone; cannot undo (nothing written)")
        whole = current == done.after
        if not whole and not line_changes:
            raise WriteRefused(f"{done.path} has changed since; cannot undo (nothing written)")
        try:
            return self._revert_lines(done, current, line_changes, whole)
        except WriteRefused:
            if not whole:
                raise
        # Untouched since, but the lines are not where they can be told apart: the bytes from before.
        changes = [Change(c.task_id, done.path, c.line, " / ".join(c.new) or "(removed)", c.old, "undo")
                   for c in reversed(line_changes)]
        return NoteWrite(done.path, current, done.before), changes, {}

    def _revert_lines(self, done: NoteWrite, current: bytes, line_changes: list[LineChange],
                      whole: bool) -> tuple[NoteWrite, list[Change], dict[int, str]]:
        note = NoteText.parse(self.ws.note_path(done.path), current)
        changes, pins = [], {}
        for c in reversed(line_changes):  # from the bottom up: the lines above keep their numbers
            line = _locate_block(note, c)
            note.splice(line, len(c.new), c.old)
            changes.append(Change(c.task_id, done.path, line, " / ".join(c.new) or "(removed)", c.old, "undo"))
        shift = 0
        for c, change in zip(line_changes, reversed(changes), strict=True):
            if c.task_id is not None:
                pins[change.line + shift] = c.task_id
            shift += len(c.old) - len(c.new)
        return NoteWrite(done.path, current, done.before if whole else note.encode()), changes, pins


def _last_line(tail: bytes) -> bytes:
    """The end of a note's text from the start of its last line that is not blank (all of ``tail``, the
    note's last bytes, when that line is longer)."""
    body = tail.rstrip(b"\r\n")
    return tail[max(body.rfind(b"\n"), body.rfind(b"\r")) + 1 :]


def _neighbours(note: NoteText, first: int, count: int) -> tuple[str | None, str | None]:
    """The lines just above and just below ``count`` lines from 1-based ``first`` (None: none there)."""
    above = note.lines[first - 2] if first > 1 else None
    below = note.lines[first - 1 + count] if first - 1 + count < len(note.lines) else None
    return above, below


def _locate_block(note: NoteText, change: LineChange) -> int:
    """Where the lines a change wrote still stand, unchanged (a removed line: the one place between the
    lines it stood between); refuse otherwise."""
    n = len(change.new)
    if n:
        starts = range(len(note.lines) - n + 1)
        hits = [i + 1 for i in starts if note.lines[i : i + n] == change.new]
        if change.line in hits or len(hits) == 1:
            return change.line if change.line in hits else hits[0]
        if len(hits) > 1:
            hits = [h for h in hits if _neighbours(note, h, n) == (change.above, change.below)]
            if len(hits) == 1:
                return hits[0]
        raise WriteRefused(f"{note.path}:{change.line}: the line has changed since; cannot undo (nothing written)")
    hits = [i + 1 for i in range(len(note.lines) + 1) if _neighbours(note, i + 1, 0) == (change.above, change.below)]
    if len(hits) == 1:
        return hits[0]
    raise WriteRefused(f"{note.path}:{change.line}: the lines around the removed task have changed since; cannot "
                       "undo (nothing written)")


def _priority(value: str | None) -> str:
    return parse_priority(value or "")


def _changed(task: Task, new: str, already: str) -> str:
    if new == task.raw:
        raise NothingToDo(f"task {task.id}: nothing to change, {already}")
    return new


def _accept(task: Task) -> list[str]:
    if task.status != "proposed":
        raise NothingToDo(f"task {task.id} is {task.status}, not proposed: nothing to accept")
    line = edits.remove_tag(task.raw, PROPOSED_TAG)
    symbol = parse_line(line)
    if symbol is not None and symbol.symbol in (" ?", "?"):
        line = edits.set_symbol(line, " ")
    return [line]


def _reject(task: Task, day: str, dataview: bool) -> str:
    if task.status == "cancelled":
        raise NothingToDo(f"task {task.id} is already cancelled")
    return rejected(task.raw, day, dataview)


def rejected(line: str, day: str, dataview: bool = False) -> str:
    """``line`` rejected on ``day``: ``[-]``, ``#proposed`` gone, no ✅ date, ``❌ day`` (``dataview``: as
    ``edits.set_date``)."""
    line = edits.set_symbol(edits.remove_tag(line, PROPOSED_TAG), "-")
    line = edits.set_date(line, "done", None)
    return edits.set_date(line, "cancelled", day, dataview)


def _done(task: Task, day: str, dataview: bool) -> list[str]:
    if task.status == "done":
        raise NothingToDo(f"task {task.id} is already done")
    line = edits.set_symbol(edits.remove_tag(task.raw, PROPOSED_TAG), "x")
    line = edits.set_date(edits.set_date(line, "cancelled", None), "done", day, dataview)
    if not task.recurrence:
        return [line]
    return [_next_instance(task), line]


def _next_instance(task: Task) -> str:
    parsed = parse_line(task.raw)
    assert parsed is not None and task.recurrence is not None
    dates = {k: v for k, v in parsed.dates.items() if k in ("due", "scheduled", "start")}
    shifted = next_dates(task.recurrence, dates, today())
    line = edits.remove_fields(task.raw, ("done", "cancelled", "created", "id", "depends_on", "block_id"))
    for name, value in shifted.items():
        line = edits.set_date(line, name, value)
    line = edits.set_symbol(line, " ")
    return edits.remove_tag(line, PROPOSED_TAG)


def _removes_line(task: Task) -> bool:
    parsed = parse_line(task.raw)
    return parsed is not None and parsed.on_completion == "delete"


def _reopen(task: Task) -> str:
    if task.status in UNFINISHED and task.symbol == " ":
        raise NothingToDo(f"task {task.id} is already open")
    line = edits.set_symbol(edits.remove_tag(task.raw, PROPOSED_TAG), " ")  # a finished item is not proposed again
    return edits.set_date(edits.set_date(line, "done", None), "cancelled", None)


def _start(task: Task) -> str:
    if task.status == "in_progress":
        raise NothingToDo(f"task {task.id} is already in progress")
    line = edits.set_symbol(task.raw, "/")
    line = edits.set_date(edits.set_date(line, "done", None), "cancelled", None)
    return edits.remove_tag(line, PROPOSED_TAG)


def _assign(task: Task, name: str, add: bool) -> str:
    owners = [o.casefold() for o in task.owners]
    clean = owner_name(name)
    if clean.casefold() in owners and (add or len(owners) == 1):
        raise NothingToDo(f"task {task.id} is already owned by {clean}")
    return edits.set_owner(task.raw, clean, add=add)


def _accept_inferred(task: Task, dataview: bool) -> list[str]:
    inferred = task.inferred_due
    if not inferred:
        raise NothingToDo(f"task {task.id} has no inferred due date")
    return [_changed(task, edits.set_date(task.raw, "due", inferred, dataview), f"its due date is already {inferred}")]

