"""``tasks merge NEW OLD``: resolve a repeated action item. The closed item becomes ``[-]`` with ``❌ today``
and a link to the kept task's block (``[[note#^id]]``); the kept task gets a ``^block-id`` if it has none.
Both lines are written as one change (all notes or none, journaled, undoable)."""

from __future__ import annotations

import re

from tasktrack.dates import today
from tasktrack.errors import UsageError
from tasktrack.model import Task
from tasktrack.write import edits
from tasktrack.write.triage import Change, NothingToDo, Triage, rejected

CARRIED_DATES = ("due", "scheduled", "start")
_BLOCK_RE = re.compile(r" \^([A-Za-z0-9-]+)[ \t]*$")


def merge(triage: Triage, new_id: str, old_id: str, keep_new: bool = False, carry: bool = False,
          dry_run: bool = False) -> list[Change]:
    """Close ``new_id`` as a repeat of ``old_id`` (with ``keep_new``: ``old_id`` as a repeat of ``new_id``);
    ``carry``: the closed task's due, scheduled and start dates and priority go to the kept one (the later
    item's win over the kept one's; the earlier item's only fill what the kept one lacks), and its owners
    when the kept one has none."""
    ws = triage.ws
    new, old = ws.task(new_id), ws.task(old_id)
    if new.id == old.id:
        raise UsageError(f"task {new.id} cannot be merged into itself")
    closed, kept = (old, new) if keep_new else (new, old)
    if closed.finished:
        raise NothingToDo(f"task {closed.id} is {closed.status} already: nothing to merge")
    block = kept.block_id or _new_block_id(ws.note_lines(kept.path), kept.id)
    kept_line = edits.add_block_id(kept.raw, block)
    if carry:
        kept_line = carry_fields(kept_line, kept, closed, later=closed is new, dataview=triage.dataview)
    link = f"[[{kept.path.removesuffix('.md')}#^{block}]]"
    lines = [(closed, [close_as_repeat(closed.raw, link, today().isoformat(), triage.dataview)])]
    if kept_line != kept.raw:
        lines.append((kept, [kept_line]))
    return triage.rewrite("merge", lines, dry_run)


def close_as_repeat(line: str, link: str, day: str, dataview: bool = False) -> str:
    """Rejected (``[-]``, ``#proposed`` gone, ``❌ day``), with ``repeat of LINK`` after the description
    (``dataview``: as ``edits.set_date``)."""
    return edits.add_words(rejected(line, day, dataview), f"(repeat of {link})")


def carry_fields(line: str, kept: Task, closed: Task, later: bool, dataview: bool = False) -> str:
    """``line`` (the kept task's) with the closed task's dates and priority (all of them when the closed task
    is the later one, else only those the kept task lacks), and its owners when the kept task has none
    (``dataview``: as ``edits.set_date``)."""
    for name in CARRIED_DATES:
        value = closed.date(name)
        if value and (later or not kept.date(name)):
            line = edits.set_date(line, name, value, dataview)
    if closed.priority != "normal" and (later or kept.priority == "normal"):
        line = edits.set_priority(line, closed.priority, dataview)
    if closed.owners and not kept.owners:
        for n, owner in enumerate(closed.owners):
            line = edits.set_owner(line, owner, add=n > 0)
    return line


def _new_block_id(lines: list[str], task_id: str) -> str:
    """A block id no line of the note has: the task's id (``-2``, ``-3``, ... after it if taken)."""
    taken = {m.group(1) for line in lines if (m := _BLOCK_RE.search(line))}
    block, n = task_id, 1
    while block in taken:
        n += 1
        block = f"{task_id}-{n}"
    return block
