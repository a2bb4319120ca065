"""The digest as markdown (for the daily note) and as plain text (for a terminal); JSON is ``digest.as_json``.

Markdown items are plain list items with an Obsidian link, never checkboxes, and the digest adds no
heading, so writing it into a note creates no task and does not change the headings of the tasks below.
"""

from __future__ import annotations

from tasktrack.cli.render import PRIORITY_MARK
from tasktrack.digest.build import Digest, Item
from tasktrack.parse.grammar import parse_line
from tasktrack.workspace import unreadable_notice

_COUNT_WORDS = {
    "overdue": "overdue",
    "due_today": "due today",
    "due_next_7_days": "due in the next 7 days",
    "awaiting_triage": "awaiting triage",
    "waiting_on_others": "waiting on others",
    "completed": "completed",
}


def nothing_line(d: Digest) -> str:
    return (f"Nothing for {d.day.isoformat()}: nothing overdue or due soon, nothing awaiting triage, "
            "nothing waiting on others, nothing completed.")


def summary(d: Digest) -> str:
    """The counts of the non-empty sections: ``1 overdue · 3 awaiting triage (2 new)``."""
    parts = []
    for key, _, items in d.filled():
        extra = f" ({d.new_count()} new)" if key == "awaiting_triage" and d.new_count() else ""
        parts.append(f"{len(items)} {_COUNT_WORDS[key]}{extra}")
    return " · ".join(parts)


def markdown(d: Digest) -> list[str]:
    return not_a_task(_lines(d, markdown=True))


def text(d: Digest) -> list[str]:
    return _lines(d, markdown=False)


def _lines(d: Digest, markdown: bool) -> list[str]:
    if not d.filled():
        return [nothing_line(d), *_unreadable(d)]
    day, counts = d.day.isoformat(), summary(d)
    lines = [f"**Tasks digest {day}** · {counts}" if markdown else f"Tasks digest {day}: {counts}"]
    for key, title, items in d.filled():
        count = _section_count(d, key, items)
        lines += ["", f"**{title}** ({count})" if markdown else f"{title} ({count})"]
        lines += _listed(items, d.group_by, markdown)
    return lines + _unreadable(d)


def _unreadable(d: Digest) -> list[str]:
    """A blank line and the line that says notes could not be read fully, when some could not."""
    return ["", unreadable_notice(len(d.unreadable))] if d.unreadable else []


def _section_count(d: Digest, key: str, items: list[Item]) -> str:
    new = d.new_count() if key == "awaiting_triage" else 0
    return f"{len(items)}, {new} new" if new else str(len(items))


def _listed(items: list[Item], group_by: str | None, markdown: bool) -> list[str]:
    bullet = "- " if markdown else "  "
    if not group_by:
        return [bullet + _item(i, markdown) for i in items]
    lines: list[str] = []
    group: str | None = None
    for item in items:
        if item.group != group or not lines:
            group = item.group
            lines.append(bullet + (f"**{group}**" if markdown else f"{group}:"))
        lines.append("  " + bullet + _item(item, markdown))
    return lines


def _item(item: Item, markdown: bool) -> str:
    mark = PRIORITY_MARK[item.task.priority]
    words = item.task.description.replace("<!--", "&lt;!--") if markdown else item.task.description
    first = ("**new** " if markdown else "new: ") if item.new else ""
    parts = [first + words + (f" {mark}" if mark else "")]
    if item.done_at:
        parts.append(f"done {item.done_at}")
    elif item.due:
        parts.append(f"due {'~' if item.inferred else ''}{item.due}")
    if item.others:
        parts.append(" ".join(f"@{o}" for o in item.task.owners))
    if item.since:
        parts.append(f"since {item.since}")
    parts.append(f"[[{item.link}]]" if markdown else f"{item.task.path}:{item.task.line}")
    if item.repeat is not None:
        repeat = item.repeat
        where = f"[[{repeat.link}]]" if markdown else f"{repeat.task.path}:{repeat.task.line}"
        parts.append(f"possible repeat of {where}")
    return " · ".join(parts)


def _not_a_task(line: str) -> str:
    """A digest line that would read as a checkbox task gets its ``[`` escaped."""
    if parse_line(line) is None:
        return line
    at = line.index("[")
    return line[:at] + "\\" + line[at:]


# -- for other reports made of digest items (``tasks agenda``) -------------------------------------


def section(title: str, items: list[Item], markdown: bool) -> list[str]:
    """A blank line, the section's title with its count, and its items, as the digest writes a section."""
    head = f"**{title}** ({len(items)})" if markdown else f"{title} ({len(items)})"
    return ["", head, *_listed(items, None, markdown)]


def not_a_task(lines: list[str]) -> list[str]:
    """Markdown lines to write into a note, none of which reads as a checkbox task."""
    return [_not_a_task(line) for line in lines]
