"""Many notes are read by worker processes. The result must be the store a one-process sync makes: the
same notes, tasks, ids, parents, inferred dates and first-seen events. A scan killed or interrupted
midway takes its workers with it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any, cast

import pytest
from conftest import EDGE_VAULT, copy_tree

import tasktrack.store.ids
import tasktrack.store.sync
from tasktrack.parse.statuses import StatusMap
from tasktrack.store.database import Store
from tasktrack.store.sync import sync

TASK_FIELDS = ("id, line, raw, status, symbol, description, owners, owner_keys, priority, due, scheduled, start, "
               "created, done, cancelled, recurrence, tags, tag_keys, block_id, parent, heading, key, inferred_due")


@pytest.fixture
def big_vault(sample_vault: Path, tmp_path: Path) -> Path:
    """The sample vault plus the edge-case vault: 230 notes of every shape (nesting, fences, CRLF, BOM,
    broken YAML, a note that is not UTF-8)."""
    vault = copy_tree(sample_vault, tmp_path / "big")
    copy_tree(EDGE_VAULT, vault / "Fixtures")
    return vault


def synced(vault: Path, db: Path, parallel_from: int, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.setattr(tasktrack.store.sync, "PARALLEL_FROM", parallel_from)
    monkeypatch.setattr(tasktrack.store.sync, "_workers", lambda: 2)
    store = Store(db)
    sync(vault, store, StatusMap())
    return store


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


def test_a_store_filled_by_workers_equals_a_one_process_sync(big_vault: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
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
    finally:
        one.close()
        many.close()


NULLABLE = ("due", "scheduled", "start", "created", "done", "cancelled", "recurrence", "block_id", "parent",
            "heading", "inferred_due")


@pytest.mark.parametrize("parallel_from", [20, 10**9], ids=["workers", "one process"])
def test_missing_values_are_stored_as_null(big_vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          parallel_from: int) -> None:
    """A missing value is NULL in the store, never 0 or empty text."""
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
    """With ids from a tiny space, most new ids clash, with other notes' and within a note: every task
    still gets its own, and parents follow their task's new id."""
    real = tasktrack.store.ids.make_id

    def crowded(path: str, key: str, occurrence: int, salt: int = 0) -> str:
        return real("x", str(hash((path, key, occurrence)) % 40), 0, salt)

    one = synced(big_vault, tmp_path / "one.sqlite", 10**9, monkeypatch)
    monkeypatch.setattr(tasktrack.store.ids, "make_id", crowded)
    many = synced(big_vault, tmp_path / "many.sqlite", 20, monkeypatch)
    try:
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
    finally:
        one.close()
        many.close()


@pytest.mark.parametrize("parallel_from", [10**9, 2], ids=["one process", "workers"])
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
import faulthandler, os, signal, sys
import tasktrack.store.sync as sync
from tasktrack.cli.main import main

faulthandler.register(signal.SIGUSR1)  # where the scan is, should it not stop
signal.signal(signal.SIGINT, signal.default_int_handler)  # as from a terminal (a shell's background job ignores it)

def hold(*args):  # a worker's job never ends: the workers are alive when the scan is killed
    open(os.path.join(os.environ["HELD_IN"], str(os.getpid())), "w").close()  # this worker holds
    signal.pause()

sync._workers = lambda: 2
sync._read_note = hold
sys.exit(main(sys.argv[1:]))
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


def _held_scan(vault: Path, run_cli: Callable[..., Any], rescan: bool) -> tuple[subprocess.Popen[bytes], set[int]]:
    """A ``tasks scan --rebuild`` of ``vault`` whose two workers hold on to their first notes."""
    if rescan:
        assert run_cli("--vault", vault, "scan").code == 0  # the store knows every note: a rebuild reads them all
    held = vault.parent / "held"
    held.mkdir()
    scan = subprocess.Popen([sys.executable, "-c", HELD_WORKERS, "--vault", str(vault), "scan", "--rebuild"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "HELD_IN": str(held)})
    # Both workers hold a job: the scan has started them and waits for their results.
    workers = cast(set[int], _wait_until(lambda: len(names := {int(p.name) for p in held.iterdir()}) >= 2 and names,
                                         20))
    assert len(workers) >= 2 and workers <= _children(scan.pid)
    return scan, workers


@pytest.mark.parametrize("mode", ["first scan", "rescan"])
def test_killing_a_scan_kills_its_workers(mode: str, make_vault: Callable[..., Path], run_cli: Callable[..., Any]
                                          ) -> None:
    """Workers die with the scan that started them, and so let go of its output (whoever reads it sees it end)."""
    vault = make_vault({f"Notes/{n}.md": f"- [ ] task {n}\n" for n in range(tasktrack.store.sync.PARALLEL_FROM + 10)})
    scan, workers = _held_scan(vault, run_cli, rescan=mode == "rescan")
    try:
        scan.kill()
        scan.wait(timeout=10)
        scan.communicate(timeout=5)  # every copy of the pipes is closed: the workers are gone
        assert _wait_until(lambda: not any(_alive(pid) for pid in workers), 5)
    finally:
        scan.kill()
        for pid in workers:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def test_ctrl_c_stops_a_scan_and_its_workers_with_one_line(make_vault: Callable[..., Path],
                                                          run_cli: Callable[..., Any]) -> None:
    vault = make_vault({f"Notes/{n}.md": f"- [ ] task {n}\n" for n in range(tasktrack.store.sync.PARALLEL_FROM + 10)})
    scan, workers = _held_scan(vault, run_cli, rescan=False)
    try:
        scan.send_signal(signal.SIGINT)
        try:
            out, err = scan.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            scan.send_signal(signal.SIGUSR1)  # its threads' tracebacks, for the failure's message
            time.sleep(0.5)
            scan.kill()
            out, err = scan.communicate()
        assert (scan.returncode, out, err) == (130, b"", b"tasks: interrupted\n")
        assert _wait_until(lambda: not any(_alive(pid) for pid in workers), 5)
    finally:
        scan.kill()
        for pid in workers:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
