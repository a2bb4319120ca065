"""The SQLite store: an index of the vault's tasks, plus the history of what it has seen."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import datetime
from functools import partial
from operator import attrgetter
from pathlib import Path
from typing import Any

from tasktrack.errors import DamagedStore, StoreError, UnknownTask
from tasktrack.model import PRIORITIES, PRIORITY_RANK, Note, Task
from tasktrack.store.ids import assign_ids, match_tasks

SCHEMA_VERSION = 4
BUSY_TIMEOUT = 10  # seconds to wait for another process's write
_FLUSH_ROWS = 5000  # rows gathered before they are written in one go

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
    inferred_due TEXT,
    task_id TEXT,
    depends_on TEXT NOT NULL DEFAULT '[]'
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

_TABLES = re.findall(r"CREATE TABLE (\w+)", _SCHEMA)

# A note's row: each column holds the ``Note`` attribute of its name, as ``_NOTE_STORED_AS`` says.
NOTE_COLUMNS = ("size", "mtime_ns", "title", "note_date", "properties", "warnings", "error", "partial", "tail")
# A task's row: the columns that hold the ``Task`` attribute of their name as it is, then those that hold it
# another way (see ``_stored_values``); and ``note_id``.
TASK_COLUMNS = ("id", "line", "raw", "status", "symbol", "description", "due", "scheduled", "start", "created",
                "done", "cancelled", "recurrence", "block_id", "parent", "heading", "key", "first_seen",
                "inferred_due", "task_id")
STORED_COLUMNS = ("owners", "owner_keys", "tags", "tag_keys", "priority", "depends_on")
_task_values = attrgetter(*TASK_COLUMNS)
_INSERT_TASK = (f"INSERT INTO tasks (note_id, {', '.join(TASK_COLUMNS + STORED_COLUMNS)}) "
                f"VALUES ({', '.join('?' * (1 + len(TASK_COLUMNS) + len(STORED_COLUMNS)))})")
_INSERT_NOTE = (f"INSERT INTO notes (path, id, {', '.join(NOTE_COLUMNS)}) "
                f"VALUES ({', '.join('?' * (2 + len(NOTE_COLUMNS)))})")
_UPDATE_NOTE = f"UPDATE notes SET ({', '.join(NOTE_COLUMNS)}) = ({', '.join('?' * len(NOTE_COLUMNS))}) WHERE id=?"
_INSERT_EVENT = ("INSERT INTO events (task_id, at, old_status, new_status, path, description) "
                 "VALUES (?, ?, ?, ?, ?, ?)")
_TASK_FIELDS = frozenset(f.name for f in fields(Task))


def now_stamp() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _casefold(text: str | None) -> str | None:
    """SQL's ``casefold(x)``: Python's case folding, for case-insensitive matching of any text (SQLite's
    ``lower`` folds only ASCII)."""
    return None if text is None else str(text).casefold()


def list_keys(values: Iterable[str]) -> str:
    """``\x1fa\x1fb\x1f``: lets SQL test membership with ``instr`` (case-insensitive)."""
    return "\x1f" + "".join(v.casefold() + "\x1f" for v in values)


class Store:
    def __init__(self, path: Path, vault: Path | None = None) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT)
            self.db.row_factory = sqlite3.Row
            self.db.create_function("casefold", 1, _casefold, deterministic=True)
            self._prepare(vault)
        except sqlite3.OperationalError as exc:  # cannot open it, busy, read-only, ...
            raise StoreError(f"cannot use the store {path}: {exc}") from None
        except sqlite3.DatabaseError as exc:  # not a database, or a damaged one
            raise DamagedStore(path, str(exc)) from None
        except OSError as exc:
            raise StoreError(f"cannot use the store {path}: {exc}") from None

    def _prepare(self, vault: Path | None) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION and version not in _MIGRATIONS:
            self._refuse_to_empty(version)  # before the database is changed in any way
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA temp_store=MEMORY")  # a sort of a long listing stays in memory, not in a temp file
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

    def _refuse_to_empty(self, version: int) -> None:
        """``StoreError`` rather than drop the tables of a database that is no store of this tasktrack's making or
        older: another program's (none of the store's tables in it), or a newer tasktrack's."""
        if version > SCHEMA_VERSION:
            raise StoreError(f"the store {self.path} was made by a newer tasktrack (schema {version}, this one "
                             f"knows {SCHEMA_VERSION}): use that version, or give --db another file")
        tables = [r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        if tables and not set(tables) & set(_TABLES):
            raise StoreError(f"{self.path} is not a tasktrack store (it holds the tables {', '.join(tables)}): "
                             "give --db another file")

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

    def apply(self, notes: Iterable[Note], deleted: Sequence[str], stamp: str | None = None,
              pinned: Mapping[str, Mapping[int, str]] | None = None) -> int:
        """Write changed notes and drop deleted ones, in one transaction; return how many tasks changed.
        Rows are gathered and inserted in batches (a first scan writes tens of thousands). ``pinned``: for a
        note, {1-based line: the id of the task the writer put there} (see ``ids.match_tasks``)."""
        batch = _Batch(stamp or now_stamp())
        changes = 0
        with self.transaction():
            for path in deleted:
                changes += self._drop_note(path, batch.stamp)
            note_ids = dict(self.db.execute("SELECT path, id FROM notes").fetchall())
            next_id = int(self.db.execute("SELECT coalesce(max(id), 0) + 1 FROM notes").fetchone()[0])
            for note in notes:
                note_id = note_ids.get(note.path)
                if note_id is None:
                    note_id, next_id = next_id, next_id + 1
                    batch.notes.append((note.path, note_id, *_note_values(note)))
                    old: list[Task] = []
                else:
                    old = self._replace_note(note_id, note)
                changes += self._put_tasks(note_id, note, old, batch, (pinned or {}).get(note.path))
                if len(batch.tasks) >= _FLUSH_ROWS:
                    self._flush(batch)
            self._flush(batch)
        return changes

    def _replace_note(self, note_id: int, note: Note) -> list[Task]:
        self.db.execute(_UPDATE_NOTE, (*_note_values(note), note_id))
        old = self._known(note_id, note.path)
        self.db.execute("DELETE FROM tasks WHERE note_id=?", (note_id,))
        return old

    def _flush(self, batch: _Batch) -> None:
        self.db.executemany(_INSERT_NOTE, batch.notes)
        self.db.executemany(_INSERT_TASK, batch.tasks)
        self.db.executemany(_INSERT_EVENT, batch.events)
        batch.notes.clear()
        batch.tasks.clear()
        batch.events.clear()

    def _drop_note(self, path: str, stamp: str) -> int:
        row = self.db.execute("SELECT id FROM notes WHERE path=?", (path,)).fetchone()
        if row is None:
            return 0
        gone = self._known(row[0], path)
        self.db.executemany(_INSERT_EVENT, [(k.id, stamp, k.status, None, path, k.raw) for k in gone])
        self.db.execute("DELETE FROM tasks WHERE note_id=?", (row[0],))
        self.db.execute("DELETE FROM notes WHERE id=?", (row[0],))
        return len(gone)

    def _known(self, note_id: int, path: str) -> list[Task]:
        rows = self.db.execute("SELECT * FROM tasks WHERE note_id=? ORDER BY line", (note_id,))
        return [load_task(row, path) for row in rows]

    def _id_in_use(self, batch: _Batch, task_id: str) -> bool:
        """Whether a task of the store (the replaced notes' old tasks are gone by now) or of ``batch`` has it."""
        return task_id in batch.given or (
            self.db.execute("SELECT 1 FROM tasks WHERE id=?", (task_id,)).fetchone() is not None)

    def _put_tasks(self, note_id: int, note: Note, old: list[Task], batch: _Batch,
                   pinned: Mapping[int, str] | None = None) -> int:
        """Give the note's tasks their ids (an old task's, where one continues it), parents and first-seen
        times, and gather their rows and the events of what changed."""
        matched = match_tasks(old, note.tasks, pinned) if old else {}
        ids = assign_ids(note.path, note.tasks, matched, partial(self._id_in_use, batch))
        batch.given.update(ids)
        by_line = {task.line: task_id for task, task_id in zip(note.tasks, ids, strict=True)}
        changes = 0
        for i, (task, task_id) in enumerate(zip(note.tasks, ids, strict=True)):
            prev = matched.get(i)
            task.id = task_id
            task.parent = None if task.parent_line is None else by_line.get(task.parent_line)
            task.first_seen = batch.stamp if prev is None else prev.first_seen
            if prev is None or prev.status != task.status:
                batch.events.append((task_id, batch.stamp, None if prev is None else prev.status, task.status,
                                     note.path, task.raw))
                changes += 1
            batch.tasks.append(task_row(task, note_id))
        kept = {k.id for k in matched.values()}
        gone = [(k.id, batch.stamp, k.status, None, note.path, k.raw) for k in old if k.id not in kept]
        batch.events.extend(gone)
        return changes + len(gone)

    def has_pending_change(self) -> bool:
        """Whether a change to the notes was left unfinished by a process that was killed (or is writing now)."""
        return self.db.execute("SELECT 1 FROM batches WHERE state = 'pending' LIMIT 1").fetchone() is not None

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


def _migrate_from_3(db: sqlite3.Connection) -> None:
    """Schema 4 keeps each task's dependency id and the ids it depends on."""
    db.execute("ALTER TABLE tasks ADD COLUMN task_id TEXT")
    db.execute("ALTER TABLE tasks ADD COLUMN depends_on TEXT NOT NULL DEFAULT '[]'")
    db.execute("UPDATE notes SET size = -1")  # read every note again, for what schema 4 keeps of it


def _migrate_from_2_to_4(db: sqlite3.Connection) -> None:
    _migrate_from_2(db)
    _migrate_from_3(db)


_MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {2: _migrate_from_2_to_4, 3: _migrate_from_3}


@dataclass(slots=True)
class _Batch:
    """Rows gathered during one ``apply``, written at its end."""

    stamp: str
    given: set[str] = field(default_factory=set)  # the ids of the tasks gathered (some not written yet)
    notes: list[tuple[Any, ...]] = field(default_factory=list)
    tasks: list[tuple[Any, ...]] = field(default_factory=list)
    events: list[tuple[Any, ...]] = field(default_factory=list)


def _note_values(note: Note) -> tuple[Any, ...]:
    """The values of ``NOTE_COLUMNS`` for ``note``."""
    return (note.size, note.mtime_ns, note.title, note.note_date, _to_json(note.properties),
            _to_json(note.warnings), note.error, int(note.partial), note.tail)


_to_json = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(value, ensure_ascii=False)


def task_row(task: Task, note_id: int) -> tuple[Any, ...]:
    """The values of a task's row: ``note_id``, ``TASK_COLUMNS``, then ``STORED_COLUMNS``."""
    return (note_id, *_task_values(task), _to_json(task.owners), list_keys(task.owners), _to_json(task.tags),
            list_keys(tag.lstrip("#") for tag in task.tags), PRIORITY_RANK[task.priority], _to_json(task.depends_on))


def load_task(row: sqlite3.Row, path: str) -> Task:
    """The task a row of the ``tasks`` table holds (with the note's ``path``), by column name."""
    values = {name: row[name] for name in row.keys() if name in _TASK_FIELDS}  # noqa: SIM118 (a Row)
    values.update(owners=tuple(json.loads(row["owners"])), tags=tuple(json.loads(row["tags"])),
                  priority=PRIORITIES[row["priority"]], depends_on=tuple(json.loads(row["depends_on"])))
    return Task(path=path, **values)
