"""The whole Obsidian Tasks sample vault (a copy of it): scanned without errors, a sample checked field by field."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from tasktrack.cli.main import main

IMPOSSIBLE = "impossible date"


@pytest.fixture
def sample(sample_vault: Path, tmp_path: Path) -> tuple[Path, Path]:
    return sample_vault, tmp_path / "sample.sqlite"


@pytest.fixture(scope="module")
def listed(sample_vault: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int], dict[str, Any]]:
    """``tasks list --all --json`` of the whole sample vault, run once for this module."""
    home = tmp_path_factory.mktemp("sample-home")
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as m:
        m.setenv("TASKTRACK_CONFIG", str(home / "config.toml"))
        m.setenv("XDG_DATA_HOME", str(home))
        m.delenv("TASKTRACK_TODAY", raising=False)
        with redirect_stdout(out), redirect_stderr(err):
            code = main(["--vault", str(sample_vault), "--db", str(home / "s.sqlite"), "list", "--all", "--json"])
    assert (code, err.getvalue()) == (0, "")
    return {(t["path"], t["line"]): t for t in json.loads(out.getvalue())}


def test_scan_whole_sample_vault(sample: tuple[Path, Path], run_cli: Callable[..., Any],
                                 digest: Callable[[Path], Any]) -> None:
    vault, db = sample
    before = digest(vault)
    result = run_cli("--vault", vault, "--db", db, "scan")
    assert result.code == 0
    assert result.err == ""
    notes = sum(1 for _ in vault.rglob("*.md"))
    lines = result.out_lines
    assert lines[2] == f"notes  {notes} ({notes} read now, 0 gone)"
    assert lines[3] == "tasks  968"
    assert lines[4:9] == [
        "  proposed         10",
        "  open            839",
        "  in_progress      18",
        "  done             82",
        "  cancelled        19",
    ]
    assert lines[9] == "warnings  22"
    warnings = lines[10:]
    assert len(warnings) == 22
    assert all(IMPOSSIBLE in w for w in warnings)
    assert "  Manual Testing/Invalid Dates.md:23: due: impossible date '2022-02-29' (kept as written)" in warnings
    assert digest(vault) == before
    again = run_cli("--vault", vault, "--db", db, "scan")
    assert again.out_lines[2] == f"notes  {notes} (0 read now, 0 gone)"


def base(path: str, line: int, **changes: Any) -> dict[str, Any]:
    task: dict[str, Any] = {
        "path": path, "line": line, "status": "open", "symbol": " ", "description": "", "owners": [],
        "priority": "normal", "due": None, "scheduled": None, "start": None, "created": None, "done": None,
        "cancelled": None, "recurrence": None, "tags": ["#task"], "block_id": None, "heading": None,
        "note_title": Path(path).stem, "note_date": None, "inferred_due": None,
    }
    task.update(changes)
    return task


SAMPLE = [
    base("Formats/Dataview Format.md", 57, description="#task Has one of every field except done",
         priority="high", due="2023-04-27", scheduled="2023-04-26", start="2023-04-24", recurrence="every day",
         heading="All Dataview Fields"),
    base("Formats/Dataview Format.md", 58, status="done", symbol="x",
         description="#task Has one of every except recurring", priority="high", due="2023-04-26",
         scheduled="2023-04-25", start="2023-04-23", created="2023-04-26", done="2023-04-26",
         heading="All Dataview Fields"),
    base("Formats/All Formats Parsing.md", 9, status="in_progress", symbol="/",
         description="#task This was dataview", priority="high", due="2023-04-07", scheduled="2023-04-06",
         start="2023-04-05", recurrence="every day", heading="Dataview format"),
    base("Manual Testing/Testing File Formats/Dataview Format - Tasks to Parse.md", 16,
         description="#task B 7 Some task - trailing space - no space after colon - with dataview square brackets",
         due="2021-08-22", heading="2 Dataview Tasks"),
    base("Manual Testing/Frontmatter/Placeholder examples to capture in tests and docs.md", 38,
         description="#task Parent task", priority="medium", due="2023-07-04", scheduled="2023-07-03",
         start="2023-07-02", created="2023-07-01", done="2023-07-05", cancelled="2023-07-06",
         recurrence="every day when done", tags=["#task", "#todo", "#health"], block_id="dcf64c",
         heading="Placeholder examples to capture in tests and docs"),
    base("Manual Testing/QuickAdd Tasks API Demo.md", 42, description="#task Do every day", priority="medium",
         scheduled="2025-07-07", recurrence="every day", heading="Edit Tasks"),
    base("Test Data/callout.md", 5, description="#task Task indented in 'callout'", heading="callout"),
    base("Test Data/callouts_nested_issue_2890_labelled.md", 5, description="#task Correction1"),
    base("Test Data/numbered_list_items_with_paren.md", 3,
         description="#task Task 1 in 'numbered_list_items_with_paren'", heading="numbered_list_items_with_paren"),
    base("Test Data/numbered_list_items_standard.md", 5,
         description="#task Task 2 in 'numbered_list_items_standard'", heading="numbered_list_items_standard"),
    base("Manual Testing/SlrVb's Alternate Checkboxes.md", 33, symbol=">", description="#task `>` Forward",
         heading="One of each task status"),
    base("Manual Testing/SlrVb's Alternate Checkboxes.md", 36, status="proposed", symbol="?",
         description="#task `?` Question", heading="One of each task status"),
    base("Manual Testing/Custom Task Statuses.md", 22, symbol="!", description="#task  I am Important `!`",
         heading="Selection of custom Tasks statuses"),
    base("Manual Testing/Task Toggling Scenarios/Embed Task in to Note.md", 18, description="#task task2b",
         block_id="ca47c7", heading="Category 2"),
    base("Manual Testing/Invalid Dates.md", 23, description="#task Invalid due date",
         heading="Tasks with invalid dates"),
    base("Daily Notes/2025-06-19.md", 25, status="done", symbol="x", description="#task **Done today** on 2025-06-19",
         due="2025-06-19", done="2025-06-19", heading="Sample tasks", note_date="2025-06-19"),
    base("Daily Notes/2025-06-19.md", 23, description="#task **Overdue** on 2025-06-19", priority="highest",
         due="2025-06-18", heading="Sample tasks", note_date="2025-06-19"),
]


@pytest.mark.parametrize("expected", SAMPLE, ids=[f"{t['path']}:{t['line']}" for t in SAMPLE])
def test_sample_task_fields(expected: dict[str, Any], listed: dict[tuple[str, int], dict[str, Any]],
                            sample: tuple[Path, Path]) -> None:
    task = listed[(expected["path"], expected["line"])]
    got = {k: v for k, v in task.items() if k not in ("id", "parent", "properties")}
    assert got == expected
    vault, _db = sample
    source = (vault / expected["path"]).read_text(encoding="utf-8").split("\n")[expected["line"] - 1]
    assert "[" + task["symbol"] + "]" in source


def test_sample_parent_is_the_enclosing_task(listed: dict[tuple[str, int], dict[str, Any]]) -> None:
    child = listed[("Test Data/callout.md", 5)]
    parent = listed[("Test Data/callout.md", 4)]
    assert child["parent"] == parent["id"]
    assert parent["parent"] is None


def test_sample_properties(listed: dict[tuple[str, int], dict[str, Any]]) -> None:
    note = "Manual Testing/Frontmatter/Placeholder examples to capture in tests and docs.md"
    props = listed[(note, 38)]["properties"]
    assert props["TQ_explain"] is False
    assert props["TQ_show_tree"] is True
    assert props["TQ_sort_by"] == ["description"]
    assert props["TQ_extra_instructions"].startswith("# press shift-return to add new lines\n")


def test_sample_zero_width_space_line_is_not_a_task(listed: dict[tuple[str, int], dict[str, Any]],
                                                     sample: tuple[Path, Path]) -> None:
    vault, _db = sample
    lines = (vault / "Test Data" / "zero_width.md").read_text(encoding="utf-8").split("\n")
    found = sorted(line for path, line in listed if path == "Test Data/zero_width.md")
    assert found == [4]
    assert lines[5].startswith("\u200b\t- [ ]")
