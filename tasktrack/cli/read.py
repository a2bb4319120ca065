"""``tasks scan``, ``tasks list`` and ``tasks show``: reading the store, synced with the vault first."""

from __future__ import annotations

import argparse
import sys

from tasktrack.cli import render
from tasktrack.cli.common import Command, open_workspace, print_tasks, warn_unreadable
from tasktrack.dates import parse_when, today
from tasktrack.errors import UsageError
from tasktrack.grouping import KEYS, check_key, group_tasks
from tasktrack.model import PRIORITY_WORDS, STATUSES
from tasktrack.parse.statuses import parse_status_list
from tasktrack.store import query
from tasktrack.workspace import Workspace

# -- scan -----------------------------------------------------------------------------------------


def _scan_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rebuild", action="store_true", help="start the store over")


def run_scan(args: argparse.Namespace) -> int:
    ws = open_workspace(args, sync=False)
    report = ws.sync(rebuild=args.rebuild)
    counts = ws.store.counts()
    out = sys.stdout
    out.write(f"vault  {ws.vault}\nstore  {ws.store.path}\n")
    failed = ws.store.failed_paths()
    read_now = sum(path not in failed for path in report.read)
    unreadable = f", {len(failed)} unreadable" if failed else ""
    out.write(f"notes  {ws.store.note_count()} ({read_now} read now, {len(report.deleted)} gone{unreadable})\n")
    out.write(f"tasks  {sum(counts.values())}\n")
    for status in STATUSES:
        if counts.get(status):
            out.write(f"  {status:<12}{counts[status]:>7}\n")
    problems = ws.store.problems()
    skipped = report.skipped.warnings()
    if problems or skipped:
        out.write(f"warnings  {len(problems) + len(skipped)}\n")
        for path, line, message in problems:
            out.write(f"  {path}{'' if line is None else f':{line}'}: {message}\n")
        for message in skipped:
            out.write(f"  {message}\n")
    return 0


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
    p.add_argument("--json", action="store_true",
                   help="a JSON list of task objects (with --group-by: a list of {group, tasks})")


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
    if args.limit is not None and args.limit < 0:
        raise UsageError("--limit must be 0 or more")
    return f


def run_list(args: argparse.Namespace) -> int:
    ws = open_workspace(args)
    filters = list_filters(args, ws)
    flagged = warn_unreadable(ws)
    if args.json and not args.group_by:
        sys.stdout.writelines(query.json_lines(ws.store.db, filters))  # built by SQLite: the fast path
        return 0
    tasks = ws.tasks(filters)
    print_tasks(tasks, group_tasks(tasks, args.group_by) if args.group_by else None, args.json, flagged)
    return 0


_LIST = Command("list", "list tasks (unfinished ones unless --status/--all)", _list_args, run_list)


# -- show -----------------------------------------------------------------------------------------


def _show_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", help="a task id (or its first characters)")
    p.add_argument("--context", type=int, default=3, metavar="N", help="lines of the note around the task")


def run_show(args: argparse.Namespace) -> int:
    ws = open_workspace(args)
    row = ws.task(args.id)
    lines = ws.note_lines(row.path)
    first = max(1, row.line - args.context)
    around = [(n, lines[n - 1]) for n in range(first, min(len(lines), row.line + args.context) + 1)]
    color = render.use_color(sys.stdout.isatty())
    for line in render.task_details(row, around, ws.store.history(row.id), color):
        sys.stdout.write(line + "\n")
    return 0


_SHOW = Command("show", "every field of one task, and the note's lines around it", _show_args, run_show)


COMMANDS = (_SCAN, _LIST, _SHOW)
