"""``tasks query``: an Obsidian Tasks query (or a Dataview TASK query), from the command line, a file, or the
query blocks of a note."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tasktrack.cli.common import Command, open_workspace, pager_arg, print_tasks, tasks_json, warn_unreadable
from tasktrack.config import read_small_file
from tasktrack.errors import UsageError
from tasktrack.workspace import Workspace

if TYPE_CHECKING:  # the query language is imported only by `tasks query`
    from tasktrack.tasksquery import Context, Query, Result


def _query_args(p: argparse.ArgumentParser) -> None:
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("query", nargs="?", help="the query, an instruction a line (Dataview: starts with TASK)")
    source.add_argument("--file", metavar="F", help="read the query from the file F")
    source.add_argument("--note", metavar="NOTE", help="run every ```tasks and Dataview TASK block of NOTE")
    p.add_argument("--json", action="store_true",
                   help="a JSON list of task objects (with `group by`: a list of {group, tasks})")
    pager_arg(p)


def run_query(args: argparse.Namespace) -> int:
    from tasktrack.tasksquery import context, evaluate, read_query

    ws = open_workspace(args)
    ctx = context(ws)
    if args.note is None:
        text = args.query if args.file is None else _read_file(args.file)
        query = read_query(text, ctx)
        _print(query, evaluate(ws, query), args.json, warn_unreadable(ws), args.pager)
        return 0
    return _run_note(ws, args.note, ctx, args.json)


def _read_file(name: str) -> str:
    try:
        return read_small_file(Path(name))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read the query file {name}: {getattr(exc, 'strerror', None) or exc}") from None


def _run_note(ws: Workspace, name: str, ctx: Context, as_json: bool) -> int:
    from tasktrack.cli.capture import resolve_note
    from tasktrack.tasksquery import evaluate, read_query
    from tasktrack.tasksquery.blocks import query_blocks
    from tasktrack.tasksquery.dataview import is_task_query

    path = resolve_note(ws, name)
    if not ws.note_path(path).is_file():
        raise UsageError(f"no note {path} in the vault")
    blocks = [b for b in query_blocks(ws.note_lines(path)) if b.language == "tasks" or is_task_query(b.text)]
    if not blocks:
        raise UsageError(f"{path} has no ```tasks block and no Dataview TASK block")
    flagged = warn_unreadable(ws)
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
            _print(query, result, False, flagged, pager=False)
    if as_json:
        sys.stdout.write(json.dumps(shown, ensure_ascii=False) + "\n")
    return 2 if refused else 0


def result_json(result: Result) -> list[Any]:
    """A query's result as JSON data: task objects, or groups of them."""
    return tasks_json(result.tasks, result.groups)


def _print(query: Query, result: Result, as_json: bool, flagged: set[str], pager: bool) -> None:
    if query.explain:
        (sys.stderr if as_json else sys.stdout).writelines(line + "\n" for line in query.explanation)
    print_tasks(result.tasks, result.groups, as_json, flagged, pager)


COMMANDS = (Command("query", "run an Obsidian Tasks query (or a Dataview TASK query) on the vault's tasks",
                    _query_args, run_query),)
