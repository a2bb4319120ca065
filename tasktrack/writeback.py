"""Safe file edits: serialized by a lock, checked against what was read, written atomically.

A note is read as bytes and split on ``\\n`` only, so CR, CRLF, a BOM and a missing final newline all
survive: a line is edited without its line ending, and everything else is put back byte for byte.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .errors import WriteRefused

BOM = b"\xef\xbb\xbf"


@contextmanager
def file_lock(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive lock (other tasktrack processes wait for it)."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@dataclass(slots=True)
class NoteText:
    """A note split into lines without their ``\\n``; a line keeps its ``\\r`` in ``endings``."""

    path: Path
    original: bytes | None
    bom: bool
    lines: list[str]
    endings: list[str]  # "\r" where the line ended in CRLF, else ""

    @classmethod
    def read(cls, path: Path) -> NoteText:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise WriteRefused(f"{path} is gone; nothing written (run `tasks scan`)") from None
        except OSError as exc:
            raise WriteRefused(f"cannot read {path}: {exc.strerror or exc}") from None
        return cls.parse(path, data)

    @classmethod
    def parse(cls, path: Path, data: bytes | None) -> NoteText:
        raw = data or b""
        bom = raw.startswith(BOM)
        try:
            text = raw[3 if bom else 0 :].decode("utf-8")
        except UnicodeDecodeError:
            raise WriteRefused(f"{path} is not valid UTF-8; not touched") from None
        parts = text.split("\n")
        lines = [p[:-1] if p.endswith("\r") else p for p in parts]
        endings = ["\r" if p.endswith("\r") else "" for p in parts]
        return cls(path, data, bom, lines, endings)

    def line(self, number: int) -> str:
        """The 1-based line ``number``."""
        return self.lines[number - 1]

    def replace(self, number: int, new_lines: list[str]) -> None:
        """Put ``new_lines`` where 1-based line ``number`` was (none: delete it)."""
        self.splice(number, 1, new_lines)

    def splice(self, number: int, count: int, new_lines: list[str]) -> None:
        """Replace ``count`` lines from 1-based ``number`` on with ``new_lines``. The last new line takes the
        ending of the last replaced one; other new lines take the replaced line's (or the file's) ending."""
        i = number - 1
        default = "\r" if "\r" in self.endings else ""
        if count and i > 0 and i + 1 == len(self.lines):
            default = self.endings[i - 1]  # the file's last line: the ending of the line above
        # A line followed by "\n" has its own ending; the file's last line (no "\n" after it) has none to copy.
        own = self.endings[i] if count and i + 1 < len(self.lines) else default
        fill, tail = (own, self.endings[i + count - 1]) if count else (default, default)
        if not new_lines and count and i + count == len(self.lines) and i > 0:
            self.endings[i - 1] = tail  # the last line went: the one before ends the file as it did
        self.lines[i : i + count] = new_lines
        self.endings[i : i + count] = [fill] * (len(new_lines) - 1) + [tail] if new_lines else []

    def encode(self) -> bytes:
        text = "\n".join(line + end for line, end in zip(self.lines, self.endings, strict=True))
        return (BOM if self.bom else b"") + text.encode("utf-8")


def find_line(note: NoteText, line: int, raw: str, unchanged: bool = True) -> int:
    """Where the task whose text was ``raw`` at 1-based ``line`` is now: the same line if it still holds
    exactly that text, else the only line in the note that does. Anything else is refused. When the note
    is not ``unchanged`` since it was scanned, a line that has identical twins may be another task that
    moved there, so it is refused too."""
    hits = [i + 1 for i, text in enumerate(note.lines) if text == raw]
    if 1 <= line <= len(note.lines) and note.lines[line - 1] == raw:
        if unchanged or len(hits) == 1:
            return line
        raise WriteRefused(
            f"{note.path}:{line}: the note changed since it was scanned and {len(hits)} identical lines match "
            "the task; nothing written (run `tasks scan`)"
        )
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise WriteRefused(f"{note.path}:{line}: the task's line has changed since it was scanned; nothing written")
    raise WriteRefused(
        f"{note.path}:{line}: the task moved and {len(hits)} identical lines now match it; nothing written"
    )


def atomic_write(path: Path, data: bytes, expected: bytes | None) -> None:
    """Replace ``path`` (following symlinks) with ``data`` if it still holds ``expected`` (None: must not
    exist yet). Temp file in the same folder, fsync, rename; the file's mode is kept."""
    real = Path(os.path.realpath(path))
    current = _read_or_none(real)
    if current != expected:
        raise WriteRefused(f"{path} was changed by another program since it was read; nothing written")
    mode = _mode_of(real)
    fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        if _read_or_none(real) != expected:
            raise WriteRefused(f"{path} was changed by another program while writing; nothing written")
        os.replace(tmp, real)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    _fsync_dir(real.parent)


def _read_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _mode_of(path: Path) -> int:
    try:
        return os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
