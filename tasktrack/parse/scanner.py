"""From the files of a vault to tasks with their note context. Reads only; never writes to the vault."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

from tasktrack.model import OWNER_PATTERN, TAG_PATTERN, Note, Task
from tasktrack.parse.grammar import TaskLine, is_task_line, parse_line, valid_date
from tasktrack.parse.infer import infer_due
from tasktrack.parse.properties import BrokenYAML, read_properties
from tasktrack.parse.statuses import StatusMap
from tasktrack.parse.structure import frontmatter_end, list_items

_FILE_DATE_RE = re.compile(r"(\d{4}-\d{2}-\d{2})")
# What ``identity_key`` drops: tags, owners, and inline fields (``[...::...]`` or ``(...::...)``, ended by
# the first ``]`` or ``)``). Tags and owners are matched by this regex; fields by ``_FieldEnds``.
_TAG_OR_OWNER_RE = re.compile(f"{TAG_PATTERN}|{OWNER_PATTERN}")
_KEY_DROP_START_RE = re.compile(r"[#@\[(]")


class FileStat(NamedTuple):
    """A note as a walk of the vault finds it."""

    path: str  # relative to the vault, POSIX separators
    size: int
    mtime_ns: int


@dataclass(slots=True)
class Skipped:
    """What a walk of the vault left out that the user should hear about (``tasks scan`` says it)."""

    bad_names: list[str] = field(default_factory=list)  # notes and folders whose names are not UTF-8 (as bytes)
    outside_links: list[str] = field(default_factory=list)  # links to notes and folders outside the vault
    # folders that could not be listed, as ("a/b/", why); the vault itself as ("", why)
    unreadable_folders: list[tuple[str, str]] = field(default_factory=list)

    def warnings(self) -> list[str]:
        found = []
        if self.unreadable_folders:
            found.append(self.unreadable_warning())
        if self.bad_names:
            one = len(self.bad_names) == 1
            found.append(f"{_counted(len(self.bad_names), 'file name')} {'is' if one else 'are'} not valid UTF-8 "
                         f"and {'was' if one else 'were'} skipped: {', '.join(sorted(self.bad_names))}")
        if self.outside_links:
            one = len(self.outside_links) == 1
            found.append(f"{_counted(len(self.outside_links), 'link')} point{'s' * one} outside the vault and "
                         f"{'was' if one else 'were'} not followed: {', '.join(sorted(self.outside_links))}")
        return found

    def unreadable_warning(self) -> str:
        """The one line that names the folders that could not be read (empty if none)."""
        if not self.unreadable_folders:
            return ""
        one = len(self.unreadable_folders) == 1
        folders = ", ".join(f"{folder or './'} ({why})" for folder, why in sorted(self.unreadable_folders))
        return (f"{_counted(len(self.unreadable_folders), 'folder')} could not be read, so {'its' if one else 'their'} "
                f"notes were not scanned: {folders}")


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' * (count != 1)}"


@dataclass(slots=True)
class _Walk:
    """One walk of a vault: where it is, what it follows, what it skipped."""

    root: str  # the vault, its links resolved
    stat: bool
    follow_external_links: bool
    skipped: Skipped


def is_note(name: str) -> bool:
    """Whether a file of this name is a note (Obsidian's markdown)."""
    return name.endswith(".md")


def walk_vault(vault: Path, stat: bool = True, follow_external_links: bool = False,
               skipped: Skipped | None = None) -> Iterator[FileStat]:
    """Every ``.md`` note below ``vault``: hidden folders (``.obsidian``, ``.trash``) are skipped, and
    symlinked folders are followed once (a link back up the tree does not loop). Links to notes or folders
    outside the vault are followed only with ``follow_external_links``; names that are not valid UTF-8
    are skipped. Both, and the folders that cannot be read, are recorded in ``skipped``. With ``stat=False``
    the notes are only named (size and mtime -1; ``scan_file`` reads them from the open file), which is
    faster when nothing is known about them yet."""
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
        except FileNotFoundError:  # gone since its folder was listed
            continue
        except OSError as exc:
            walk.skipped.unreadable_folders.append((rel, exc.strerror or str(exc)))
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
            if not folder and not (is_note(name) and entry.is_file()):
                continue
            if not _wanted(entry, rel, walk):
                continue
            if folder:
                stack.append((entry.path, f"{rel}{name}/"))
            elif walk.stat:
                st = entry.stat()
                notes.append(FileStat(rel + name, st.st_size, st.st_mtime_ns))
            else:
                notes.append(FileStat(rel + name, -1, -1))
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


def _decode_as_obsidian(note: Note, data: bytes) -> str:
    """The note's text as Obsidian shows it: a byte that is not UTF-8 becomes U+FFFD (the note is then
    marked ``partial``, with a warning)."""
    try:
        return decode_note(data)
    except UnicodeDecodeError as exc:
        at = exc.start + (len(_BOM) if data.startswith(_BOM) else 0)
        note.partial = True
        note.warnings.insert(0, (None, f"not valid UTF-8 (byte {at}): read with replacement characters; "
                                       "tasktrack will not write to this note"))
        return obsidian_text(data)


def obsidian_text(data: bytes) -> str:
    """A note's text as Obsidian shows it: without a BOM, a byte that is not UTF-8 as U+FFFD."""
    return data.removeprefix(_BOM).decode("utf-8", errors="replace")


def split_lines(text: str) -> list[str]:
    """Lines without their endings, as Obsidian reads them: CRLF, LF and a lone CR each end a line."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n")


def scan_file(vault: Path, stat: FileStat, statuses: StatusMap) -> Note:
    """The note ``stat`` names; its size and mtime are taken from the file as it is read."""
    note = Note(stat.path, stat.size, stat.mtime_ns, title=PurePosixPath(stat.path).stem)
    path = vault / stat.path
    try:
        with path.open("rb") as file:
            info = os.fstat(file.fileno())
            data = file.read()
    except OSError as exc:
        note.error = f"cannot read: {exc.strerror or exc}"
        if note.size < 0:  # named by a walk without stat: remember the file as it is, to try again once it changes
            with suppress(OSError):
                info = path.stat()
                note.size, note.mtime_ns = info.st_size, info.st_mtime_ns
        return note
    note.size, note.mtime_ns = info.st_size, info.st_mtime_ns
    note.tail = data[-TAIL_BYTES:]
    scan_text(note, _decode_as_obsidian(note, data), statuses)
    return note


def scan_text(note: Note, text: str, statuses: StatusMap) -> None:
    """Fill ``note`` from its ``text``: its properties, title and date, and its tasks."""
    lines = split_lines(text)
    body = frontmatter_end(lines)
    if body:
        _read_frontmatter(note, lines[1 : body - 1])
    note.note_date = note.note_date or _date_in_name(note.path)
    base = date.fromisoformat(note.note_date) if note.note_date else None
    task_lines: set[int] = set()
    item_parent: dict[int, int | None] = {}
    for item in list_items(lines, body, _last_task_line(lines, body) + 1):
        item_parent[item.line] = item.parent
        parsed = parse_line(lines[item.line])
        if parsed is None:
            continue
        parent = item.parent
        while parent is not None and parent not in task_lines:
            parent = item_parent[parent]
        task_lines.add(item.line)
        note.tasks.append(_task(note.path, item.line, parsed, statuses, parent, item.heading, base))
        note.warnings.extend((item.line + 1, w) for w in parsed.warnings)


def _last_task_line(lines: list[str], body: int) -> int:
    """The last line shaped like a task (-1 if none): the block structure below it does not matter."""
    return next((i for i in range(len(lines) - 1, body - 1, -1) if is_task_line(lines[i])), -1)


def _task(path: str, line: int, parsed: TaskLine, statuses: StatusMap, parent: int | None, heading: str | None,
          base: date | None) -> Task:
    """The task ``parsed`` on 0-based ``line`` (and its 0-based ``parent`` task line); an unfinished task
    without a due date gets the one its words imply, relative to ``base`` (the note's date)."""
    dates = parsed.dates
    task = Task(
        path=path,
        line=line + 1,
        raw=parsed.text,
        status=statuses.status(parsed.symbol, parsed.tags),
        symbol=parsed.symbol,
        description=parsed.description.strip(),
        owners=parsed.owners,
        priority=parsed.priority,
        due=dates.get("due"),
        scheduled=dates.get("scheduled"),
        start=dates.get("start"),
        created=dates.get("created"),
        done=dates.get("done"),
        cancelled=dates.get("cancelled"),
        recurrence=parsed.recurrence,
        task_id=parsed.task_id,
        depends_on=parsed.depends_on,
        tags=parsed.tags,
        block_id=parsed.block_id,
        heading=heading,
        key=identity_key(parsed.description),
        parent_line=None if parent is None else parent + 1,
    )
    if task.due is None and base is not None and not task.finished:
        inferred = infer_due(task.description, base)
        task.inferred_due = None if inferred is None else inferred.isoformat()
    return task


def identity_key(description: str) -> str:
    """What a task *is*, for stable ids: its words without tags, owners and inline fields."""
    if "#" in description or "@" in description or "::" in description:
        description = _drop_tags_owners_fields(description)
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


def _read_frontmatter(note: Note, yaml_lines: list[str]) -> None:
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
