"""Safe file edits: serialized by a lock, checked against what was read, written atomically.

A note is read as bytes and split into lines at CRLF, LF or a lone CR (as Obsidian reads it), each line
keeping its own ending, so mixed endings, a BOM and a missing final newline all survive: a line is edited
without its line ending, and everything else is put back byte for byte. ``journal`` builds all-or-nothing
changes across notes from the steps here (check, stage, rename).
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from tasktrack.errors import StoreError, WriteFailed, WriteRefused

BOM = b"\xef\xbb\xbf"
TEMP_PREFIX, TEMP_SUFFIX = ".tasktrack-", ".tmp"
_OLD_TEMP = re.compile(r"\.(.+)\.[a-z0-9_]{8}\.tmp")
SETTLE_RECENT = 2.0  # seconds: a note modified this recently may still be being written
DEFAULT_SETTLE = "0.2"


@contextmanager
def file_lock(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive lock (other tasktrack processes wait for it)."""
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock_path, "a+b")  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise StoreError(f"cannot use the lock file {lock_path}: {exc.strerror or exc}") from None
    with handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


_LINE_BREAK = re.compile(r"(\r\n|\n|\r)")  # as Obsidian reads a note: CRLF, LF, or a lone CR (old Mac files)


@dataclass(slots=True)
class NoteText:
    """A note split into lines; ``endings[i]`` is what ended line ``i`` (``\r\n``, ``\n``, ``\r``; the last
    line's is empty)."""

    path: Path
    original: bytes | None
    bom: bool
    lines: list[str]
    endings: list[str]

    @classmethod
    def read(cls, path: Path) -> NoteText:
        try:
            data = read_or_none(path)
        except OSError as exc:
            raise WriteRefused(f"cannot read {path}: {exc.strerror or exc}") from None
        if data is None:
            raise WriteRefused(f"{path} is gone; nothing written (run `tasks scan`)")
        return cls.parse(path, data)

    @classmethod
    def parse(cls, path: Path, data: bytes | None) -> NoteText:
        raw = data or b""
        bom = raw.startswith(BOM)
        try:
            text = raw[3 if bom else 0 :].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise WriteRefused(
                f"{path} is not valid UTF-8 (byte {exc.start + 3 * bom}): tasktrack never re-encodes a note, so it "
                "writes nothing to this one (fix the byte in an editor first)"
            ) from None
        parts = _LINE_BREAK.split(text)
        return cls(path, data, bom, parts[0::2], [*parts[1::2], ""])

    def usual_ending(self) -> str:
        """The line ending new lines take: CRLF if the note has any, else a lone CR if it has any, else LF."""
        for ending in ("\r\n", "\r"):
            if ending in self.endings:
                return ending
        return "\n"

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
        default = self.usual_ending()
        if count and i > 0 and i + 1 == len(self.lines):
            default = self.endings[i - 1]  # the file's last line: the ending of the line above
        # A line with a line break after it has its own ending; the file's last line has none to copy.
        own = self.endings[i] if count and i + 1 < len(self.lines) else default
        fill, tail = (own, self.endings[i + count - 1]) if count else (default, default)
        if not new_lines and count and i + count == len(self.lines) and i > 0:
            self.endings[i - 1] = tail  # the last line went: the one before ends the file as it did
        self.lines[i : i + count] = new_lines
        self.endings[i : i + count] = [fill] * (len(new_lines) - 1) + [tail] if new_lines else []

    def encode(self) -> bytes:
        text = "".join(line + end for line, end in zip(self.lines, self.endings, strict=True))
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


def atomic_write(path: Path, data: bytes | None, expected: bytes | None) -> None:
    """Replace ``path`` (following symlinks) with ``data`` (None: remove it) if it still holds ``expected``
    (None: must not exist yet). Temp file in the same folder, fsync, rename; mode, owner and group are kept."""
    real = real_path(path)
    if read_or_none(real) != expected:
        raise WriteRefused(f"{path} was changed by another program since it was read; nothing written")
    if data is None:
        real.unlink()
        fsync_dir(real.parent)
        return
    temp = stage(real, data)
    try:
        if read_or_none(real) != expected:
            raise WriteRefused(f"{path} was changed by another program while writing; nothing written")
        os.replace(temp, real)
    except BaseException:
        remove_quietly(temp)
        raise
    fsync_dir(real.parent)


def real_path(path: Path) -> Path:
    return Path(os.path.realpath(path))


def check_writable(path: Path, shown: str) -> None:
    """Refuse a note the user protected (its owner may not write it: editors warn even root) or one that
    renaming would split from its other names (a hard link). A note that does not exist yet passes."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise WriteFailed(f"cannot write {shown}: {exc.strerror or exc}; nothing written") from None
    if not info.st_mode & stat.S_IWUSR:
        raise WriteRefused(f"{shown} is read-only; nothing written (make it writable to change it)")
    if info.st_nlink > 1:
        raise WriteRefused(f"{shown} has {info.st_nlink} hard links and a rewrite would split them apart; "
                           "nothing written")


def settle(path: Path, shown: str) -> None:
    """A note modified in the last ``SETTLE_RECENT`` seconds may still be being written by a program that
    writes in several chunks: wait ``$TASKTRACK_SETTLE_SECONDS`` (default 0.2) and refuse if it changed."""
    wait = float(os.environ.get("TASKTRACK_SETTLE_SECONDS", DEFAULT_SETTLE))
    try:
        before = os.stat(path)
    except FileNotFoundError:
        return
    if wait <= 0 or time.time() - before.st_mtime > SETTLE_RECENT:
        return
    time.sleep(wait)
    try:
        after = os.stat(path)
    except FileNotFoundError:
        after = None
    if after is None or (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
        raise WriteRefused(f"{shown} is being written by another program; nothing written (try again)")


def stage(real: Path, data: bytes) -> Path:
    """Write ``data`` to a new temp file next to ``real``, synced to disk, with ``real``'s mode, owner and
    group (where permitted); return its path. A short name, so that a long note name still fits."""
    try:
        fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=real.parent)
    except OSError as exc:
        raise WriteFailed(f"cannot write in {real.parent}: {exc.strerror or exc}; nothing written") from None
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _copy_owner_and_mode(real, temp)
    except OSError as exc:
        remove_quietly(temp)
        raise WriteFailed(f"cannot write {real.name}: {exc.strerror or exc}; nothing written") from None
    except BaseException:
        remove_quietly(temp)
        raise
    return temp


def _copy_owner_and_mode(real: Path, temp: Path) -> None:
    try:
        info = os.stat(real)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
        return
    with suppress(PermissionError):  # only root, or the owner giving a file to one of its groups, may
        os.chown(temp, info.st_uid, info.st_gid)
    os.chmod(temp, info.st_mode & 0o7777)


def remove_leftovers(folder: Path) -> None:
    """Remove temp files a process killed mid-write left in ``folder`` (call with the vault's lock held: no
    other tasktrack is writing). Older versions named them ``.NOTE.XXXXXXXX.tmp``."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    names = {entry.name for entry in entries}
    for entry in entries:
        old = _OLD_TEMP.fullmatch(entry.name)
        if (entry.name.startswith(TEMP_PREFIX) and entry.name.endswith(TEMP_SUFFIX)) or (old and old[1] in names):
            remove_quietly(Path(entry.path))


def read_or_none(path: Path) -> bytes | None:
    """The file's bytes; None when there is no such file (nor, a file standing where a folder of its path
    should be, any folder to hold one). ``OSError`` when it cannot be read, or is no regular file: a pipe or
    a device is not read at all (that could wait, or run, forever)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a pipe opens without waiting for a writer
    except (FileNotFoundError, NotADirectoryError):
        return None
    with open(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file (a folder, a pipe or a device)", os.fspath(path))
        return file.read()


def remove_quietly(path: Path) -> None:
    with suppress(OSError):
        os.unlink(path)


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
