"""``tasks digest``: the state of the user's tasks on one day, in sections, each item linked to its source.

Sections, in order (empty ones are left out):

* Overdue, Due today, Due in the next 7 days: the user's open and in-progress tasks by due date; a task
  with no explicit due date uses the date inferred from its words (shown as ``~YYYY-MM-DD``).
* Awaiting triage: proposed items (every owner's, or only the named owner's with ``--owner``); those
  that appeared since the previous digest (an earlier day's) are marked new, and those that likely repeat
  another unfinished task (``tasks dupes``) say which one.
* Waiting on others: open and in-progress tasks owned only by people who are not the user, oldest first.
* Completed since the previous day: done tasks whose ✅ date is yesterday or the day itself (for one without
  a ✅ date: the day the store saw it turn done).

"The user" is the configured ``me`` names (or ``--owner NAME``); a task with no owner is the user's
unless another name was asked for. Each task appears in one section at most.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import PurePosixPath
from typing import Any

from tasktrack.dates import parse_when, today
from tasktrack.errors import UsageError
from tasktrack.model import PRIORITY_RANK, Task
from tasktrack.workspace import Filters, Workspace

SECTIONS = (
    ("overdue", "Overdue"),
    ("due_today", "Due today"),
    ("due_next_7_days", "Due in the next 7 days"),
    ("awaiting_triage", "Awaiting triage"),
    ("waiting_on_others", "Waiting on others"),
    ("completed", "Completed since the previous day"),
)
HISTORY_KEY = "digest.history"  # meta: {"YYYY-MM-DD": last event id when that day's digest was made}
HISTORY_DAYS = 400
_OWNER_RE = re.compile(r"@?\w(?:[\w .'-]*\w)?")
_ACTIVE = ("open", "in_progress")


@dataclass(frozen=True, slots=True)
class Options:
    day: date
    owner: str | None = None  # None: the configured `me` names
    group_by: str | None = None  # owner, note or prop:KEY


@dataclass(frozen=True, slots=True)
class Repeat:
    """The task an item awaiting triage likely repeats (see ``tasktrack.repeats``)."""

    task: Task
    link: str
    similarity: float


@dataclass(slots=True)
class Item:
    """A task as a digest section lists it: the task, and what the digest says of it."""

    task: Task
    link: str  # Obsidian link target, e.g. "Note#Heading" or "Note#^block-id"
    others: bool  # owned only by other people
    new: bool = False
    since: str | None = None  # Waiting on others: how old
    done_at: str | None = None  # Completed: when
    group: str | None = None
    repeat: Repeat | None = None  # Awaiting triage: the task it is a likely repeat of


    @property
    def due(self) -> str | None:
        """The due date shown: the task's, else (while unfinished) the one inferred from its words."""
        return self.task.due or (None if self.done_at else self.task.inferred_due)

    @property
    def inferred(self) -> bool:
        return self.due is not None and self.task.due is None


@dataclass(slots=True)
class Digest:
    day: date
    previous: date | None
    owners: list[str]
    group_by: str | None
    sections: dict[str, list[Item]] = field(default_factory=dict)
    unreadable: list[str] = field(default_factory=list)  # the notes that could not be read fully

    def counts(self) -> dict[str, int]:
        return {key: len(self.sections.get(key, [])) for key, _ in SECTIONS}

    def new_count(self) -> int:
        return sum(1 for item in self.sections.get("awaiting_triage", []) if item.new)

    def filled(self) -> list[tuple[str, str, list[Item]]]:
        """The non-empty sections, in order: (key, title, items)."""
        return [(key, title, self.sections[key]) for key, title in SECTIONS if self.sections.get(key)]


# -- options --------------------------------------------------------------------------------------


def parse_options(day: str | None, owner: str | None, group_by: str | None) -> Options:
    """Check what the user typed (a ``UsageError`` before anything is read or written)."""
    when = parse_when(day, today()) if day is not None else today()
    if owner is not None and (not _OWNER_RE.fullmatch(owner.strip()) or owner.strip() == "@"):
        raise UsageError(f"--owner wants `me` or one name as written after @ in a task (like Jeff), not {owner!r}")
    if group_by is not None:
        group_by = group_by.strip()
        key = group_by[5:].strip() if group_by.startswith("prop:") else None
        if group_by not in ("owner", "note") and not key:
            raise UsageError(f"--group-by wants owner, note or prop:KEY (like prop:account), not {group_by!r}")
        group_by = f"prop:{key}" if key else group_by
    return Options(when, owner.strip() if owner else None, group_by)


# -- building -------------------------------------------------------------------------------------


def build(ws: Workspace, options: Options, remember: bool = True) -> Digest:
    """The digest of ``options.day`` from the (synced) store; ``remember`` records it as made."""
    names = ws.owners_for(options.owner) if options.owner else list(ws.me())
    mine_unowned = options.owner is None or options.owner.lower() == "me"
    history = _history(ws)
    previous = max((d for d in history if d < options.day.isoformat()), default=None)
    result = Digest(options.day, date.fromisoformat(previous) if previous else None, names, options.group_by)
    scope = Scope({n.casefold() for n in names}, mine_unowned, options.owner is not None)
    links = LinkNames(ws.store.db)
    mark = history.get(previous) if previous else None
    _sort_unfinished(ws, result, scope, links, mark)
    _mark_repeats(ws, result.sections["awaiting_triage"], links)
    result.sections["completed"] = _completed(ws, options.day, scope, links)
    if options.group_by:
        _group(result, options.group_by)
    if remember:
        _remember(ws, options.day, history)
    result.unreadable = [path for path, _ in ws.unreadable()]
    return result


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose tasks a report is about: the owner ``names`` (casefolded), and whether a task nobody owns is theirs."""

    names: set[str]
    unowned_mine: bool
    owner_given: bool

    def mine(self, owners: Sequence[str]) -> bool:
        keys = {o.casefold() for o in owners}
        return bool(keys & self.names) or (not keys and self.unowned_mine)

    def others(self, owners: Sequence[str]) -> bool:
        return bool(owners) and not {o.casefold() for o in owners} & self.names


def _sort_unfinished(ws: Workspace, result: Digest, scope: Scope, links: LinkNames, mark: int | None) -> None:
    day = result.day.isoformat()
    week = (result.day + timedelta(days=7)).isoformat()
    sections: dict[str, list[Item]] = {key: [] for key, _ in SECTIONS}
    appeared = _appeared(ws.store.db) if mark is not None else {}
    for task in ws.tasks(Filters(sort="note")):
        item = item_of(task, scope, links)
        if task.status == "proposed":
            if not scope.owner_given or scope.mine(task.owners):
                item.new = mark is not None and appeared.get(task.id, 0) > mark
                sections["awaiting_triage"].append(item)
        elif item.others:
            item.since = task.created or task.note_date or (task.first_seen or "")[:10]
            sections["waiting_on_others"].append(item)
        elif scope.mine(task.owners) and item.due is not None and item.due <= week:
            key = "overdue" if item.due < day else "due_today" if item.due == day else "due_next_7_days"
            sections[key].append(item)
    for key in ("overdue", "due_today", "due_next_7_days"):
        sections[key].sort(key=lambda i: (i.due or "", PRIORITY_RANK[i.task.priority], i.task.path, i.task.line))
    sections["waiting_on_others"].sort(key=lambda i: (i.since or "", i.task.path, i.task.line))
    result.sections.update(sections)


def _mark_repeats(ws: Workspace, items: list[Item], links: LinkNames) -> None:
    """Give each item awaiting triage the task it most likely repeats, if any."""
    if not items:
        return
    repeats = ws.repeats([item.task for item in items])
    for item in items:
        found = repeats.of(item.task.id)
        if found:
            task, score = found[0]
            item.repeat = Repeat(task, links.target(task.path, task.heading, task.block_id), score)


def item_of(task: Task, scope: Scope, links: LinkNames) -> Item:
    """A report's item for ``task``: its link, and whether someone other than the scope's names owns it."""
    return Item(task, links.target(task.path, task.heading, task.block_id), scope.others(task.owners))


def _appeared(db: sqlite3.Connection) -> dict[str, int]:
    """For each task: the last event that made it proposed (its appearance in triage)."""
    rows = db.execute("SELECT task_id, max(id) FROM events WHERE new_status = 'proposed' GROUP BY task_id")
    return {task_id: int(event) for task_id, event in rows}


def _completed(ws: Workspace, day: date, scope: Scope, links: LinkNames) -> list[Item]:
    """Tasks that are done, with a ✅ date of yesterday or ``day``; for a done task without a ✅ date, the
    day the store saw it turn done."""
    first, last = (day - timedelta(days=1)).isoformat(), day.isoformat()
    seen_done = _seen_done(ws.store.db)
    items = []
    for task in ws.tasks(Filters(statuses=["done"], sort="path")):
        done_on = task.done or seen_done.get(task.id)
        if done_on is None or not first <= done_on <= last or (scope.owner_given and not scope.mine(task.owners)):
            continue
        item = item_of(task, scope, links)
        item.done_at = done_on
        items.append(item)
    items.sort(key=lambda i: i.done_at or "")  # stable: by path and line within a day
    return items


def _seen_done(db: sqlite3.Connection) -> dict[str, str]:
    """The day the store last saw each task turn done."""
    rows = db.execute("SELECT task_id, substr(max(at), 1, 10) FROM events WHERE new_status = 'done' AND "
                      "old_status IS NOT NULL AND old_status != 'done' GROUP BY task_id")
    return dict(rows.fetchall())


# -- grouping -------------------------------------------------------------------------------------


def _group(result: Digest, group_by: str) -> None:
    """Label every item with its group and order each section by group (the "no ..." group last)."""
    for items in result.sections.values():
        for item in items:
            item.group = group_label(item, group_by)
        order = {label: i for i, label in enumerate(_group_order(items, group_by))}
        items.sort(key=lambda i: order[i.group or ""])


def group_label(item: Item, group_by: str) -> str:
    if group_by == "owner":
        return ", ".join(item.task.owners) or "no owner"
    if group_by == "note":
        return item.task.note_title
    key = group_by[5:]
    props = item.task.properties
    value = next((v for k, v in props.items() if k.casefold() == key.casefold()), None)
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value if v is not None and str(v).strip())
    return str(value).strip() if value not in (None, "") and str(value).strip() else f"no {key}"


def _group_order(items: list[Item], group_by: str) -> list[str]:
    none = "no owner" if group_by == "owner" else f"no {group_by[5:]}" if group_by.startswith("prop:") else None
    labels = {i.group or "" for i in items}
    return sorted(labels, key=lambda label: (label == none, label.casefold(), label))


# -- links ----------------------------------------------------------------------------------------


class LinkNames:
    """The shortest Obsidian link to each note: its name, or its path when another note has that name."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.stems = Counter(PurePosixPath(p).stem.casefold() for (p,) in db.execute("SELECT path FROM notes"))

    def target(self, path: str, heading: str | None, block_id: str | None) -> str:
        stem = PurePosixPath(path).stem
        name = stem if self.stems[stem.casefold()] <= 1 else path.removesuffix(".md")
        if block_id:
            return f"{name}#^{block_id}"
        if heading:
            clean = " ".join(re.sub(r"[#|^:\[\]%]", " ", heading).split())
            return f"{name}#{clean}" if clean else name
        return name


# -- remembering the previous digest --------------------------------------------------------------


def _history(ws: Workspace) -> dict[str, int]:
    try:
        data = json.loads(ws.store.meta(HISTORY_KEY) or "{}")
    except ValueError:
        return {}
    return {str(k): int(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _remember(ws: Workspace, day: date, history: dict[str, int]) -> None:
    last = ws.store.db.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]
    history[day.isoformat()] = int(last)
    kept = dict(sorted(history.items())[-HISTORY_DAYS:])
    ws.store.set_meta(HISTORY_KEY, json.dumps(kept, sort_keys=True))


def as_json(result: Digest) -> dict[str, Any]:
    """The digest as JSON data: counts of every section, then the non-empty sections with their items."""
    sections = []
    for key, title, items in result.filled():
        entry: dict[str, Any] = {"key": key, "title": title, "count": len(items)}
        if key == "awaiting_triage":
            entry["new"] = result.new_count()
        entry["items"] = [_item_json(i, result.group_by) for i in items]
        sections.append(entry)
    return {
        "date": result.day.isoformat(),
        "previous_digest": result.previous.isoformat() if result.previous else None,
        "owners": result.owners,
        "group_by": result.group_by,
        "counts": result.counts(),
        "nothing": not sections,
        "sections": sections,
        "unreadable": result.unreadable,
    }


def _item_json(item: Item, group_by: str | None) -> dict[str, Any]:
    task = item.task
    data: dict[str, Any] = {
        "id": task.id, "path": task.path, "line": task.line, "description": task.description,
        "status": task.status, "owners": list(task.owners), "priority": task.priority,
        "due": item.due, "due_inferred": item.inferred, "link": f"[[{item.link}]]", "new": item.new,
        "waiting_since": item.since, "done": item.done_at,
    }
    if group_by:
        data["group"] = item.group
    repeat = item.repeat
    data["possible_repeat_of"] = None if repeat is None else {
        "id": repeat.task.id, "path": repeat.task.path, "line": repeat.task.line,
        "description": repeat.task.description, "link": f"[[{repeat.link}]]", "similarity": repeat.similarity}
    return data


