"""``tasks digest --write``: put the markdown digest into the day's daily note, between two markers.

The daily note is where Obsidian's Daily notes plugin puts it (``.obsidian/daily-notes.json``: ``folder``
and ``format`` in moment.js tokens), else ``YYYY-MM-DD.md`` at the vault root; it is created if missing.
A re-run replaces the block in place; every other byte of the note (BOM, line endings, final newline)
is kept. The write takes the store's lock and is checked and atomic like every other write.
"""

from __future__ import annotations

import calendar
import difflib
import json
import re
from datetime import date
from pathlib import Path, PurePosixPath

from tasktrack.config import read_small_file
from tasktrack.errors import UsageError, WriteRefused
from tasktrack.workspace import Workspace
from tasktrack.write import journal
from tasktrack.write.notes import NoteText, read_or_none

BEGIN = "<!-- tasktrack:digest:begin -->"
END = "<!-- tasktrack:digest:end -->"
DEFAULT_FORMAT = "YYYY-MM-DD"
_TOKEN_RE = re.compile(r"\[[^\]]*\]|YYYY|YY|MMMM|MMM|MM|M|Do|DD|D|dddd|ddd|[A-Za-z]")


def daily_note(vault: Path, day: date, config_dir: str = ".obsidian") -> str:
    """The daily note of ``day``, relative to the vault (POSIX separators)."""
    folder, fmt = _settings(vault / config_dir / "daily-notes.json")
    name = format_moment(fmt, day) + ".md"
    relative = PurePosixPath(folder.strip().strip("/"), name) if folder.strip().strip("/") else PurePosixPath(name)
    if relative.is_absolute() or ".." in relative.parts:
        raise UsageError(f"the daily note {relative} would be outside the vault; check daily-notes.json")
    return relative.as_posix()


def _settings(path: Path) -> tuple[str, str]:
    try:
        data = json.loads(read_small_file(path))
    except FileNotFoundError:
        return "", DEFAULT_FORMAT
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path} is not a JSON object")
    folder, fmt = data.get("folder") or "", data.get("format") or DEFAULT_FORMAT
    if not isinstance(folder, str) or not isinstance(fmt, str):
        raise UsageError(f"{path}: `folder` and `format` must be text")
    return folder, fmt.strip() or DEFAULT_FORMAT


def format_moment(fmt: str, day: date) -> str:
    """A date in a moment.js format: YYYY YY MMMM MMM MM M DD D Do dddd ddd and ``[literal]`` text."""
    values = {
        "YYYY": f"{day.year:04d}", "YY": f"{day.year % 100:02d}", "MMMM": calendar.month_name[day.month],
        "MMM": calendar.month_abbr[day.month], "MM": f"{day.month:02d}", "M": str(day.month),
        "DD": f"{day.day:02d}", "D": str(day.day), "Do": _ordinal(day.day),
        "dddd": calendar.day_name[day.weekday()], "ddd": calendar.day_abbr[day.weekday()],
    }

    def token(m: re.Match[str]) -> str:
        text = m.group(0)
        if text.startswith("["):
            return text[1:-1]
        if text not in values:
            raise UsageError(f"the daily note format {fmt!r} uses {text!r}, which tasks digest cannot read")
        return values[text]

    return _TOKEN_RE.sub(token, fmt)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def with_block(path: Path, data: bytes | None, block: list[str], markers: tuple[str, str] = (BEGIN, END),
               what: str = "digest") -> bytes:
    """The note's bytes with ``block`` between the markers (the digest's unless others are given): in place of
    the old block, else at the end. ``what`` names the block in a refusal."""
    begin, end = markers
    note = NoteText.parse(path, data)
    lines = [begin, *block, end]
    starts = [i for i, text in enumerate(note.lines) if text.strip() == begin]
    ends = [i for i, text in enumerate(note.lines) if text.strip() == end]
    if len(starts) > 1 or len(ends) > 1:
        raise WriteRefused(f"{path} holds more than one {what} block; remove the extra ones first")
    if starts and ends and starts[0] < ends[0]:
        _replace(note, starts[0], ends[0], lines)
    elif starts or ends:
        raise WriteRefused(f"{path} has a {what} marker without its pair; fix the note first")
    else:
        _append(note, lines)
    return note.encode()


def _replace(note: NoteText, start: int, end: int, lines: list[str]) -> None:
    inner, last = note.endings[start], note.endings[end]
    note.lines[start : end + 1] = lines
    note.endings[start : end + 1] = [inner] * (len(lines) - 1) + [last]


def _append(note: NoteText, lines: list[str]) -> None:
    ending = note.usual_ending()
    if note.lines == [""]:  # a new or empty note: the block and a final newline
        note.lines, note.endings = [*lines, ""], [ending] * len(lines) + [""]
        return
    final_newline = note.lines[-1] == ""
    body, body_endings = (note.lines[:-1], note.endings[:-1]) if final_newline else (note.lines, note.endings)
    if not final_newline:
        body_endings = [*body_endings[:-1], ending]
    gap = [""] if body and body[-1].strip() else []
    note.lines = [*body, *gap, *lines, *([""] if final_newline else [])]
    added = [ending] * (len(gap) + len(lines))
    if not final_newline:
        added[-1] = ""
    note.endings = [*body_endings, *added, *([""] if final_newline else [])]


def write_digest(ws: Workspace, day: date, block: list[str]) -> tuple[str, bool]:
    """Write ``block`` into the daily note of ``day``; (its path in the vault, whether it changed)."""
    return write_block(ws, daily_note(ws.vault, day), block)


def write_block(ws: Workspace, relative: str, block: list[str], markers: tuple[str, str] = (BEGIN, END),
                what: str = "digest") -> tuple[str, bool]:
    """Write ``block`` between ``markers`` into the note ``relative`` (made if missing), through the journal
    (undoable); (its path in the vault, whether it changed)."""
    path = ws.note_path(relative)
    with ws.lock():
        old = _read(path)
        new = with_block(path, old, block, markers, what)
        if new == old:
            return relative, False
        journal.commit(ws, what, [journal.NoteWrite(relative, old, new)])
        ws.refresh([relative])
    return relative, True


def block_diff(ws: Workspace, relative: str, block: list[str], markers: tuple[str, str] = (BEGIN, END),
               what: str = "digest") -> list[str]:
    """What ``write_block`` would change in the note, as a unified diff (nothing when it is up to date)."""
    path = ws.note_path(relative)
    old = _read(path)
    new = with_block(path, old, block, markers, what)
    before = (old or b"").decode("utf-8", "replace").splitlines(keepends=True)
    after = new.decode("utf-8", "replace").splitlines(keepends=True)
    return list(difflib.unified_diff(before, after, relative, relative))


def _read(path: Path) -> bytes | None:
    """The note's bytes; None when it does not exist yet."""
    try:
        return read_or_none(path)
    except OSError as exc:
        raise WriteRefused(f"cannot read {path}: {exc.strerror or exc}") from None
