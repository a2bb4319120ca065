"""``tasks agenda PERSON``: what stands between the user and one person (or one account), before a 1:1 or a call.

Sections, in order (each task in one at most):

* What I owe them: the user's open and in-progress tasks (owned by a ``me`` name, or by no one, as in the
  digest) that mention them or come from a meeting they attended.
* What they owe me: open and in-progress tasks owned by them and not by the user ("waiting on"); for an
  account, tasks owned by others that mention it or come from its notes.
* Awaiting triage: proposed items that are theirs, mention them or come from a meeting with them.
* Completed since the last meeting: done tasks of those kinds whose ✅ date is on or after the date of the
  last meeting they attended (none without such a meeting).

Then, as context and never as tasks, the ``- ✅ …`` and ``- ❌ …`` list items (decisions, blockers) of the
last meetings they attended, read from those few notes. A meeting is a note whose ``participants`` or
``attendees`` name them (for an account: a note whose property ``KEY`` is the value), dated up to today.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tasktrack.dates import today
from tasktrack.digest.build import Item, LinkNames, Scope, item_of
from tasktrack.model import PRIORITY_RANK, Task
from tasktrack.parse.structure import list_items
from tasktrack.people import Person
from tasktrack.workspace import Filters, Workspace

CONTEXT_MEETINGS = 3  # how many of the last meetings give their decisions and blockers
SECTIONS = ("i_owe", "they_owe", "awaiting_triage", "completed")
_ACTIVE = ("open", "in_progress")
_CONTEXT_RE = re.compile(r"\s*(?:>\s*)*(?:[-*+]|\d{1,9}[.)])\s+(?P<mark>[✅❌])\ufe0f?\s*(?P<text>.*?)\s*$")


@dataclass(frozen=True, slots=True)
class Meeting:
    path: str
    title: str
    date: str | None
    link: str


@dataclass(frozen=True, slots=True)
class Context:
    """A decision or blocker line of a meeting: shown, never a task."""

    meeting: Meeting
    line: int  # 1-based
    mark: str  # ✅ or ❌
    text: str
    heading: str | None


@dataclass(slots=True)
class Agenda:
    person: Person
    account: tuple[str, str] | None  # (property, value) for an account
    day: date
    meetings: list[Meeting]  # newest first
    sections: dict[str, list[Item]] = field(default_factory=dict)
    context: list[Context] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)

    @property
    def last_meeting(self) -> Meeting | None:
        return self.meetings[0] if self.meetings else None

    def title(self, key: str) -> str:
        name = self.person.name
        last = self.last_meeting
        return {"i_owe": f"What I owe {name}", "they_owe": f"What {name} owes me",
                "awaiting_triage": "Awaiting triage",
                "completed": f"Completed since {last.date if last else 'the last meeting'}"}[key]

    def filled(self) -> list[tuple[str, str, list[Item]]]:
        return [(key, self.title(key), self.sections[key]) for key in SECTIONS if self.sections.get(key)]


def build(ws: Workspace, person: Person, account: tuple[str, str] | None = None) -> Agenda:
    """The agenda of ``person`` (or of the account ``account`` = (property, value), named by ``person``)."""
    day = today()
    links = LinkNames(ws.store.db)
    agenda = Agenda(person, account, day, _meetings(ws, person, account, day, links))
    scope = Scope({name.casefold() for name in ws.me()}, unowned_mine=True, owner_given=False)  # as the digest
    from_meetings = {m.path for m in agenda.meetings}
    sections: dict[str, list[Item]] = {key: [] for key in SECTIONS}
    for task in ws.tasks(Filters(sort="note")):
        mine = scope.mine(task.owners)
        theirs, related = _relation(task, person, account, mine, from_meetings)
        key = ("awaiting_triage" if task.status == "proposed" and related else
               "they_owe" if task.status in _ACTIVE and theirs else
               "i_owe" if task.status in _ACTIVE and mine and related else None)
        if key:
            sections[key].append(item_of(task, scope, links))
    last = agenda.last_meeting
    if last is not None and last.date is not None:
        for task in ws.tasks(Filters(statuses=["done"], done_since=date.fromisoformat(last.date), sort="done")):
            if _relation(task, person, account, scope.mine(task.owners), from_meetings)[1]:
                item = item_of(task, scope, links)
                item.done_at = task.done
                sections["completed"].append(item)
    sections["i_owe"].sort(key=lambda i: (i.due is None, i.due or "", PRIORITY_RANK[i.task.priority]))
    sections["completed"].reverse()  # oldest first, as the digest lists them
    agenda.sections = sections
    agenda.context = [c for m in agenda.meetings[:CONTEXT_MEETINGS] for c in _context(ws, m)]
    agenda.unreadable = [path for path, _ in ws.unreadable()]
    return agenda


def _relation(task: Task, person: Person, account: tuple[str, str] | None, mine: bool,
              from_meetings: set[str]) -> tuple[bool, bool]:
    """(theirs, related): theirs is owned by the person and not by the user (for an account: owned by someone
    other than the user, and related); related is theirs, or mentioning them, or from a meeting with them."""
    related = person.mentioned_in(task.description) or task.path in from_meetings
    if account is None:
        theirs = not mine and any(person.is_named(owner) for owner in task.owners)
    else:
        theirs = not mine and related
    return theirs, theirs or related


# -- meetings -------------------------------------------------------------------------------------


def _meetings(ws: Workspace, person: Person, account: tuple[str, str] | None, day: date,
              links: LinkNames) -> list[Meeting]:
    """The notes of meetings with them dated up to ``day``, newest first. The store narrows the notes down to
    those whose properties hold the word; the properties are then read as the rest of tasktrack reads them."""
    if account is None:
        sql = ("SELECT path, title, note_date, properties FROM notes WHERE note_date <= ? AND "
               "(instr(lower(properties), 'participants') OR instr(lower(properties), 'attendees'))")
        params: tuple[str, ...] = (day.isoformat(),)
    else:
        sql = ("SELECT path, title, note_date, properties FROM notes WHERE note_date <= ? AND "
               "instr(lower(properties), lower(?))")
        params = (day.isoformat(), account[1])
    found = []
    for path, title, note_date, properties in ws.store.db.execute(sql + " ORDER BY note_date DESC, path", params):
        props = json.loads(properties)
        if person.attended(props) if account is None else _has_property(props, *account):
            found.append(Meeting(path, title, note_date, links.target(path, None, None)))
    return found


def _has_property(properties: dict[str, Any], key: str, value: str) -> bool:
    """Whether the property ``key`` is ``value`` or a list holding it (any case), as ``--prop`` reads it."""
    want = value.casefold()
    for name, held in properties.items():
        if name.casefold() == key.casefold():
            values = held if isinstance(held, list) else [held]
            return any(v is not None and str(v).casefold() == want for v in values)
    return False


def _context(ws: Workspace, meeting: Meeting) -> list[Context]:
    """The decision and blocker list items (``- ✅ …``, ``- ❌ …``) of a meeting's note."""
    lines = ws.note_lines(meeting.path)
    found = []
    for item in list_items(lines):
        m = _CONTEXT_RE.match(lines[item.line])
        if m and m["text"]:
            found.append(Context(meeting, item.line + 1, m["mark"], m["text"], item.heading))
    return found


# -- output ---------------------------------------------------------------------------------------


def as_json(agenda: Agenda) -> dict[str, Any]:
    """The agenda as JSON data: every section (its tasks as ``list --json`` objects), then the context lines."""
    return {
        "person": agenda.person.name,
        "names": list(agenda.person.known),
        "account": ({"key": agenda.account[0], "value": agenda.account[1]} if agenda.account else None),
        "date": agenda.day.isoformat(),
        "meetings": [_meeting_json(m) for m in agenda.meetings],
        "counts": {key: len(agenda.sections.get(key, [])) for key in SECTIONS},
        "sections": [{"key": key, "title": agenda.title(key), "count": len(agenda.sections.get(key, [])),
                      "tasks": [item.task.to_json() for item in agenda.sections.get(key, [])]} for key in SECTIONS],
        "context": [{"mark": c.mark, "text": c.text, "path": c.meeting.path, "line": c.line, "heading": c.heading,
                     "note_title": c.meeting.title, "note_date": c.meeting.date} for c in agenda.context],
        "unreadable": agenda.unreadable,
    }


def _meeting_json(meeting: Meeting) -> dict[str, Any]:
    return {"path": meeting.path, "title": meeting.title, "date": meeting.date}


def markers(agenda: Agenda) -> tuple[str, str]:
    """The markers around the agenda of this person in a note (one block per person)."""
    name = " ".join(agenda.person.name.replace("-->", "").split())
    return f"<!-- tasktrack:agenda:begin {name} -->", f"<!-- tasktrack:agenda:end {name} -->"


def tasks_of(agenda: Agenda, keys: Sequence[str] = SECTIONS) -> list[tuple[str, list[Task]]]:
    """(title, tasks) of each non-empty section among ``keys``: the agenda as groups of tasks (the TUI's view)."""
    return [(title, [i.task for i in items]) for key, title, items in agenda.filled() if key in keys]


_COUNT_WORDS = {"i_owe": "I owe", "they_owe": "they owe me", "awaiting_triage": "awaiting triage",
                "completed": "completed"}
CONTEXT_TITLE = "Decisions and blockers from the last meetings"


def summary(agenda: Agenda) -> str:
    """The counts of the non-empty sections: ``1 I owe · 5 awaiting triage · 2 decisions and blockers``."""
    parts = [f"{len(items)} {_COUNT_WORDS[key]}" for key, _, items in agenda.filled()]
    if agenda.context:
        count = len(agenda.context)
        parts.append("1 decision or blocker" if count == 1 else f"{count} decisions and blockers")
    return " · ".join(parts)


def markdown(agenda: Agenda) -> list[str]:
    """The agenda as markdown for a note: plain list items with Obsidian links, never checkboxes."""
    from tasktrack.digest.render import not_a_task

    return not_a_task(_lines(agenda, markdown=True))


def text(agenda: Agenda) -> list[str]:
    """The agenda as plain text for a terminal: ``path:line`` instead of links."""
    return _lines(agenda, markdown=False)


def _lines(agenda: Agenda, markdown: bool) -> list[str]:
    from tasktrack.digest.render import section

    lines = [_head(agenda, markdown)]
    for _, title, items in agenda.filled():
        lines += section(title, items, markdown)
    if agenda.context:
        lines += ["", f"**{CONTEXT_TITLE}** ({len(agenda.context)})" if markdown
                  else f"{CONTEXT_TITLE} ({len(agenda.context)})"]
        lines += [f"- {c.mark} {c.text.replace('<!--', '&lt;!--')} · [[{c.meeting.link}]]" if markdown
                  else f"  {c.mark} {c.text} · {c.meeting.path}:{c.line}" for c in agenda.context]
    return lines + _unreadable(agenda)


def _head(agenda: Agenda, markdown: bool) -> str:
    """The first line: who, the counts (or that there is nothing), and the last meeting."""
    name = agenda.person.name
    title = f"**Agenda: {name}**" if markdown else f"Agenda: {name}"
    others = [n for n in agenda.person.known if n.casefold() != name.casefold()]
    parts = [title + (f" (also {', '.join(others)})" if others else "")]
    parts.append(summary(agenda) or f"nothing open with {name}, nothing awaiting triage, nothing completed")
    last = agenda.last_meeting
    if last is not None:
        where = f"[[{last.link}]]" if markdown else last.path
        parts.append(f"last meeting {last.date} {where}")
    return " · ".join(parts)


def _unreadable(agenda: Agenda) -> list[str]:
    from tasktrack.workspace import unreadable_notice

    return ["", unreadable_notice(len(agenda.unreadable))] if agenda.unreadable else []
