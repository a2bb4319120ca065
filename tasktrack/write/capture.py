"""``tasks add``: new task lines, written in the style of the note they go into.

The words become a task: ``@Name``, ``#tag`` and a priority word (``highest`` … ``lowest``, or its emoji) at the
end become its owner, tags and priority; a date in words that ends the rest (``tomorrow``, ``by friday``,
``next monday``, ``jan 15``, ``in 2 weeks``) becomes its due date. The line follows the note: its list marker,
its line endings and BOM, and the emoji or Dataview format of its tasks (of the vault's Obsidian Tasks settings
when the note has none). A new line goes at the end of the note, or of a heading's section. The write is a
journaled change like every other: all-or-nothing, refused if the note changed under it, undone by ``tasks undo``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from tasktrack.dates import parse_when
from tasktrack.errors import UsageError, WriteFailed, WriteRefused
from tasktrack.model import (
    DATE_EMOJI,
    MONTH_WORDS,
    OWNER_PATTERN,
    PRIORITY_EMOJI,
    PRIORITY_OF_EMOJI,
    PROPOSED_TAG,
    TAG_PATTERN,
    WEEKDAY_WORDS,
    parse_priority,
)
from tasktrack.parse.grammar import parse_line
from tasktrack.parse.statuses import plugin_settings, writes_dataview
from tasktrack.workspace import Workspace
from tasktrack.write import edits, journal
from tasktrack.write.journal import LineChange, NoteWrite
from tasktrack.write.notes import NoteText, read_or_none, real_path

_OWNER_RE = re.compile(OWNER_PATTERN)
_TAG_RE = re.compile(TAG_PATTERN)
_LEVELS = ("highest", "high", "medium", "low", "lowest")
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_MONTH = "(?:" + "|".join(sorted(MONTH_WORDS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = "(?:" + "|".join(sorted(WEEKDAY_WORDS, key=len, reverse=True)) + ")"
# A date in words that ends a task's words (a bare month name, "may", is too often something else).
_TRAILING_DATE_RE = re.compile(
    r"(?:^|\s)(?:(?:by|on|due|before)\s+)?(?P<when>today|tomorrow|eow|eom|"
    rf"(?:next|this)\s+(?:week|month|{_WEEKDAY})|{_WEEKDAY}|in\s+\d+\s+(?:days?|weeks?|months?)|"
    rf"{_MONTH}\s+{_DAY}|{_DAY}\s+{_MONTH}|\d{{4}}-\d{{2}}-\d{{2}})\s*$",
    re.IGNORECASE,
)
_HEADING_RE = re.compile(r"(#{1,6})[ \t]+(.*?)[ \t#]*$")


@dataclass(slots=True)
class Draft:
    """A new task, read from the words the user typed."""

    description: str
    owners: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    priority: str = "normal"
    due: str | None = None
    due_words: str | None = None  # the words the due date was read from, to say so
    proposed: bool = False


def read_words(words: str, today: date, *, due: str | None = None, owners: tuple[str, ...] = (),
               priority: str | None = None, proposed: bool = False) -> Draft:
    """The task ``words`` describe; ``due``, ``owners`` and ``priority`` given as options win over the words."""
    draft = Draft(description=" ".join(words.split()), proposed=proposed)
    _peel_fields(draft)
    if due is not None:
        draft.due = parse_when(due, today).isoformat()
    elif _peel_due(draft, today):
        _peel_fields(draft)  # "… @Morty tomorrow" as well as "… tomorrow @Morty"
    draft.owners = [*draft.owners, *owners]
    if priority is not None:
        draft.priority = parse_priority(priority)
    if not draft.description:
        raise UsageError("a task needs some words besides its owner, tags, priority and date")
    return draft


def _peel_fields(draft: Draft) -> None:
    """Take owners, tags and one priority word (or emoji) off the end of the words."""
    words = draft.description.split(" ")
    while words:
        last = words[-1]
        if _OWNER_RE.fullmatch(last):
            draft.owners.insert(0, last[1:])
        elif _TAG_RE.fullmatch(last):
            draft.tags.insert(0, last)
        elif draft.priority == "normal" and (last.lower() in _LEVELS or last in PRIORITY_OF_EMOJI):
            draft.priority = PRIORITY_OF_EMOJI.get(last) or last.lower()
        else:
            break
        words.pop()
    draft.description = " ".join(words)


def _peel_due(draft: Draft, today: date) -> bool:
    """Take a date in words off the end of the words; whether there was one."""
    m = _TRAILING_DATE_RE.search(draft.description)
    if m is None:
        return False
    draft.due = parse_when(m["when"].lower(), today).isoformat()
    draft.due_words = m.group(0).strip()
    draft.description = draft.description[: m.start()].rstrip()
    return True


# -- the line --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Style:
    """How a note writes its tasks."""

    marker: str = "-"
    dataview: bool = False
    global_filter: str = ""  # Obsidian Tasks' global filter tag, added so that the plugin sees the task


def task_line(draft: Draft, style: Style) -> str:
    """The task line for ``draft``: fields go where Obsidian Tasks reads them (tags, then priority and dates)."""
    line = f"{style.marker} [{' ?' if draft.proposed else ' '}] {draft.description}"
    for name in draft.owners:
        line = edits.set_owner(line, name, add=True)
    tags = [*draft.tags]
    if draft.proposed and PROPOSED_TAG not in (t.lower() for t in tags):
        tags.append(PROPOSED_TAG)
    if style.global_filter and style.global_filter.lower() not in (t.lower() for t in [*tags, *_inline_tags(line)]):
        tags.insert(0, style.global_filter)
    fields = [*tags]
    if draft.priority != "normal":
        fields.append(f"[priority:: {draft.priority}]" if style.dataview else PRIORITY_EMOJI[draft.priority])
    if draft.due:
        fields.append(f"[due:: {draft.due}]" if style.dataview else f"{DATE_EMOJI['due']} {draft.due}")
    return " ".join([line, *fields])


def _inline_tags(line: str) -> list[str]:
    task = parse_line(line)
    return list(task.tags) if task is not None else []


def style_of(note: NoteText, vault: Path) -> Style:
    """The note's own style, from its task lines; the vault's Obsidian Tasks settings for what it lacks."""
    settings = plugin_settings(vault)
    tasks = [t for t in map(parse_line, note.lines) if t is not None]
    marker = next((t.marker for t in tasks if not t.marker[0].isdigit()), "-")
    dataview = sum(t.dataview for t in tasks) * 2 > len(tasks) if tasks else writes_dataview(settings)
    global_filter = str(settings.get("globalFilter") or "").strip()
    return Style(marker, dataview, global_filter if global_filter.startswith("#") else "")


# -- where it goes ---------------------------------------------------------------------------------------


def insert_at(note: NoteText, heading: str | None) -> int:
    """The 1-based line a new task goes to: after the last line that is not blank, of the note or of the
    section under ``heading`` (which is added at the end of the note when it has none)."""
    if heading is None:
        return _after_last_text(note, 0, len(note.lines))
    start, level = _find_heading(note, heading)
    if start is None:
        return _append_heading(note, heading) + 1
    end = next((i for i in range(start + 1, len(note.lines)) if _is_heading_at_most(note.lines[i], level)),
               len(note.lines))
    return _after_last_text(note, start, end)


def _find_heading(note: NoteText, title: str) -> tuple[int | None, int]:
    wanted = " ".join(title.lstrip("#").split()).casefold()
    for i, line in enumerate(note.lines):
        m = _HEADING_RE.fullmatch(line)
        if m and " ".join(m[2].split()).casefold() == wanted:
            return i, len(m[1])
    return None, 0


def _is_heading_at_most(line: str, level: int) -> bool:
    m = _HEADING_RE.fullmatch(line)
    return m is not None and len(m[1]) <= level


def _after_last_text(note: NoteText, start: int, end: int) -> int:
    last = next((i for i in range(end - 1, start - 1, -1) if note.lines[i].strip()), start - 1)
    return last + 2


def _append_heading(note: NoteText, title: str) -> int:
    """Add ``## title`` after the note's last line that is not blank (blank lines after it stay last); return
    its 1-based line."""
    at = _after_last_text(note, 0, len(note.lines))
    block = ([""] if at > 1 else []) + [f"## {' '.join(title.lstrip('#').split())}"]
    _insert(note, at, block)
    return at + len(block) - 1


def _insert(note: NoteText, at: int, lines: list[str]) -> None:
    """Insert ``lines`` before 1-based line ``at``; one past the last line appends them after it (a note that
    ended without a line break still does)."""
    if at <= len(note.lines):
        note.splice(at, 0, lines)
        return
    ending = note.usual_ending()
    note.endings[-1] = ending
    note.lines += lines
    note.endings += [ending] * (len(lines) - 1) + [""]


# -- writing ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Added:
    """What ``add`` wrote: the note, the 1-based line of each new task, and the lines themselves."""

    path: str
    lines: list[int]
    texts: list[str]


def add(ws: Workspace, path: str, drafts: list[Draft], heading: str | None = None, create: bool = False,
        dry_run: bool = False) -> Added:
    """Write ``drafts`` into the note ``path`` (in the vault), under ``heading`` if given."""
    target = real_path(ws.note_path(path))
    with ws.lock():
        try:
            before = read_or_none(target)
        except OSError as exc:  # a name too long, a note that may not be read
            raise WriteFailed(f"cannot write {path}: {exc.strerror or exc}; nothing written") from None
        if before is None and not create:
            raise WriteRefused(f"{path} does not exist; nothing written (--create makes it)")
        note = NoteText.parse(ws.note_path(path), before or b"")
        style = style_of(note, ws.vault)
        texts = [task_line(draft, style) for draft in drafts]
        at = insert_at(note, heading)
        _insert(note, at, texts)
        lines = list(range(at, at + len(texts)))
        if dry_run:
            return Added(path, lines, texts)
        changes = [LineChange(None, path, line, [], [text], *_around(note, line)) for line, text in zip(
            lines, texts, strict=True)]
        journal.commit(ws, "add", [NoteWrite(path, before, note.encode())], changes)
        ws.refresh([path])
    return Added(path, lines, texts)


def _around(note: NoteText, line: int) -> tuple[str | None, str | None]:
    return (note.lines[line - 2] if line > 1 else None, note.lines[line] if line < len(note.lines) else None)

