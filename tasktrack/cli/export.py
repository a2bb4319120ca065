"""``tasks export``: the tasks ``tasks list`` would show, as an iCalendar file of to-dos or a CSV table."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from tasktrack.cli.common import Command, open_workspace
from tasktrack.cli.read import filter_args, list_filters
from tasktrack.errors import OutputError, UsageError
from tasktrack.parse.scanner import is_note
from tasktrack.workspace import unreadable_notice


def _export_args(p: argparse.ArgumentParser) -> None:
    form = p.add_mutually_exclusive_group(required=True)
    form.add_argument("--ics", metavar="FILE", nargs="?", const="-",
                      help="an iCalendar file: a VTODO per task with a due or scheduled date (`-`: standard output)")
    form.add_argument("--csv", metavar="FILE", nargs="?", const="-",
                      help="a CSV table: the columns of `list --json`, then the note's URL (`-`: standard output)")
    filter_args(p)


def run_export(args: argparse.Namespace) -> int:
    ws = open_workspace(args)
    _refuse_a_note(ws.vault, args.ics if args.ics is not None else args.csv)
    tasks = ws.tasks(list_filters(args, ws))
    unreadable = ws.unreadable()
    if unreadable:
        sys.stderr.write(f"tasks: {unreadable_notice(len(unreadable))}\n")
    if args.ics is not None:
        from tasktrack.export.ics import calendar  # here: other commands need not import icalendar

        export = calendar(tasks, ws.vault, datetime.now(UTC).replace(microsecond=0))
        _write(args.ics, export.data, export.count)
        for line in export.left_out:  # once written: a failed write is the one line said
            sys.stderr.write(f"tasks: {line}\n")
        return 0
    from tasktrack.export.table import csv_text

    _write(args.csv, csv_text(tasks, ws.vault).encode("utf-8"), len(tasks))
    return 0


def _refuse_a_note(vault: Path, target: str) -> None:
    """``UsageError`` for a target that is a note of the vault: an export never replaces a note (no undo could
    bring it back)."""
    if target == "-" or not is_note(target):
        return
    path = Path(target).resolve()
    if path.is_relative_to(vault.resolve()):
        raise UsageError(f"{target} is a note of the vault {vault}: an export does not replace a note; "
                         "give a file outside it, or one that is not .md")


def _write(target: str, data: bytes, count: int) -> None:
    """The file's bytes to ``target`` (``-``: standard output), and on standard output how many tasks it holds."""
    if target == "-":
        sys.stdout.write(data.decode("utf-8"))
        return
    try:
        Path(target).write_bytes(data)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    sys.stdout.write(f"wrote {count} task{'s' * (count != 1)} to {target}\n")


COMMANDS = (Command("export", "the tasks `list` shows, as an iCalendar file of to-dos (--ics) or a CSV table (--csv)",
                    _export_args, run_export),)
