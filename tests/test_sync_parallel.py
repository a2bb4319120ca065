"""Many new notes are read by worker processes that write them to files of their own, which the store
then takes in. The result must be the store a one-process sync makes: the same notes, tasks, ids,
parents, inferred dates and first-seen events."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any, cast

import pytest
from conftest import FIXTURE_VAULT, copy_tree

import tasktrack.store.forks
import tasktrack.store.ids
import tasktrack.store.sync
from tasktrack.parse.scanner import FileStat, walk_vault
from tasktrack.parse.statuses import StatusMap
from tasktrack.store.database import Store
from tasktrack.store.sync import _parts, _read_note, _write_notes, sync

STAMP = "2026-11-22T09:00:00+00:00"
TASK_FIELDS = ("id, line, raw, status, symbol, description, owners, owner_keys, priority, due, scheduled, start, "
               "created, done, cancelled, recurrence, tags, tag_keys, block_id, parent, heading, key, inferred_due")


@pytest.fixture
def big_vault(sample_vault: Path, tmp_path: Path) -> Path:
    """The sample vault plus the fixture vault: 230 notes of every shape (nesting, fences, CRLF, BOM,
    broken YAML, a note that is not UTF-8)."""
    vault = copy_tree(sample_vault, tmp_path / "big")
    copy_tree(FIXTURE_VAULT, vault / "Fixtures")
    return vault


def synced(vault: Path, db: Path, parallel_from: int, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.setattr(tasktrack.store.sync, "PARALLEL_FROM", parallel_from)
    monkeypatch.setattr(tasktrack.store.sync, "_workers", lambda: 2)
    store = Store(db)
    sync(vault, store, StatusMap())
    return store


def _chunk(vault: Path, chunk: Path, stats: list[FileStat]) -> Path:
    """The notes of ``stats``, written to ``chunk`` as a scan worker writes them."""
    _write_notes(vault, StatusMap(), (chunk, stats))
    return chunk


def tasks_by_path(store: Store) -> list[tuple[Any, ...]]:
    fields = ", ".join(f"t.{name.strip()}" for name in TASK_FIELDS.split(","))
    return [tuple(r) for r in store.db.execute(
        f"SELECT n.path, {fields} FROM tasks t JOIN notes n ON n.id = t.note_id ORDER BY n.path, t.line")]


def notes_by_path(store: Store) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in store.db.execute(
        "SELECT path, size, mtime_ns, title, note_date, properties, warnings, error, partial, tail FROM notes "
        "ORDER BY path")]


def first_seen_events(store: Store) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in store.db.execute(
        "SELECT task_id, old_status, new_status, path, description FROM events ORDER BY path, task_id")]


@pytest.mark.parametrize("forked", [True, False], ids=["forked workers", "concurrent.futures"])
def test_worker_written_store_equals_a_one_process_sync(big_vault: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch, forked: bool) -> None:
    if not forked:
        monkeypatch.setattr(tasktrack.store.forks, "available", lambda: False)
    one = synced(big_vault, tmp_path / "one.sqlite", 10**9, monkeypatch)
    many = synced(big_vault, tmp_path / "many.sqlite", 20, monkeypatch)
    try:
        assert len(tasks_by_path(one)) > 900
        assert tasks_by_path(many) == tasks_by_path(one)
        assert notes_by_path(many) == notes_by_path(one)
        assert first_seen_events(many) == first_seen_events(one)
        assert many.problems() == one.problems()
        ids = [r[0] for r in many.db.execute("SELECT id FROM tasks")]
        assert len(ids) == len(set(ids))
        assert many.db.execute("SELECT count(*) FROM tasks WHERE first_seen = ''").fetchone()[0] == 0
        assert not list(Path(tmp_path).glob("**/tasktrack-scan-*"))
    finally:
        one.close()
        many.close()


NULLABLE = ("due", "scheduled", "start", "created", "done", "cancelled", "recurrence", "block_id", "parent",
            "heading", "inferred_due")


@pytest.mark.parametrize("parallel_from", [20, 10**9], ids=["workers", "one process"])
def test_missing_values_are_stored_as_null(big_vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          parallel_from: int) -> None:
    """Rows carry 0 for a missing value (cheaper to bind than None); the store holds NULL, never 0."""
    store = synced(big_vault, tmp_path / "s.sqlite", parallel_from, monkeypatch)
    try:
        for column in NULLABLE:
            types = dict(store.db.execute(f"SELECT typeof({column}), count(*) FROM tasks GROUP BY 1").fetchall())
            assert set(types) == {"null", "text"}, column
        events = store.db.execute("SELECT typeof(old_status), typeof(new_status), count(*) FROM events "
                                  "GROUP BY 1, 2").fetchall()
        assert [tuple(r[:2]) for r in events] == [("null", "text")]
        assert store.db.execute("SELECT count(*) FROM tasks WHERE heading = ''").fetchone()[0] == 0
    finally:
        store.close()


def pragma(store: Store, name: str) -> Any:
    return store.db.execute(f"PRAGMA {name}").fetchone()[0]


def test_a_first_fill_writes_the_store_once_and_syncs_it_at_the_end(fixture_vault: Path, tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    try:
        with store.first_fill() as sync_so_far:
            assert (pragma(store, "synchronous"), pragma(store, "journal_mode")) == (0, "truncate")  # OFF
            sync(fixture_vault, store, StatusMap())
            sync_so_far()
        assert (pragma(store, "synchronous"), pragma(store, "journal_mode")) == (1, "wal")  # NORMAL
        assert not (tmp_path / "s.sqlite-journal").exists()
        assert store.counts()["open"] > 10
        with store.first_fill():  # the store holds notes now: every commit is synced as usual, in the WAL
            assert (pragma(store, "synchronous"), pragma(store, "journal_mode")) == (1, "wal")
    finally:
        store.close()


def test_a_first_fill_keeps_the_log_while_another_connection_is_open(fixture_vault: Path, tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    other = Store(tmp_path / "s.sqlite")  # say, the TUI
    try:
        with store.first_fill():
            assert (pragma(store, "synchronous"), pragma(store, "journal_mode")) == (0, "wal")
            sync(fixture_vault, store, StatusMap())
            assert other.counts() == store.counts()
        assert (pragma(store, "synchronous"), pragma(store, "journal_mode")) == (1, "wal")
    finally:
        other.close()
        store.close()


def test_a_failed_chunk_leaves_nothing_in_a_first_fill(fixture_vault: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    stats = list(walk_vault(fixture_vault))
    chunk = _chunk(fixture_vault, tmp_path / "c.sqlite", stats)
    merge = Store._merge_chunk

    def broken(self: Store, stamp: str) -> tuple[int, list[str]]:
        merge(self, stamp)
        raise sqlite3.OperationalError("disk full")

    monkeypatch.setattr(Store, "_merge_chunk", broken)
    store = Store(tmp_path / "s.sqlite")
    try:
        with pytest.raises(sqlite3.OperationalError), store.first_fill():
            store.merge_notes(chunk, STAMP)
        assert store.db.execute("SELECT count(*) FROM tasks").fetchone()[0] == 0
        assert pragma(store, "journal_mode") == "wal"
    finally:
        store.close()
    reopened = Store(tmp_path / "s.sqlite")
    try:
        assert reopened.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert reopened.db.execute("SELECT count(*) FROM notes").fetchone()[0] == 0
    finally:
        reopened.close()


@pytest.mark.parametrize("parallel_from", [20, 10**9], ids=["workers", "one process"])
def test_a_second_sync_reads_nothing(big_vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     parallel_from: int) -> None:
    """A first sync names the notes without their size and mtime, which are read from each open file."""
    store = synced(big_vault, tmp_path / "s.sqlite", parallel_from, monkeypatch)
    try:
        for path, size, mtime_ns in store.db.execute("SELECT path, size, mtime_ns FROM notes").fetchall():
            info = (big_vault / path).stat()
            assert (size, mtime_ns) == (info.st_size, info.st_mtime_ns), path
        report = sync(big_vault, store, StatusMap())
        assert report.read == []
        assert report.changed_tasks == 0
    finally:
        store.close()


def test_ids_taken_elsewhere_are_given_again(big_vault: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """With ids from a tiny space, most prepared ids clash, with the store and within a chunk: every task
    still gets its own, and parents follow their task's new id. (Chunks are written in this process, so
    the crowded ids hold whatever way worker processes start.)"""
    real = tasktrack.store.ids.make_id

    def crowded(path: str, key: str, occurrence: int, salt: int = 0) -> str:
        return real("x", str(hash((path, key, occurrence)) % 40), 0, salt)

    monkeypatch.setattr(tasktrack.store.ids, "make_id", crowded)
    stats = list(walk_vault(big_vault))
    many = Store(tmp_path / "many.sqlite")
    one = synced(big_vault, tmp_path / "one.sqlite", 10**9, monkeypatch)
    try:
        for n, part in enumerate((stats[:80], stats[80:160], stats[160:])):
            chunk = _chunk(big_vault, tmp_path / f"{n}.sqlite", part)
            assert many.merge_notes(chunk, STAMP)[1] == []
        ids = [r[0] for r in many.db.execute("SELECT id FROM tasks")]
        assert len(ids) == len(set(ids)) == len(tasks_by_path(one))
        orphans = many.db.execute(
            "SELECT count(*) FROM tasks c LEFT JOIN tasks p ON p.id = c.parent "
            "WHERE c.parent IS NOT NULL AND (p.id IS NULL OR p.note_id != c.note_id)").fetchone()[0]
        assert orphans == 0
        parents = "SELECT n.path, c.line, p.line FROM tasks c JOIN tasks p ON p.id = c.parent JOIN notes n " \
                  "ON n.id = c.note_id ORDER BY 1, 2"
        assert many.db.execute(parents).fetchall() == one.db.execute(parents).fetchall()
        assert len(many.db.execute(parents).fetchall()) > 10
        events = many.db.execute("SELECT count(*), count(DISTINCT task_id) FROM events").fetchone()
        assert tuple(events) == (len(ids), len(ids))
        assert [r[0] for r in many.db.execute("SELECT DISTINCT first_seen FROM tasks")] == [STAMP]
        assert [r[0] for r in many.db.execute("SELECT DISTINCT at FROM events")] == [STAMP]
    finally:
        one.close()
        many.close()


def test_notes_another_sync_added_meanwhile_are_left_to_apply(fixture_vault: Path, tmp_path: Path) -> None:
    stats = list(walk_vault(fixture_vault))
    store = Store(tmp_path / "s.sqlite")
    try:
        sync(fixture_vault, store, StatusMap())
        before = tasks_by_path(store)
        chunk = _chunk(fixture_vault, tmp_path / "chunk.sqlite", stats)
        paths = [s.path for s in stats]
        added, taken = store.merge_notes(chunk, STAMP)
        assert (added, sorted(taken)) == (0, sorted(paths))
        assert tasks_by_path(store) == before
    finally:
        store.close()


def test_a_chunk_is_taken_in_whole_or_not_at_all(fixture_vault: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    stats = list(walk_vault(fixture_vault))
    chunk = _chunk(fixture_vault, tmp_path / "c.sqlite", stats)
    store = Store(tmp_path / "s.sqlite")

    merge = Store._merge_chunk

    def broken(self: Store, stamp: str) -> tuple[int, list[str]]:
        merge(self, stamp)  # everything written, then the disk fills up before the commit
        raise sqlite3.OperationalError("disk full")

    try:
        monkeypatch.setattr(Store, "_merge_chunk", broken)
        with pytest.raises(sqlite3.OperationalError):
            store.merge_notes(chunk, STAMP)
        assert store.db.execute("SELECT count(*) FROM notes").fetchone()[0] == 0
        assert store.db.execute("SELECT count(*) FROM tasks").fetchone()[0] == 0
        assert store.db.execute("PRAGMA database_list").fetchall()[-1][1] == "main"  # the chunk is detached
    finally:
        store.close()


def test_notes_left_out_of_the_chunks_are_read_the_usual_way(big_vault: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """When another sync added some new notes meanwhile (an older version of them), this one reads them
    again and matches their tasks."""
    real = tasktrack.store.sync.add_new_notes
    left_out: list[str] = []

    def some_taken(vault: Path, store: Store, statuses: StatusMap, stats: list[FileStat],
                   read: list[str]) -> tuple[int, list[str]]:
        left_out.extend(s.path for s in stats[::3])
        other = Store(store.path)  # the other sync, on its own connection
        other.apply([_read_note(vault, statuses, (s, True)) for s in stats[::3]], [])
        other.db.execute("UPDATE notes SET size = -1")  # it read them before their last edit
        other.close()
        return real(vault, store, statuses, stats, read)

    monkeypatch.setattr(tasktrack.store.sync, "add_new_notes", some_taken)
    many = synced(big_vault, tmp_path / "many.sqlite", 20, monkeypatch)
    one = synced(big_vault, tmp_path / "one.sqlite", 10**9, monkeypatch)
    try:
        assert len(left_out) > 50
        assert tasks_by_path(many) == tasks_by_path(one)
        assert notes_by_path(many) == notes_by_path(one)
    finally:
        one.close()
        many.close()


CRASH_MIDWAY = """
import os, sys
from pathlib import Path
from tasktrack.store.database import Store
store = Store(Path(sys.argv[1]))
store.db.execute("PRAGMA cache_size=2")  # changed pages go to the file before the commit
merge = Store._merge_chunk
def dying(self, stamp):
    merge(self, stamp)
    os._exit(3)  # the program dies inside the transaction of the second chunk
with store.first_fill():
    store.merge_notes(Path(sys.argv[2]), "2026-11-22T09:00:00+00:00")
    Store._merge_chunk = dying
    store.merge_notes(Path(sys.argv[3]), "2026-11-22T09:00:00+00:00")
"""


def test_a_program_dying_in_a_first_fill_loses_only_the_unfinished_chunk(fixture_vault: Path, tmp_path: Path) -> None:
    stats = list(walk_vault(fixture_vault))
    first = _chunk(fixture_vault, tmp_path / "1.sqlite", stats[:10])
    second = _chunk(fixture_vault, tmp_path / "2.sqlite", stats[10:])
    db = tmp_path / "s.sqlite"
    Store(db).close()
    died = subprocess.run([sys.executable, "-c", CRASH_MIDWAY, str(db), str(first), str(second)], check=False)
    assert died.returncode == 3
    assert (tmp_path / "s.sqlite-journal").stat().st_size > 0  # a hot journal: the file holds half a chunk
    store = Store(db)
    try:
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert sorted(r[0] for r in store.db.execute("SELECT path FROM notes")) == sorted(s.path for s in stats[:10])
        assert pragma(store, "journal_mode") == "wal"
    finally:
        store.close()


@pytest.mark.parametrize("count", [0, 5, 400, 1000, 10_001])
def test_jobs_cover_every_note_once_and_end_small(count: int) -> None:
    stats = [FileStat(f"{n}.md", 1, 1) for n in range(count)]
    parts, big = _parts(stats, 2)
    assert [s for part in parts for s in part] == stats
    assert all(parts)
    if count >= 400:
        assert max(len(p) for p in parts[big:]) <= len(parts[0]) // 4 + 1
        assert 15 <= len(parts) <= 30
        assert 8 <= len(parts) - big <= 12


@pytest.mark.parametrize("parallel_from", [10**9, 2], ids=["one process", "worker chunks"])
def test_the_store_keeps_the_last_64_bytes_of_each_note(make_vault: Callable[..., Path], tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch, parallel_from: int) -> None:
    long = "- [ ] Long note\n" + "".join(f"line {n} ✅\n" for n in range(20))
    vault = make_vault({"Long.md": long, "Short.md": b"\xef\xbb\xbf- [ ] short\r\n", "Bad.md": b"x\xff",
                        "Empty.md": ""})
    store = synced(vault, tmp_path / "s.sqlite", parallel_from, monkeypatch)
    tails = dict(store.db.execute("SELECT path, tail FROM notes").fetchall())
    assert tails == {"Long.md": long.encode()[-64:], "Short.md": b"\xef\xbb\xbf- [ ] short\r\n", "Bad.md": b"x\xff",
                     "Empty.md": b""}
    (vault / "Short.md").write_bytes(b"- [ ] changed, and now long enough to be cut: " + b"0123456789" * 3)
    sync(vault, store, StatusMap())
    tail = store.db.execute("SELECT tail FROM notes WHERE path = 'Short.md'").fetchone()[0]
    assert tail == b"d, and now long enough to be cut: 012345678901234567890123456789"
    store.close()


# -- a scan killed midway -----------------------------------------------------------------------

HELD_WORKERS = """
import signal, sys
import tasktrack.store.forks, tasktrack.store.sync as sync
from tasktrack.cli.main import main

def hold(*args):  # a worker's job never ends: the workers are alive when the scan is killed
    signal.pause()

sync._workers = lambda: 2
sync._write_notes = sync._read_note = hold
if sys.argv[1] == "pool":
    tasktrack.store.forks.available = lambda: False
sys.exit(main(sys.argv[2:]))
"""


def _proc_stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return fields[0], int(fields[1])


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _proc_stat(int(entry.name))) is not None and stat[1] == pid:
            found.add(int(entry.name))
    return found


def _wait_until(condition: Callable[[], object], seconds: float) -> object:
    deadline = time.monotonic() + seconds
    while not (result := condition()) and time.monotonic() < deadline:
        time.sleep(0.01)
    return result


def _alive(pid: int) -> bool:
    stat = _proc_stat(pid)
    return stat is not None and stat[0] not in "ZX"


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
@pytest.mark.parametrize("mode", ["forked", "pool", "pool rescan"])
def test_killing_a_scan_kills_its_workers(mode: str, make_vault: Callable[..., Path], run_cli: Callable[..., Any],
                                         tmp_path: Path) -> None:
    """Workers die with the scan that started them, and so let go of its output (whoever reads it sees it end)."""
    vault = make_vault({f"Notes/{n}.md": f"- [ ] task {n}\n" for n in range(tasktrack.store.sync.PARALLEL_FROM + 10)})
    if mode == "pool rescan":
        assert run_cli("--vault", vault, "scan").code == 0  # the store knows every note: a rebuild reads them all
    scan = subprocess.Popen([sys.executable, "-c", HELD_WORKERS, mode.split()[0], "--vault", str(vault), "scan",
                             "--rebuild"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    workers: set[int] = set()
    try:
        workers = cast(set[int], _wait_until(lambda: len(_children(scan.pid)) >= 2 and _children(scan.pid), 20))
        assert len(workers) >= 2
        scan.kill()
        scan.wait(timeout=10)
        scan.communicate(timeout=5)  # every copy of the pipes is closed: the workers are gone
        assert _wait_until(lambda: not any(_alive(pid) for pid in workers), 5)
    finally:
        scan.kill()
        for pid in workers:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def test_a_first_scan_removes_the_folders_killed_scans_left(make_vault: Callable[..., Path], tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    ended = subprocess.Popen([sys.executable, "-c", ""])
    ended.wait()
    dead = temp / f"tasktrack-scan-{ended.pid}-abc123"
    live = temp / f"tasktrack-scan-{os.getpid()}-def456"
    other = temp / "tasktrack-scan-xyz"  # not named with a process: not ours to judge
    for folder in (dead, live, other):
        folder.mkdir()
        (folder / "0.sqlite").write_bytes(b"left over")
    vault = make_vault({f"{n}.md": f"- [ ] task {n}\n" for n in range(6)})
    store = synced(vault, tmp_path / "s.sqlite", 2, monkeypatch)
    store.close()
    assert sorted(p.name for p in temp.iterdir()) == [live.name, other.name]
