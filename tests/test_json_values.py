"""``query.json_objects_by_id``: each task's ``--json`` object as the store builds it, by id: exactly what
``Task.to_json`` gives (keys in order, values), for every task of a vault, whatever its status and note."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tasktrack.config import Config
from tasktrack.store import query
from tasktrack.workspace import Filters, Workspace

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "vault"


def test_the_objects_are_the_task_objects(tmp_path: Path) -> None:
    ws = Workspace.open(str(FIXTURE), str(tmp_path / "store.sqlite"), config=Config())
    ws.sync()
    every = Filters(statuses=[], sort="path")
    expected = {task.id: list(task.to_json().items()) for task in ws.tasks(every)}
    assert len(expected) > 20
    got = query.json_objects_by_id(ws.store.db, every)
    assert {task_id: list(json.loads(text).items()) for task_id, text in got.items()} == expected
    ws.close()


def test_each_task_has_its_notes_properties_even_odd_numbers(make_vault: Callable[..., Path], tmp_path: Path) -> None:
    vault = make_vault({"A.md": "---\nparticipants: [Dana]\nx: .nan\ny: 1.5\n---\n- [ ] one @Dana\n- [x] two #t\n"})
    ws = Workspace.open(str(vault), str(tmp_path / "store.sqlite"), config=Config())
    ws.sync()
    one, two = (json.loads(text) for text in query.json_objects_by_id(ws.store.db, Filters(statuses=[])).values())
    assert (one["description"], one["owners"], two["status"], two["tags"]) == ("one", ["Dana"], "done", ["#t"])
    assert one["properties"] == two["properties"] == {"participants": ["Dana"], "x": ".nan", "y": 1.5}
    ws.close()
