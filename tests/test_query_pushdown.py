"""``tasks query`` narrows in SQL what it can, and the answer is the one the filters give alone: for every filter
family, evaluating a query on the store gives the same tasks, in the same order, as testing every task of the
vault in Python. On the user's real notes (``fixtures/edge-vault``) plus a note of text that case folding and
Obsidian Tasks' own description make tricky."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tasktrack.config import Config
from tasktrack.store.query import Filters
from tasktrack.tasksquery import Context, arrange, evaluate, read_query
from tasktrack.workspace import Workspace

TODAY = date(2026, 11, 22)

TRICKY = """---
account: Straße
Team: [Blue, Grün]
---
# Tricky
## Résumé Ünïcode
- [ ] Fix the STRASSE sign 📅 2026-11-23 #Straße @Jürgen
- [ ] Ask about the Kelvin scale ⏫ ⏳ 2026-11-20 🛫 2026-11-30 @Myself #tool/k
- [ ] Trailing tag comes after the date 📅 2026-12-02 #later
- [x] Finished with a global filter #task ✅ 2026-11-21
- [ ] Words then fields #task Review deck 🔼 ➕ 2026-11-01 #deck
- [/] Half done [due:: 2026-11-25] [priority:: high] #work
- [-] Dropped one ❌ 2026-11-19 🔁 every week
- [ ] No fields at all
"""

QUERIES = [
    # status
    "done", "not done", "status.type is TODO", "status.type is not IN_PROGRESS", "status.name includes progress",
    # dates: has/no, on, before, after, ranges, every field, happens, starts
    "has due date", "no due date", "has happens date", "no scheduled date", "has start date", "no created date",
    "due before 2026-11-24", "due after 2026-11-22", "due on 2026-11-23", "due in this week", "due in 2026-11",
    "due on or before today", "due on or after next week", "scheduled before tomorrow", "starts after today",
    "starts before 2026-12-01", "created in 2026", "done on or after 2026-11-01", "cancelled before today",
    "happens in next week", "happens before 2026-11-21", "due in 2026-11-20 2026-11-30",
    # priority
    "priority is high", "priority is above normal", "priority is below medium", "priority is not none",
    # text fields, any case, also where case folding differs from ASCII lower case
    "path includes tricky", "path does not include Daily", "folder includes /", "root includes /",
    "filename includes .MD", "heading includes résumé", "heading includes RÉSUMÉ ÜN",
    "description includes strasse", "description includes straße sign", "description includes #later",
    "description includes date #later", "description includes @jürgen", "description includes review deck",
    "description does not include the", "description regex matches /^fix/i",
    # tags
    "tags include #straße", "tags include STRASSE", "tags include tool/", "tag includes #", "tags include k",
    "has tags", "no tags", "tags do not include task",
    # owners and properties (our extensions), recurrence, inferred dates
    "owner is me", "owner is jürgen", "owner includes ürg", "owner is not Myself",
    "property account is STRASSE", "property team is grün", "property team is blue", "property nothing is x",
    "is recurring", "is not recurring", "has inferred due date",
    # boolean combinations
    "(due before 2026-11-24) AND (tags include task)", "(priority is high) OR (has scheduled date)",
    "NOT (done)", "(path includes tricky) XOR (not done)", "(description includes deck) OR (no tags)",
    # several filters, a sort and a group
    "not done\nhas due date\npath includes a\nsort by priority\ngroup by folder",
]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    import shutil

    root = tmp_path_factory.mktemp("pushdown")
    vault = Path(shutil.copytree(Path(__file__).parent.parent / "fixtures" / "edge-vault", root / "vault"))
    (vault / "Tricky.md").write_text(TRICKY, encoding="utf-8")
    ws = Workspace.open(str(vault), str(root / "store.sqlite"), config=Config())
    ws.sync()
    return ws


@pytest.mark.parametrize("global_filter", ["", "#task"])
@pytest.mark.parametrize("text", QUERIES)
def test_store_and_python_agree(workspace: Workspace, text: str, global_filter: str) -> None:
    query = read_query(text, Context(TODAY, ("Myself",), global_filter))
    every = workspace.tasks(Filters(statuses=[], sort="path"))
    alone = arrange([task for task in every if query.keeps(task)], query)
    pushed = evaluate(workspace, query)
    assert [t.id for t in pushed.tasks] == [t.id for t in alone.tasks]
    assert [(g, [t.id for t in ts]) for g, ts in pushed.groups or []] == \
        [(g, [t.id for t in ts]) for g, ts in alone.groups or []]


def test_the_store_narrows(workspace: Workspace) -> None:
    """The filters that map onto SQL reach the store: it gives only the tasks that pass."""
    every = len(workspace.tasks(Filters(statuses=[], sort="path")))
    query = read_query("heading includes résumé\ndue before 2027-01-01", Context(TODAY, ("Myself",)))
    calls: list[int] = []
    original = workspace.tasks

    def counting(filters: Filters) -> list:  # type: ignore[type-arg]
        found = original(filters)
        calls.append(len(found))
        return found

    workspace.tasks = counting  # type: ignore[method-assign]
    try:
        ids = [t.description for t in evaluate(workspace, query).tasks]
    finally:
        del workspace.tasks
    assert every > 100
    assert calls == [3]
    assert sorted(ids) == ["Fix the STRASSE sign", "Half done", "Trailing tag comes after the date"]


def test_description_as_obsidian_tasks_sees_it(workspace: Workspace) -> None:
    """Tasks keeps trailing tags in the description, and does not see its global filter there."""
    def ids(text: str, global_filter: str = "") -> list[str]:
        return [t.description for t in evaluate(workspace, read_query(text, Context(TODAY, (), global_filter))).tasks]

    assert ids("description includes date #later") == ["Trailing tag comes after the date"]
    assert ids("path includes tricky\ndescription includes #task") == ["Words then fields #task Review deck",
                                                                       "Finished with a global filter"]
    assert ids("path includes tricky\ndescription includes #task", "#task") == []
