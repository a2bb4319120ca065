"""The task detector against Obsidian itself: its real ``metadataCache.listItems`` for the Tasks test notes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import ORACLE

from tasktrack.model import Note
from tasktrack.parse.grammar import parse_line
from tasktrack.parse.scanner import scan_text, split_lines
from tasktrack.parse.statuses import StatusMap
from tasktrack.parse.structure import frontmatter_end, list_items

CASES = sorted(ORACLE.glob("*.json"))


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data.get("cachedMetadata"), dict) or "fileContents" not in data:
        pytest.skip(f"{path.name} holds no cachedMetadata")
    return data


def obsidian_items(data: dict[str, Any]) -> tuple[dict[int, str], dict[int, int | None]]:
    """Obsidian's verdict, one entry per line: the task character of the line (if any item on it has one),
    and the parent line of the first item that starts on it (``None`` for a root item)."""
    tasks: dict[int, str] = {}
    parents: dict[int, int | None] = {}
    for item in data["cachedMetadata"].get("listItems", []):
        line = item["position"]["start"]["line"]
        if "task" in item:
            tasks.setdefault(line, item["task"])
        parents.setdefault(line, item["parent"] if item["parent"] >= 0 else None)
    return tasks, parents


def task_parents(tasks: dict[int, str], parents: dict[int, int | None]) -> dict[int, int | None]:
    """For each task line, the nearest enclosing item that is itself a task."""
    found: dict[int, int | None] = {}
    for line in tasks:
        parent = parents.get(line)
        while parent is not None and parent not in tasks:
            parent = parents.get(parent)
        found[line] = parent
    return found


def test_the_oracle_is_complete() -> None:
    assert len(CASES) == 89
    items = [i for p in CASES for i in json.loads(p.read_text(encoding="utf-8"))["cachedMetadata"].get("listItems", [])]
    assert len(items) == 256
    assert sum("task" in i for i in items) == 221


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_list_items_and_task_lines_match_obsidian(path: Path) -> None:
    data = _load(path)
    expected_tasks, expected_parents = obsidian_items(data)
    lines = split_lines(data["fileContents"])
    ours_parents: dict[int, int | None] = {}
    ours_tasks: dict[int, str] = {}
    for item in list_items(lines, frontmatter_end(lines)):
        ours_parents[item.line] = item.parent
        parsed = parse_line(lines[item.line])
        if parsed is not None:
            ours_tasks[item.line] = parsed.symbol
    assert ours_tasks == expected_tasks
    assert ours_parents == expected_parents


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_scanner_tasks_and_parents_match_obsidian(path: Path) -> None:
    data = _load(path)
    expected_tasks, expected_parents = obsidian_items(data)
    note = Note(path=data["filePath"], size=0, mtime_ns=0, title=Path(data["filePath"]).stem)
    scan_text(note, data["fileContents"], StatusMap())
    assert {t.line - 1: t.symbol for t in note.tasks} == expected_tasks
    expected = {line + 1: (None if p is None else p + 1) for line, p in
                task_parents(expected_tasks, expected_parents).items()}
    assert {t.line: t.parent_line for t in note.tasks} == expected
