"""Property-based tests of task ids: random notes x random sequences of triage commands.

The notes are made of a few task lines drawn from a small vocabulary, so that tasks with the same words,
recurrences, dates, owners and statuses meet often. After each command, every id names a task whose fields
are the ones it had, changed only by that command (and only if the command named it).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasktrack.config import Config
from tasktrack.model import PRIORITY_RANK
from tasktrack.workspace import Workspace
from tasktrack.write.triage import NothingToDo, Triage

WORDS = ("Weekly review", "Call Bob")
RECURRING = "- [ ] Weekly review @Rita 🔁 every week"
SYMBOLS = (" ", " ", " ", "x", "/", "-", " ?")
OWNERS = ("", "", " @Alice", " @Bob")
PRIORITY_SIGNS = ("", "", " ⏫", " 🔽")
RULES = ("", " 🔁 every week", " 🔁 every month")
DUES = ("", " 📅 2026-11-20", " 📅 2026-11-27")
BEFORE_TASK = ("", "", "\n", "## Notes\n", "Some text.\n\n")  # what comes between two task lines

VALUES: dict[str, tuple[str | None, ...]] = {
    "done": (None,), "reopen": (None,), "reject": (None,), "start": (None,), "accept": (None,),
    "due": ("2026-11-20", "2026-11-27", "2026-12-01"),
    "priority": ("high", "low", "normal"),
    "assign": ("Alice", "Bob", "Carol"),
}
STATUS_FIELDS = frozenset({"status", "symbol", "done", "cancelled"})
CHANGED_BY = {
    "done": STATUS_FIELDS, "reopen": STATUS_FIELDS, "reject": STATUS_FIELDS,
    "start": STATUS_FIELDS | {"tags"}, "accept": STATUS_FIELDS | {"tags"},
    "due": frozenset({"due"}), "priority": frozenset({"priority"}), "assign": frozenset({"owners"}),
}
STATUS_AFTER = {"done": "done", "reopen": "open", "reject": "cancelled", "start": "in_progress", "accept": "open"}
# A command that completes a recurring task adds its next instance above it. Until the writer pins the ids
# to their lines, a next instance that reads as the task did takes its id, and the lines added may lead a
# task identical to another to take the other's id: each id still names a task with the same words, owners,
# priority and recurrence.
FIELDS = ("description", "status", "symbol", "owners", "priority", "due", "scheduled", "start", "created", "done",
          "cancelled", "recurrence", "tags", "block_id")

Command = tuple[str, list[int], str | None]


@st.composite
def task_line(draw: st.DrawFn) -> str:
    symbol, words, owner, priority, rule, due = (
        draw(st.sampled_from(values)) for values in (SYMBOLS, WORDS, OWNERS, PRIORITY_SIGNS, RULES, DUES))
    return f"- [{symbol}] {words}{owner}{priority}{rule}{due}\n"


@st.composite
def note_text(draw: st.DrawFn, recurring: bool = False) -> str:
    """Task lines with other lines between them; with ``recurring``, one more: ``RECURRING`` (without dates,
    its next instance reads as it does)."""
    lines = draw(st.lists(task_line(), min_size=1, max_size=6))
    if recurring:
        lines.insert(draw(st.integers(0, len(lines))), RECURRING + "\n")
    return "# Tasks\n" + "".join(draw(st.sampled_from(BEFORE_TASK)) + line for line in lines)


@st.composite
def command(draw: st.DrawFn) -> Command:
    verb = draw(st.sampled_from(tuple(VALUES)))
    picks = draw(st.lists(st.integers(0, 50), min_size=1, max_size=3))
    return verb, picks, draw(st.sampled_from(VALUES[verb]))


@contextmanager
def workspace(text: str) -> Iterator[Workspace]:
    with tempfile.TemporaryDirectory() as tmp:
        vault = Path(tmp) / "vault"
        (vault / ".obsidian").mkdir(parents=True)
        (vault / "Note.md").write_text(text, encoding="utf-8")
        ws = Workspace.open(str(vault), str(Path(tmp) / "store.sqlite"), config=Config())
        try:
            ws.sync()
            yield ws
        finally:
            ws.close()


def snapshot(ws: Workspace) -> dict[str, dict[str, Any]]:
    """Each task's fields, by id (the line is left out: lines move when a next instance is added)."""
    rows = ws.store.db.execute(f"SELECT id, {', '.join(FIELDS)} FROM tasks ORDER BY line")
    return {row["id"]: {name: row[name] for name in FIELDS} for row in rows}


def run(ws: Workspace, cmd: Command, before: dict[str, dict[str, Any]]) -> list[str]:
    """Run ``cmd`` on the tasks its picks name; the ids it named (none when it had nothing to do)."""
    verb, picks, value = cmd
    ids = list(before)
    targets = list(dict.fromkeys(ids[p % len(ids)] for p in picks))
    try:
        Triage(ws).run(verb, targets, value=value)
    except NothingToDo:
        assert snapshot(ws) == before
        return []
    return targets


def completes_a_recurrence(verb: str, fields: dict[str, Any]) -> bool:
    return verb == "done" and fields["recurrence"] is not None and fields["status"] != "done"


def unchanged(fields: dict[str, Any], changeable: frozenset[str]) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if name not in changeable}


def set_by(verb: str, value: str | None) -> tuple[str, Any]:
    """The field ``verb`` sets on the tasks it names, and its value in the store."""
    if verb == "due":
        return "due", value
    if verb == "priority":
        return "priority", PRIORITY_RANK[value or ""]
    if verb == "assign":
        return "owners", json.dumps([value])
    return "status", STATUS_AFTER[verb]


def check_ids(cmd: Command, targets: list[str], before: dict[str, dict[str, Any]],
              after: dict[str, dict[str, Any]]) -> None:
    """Each id of ``before`` names a task in ``after`` whose fields differ only in those the command's verb
    changes, and only if it named the task, which now has the field the verb sets as it sets it. A completed
    recurring task keeps its id on its completed line; its next instance gets a new one."""
    verb, _, value = cmd
    instances = sum(completes_a_recurrence(verb, before[t]) for t in targets)
    assert set(before) <= set(after), "an id of a task still in the note was lost"
    assert len(set(after) - set(before)) == instances
    name, wanted = set_by(verb, value)
    for task_id, fields in before.items():
        changeable: frozenset[str] = frozenset()
        if task_id in targets:
            changeable = CHANGED_BY[verb]
            assert after[task_id][name] == wanted, (cmd, task_id)
        assert unchanged(after[task_id], changeable) == unchanged(fields, changeable), (cmd, task_id)


@pytest.mark.usefixtures("fixed_today")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(text=note_text(), commands=st.lists(command(), min_size=1, max_size=5))
def test_after_each_command_every_id_names_the_task_it_named(text: str, commands: list[Command]) -> None:
    with workspace(text) as ws:
        for cmd in commands:
            before = snapshot(ws)
            targets = run(ws, cmd, before)
            if targets:
                check_ids(cmd, targets, before, snapshot(ws))


@pytest.mark.usefixtures("fixed_today")
@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=note_text(recurring=True))
def test_a_completed_recurring_task_keeps_its_id_and_every_other_task_its_own(text: str) -> None:
    with workspace(text) as ws:
        before = snapshot(ws)
        recurring = ws.store.db.execute("SELECT id FROM tasks WHERE raw = ?", (RECURRING,)).fetchone()["id"]
        Triage(ws).run("done", [recurring])
        check_ids(("done", [], None), [recurring], before, snapshot(ws))
