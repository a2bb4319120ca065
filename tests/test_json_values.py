"""``query.json_values``: each task's ``--json`` object as Python values, exactly what ``Task.to_json`` gives
(keys in order, values), for every task of a vault, whatever its status and note."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tasktrack.config import Config
from tasktrack.store import query
from tasktrack.workspace import Filters, Workspace

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "vault"


def test_json_values_are_the_task_objects(tmp_path: Path) -> None:
    ws = Workspace.open(str(FIXTURE), str(tmp_path / "store.sqlite"), config=Config())
    ws.sync()
    every = Filters(statuses=[], sort="path")
    expected = [list(task.to_json().items()) for task in ws.tasks(every)]
    assert len(expected) > 20
    assert [list(values.items()) for values in query.json_values(ws.store.db, every)] == expected
    ws.close()


def test_each_task_has_its_notes_properties_even_odd_numbers(make_vault: Callable[..., Path], tmp_path: Path) -> None:
    vault = make_vault({"A.md": "---\nparticipants: [Dana]\nx: .nan\ny: 1.5\n---\n- [ ] one @Dana\n- [x] two #t\n"})
    ws = Workspace.open(str(vault), str(tmp_path / "store.sqlite"), config=Config())
    ws.sync()
    one, two = query.json_values(ws.store.db, Filters(statuses=[], sort="path"))
    assert (one["description"], one["owners"], two["status"], two["tags"]) == ("one", ["Dana"], "done", ["#t"])
    assert repr(one["properties"]) == repr(two["properties"]) == "{'participants': ['Dana'], 'x': '.nan', 'y': 1.5}"
    ws.close()
