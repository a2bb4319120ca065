"""From the files of a vault to tasks with their note context. Reads only; never writes to the vault."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from .grammar import PRIORITY_RANK, TaskLine, parse_line, valid_date
from .infer import with_inferred_due
from .properties import BrokenYAML, plain_value, read_properties
from .statuses import StatusMap
from .structure import frontmatter_end, list_items

_FILE_DATE_RE = re.compile(r"(\d{4}-\d{2}-\d{2})")
_KEY_DROP_RE = re.compile(
    r"(?:(?<!\S)#[^\s!@#$%^&*(),.?\":{}|<>]+|(?<![^\s(\[{\"'])@\w(?:[\w.'-]*\w)?|[\[(][^\])]*::[^\])]*[\])])"
)


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
    warnings: list[tuple[int | None, str]] = field(default_factory=list)
    error: str | None = None
    rows: list[tuple[Any, ...]] | None = None  # a new note's store rows, made where it was read (store.prepare_rows)


def walk_vault(vault: Path) -> Iterator[FileStat]:
    """Every ``.md`` note below ``vault``: hidden folders (``.obsidian``, ``.trash``) are skipped, and
    symlinked folders are followed once (a link back up the tree does not loop)."""
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
        yield from _folder_notes(entries, rel, stack)


def _folder_notes(entries: list[os.DirEntry[str]], rel: str, stack: list[tuple[str, str]]) -> Iterator[FileStat]:
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue
        try:
            if entry.is_dir():
                stack.append((entry.path, f"{rel}{name}/"))
            elif name.endswith(".md") and entry.is_file():
                st = entry.stat()
                yield FileStat(f"{rel}{name}", st.st_size, st.st_mtime_ns)
        except OSError:
            continue


def decode_note(data: bytes) -> str:
    """UTF-8 text without a BOM; raises ``UnicodeDecodeError`` for anything else."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode("utf-8")


def split_lines(text: str) -> list[str]:
    """Lines without their endings (LF or CRLF)."""
    lines = text.split("\n")
    if "\r" in text:
        lines = [ln[:-1] if ln.endswith("\r") else ln for ln in lines]
    return lines


def scan_file(vault: Path, stat: FileStat, statuses: StatusMap) -> NoteScan:
    note = NoteScan(stat.path, stat.size, stat.mtime_ns, title=Path(stat.path).stem)
    try:
        data = (vault / stat.path).read_bytes()
        text = decode_note(data)
    except OSError as exc:
        note.error = f"cannot read: {exc.strerror or exc}"
        return note
    except UnicodeDecodeError as exc:
        note.error = f"not valid UTF-8 (byte {exc.start}); skipped"
        return note
    scan_text(note, text, statuses)
    return note


def scan_text(note: NoteScan, text: str, statuses: StatusMap) -> None:
    lines = split_lines(text)
    body = frontmatter_end(lines)
    if body:
        _read_frontmatter(note, "\n".join(lines[1 : body - 1]) + "\n")
    note.note_date = note.note_date or _date_in_name(note.path)
    if "[" not in text:
        return
    tasks_by_line: dict[int, TaskRecord] = {}
    item_parent: dict[int, int | None] = {}
    for item in list_items(lines, body):
        item_parent[item.line] = item.parent
        text = lines[item.line]
        parsed = parse_line(text) if "[" in text else None
        if parsed is None:
            continue
        parent = item.parent
        while parent is not None and parent + 1 not in tasks_by_line:
            parent = item_parent.get(parent)
        record = _record(item.line + 1, parsed, statuses, parent, item.heading)
        tasks_by_line[record.line] = record
        note.warnings.extend((record.line, w) for w in parsed.warnings)
    note.tasks = with_inferred_due(list(tasks_by_line.values()), note.note_date)


def _record(line: int, parsed: TaskLine, statuses: StatusMap, parent: int | None, heading: str | None) -> TaskRecord:
    d = parsed.dates
    return TaskRecord(
        line=line,
        raw=parsed.text,
        status=statuses.status(parsed.symbol, parsed.tags),
        symbol=parsed.symbol,
        description=parsed.description.strip(),
        owners=parsed.owners,
        priority=PRIORITY_RANK[parsed.priority],
        due=d.get("due"),
        scheduled=d.get("scheduled"),
        start=d.get("start"),
        created=d.get("created"),
        done=d.get("done"),
        cancelled=d.get("cancelled"),
        recurrence=parsed.recurrence,
        tags=parsed.tags,
        block_id=parsed.block_id,
        parent_line=None if parent is None else parent + 1,
        heading=heading,
        key=identity_key(parsed),
    )


def identity_key(parsed: TaskLine) -> str:
    """What a task *is*, for stable ids: its words without tags, owners and inline fields."""
    return " ".join(_KEY_DROP_RE.sub(" ", parsed.description).split()).casefold()


def _read_frontmatter(note: NoteScan, yaml_text: str) -> None:
    try:
        props = read_properties(yaml_text)
    except BrokenYAML as exc:
        note.warnings.append((exc.line, f"frontmatter YAML is broken ({exc.problem}); its tasks still count"))
        return
    if props is None:
        return
    if not isinstance(props, dict):
        note.warnings.append((1, "frontmatter is not a set of properties; ignored"))
        return
    note.properties = {str(k): plain_value(v) for k, v in props.items()}
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
    for m in _FILE_DATE_RE.finditer(Path(path).name):
        if valid_date(m.group(1)):
            return m.group(1)
    return None
