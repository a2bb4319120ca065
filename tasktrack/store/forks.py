"""Jobs run in forked worker processes that report back over a pipe.

A first scan of a large vault reads its notes in worker processes, each writing what it read to a file
of its own. Such a job needs nothing sent to it (a forked worker has the parent's memory, the jobs
included) and sends back only that it is done: a few bytes over a pipe. Doing that directly spares
importing ``multiprocessing`` (about 20 ms, before any worker can start) and pickling the jobs.
Where ``fork`` is not the safe default (it is on Linux), ``available`` says so and callers use
``concurrent.futures`` instead.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import TypeVar

Job = TypeVar("Job")

_INDEX = 4  # bytes of a job's index in a message
_DONE, _FAILED = b"\0", b"\1"
_ATOMIC = 4096  # POSIX guarantees at least 512 bytes; Linux, where this runs, 4096 (PIPE_BUF)


def available() -> bool:
    return sys.platform == "linux" and hasattr(os, "fork")


@contextmanager
def forked(work: Callable[[Job], object], jobs: Sequence[Job], workers: int,
           initializer: Callable[[], object] | None = None) -> Iterator[Iterator[int]]:
    """Run ``work(job)`` for each of ``jobs`` in ``workers`` forked processes (each calling ``initializer``
    first, if given), which take the next job as they come free. Gives an iterator of the jobs' indexes,
    each once the job is done, in job order. An exception in a worker is raised here (the same one, if it
    can be pickled). On leaving, workers still busy are stopped and every worker is waited for."""
    if len(jobs) * _INDEX > _ATOMIC * 8:  # all jobs are queued at once: they must fit in a pipe's buffer
        raise ValueError(f"too many jobs for one pipe: {len(jobs)}")
    todo_r, todo_w = os.pipe()
    done_r, done_w = os.pipe()
    pids: list[int] = []
    finished = False
    try:
        os.write(todo_w, b"".join(i.to_bytes(_INDEX, "little") for i in range(len(jobs))))
        os.close(todo_w)
        todo_w = -1
        for _ in range(min(workers, len(jobs))):
            pid = os.fork()
            if pid == 0:
                _worker(work, jobs, initializer, todo_r, done_w, done_r)
            pids.append(pid)
        os.close(done_w)
        done_w = -1
        yield _in_order(done_r, len(jobs))
        finished = True
    finally:
        for fd in (todo_r, todo_w, done_w):
            if fd >= 0:
                os.close(fd)
        _reap(pids, stop=not finished)
        os.close(done_r)


def _worker(work: Callable[[Job], object], jobs: Sequence[Job], initializer: Callable[[], object] | None,
            todo: int, done: int, unused: int) -> None:
    """A worker's life: take job indexes from ``todo`` until none is left, report each on ``done``.
    Never returns (``os._exit``: the parent's buffers, handlers and open files are not this process's)."""
    code = 1
    try:
        os.close(unused)
        if initializer is not None:
            initializer()
        while index_bytes := os.read(todo, _INDEX):
            try:
                work(jobs[int.from_bytes(index_bytes, "little")])
            except BaseException as exc:  # every failure goes back to the parent
                os.write(done, index_bytes + _FAILED + _pickled(exc))
                break
            os.write(done, index_bytes + _DONE)
        else:
            code = 0
    finally:
        os._exit(code)


def _pickled(exc: BaseException) -> bytes:
    """``exc`` as the parent can raise it again, in one message short enough to reach it whole."""
    import pickle

    limit = _ATOMIC - _INDEX - 5
    try:
        data = pickle.dumps(exc)
    except Exception:  # not picklable: send its text
        data = b""
    if not data or len(data) > limit:
        text = f"{type(exc).__name__}: {exc}".encode()[: limit // 2].decode(errors="ignore")
        data = pickle.dumps(RuntimeError(text))
    return len(data).to_bytes(4, "little") + data


def _in_order(fd: int, count: int) -> Iterator[int]:
    ready: set[int] = set()
    following = 0
    while following < count:
        header = _read_exactly(fd, _INDEX + 1)
        if len(header) < _INDEX + 1:
            raise RuntimeError("a worker process stopped before its jobs were done")
        if header[_INDEX:] == _FAILED:
            _raise_sent(fd)
        ready.add(int.from_bytes(header[:_INDEX], "little"))
        while following in ready:
            ready.remove(following)
            yield following
            following += 1


def _raise_sent(fd: int) -> None:
    import pickle

    size = int.from_bytes(_read_exactly(fd, 4), "little")
    raise pickle.loads(_read_exactly(fd, size))


def _read_exactly(fd: int, size: int) -> bytes:
    data = b""
    while len(data) < size and (part := os.read(fd, size - len(data))):
        data += part
    return data


def _reap(pids: Sequence[int], stop: bool) -> None:
    for pid in pids:
        if stop:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)  # its work is thrown away: nothing to finish
        with suppress(ChildProcessError):
            os.waitpid(pid, 0)
