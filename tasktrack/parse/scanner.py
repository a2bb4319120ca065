"""From the files of a vault to tasks with their note context. Reads only; never writes to the vault."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from tasktrack.model import FINISHED, PRIORITY_RANK
from tasktrack.parse.grammar import TaskFields, is_task_line, read_fields, valid_date
from tasktrack.parse.infer import infer_due
from tasktrack.parse.properties import BrokenYAML, read_properties
from tasktrack.parse.statuses import StatusMap
from tasktrack.parse.structure import frontmatter_end, list_items

_FILE_DATE_RE = re.compile(r"(\d{4}-\d{2}-\d{2})")
# What ``identity_key`` drops: tags, owners, and inline fields (``[...::...]`` or ``(...::...)``, ended by
# the first ``]`` or ``)``). Tags and owners are matched by this regex; fields by ``_field_end``.
_TAG_OR_OWNER_RE = re.compile(r"(?<!\S)#[^\s!@#$%^&*(),.?\":{}|<>]+|(?<![^\s(\[{\"'])@\w(?:[\w.'-]*\w)?")
_KEY_DROP_START_RE = re.compile(r"[#@\[(]")


_new = tuple.__new__  # a NamedTuple made without its Python-level __new__ (one per note, one per task)


class FileStat(NamedTuple):
    path: str  # relative to the vault, POSIX separators
    size: int
    mtime_ns: int


class TaskRecord(NamedTuple):
    """One task as the store keeps it (plain values, cheap to pass between processes)."""

    line: int  # 1-based
    raw: str
    status: str
    symbol: str
    description: str
    owners: tuple[str, ...]
    priority: int
    due: str | None
    scheduled: str | None
    start: str | None
    created: str | None
    done: str | None
    cancelled: str | None
    recurrence: str | None
    tags: tuple[str, ...]
    block_id: str | None
    parent_line: int | None
    heading: str | None
    key: str
    inferred_due: str | None = None  # from the words of the description (see infer.py); never written back


@dataclass(slots=True)
class NoteScan:
    path: str
    size: int
    mtime_ns: int
    title: str
    note_date: str | None = None
    properties: dict[str, Any] = field(default_factory=dict)
    tasks: list[TaskRecord] = field(default_factory=list)
    warnings: list[tuple[int | None, str]] = field(default_factory=list)  # (1-based line or None, message)
    error: str | None = None  # the note could not be read (it has no tasks)
    partial: bool = False  # not valid UTF-8: read with replacement characters (its warning comes first)
    tail: bytes | None = None  # the last TAIL_BYTES bytes of the file as read (None: it could not be read)
    rows: list[tuple[Any, ...]] | None = None  # a new note's store rows, made where it was read (store.prepare_rows)


@dataclass(slots=True)
class Skipped:
    """What a walk of the vault left out that the user should hear about (``tasks scan`` says it)."""

    bad_names: list[str] = field(default_factory=list)  # notes and folders whose names are not UTF-8 (as bytes)
    outside_links: list[str] = field(default_factory=list)  # links to notes and folders outside the vault

    def warnings(self) -> list[str]:
        found = []
        if self.bad_names:
            one = len(self.bad_names) == 1
            found.append(f"{_counted(len(self.bad_names), 'file name')} {'is' if one else 'are'} not valid UTF-8 "
                         f"and {'was' if one else 'were'} skipped: {', '.join(sorted(self.bad_names))}")
        if self.outside_links:
            one = len(self.outside_links) == 1
            found.append(f"{_counted(len(self.outside_links), 'link')} point{'s' * one} outside the vault and "
                         f"{'was' if one else 'were'} not followed: {', '.join(sorted(self.outside_links))}")
        return found


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' * (count != 1)}"


@dataclass(slots=True)
class _Walk:
    """One walk of a vault: where it is, what it follows, what it skipped."""

    root: str  # the vault, its links resolved
    stat: bool
    follow_external_links: bool
    skipped: Skipped


def walk_vault(vault: Path, stat: bool = True, follow_external_links: bool = False,
               skipped: Skipped | None = None) -> Iterator[FileStat]:
    """Every ``.md`` note below ``vault``: hidden folders (``.obsidian``, ``.trash``) are skipped, and
    symlinked folders are followed once (a link back up the tree does not loop). Links to notes or folders
    outside the vault are followed only with ``follow_external_links``; names that are not valid UTF-8
    are skipped. Both are recorded in ``skipped``. With ``stat=False`` the notes are only named (size and
    mtime -1; ``scan_file`` reads them from the open file), which is faster when nothing is known about
    them yet."""
    walk = _Walk(os.path.realpath(vault), stat, follow_external_links, Skipped() if skipped is None else skipped)
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[str, str]] = [(os.fspath(vault), "")]
    while stack:
        folder, rel = stack.pop()
        try:
            info = os.stat(folder)
            if (info.st_dev, info.st_ino) in seen:
                continue
            seen.add((info.st_dev, info.st_ino))
            entries = list(os.scandir(folder))
        except OSError:
            continue
        yield from _folder_notes(entries, rel, stack, walk)


def _folder_notes(entries: list[os.DirEntry[str]], rel: str, stack: list[tuple[str, str]],
                  walk: _Walk) -> list[FileStat]:
    notes = []
    for entry in entries:
        name = entry.name
        if name[:1] == ".":
            continue
        try:
            folder = entry.is_dir()
            if not folder and not (name.endswith(".md") and entry.is_file()):
                continue
            if not _wanted(entry, rel, walk):
                continue
            if folder:
                stack.append((entry.path, f"{rel}{name}/"))
            elif walk.stat:
                st = entry.stat()
                notes.append(_new(FileStat, (rel + name, st.st_size, st.st_mtime_ns)))
            else:
                notes.append(_new(FileStat, (rel + name, -1, -1)))
        except OSError:
            continue
    return notes


def _wanted(entry: os.DirEntry[str], rel: str, walk: _Walk) -> bool:
    """False for a note or folder with a name that is not UTF-8 (the store could not hold its path), and
    for a link out of the vault (unless those are followed); each recorded in ``walk.skipped``."""
    if not entry.name.isascii():
        try:
            entry.name.encode("utf-8")
        except UnicodeEncodeError:  # os.scandir gives undecodable bytes as surrogates
            walk.skipped.bad_names.append(repr(os.fsencode(rel + entry.name)))
            return False
    if entry.is_symlink() and not walk.follow_external_links:
        target = os.path.realpath(entry.path)
        if os.path.commonpath((walk.root, target)) != walk.root:
            walk.skipped.outside_links.append(rel + entry.name)
            return False
    return True


_BOM = b"\xef\xbb\xbf"
TAIL_BYTES = 64  # how much of a note's end the store keeps, to tell whether it still ends the same


def decode_note(data: bytes) -> str:
    """UTF-8 text without a BOM; raises ``UnicodeDecodeError`` for anything else."""
    return data.removeprefix(_BOM).decode("utf-8")


def _decode_as_obsidian(note: NoteScan, data: bytes) -> str:
    """The note's text as Obsidian shows it: a byte that is not UTF-8 becomes U+FFFD (the note is then
    marked ``partial``, with a warning)."""
    try:
        return decode_note(data)
    except UnicodeDecodeError as exc:
        at = exc.start + (len(_BOM) if data.startswith(_BOM) else 0)
        note.partial = True
        note.warnings.insert(0, (None, f"not valid UTF-8 (byte {at}): read with replacement characters; "
                                       "tasktrack will not write to this note"))
        return data.removeprefix(_BOM).decode("utf-8", errors="replace")


def split_lines(text: str) -> list[str]:
    """Lines without their endings, as Obsidian reads them: CRLF, LF and a lone CR each end a line."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n")


def scan_file(vault: Path, stat: FileStat, statuses: StatusMap) -> NoteScan:
    """The note ``stat`` names; its size and mtime are taken from the file as it is read."""
    note = NoteScan(stat.path, stat.size, stat.mtime_ns, title=_stem(stat.path))
    path = os.path.join(vault, stat.path)
    try:
        fd = os.open(path, _O_READ)
        try:
            info = os.fstat(fd)
            note.size, note.mtime_ns = info.st_size, info.st_mtime_ns
            data = _read_all(fd, info.st_size)
        finally:
            os.close(fd)
    except OSError as exc:
        note.error = f"cannot read: {exc.strerror or exc}"
        if note.size < 0:  # named by a walk without stat: remember the file as it is, to try again once it changes
            with suppress(OSError):
                info = os.stat(path)
                note.size, note.mtime_ns = info.st_size, info.st_mtime_ns
        return note
    note.tail = data[-TAIL_BYTES:]
    scan_text(note, _decode_as_obsidian(note, data), statuses)
    return note


_O_READ = os.O_RDONLY | getattr(os, "O_BINARY", 0)


def _read_all(fd: int, size: int) -> bytes:
    """Everything in the open file ``fd`` of ``size`` bytes (or of another size, should it change)."""
    data = os.read(fd, size + 1)
    if len(data) == size:
        return data
    parts = [data]
    while part := os.read(fd, 1 << 16):
        parts.append(part)
    return b"".join(parts)


def _stem(path: str) -> str:
    """``Path(path).stem``, for a POSIX relative path (a scan names many notes)."""
    name = path.rpartition("/")[2]
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def scan_text(note: NoteScan, text: str, statuses: StatusMap) -> None:
    lines = split_lines(text)
    body = frontmatter_end(lines)
    if body:
        _read_frontmatter(note, lines[1 : body - 1])
    note.note_date = note.note_date or _date_in_name(note.path)
    base = date.fromisoformat(note.note_date) if note.note_date else None
    last = _last_task_line(lines, body)
    if last < 0:
        return
    tasks: list[TaskRecord] = []
    task_lines: set[int] = set()
    item_parent: dict[int, int | None] = {}
    for line, item_parent_line, heading in list_items(lines, body, last + 1):
        item_parent[line] = item_parent_line
        raw = lines[line]
        fields = read_fields(raw) if "[" in raw else None
        if fields is None:
            continue
        parent = item_parent_line
        while parent is not None and parent not in task_lines:
            parent = item_parent.get(parent)
        task_lines.add(line)
        tasks.append(_record(line, raw, fields, statuses.status(fields.symbol, fields.tags), parent, heading, base))
        if fields.warnings:
            note.warnings.extend((line + 1, w) for w in fields.warnings)
    note.tasks = tasks


def _last_task_line(lines: list[str], body: int) -> int:
    """The last line that has the shape of a task (-1 if none): the block structure after it does not matter."""
    for i in range(len(lines) - 1, body - 1, -1):
        line = lines[i]
        if "[" in line and is_task_line(line):
            return i
    return -1


_NO_DATES = (None, None, None, None, None)


def _record(line: int, raw: str, fields: TaskFields, status: str, parent: int | None, heading: str | None,
            base: date | None) -> TaskRecord:
    """The task ``raw`` on 0-based ``line`` (and its 0-based ``parent`` task line); an unfinished task
    without a due date gets the one its words imply, relative to ``base`` (the note's date)."""
    symbol, words, priority, d, recurrence, owners, tags, block_id, _warnings = fields
    description = words.strip()
    due = d.get("due") if d else None
    inferred = None
    if due is None and base is not None and status not in FINISHED:
        found = infer_due(description, base)
        inferred = None if found is None else found.isoformat()
    scheduled, start, created, done, cancelled = (
        (d.get("scheduled"), d.get("start"), d.get("created"), d.get("done"), d.get("cancelled")) if d else _NO_DATES)
    return _new(TaskRecord, (
        line + 1,
        raw,
        status,
        symbol,
        description,
        owners,
        PRIORITY_RANK[priority],
        due,
        scheduled,
        start,
        created,
        done,
        cancelled,
        recurrence,
        tags,
        block_id,
        None if parent is None else parent + 1,
        heading,
        identity_key(words),
        inferred,
    ))


def identity_key(description: str) -> str:
    """What a task *is*, for stable ids: its words without tags, owners and inline fields."""
    if "#" in description or "@" in description or "::" in description:
        description = _drop_tags_owners_fields(description)
    elif description.isprintable() and "  " not in description and description[:1] != " " != description[-1:]:
        return description.casefold()  # single spaces only (no other blank is printable): already joined
    return " ".join(description.split()).casefold()


def _drop_tags_owners_fields(text: str) -> str:
    """``text`` with each tag, owner and inline field (see ``_TAG_OR_OWNER_RE``) replaced by a space, left
    to right, in time linear in its length (however many brackets are never closed)."""
    parts: list[str] = []
    kept = pos = 0
    ends = _FieldEnds(text)
    while (start := _KEY_DROP_START_RE.search(text, pos)) is not None:
        at = start.start()
        if text[at] in "[(":
            end = ends.after(at)
        else:
            token = _TAG_OR_OWNER_RE.match(text, at)
            end = None if token is None else token.end()
        if end is None:
            pos = at + 1
            continue
        parts += (text[kept:at], " ")
        kept = pos = end
    parts.append(text[kept:])
    return "".join(parts)


class _FieldEnds:
    """Where an inline field opened at a ``[`` or ``(`` ends: after the first ``]`` or ``)`` that follows,
    if a ``::`` comes before it. The next of each is looked up again only once passed, so a whole line
    costs one look at each character, however many brackets it opens."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.next = {"]": -1, ")": -1, "::": -1}

    def after(self, opener: int) -> int | None:
        found = self.next
        for mark, at in found.items():
            if at <= opener:
                at = self.text.find(mark, opener + 1)
                found[mark] = len(self.text) if at < 0 else at
        closer = min(found["]"], found[")"])
        if closer == len(self.text) or found["::"] + 2 > closer:
            return None
        return closer + 1


def _read_frontmatter(note: NoteScan, yaml_lines: list[str]) -> None:
    try:
        props = read_properties(yaml_lines)
    except BrokenYAML as exc:
        note.warnings.append((exc.line, f"frontmatter YAML is broken ({exc.problem}); its tasks still count"))
        return
    if props is None:
        return
    if not isinstance(props, dict):
        note.warnings.append((1, "frontmatter is not a set of properties; ignored"))
        return
    note.properties = props
    title = note.properties.get("title")
    if isinstance(title, str | int | float) and str(title).strip():
        note.title = str(title).strip()
    note.note_date = _as_date(note.properties.get("date"))


def _as_date(value: Any) -> str | None:
    if isinstance(value, str):
        m = _FILE_DATE_RE.match(value.strip())
        if m and valid_date(m.group(1)):
            return m.group(1)
    return None


def _date_in_name(path: str) -> str | None:
    for m in _FILE_DATE_RE.finditer(path.rpartition("/")[2]):
        if valid_date(m.group(1)):
            return m.group(1)
    return None
