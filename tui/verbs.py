"""Which verbs apply to a task, and what a batch of changes says in the message line."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tasktrack.model import Task

from .source import TaskSource

if TYPE_CHECKING:
    from tasktrack.write.triage import Change

APPLIES_TO: dict[str, tuple[str, ...]] = {
    "accept": ("proposed",),
    "reject": ("proposed",),
    "done": ("proposed", "open", "in_progress", "deferred"),
    "reopen": ("done", "cancelled", "in_progress", "deferred"),
    "start": ("proposed", "open", "deferred"),
}
PAST = {"accept": "accepted", "reject": "rejected", "done": "done", "reopen": "reopened", "start": "started",
        "due": "due date set", "schedule": "scheduled", "start-date": "start date set",
        "priority": "priority set", "assign": "assigned", "undo": "undone", "add": "added", "merge": "merged"}


def allowed(verb: str, row: Task | None, selection: bool) -> bool | None:
    """True when the verb applies; None (shown greyed out) when it does not."""
    if selection:
        return True
    if row is None:
        return None
    return True if not_applicable(verb, row) is None else None


def not_applicable(verb: str, row: Task) -> str | None:
    """Why the verb does not apply to the task, in one line; None when it does."""
    statuses = APPLIES_TO.get(verb)
    if statuses is None or row.status in statuses:
        return None
    names = [status_name(status) for status in statuses]
    kinds = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    return f"{verb}: this task is {status_name(row.status)}; {verb} is for {kinds} tasks; nothing written"


def status_name(status: str) -> str:
    return status.replace("_", " ")


def describe_changes(verb: str, changes: Sequence[Change]) -> str:
    if not changes:
        return f"{verb}: nothing to change"
    first = changes[0]
    new = first.new[-1].strip() if first.new else "(line removed)"
    more = f"  (+{len(changes) - 1} more)" if len(changes) > 1 else ""
    return f"{PAST.get(verb, verb)}{more}  {first.path}:{first.line}  → {new}"


def owner_names(source: TaskSource, me: tuple[str, ...]) -> list[str]:
    """Names to complete in the assign prompt: yours, then the owners seen in the view."""
    names = dict.fromkeys(["me", *me])
    for page in source.pages.values():
        for row in page:
            names.update(dict.fromkeys(row.owners))
    return list(names)
