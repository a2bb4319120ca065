"""NoteText keeps every byte it does not edit; find_line, atomic_write and the lock are safe."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tasktrack.errors import WriteRefused
from tasktrack.write.notes import BOM, NoteText, atomic_write, file_lock, find_line

SAMPLES = [b"", b"\n", b"a", b"a\n", b"a\r\nb", b"a\r\nb\r\n", b"a\nb\r\nc\n", b"\xef\xbb\xbfa\r\n", b"\r\n\r\n",
           b"a\r", "é\n✅ x".encode()]


@pytest.mark.parametrize("data", SAMPLES)
def test_parse_encode_round_trip(data: bytes) -> None:
    assert NoteText.parse(Path("n.md"), data).encode() == data


@pytest.mark.parametrize(
    ("data", "number", "new", "expected"),
    [
        (b"a\r\nT\nb", 2, ["N", "D"], b"a\r\nN\nD\nb"),  # an LF line in a mixed file keeps LF for both lines
        (b"a\nT\r\nb", 2, ["N", "D"], b"a\nN\r\nD\r\nb"),
        (b"a\r\nT", 2, ["N", "D"], b"a\r\nN\r\nD"),  # the last line: the new one takes the file's ending
        (b"T", 1, ["N", "D"], b"N\nD"),
        (b"a\r\nT\r\n", 2, [], b"a\r\n"),
        (b"a\r\nT", 2, [], b"a"),  # no final newline before, none after
        (b"\xef\xbb\xbfT\r\nb", 1, ["X"], b"\xef\xbb\xbfX\r\nb"),
    ],
)
def test_replace_keeps_line_endings(data: bytes, number: int, new: list[str], expected: bytes) -> None:
    note = NoteText.parse(Path("n.md"), data)
    note.replace(number, new)
    assert note.encode() == expected


def test_not_utf8_is_refused() -> None:
    with pytest.raises(WriteRefused, match="UTF-8"):
        NoteText.parse(Path("n.md"), b"\xff\xfe- [ ] x")


def test_find_line() -> None:
    note = NoteText.parse(Path("n.md"), b"x\n- [ ] A\n- [ ] B\n- [ ] B\n")
    assert find_line(note, 2, "- [ ] A") == 2
    assert find_line(note, 1, "- [ ] A") == 2  # moved: the only identical line
    assert find_line(note, 3, "- [ ] B") == 3 and find_line(note, 4, "- [ ] B") == 4
    with pytest.raises(WriteRefused, match="2 identical lines"):
        find_line(note, 1, "- [ ] B")
    with pytest.raises(WriteRefused, match="identical lines"):
        find_line(note, 3, "- [ ] B", unchanged=False)
    assert find_line(note, 2, "- [ ] A", unchanged=False) == 2
    with pytest.raises(WriteRefused, match="changed since"):
        find_line(note, 2, "- [ ] C")
    with pytest.raises(WriteRefused):
        find_line(note, 99, "- [ ] C")


def test_atomic_write_keeps_mode_and_follows_links(tmp_path: Path) -> None:
    target = tmp_path / "real.md"
    target.write_bytes(b"old")
    target.chmod(0o600)
    link = tmp_path / "link.md"
    link.symlink_to(target)
    atomic_write(link, b"new", b"old")
    assert link.is_symlink() and target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.md", "real.md"]


def test_atomic_write_refuses_a_changed_file(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_bytes(b"changed by someone")
    with pytest.raises(WriteRefused, match="changed by another program"):
        atomic_write(path, b"new", b"what we read")
    assert path.read_bytes() == b"changed by someone"
    with pytest.raises(WriteRefused):
        atomic_write(path, b"new", None)  # None: must not exist yet
    assert os.listdir(tmp_path) == ["n.md"]
    fresh = tmp_path / "fresh.md"
    atomic_write(fresh, b"x", None)
    assert fresh.read_bytes() == b"x"


def test_file_lock_is_exclusive(tmp_path: Path) -> None:
    import fcntl

    lock = tmp_path / "sub" / "store.lock"
    with file_lock(lock), open(lock, "a+b") as other, pytest.raises(BlockingIOError):
        fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    with open(lock, "a+b") as other:
        fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(other.fileno(), fcntl.LOCK_UN)


_LINE = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=12)
_ENDING = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def _notes(draw: st.DrawFn) -> bytes:
    lines = draw(st.lists(st.tuples(_LINE, _ENDING), max_size=8))
    last = draw(_LINE)
    bom = draw(st.booleans())
    return (BOM if bom else b"") + ("".join(a + b for a, b in lines) + last).encode("utf-8")


@given(data=_notes(), pick=st.integers(0, 100), new=_LINE)
def test_any_endings_round_trip_and_an_edit_touches_one_line(data: bytes, pick: int, new: str) -> None:
    note = NoteText.parse(Path("n.md"), data)
    assert note.encode() == data
    k = pick % len(note.lines)
    head = "".join(line + end for line, end in zip(note.lines[:k], note.endings[:k], strict=True))
    tail = note.endings[k] + "".join(line + end for line, end in zip(note.lines[k + 1 :], note.endings[k + 1 :],
                                                                      strict=True))
    note.replace(k + 1, [new])
    assert note.encode() == (BOM if note.bom else b"") + (head + new + tail).encode("utf-8")


def test_a_lone_cr_is_a_line_break_and_is_kept() -> None:
    note = NoteText.parse(Path("n.md"), b"# Old Mac\r- [ ] A\r- [ ] B\r")
    assert note.lines == ["# Old Mac", "- [ ] A", "- [ ] B", ""]
    note.replace(3, ["- [x] B"])
    note.replace(2, ["- [ ] A2", "- [x] A"])
    assert note.encode() == b"# Old Mac\r- [ ] A2\r- [x] A\r- [x] B\r"
