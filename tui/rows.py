"""One task as one line of the task list: selection, checkbox, priority, a likely repeat's mark, text, owners,
due date, note."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.text import Text

from tasktrack.model import Task

CHECKBOX = {"proposed": "[?]", "open": "[ ]", "in_progress": "[/]", "deferred": "[>]", "done": "[x]",
            "cancelled": "[-]", "non_task": "[~]"}
STATUS_STYLE = {"proposed": "bold magenta", "open": "", "in_progress": "bold yellow", "deferred": "dim",
                "done": "green", "cancelled": "dim strike", "non_task": "dim"}
PRIORITY_MARK = {"highest": ("⇈", "bold red"), "high": ("↑", "red"), "medium": ("↗", "yellow"),
                 "normal": (" ", ""), "low": ("↓", "blue"), "lowest": ("⇊", "blue")}
REPEAT_MARK = ("≈ ", "bold yellow")  # before the description of an item with a likely repeat


@dataclass(frozen=True, slots=True)
class Columns:
    """Column widths for a list this wide (the description takes what is left)."""

    width: int
    owners: int
    due: int
    note: int

    @property
    def description(self) -> int:
        return max(10, self.width - 8 - self.owners - self.due - self.note - 3)

    @classmethod
    def fit(cls, width: int) -> Columns:
        note = 0 if width < 72 else min(26, max(12, (width - 72) // 2 + 12))
        owners = 0 if width < 50 else 10
        return cls(width, owners, 11, note)


def _cell(text: str, width: int, style: str = "", right: bool = False) -> Text:
    if width <= 0:
        return Text()
    if len(text) > width:
        text = text[: max(0, width - 1)] + "…"
    padded = text.rjust(width) if right else text.ljust(width)
    return Text(padded, style=style)


def owners_text(row: Task) -> str:
    return " ".join(f"@{o}" for o in row.owners)


def due_cell(row: Task, today: date) -> tuple[str, str]:
    """The due date and its style: red when overdue, yellow today; ``~date`` when only inferred."""
    due = row.due
    if not due:
        inferred = row.inferred_due
        return (f"~{inferred}", "italic dim") if inferred else ("", "")
    if row.status in ("done", "cancelled"):
        return due, "dim"
    if due < today.isoformat():
        return due, "bold red"
    return due, "bold yellow" if due == today.isoformat() else ""


def note_label(row: Task) -> str:
    title = row.note_title or row.path
    date_text = row.note_date or ""
    return f"{date_text} {title}".strip() if date_text and date_text not in title else title


def row_text(row: Task, cols: Columns, today: date, selected: bool = False, repeat: bool = False) -> Text:
    """The row; ``repeat``: the task has a likely repeat elsewhere (marked ``≈`` before its description)."""
    priority, pstyle = PRIORITY_MARK[row.priority]
    mark, mstyle = REPEAT_MARK if repeat else ("", "")
    due, dstyle = due_cell(row, today)
    status = row.status
    description_style = "dim strike" if status == "cancelled" else "dim" if status == "done" else ""
    parts = [
        Text("●" if selected else " ", style="bold cyan"),
        Text(CHECKBOX.get(status, "[ ]"), style=STATUS_STYLE.get(status, "")),
        Text(" "),
        Text(priority, style=pstyle),
        Text(" "),
        Text(mark, style=mstyle),
        _cell(row.description, cols.description - len(mark), description_style),
        Text(" "),
        _cell(owners_text(row), cols.owners, "cyan"),
        Text(" "),
        _cell(due, cols.due, dstyle),
        Text(" "),
        _cell(note_label(row), cols.note, "dim"),
    ]
    return Text.assemble(*parts, no_wrap=True, end="")


def header_text(cols: Columns) -> Text:
    parts = [
        Text("       "),
        _cell("Task", cols.description),
        Text(" "),
        _cell("Owners", cols.owners),
        Text(" "),
        _cell("Due", cols.due),
        Text(" "),
        _cell("Note", cols.note),
    ]
    return Text.assemble(*parts, style="bold", no_wrap=True, end="")
