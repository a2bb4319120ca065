"""``tasks query`` where it answered otherwise than Obsidian Tasks: each case names the plugin's source or test
that gives its answer (today is 2026-11-22, a Sunday)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

NOTE = """- [ ] top no heading 📅 2026-11-30
# Plan
- [ ] dated 📅 2026-11-24
- [ ] bad due 📅 2026-02-30
- [ ] no due
- [ ] starts bad 🛫 2026-02-30
- [ ] starts later 🛫 2026-12-10
"""

FILTERS = [
    # src/Query/Filter/DateField.ts: `has due date` is a due date that is not null, a written invalid one too
    ("has due date", {"top no heading", "dated", "bad due"}),
    # ... and `no due date` is no due date written at all
    ("no due date", {"no due", "starts bad", "starts later"}),
    # src/Query/Filter/StartDateField.ts: only a missing start date counts as started; an invalid one is no date
    # before anything (DateField.ts: `date.isBefore(…)` of an invalid date is false)
    ("starts before 2026-12-01", {"top no heading", "dated", "bad due", "no due"}),
]


@pytest.fixture
def query(make_vault: Callable[..., Path], run_cli: Callable[..., Any],
          fixed_today: str) -> Callable[..., Any]:
    """``query(text)`` -> the ``tasks query --json`` answer on the vault of ``NOTE`` (or of ``notes``)."""

    vaults: dict[str, Path] = {}

    def run(text: str, notes: dict[str, str] | None = None) -> Any:
        written = notes or {"Work/A.md": NOTE}
        if json.dumps(written) not in vaults:
            vaults[json.dumps(written)] = make_vault(written, name="vault")
        vault = vaults[json.dumps(written)]
        result = run_cli("--vault", vault, "query", text, "--json")
        assert (result.code, result.err) == (0, ""), result.err
        return result.json()

    return run


@pytest.mark.parametrize(("text", "expected"), FILTERS)
def test_filters_read_invalid_dates_as_the_plugin(query: Callable[..., Any], text: str, expected: set[str]) -> None:
    assert {t["description"] for t in query(text)} == expected


def test_sort_by_a_date_puts_invalid_dates_first(query: Callable[..., Any]) -> None:
    # tests/DateTime/DateTools.test.ts: invalid dates sort before valid ones, and valid ones before no date
    assert [t["description"] for t in query("sort by due")][:3] == ["bad due", "dated", "top no heading"]
    assert [t["description"] for t in query("sort by due reverse")][-3:] == ["top no heading", "dated", "bad due"]


def test_group_by_heading_names_the_tasks_without_one_as_the_plugin(query: Callable[..., Any]) -> None:
    # tests/Query/Filter/HeadingField.test.ts: a task under no heading is in the group `(No heading)`, and the
    # groups are in the order of their names (src/Query/Group/TaskGroups.ts)
    groups = query("group by heading")
    assert [(g["group"], [t["description"] for t in g["tasks"]]) for g in groups] == [
        ("(No heading)", ["top no heading"]),
        ("Plan", ["dated", "bad due", "no due", "starts bad", "starts later"])]


def test_lines_without_the_global_filter_are_no_tasks(query: Callable[..., Any]) -> None:
    # tests/Task/Task.test.ts 'task parsing VS global filter': a line without the global filter is no task
    notes = {".obsidian/plugins/obsidian-tasks-plugin/data.json": json.dumps({"globalFilter": "#task"}),
             "A.md": "- [ ] one #task\n- [ ] plain checklist item\n- [x] done #task ✅ 2026-11-20\n"}
    assert [t["description"] for t in query("not done", notes)] == ["one"]
    assert [t["description"] for t in query("done", notes)] == ["done"]
    assert [t["description"] for t in query("description includes item", notes)] == []



def test_the_global_query_comes_before_each_query_unless_it_is_ignored(run_cli: Callable[..., Any],
                                                                        make_vault: Callable[..., Path]) -> None:
    # src/Query/QueryRendererHelper.ts: globalQuery.query().append(tasksBlockQuery), unless the block says
    # `ignore global query` (src/Query/Query.ts), which the global query itself cannot say (GlobalQuery.ts)
    settings = {"globalQuery": "path includes Work\nignore global query"}
    vault = make_vault({".obsidian/plugins/obsidian-tasks-plugin/data.json": json.dumps(settings),
                        "Work/A.md": "- [ ] at work 📅 2026-11-24\n", "Home/B.md": "- [ ] at home 📅 2026-11-23\n"})

    def described(text: str) -> list[str]:
        return [t["description"] for t in run_cli("--vault", vault, "query", text, "--json").json()]

    assert described("not done") == ["at work"]
    assert described("not done\nIGNORE GLOBAL QUERY") == ["at home", "at work"]
    explained = run_cli("--vault", vault, "query", "not done\nexplain")
    assert (explained.code, explained.err) == (0, "")
    assert "global query line 1: path includes Work  =>  " in explained.out
