"""``tasks query``: dependencies (🆔 / ⛔ and their Dataview fields), the sorts and groups of Obsidian Tasks with
the group names it shows, presets and layout instructions (today is 2026-11-22, a Sunday)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

NOTE = """# Deps
- [ ] Write the spec 🆔 spec1 📅 2026-11-24 #b #a
- [ ] Build it ⛔ spec1 ⏫ ⏳ 2026-11-23
- [x] Old step 🆔 old ✅ 2026-11-01
- [ ] Ship it [dependsOn:: old, spec1] [id:: ship] 🔁 every week
- [ ] Waits for done ⛔ old 🔽
"""


@pytest.fixture
def q(make_vault: Callable[..., Path], run_cli: Callable[..., Any], fixed_today: str) -> Callable[[str], Any]:
    vault = make_vault({"Deps.md": NOTE})

    def run(text: str) -> Any:
        result = run_cli("--vault", vault, "query", text, "--json")
        assert (result.code, result.err) == (0, ""), result.err
        return result.json()

    return run


def names(found: Any) -> list[str]:
    return [t["description"] for t in found]


@pytest.mark.parametrize(("text", "expected"), [
    ("has id", ["Write the spec", "Old step", "Ship it"]),
    ("no id", ["Build it", "Waits for done"]),
    ("id includes SPEC", ["Write the spec"]),
    ("has depends on", ["Build it", "Ship it", "Waits for done"]),
    ("no depends on", ["Write the spec", "Old step"]),
    ("is blocked", ["Build it", "Ship it"]),
    ("is not blocked", ["Write the spec", "Old step", "Waits for done"]),
    ("is blocking", ["Write the spec"]),
    ("is not blocking", ["Build it", "Old step", "Ship it", "Waits for done"]),
])
def test_dependency_filters(q: Callable[[str], Any], text: str, expected: list[str]) -> None:
    assert sorted(names(q(text + "\nsort by path"))) == sorted(expected)


@pytest.mark.parametrize(("group", "expected"), [
    ("due", ["2026-11-24 Tuesday", "No due date"]),
    ("scheduled reverse", ["No scheduled date", "2026-11-23 Monday"]),
    ("happens", ["2026-11-23 Monday", "2026-11-24 Tuesday", "No happens date"]),
    ("done", ["2026-11-01 Sunday", "No done date"]),
    ("priority", ["High priority", "Normal priority", "Low priority"]),
    ("tags", ["#a", "#b", "(No tags)"]),
    ("id", ["", "old", "ship", "spec1"]),
    ("recurrence", ["every week", "None"]),
    ("status.name", ["done", "open"]),
    ("urgency", ["9.84", "6.00", "1.95", "0.00"]),
])
def test_group_names_are_those_of_obsidian_tasks(q: Callable[[str], Any], group: str, expected: list[str]) -> None:
    assert [g["group"] for g in q(f"group by {group}")] == expected


def test_sorts(q: Callable[[str], Any]) -> None:
    assert names(q("sort by id")) == ["Build it", "Waits for done", "Old step", "Ship it", "Write the spec"]
    assert names(q("sort by recurring\nlimit 1")) == ["Ship it"]
    assert names(q("sort by tag\nlimit 1")) == ["Write the spec"]
    assert names(q("sort by tag reverse"))[-1] == "Write the spec"
    assert names(q("sort by tag 2\nlimit 1")) == ["Write the spec"]
    assert names(q("sort by status.name\nlimit 1")) == ["Old step"]
    shuffled = names(q("sort by random"))
    assert sorted(shuffled) == sorted(names(q("sort by path"))) and shuffled == names(q("sort by random"))


def test_presets_and_layout_are_read(q: Callable[[str], Any]) -> None:
    assert sorted(names(q("preset hide_everything\nfull\nhide tree\nshort mode\nhas id"))) \
        == ["Old step", "Ship it", "Write the spec"]


def test_dependency_fields_round_trip(make_vault: Callable[..., Path], run_cli: Callable[..., Any]) -> None:
    from tasktrack.parse.grammar import parse_line

    vault = make_vault({"Deps.md": NOTE})
    run_cli("--vault", vault, "scan")
    from tasktrack.workspace import Filters, Workspace

    ws = Workspace.open(str(vault))
    found = {t.description: (t.task_id, t.depends_on) for t in ws.tasks(Filters(statuses=[]))}
    ws.close()
    assert found["Ship it"] == ("ship", ("old", "spec1"))
    assert found["Build it"] == (None, ("spec1",))
    line = NOTE.splitlines()[4]
    parsed = parse_line(line)
    assert parsed is not None and "".join(parsed.segment_text(s) for s in parsed.segments) == line
