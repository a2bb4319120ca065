"""The ``tasks`` command. Every command syncs the store with the vault before it answers."""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO, cast

from . import __version__, query, render
from .dates import parse_when, today
from .errors import DamagedStore, OutputError, StoreError, TaskTrackError, UsageError
from .grammar import PRIORITY_WORDS
from .statuses import STATUSES, parse_status_list
from .workspace import Workspace, unreadable_notice

Handler = Callable[[argparse.Namespace], int]
COMMANDS: dict[str, tuple[Callable[[argparse.ArgumentParser], None], Handler, str]] = {}


def register(name: str, help_text: str, setup: Callable[[argparse.ArgumentParser], None], handler: Handler) -> None:
    """Add ``tasks NAME``: ``setup`` declares its arguments, ``handler`` runs it and returns the exit code."""
    COMMANDS[name] = (setup, handler, help_text)


def _common(parser: argparse.ArgumentParser, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--vault", metavar="PATH", default=default,
                        help="the vault (default: $TASKTRACK_VAULT, the config file, or the .obsidian folder above)")
    parser.add_argument("--db", metavar="PATH", default=default,
                        help="the store (default: $TASKTRACK_DB, else one per vault in the user data folder)")


def open_workspace(args: argparse.Namespace, sync: bool = True) -> Workspace:
    """The vault and its store. With ``--rebuild``, a store that is damaged (not a database, tables missing) is
    moved aside as ``NAME.corrupt-YYYYmmdd-HHMMSS`` and a new one is made, which the sync fills from the vault."""
    vault, db = getattr(args, "vault", None), getattr(args, "db", None)
    try:
        ws = Workspace.open(vault, db)
    except DamagedStore as exc:
        if not getattr(args, "rebuild", False):
            raise
        aside = _set_aside(exc.path)
        ws = Workspace.open(vault, db)
        sys.stderr.write(f"tasks: the store {exc.path} could not be opened as a database; moved it to {aside.name} "
                         f"and rebuilt it from the vault (undo history lost: {_lost(exc)})\n")
    for line in ws.recover():
        sys.stderr.write(f"tasks: {line}\n")
    if sync:
        ws.sync()
    return ws


def _set_aside(path: Path) -> Path:
    """Rename a damaged store (and its -wal and -shm files) to ``NAME.corrupt-YYYYmmdd-HHMMSS``."""
    aside = path.with_name(f"{path.name}.corrupt-{datetime.now():%Y%m%d-%H%M%S}")
    try:
        for suffix in ("-wal", "-shm", ""):
            source = path.with_name(path.name + suffix)
            if suffix == "" or source.exists():
                os.replace(source, aside.with_name(aside.name + suffix))
    except OSError as exc:
        raise StoreError(f"cannot move the store {path} aside: {exc.strerror or exc}") from None
    return aside


def _lost(exc: DamagedStore) -> str:
    """Why the undo history of a damaged store cannot be read."""
    return exc.problem if exc.missing else "it was in that file"


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


register("scan", "sync the store with the vault and print counts and warnings", _scan_args, run_scan)


# -- list -----------------------------------------------------------------------------------------


def _list_args(p: argparse.ArgumentParser) -> None:
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
    p.add_argument("--json", action="store_true", help="a JSON list of task objects")


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
    unreadable = ws.unreadable()
    if unreadable:
        sys.stderr.write(f"tasks: {unreadable_notice(len(unreadable))}\n")
    out = sys.stdout
    if args.json:
        out.writelines(query.json_lines(ws.store.db, filters))
        return 0
    rows = ws.tasks(filters)
    tty = out.isatty()
    for line in render.task_table(rows, tty, today(), flagged={path for path, _ in unreadable}):
        out.write(line + "\n")
    if tty:
        out.write(render.paint(f"{len(rows)} task{'s' * (len(rows) != 1)}", "2", render.use_color(tty)) + "\n")
    return 0


register("list", "list tasks (unfinished ones unless --status/--all)", _list_args, run_list)


# -- show -----------------------------------------------------------------------------------------


def _show_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", help="a task id (or its first characters)")
    p.add_argument("--context", type=int, default=3, metavar="N", help="lines of the note around the task")


def run_show(args: argparse.Namespace) -> int:
    ws = open_workspace(args)
    row = ws.task(args.id)
    lines = ws.note_lines(row["path"])
    first = max(1, row["line"] - args.context)
    around = [(n, lines[n - 1]) for n in range(first, min(len(lines), row["line"] + args.context) + 1)]
    color = render.use_color(sys.stdout.isatty())
    for line in render.task_details(row, around, ws.store.history(row["id"]), color):
        sys.stdout.write(line + "\n")
    return 0


register("show", "every field of one task, and the note's lines around it", _show_args, run_show)


# -- entry point ----------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def build_parser() -> argparse.ArgumentParser:
    _load_extra_commands()
    parser = _Parser(prog="tasks", description="Triage the tasks of an Obsidian vault.")
    parser.add_argument("--version", action="version", version=f"tasktrack {__version__}")
    _common(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (setup, handler, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        _common(p, suppress=True)
        setup(p)
        p.set_defaults(handler=handler)
    return parser


def _load_extra_commands() -> None:
    """Commands that live in their own modules register themselves on import."""
    import importlib

    for module in ("tasktrack.cli_triage", "tasktrack.cli_digest", "tasktrack.cli_tui"):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise


class _Output:
    """Standard output, where a failure to write (a full disk, a terminal gone) is an ``OutputError``. A closed
    pipe stays a ``BrokenPipeError``: the reader has stopped reading, which is no error."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        with _writing():
            return self.stream.write(text)

    def writelines(self, lines: Iterable[str]) -> None:
        with _writing():
            self.stream.writelines(lines)

    def flush(self) -> None:
        with _writing():
            self.stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


@contextmanager
def _writing() -> Iterator[None]:
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputError(f"cannot write the output: {exc.strerror or exc}") from None


def main(argv: Sequence[str] | None = None) -> int:
    stdout = sys.stdout
    sys.stdout = cast(TextIO, _Output(stdout))  # used as a stream: only writes and attributes
    try:
        return _run(argv)
    finally:
        sys.stdout = stdout


def _run(argv: Sequence[str] | None) -> int:
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "handler", None):
            parser.print_help()
            return 2
        code = int(args.handler(args))
        sys.stdout.flush()
        return code
    except TaskTrackError as exc:
        sys.stderr.write(f"tasks: {exc}\n")
        return exc.exit_code
    except sqlite3.Error as exc:  # the store changed under us: a table dropped, the file damaged
        sys.stderr.write(f"tasks: cannot use the store: {exc}; run `tasks scan --rebuild` to rebuild it\n")
        return StoreError.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("tasks: interrupted\n")
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
