"""Repeated action items: the similarity on a labelled set of meeting action items, and what makes two
tasks a repeat or not."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

from tasktrack.config import RepeatSettings
from tasktrack.model import Note, Task
from tasktrack.parse.scanner import scan_text
from tasktrack.parse.statuses import StatusMap
from tasktrack.repeats import find

PAIRS = Path(__file__).resolve().parents[1] / "fixtures" / "repeats" / "pairs.toml"


def _frontmatter(props: dict[str, Any]) -> str:
    lines = ["---"]
    for key, value in props.items():
        if isinstance(value, list):
            lines += [f"{key}:", *(f"- {v}" for v in value)]
        else:
            lines.append(f"{key}: '{value}'")
    return "\n".join([*lines, "---", ""])


def task_in_note(key: str, props: dict[str, Any], line: str, task_id: str) -> Task:
    """The task ``line`` as a scan reads it in a note with the frontmatter ``props``."""
    note = Note(f"{key}.md", 0, 0, str(props.get("title", key)))
    scan_text(note, _frontmatter({k: v for k, v in props.items() if k != "title"}) + line + "\n", StatusMap({}))
    (task,) = note.tasks
    return replace(task, id=task_id, note_title=note.title, note_date=note.note_date, properties=note.properties)


def labelled() -> list[tuple[Task, Task, bool]]:
    data = tomllib.loads(PAIRS.read_text(encoding="utf-8"))
    notes = data["notes"]
    pairs = []
    for n, pair in enumerate(data["pair"]):
        (na, la), (nb, lb) = pair["a"], pair["b"]
        pairs.append((task_in_note(na, notes[na], la, f"a{n}"), task_in_note(nb, notes[nb], lb, f"b{n}"),
                      pair["same"]))
    return pairs


def precision_recall(pairs: list[tuple[Task, Task, bool]], settings: RepeatSettings) -> tuple[float, float]:
    found = [bool(find([a, b], settings).of(a.id)) for a, b, _ in pairs]
    hits = sum(f and same for f, (_, _, same) in zip(found, pairs, strict=True))
    positives = sum(same for _, _, same in pairs)
    return hits / max(sum(found), 1), hits / positives


def test_the_labelled_set_is_big_enough_and_has_near_misses() -> None:
    pairs = labelled()
    assert len(pairs) >= 80
    assert 0.35 <= sum(same for _, _, same in pairs) / len(pairs) <= 0.65


def test_default_thresholds_give_precision_09_at_recall_06() -> None:
    precision, recall = precision_recall(labelled(), RepeatSettings())
    assert precision >= 0.9
    assert recall >= 0.6


def sweep() -> list[tuple[float, float, float]]:
    """Precision and recall at every threshold from 0.40 to 0.90 (how the default was chosen)."""
    pairs = labelled()
    return [(t / 100, *precision_recall(pairs, RepeatSettings(threshold=t / 100))) for t in range(40, 92, 2)]


if __name__ == "__main__":
    for threshold, precision, recall in sweep():
        print(f"{threshold:.2f}  precision {precision:.2f}  recall {recall:.2f}")
