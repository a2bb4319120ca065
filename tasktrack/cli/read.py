"""``tasks scan``, ``tasks list`` and ``tasks show``: reading the store, synced with the vault first."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from collections.abc import Iterator, Sequence
from typing import Any

from tasktrack.cli import render
from tasktrack.cli.common import (
    Command,
    open_workspace,
    pager_arg,
    print_tasks,
    tasks_json,
    warn_unread_folders,
    warn_unreadable,
)
from tasktrack.dates import parse_when, today
from tasktrack.errors import UsageError
from tasktrack.grouping import KEYS, check_key, group_tasks
from tasktrack.model import JSON_KEYS, PRIORITY_WORDS, STATUSES, Task
from tasktrack.parse.statuses import parse_status_list
from tasktrack.store import query
from tasktrack.store.sync import SyncReport
from tasktrack.workspace import Workspace

# -- scan -----------------------------------------------------------------------------------------


def _scan_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rebuild", action="store_true", help="start the store over")
    p.add_argument("--json", action="store_true",
                   help="a JSON object: vault, store, notes, read, gone, unreadable, tasks, statuses (a count for "
                        "each), warnings (each {path, line, message})")


def run_scan(args: argparse.Namespace) -> int:
    ws = open_workspace(args, sync=False)
    report = _scan_report(ws, ws.sync(rebuild=args.rebuild))
    out = sys.stdout
    if args.json:
        out.write(json.dumps(report, ensure_ascii=False) + "\n")
        return 0
    unreadable = f", {report['unreadable']} unreadable" if report["unreadable"] else ""
    out.write(f"vault  {report['vault']}\nstore  {report['store']}\n")
    out.write(f"notes  {report['notes']} ({report['read']} read now, {report['gone']} gone{unreadable})\n")
    out.write(f"tasks  {report['tasks']}\n")
    out.writelines(f"  {status:<12}{count:>7}\n" for status, count in report["statuses"].items() if count)
    if report["warnings"]:
        out.write(f"warnings  {len(report['warnings'])}\n")
        for warning in report["warnings"]:
            where = "" if warning["path"] is None else f"{warning['path']}{_at_line(warning['line'])}: "
            out.write(f"  {where}{warning['message']}\n")
    return 0


def _scan_report(ws: Workspace, report: SyncReport) -> dict[str, Any]:
    """What ``tasks scan`` prints, as ``--json`` gives it. Warnings about names and links the walk of the vault
    left out have no path or line (the message names them)."""
    counts = ws.store.counts()
    failed = ws.store.failed_paths()
    warnings = [{"path": path, "line": line, "message": message} for path, line, message in ws.store.problems()]
    warnings += [{"path": None, "line": None, "message": message} for message in report.skipped.warnings()]
    return {
        "vault": str(ws.vault), "store": str(ws.store.path), "notes": ws.store.note_count(),
        "read": sum(path not in failed for path in report.read), "gone": len(report.deleted),
        "unreadable": len(failed), "tasks": sum(counts.values()),
        "statuses": {status: counts.get(status, 0) for status in STATUSES}, "warnings": warnings,
    }


def _at_line(line: int | None) -> str:
    return "" if line is None else f":{line}"


_SCAN = Command("scan", "sync the store with the vault and print counts and warnings", _scan_args, run_scan)


# -- list -----------------------------------------------------------------------------------------


def filter_args(p: argparse.ArgumentParser) -> None:
    """The arguments that choose and order tasks (``list_filters`` reads them): ``tasks list`` and the exports."""
    p.add_argument("--owner", action="append", metavar="NAME", help="owned by NAME (`me`: your names); repeatable")
    p.add_argument("--status", metavar="LIST", help=f"comma-separated: {', '.join(STATUSES)}")
    p.add_argument("--all", action="store_true", help="every status, finished ones too")
    p.add_argument("--due-before", metavar="WHEN", help="due before this date (YYYY-MM-DD or words)")
    p.add_argument("--due-after", metavar="WHEN", help="due after this date")
    p.add_argument("--overdue", action="store_true", help="unfinished and due before today")
    p.add_argument("--inferred", action="store_true",
                   help="date filters also use due dates inferred from a task's words (shown as ~DATE)")
    p.add_argument("--priority", metavar="LIST", help=f"comma-separated: {', '.join(PRIORITY_WORDS)}")
    p.add_argument("--tag", action="append", metavar="TAG", help="has this tag; repeatable (all must match)")
    p.add_argument("--path", metavar="TEXT", help="note path contains TEXT, or matches a glob like 'Meetings/*'")
    p.add_argument("--prop", action="append", metavar="KEY=VALUE", help="note property, e.g. account=Microsoft")
    p.add_argument("--text", metavar="TEXT", help="the task's text contains TEXT")
    p.add_argument("--sort", choices=sorted(query.SORTS), default="due")
    p.add_argument("--limit", type=int, metavar="N")


def _list_args(p: argparse.ArgumentParser) -> None:
    filter_args(p)
    p.add_argument("--group-by", metavar="KEY", type=check_key, help=f"group the tasks: {', '.join(KEYS)}")
    p.add_argument("--format", choices=FORMATS, default="table",
                   help="table; json: a list of task objects (with --group-by: of {group, tasks}); jsonl: one "
                        "of them a line; tsv: a header row, then a row per task (with --group-by: the group "
                        "first); ids: one task id a line")
    p.add_argument("--json", action="store_const", const="json", dest="format", help="the same as --format json")
    pager_arg(p)


FORMATS = ("table", "json", "jsonl", "tsv", "ids")
_MOST_ROWS = 2**63 - 1  # the largest --limit: SQLite's largest integer


def list_filters(args: argparse.Namespace, ws: Workspace) -> query.Filters:
    base = today()
    f = query.Filters(sort=args.sort, limit=args.limit, text=args.text, path=args.path)
    if args.all:
        f.statuses = []
    elif args.status:
        f.statuses = parse_status_list(args.status)
    for name in args.owner or []:
        f.owners += ws.owners_for(name)
    f.due_before = parse_when(args.due_before, base) if args.due_before is not None else None
    f.due_after = parse_when(args.due_after, base) if args.due_after is not None else None
    f.overdue_on = base if args.overdue else None
    f.inferred = bool(getattr(args, "inferred", False))
    f.priorities = query.parse_priorities(args.priority) if args.priority else []
    f.tags = list(args.tag or [])
    f.props = [query.parse_prop(p) for p in args.prop or []]
    if args.limit is not None and not 0 <= args.limit <= _MOST_ROWS:
        raise UsageError(f"--limit must be 0 or more, and at most {_MOST_ROWS}")
    return f


def run_list(args: argparse.Namespace) -> int:
    ws = open_workspace(args, sync=False)
    report = ws.sync()
    warn_unread_folders(report)
    first_scan = report.first_scan
    filters = list_filters(args, ws)
    if args.format == "ids" and args.group_by:
        raise UsageError("--format ids cannot be grouped: leave out --group-by")
    flagged = warn_unreadable(ws)
    out = sys.stdout
    if args.format in ("json", "jsonl") and not args.group_by:  # built by SQLite: the fast path
        if args.format == "json":
            out.writelines(query.json_lines(ws.store.db, filters))
        else:
            out.writelines(text + "\n" for text in query.json_objects(ws.store.db, filters))
        return 0
    tasks = ws.tasks(filters)
    groups = group_tasks(tasks, args.group_by) if args.group_by else None
    if args.format == "ids":
        out.writelines(task.id + "\n" for task in tasks)
    elif args.format == "jsonl":
        out.writelines(json.dumps(item, ensure_ascii=False) + "\n" for item in tasks_json(tasks, groups))
    elif args.format == "tsv":
        out.writelines(line + "\n" for line in _tsv(tasks, groups))
    else:
        print_tasks(tasks, groups, args.format == "json", flagged, args.pager)
        if args.format == "table" and first_scan and out.isatty():
            out.write(render.paint(_next_steps(args), "2", render.use_color(True)) + "\n")
    return 0


def _next_steps(args: argparse.Namespace) -> str:
    """What to try after a first ``tasks list``, with the ``--vault`` and ``--db`` it was given."""
    given = [(flag, value) for flag, value in (("--vault", args.vault), ("--db", args.db)) if value is not None]
    where = f" (each with {shlex.join(part for pair in given for part in pair)})" if given else ""
    return (f"next: `tasks tui` to triage on screen, `tasks digest` for the day, `tasks accept ID` to keep a "
            f"proposed item{where}")


def _tsv(tasks: Sequence[Task], groups: Sequence[tuple[str, Sequence[Task]]] | None) -> Iterator[str]:
    """A header row of ``JSON_KEYS`` (after ``group`` with groups), then a row per task; in a cell a tab, a line
    break and a backslash are written ``\\t``, ``\\n``, ``\\r`` and ``\\\\``."""
    from tasktrack.export.table import cell_text

    def row(task: Task) -> str:
        fields = task.to_json()
        return "\t".join(_tsv_escape(cell_text(fields[key])) for key in JSON_KEYS)

    if groups is None:
        yield "\t".join(JSON_KEYS)
        yield from (row(task) for task in tasks)
        return
    yield "\t".join(("group", *JSON_KEYS))
    for name, members in groups:
        yield from (_tsv_escape(name) + "\t" + row(task) for task in members)


def _tsv_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


_LIST = Command("list", "list tasks (unfinished ones unless --status/--all)", _list_args, run_list)


# -- show -----------------------------------------------------------------------------------------


def _show_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", help="a task id (or its first characters)")
    p.add_argument("--context", type=int, default=3, metavar="N", help="lines of the note around the task")
    p.add_argument("--json", action="store_true",
                   help="a JSON object: the task's `list --json` keys, then url, lines (each {line, text}) and "
                        "history")


def run_show(args: argparse.Namespace) -> int:
    ws = open_workspace(args)
    row = ws.task(args.id)
    if args.json:
        sys.stdout.write(json.dumps(task_details_json(ws, row, args.context), ensure_ascii=False) + "\n")
        return 0
    color = render.use_color(sys.stdout.isatty())
    around = _around(ws, row, args.context)
    for line in render.task_details(row, around, ws.store.history(row.id), color):
        sys.stdout.write(line + "\n")
    return 0


def _around(ws: Workspace, task: Task, context: int) -> list[tuple[int, str]]:
    """The note's lines around the task (``context`` each side), as (1-based line, text)."""
    lines = ws.note_lines(task.path)
    first = max(1, task.line - max(context, 0))
    return [(n, lines[n - 1]) for n in range(first, min(len(lines), task.line + context) + 1)]


def task_details_json(ws: Workspace, task: Task, context: int) -> dict[str, Any]:
    """``tasks show --json``: the task object, its ``obsidian://`` URL, the lines around it and its history."""
    from tasktrack.obsidian import obsidian_url

    return {**task.to_json(), "url": obsidian_url(ws.vault, task.path),
            "lines": [{"line": n, "text": text} for n, text in _around(ws, task, context)],
            "history": [dict(row) for row in ws.store.history(task.id)]}


_SHOW = Command("show", "every field of one task, and the note's lines around it", _show_args, run_show)


COMMANDS = (_SCAN, _LIST, _SHOW)
