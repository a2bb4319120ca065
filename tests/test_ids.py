"""Task ids on a rescan: an id keeps naming the same task, whatever else changes in its note."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from tasktrack.config import Config
from tasktrack.workspace import Workspace
from tasktrack.write.triage import Triage

MakeVault = Callable[..., Path]
Fields = tuple[Any, ...]

WEEKLY = "- [ ] Weekly review 🔁 every week 📅 2026-11-20"
MONTHLY = "- [ ] Weekly review 🔁 every month 📅 2026-11-20"


@pytest.fixture
def open_ws(tmp_path: Path) -> Iterator[Callable[[Path], Workspace]]:
    opened: list[Workspace] = []

    def open_(vault: Path) -> Workspace:
        ws = Workspace.open(str(vault), str(tmp_path / "store.sqlite"), config=Config())
        ws.sync()
        opened.append(ws)
        return ws

    yield open_
    for ws in opened:
        ws.close()


def tasks_by_id(ws: Workspace) -> dict[str, Fields]:
    rows = ws.store.db.execute(
        "SELECT t.id, n.path, t.line, t.status, t.description, t.recurrence, t.due FROM tasks t "
        "JOIN notes n ON n.id = t.note_id ORDER BY n.path, t.line")
    return {r[0]: tuple(r[1:]) for r in rows}


def rewrite(ws: Workspace, path: str, text: str, pinned: Mapping[str, Mapping[int, str]] | None = None) -> None:
    note = ws.vault / path
    note.write_text(text, encoding="utf-8")
    ws.refresh([path], pinned) if pinned is not None else ws.refresh([path])


def rescan(ws: Workspace, path: str, text: str) -> None:
    """An edit made by another program, seen by the next sync."""
    note = ws.vault / path
    note.write_text(text, encoding="utf-8")
    info = note.stat()
    os.utime(note, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
    ws.sync()


# -- 1. matching takes every field into account --------------------------------------------------


@pytest.mark.usefixtures("fixed_today")
def test_done_on_two_same_worded_recurring_tasks_keeps_each_id_on_its_own_rule(
        make_vault: MakeVault, open_ws: Callable[[Path], Workspace]) -> None:
    ws = open_ws(make_vault({"N.md": f"{WEEKLY}\n\n{MONTHLY}\n"}))
    weekly, monthly = tasks_by_id(ws)
    Triage(ws).run("done", [weekly, monthly])
    assert (ws.vault / "N.md").read_text(encoding="utf-8") == (
        "- [ ] Weekly review 🔁 every week 📅 2026-11-27\n"
        "- [x] Weekly review 🔁 every week 📅 2026-11-20 ✅ 2026-11-22\n\n"
        "- [ ] Weekly review 🔁 every month 📅 2026-12-20\n"
        "- [x] Weekly review 🔁 every month 📅 2026-11-20 ✅ 2026-11-22\n")
    after = tasks_by_id(ws)
    assert len(after) == 4
    assert after[weekly][4] == "every week"
    assert after[monthly][4] == "every month"


@pytest.mark.usefixtures("fixed_today")
def test_done_on_same_worded_recurring_tasks_that_differ_in_priority_keeps_each_id_on_its_completed_line(
        make_vault: MakeVault, open_ws: Callable[[Path], Workspace]) -> None:
    ws = open_ws(make_vault({"N.md": f"{WEEKLY}\n- [ ] Weekly review ⏫ 🔁 every week 📅 2026-11-20\n"}))
    normal, high = tasks_by_id(ws)
    Triage(ws).run("done", [normal, high])
    raws = {r[0]: (r[1], r[2]) for r in ws.store.db.execute("SELECT id, line, raw FROM tasks")}
    assert raws[normal] == (2, "- [x] Weekly review 🔁 every week 📅 2026-11-20 ✅ 2026-11-22")
    assert raws[high] == (4, "- [x] Weekly review ⏫ 🔁 every week 📅 2026-11-20 ✅ 2026-11-22")


def test_same_worded_tasks_that_differ_in_status_and_swap_places_keep_their_ids(
        make_vault: MakeVault, open_ws: Callable[[Path], Workspace]) -> None:
    ws = open_ws(make_vault({"N.md": "- [x] Call Bob\n- [ ] Call Bob\n"}))
    done, still_open = tasks_by_id(ws)
    rescan(ws, "N.md", "- [ ] Call Bob\n- [x] Call Bob\n")
    assert tasks_by_id(ws) == {
        still_open: ("N.md", 1, "open", "Call Bob", None, None),
        done: ("N.md", 2, "done", "Call Bob", None, None),
    }


def test_same_worded_tasks_that_differ_in_recurrence_never_swap_ids(make_vault: MakeVault,
                                                                    open_ws: Callable[[Path], Workspace]) -> None:
    ws = open_ws(make_vault({"N.md": f"{WEEKLY}\n{MONTHLY}\n"}))
    weekly, monthly = tasks_by_id(ws)
    rescan(ws, "N.md", "- [ ] Weekly review 🔁 every month 📅 2026-12-20\n"
                       "- [/] Weekly review 🔁 every week 📅 2026-11-27\n")
    assert tasks_by_id(ws) == {
        monthly: ("N.md", 1, "open", "Weekly review", "every month", "2026-12-20"),
        weekly: ("N.md", 2, "in_progress", "Weekly review", "every week", "2026-11-27"),
    }


# -- 2. pins from the writer ---------------------------------------------------------------------------


def test_a_pinned_line_keeps_the_id_and_the_line_inserted_above_gets_a_new_one(
        make_vault: MakeVault, open_ws: Callable[[Path], Workspace]) -> None:
    ws = open_ws(make_vault({"N.md": f"# Reviews\n{WEEKLY}\n- [ ] Other\n"}))
    weekly, other = tasks_by_id(ws)
    rewrite(ws, "N.md", "# Reviews\n- [ ] Weekly review 🔁 every week 📅 2026-11-27\n"
                        "- [x] Weekly review 🔁 every week 📅 2026-11-20 ✅ 2026-11-22\n- [ ] Other\n",
            {"N.md": {3: weekly}})
    after = tasks_by_id(ws)
    assert after[weekly] == ("N.md", 3, "done", "Weekly review", "every week", "2026-11-20")
    assert after[other] == ("N.md", 4, "open", "Other", None, None)
    (new,) = set(after) - {weekly, other}
    assert after[new] == ("N.md", 2, "open", "Weekly review", "every week", "2026-11-27")


def test_pins_tell_where_the_unpinned_tasks_below_them_moved(make_vault: MakeVault,
                                                              open_ws: Callable[[Path], Workspace]) -> None:
    """Three recurring tasks completed, each with its next instance above it: the line identical to the
    third stays the task below them, though that next instance is nearer its old line."""
    ws = open_ws(make_vault({"N.md": "- [ ] B 🔁 every week\n- [ ] C 🔁 every week\n"
                                     "- [ ] A 🔁 every week\n- [ ] A 🔁 every week\n"}))
    b, c, a1, a2 = tasks_by_id(ws)
    rewrite(ws, "N.md", "- [ ] B 🔁 every week\n- [x] B 🔁 every week ✅ 2026-11-22\n"
                        "- [ ] C 🔁 every week\n- [x] C 🔁 every week ✅ 2026-11-22\n"
                        "- [ ] A 🔁 every week\n- [x] A 🔁 every week ✅ 2026-11-22\n- [ ] A 🔁 every week\n",
            {"N.md": {2: b, 4: c, 6: a1}})
    after = tasks_by_id(ws)
    assert [after[i][1:3] for i in (b, c, a1, a2)] == [(2, "done"), (4, "done"), (6, "done"), (7, "open")]


def test_a_pin_wins_over_an_exact_line_match(make_vault: MakeVault, open_ws: Callable[[Path], Workspace]) -> None:
    ws = open_ws(make_vault({"N.md": "- [ ] Call Bob\n"}))
    (call,) = tasks_by_id(ws)
    rewrite(ws, "N.md", "- [ ] Call Bob\n- [x] Call Bob\n", {"N.md": {2: call}})
    after = tasks_by_id(ws)
    assert after[call] == ("N.md", 2, "done", "Call Bob", None, None)
    assert len(after) == 2


def test_a_pin_of_an_id_from_another_note_or_a_line_without_a_task_is_ignored(
        make_vault: MakeVault, open_ws: Callable[[Path], Workspace]) -> None:
    ws = open_ws(make_vault({"A.md": "- [ ] Alpha\n", "B.md": "- [ ] Beta\n"}))
    before = tasks_by_id(ws)
    alpha, beta = before
    rewrite(ws, "B.md", "Intro\n- [ ] Beta\n", {"B.md": {2: alpha, 1: beta}})
    assert tasks_by_id(ws) == {alpha: before[alpha], beta: ("B.md", 2, "open", "Beta", None, None)}


# -- 3. matching takes linear time ----------------------------------------------------------------------


def test_rescanning_thousands_of_reworded_tasks_is_fast(make_vault: MakeVault,
                                                         open_ws: Callable[[Path], Workspace]) -> None:
    count = 5000
    ws = open_ws(make_vault({"N.md": "".join(f"- [ ] Prepare report number {n}\n" for n in range(count))}))
    before = list(tasks_by_id(ws))
    started = time.perf_counter()
    rescan(ws, "N.md", "".join(f"- [ ] Prepare the report numbered {n}\n" for n in range(count)))
    elapsed = time.perf_counter() - started
    assert list(tasks_by_id(ws)) == before  # each reworded in place, with similar words: the same ids
    assert elapsed < 3, f"rescan took {elapsed:.1f} s"


def test_rescanning_thousands_of_replaced_tasks_gives_new_ids_quickly(make_vault: MakeVault,
                                                                      open_ws: Callable[[Path], Workspace]) -> None:
    count = 5000
    ws = open_ws(make_vault({"N.md": "".join(f"- [ ] Prepare report number {n}\n" for n in range(count))}))
    before = set(tasks_by_id(ws))
    started = time.perf_counter()
    rescan(ws, "N.md", "".join(f"- [ ] Zzz qqq {n}\n" for n in range(count)))
    elapsed = time.perf_counter() - started
    assert not before & set(tasks_by_id(ws))
    assert elapsed < 3, f"rescan took {elapsed:.1f} s"
