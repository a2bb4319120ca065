"""What the ``tasks`` command prints: tables (coloured on a terminal, plain when piped) and task details.

Widths are counted in terminal cells with rich's ``cell_len`` (wide CJK characters and emoji take two cells, marks
and joiners none, emoji sequences are measured whole): rich comes with the TUI's Textual, and ``rich.cells`` alone
costs about 4 ms to import (it does not load Textual).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Collection, Sequence
from datetime import date

from rich.cells import cell_len, chop_cells, split_graphemes

from tasktrack.model import PRIORITY_EMOJI, Task

PRIORITY_MARK = {**PRIORITY_EMOJI, "normal": ""}  # the sign each priority is written with (normal: none)
STATUS_COLOR = {"proposed": "35", "open": "0", "in_progress": "33", "deferred": "2", "done": "32",
                "cancelled": "2;9", "non_task": "2"}
FLAG = "\u26a0"  # before the description of a task whose note was not read fully


def use_color(stream_isatty: bool) -> bool:
    return stream_isatty and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color and code != "0" else text


def _owners(task: Task) -> str:
    return ", ".join(task.owners)


def inferred_due(task: Task) -> str | None:
    """The due date inferred from the task's words, when it has no explicit one."""
    return None if task.due else task.inferred_due


def _priority_word(task: Task) -> str:
    name = task.priority
    return "" if name == "normal" else name


def _due(task: Task) -> str:
    inferred = inferred_due(task)
    return f"~{inferred}" if inferred else str(task.due or "")


def task_table(tasks: Sequence[Task], tty: bool, today: date, width: int | None = None,
               flagged: Collection[str] = ()) -> list[str]:
    """One header line and one line per task; on a terminal, cut to the screen width and coloured. Tasks of
    the notes in ``flagged`` (not read fully) have ``⚠`` before their description."""
    headers = ("ID", "STATUS", "PRI", "DUE", "OWNERS", "WHERE", "DESCRIPTION")
    cells = [
        (r.id, r.status, _priority_word(r), _due(r), _owners(r),
         f"{r.path}:{r.line}", f"{FLAG} {r.description}" if r.path in flagged else r.description)
        for r in tasks
    ]
    total = width or (shutil.get_terminal_size((120, 24)).columns if tty else 0)
    if tty:
        where = max(18, min(40, (total - 60) // 3))  # the description gets at least twice the note's room
        cells = [c[:4] + (_cut(c[4], 16), _cut_left(c[5], where), c[6]) for c in cells]
    widths = [max([len(h)] + [cell_len(c[i]) for c in cells]) for i, h in enumerate(headers[:-1])]
    room = max(20, total - sum(widths) - 2 * len(widths)) if tty else 0
    color = use_color(tty)
    lines = [_join(headers, widths, room, color, header=True)]
    for task, cell in zip(tasks, cells, strict=True):
        lines.append(_join(cell, widths, room, color, task=task, today=today))
    return lines


def grouped_table(groups: Sequence[tuple[str, Sequence[Task]]], tty: bool, today: date,
                  flagged: Collection[str] = ()) -> list[str]:
    """The table of every group's tasks (one set of column widths), each group under a line naming it."""
    rows = task_table([task for _, tasks in groups for task in tasks], tty, today, flagged=flagged)
    lines, at = [rows[0]], 1
    for name, tasks in groups:
        lines.append(paint(f"{name or '(none)'} ({len(tasks)})", "1", use_color(tty)))
        lines += rows[at : at + len(tasks)]
        at += len(tasks)
    return lines


def _join(cells: Sequence[str], widths: list[int], room: int, color: bool, header: bool = False,
          task: Task | None = None, today: date | None = None) -> str:
    last = _cut(cells[-1], room) if room else cells[-1]
    padded = [c + " " * (w - cell_len(c)) for c, w in zip(cells[:-1], widths, strict=True)]
    if header:
        return paint("  ".join(padded + [last]).rstrip(), "1", color)
    if color and task is not None:
        padded[1] = paint(padded[1], STATUS_COLOR.get(task.status, "0"), color)
        padded[3] = paint(padded[3], _due_color(task, today), color)
        padded[0] = paint(padded[0], "36", color)
        padded[5] = paint(padded[5], "2", color)
    return "  ".join(padded + [last]).rstrip()


def _due_color(task: Task, today: date | None) -> str:
    if not task.due:
        return "2" if inferred_due(task) else "0"  # an inferred date is a guess: dimmed
    if today is None or task.status in ("done", "cancelled"):
        return "0"
    due = task.due
    if due < today.isoformat():
        return "31;1"
    return "33" if due == today.isoformat() else "0"


def _cut(text: str, room: int) -> str:
    """``text`` in at most ``room`` cells: its start, and ``…`` when it had to be cut."""
    return text if cell_len(text) <= room else _fit(text, room - 1) + "…"


def cut_middle(text: str, room: int) -> str:
    """``text`` in at most ``room`` terminal cells: its start and its end, with `` … `` between them."""
    if cell_len(text) <= room:
        return text
    keep = max(2, room - 3)
    return _fit(text, keep - keep // 2) + " … " + _fit_end(text, keep // 2)


def _fit(text: str, room: int) -> str:
    """The longest start of ``text`` that takes at most ``room`` cells."""
    return chop_cells(text, room)[0] if text and room > 0 else ""


def _fit_end(text: str, room: int) -> str:
    """The longest end of ``text`` that takes at most ``room`` cells."""
    spans, used = split_graphemes(text)  # (start, end, cells) of each character as the terminal shows it
    for start, _, cells in spans:
        if used <= room:
            return text[start:]
        used -= cells
    return ""


def _cut_left(text: str, room: int) -> str:
    """``text`` in at most ``room`` cells: its end, after ``…`` when it had to be cut."""
    return text if cell_len(text) <= room else "…" + _fit_end(text, room - 1)


def task_details(task: Task, around: list[tuple[int, str]], history: Sequence[sqlite3.Row],
                 color: bool) -> list[str]:
    """``tasks show``: every field, the note's lines around the task, and what the store has seen."""
    props = task.properties
    fields = [
        ("id", task.id), ("status", f"{task.status}  [{task.symbol}]"),
        ("description", task.description), ("owners", _owners(task) or "-"),
        ("priority", task.priority),
        ("due", task.due or (f"~{inferred_due(task)}  (inferred from its words)" if inferred_due(task) else "-")),
        *[(k, task.date(k) or "-") for k in ("scheduled", "start", "created", "done", "cancelled")],
        ("recurrence", task.recurrence or "-"), ("tags", " ".join(task.tags) or "-"),
        ("block id", task.block_id or "-"), ("parent", task.parent or "-"),
        ("note", f"{task.note_title}  ({task.path}:{task.line})"),
        ("note date", task.note_date or "-"), ("heading", task.heading or "-"),
        ("first seen", task.first_seen),
    ]
    lines = [f"{paint(k.rjust(12), '1', color)}  {v}" for k, v in fields]
    if props:
        lines.append(paint("  properties", "1", color))
        lines += [f"{k.rjust(14)}: {_prop(v)}" for k, v in props.items()]
    lines.append(paint("      source", "1", color))
    for number, text in around:
        mark = ">" if number == task.line else " "
        line = f"{mark} {str(number).rjust(5)} | {text}"
        lines.append(paint(line, "1", color) if mark == ">" else paint(line, "2", color))
    if history:
        lines.append(paint("     history", "1", color))
        lines += [f"{' ' * 14}{h['at']}  {h['old_status'] or 'new'} -> {h['new_status'] or 'gone'}" for h in history]
    return lines


def _prop(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)

