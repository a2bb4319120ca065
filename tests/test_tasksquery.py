"""``tasks query``: the Obsidian Tasks query language and the Dataview TASK subset, on a small vault (today is
2026-11-22, a Sunday)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

ALPHA = """---
account: Contoso
tags: [project]
---
# Plan
- [ ] Alpha due soon ⏫ 📅 2026-11-24 #work @Myself
- [/] Alpha in progress 📅 2026-11-10 #work/deep
- [x] Alpha finished ✅ 2026-11-20 📅 2026-11-19
- [-] Alpha dropped ❌ 2026-11-18
- [ ] Alpha starts later 🛫 2026-12-10 📅 2026-12-20
- [ ] Alpha repeats 🔁 every week ⏳ 2026-11-21
## Notes
- [ ] Alpha no dates 🔽
"""

BETA = """# Beta
- [ ] Beta lowest ⏬ ➕ 2026-11-01
- [ ] Beta scheduled ⏳ 2026-12-01 #home
- [ ] Beta highest 🔺 @Jeff
- [ ] Beta bad date 📅 2026-02-30
"""

TOP = "- [ ] Top task 📅 2027-01-05\n"

NOT_DONE_DEFAULT_ORDER = [
    "Alpha in progress", "Alpha due soon", "Beta highest", "Alpha repeats", "Top task", "Beta bad date",
    "Beta scheduled", "Alpha starts later", "Alpha no dates", "Beta lowest",
]


@pytest.fixture
def vault(make_vault: Callable[..., Path], fixed_today: str) -> Path:
    return make_vault({"Work/Alpha.md": ALPHA, "Home/Beta.md": BETA, "Top.md": TOP})


@pytest.fixture
def q(vault: Path, run_cli: Callable[..., Any]) -> Callable[[str], list[str]]:
    """``q("not done")`` -> the descriptions ``tasks query --json`` returns, in order."""

    def run(text: str) -> list[str]:
        result = run_cli("--vault", vault, "query", text, "--json")
        assert (result.code, result.err) == (0, ""), result.err
        return [t["description"] for t in result.json()]

    return run


FILTERS = [
    ("done", {"Alpha finished", "Alpha dropped"}),
    ("status.type is IN_PROGRESS", {"Alpha in progress"}),
    ("status.type is CANCELLED", {"Alpha dropped"}),
    ("status.name includes progress", {"Alpha in progress"}),
    ("due before 2026-11-22", {"Alpha in progress", "Alpha finished"}),
    ("due on or after 2026-11-24", {"Alpha due soon", "Alpha starts later", "Top task"}),
    ("due 2026-11-24", {"Alpha due soon"}),
    ("due in next week", {"Alpha due soon"}),
    ("due in 2026-W47", {"Alpha finished"}),
    ("due in 2026-12", {"Alpha starts later"}),
    ("due in 2027-Q1", {"Top task"}),
    ("due in 2027", {"Top task"}),
    ("due in 2026-11-19 2026-11-24", {"Alpha finished", "Alpha due soon"}),
    ("due after this month", {"Alpha starts later", "Top task"}),
    ("done on 2026-11-20", {"Alpha finished"}),
    ("cancelled before tomorrow", {"Alpha dropped"}),
    ("created in this month", {"Beta lowest"}),
    ("scheduled after today", {"Beta scheduled"}),
    ("has scheduled date", {"Alpha repeats", "Beta scheduled"}),
    ("due date is invalid", {"Beta bad date"}),
    ("priority is above medium", {"Alpha due soon", "Beta highest"}),
    ("priority is below none", {"Alpha no dates", "Beta lowest"}),
    ("priority is high", {"Alpha due soon"}),
    ("is recurring", {"Alpha repeats"}),
    ("recurrence includes WEEK", {"Alpha repeats"}),
    ("description includes BETA H", {"Beta highest"}),
    ("description regex matches /^Alpha d/", {"Alpha due soon", "Alpha dropped"}),
    ("description regex matches /^alpha d/", set()),
    ("description regex matches /^alpha d/i", {"Alpha due soon", "Alpha dropped"}),
    ("path includes home/", {"Beta lowest", "Beta scheduled", "Beta highest", "Beta bad date"}),
    ("root includes /", {"Top task"} | {"Beta lowest", "Beta scheduled", "Beta highest", "Beta bad date"}
     | {"Alpha due soon", "Alpha in progress", "Alpha finished", "Alpha dropped", "Alpha starts later",
        "Alpha repeats", "Alpha no dates"}),
    ("folder regex does not match /Work|Home/", {"Top task"}),
    ("filename includes top.md", {"Top task"}),
    ("heading includes notes", {"Alpha no dates"}),
    ("tags include work", {"Alpha due soon", "Alpha in progress"}),
    ("tags include #home", {"Beta scheduled"}),
    ("tags do not include work", {"Alpha finished", "Alpha dropped", "Alpha starts later", "Alpha repeats",
                                  "Alpha no dates", "Beta lowest", "Beta scheduled", "Beta highest",
                                  "Beta bad date", "Top task"}),
    ("tags regex matches /deep$/", {"Alpha in progress"}),
    ("owner is me", {"Alpha due soon"}),
    ("owner includes je", {"Beta highest"}),
    ("property account is contoso", {"Alpha due soon", "Alpha in progress", "Alpha finished", "Alpha dropped",
                                     "Alpha starts later", "Alpha repeats", "Alpha no dates"}),
]


@pytest.mark.parametrize(("text", "expected"), FILTERS)
def test_filter(q: Callable[[str], list[str]], text: str, expected: set[str]) -> None:
    assert set(q(text)) == expected


def test_starts_also_matches_tasks_without_a_start_date(q: Callable[[str], list[str]]) -> None:
    assert q("not done\nstarts after 2026-12-31") == [d for d in NOT_DONE_DEFAULT_ORDER if d != "Alpha starts later"]
    assert q("starts after 2026-12-01\nhas start date") == ["Alpha starts later"]


def test_happens_is_any_of_start_scheduled_and_due(q: Callable[[str], list[str]]) -> None:
    assert set(q("happens in 2026-12")) == {"Alpha starts later", "Beta scheduled"}
    assert set(q("happens on 2026-11-21")) == {"Alpha repeats"}
    assert set(q("no happens date\nnot done")) == {"Alpha no dates", "Beta lowest", "Beta highest"}


@pytest.mark.parametrize(("text", "expected"), [
    ("(is recurring) OR (priority is highest) AND (tags include work)", {"Alpha repeats"}),
    ("((is recurring) OR (priority is highest)) AND (path includes beta)", {"Beta highest"}),
    ("NOT (done) AND NOT (path includes Work)", {"Beta lowest", "Beta scheduled", "Beta highest",
                                                 "Beta bad date", "Top task"}),
    ("[priority is high] XOR [tags include work]", {"Alpha in progress"}),
    ("(tags include work) AND NOT (done) XOR (is recurring)", {"Alpha due soon", "Alpha in progress"}),
    ('"done" OR NOT "due before 2027-01-01"', {"Alpha finished", "Alpha dropped", "Top task", "Alpha repeats",
                                               "Alpha no dates", "Beta lowest", "Beta scheduled", "Beta highest",
                                               "Beta bad date"}),
    ("(description includes (x)) OR (done)", {"Alpha finished", "Alpha dropped"}),
])
def test_boolean_combinations(q: Callable[[str], list[str]], text: str, expected: set[str]) -> None:
    assert set(q(text)) == expected


def test_default_sort_is_status_type_urgency_due_priority_path(q: Callable[[str], list[str]]) -> None:
    assert q("not done") == NOT_DONE_DEFAULT_ORDER


def test_sort_keys_invalid_dates_first_missing_dates_last_and_reverse(q: Callable[[str], list[str]]) -> None:
    assert q("not done\nsort by due") == [
        "Beta bad date", "Alpha in progress", "Alpha due soon", "Alpha starts later", "Top task", "Beta highest",
        "Alpha repeats", "Beta scheduled", "Alpha no dates", "Beta lowest"]
    assert q("has due date\nsort by due reverse\nlimit to 2 tasks") == ["Top task", "Alpha starts later"]
    assert q("not done\nsort by priority\nsort by description reverse\nlimit 3") == [
        "Beta highest", "Alpha due soon", "Top task"]
    assert q("path includes beta\nsort by filename\nsort by created") == [
        "Beta lowest", "Beta highest", "Beta bad date", "Beta scheduled"]


def test_comments_continuations_and_explain(vault: Path, run_cli: Callable[..., Any]) -> None:
    text = "# only mine\nnot done \\\n\n(owner is me) OR \\\n  (priority is lowest)\nexplain\n"
    result = run_cli("--vault", vault, "query", text)
    assert result.code == 0, result.err
    assert result.out_lines[:2] == [
        "line 2: not done  =>  not done (status type TODO, IN_PROGRESS or ON_HOLD)",
        "line 4: (owner is me) OR (priority is lowest)  =>  "
        "(owner is me (Myself) (a tasktrack filter)) OR (priority is lowest)",
    ]
    assert [line.split()[-2:] for line in result.out_lines[4:]] == [["due", "soon"], ["Beta", "lowest"]]


def test_group_by_and_limit_groups(vault: Path, run_cli: Callable[..., Any]) -> None:
    result = run_cli("--vault", vault, "query", "group by status.type\nlimit groups to 1", "--json")
    assert result.code == 0, result.err
    assert [(g["group"], [t["description"] for t in g["tasks"]]) for g in result.json()] == [
        ("IN_PROGRESS", ["Alpha in progress"]), ("TODO", ["Alpha due soon"]), ("DONE", ["Alpha finished"]),
        ("CANCELLED", ["Alpha dropped"])]
    result = run_cli("--vault", vault, "query", "tags include work\ngroup by root reverse", "--json")
    assert [g["group"] for g in result.json()] == ["Work/"]
    result = run_cli("--vault", vault, "query", "not done\ngroup by recurring", "--json")
    assert [(g["group"], len(g["tasks"])) for g in result.json()] == [("Not Recurring", 9), ("Recurring", 1)]


def test_a_second_group_by_groups_within_the_first(vault: Path, run_cli: Callable[..., Any]) -> None:
    result = run_cli("--vault", vault, "query", "not done\ngroup by root\ngroup by priority\nlimit groups 1", "--json")
    assert result.code == 0, result.err
    assert [(g["group"], [t["description"] for t in g["tasks"]]) for g in result.json()] == [
        ("/ › Normal priority", ["Top task"]),
        ("Home/ › Highest priority", ["Beta highest"]), ("Home/ › Normal priority", ["Beta bad date"]),
        ("Home/ › Lowest priority", ["Beta lowest"]),
        ("Work/ › High priority", ["Alpha due soon"]), ("Work/ › Normal priority", ["Alpha in progress"]),
        ("Work/ › Low priority", ["Alpha no dates"])]


def test_json_has_the_keys_of_list(vault: Path, run_cli: Callable[..., Any]) -> None:
    listed = run_cli("--vault", vault, "list", "--json", "--text", "Top task").json()
    assert run_cli("--vault", vault, "query", "description includes top task", "--json").json() == listed


@pytest.mark.parametrize(("text", "message"), [
    ("not done\nfilter by function task.due", "line 2: `filter by function task.due`: JavaScript"),
    ("not done\n\nsort by colour", "line 3: `sort by colour`: tasktrack sorts by status, status.type,"),
    ("due before someday", "line 1: `due before someday`: 'someday' is not a date"),
    ("description regex matches /(/", "line 1: `description regex matches /(/`: '/(/' is not a regular"),
    ("(done) AND (frobnicate)", "line 1: `(done) AND (frobnicate)`: not an instruction tasktrack understands"),
    ("TASK\nWHERE contains(text, \"x\")", "line 2: `WHERE contains(text, \"x\")`: cannot read"),
    ("TASK\nGROUP BY file.link", "line 2: `GROUP BY`: tasktrack runs TASK, FROM, WHERE, SORT and LIMIT"),
])
def test_refused_with_one_line_naming_the_line(vault: Path, run_cli: Callable[..., Any], text: str,
                                               message: str) -> None:
    result = run_cli("--vault", vault, "query", text)
    assert result.code == 2 and result.out == ""
    assert result.err.startswith(f"tasks: {message}") and result.err.count("\n") == 1, result.err


DATAVIEW = [
    ('TASK FROM "Home" WHERE !completed SORT due ASC',
     ["Beta lowest", "Beta scheduled", "Beta highest", "Beta bad date"]),
    ('TASK\nFROM "Work"\nWHERE !completed\nSORT due ASC',
     ["Alpha dropped", "Alpha repeats", "Alpha no dates", "Alpha in progress", "Alpha due soon",
      "Alpha starts later"]),
    ('TASK FROM "Work" WHERE due AND due < date(today) SORT due DESC', ["Alpha finished", "Alpha in progress"]),
    ('TASK WHERE checked AND !completed', ["Alpha in progress", "Alpha dropped"]),
    ('TASK FROM #home', ["Beta scheduled"]),
    ('TASK FROM #project WHERE status = "x" OR status = "-"', ["Alpha finished", "Alpha dropped"]),
    ('TASK WHERE completed OR (scheduled >= date(2026-12-01))\nLIMIT 1', ["Beta scheduled"]),
]


@pytest.mark.parametrize(("text", "expected"), DATAVIEW)
def test_dataview_task_subset(q: Callable[[str], list[str]], text: str, expected: list[str]) -> None:
    assert q(text) == expected


NOTE = """# Dashboard
```tasks
not done
tags include work
```
Text
```dataview
TABLE file.name
```
~~~dataview
TASK FROM "Home" WHERE completed
~~~
```tasks
due before today
filter by function task.due
```
"""


def test_note_blocks_each_under_a_heading(vault: Path, run_cli: Callable[..., Any]) -> None:
    (vault / "Dashboard.md").write_text(NOTE, encoding="utf-8")
    result = run_cli("--vault", vault, "query", "--note", "Dashboard")
    assert result.code == 2
    assert result.err == ("tasks: Dashboard.md: line 15: `filter by function task.due`: JavaScript (`… by "
                          "function`) is not run by tasktrack\n")
    headings = [line for line in result.out_lines if line.startswith("## ")]
    assert headings == ["## Dashboard.md:2 (tasks)", "## Dashboard.md:10 (dataview)"]
    assert "Alpha in progress" in result.out and "Beta" not in result.out
    data = run_cli("--vault", vault, "query", "--note", "Dashboard.md", "--json").json()
    assert [(b["block"], [t["description"] for t in b.get("result", [])]) for b in data] == [
        ("Dashboard.md:2", ["Alpha in progress", "Alpha due soon"]), ("Dashboard.md:10", []),
        ("Dashboard.md:13", [])]
    assert data[2]["error"].startswith("line 15:")


def test_query_from_a_file(vault: Path, tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    query = tmp_path / "q.txt"
    query.write_text("priority is highest\n", encoding="utf-8")
    result = run_cli("--vault", vault, "query", "--file", query, "--json")
    assert [t["description"] for t in result.json()] == ["Beta highest"]
    missing = run_cli("--vault", vault, "query", "--file", tmp_path / "nope.txt")
    assert missing.code == 2 and missing.err.startswith("tasks: cannot read the query file")


def test_placeholders_of_the_note_path(vault: Path, run_cli: Callable[..., Any]) -> None:
    (vault / "Home" / "Board.md").write_text("```tasks\npath includes {{query.file.folder}}\n```\n", encoding="utf-8")
    data = run_cli("--vault", vault, "query", "--note", "Home/Board.md", "--json").json()
    assert [t["description"] for t in data[0]["result"]] == ["Beta highest", "Beta bad date", "Beta scheduled",
                                                             "Beta lowest"]
    refused = run_cli("--vault", vault, "query", "path includes {{query.file.folder}}")
    assert refused.code == 2 and refused.err.startswith("tasks: line 1: `path includes {{query.file.folder}}`: ")


def test_every_tasks_block_of_the_sample_vault_is_read_or_refused_naming_its_line() -> None:
    from tasktrack.errors import UsageError
    from tasktrack.tasksquery.blocks import query_blocks
    from tasktrack.tasksquery.filters import Context
    from tasktrack.tasksquery.language import parse_query

    root = Path(__file__).resolve().parents[1] / "fixtures" / "obsidian-tasks-sample-vault"
    read = refused = 0
    for note in sorted(root.rglob("*.md")):
        lines = note.read_text(encoding="utf-8").splitlines()
        for block in (b for b in query_blocks(lines) if b.language == "tasks"):
            try:
                parse_query(block.text, Context(date(2026, 11, 22), dependencies=lambda: (frozenset(), frozenset())),
                            block.line, note.relative_to(root).as_posix())
                read += 1
            except UsageError as exc:
                refused += 1
                m = re.match(r"line (\d+): `(.+?)`: \S", str(exc))
                assert m is not None and "\n" not in str(exc), str(exc)
                assert block.line <= int(m.group(1)) < block.line + len(block.text.splitlines()) + 1
                assert m.group(2).split()[0] in " ".join(lines[int(m.group(1)) - 1 :])
    assert (read, refused) == (146, 117)
