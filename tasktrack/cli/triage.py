"""``tasks accept|reject|done|reopen|start|due|schedule|start-date|priority|assign|undo``."""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from collections.abc import Callable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from tasktrack.cli.common import Command, open_workspace
from tasktrack.cli.render import cut_middle
from tasktrack.errors import UnknownTask, UsageError
from tasktrack.model import MONTH_WORDS, PRIORITY_WORDS, WEEKDAY_WORDS, Task
from tasktrack.workspace import Workspace

if TYPE_CHECKING:
    from tasktrack.write.triage import Change

_ID_RE = re.compile(r"[a-z2-7]{4,8}")


def _dry_run(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dry-run", action="store_true", help="show the line diff; write nothing")
    p.add_argument("--json", action="store_true",
                   help="a JSON list of the changes: task_id, path, line, old, new (its lines), verb, warnings, "
                        "next_id, and task (the task object after the change; with --dry-run, as it stands)")


def _ids_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("ids", nargs="+", metavar="ID", help="task ids (or their first characters)")
    _dry_run(p)


# Words a date in words may start with: never taken for a task id (``tasks due ID next friday``).
DATE_WORDS = frozenset({
    "today", "tomorrow", "yesterday", "next", "this", "last", "in", "on", "by", "at", "eow", "eom", "end", "a",
    "an", *WEEKDAY_WORDS, *MONTH_WORDS,
})


def _date_args(p: argparse.ArgumentParser) -> None:
    p.usage = "%(prog)s [--clear] [--dry-run] ID... {WHEN | --on WHEN}"
    p.add_argument("words", nargs="+", metavar="ID", help="task ids (or their first characters), then the date")
    p.add_argument("--on", nargs="+", metavar="WHEN",
                   help="the date: YYYY-MM-DD or words (tomorrow, next friday, in 2 weeks, eow); every word "
                        "before it is a task id")
    p.add_argument("--clear", action="store_true", help="remove the date instead")
    _dry_run(p)


def _due_args(p: argparse.ArgumentParser) -> None:
    _date_args(p)
    p.usage = "%(prog)s [--clear | --accept-inferred] [--dry-run] ID... {WHEN | --on WHEN}"
    p.add_argument("--accept-inferred", action="store_true",
                   help="write the due date inferred from the task's words as 📅 YYYY-MM-DD")


def _priority_args(p: argparse.ArgumentParser) -> None:
    p.usage = "%(prog)s [--dry-run] ID... {LEVEL | --to LEVEL}"
    p.add_argument("words", nargs="+", metavar="ID", help="task ids (or their first characters), then the level")
    p.add_argument("--to", nargs="+", metavar="LEVEL",
                   help=f"one of {', '.join(PRIORITY_WORDS)}; every word before it is a task id")
    _dry_run(p)


def _assign_args(p: argparse.ArgumentParser) -> None:
    p.usage = "%(prog)s [--add | --clear] [--dry-run] ID... {NAME | --to NAME}"
    p.add_argument("words", nargs="+", metavar="ID", help="task ids (or their first characters), then the name")
    p.add_argument("--to", nargs="+", metavar="NAME", help="the owner's name; every word before it is a task id")
    p.add_argument("--add", action="store_true", help="keep the current owners and add NAME")
    p.add_argument("--clear", action="store_true", help="remove every owner instead")
    _dry_run(p)


def split_ids(ws: Workspace, words: list[str], needs_value: bool, dates: bool = False,
              given: list[str] | None = None) -> tuple[list[str], str | None]:
    """The task ids and the value of ``tasks VERB ID... VALUE``. With ``--on``/``--to`` (``given``) every word
    is an id. Otherwise the first word is an id, and so is each next one that names a task (in full, or by 4 or
    more of its first characters) and is not a date word, as long as words remain for the value; the rest,
    joined, is the value."""
    if given is not None:
        ids, value = list(words), " ".join(given) or None
    else:
        ids, rest = [words[0]], words[1:]
        while len(rest) > needs_value and _names_task(ws, rest[0], dates):
            ids.append(rest.pop(0))
        value = " ".join(rest) or None
    if needs_value and value is None:
        raise UsageError("give the task ids, then the value")
    if not needs_value and value is not None:
        raise UsageError(f"unexpected words after the ids: {value!r}")
    return ids, value


def _names_task(ws: Workspace, word: str, dates: bool) -> bool:
    if not _ID_RE.fullmatch(word) or (dates and (word in DATE_WORDS or word[0].isdigit())):
        return False
    try:
        ws.store.resolve_id(word)
    except UnknownTask:
        return False
    return True


def report(ws: Workspace, changes: list[Change], args: argparse.Namespace) -> None:
    """The changes as a diff, or with ``--json`` as a list of change objects."""
    if args.json:
        sys.stdout.write(json.dumps([change_json(ws, change) for change in changes], ensure_ascii=False) + "\n")
        for change in changes:
            _warn(change)
    else:
        show(changes, args.dry_run)


def change_json(ws: Workspace, change: Change) -> dict[str, Any]:
    """A change as ``--json`` prints it: its fields, and ``task``, the changed task as it stands now (none when
    its line is gone)."""
    task: Task | None = None
    if change.task_id is not None:
        try:
            task = ws.task(change.task_id)
        except UnknownTask:
            task = None
    return {**asdict(change), "task": None if task is None else task.to_json()}


def _warn(change: Change) -> None:
    for warning in change.warnings:
        sys.stderr.write(f"tasks: warning: {warning}\n")


def show(changes: list[Change], dry_run: bool) -> None:
    """Each change as a diff: ``path:line``, ``- old``, ``+ new`` (a line each). On a terminal a long line is
    shortened in the middle to the width of the screen; elsewhere lines are printed whole."""
    out = sys.stdout
    width = shutil.get_terminal_size().columns if out.isatty() else None
    for change in changes:
        out.write(f"{change.path}:{change.line}\n")
        shown = [f"- {change.old}", *(f"+ {line}" for line in change.new)]
        out.writelines((line if width is None else cut_middle(line, width)) + "\n" for line in shown)
        if change.next_id:
            out.write(f"  {change.task_id} stays on the completed line; its next instance is {change.next_id}\n")
        _warn(change)
    if dry_run:
        out.write("(dry run: nothing written)\n")


def _verb_handler(verb: str) -> Callable[[argparse.Namespace], int]:
    def handler(args: argparse.Namespace) -> int:
        ws = open_workspace(args)
        value: str | None = None
        flags = {"clear": getattr(args, "clear", False), "accept_inferred": getattr(args, "accept_inferred", False)}
        if hasattr(args, "words"):
            needs_value = not (flags["clear"] or flags["accept_inferred"])
            given = getattr(args, "on", None) or getattr(args, "to", None)
            ids, value = split_ids(ws, args.words, needs_value, dates=hasattr(args, "on"), given=given)
        else:
            ids = args.ids
        from tasktrack.write.triage import Triage  # here: other commands need not import it

        changes = Triage(ws).run(verb, ids, value=value, add=getattr(args, "add", False),
                                 dry_run=args.dry_run, **flags)
        report(ws, changes, args)
        return 0

    return handler


def run_undo(args: argparse.Namespace) -> int:
    from tasktrack.write.triage import Triage

    ws = open_workspace(args)
    report(ws, Triage(ws).undo(dry_run=args.dry_run), args)
    return 0


VERB_HELP = {
    "accept": ("accept proposed tasks: [ ?] and [?] become [ ], #proposed goes", _ids_args),
    "reject": ("cancel tasks: [-] with ❌ today", _ids_args),
    "done": ("complete tasks: [x] with ✅ today (a recurring task gets its next instance)", _ids_args),
    "reopen": ("back to [ ], without ✅/❌", _ids_args),
    "start": ("mark tasks in progress: [/]", _ids_args),
    "due": ("set the due date (📅)", _due_args),
    "schedule": ("set the scheduled date (⏳)", _date_args),
    "start-date": ("set the start date (🛫)", _date_args),
    "priority": ("set the priority", _priority_args),
    "assign": ("set the owner (@Name)", _assign_args),
}

COMMANDS = (
    *(Command(verb, text, setup, _verb_handler(verb)) for verb, (text, setup) in VERB_HELP.items()),
    Command("undo", "revert the last change tasktrack wrote", _dry_run, run_undo),
)
