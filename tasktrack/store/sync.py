"""Keep the store in step with the vault: re-read only the notes whose size or mtime changed."""

from __future__ import annotations

import gc
import os
import shutil
import signal
import sys
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from tasktrack.parse.scanner import FileStat, NoteScan, Skipped, scan_file, walk_vault
from tasktrack.parse.statuses import StatusMap
from tasktrack.store import forks
from tasktrack.store.database import Store, now_stamp, prepare_rows, write_chunk
from tasktrack.store.forks import Job

PARALLEL_FROM = 400  # notes to read before it pays to start worker processes
SCAN_FOLDER = "tasktrack-scan-"  # a first scan's temporary folder: SCAN_FOLDER, its pid, "-", a random part
_PR_SET_PDEATHSIG = 1  # Linux prctl: the signal a process gets when the thread that started it ends


@dataclass(slots=True)
class SyncReport:
    notes: int = 0
    read: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    changed_tasks: int = 0
    skipped: Skipped = field(default_factory=Skipped)  # names and links the walk of the vault left out


def sync(vault: Path, store: Store, statuses: StatusMap, rebuild: bool = False,
         follow_external_links: bool = False) -> SyncReport:
    fingerprint = statuses.fingerprint()
    if rebuild or store.meta("statuses") != fingerprint:
        store.forget_stats()
        store.set_meta("statuses", fingerprint)
    known = store.note_stats()
    skipped = Skipped()
    files = {f.path: f for f in walk_vault(vault, bool(known), follow_external_links, skipped)}  # an empty
    stale = [f for p, f in files.items() if known.get(p) != (f.size, f.mtime_ns)]  # store needs only the names
    deleted = [p for p in known if p not in files]
    report = SyncReport(notes=len(files), deleted=deleted, skipped=skipped)
    if not stale and not deleted:
        return report
    new = [f for f in stale if f.path not in known]
    if len(new) >= PARALLEL_FROM and _workers() > 1:
        added, taken = add_new_notes(vault, store, statuses, new, report.read)
        report.changed_tasks += added
        stale = [f for f in stale if f.path in known or f.path in taken]  # taken: in the store by now
        new = []
        if not stale and not deleted:  # (a first scan)
            return report
    scans = read_notes(vault, stale, statuses, {f.path for f in new})
    report.changed_tasks += store.apply(_noting(scans, report.read), deleted)
    return report


def add_new_notes(vault: Path, store: Store, statuses: StatusMap, stats: list[FileStat],
                  read: list[str]) -> tuple[int, list[str]]:
    """Read notes new to the store in worker processes, which write them to files of their own; this
    process adds each file to the store as it comes. Returns how many tasks were added and the paths
    another sync added meanwhile (they still need reading)."""
    import tempfile

    workers = _workers()
    added = 0
    taken: list[str] = []
    _remove_leftovers(Path(tempfile.gettempdir()))
    with tempfile.TemporaryDirectory(prefix=f"{SCAN_FOLDER}{os.getpid()}-") as folder:
        parts, big = _parts(stats, workers)
        jobs = [(Path(folder) / f"{n}.sqlite", part) for n, part in enumerate(parts)]
        stamp = now_stamp()
        with store.first_fill() as sync_so_far, _in_workers(partial(_write_notes, vault, statuses), jobs,
                                                            workers) as finished:
            for done, index in enumerate(finished, 1):
                chunk, part = jobs[index]
                read += [stat.path for stat in part]
                count, not_added = store.merge_notes(chunk, stamp)
                added += count
                taken += not_added
                chunk.unlink()
                if done in (big, len(jobs) - workers):  # while the workers read the last, small jobs
                    sync_so_far()
    return added, taken


def _remove_leftovers(temp: Path) -> None:
    """Remove the folders that first scans killed midway left in ``temp`` (their process is gone)."""
    for folder in temp.glob(f"{SCAN_FOLDER}*-*"):
        pid = folder.name[len(SCAN_FOLDER) :].partition("-")[0]
        if pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


@contextmanager
def _in_workers(work: Callable[[Job], object], jobs: list[Job], workers: int) -> Iterator[Iterator[int]]:
    """Run ``work`` on each job in worker processes; gives the indexes of the jobs done, in order."""
    start = partial(_start_worker, os.getpid())
    if forks.available():
        with forks.forked(work, jobs, workers, initializer=start) as finished:
            yield finished
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers, initializer=start) as pool:
        yield (index for index, _ in enumerate(pool.map(work, jobs)))


def _start_worker(parent: int) -> None:
    """A worker reads notes into many small objects that hold no reference cycles, and exits soon after:
    Python's cycle collector would only keep walking them. It dies with ``parent``, the process that
    started it: left running, a killed scan's workers would go on holding its output open."""
    gc.disable()
    if sys.platform == "linux":
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it died before this worker could ask to die with it
        os._exit(1)


def _parts(stats: list[FileStat], workers: int) -> tuple[list[list[FileStat]], int]:
    """``stats`` cut into jobs for ``workers``, and how many come first, big (fewer files to merge); the
    last few are a quarter size, so that the workers finish close together."""
    size = max(16, len(stats) // (workers * 6))
    small = max(4, size // 4)
    cut = max(0, (len(stats) - workers * size) // size * size)
    big = [stats[i : i + size] for i in range(0, cut, size)]
    return big + [stats[i : i + small] for i in range(cut, len(stats), small)], len(big)


def _write_notes(vault: Path, statuses: StatusMap, job: tuple[Path, list[FileStat]]) -> None:
    """A worker's part of ``add_new_notes``: read the notes, write them to the job's chunk file."""
    chunk, stats = job
    scans = []
    for note_id, stat in enumerate(stats, 1):
        scan = scan_file(vault, stat, statuses)
        prepare_rows(scan, note_id)
        scans.append(scan)
    write_chunk(chunk, scans)


def _workers() -> int:
    return min(os.cpu_count() or 1, 4)


def _noting(scans: Iterable[NoteScan], read: list[str]) -> Iterator[NoteScan]:
    for scan in scans:
        read.append(scan.path)
        yield scan


def sync_paths(vault: Path, store: Store, statuses: StatusMap, paths: Iterable[str],
               pinned: Mapping[str, Mapping[int, str]] | None = None) -> None:
    """Re-read the given notes now (after a write), whatever their mtime says. ``pinned``: for a note the
    writer knows, {1-based line of its new text: the id of the task on that line}; each such task keeps
    that id (if the note had it before), the others are matched as on any rescan."""
    stats = []
    deleted = []
    for path in paths:
        try:
            st = os.stat(vault / path)
        except FileNotFoundError:
            deleted.append(path)
            continue
        stats.append(FileStat(path, st.st_size, st.st_mtime_ns))
    store.apply(read_notes(vault, stats, statuses), deleted, pinned=pinned)


def read_notes(vault: Path, stats: list[FileStat], statuses: StatusMap,
               new: Collection[str] = ()) -> Iterator[NoteScan]:
    """The notes, read in worker processes when there are many; they come as they are ready, so the
    store writes the first ones while the workers read the rest. Notes in ``new`` (not in the store
    yet) come with their store rows made."""
    read = partial(_read_note, vault, statuses)
    jobs = [(stat, stat.path in new) for stat in stats]
    workers = _workers()
    if len(stats) < PARALLEL_FROM or workers < 2:
        yield from map(read, jobs)
        return
    from concurrent.futures import ProcessPoolExecutor

    chunk = max(16, len(stats) // (workers * 16))
    with ProcessPoolExecutor(max_workers=workers, initializer=partial(_start_worker, os.getpid())) as pool:
        yield from pool.map(read, jobs, chunksize=chunk)


def _read_note(vault: Path, statuses: StatusMap, job: tuple[FileStat, bool]) -> NoteScan:
    stat, is_new = job
    scan = scan_file(vault, stat, statuses)
    if is_new:
        prepare_rows(scan)
    return scan
