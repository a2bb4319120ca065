"""Jobs in forked worker processes: every job done once, in order; failures come back; nothing is left running."""

from __future__ import annotations

import gc
import os
import sqlite3
import time
from pathlib import Path

import pytest

from tasktrack.store import forks

pytestmark = pytest.mark.skipif(not forks.available(), reason="forked workers run on Linux only")


def no_children_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_every_job_is_done_once_and_reported_in_order(tmp_path: Path) -> None:
    def work(job: int) -> None:
        time.sleep(0.02 if job % 3 == 0 else 0)  # finish out of order
        with open(tmp_path / f"{job}.txt", "x") as out:  # "x": a job done twice would fail
            out.write(f"{job} by {os.getpid()}")

    jobs = list(range(12))
    with forks.forked(work, jobs, 3) as finished:
        seen = []
        for index in finished:
            seen.append(index)
            assert (tmp_path / f"{index}.txt").read_text().startswith(f"{index} by ")  # done before reported
    assert seen == jobs
    assert len({(tmp_path / f"{j}.txt").read_text().split(" by ")[1] for j in jobs}) > 1  # shared out
    assert no_children_left()


def test_each_worker_calls_the_initializer_before_its_jobs(tmp_path: Path) -> None:
    def start() -> None:
        gc.disable()
        with open(tmp_path / f"started-{os.getpid()}", "x"):  # "x": once per worker
            pass

    def work(job: int) -> None:
        assert not gc.isenabled() and (tmp_path / f"started-{os.getpid()}").exists()
        (tmp_path / f"{job}.done").touch()

    with forks.forked(work, list(range(6)), 2, initializer=start) as finished:
        assert list(finished) == list(range(6))
    assert len(list(tmp_path.glob("started-*"))) == 2
    assert len(list(tmp_path.glob("*.done"))) == 6
    assert gc.isenabled()  # only the workers'
    assert no_children_left()


def test_an_exception_in_a_worker_is_raised_again_here(tmp_path: Path) -> None:
    def work(job: int) -> None:
        if job == 4:
            sqlite3.connect(tmp_path / "missing" / "x.sqlite")  # sqlite3.OperationalError

    with pytest.raises(sqlite3.OperationalError, match="unable to open database file"), \
            forks.forked(work, list(range(8)), 2) as finished:
        list(finished)
    assert no_children_left()


def test_an_exception_that_cannot_be_pickled_comes_back_as_its_text() -> None:
    class Local(Exception):  # a class defined here cannot be pickled
        pass

    def work(job: int) -> None:
        raise Local("the disk is full")

    with pytest.raises(RuntimeError, match="Local: the disk is full"), forks.forked(work, [1], 1) as finished:
        list(finished)
    assert no_children_left()


def test_a_long_message_still_comes_back_whole() -> None:
    def work(job: int) -> None:
        raise ValueError("é" * 10_000)  # pickled, more than a pipe writes at once

    with pytest.raises(RuntimeError, match=r"^ValueError: éé"), forks.forked(work, [1, 2], 2) as finished:
        list(finished)
    assert no_children_left()


def test_a_worker_that_dies_is_an_error_not_a_hang() -> None:
    def work(job: int) -> None:
        if job == 2:
            os._exit(9)

    with pytest.raises(RuntimeError, match="stopped before its jobs were done"), \
            forks.forked(work, list(range(5)), 1) as finished:
        list(finished)
    assert no_children_left()


def test_leaving_early_stops_the_workers_at_once() -> None:
    def work(job: int) -> None:
        if job > 0:
            time.sleep(60)

    started = time.monotonic()
    with pytest.raises(KeyError), forks.forked(work, list(range(4)), 2) as finished:
        for _index in finished:
            raise KeyError("the caller failed")
    assert time.monotonic() - started < 10
    assert no_children_left()


def test_a_worker_does_not_flush_what_the_parent_had_buffered(tmp_path: Path) -> None:
    """A worker leaves with ``os._exit``: output the parent had not written yet is not written twice."""
    out = tmp_path / "out.txt"
    with open(out, "w") as stream:
        stream.write("once\n")  # buffered in this process when the workers fork
        with forks.forked(lambda job: None, [0, 1], 2) as finished:
            assert list(finished) == [0, 1]
    assert out.read_text() == "once\n"
