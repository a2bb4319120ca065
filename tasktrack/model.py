"""The domain model: a ``Task`` and the ``Note`` it was found in, and every fact about tasks that more than one
part of tasktrack needs (statuses, priorities, date fields and how each is written), each defined once here.

Every layer speaks these types: the scanner makes them, the store saves and loads them by column name, the
triage verbs, the renderers, the digest and the TUI read their attributes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tasktrack.errors import UsageError

# -- statuses ---------------------------------------------------------------------------------------------

STATUSES = ("proposed", "open", "in_progress", "deferred", "done", "cancelled", "non_task")
UNFINISHED = ("proposed", "open", "in_progress")
FINISHED = ("done", "cancelled", "non_task")
PROPOSED_TAG = "#proposed"

# The checkbox symbol of each status, as read when neither the config nor Obsidian Tasks says otherwise.
DEFAULT_SYMBOLS: dict[str, str] = {
    " ?": "proposed",
    "?": "proposed",
    " ": "open",
    "/": "in_progress",
    "x": "done",
    "X": "done",
    "-": "cancelled",
}

# -- priorities -------------------------------------------------------------------------------------------

PRIORITIES = ("highest", "high", "medium", "normal", "low", "lowest")
PRIORITY_RANK = {name: rank for rank, name in enumerate(PRIORITIES)}  # the store keeps the rank: it sorts
PRIORITY_EMOJI = {"highest": "🔺", "high": "⏫", "medium": "🔼", "low": "🔽", "lowest": "⏬"}
PRIORITY_OF_EMOJI = {emoji: name for name, emoji in PRIORITY_EMOJI.items()}
# The words a user may type for a priority (any case): the levels, and a few more.
PRIORITY_WORDS = {**{name: name for name in PRIORITIES}, "urgent": "highest", "med": "medium", "none": "normal"}


def parse_priority(word: str) -> str:
    """The priority level a word the user typed stands for (any case); a ``UsageError`` for any other word."""
    level = PRIORITY_WORDS.get(word.strip().lower())
    if level is None:
        others = ", ".join(w for w in PRIORITY_WORDS if w not in PRIORITIES)
        raise UsageError(f"unknown priority {word!r}: use {', '.join(PRIORITIES)} (or {others})")
    return level


# -- dates and the other fields of a task line ------------------------------------------------------------

DATE_FIELDS = ("due", "scheduled", "start", "created", "done", "cancelled")
DATE_EMOJI = {"due": "📅", "scheduled": "⏳", "start": "🛫", "created": "➕", "done": "✅", "cancelled": "❌"}
# What each date emoji means when read (Obsidian Tasks reads a few more than it writes).
DATE_OF_EMOJI = {**{emoji: name for name, emoji in DATE_EMOJI.items()}, "📆": "due", "🗓": "due", "⌛": "scheduled"}
# Dataview inline field keys (as Obsidian Tasks' Dataview format spells them) -> our field names.
DATAVIEW_KEYS = {
    "due": "due",
    "scheduled": "scheduled",
    "start": "start",
    "created": "created",
    "completion": "done",
    "cancelled": "cancelled",
    "priority": "priority",
    "repeat": "recurrence",
    "onCompletion": "on_completion",
    "id": "id",
    "dependsOn": "depends_on",
    "owner": "owner",
}
DATAVIEW_KEY_OF = {name: key for key, name in DATAVIEW_KEYS.items()}  # our field name -> the key we write

# A tag (``#work``) and an owner (``@Jeff``) as they stand in a task line, each preceded by what may precede it.
TAG_PATTERN = r"#(?<!\S#)[^\s!@#$%^&*(),.?\":{}|<>]+"
OWNER_PATTERN = r"@(?<![^\s(\[{\"']@)\w(?:[\w.'-]*\w)?"
OWNER_NAME_RE = re.compile(r"\w(?:[\w.'-]*\w)?(?: \w(?:[\w.'-]*\w)?)*")

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
# The words for a weekday (0 = Monday) and for a month (1 = January) that dates in words may use.
WEEKDAY_WORDS = {**{name: i for i, name in enumerate(WEEKDAYS)}, **{name[:3]: i for i, name in enumerate(WEEKDAYS)},
                 "tues": 1, "thur": 3, "thurs": 3}
MONTH_WORDS = {**{name: i for i, name in enumerate(MONTHS, 1)}, **{name[:3]: i for i, name in enumerate(MONTHS, 1)},
               "sept": 9}


def owner_name(text: str) -> str:
    """A name as the user typed it (``@Jeff``, `` Jeff  Denworth``), as tasktrack writes it."""
    return " ".join(text.strip().lstrip("@").split())


# -- the model --------------------------------------------------------------------------------------------

# The keys of a task in ``--json`` output, in their order (a tested contract; additive: new keys go last).
JSON_KEYS = ("id", "path", "line", "status", "symbol", "description", "owners", "priority", "due", "scheduled",
             "start", "created", "done", "cancelled", "recurrence", "tags", "block_id", "parent", "heading",
             "note_title", "note_date", "properties", "inferred_due")


@dataclass(slots=True)
class Task:
    """One task line of a note, with what its note says about it.

    A scan fills what the line and the note say; the store adds the id, the parent's id and when the task was
    first seen. Dates are ``YYYY-MM-DD`` text as written on the line."""

    path: str  # the note, relative to the vault, with ``/`` separators
    line: int  # 1-based
    raw: str  # the whole line, without its line ending
    status: str
    symbol: str
    description: str
    owners: tuple[str, ...] = ()
    priority: str = "normal"
    due: str | None = None
    scheduled: str | None = None
    start: str | None = None
    created: str | None = None
    done: str | None = None
    cancelled: str | None = None
    recurrence: str | None = None
    tags: tuple[str, ...] = ()
    block_id: str | None = None
    heading: str | None = None
    inferred_due: str | None = None  # from the words of the description (see parse.infer); never written back
    key: str = ""  # what the task *is*, for stable ids: its words without tags, owners and fields
    parent_line: int | None = None  # the line of the task it is a subtask of
    id: str = ""  # given by the store
    parent: str | None = None  # the id of the task it is a subtask of
    first_seen: str | None = None
    note_title: str = ""
    note_date: str | None = None
    properties: dict[str, Any] = field(default_factory=dict)
    task_id: str | None = None  # the task's own id for dependencies (🆔 / [id:: …]), not the store's ``id``
    depends_on: tuple[str, ...] = ()  # the ``task_id`` of each task it waits for (⛔ / [dependsOn:: …])

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    def date(self, name: str) -> str | None:
        """The date field ``name`` (one of ``DATE_FIELDS``)."""
        value: str | None = getattr(self, name)
        return value

    def to_json(self) -> dict[str, Any]:
        """The task as ``--json`` prints it: exactly ``JSON_KEYS``."""
        return {key: list(value) if isinstance(value := getattr(self, key), tuple) else value for key in JSON_KEYS}


@dataclass(slots=True)
class Note:
    """A note as a scan read it: what the store keeps of it, and its tasks."""

    path: str
    size: int
    mtime_ns: int
    title: str
    note_date: str | None = None
    properties: dict[str, Any] = field(default_factory=dict)
    tasks: list[Task] = field(default_factory=list)
    warnings: list[tuple[int | None, str]] = field(default_factory=list)  # (1-based line or None, message)
    error: str | None = None  # why it could not be read at all
    partial: bool = False  # decoded with replacement characters: tasktrack will not write to it
    tail: bytes | None = None  # its last bytes as read (the write path checks a note still ends so)
