"""Keep the store in step with the vault: re-read only the notes whose size or mtime changed.

A few notes are read and saved in this process. Many (a first scan) are cut into batches that the workers
of a ``concurrent.futures`` process pool each read and save to the store themselves, one transaction a
batch (SQLite lets one write at a time; the others go on reading meanwhile): saving a note costs about
half as much as reading it, and sending the notes back to be saved here would cost as much again.
Workers die with the process that started them (a killed scan leaves none behind, and the batch it was
saving is rolled back) and leave Ctrl-C to it.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from tasktrack.model import Note
from tasktrack.parse.scanner import FileStat, Skipped, is_note, scan_file, walk_vault
from tasktrack.parse.statuses import StatusMap
from tasktrack.store.database import Store, now_stamp

if TYPE_CHECKING:
    from concurrent.futures import Future  # the pool is imported only for a scan that uses it

Job = TypeVar("Job")
Result = TypeVar("Result")

PARALLEL_FROM = 400  # notes to read before it pays to start worker processes
_PR_SET_PDEATHSIG = 1  # Linux prctl: the signal a process gets when the thread that started it ends


@dataclass(slots=True)
class SyncReport:
    notes: int = 0
    read: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    changed_tasks: int = 0
    skipped: Skipped = field(default_factory=Skipped)  # names and links the walk of the vault left out
    first_scan: bool = False  # the store knew no note before: this sync filled a new store


def sync(vault: Path, store: Store, statuses: StatusMap, rebuild: bool = False,
         follow_external_links: bool = False) -> SyncReport:
    fingerprint = statuses.fingerprint()
    if rebuild or store.meta("statuses") != fingerprint:
        store.forget_stats()
        store.set_meta("statuses", fingerprint)
    known = store.note_stats()
    skipped = Skipped()
    # An empty store needs only the notes' names: their sizes and mtimes are taken as they are read.
    files = {f.path: f for f in walk_vault(vault, bool(known), follow_external_links, skipped)}
    stale = [f for p, f in files.items() if known.get(p) != (f.size, f.mtime_ns)]
    unread = tuple(folder for folder, _ in skipped.unreadable_folders)
    deleted = [p for p in known if p not in files and not p.startswith(unread)]  # unread: kept as they were
    report = SyncReport(notes=len(files), deleted=deleted, skipped=skipped, first_scan=not known)
    if stale or deleted:
        report.changed_tasks = _save(vault, store, statuses, stale, deleted, report.read)
    return report


def _save(vault: Path, store: Store, statuses: StatusMap, stats: list[FileStat], deleted: list[str],
          read: list[str]) -> int:
    """Read and save the notes of ``stats``, drop the ``deleted``; the paths read go to ``read``. Returns how
    many tasks changed."""
    workers = _workers()
    if len(stats) < PARALLEL_FROM or workers < 2:
        read += [stat.path for stat in stats]
        return store.apply(read_notes(vault, stats, statuses), deleted)
    stamp = now_stamp()
    changes = store.apply((), deleted, stamp)
    size = max(16, len(stats) // (workers * 8))
    batches = [stats[i : i + size] for i in range(0, len(stats), size)]
    for paths, changed in _in_workers(partial(_save_batch, vault, store.path, statuses, stamp), batches, workers):
        read += paths
        changes += changed
    return changes


def _save_batch(vault: Path, db: Path, statuses: StatusMap, stamp: str, stats: list[FileStat]
                ) -> tuple[list[str], int]:
    """A worker's job: read the notes of ``stats``, then save them (the store is another worker's meanwhile);
    their paths, and how many tasks changed."""
    notes = list(read_notes(vault, stats, statuses))
    store = Store(db)
    try:
        return [note.path for note in notes], store.apply(notes, (), stamp)
    finally:
        store.close()


def sync_paths(vault: Path, store: Store, statuses: StatusMap, paths: Iterable[str],
               pinned: Mapping[str, Mapping[int, str]] | None = None) -> None:
    """Re-read the given notes now (after a write), whatever their mtime says. ``pinned``: for a note the
    writer knows, {1-based line of its new text: the id of the task on that line}; each such task keeps
    that id (if the note had it before), the others are matched as on any rescan."""
    stats = []
    deleted = []
    for path in (p for p in paths if is_note(p)):  # a change may write other files of the vault too
        try:
            st = (vault / path).stat()
        except FileNotFoundError:
            deleted.append(path)
            continue
        stats.append(FileStat(path, st.st_size, st.st_mtime_ns))
    store.apply(read_notes(vault, stats, statuses), deleted, pinned=pinned)


def read_notes(vault: Path, stats: Iterable[FileStat], statuses: StatusMap) -> Iterator[Note]:
    """The notes, read one after the other, as they are asked for."""
    return (_read_note(vault, statuses, stat) for stat in stats)


def _in_workers(work: Callable[[Job], Result], jobs: list[Job], workers: int) -> Iterator[Result]:
    """``work`` done on each of ``jobs`` in a pool of ``workers`` processes: the results, in order. On Ctrl-C or
    a failure, the jobs not started are dropped and the workers stopped."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    others = set(multiprocessing.active_children())
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(os.getpid(),))
    try:
        with _interrupts_held():  # the first jobs start the workers
            futures = [pool.submit(work, job) for job in jobs]
        for future in futures:
            yield _result(future)
    except BaseException:
        # Not cancelled (as pool.map would on its way out): in Python 3.11 the pool's own thread fails with a
        # traceback when it finds cancelled jobs after its workers were stopped. Stopped, they fail the jobs.
        pool.shutdown(wait=False)
        for worker in set(multiprocessing.active_children()) - others:
            worker.terminate()
        # The pool's thread, which then sees its workers gone, is waited for: left running as the interpreter
        # exits, it can close the pipe that the exit then writes to (a traceback after the one-line message).
        pool.shutdown(wait=True)
        raise
    pool.shutdown()


@contextmanager
def _interrupts_held() -> Iterator[None]:
    """Ctrl-C is held while workers are started, and acted on right after: one that arrives while a worker is
    forked would be raised in the fork's bookkeeping, where Python drops it (and the scan would go on)."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _result(future: Future[Result]) -> Result:
    """The job's result. The wait wakes up now and then: a Ctrl-C that the kernel hands to one of the pool's
    threads is acted on only when the main thread runs, and a main thread blocked for good would never see it."""
    while True:
        try:
            return future.result(timeout=0.2)
        except TimeoutError:
            continue


def _read_note(vault: Path, statuses: StatusMap, stat: FileStat) -> Note:
    return scan_file(vault, stat, statuses)


def _start_worker(parent: int) -> None:
    """A worker leaves Ctrl-C to the process that started it, and dies with it: left running, a killed
    scan's workers would go on holding its output open."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform == "linux":
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it died before this worker could ask to die with it
        os._exit(1)


def _workers() -> int:
    return min(os.cpu_count() or 1, 4)
