"""``tasks add``: capture a task into the inbox note, a named note (under a heading), or today's daily note."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import PurePosixPath

from tasktrack.cli.common import Command, open_workspace
from tasktrack.dates import today
from tasktrack.errors import UsageError
from tasktrack.model import PRIORITY_WORDS
from tasktrack.workspace import Workspace


def _add_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("words", nargs="+", metavar="WORDS",
                   help="the task in words: @Name, #tags, a priority word and a date in words at the end become its "
                        "owner, tags, priority and due date (`-`: one task per line of standard input)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--to", metavar="NOTE", help="the note: its path in the vault or its name (default: the inbox "
                                                    "note, `inbox` in the config file, Inbox.md)")
    where.add_argument("--daily", action="store_true", help="today's daily note (as `tasks digest --write` finds it)")
    p.add_argument("--heading", metavar="HEADING", help="at the end of this heading's section (added if missing)")
    p.add_argument("--create", action="store_true", help="create the --to note if it does not exist")
    p.add_argument("--due", metavar="WHEN", help="the due date (YYYY-MM-DD or words), instead of one in the words")
    p.add_argument("--owner", action="append", metavar="NAME", help="an owner (repeatable)")
    p.add_argument("--priority", metavar="LEVEL", help=", ".join(PRIORITY_WORDS))
    p.add_argument("--proposed", action="store_true", help="write it as a proposed item: [ ?] … #proposed")
    p.add_argument("--dry-run", action="store_true", help="show the lines it would write; write nothing")
    p.add_argument("--json", action="store_true", help="the added tasks as a JSON list (the keys of `list --json`)")


def run_add(args: argparse.Namespace) -> int:
    from tasktrack.write.capture import add, read_words  # here: other commands need not import it

    ws = open_workspace(args)
    day = today()
    texts = _task_words(args.words)
    drafts = [read_words(text, day, due=args.due, owners=tuple(args.owner or ()), priority=args.priority,
                         proposed=args.proposed) for text in texts]
    path, create = target_note(ws, args)
    added = add(ws, path, drafts, heading=args.heading, create=create, dry_run=args.dry_run)
    if args.json and not args.dry_run:
        tasks = [ws.task_at(added.path, line) for line in added.lines]
        sys.stdout.write(json.dumps([t.to_json() for t in tasks if t is not None], ensure_ascii=False) + "\n")
        return 0
    out = sys.stdout
    for draft, line, text in zip(drafts, added.lines, added.texts, strict=True):
        task = None if args.dry_run else ws.task_at(added.path, line)
        out.write(f"{'added ' + task.id + '  ' if task else ''}{added.path}:{line}\n+ {text}\n")
        if draft.due_words:
            out.write(f"  due {draft.due} (read from “{draft.due_words}”)\n")
    if args.dry_run:
        out.write("(dry run: nothing written)\n")
    return 0


def _task_words(words: list[str]) -> list[str]:
    if words != ["-"]:
        return [" ".join(words)]
    lines = [line.strip() for line in sys.stdin.read().splitlines()]
    texts = [line for line in lines if line]
    if not texts:
        raise UsageError("no task on standard input")
    return texts


def target_note(ws: Workspace, args: argparse.Namespace) -> tuple[str, bool]:
    """The note to write to, in the vault, and whether it may be created."""
    if args.daily:
        from tasktrack.digest.daily_note import daily_note

        return daily_note(ws.vault, today()), True
    if args.to is None:
        return _in_vault(ws.config.inbox), True
    return resolve_note(ws, args.to), args.create


def resolve_note(ws: Workspace, name: str) -> str:
    """A note named by its path in the vault (``Projects/SCO session.md``) or by its name alone, when one note
    has it (``SCO session``); a name no note has is a new note at the top of the vault."""
    if "/" in name or name.endswith(".md"):
        return _in_vault(name)
    matches = [path for path in ws.note_paths() if PurePosixPath(path).stem.casefold() == name.casefold()]
    if len(matches) > 1:
        raise UsageError(f"{len(matches)} notes are named {name!r}: {', '.join(sorted(matches))}; give the path")
    return matches[0] if matches else _in_vault(name)


def _in_vault(path: str) -> str:
    clean = PurePosixPath(path if path.endswith(".md") else f"{path}.md")
    if clean.is_absolute() or ".." in clean.parts:
        raise UsageError(f"{path!r} is not a note inside the vault")
    return clean.as_posix()


COMMANDS = (Command("add", "capture a new task into the inbox, a note, or today's daily note", _add_args, run_add),)
