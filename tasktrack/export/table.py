"""A CSV table of tasks, for a spreadsheet: the columns of ``--json``, then the note's ``obsidian://`` URL."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tasktrack.model import JSON_KEYS, Task
from tasktrack.obsidian import obsidian_url

COLUMNS = (*JSON_KEYS, "url")


def csv_text(tasks: Iterable[Task], vault: Path) -> str:
    """A header row, then a row per task (RFC 4180: comma-separated, CRLF line endings, quoted when needed).
    Owners and tags are joined with ``, ``; the note's properties are a JSON object (empty when it has none)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for task in tasks:
        fields = task.to_json()
        writer.writerow([*(cell_text(fields[key]) for key in JSON_KEYS), obsidian_url(vault, task.path)])
    return out.getvalue()


def cell_text(value: Any) -> str:
    """A field of ``Task.to_json`` as the text of one cell."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False) if value else ""
    return str(value)
