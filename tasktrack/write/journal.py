"""Changes to notes that are all-or-nothing across notes, survive ``kill -9`` anywhere, and can be undone.

A batch (one command's writes) goes through four steps, with the vault's lock held:

1. **stage**: the store's write lock is taken (``BEGIN IMMEDIATE``: if another process holds it, nothing is
   touched); each note is checked (it still holds what was read, it is writable, no program is still writing
   it) and its new bytes go to a temp file beside it, synced to disk;
2. **journal**: the batch, with each note's bytes before and after, is committed to the store as *pending*;
3. **rename**: each temp file replaces its note (a refusal here puts back the notes renamed so far);
4. **done**: the batch is marked done (an undo also marks the batch it reverts as undone).

A process killed before step 2 leaves the notes as they were (and temp files that the next write in that
folder removes). One killed later leaves a pending batch: ``recover`` finishes it when every note still holds
its bytes from before or after, and otherwise rolls back what it can, and says which notes it left alone.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tasktrack.errors import StoreError, WriteRefused
from tasktrack.store.database import now_stamp
from tasktrack.workspace import Workspace
from tasktrack.write.notes import (
    atomic_write,
    check_writable,
    fsync_dir,
    read_or_none,
    real_path,
    remove_leftovers,
    remove_quietly,
    settle,
    stage,
)


@dataclass(frozen=True, slots=True)
class NoteWrite:
    """One note's part of a batch: its bytes before (None: it did not exist) and after (None: removed)."""

    path: str  # in the vault
    before: bytes | None
    after: bytes | None


@dataclass(frozen=True, slots=True)
class LineChange:
    """What a verb did to one task's lines, and the lines around them afterwards (to undo it by lines
    when the note has changed since)."""

    task_id: str | None
    path: str
    line: int
    old: list[str]
    new: list[str]
    above: str | None
    below: str | None


@dataclass(frozen=True, slots=True)
class Batch:
    id: int
    verb: str
    at: str


def commit(ws: Workspace, verb: str, writes: Sequence[NoteWrite], changes: Sequence[LineChange] = (),
           undoes: int | None = None) -> int:
    """Write the batch (call with ``ws.lock()`` held); returns its id."""
    for folder in {real_path(ws.note_path(write.path)).parent for write in writes}:
        remove_leftovers(folder)
    staged: list[Path | None] = []
    try:
        with _write_lock(ws):
            for write in writes:
                staged.append(_stage(ws, write))
            crash_point("staged")
            batch = _journal(ws.store.db, verb, writes, staged, changes, undoes)
    except BaseException:
        for temp in staged:
            if temp is not None:
                remove_quietly(temp)
        raise
    crash_point("journaled")
    _rename_all(ws, batch, writes, staged)
    crash_point("renamed")
    with ws.store.transaction():
        _mark_done(ws.store.db, batch, undoes)
    return batch


@contextmanager
def _write_lock(ws: Workspace) -> Iterator[None]:
    """The store's write lock, held while the notes are staged and the batch journaled (committed at the end,
    durably: the journal must be on disk before the first rename)."""
    db = ws.store.db
    db.execute("PRAGMA synchronous=FULL")
    try:
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"the store {ws.store.path} cannot be written ({exc}); nothing written") from None
        try:
            yield
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
    finally:
        db.execute("PRAGMA synchronous=NORMAL")


def _stage(ws: Workspace, write: NoteWrite) -> Path | None:
    """Check the note and write its new bytes to a temp file (None: the note is to be removed)."""
    real = real_path(ws.note_path(write.path))
    check_writable(real, write.path)
    if read_or_none(real) != write.before:
        raise WriteRefused(f"{write.path} was changed by another program since it was read; nothing written")
    if not _is_last_write(ws, write):
        settle(real, write.path)
    if write.after is None:
        return None
    if write.before is None:
        real.parent.mkdir(parents=True, exist_ok=True)
    return stage(real, write.after)


def _is_last_write(ws: Workspace, write: NoteWrite) -> bool:
    """Whether the note holds what tasktrack itself last wrote there (then no other program is writing it)."""
    row = ws.store.db.execute("SELECT after FROM batch_notes WHERE path = ? ORDER BY batch DESC LIMIT 1",
                              (write.path,)).fetchone()
    return row is not None and row[0] is not None and bytes(row[0]) == write.before


def _journal(db: sqlite3.Connection, verb: str, writes: Sequence[NoteWrite], staged: Sequence[Path | None],
             changes: Sequence[LineChange], undoes: int | None) -> int:
    batch = db.execute("INSERT INTO batches (at, verb, state, undoes) VALUES (?, ?, 'pending', ?)",
                       (now_stamp(), verb, undoes)).lastrowid
    assert batch is not None
    db.executemany("INSERT INTO batch_notes (batch, path, before, after, temp) VALUES (?, ?, ?, ?, ?)",
                   [(batch, w.path, w.before, w.after, None if t is None else str(t))
                    for w, t in zip(writes, staged, strict=True)])
    db.executemany(
        "INSERT INTO changes (batch, task_id, path, line, old_lines, new_lines, above, below) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(batch, c.task_id, c.path, c.line, _lines_json(c.old), _lines_json(c.new), c.above, c.below)
         for c in changes])
    return batch


def _rename_all(ws: Workspace, batch: int, writes: Sequence[NoteWrite], staged: Sequence[Path | None]) -> None:
    """Put each staged note in place; if one cannot be, put back the ones done so far and refuse."""
    done: list[NoteWrite] = []
    try:
        for number, (write, temp) in enumerate(zip(writes, staged, strict=True), 1):
            _put_in_place(ws, write, temp)
            done.append(write)
            crash_point(f"renamed-{number}")
    except BaseException:
        for temp in staged[len(done):]:
            if temp is not None:
                remove_quietly(temp)
        for write in reversed(done):
            atomic_write(ws.note_path(write.path), write.before, write.after)
        with ws.store.transaction():
            ws.store.db.execute("UPDATE batches SET state = 'rolled_back' WHERE id = ?", (batch,))
        raise


def _put_in_place(ws: Workspace, write: NoteWrite, temp: Path | None) -> None:
    real = real_path(ws.note_path(write.path))
    if read_or_none(real) != write.before:
        raise WriteRefused(f"{write.path} was changed by another program while writing; nothing written")
    if temp is None:
        real.unlink()
    else:
        os.replace(temp, real)
    fsync_dir(real.parent)


def _mark_done(db: sqlite3.Connection, batch: int, undoes: int | None) -> None:
    db.execute("UPDATE batches SET state = 'done' WHERE id = ?", (batch,))
    if undoes is not None:
        db.execute("UPDATE batches SET undone = 1 WHERE id = ?", (undoes,))


def _lines_json(lines: list[str]) -> str:
    return json.dumps(lines, ensure_ascii=False)


# -- recovery -------------------------------------------------------------------------------------


def recover(ws: Workspace) -> list[str]:
    """Finish or roll back every pending batch (call with ``ws.lock()`` held: then no live process is
    writing one). Returns what was done, a line per batch."""
    db = ws.store.db
    said = []
    for batch_id, verb, undoes in db.execute(
            "SELECT id, verb, undoes FROM batches WHERE state = 'pending' ORDER BY id").fetchall():
        notes = [(path, _blob(before), _blob(after), temp) for path, before, after, temp in db.execute(
            "SELECT path, before, after, temp FROM batch_notes WHERE batch = ? ORDER BY rowid", (batch_id,))]
        said.append(_recover_batch(ws, batch_id, verb, undoes, notes))
        for *_, temp in notes:
            if temp:
                remove_quietly(Path(temp))
    return said


def _recover_batch(ws: Workspace, batch: int, verb: str, undoes: int | None,
                   notes: list[tuple[str, bytes | None, bytes | None, str | None]]) -> str:
    current = {path: read_or_none(real_path(ws.note_path(path))) for path, *_ in notes}
    foreign = [path for path, before, after, _ in notes if current[path] not in (before, after)]
    paths = ", ".join(path for path, *_ in notes)
    if not foreign:
        for path, before, after, _ in notes:
            if current[path] == before and before != after:
                atomic_write(ws.note_path(path), after, before)
        with ws.store.transaction():
            _mark_done(ws.store.db, batch, undoes)
        return f"finished the interrupted `{verb}` (change {batch}) in {paths}"
    for path, before, after, _ in notes:
        if current[path] == after and before != after:
            atomic_write(ws.note_path(path), before, after)
    with ws.store.transaction():
        ws.store.db.execute("UPDATE batches SET state = 'rolled_back' WHERE id = ?", (batch,))
    return (f"rolled back the interrupted `{verb}` (change {batch}): changed since by another program, "
            f"left as they are: {', '.join(foreign)}")


def _blob(value: bytes | None) -> bytes | None:
    return None if value is None else bytes(value)


# -- history --------------------------------------------------------------------------------------


def last_undoable(ws: Workspace) -> Batch | None:
    """The newest batch that is done, is not an undo, and has not been undone."""
    row = ws.store.db.execute(
        "SELECT id, verb, at FROM batches WHERE state = 'done' AND undone = 0 AND undoes IS NULL "
        "ORDER BY id DESC LIMIT 1").fetchone()
    return None if row is None else Batch(row[0], row[1], row[2])


def notes_of(ws: Workspace, batch: int) -> list[NoteWrite]:
    return [NoteWrite(path, _blob(before), _blob(after)) for path, before, after in ws.store.db.execute(
        "SELECT path, before, after FROM batch_notes WHERE batch = ? ORDER BY rowid", (batch,))]


def changes_of(ws: Workspace, batch: int) -> list[LineChange]:
    return [LineChange(row[0], row[1], row[2], json.loads(row[3]), json.loads(row[4]), row[5], row[6])
            for row in ws.store.db.execute(
                "SELECT task_id, path, line, old_lines, new_lines, above, below FROM changes WHERE batch = ? "
                "ORDER BY id", (batch,))]


def crash_point(name: str) -> None:
    """For the fault tests: ``TASKTRACK_CRASH_AT=name`` kills this process here, as ``kill -9`` would."""
    if os.environ.get("TASKTRACK_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
