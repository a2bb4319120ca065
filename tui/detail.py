"""The detail pane: the note a task comes from (title, date, account, attendees, properties), the task's fields,
the tasks it is a likely repeat of, and the note's lines around the task rendered as markdown."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from rich.markdown import Markdown
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tasktrack.model import DATE_FIELDS, Task
from tasktrack.parse.structure import frontmatter_end

from .rows import CHECKBOX, STATUS_STYLE, note_label, owners_text

CONTEXT = 4
FIRST_PROPS = ("account", "customer", "company", "attendees", "participants", "people", "project")
SKIP_PROPS = {"title", "date"}
_TASK_LINE = re.compile(r"^(\s*(?:[-*+]|\d+[.)]) +\[(?: \?|.)\] +)(.+?)(\s*)$")


def _plain(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_plain(v)}" for k, v in value.items())
    return re.sub(r"\[\[([^\]|]+)(?:\|([^\]]+))?\]\]", lambda m: m.group(2) or m.group(1), str(value))


def property_lines(properties: dict[str, Any]) -> list[tuple[str, str]]:
    """The note's properties, account and attendees first, wikilinks shown as their names."""
    keys = [k for k in FIRST_PROPS if k in properties]
    keys += [k for k in properties if k not in keys and k.lower() not in SKIP_PROPS]
    return [(k, _plain(properties[k])) for k in keys if _plain(properties[k])]


def context_range(lines: list[str], line: int, around: int = CONTEXT) -> tuple[int, int]:
    """0-based [first, end) of the lines shown around ``line`` (1-based): back to the heading above it (if near)
    and on until the next heading, at most ``around`` lines each way, never into the frontmatter."""
    index = line - 1
    first = index
    while first > max(frontmatter_end(lines), index - around) and not lines[first].startswith("#"):
        first -= 1
    end = index + 1
    while end < min(len(lines), index + 1 + around) and not lines[end].startswith("#"):
        end += 1
    return first, end


def context_markdown(lines: list[str], line: int, heading: str | None, around: int = CONTEXT) -> str:
    """The lines around ``line`` (1-based) as markdown, the task's own text in bold."""
    first, end = context_range(lines, line, around)
    chosen = lines[first:end]
    index = line - 1 - first
    if 0 <= index < len(chosen):
        chosen[index] = _TASK_LINE.sub(r"\1**\2**\3", chosen[index])
    text = "\n".join(chosen)
    if heading and not any(h.lstrip("#").strip() == heading for h in chosen if h.startswith("#")):
        text = f"**§ {heading}**\n\n{text}"
    return text


def header(row: Task) -> Text:
    props = row.properties
    text = Text()
    text.append(f"{row.note_title}\n", style="bold")
    when = f"{row.note_date} · " if row.note_date else ""
    text.append(f"{when}{row.path}:{row.line}\n", style="dim")
    for key, value in property_lines(props):
        text.append(f"{key:<12}", style="bold cyan")
        text.append(f" {value}\n")
    text.rstrip()
    return text


def fields(row: Task) -> Text:
    text = Text()
    status = row.status
    text.append(f"{CHECKBOX.get(status, '[ ]')} {status}", style=STATUS_STYLE.get(status, ""))
    text.append(f"  priority {row.priority}")
    text.append(f"  owners {owners_text(row) or '–'}\n")
    dates = [(k, value) for k in DATE_FIELDS if (value := row.date(k))]
    if not row.due and row.inferred_due:
        dates.insert(0, ("due", f"~{row.inferred_due} (guessed from the text)"))
    text.append("  ".join(f"{k} {v}" for k, v in dates) or "no dates", style="" if dates else "dim")
    text.append(f"\nid {row.id}", style="dim")
    return text


def candidates_text(candidates: Sequence[tuple[Task, float]]) -> Text:
    """The tasks an item is a likely repeat of, best first: description, status, note and date, similarity."""
    text = Text("≈ likely a repeat of", style="bold yellow")
    text.append(" (m merges into one)\n", style="dim")
    for n, (task, score) in enumerate(candidates, 1):
        text.append(f"{n}. ", style="bold")
        text.append(f"{task.description}\n")
        text.append(f"   {CHECKBOX.get(task.status, '[ ]')} {task.status}", style=STATUS_STYLE.get(task.status, ""))
        where = note_label(task) + (f" · created {task.created}" if task.created and not task.note_date else "")
        text.append(f" · {where} · similarity {score:.2f}\n", style="dim")
    text.rstrip()
    return text


class DetailPane(VerticalScroll):
    task_id: str | None = None  # the task shown

    def compose(self) -> ComposeResult:
        yield Static(id="detail-note")
        yield Static(id="detail-fields")
        yield Static(id="detail-repeats")
        yield Static(id="detail-context")

    def show(self, row: Task | None, lines: list[str], candidates: Sequence[tuple[Task, float]] = ()) -> None:
        note = self.query_one("#detail-note", Static)
        context = self.query_one("#detail-context", Static)
        self.task_id = row.id if row is not None else None
        self.show_repeats(candidates)
        if row is None:
            note.update(Text("No task here.", style="dim"))
            self.query_one("#detail-fields", Static).update("")
            context.display = False
            return
        note.update(header(row))
        self.query_one("#detail-fields", Static).update(fields(row))
        context.display = True
        context.update(Markdown(context_markdown(lines, row.line, row.heading), hyperlinks=False))

    def show_repeats(self, candidates: Sequence[tuple[Task, float]]) -> None:
        """The tasks the task shown is a likely repeat of (none: the section is hidden)."""
        box = self.query_one("#detail-repeats", Static)
        box.display = bool(candidates)
        box.update(candidates_text(candidates) if candidates else "")
