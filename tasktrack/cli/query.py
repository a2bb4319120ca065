"""``tasks query``: an Obsidian Tasks query (or a Dataview TASK query), from the command line, a file, or the
query blocks of a note."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from tasktrack.cli import render
from tasktrack.cli.common import Command, open_workspace
from tasktrack.dates import today
from tasktrack.errors import UsageError
from tasktrack.tasksquery.blocks import query_blocks
from tasktrack.tasksquery.dataview import is_task_query, parse_dataview
from tasktrack.tasksquery.engine import Result, evaluate
from tasktrack.tasksquery.filters import Context
from tasktrack.tasksquery.language import Query, parse_query
from tasktrack.workspace import Workspace, unreadable_notice


def _query_args(p: argparse.ArgumentParser) -> None:
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("query", nargs="?", help="the query, an instruction a line (Dataview: starts with TASK)")
    source.add_argument("--file", metavar="F", help="read the query from the file F")
    source.add_argument("--note", metavar="NOTE", help="run every ```tasks and Dataview TASK block of NOTE")
    p.add_argument("--json", action="store_true",
                   help="a JSON list of task objects (with `group by`: a list of {group, tasks})")


def read_query(text: str, ctx: Context, first_line: int = 1, note: str | None = None) -> Query:
    """A query in the Obsidian Tasks language (in the note ``note``), or a Dataview one when it starts with TASK."""
    if is_task_query(text):
        return parse_dataview(text, ctx, first_line)
    return parse_query(text, ctx, first_line, note)


def run_query(args: argparse.Namespace) -> int:
    ws = open_workspace(args)
    ctx = Context(today(), ws.me())
    if args.note is None:
        text = args.query if args.file is None else _read_file(args.file)
        query = read_query(text, ctx)
        _notice(ws)
        _print(ws, query, evaluate(ws, query), args.json)
        return 0
    return _run_note(ws, args.note, ctx, args.json)


def _read_file(name: str) -> str:
    try:
        return Path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the query file {name}: {getattr(exc, 'strerror', None) or exc}") from None


def _run_note(ws: Workspace, name: str, ctx: Context, as_json: bool) -> int:
    from tasktrack.cli.capture import resolve_note

    path = resolve_note(ws, name)
    if not ws.note_path(path).is_file():
        raise UsageError(f"no note {path} in the vault")
    blocks = [b for b in query_blocks(ws.note_lines(path)) if b.language == "tasks" or is_task_query(b.text)]
    if not blocks:
        raise UsageError(f"{path} has no ```tasks block and no Dataview TASK block")
    _notice(ws)
    refused, shown = 0, list[dict[str, Any]]()
    for block in blocks:
        where = f"{path}:{block.line - 1}"
        try:
            query = read_query(block.text, ctx, block.line, path)
        except UsageError as exc:
            sys.stderr.write(f"tasks: {path}: {exc}\n")
            refused += 1
            shown.append({"block": where, "language": block.language, "error": str(exc)})
            continue
        result = evaluate(ws, query)
        if as_json:
            shown.append({"block": where, "language": block.language, "result": result_json(result)})
        else:
            sys.stdout.write(f"{'' if block is blocks[0] else chr(10)}## {where} ({block.language})\n")
            _print(ws, query, result, False)
    if as_json:
        sys.stdout.write(json.dumps(shown, ensure_ascii=False) + "\n")
    return 2 if refused else 0


def _notice(ws: Workspace) -> None:
    unreadable = ws.unreadable()
    if unreadable:
        sys.stderr.write(f"tasks: {unreadable_notice(len(unreadable))}\n")


def result_json(result: Result) -> list[Any]:
    if result.groups is None:
        return [task.to_json() for task in result.tasks]
    return [{"group": name, "tasks": [t.to_json() for t in tasks]} for name, tasks in result.groups]


def _print(ws: Workspace, query: Query, result: Result, as_json: bool) -> None:
    out = sys.stdout
    if query.explain:
        (sys.stderr if as_json else out).writelines(line + "\n" for line in query.explanation)
    if as_json:
        out.write(json.dumps(result_json(result), ensure_ascii=False) + "\n")
        return
    tty = out.isatty()
    flagged = {path for path, _ in ws.unreadable()}
    if result.groups is None:
        lines = render.task_table(result.tasks, tty, today(), flagged=flagged)
    else:
        lines = render.grouped_table(result.groups, tty, today(), flagged=flagged)
    out.writelines(line + "\n" for line in lines)
    if tty:
        count = len(result.tasks)
        out.write(render.paint(f"{count} task{'s' * (count != 1)}", "2", render.use_color(tty)) + "\n")


COMMANDS = (Command("query", "run an Obsidian Tasks query (or a Dataview TASK query) on the vault's tasks",
                    _query_args, run_query),)
