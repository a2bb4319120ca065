"""The triage verbs: each one edits task lines in their notes (the source of truth), then re-syncs.

All tasks of a command are checked before anything is written: one bad id, one task already in the
wanted state, one note changed behind our back, and nothing is written at all.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from . import edits
from .dates import parse_when, today
from .errors import TaskTrackError, UsageError, WriteRefused
from .grammar import owner_name, parse_line, parse_priority
from .recurrence import next_dates
from .statuses import PROPOSED_TAG, UNFINISHED
from .store import now_stamp
from .workspace import Workspace
from .writeback import NoteText, atomic_write, find_line

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

    def __str__(self) -> str:
        if not self.new:
            return f"{self.path}:{self.line}  {self.old} -> (line removed)"
        shown = [f"{self.path}:{self.line}  {self.old} -> {self.new[-1] if len(self.new) == 1 else self.new[0]}"]
        if len(self.new) > 1:
            shown.append(f"{self.path}:{self.line + 1}  {' ' * len(self.old)}    {self.new[1]}")
        return "\n".join(shown)


@dataclass(slots=True)
class _Plan:
    row: sqlite3.Row
    new: list[str]
    warnings: list[str]


class Triage:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    # -- verbs --------------------------------------------------------------------------------------

    def run(self, verb: str, ids: Sequence[str], value: str | None = None, add: bool = False,
            clear: bool = False, dry_run: bool = False, accept_inferred: bool = False) -> list[Change]:
        if verb not in VERBS:
            raise UsageError(f"unknown verb {verb!r}: use {', '.join(VERBS)}")
        if not ids:
            raise UsageError(f"`{verb}` needs at least one task id")
        rows = self._rows(ids)
        edit = self._edit_for(verb, value, add, clear, accept_inferred)
        plans = [self._plan(verb, row, edit) for row in rows]
        return self._write(verb, plans, dry_run)

    def _rows(self, ids: Sequence[str]) -> list[sqlite3.Row]:
        rows: dict[str, sqlite3.Row] = {}
        for task_id in ids:
            row = self.ws.task(task_id)
            rows[row["id"]] = row
        return list(rows.values())

    def _edit_for(self, verb: str, value: str | None, add: bool, clear: bool,
                  accept_inferred: bool) -> Callable[[sqlite3.Row], list[str]]:
        day = today().isoformat()
        if verb in DATE_VERBS:
            return self._date_edit(DATE_VERBS[verb], value, clear, accept_inferred)
        if verb == "priority":
            wanted = _priority(value)
            return lambda row: [_changed(row, edits.set_priority(row["raw"], wanted), f"priority is already {wanted}")]
        if verb == "assign":
            if clear:
                return lambda row: [_changed(row, edits.remove_owners(row["raw"]), "it has no owner")]
            if not value:
                raise UsageError("`assign` needs an owner name (or --clear)")
            return lambda row: [_assign(row, value, add)]
        simple: dict[str, Callable[[sqlite3.Row], list[str]]] = {
            "accept": _accept,
            "reject": lambda row: [_reject(row, day)],
            "done": lambda row: _done(row, day),
            "reopen": lambda row: [_reopen(row)],
            "start": lambda row: [_start(row)],
        }
        return simple[verb]

    def _date_edit(self, name: str, value: str | None, clear: bool,
                   accept_inferred: bool) -> Callable[[sqlite3.Row], list[str]]:
        if clear:
            return lambda row: [_changed(row, edits.set_date(row["raw"], name, None), f"it has no {name} date")]
        if accept_inferred:
            return _accept_inferred
        if not value:
            raise UsageError("a date is needed (YYYY-MM-DD or words), or --clear")
        when = parse_when(value, today()).isoformat()
        return lambda row: [_changed(row, edits.set_date(row["raw"], name, when), f"its {name} date is already {when}")]

    def _plan(self, verb: str, row: sqlite3.Row, edit: Callable[[sqlite3.Row], list[str]]) -> _Plan:
        new = edit(row)
        warnings = []
        if verb == "done" and _removes_line(row):
            new = new[:-1]  # 🏁 delete: the completed line goes; a next instance stays
            if self._has_children(row):
                warnings.append(f"{row['path']}:{row['line']}: the deleted task had indented lines below it; they stay")
        return _Plan(row, new, warnings)

    def _has_children(self, row: sqlite3.Row) -> bool:
        lines = self.ws.note_lines(row["path"])
        if row["line"] >= len(lines):
            return False
        below = lines[row["line"]]
        indent = len(row["raw"]) - len(row["raw"].lstrip(" \t>"))
        return bool(below.strip()) and len(below) - len(below.lstrip(" \t>")) > indent

    # -- writing ------------------------------------------------------------------------------------

    def _write(self, verb: str, plans: list[_Plan], dry_run: bool) -> list[Change]:
        by_path: dict[str, list[_Plan]] = {}
        for plan in plans:
            by_path.setdefault(plan.row["path"], []).append(plan)
        with self.ws.lock():
            staged = [self._stage(path, group, verb) for path, group in by_path.items()]
            if dry_run:
                return [c for _, _, changes in staged for c in changes]
            written = [note.encode() for note, _, _ in staged]
            for (note, _, _), data in zip(staged, written, strict=True):
                atomic_write(note.path, data, note.original)
            changes = [c for _, _, cs in staged for c in cs]
            self._record(verb, staged, written)
            self.ws.refresh(list(by_path))
        return changes

    def _stage(self, path: str, plans: list[_Plan], verb: str) -> tuple[NoteText, str, list[Change]]:
        note = NoteText.read(self.ws.note_path(path))
        unchanged = self._as_scanned(path, note)
        located = [(find_line(note, p.row["line"], p.row["raw"], unchanged), p) for p in plans]
        changes = []
        for line, plan in sorted(located, key=lambda lp: lp[0], reverse=True):
            note.replace(line, plan.new)
            changes.append(Change(plan.row["id"], path, line, plan.row["raw"], plan.new, verb, plan.warnings))
        return note, path, changes

    def _as_scanned(self, path: str, note: NoteText) -> bool:
        """Whether the note still has the size and mtime the store read it with."""
        known = self.ws.store.db.execute("SELECT size, mtime_ns FROM notes WHERE path = ?", (path,)).fetchone()
        try:
            mtime = os.stat(note.path).st_mtime_ns
        except OSError:
            return False
        return known is not None and (known[0], known[1]) == (len(note.original or b""), mtime)

    def _record(self, verb: str, staged: list[tuple[NoteText, str, list[Change]]], written: list[bytes]) -> None:
        """Remember each change, and each note's bytes before and after, so ``undo`` can restore them."""
        db = self.ws.store.db
        stamp = now_stamp()
        batch = db.execute("SELECT coalesce(max(batch), 0) + 1 FROM changes").fetchone()[0]
        rows = []
        for (note, path, changes), data in zip(staged, written, strict=True):
            for i, c in enumerate(changes):
                files = (note.original, data) if i == 0 else (None, None)
                rows.append((batch, stamp, verb, c.task_id, path, c.line, json.dumps([c.old], ensure_ascii=False),
                             json.dumps(c.new, ensure_ascii=False), *files))
        db.executemany(
            "INSERT INTO changes (batch, at, verb, task_id, path, line, old_lines, new_lines, before, after) "
            "VALUES (?,?,?,?,?,?,?,?,?,?)", rows)

    # -- undo ---------------------------------------------------------------------------------------

    def undo(self, dry_run: bool = False) -> list[Change]:
        """Revert the last change batch not undone yet. A note untouched since gets its bytes back; one
        edited elsewhere gets its lines back if they still read as written; otherwise nothing is written."""
        db = self.ws.store.db
        row = db.execute("SELECT max(batch) FROM changes WHERE undone = 0").fetchone()
        if row is None or row[0] is None:
            raise NothingToDo("nothing to undo")
        entries = db.execute("SELECT * FROM changes WHERE batch = ? ORDER BY id DESC", (row[0],)).fetchall()
        with self.ws.lock():
            staged: dict[str, _UndoFile] = {}
            changes = [self._revert(entry, staged, entries) for entry in entries]
            if dry_run:
                return changes
            for undo_file in staged.values():
                atomic_write(undo_file.note.path, undo_file.data(), undo_file.note.original)
            db.execute("UPDATE changes SET undone = 1 WHERE batch = ?", (row[0],))
            self.ws.refresh(list(staged))
        return changes

    def _revert(self, entry: sqlite3.Row, staged: dict[str, _UndoFile], entries: list[sqlite3.Row]) -> Change:
        path = entry["path"]
        old, new = json.loads(entry["old_lines"]), json.loads(entry["new_lines"])
        change = Change(entry["task_id"], path, entry["line"], " / ".join(new) or "(removed)", old, "undo")
        undo_file = staged.get(path)
        if undo_file is None:
            note = NoteText.read(self.ws.note_path(path))
            files = next(e for e in entries if e["path"] == path and e["after"] is not None)
            whole = bytes(files["before"]) if note.original == files["after"] else None
            undo_file = staged[path] = _UndoFile(note, whole)
        if undo_file.whole is None:
            change.line = _locate_block(undo_file.note, entry["line"], new)
            undo_file.note.splice(change.line, len(new), old)
        return change


@dataclass(slots=True)
class _UndoFile:
    note: NoteText
    whole: bytes | None  # the note's bytes before the change, when nothing touched it since

    def data(self) -> bytes:
        return self.whole if self.whole is not None else self.note.encode()


def _locate_block(note: NoteText, line: int, block: list[str]) -> int:
    """Where the lines a change wrote still stand, unchanged; refuse otherwise."""
    if not block:
        if 1 <= line <= len(note.lines) + 1:
            return line
        raise WriteRefused(f"{note.path}: cannot undo, the note is now shorter than line {line}")
    n = len(block)
    if note.lines[line - 1 : line - 1 + n] == block:
        return line
    hits = [i + 1 for i in range(len(note.lines) - n + 1) if note.lines[i : i + n] == block]
    if len(hits) == 1:
        return hits[0]
    raise WriteRefused(f"{note.path}:{line}: the line has changed since; cannot undo (nothing written)")


def _priority(value: str | None) -> str:
    return parse_priority(value or "")


def _changed(row: sqlite3.Row, new: str, already: str) -> str:
    if new == row["raw"]:
        raise NothingToDo(f"task {row['id']}: nothing to change, {already}")
    return new


def _accept(row: sqlite3.Row) -> list[str]:
    if row["status"] != "proposed":
        raise NothingToDo(f"task {row['id']} is {row['status']}, not proposed: nothing to accept")
    line = edits.remove_tag(row["raw"], PROPOSED_TAG)
    symbol = parse_line(line)
    if symbol is not None and symbol.symbol in (" ?", "?"):
        line = edits.set_symbol(line, " ")
    return [line]


def _reject(row: sqlite3.Row, day: str) -> str:
    if row["status"] == "cancelled":
        raise NothingToDo(f"task {row['id']} is already cancelled")
    line = edits.set_symbol(row["raw"], "-")
    line = edits.set_date(line, "done", None)
    return edits.set_date(line, "cancelled", day)


def _done(row: sqlite3.Row, day: str) -> list[str]:
    if row["status"] == "done":
        raise NothingToDo(f"task {row['id']} is already done")
    line = edits.set_symbol(row["raw"], "x")
    line = edits.set_date(edits.set_date(line, "cancelled", None), "done", day)
    if not row["recurrence"]:
        return [line]
    return [_next_instance(row), line]


def _next_instance(row: sqlite3.Row) -> str:
    parsed = parse_line(row["raw"])
    assert parsed is not None
    dates = {k: v for k, v in parsed.dates.items() if k in ("due", "scheduled", "start")}
    shifted = next_dates(row["recurrence"], dates, today())
    line = edits.remove_fields(row["raw"], ("done", "cancelled", "created", "id", "depends_on", "block_id"))
    for name, value in shifted.items():
        line = edits.set_date(line, name, value)
    line = edits.set_symbol(line, " ")
    return edits.remove_tag(line, PROPOSED_TAG)


def _removes_line(row: sqlite3.Row) -> bool:
    parsed = parse_line(row["raw"])
    return parsed is not None and parsed.on_completion == "delete"


def _reopen(row: sqlite3.Row) -> str:
    if row["status"] in UNFINISHED and row["symbol"] == " ":
        raise NothingToDo(f"task {row['id']} is already open")
    line = edits.set_symbol(row["raw"], " ")
    return edits.set_date(edits.set_date(line, "done", None), "cancelled", None)


def _start(row: sqlite3.Row) -> str:
    if row["status"] == "in_progress":
        raise NothingToDo(f"task {row['id']} is already in progress")
    line = edits.set_symbol(row["raw"], "/")
    line = edits.set_date(edits.set_date(line, "done", None), "cancelled", None)
    return edits.remove_tag(line, PROPOSED_TAG)


def _assign(row: sqlite3.Row, name: str, add: bool) -> str:
    owners = [o.casefold() for o in json.loads(row["owners"])]
    clean = owner_name(name)
    if clean.casefold() in owners and (add or len(owners) == 1):
        raise NothingToDo(f"task {row['id']} is already owned by {clean}")
    return edits.set_owner(row["raw"], clean, add=add)


def _accept_inferred(row: sqlite3.Row) -> list[str]:
    inferred = row["inferred_due"]
    if not inferred:
        raise NothingToDo(f"task {row['id']} has no inferred due date")
    return [_changed(row, edits.set_date(row["raw"], "due", inferred), f"its due date is already {inferred}")]

