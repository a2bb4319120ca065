"""Which tasks to list: filters and sort orders, turned into one SQL query on the store."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tasktrack.errors import UsageError
from tasktrack.model import FINISHED, PRIORITIES, PRIORITY_RANK, UNFINISHED, Task, parse_priority
from tasktrack.store.database import list_keys

SORTS = {
    "due": "t.due IS NULL, t.due, t.priority, n.path, t.line",
    "priority": "t.priority, t.due IS NULL, t.due, n.path, t.line",
    "path": "n.path, t.line",
    "created": "coalesce(t.created, substr(t.first_seen, 1, 10)) DESC, n.path, t.line",
    "note": "n.note_date IS NULL, n.note_date DESC, n.path, t.line",
    "done": "t.done IS NULL, t.done DESC, n.path, t.line",
}

SELECT = (
    "SELECT t.id, n.path, t.line, t.status, t.symbol, t.description, t.owners, t.priority, t.due, "
    "t.scheduled, t.start, t.created, t.done, t.cancelled, t.recurrence, t.tags, t.block_id, t.parent, "
    "t.heading, n.title AS note_title, n.note_date, n.properties, t.raw, t.first_seen, t.inferred_due, "
    "t.task_id, t.depends_on "
    "FROM tasks t JOIN notes n ON n.id = t.note_id"
)


@dataclass(slots=True)
class Filters:
    statuses: list[str] | None = None  # None: the unfinished ones
    owners: list[str] = field(default_factory=list)
    not_owners: list[str] = field(default_factory=list)
    due_before: date | None = None
    due_after: date | None = None
    overdue_on: date | None = None
    priorities: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    path: str | None = None
    props: list[tuple[str, str]] = field(default_factory=list)
    text: str | None = None
    sql: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)  # more conditions on t and n, with params
    sort: str = "due"
    limit: int | None = None
    offset: int = 0
    inferred: bool = False  # date filters use the inferred due date of tasks that have no explicit one
    done_since: date | None = None  # tasks with a ✅ done date on or after this day


def parse_priorities(text: str) -> list[str]:
    """``--priority high,urgent``: the levels, in the words ``tasks priority`` takes."""
    return [parse_priority(p) for p in text.split(",") if p.strip()]


def parse_prop(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise UsageError(f"--prop wants key=value, not {text!r}")
    return key.strip(), value.strip()


_PROPERTY_SQL = (
    "EXISTS (SELECT 1 FROM json_each(n.properties) p WHERE lower(p.key) = lower(?) AND "
    "(lower(CAST(p.value AS TEXT)) = lower(?) OR (p.type = 'array' AND EXISTS "
    "(SELECT 1 FROM json_each(p.value) v WHERE lower(CAST(v.value AS TEXT)) = lower(?)))))"
)


def _where(f: Filters) -> tuple[list[str], list[Any]]:
    """The SQL conditions of ``f`` (joined by AND) and their parameters."""
    clauses: list[str] = []
    params: list[Any] = []
    statuses = list(UNFINISHED) if f.statuses is None else f.statuses
    if statuses:
        clauses.append(f"t.status IN ({','.join('?' * len(statuses))})")
        params += statuses
    _owners(f, clauses, params)
    _dates(f, clauses, params)
    if f.priorities:
        clauses.append(f"t.priority IN ({','.join('?' * len(f.priorities))})")
        params += [PRIORITY_RANK[p] for p in f.priorities]
    for tag in f.tags:
        clauses.append("instr(t.tag_keys, ?) > 0")
        params.append(_key(tag.lstrip("#")))
    if f.path:
        clauses.append("n.path LIKE ? ESCAPE '\\'")
        params.append(_like(f.path))
    for key, value in f.props:
        clauses.append(_PROPERTY_SQL)
        params += [key, value, value]
    if f.text:
        clauses.append("(instr(lower(t.description), lower(?)) > 0 OR instr(lower(t.raw), lower(?)) > 0)")
        params += [f.text, f.text]
    for condition, values in f.sql:
        clauses.append(f"({condition})")
        params += values
    return clauses, params


def _owners(f: Filters, clauses: list[str], params: list[Any]) -> None:
    if f.owners:
        clauses.append("(" + " OR ".join("instr(t.owner_keys, ?) > 0" for _ in f.owners) + ")")
        params += [_key(o) for o in f.owners]
    if f.not_owners:
        clauses.append("t.owner_keys != '\x1f'")
        clauses += ["instr(t.owner_keys, ?) = 0" for _ in f.not_owners]
        params += [_key(o) for o in f.not_owners]


def _key(value: str) -> str:
    """How the store's ``owner_keys`` and ``tag_keys`` columns hold one value (found in them with ``instr``)."""
    return list_keys([value])


def _dates(f: Filters, clauses: list[str], params: list[Any]) -> None:
    due = "coalesce(t.due, t.inferred_due)" if f.inferred else "t.due"
    if f.due_before:
        clauses.append(f"{due} < ?")
        params.append(f.due_before.isoformat())
    if f.due_after:
        clauses.append(f"{due} > ?")
        params.append(f.due_after.isoformat())
    if f.done_since:
        clauses.append("t.done >= ?")
        params.append(f.done_since.isoformat())
    if f.overdue_on:
        clauses.append(f"{due} < ? AND t.status IN ({','.join('?' * len(UNFINISHED))})")
        params += [f.overdue_on.isoformat(), *UNFINISHED]


def _like(text: str) -> str:
    """``--path``: a glob (``Meetings/*``) or a part of the path, case-insensitive."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    if "*" in text or "?" in text:
        return escaped.replace("*", "%").replace("?", "_")
    return f"%{escaped}%"


def _sql(f: Filters, columns: str | None = None) -> tuple[str, list[Any]]:
    if f.sort not in SORTS:
        raise UsageError(f"unknown sort {f.sort!r}: use {', '.join(SORTS)}")
    clauses, params = _where(f)
    select = SELECT if columns is None else f"SELECT {columns} {SELECT[SELECT.index('FROM tasks'):]}"
    sql = select + (" WHERE " + " AND ".join(clauses) if clauses else "") + f" ORDER BY {SORTS[f.sort]}"
    if f.limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [f.limit, f.offset]
    return sql, params


def select(db: sqlite3.Connection, f: Filters) -> list[Task]:
    sql, params = _sql(f)
    return [task_from_row(row) for row in db.execute(sql, params)]


def count(db: sqlite3.Connection, f: Filters) -> int:
    clauses, params = _where(f)
    sql = "SELECT count(*) FROM tasks t JOIN notes n ON n.id = t.note_id"
    sql += " WHERE " + " AND ".join(clauses) if clauses else ""
    return int(db.execute(sql, params).fetchone()[0])


def dependencies(db: sqlite3.Connection) -> tuple[frozenset[str], frozenset[str]]:
    """The dependency ids (🆔) of the unfinished tasks, and the ids the unfinished tasks depend on (⛔)."""
    unfinished = f"status NOT IN ({','.join('?' * len(FINISHED))})"
    own = db.execute(f"SELECT task_id FROM tasks WHERE task_id IS NOT NULL AND {unfinished}", FINISHED)
    awaited = db.execute(f"SELECT depends_on FROM tasks WHERE depends_on != '[]' AND {unfinished}", FINISHED)
    return frozenset(i for (i,) in own), frozenset(i for (ids,) in awaited for i in json.loads(ids))


def one(db: sqlite3.Connection, task_id: str) -> Task | None:
    row = db.execute(SELECT + " WHERE t.id = ?", (task_id,)).fetchone()
    return None if row is None else task_from_row(row)


def at(db: sqlite3.Connection, path: str, line: int) -> Task | None:
    """The task on 1-based ``line`` of the note ``path``."""
    row = db.execute(SELECT + " WHERE n.path = ? AND t.line = ?", (path, line)).fetchone()
    return None if row is None else task_from_row(row)


def task_from_row(row: sqlite3.Row) -> Task:
    """A task as ``SELECT`` reads it, by column name."""
    return Task(
        id=row["id"], path=row["path"], line=row["line"], raw=row["raw"], status=row["status"], symbol=row["symbol"],
        description=row["description"], owners=tuple(json.loads(row["owners"])), priority=PRIORITIES[row["priority"]],
        due=row["due"], scheduled=row["scheduled"], start=row["start"], created=row["created"], done=row["done"],
        cancelled=row["cancelled"], recurrence=row["recurrence"], tags=tuple(json.loads(row["tags"])),
        block_id=row["block_id"], heading=row["heading"], inferred_due=row["inferred_due"], parent=row["parent"],
        first_seen=row["first_seen"], note_title=row["note_title"], note_date=row["note_date"],
        properties=json.loads(row["properties"]), task_id=row["task_id"],
        depends_on=tuple(json.loads(row["depends_on"])),
    )


_PRIORITY_SQL = "CASE t.priority " + " ".join(f"WHEN {i} THEN '{p}'" for i, p in enumerate(PRIORITIES)) + " END"
_JSON_OBJECT = (
    "json_object('id', t.id, 'path', n.path, 'line', t.line, 'status', t.status, 'symbol', t.symbol, "
    "'description', t.description, 'owners', json(t.owners), 'priority', " + _PRIORITY_SQL + ", "
    "'due', t.due, 'scheduled', t.scheduled, 'start', t.start, 'created', t.created, 'done', t.done, "
    "'cancelled', t.cancelled, 'recurrence', t.recurrence, 'tags', json(t.tags), 'block_id', t.block_id, "
    "'parent', t.parent, 'heading', t.heading, 'note_title', n.title, 'note_date', n.note_date, "
    "'properties', json(n.properties), 'inferred_due', t.inferred_due)"
)


def json_objects(db: sqlite3.Connection, f: Filters) -> Iterator[str]:
    """Each task's ``--json`` object as text, built by SQLite itself, with exactly the keys of ``_JSON_OBJECT``
    in that order (``model.JSON_KEYS``: a tested contract)."""
    sql, params = _sql(f, _JSON_OBJECT)
    for (text,) in db.execute(sql, params):
        yield text


def json_objects_by_id(db: sqlite3.Connection, f: Filters) -> dict[str, str]:
    """Each task's ``--json`` object as text (as ``json_objects`` gives it), by task id: for output that adds a
    key to each."""
    sql, params = _sql(f, "t.id, " + _JSON_OBJECT)
    return dict(db.execute(sql, params))


def json_lines(db: sqlite3.Connection, f: Filters) -> Iterator[str]:
    """The ``--json`` array of ``json_objects``."""
    yield "["
    first = True
    for text in json_objects(db, f):
        yield text if first else ",\n" + text
        first = False
    yield "]\n"
