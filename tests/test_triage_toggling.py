"""Obsidian Tasks' own toggling scenarios (its sample vault's ``Manual Testing/Task Toggling Scenarios``):
``done`` edits only the task's line (or removes it for 🏁 delete) and ``undo`` gives the exact bytes back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import SAMPLE_VAULT, copy_tree

from tasktrack.parse.grammar import parse_line
from tasktrack.workspace import Workspace
from tasktrack.write.triage import Triage

SCENARIOS = SAMPLE_VAULT / "Manual Testing" / "Task Toggling Scenarios"
NOTES = sorted(p.name for p in SCENARIOS.glob("*.md"))

pytestmark = pytest.mark.usefixtures("fixed_today")


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = copy_tree(SCENARIOS, tmp_path / "vault")
    (root / ".obsidian").mkdir()
    return root


def tasks_of(ws: Workspace, name: str) -> list[tuple[str, int, str]]:
    rows = ws.store.db.execute(
        "SELECT t.id, t.line, t.raw FROM tasks t JOIN notes n ON n.id = t.note_id WHERE n.path = ? ORDER BY t.line",
        (name,),
    ).fetchall()
    return [(r["id"], r["line"], r["raw"]) for r in rows]


@pytest.mark.parametrize("name", NOTES)
def test_done_then_undo_every_task(vault: Path, name: str) -> None:
    note = vault / name
    original = note.read_bytes()
    ws = Workspace.open(str(vault))
    try:
        ws.sync()
        found = tasks_of(ws, name)
        assert found, f"{name} has tasks"
        for task_id, line, raw in found:
            Triage(ws).run("done", [task_id])
            before, now = original.split(b"\n"), note.read_bytes().split(b"\n")
            old = parse_line(raw)
            assert old is not None
            if old.on_completion == "delete":
                assert now == before[: line - 1] + before[line:]
            else:
                assert now[: line - 1] == before[: line - 1] and now[line:] == before[line:]
                edited = parse_line(now[line - 1].decode("utf-8"))
                assert edited is not None
                assert (edited.symbol, edited.dates.get("done")) == ("x", "2026-11-22")
                assert (edited.prefix, edited.marker, edited.description, edited.tags, edited.block_id) == (
                    old.prefix, old.marker, old.description, old.tags, old.block_id)
                assert now[line - 1].decode("utf-8") == raw.replace("[ ]", "[x]", 1).replace(
                    f" ^{old.block_id}", "") + " ✅ 2026-11-22" + (f" ^{old.block_id}" if old.block_id else "")
            Triage(ws).undo()
            assert note.read_bytes() == original
    finally:
        ws.close()


@pytest.mark.parametrize(
    ("name", "description", "line"),
    [
        ("Reading Mode line numbers in callouts.md", "#task Section 1: Task 3 - in callout", 23),
        ("Reading Mode line numbers in callouts.md", "#task Section 1: Task 4 - in callout", 24),
        ("Reading Mode line numbers in blockquotes.md", "#task Section 1: Task 3 - in blockquote", 21),
        ("Reading Mode line numbers in blockquotes.md", "#task Section 1: Task 4 - in blockquote", 22),
        ("1680 - Reading Mode line numbers not updated on editing.md", "#task Section 2/Task 1", 58),
    ],
)
def test_quoted_tasks_edit_the_right_line(vault: Path, run_cli: Callable[..., object], name: str,
                                          description: str, line: int) -> None:
    note = vault / name
    original = note.read_bytes().split(b"\n")
    ws = Workspace.open(str(vault))
    try:
        ws.sync()
        (task_id, found_line, raw), = [t for t in tasks_of(ws, name) if t[2].endswith(description)]
        assert found_line == line
        Triage(ws).run("done", [task_id])
    finally:
        ws.close()
    now = note.read_bytes().split(b"\n")
    expected = raw.replace("[ ]", "[x]", 1) + " ✅ 2026-11-22"
    assert now == [*original[: line - 1], expected.encode(), *original[line:]]


def test_blank_lines_added_above_before_the_toggle(vault: Path) -> None:
    """The 1680 scenario: lines are added above after the scan; the task is still found and toggled."""
    name = "1680 - Reading Mode line numbers not updated on editing.md"
    note = vault / name
    original = note.read_bytes()
    ws = Workspace.open(str(vault))
    try:
        ws.sync()
        (task_id, line, raw), = [t for t in tasks_of(ws, name) if t[2].endswith("Section 2/Task 1")]
        lines = original.split(b"\n")
        marker = next(i for i, text in enumerate(lines) if text.startswith(b"In step 2"))
        note.write_bytes(b"\n".join([*lines[: marker + 1], b"", b"", b"", b"", b"", *lines[marker + 1:]]))
        changes = Triage(ws).run("done", [task_id])
    finally:
        ws.close()
    assert changes[0].line == line + 5
    now = note.read_bytes().split(b"\n")
    assert now[line + 4] == (raw.replace("[ ]", "[x]", 1) + " ✅ 2026-11-22").encode()
    assert sum(1 for text in now if b"[x]" in text) == 1
