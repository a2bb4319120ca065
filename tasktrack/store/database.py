"""The SQLite store: an index of the vault's tasks, plus the history of what it has seen."""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from itertools import chain
from pathlib import Path
from typing import Any, NamedTuple

from tasktrack.errors import DamagedStore, StoreError, UnknownTask
from tasktrack.parse.scanner import NoteScan, TaskRecord
from tasktrack.store.ids import KnownTask, assign_ids, first_ids, match_tasks

SCHEMA_VERSION = 3
BUSY_TIMEOUT = 10  # seconds to wait for another process's write
PAGE_SIZE = 16384  # bigger than SQLite's default: a first scan's merge (~40 MB) takes about a fifth less time
_FLUSH_ROWS = 5000

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    title TEXT NOT NULL,
    note_date TEXT,
    properties TEXT NOT NULL DEFAULT '{}',
    warnings TEXT NOT NULL DEFAULT '[]',
    error TEXT,
    partial INTEGER NOT NULL DEFAULT 0,
    tail BLOB
);
CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    note_id INTEGER NOT NULL,
    line INTEGER NOT NULL,
    raw TEXT NOT NULL,
    status TEXT NOT NULL,
    symbol TEXT NOT NULL,
    description TEXT NOT NULL,
    owners TEXT NOT NULL,
    owner_keys TEXT NOT NULL,
    priority INTEGER NOT NULL,
    due TEXT, scheduled TEXT, start TEXT, created TEXT, done TEXT, cancelled TEXT,
    recurrence TEXT,
    tags TEXT NOT NULL,
    tag_keys TEXT NOT NULL,
    block_id TEXT,
    parent TEXT,
    heading TEXT,
    key TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    inferred_due TEXT
);
CREATE INDEX tasks_by_note ON tasks (note_id, line);
CREATE INDEX tasks_by_status ON tasks (status);
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    task_id TEXT NOT NULL,
    at TEXT NOT NULL,
    old_status TEXT,
    new_status TEXT,
    path TEXT NOT NULL,
    description TEXT NOT NULL
);
CREATE INDEX events_by_task ON events (task_id);
CREATE INDEX events_by_time ON events (at);
CREATE TABLE batches (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    verb TEXT NOT NULL,
    state TEXT NOT NULL,
    undoes INTEGER,
    undone INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE batch_notes (
    batch INTEGER NOT NULL,
    path TEXT NOT NULL,
    before BLOB,
    after BLOB,
    temp TEXT,
    PRIMARY KEY (batch, path)
);
CREATE INDEX batch_notes_by_path ON batch_notes (path, batch);
CREATE TABLE changes (
    id INTEGER PRIMARY KEY,
    batch INTEGER NOT NULL,
    task_id TEXT,
    path TEXT NOT NULL,
    line INTEGER NOT NULL,
    old_lines TEXT NOT NULL,
    new_lines TEXT NOT NULL,
    above TEXT,
    below TEXT
);
CREATE INDEX changes_by_batch ON changes (batch);
"""

# The columns of a notes row that ``_note_values`` gives, in its order (path and id come apart).
NOTE_COLUMNS = "size, mtime_ns, title, note_date, properties, warnings, error, partial, tail"
_NOTE_VALUES = ", ".join("?" * len(NOTE_COLUMNS.split(", ")))
_TABLES = re.findall(r"CREATE TABLE (\w+)", _SCHEMA)

TASK_COLUMNS = (
    "id, note_id, line, raw, status, symbol, description, owners, owner_keys, priority, due, scheduled, "
    "start, created, done, cancelled, recurrence, tags, tag_keys, block_id, parent, heading, key, first_seen, "
    "inferred_due"
)
# Columns a task may leave empty. Rows carry 0 there for "none", which the INSERT turns into NULL: the
# sqlite3 module binds a Python None several times slower than a number (a first scan binds ~500,000).
_NULLABLE = frozenset({"due", "scheduled", "start", "created", "done", "cancelled", "recurrence", "block_id",
                       "parent", "heading", "inferred_due"})
TASK_VALUES = ", ".join("nullif(?, 0)" if c in _NULLABLE else "?" for c in TASK_COLUMNS.split(", "))


def now_stamp() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _keys(values: Iterable[str]) -> str:
    """``\x1fa\x1fb\x1f``: lets SQL test membership with ``instr`` (case-insensitive)."""
    return "\x1f" + "".join(v.casefold() + "\x1f" for v in values)


class Store:
    def __init__(self, path: Path, vault: Path | None = None) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT)
            self.db.row_factory = sqlite3.Row
            self._prepare(vault)
        except sqlite3.OperationalError as exc:  # cannot open it, busy, read-only, ...
            raise StoreError(f"cannot use the store {path}: {exc}") from None
        except sqlite3.DatabaseError as exc:  # not a database, or a damaged one
            raise DamagedStore(path, str(exc)) from None
        except OSError as exc:
            raise StoreError(f"cannot use the store {path}: {exc}") from None

    def _prepare(self, vault: Path | None) -> None:
        self.db.execute(f"PRAGMA page_size={PAGE_SIZE}")  # takes effect only in a new store
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version in _MIGRATIONS:
            with self.transaction():
                _MIGRATIONS[version](self.db)
                self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        elif version != SCHEMA_VERSION:
            self._create()
        tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        missing = tuple(name for name in _TABLES if name not in tables)
        if missing:
            raise DamagedStore(self.path, f"its table{'s' * (len(missing) > 1)} {', '.join(missing)} "
                                          f"{'are' if len(missing) > 1 else 'is'} missing", missing)
        if vault is not None:
            known = self.meta("vault")
            if known is None:
                self.set_meta("vault", str(vault))
            elif known != str(vault):
                raise StoreError(f"the store {self.path} belongs to the vault {known}, not {vault}")

    def _create(self) -> None:
        """A new store (or one of an older schema, which is rebuilt from the vault)."""
        with self.transaction():
            for (name,) in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall():
                self.db.execute(f'DROP TABLE IF EXISTS "{name}"')
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self.db.execute(statement)
            self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    @contextmanager
    def first_fill(self) -> Iterator[Callable[[], None]]:
        """Around filling a store that holds nothing yet (no notes, no history), which writes it whole.
        Commits are not synced to disk until the end, where one sync makes them all durable (the function
        given syncs what is written so far: call it while there is other work to wait for, and the end has
        less to sync). When no other connection has the store open, it is filled with a rollback journal
        instead of the write-ahead log, so that each page is written once, not twice. A crash of the
        program loses nothing (an unfinished transaction rolls back); a crash of the machine midway can
        only spoil a store the vault can fill again."""
        empty = self.db.execute("SELECT NOT EXISTS (SELECT 1 FROM notes) AND NOT EXISTS (SELECT 1 FROM events) "
                                "AND NOT EXISTS (SELECT 1 FROM changes)").fetchone()[0]
        if not empty:
            yield _nothing
            return
        journal = self._leave_wal()
        self.db.execute("PRAGMA synchronous=OFF")
        try:
            yield partial(_sync_file, self.path) if journal else _nothing
        finally:
            self.db.execute("PRAGMA synchronous=NORMAL")
            if journal:
                _sync_file(self.path)
                with suppress(sqlite3.OperationalError):  # busy: the next Store() goes back to WAL
                    self.db.execute("PRAGMA journal_mode=WAL")
            else:
                self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _leave_wal(self) -> bool:
        """Use a rollback journal, if this is the only connection to the store (else keep the WAL)."""
        self.db.execute("PRAGMA busy_timeout=0")
        try:
            return bool(self.db.execute("PRAGMA journal_mode=TRUNCATE").fetchone()[0] == "truncate")
        except sqlite3.OperationalError:  # another connection has the store open
            return False
        finally:
            self.db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT * 1000}")

    # -- meta ---------------------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # -- sync ---------------------------------------------------------------------------------------

    def note_stats(self) -> dict[str, tuple[int, int]]:
        """Each note's size and mtime as last read; a note that could not be read has size -1, so that every
        sync tries it again (such notes are few, and may become readable without changing)."""
        return {p: (s, m) for p, s, m in self.db.execute(
            "SELECT path, CASE WHEN error IS NULL THEN size ELSE -1 END, mtime_ns FROM notes")}

    def forget_stats(self) -> None:
        """Make the next sync read every note again (ids, first-seen dates and history are kept)."""
        self.db.execute("UPDATE notes SET size = -1")

    def apply(self, scans: Iterable[NoteScan], deleted: Sequence[str], stamp: str | None = None,
              pinned: Mapping[str, Mapping[int, str]] | None = None) -> int:
        """Write changed notes and drop deleted ones, in one transaction; return how many tasks changed.
        Rows are gathered first and inserted in bulk (a first scan writes tens of thousands). ``pinned``:
        for a note, {1-based line: the id of the task the writer put there} (see ``ids.match_tasks``)."""
        stamp = stamp or now_stamp()
        batch = _Batch(stamp, _IdsInUse(self.db))
        changes = 0
        with self.transaction():
            for path in deleted:
                changes += self._drop_note(path, stamp)
            note_ids = dict(self.db.execute("SELECT path, id FROM notes").fetchall())
            next_id = int(self.db.execute("SELECT coalesce(max(id), 0) + 1 FROM notes").fetchone()[0])
            for scan in scans:
                note_id = note_ids.get(scan.path)
                if note_id is None:
                    note_id, next_id = next_id, next_id + 1
                    batch.notes.append((*_note_values(scan), scan.path, note_id))
                    old: list[KnownTask] = []
                else:
                    old = self._replace_note(note_id, scan)
                changes += self._put_tasks(note_id, scan, old, batch, (pinned or {}).get(scan.path))
                if len(batch.tasks) >= _FLUSH_ROWS:
                    self._flush(batch)  # write while the scan workers go on reading
            self._flush(batch)
        return changes

    def merge_notes(self, chunk: Path, stamp: str) -> tuple[int, list[str]]:
        """Add the notes a scan worker wrote to ``chunk`` (see ``write_chunk``: notes new to the store, with
        their tasks), first seen at ``stamp``, with a first-seen event for each task, in one transaction.
        Returns how many tasks were added, and the paths of notes another sync added meanwhile (they were
        left out: read them again)."""
        self.db.execute("ATTACH DATABASE ? AS chunk", (str(chunk),))
        try:
            with self.transaction():
                return self._merge_chunk(stamp)
        finally:
            self.db.execute("DETACH DATABASE chunk")

    def _merge_chunk(self, stamp: str) -> tuple[int, list[str]]:
        db = self.db
        taken = [r[0] for r in db.execute("SELECT path FROM chunk.notes WHERE path IN (SELECT path FROM main.notes)")]
        if taken:
            db.execute("DELETE FROM chunk.tasks WHERE note_id IN (SELECT id FROM chunk.notes WHERE path IN "
                       "(SELECT path FROM main.notes))")
            db.execute("DELETE FROM chunk.notes WHERE path IN (SELECT path FROM main.notes)")
        offset = int(db.execute("SELECT coalesce(max(id), 0) FROM main.notes").fetchone()[0])
        db.execute(f"INSERT INTO main.notes (id, {NOTE_COLUMNS}, path) SELECT id + ?, {NOTE_COLUMNS}, path "
                   "FROM chunk.notes ORDER BY id", (offset,))
        columns = TASK_COLUMNS.replace("note_id", "note_id + :offset").replace("first_seen", ":stamp")
        insert = f"INSERT INTO main.tasks ({TASK_COLUMNS}) SELECT {columns} FROM chunk.tasks ORDER BY rowid"
        values = {"offset": offset, "stamp": stamp}
        db.execute("SAVEPOINT tasks")
        try:
            added = db.execute(insert, values).rowcount
        except sqlite3.IntegrityError:  # an id is taken (rare: 35-bit ids): give those tasks others
            db.execute("ROLLBACK TO tasks")
            self._free_chunk_ids()
            added = db.execute(insert, values).rowcount
        db.execute("RELEASE tasks")
        db.execute("INSERT INTO main.events (task_id, at, old_status, new_status, path, description) "
                   "SELECT t.id, ?, NULL, t.status, n.path, t.raw FROM chunk.tasks t "
                   "JOIN chunk.notes n ON n.id = t.note_id ORDER BY t.rowid", (stamp,))
        return added, taken

    def _free_chunk_ids(self) -> None:
        """Give new ids to a chunk's tasks whose ids are taken (in the store, or twice in the chunk)."""
        db = self.db
        clashing = [r[0] for r in db.execute(
            "SELECT DISTINCT note_id FROM chunk.tasks WHERE id IN (SELECT id FROM main.tasks) OR id IN "
            "(SELECT id FROM chunk.tasks GROUP BY id HAVING count(*) > 1) ORDER BY note_id")]
        for note_id in clashing:
            path = db.execute("SELECT path FROM chunk.notes WHERE id = ?", (note_id,)).fetchone()[0]
            scan = NoteScan(path, 0, 0, "")
            scan.rows = [tuple(r) for r in db.execute(
                f"SELECT {TASK_COLUMNS} FROM chunk.tasks WHERE note_id = ? ORDER BY line", (note_id,))]
            db.execute("DELETE FROM chunk.tasks WHERE note_id = ?", (note_id,))
            _reassign_ids(scan, lambda task_id: db.execute(
                "SELECT 1 FROM main.tasks WHERE id = ?1 UNION ALL SELECT 1 FROM chunk.tasks WHERE id = ?1",
                (task_id,)).fetchone() is not None)
            db.executemany(f"INSERT INTO chunk.tasks ({TASK_COLUMNS}) VALUES ({TASK_VALUES})", scan.rows)

    def _replace_note(self, note_id: int, scan: NoteScan) -> list[KnownTask]:
        self.db.execute(f"UPDATE notes SET ({NOTE_COLUMNS}) = ({_NOTE_VALUES}) WHERE id=?",
                        (*_note_values(scan), note_id))
        old = self._known(note_id)
        self.db.execute("DELETE FROM tasks WHERE note_id=?", (note_id,))
        return old

    def _flush(self, batch: _Batch) -> None:
        self.db.executemany(f"INSERT INTO notes ({NOTE_COLUMNS}, path, id) VALUES ({_NOTE_VALUES}, ?, ?)",
                            batch.notes)
        self.db.executemany(f"INSERT INTO tasks ({TASK_COLUMNS}) VALUES ({TASK_VALUES})", batch.tasks)
        self._events(batch.events)
        batch.notes.clear()
        batch.tasks.clear()
        batch.events.clear()

    def _drop_note(self, path: str, stamp: str) -> int:
        row = self.db.execute("SELECT id FROM notes WHERE path=?", (path,)).fetchone()
        if row is None:
            return 0
        gone = self._known(row[0])
        self._events([(k.id, stamp, k.status, 0, path, k.raw) for k in gone])
        self.db.execute("DELETE FROM tasks WHERE note_id=?", (row[0],))
        self.db.execute("DELETE FROM notes WHERE id=?", (row[0],))
        return len(gone)

    def _known(self, note_id: int) -> list[KnownTask]:
        rows = self.db.execute(
            f"SELECT {', '.join(KnownTask._fields)} FROM tasks WHERE note_id=? ORDER BY line", (note_id,))
        return [KnownTask(**{**row, "owners": tuple(json.loads(row["owners"])), "tags": tuple(json.loads(row["tags"]))})
                for row in map(dict, rows)]

    def _put_tasks(self, note_id: int, scan: NoteScan, old: list[KnownTask], batch: _Batch,
                   pinned: Mapping[int, str] | None = None) -> int:
        if scan.rows is not None:
            if any(row[0] in batch.used for row in scan.rows):
                _reassign_ids(scan, batch.used.__contains__)
            return self._put_prepared(note_id, scan, batch)
        matched = match_tasks(old, scan.tasks, pinned) if old else {}
        batch.used.release(k.id for k in old)
        ids = assign_ids(scan.path, scan.tasks, matched, batch.used.__contains__)
        batch.used.add(ids)
        by_line = {rec.line: tid for rec, tid in zip(scan.tasks, ids, strict=True)}
        stamp = batch.stamp
        changes = 0
        for i, (rec, tid) in enumerate(zip(scan.tasks, ids, strict=True)):
            prev = matched.get(i)
            if prev is None or prev.status != rec.status:
                batch.events.append((tid, stamp, prev.status if prev else 0, rec.status, scan.path, rec.raw))
                changes += 1
            parent = by_line.get(rec.parent_line) if rec.parent_line else None
            batch.tasks.append(_task_row(tid, note_id, rec, parent, prev.first_seen if prev else stamp))
        kept = {k.id for k in matched.values()}
        gone = [(k.id, stamp, k.status, 0, scan.path, k.raw) for k in old if k.id not in kept]
        batch.events.extend(gone)
        return changes + len(gone)

    def _put_prepared(self, note_id: int, scan: NoteScan, batch: _Batch) -> int:
        """A new note whose rows were made while reading it: only the note id and the time are missing."""
        assert scan.rows is not None
        stamp = batch.stamp
        batch.used.add(row[0] for row in scan.rows)
        batch.tasks.extend((row[0], note_id, *row[2:23], stamp, row[24]) for row in scan.rows)
        batch.events.extend((row[0], stamp, 0, row[4], scan.path, row[3]) for row in scan.rows)
        return len(scan.rows)

    def _events(self, events: list[tuple[Any, ...]]) -> None:
        if events:
            self.db.executemany(
                "INSERT INTO events (task_id, at, old_status, new_status, path, description) "
                "VALUES (?, ?, nullif(?, 0), nullif(?, 0), ?, ?)",  # 0: no status (see _NULLABLE)
                events,
            )

    # -- reading ------------------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        return {s: n for s, n in self.db.execute("SELECT status, count(*) FROM tasks GROUP BY status")}

    def note_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM notes WHERE error IS NULL").fetchone()[0])

    def failed_paths(self) -> set[str]:
        """The notes that could not be read (they have no tasks)."""
        return {r[0] for r in self.db.execute("SELECT path FROM notes WHERE error IS NOT NULL")}

    def problems(self) -> list[tuple[str, int | None, str]]:
        """Every warning and unreadable note, as (path, line, message)."""
        found: list[tuple[str, int | None, str]] = []
        for path, warnings, error in self.db.execute(
            "SELECT path, warnings, error FROM notes WHERE error IS NOT NULL OR warnings != '[]' ORDER BY path"
        ):
            if error:
                found.append((path, None, error))
            found.extend((path, line, msg) for line, msg in json.loads(warnings))
        return found

    def unreadable(self) -> list[tuple[str, str]]:
        """The notes that could not be read, or only with replacement characters, as (path, message)."""
        return [(path, error or json.loads(warnings)[0][1]) for path, error, warnings in self.db.execute(
            "SELECT path, error, warnings FROM notes WHERE error IS NOT NULL OR partial ORDER BY path")]

    def resolve_id(self, prefix: str) -> str:
        """The full id for ``prefix`` (at least 4 characters, unique)."""
        wanted = prefix.strip().lower()
        if len(wanted) < 4:
            raise UnknownTask(f"no task with id {prefix!r} (give at least 4 characters)")
        rows = self.db.execute("SELECT id FROM tasks WHERE id >= ? AND id < ? LIMIT 3", (wanted, wanted + "~"))
        ids = [r[0] for r in rows]
        if not ids:
            raise UnknownTask(f"no task with id {prefix!r} (see `tasks list --all`)")
        if len(ids) > 1 and wanted not in ids:
            raise UnknownTask(f"id {prefix!r} is ambiguous: {', '.join(ids)}")
        return wanted if wanted in ids else str(ids[0])

    def history(self, task_id: str) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM events WHERE task_id=? ORDER BY id", (task_id,)).fetchall()


def _migrate_from_2(db: sqlite3.Connection) -> None:
    """Schema 2 kept each change's note bytes in ``changes``; schema 3 journals them per batch of notes, and
    keeps whether a note was read fully and how it ended."""
    db.execute("ALTER TABLE changes RENAME TO changes_2")
    for statement in _SCHEMA[_SCHEMA.index("CREATE TABLE batches") :].split(";"):
        if statement.strip():
            db.execute(statement)
    db.execute("INSERT INTO batches (id, at, verb, state, undone) "
               "SELECT batch, min(at), min(verb), 'done', max(undone) FROM changes_2 GROUP BY batch")
    db.execute("INSERT OR IGNORE INTO batch_notes (batch, path, before, after) "
               "SELECT batch, path, before, after FROM changes_2 WHERE after IS NOT NULL")
    db.execute("INSERT INTO changes (id, batch, task_id, path, line, old_lines, new_lines) "
               "SELECT id, batch, task_id, path, line, old_lines, new_lines FROM changes_2")
    db.execute("DROP TABLE changes_2")
    db.execute("ALTER TABLE notes ADD COLUMN partial INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE notes ADD COLUMN tail BLOB")
    db.execute("UPDATE notes SET size = -1")  # read every note again, for what schema 3 keeps of it


_MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {2: _migrate_from_2}


class _IdsInUse:
    """Every task id in the store (loaded only when a new id is needed), plus those given out since."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.ids: set[str] | None = None
        self.added: set[str] = set()
        self.released: set[str] = set()

    def __contains__(self, task_id: object) -> bool:
        if self.ids is None:
            self.ids = {r[0] for r in self.db.execute("SELECT id FROM tasks")}
            self.ids = (self.ids - self.released) | self.added
        return task_id in self.ids

    def release(self, ids: Iterable[str]) -> None:
        gone = set(ids)
        if self.ids is None:
            self.released |= gone
            self.added -= gone
        else:
            self.ids -= gone

    def add(self, ids: Iterable[str]) -> None:
        new = set(ids)
        if self.ids is None:
            self.added |= new
            self.released -= new
        else:
            self.ids |= new


@dataclass(slots=True)
class _Batch:
    """Rows gathered during one ``apply``, written at its end."""

    stamp: str
    used: _IdsInUse
    notes: list[tuple[Any, ...]] = field(default_factory=list)
    tasks: list[tuple[Any, ...]] = field(default_factory=list)
    events: list[tuple[Any, ...]] = field(default_factory=list)


def _note_values(scan: NoteScan) -> tuple[Any, ...]:
    """The values of ``NOTE_COLUMNS`` for the note ``scan``."""
    return (
        scan.size, scan.mtime_ns, scan.title, scan.note_date, _to_json(scan.properties),
        _to_json(scan.warnings) if scan.warnings else "[]", scan.error, int(scan.partial), scan.tail,
    )


_to_json = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(..., ensure_ascii=False), made once
_LISTS: dict[tuple[str, ...], tuple[str, str]] = {}


def _list_columns(values: tuple[str, ...]) -> tuple[str, str]:
    """A list of owners or tags as stored: JSON, and its ``_keys`` (tags without their ``#``). The same few
    lists recur across a vault: each is made once."""
    columns = _LISTS.get(values)
    if columns is None:
        if len(_LISTS) > 4096:
            _LISTS.clear()
        columns = _LISTS[values] = (_to_json(values), _keys(v.lstrip("#") for v in values))
    return columns


def prepare_rows(scan: NoteScan, note_id: int = 0) -> None:
    """For a note new to the store, make its task rows now (in the process that read it): ids as a
    first scan gives them, parents, JSON. The time they were first seen is left out (and the note id, when
    0): ``apply`` and ``merge_notes`` add it, or, should an id already be taken elsewhere in the store,
    assign ids the usual way."""
    tasks = scan.tasks
    ids = first_ids(scan.path, [rec.key for rec in tasks])
    by_line: dict[int | None, str] = {}  # a parent comes before its subtasks
    rows = []
    for rec, tid in zip(tasks, ids, strict=True):
        by_line[rec.line] = tid
        rows.append(_task_row(tid, note_id, rec, by_line.get(rec.parent_line), ""))
    scan.rows = rows
    scan.tasks = []  # the rows say it all; less to send back from a worker


def _nothing() -> None:
    pass


def _sync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))  # writable: Windows syncs only such handles
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_chunk(chunk: Path, scans: Sequence[NoteScan]) -> None:
    """Write notes new to the store to a file of their own (a scan worker does this; ``Store.merge_notes``
    adds it to the store). Their rows are made by ``prepare_rows``, with the note's place in ``scans``
    (from 1) as its note id."""
    db = sqlite3.connect(chunk, isolation_level=None)
    try:
        db.execute(f"PRAGMA page_size={PAGE_SIZE}")
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.execute(f"CREATE TABLE notes (id INTEGER PRIMARY KEY, {NOTE_COLUMNS}, path)")
        db.execute(f"CREATE TABLE tasks ({TASK_COLUMNS})")
        db.execute("BEGIN")
        db.executemany(f"INSERT INTO notes ({NOTE_COLUMNS}, path, id) VALUES ({_NOTE_VALUES}, ?, ?)",
                       [(*_note_values(scan), scan.path, i) for i, scan in enumerate(scans, 1)])
        db.executemany(f"INSERT INTO tasks ({TASK_COLUMNS}) VALUES ({TASK_VALUES})",
                       chain.from_iterable(scan.rows or () for scan in scans))
        db.execute("COMMIT")
    finally:
        db.close()


def _reassign_ids(scan: NoteScan, used: Callable[[str], bool]) -> None:
    """A prepared id is taken by a task of another note (rare: 35-bit ids): pick free ones, as
    ``assign_ids`` does, and point the note's parent links at them."""
    assert scan.rows is not None
    keyed = [_Keyed(row[22]) for row in scan.rows]
    ids = assign_ids(scan.path, keyed, {}, used)  # type: ignore[arg-type]
    renamed = {row[0]: tid for row, tid in zip(scan.rows, ids, strict=True)}
    scan.rows = [(renamed[row[0]], *row[1:20], renamed.get(row[20], 0), *row[21:]) for row in scan.rows]


class _Keyed(NamedTuple):
    key: str


def _task_row(tid: str, note_id: int, rec: TaskRecord, parent: str | None, first_seen: str) -> tuple[Any, ...]:
    """The values of ``TASK_COLUMNS`` (0 for a missing one: see ``_NULLABLE``)."""
    (line, raw, status, symbol, description, owners, priority, due, scheduled, start, created, done, cancelled,
     recurrence, tags, block_id, _parent_line, heading, key, inferred_due) = rec
    owner_list, owner_keys = _list_columns(owners)
    tag_list, tag_keys = _list_columns(tags)
    return (
        tid, note_id, line, raw, status, symbol, description, owner_list, owner_keys, priority,
        0 if due is None else due, 0 if scheduled is None else scheduled, 0 if start is None else start,
        0 if created is None else created, 0 if done is None else done, 0 if cancelled is None else cancelled,
        0 if recurrence is None else recurrence,
        tag_list, tag_keys, 0 if block_id is None else block_id, 0 if parent is None else parent,
        0 if heading is None else heading, key, first_seen, 0 if inferred_due is None else inferred_due,
    )
