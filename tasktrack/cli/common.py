"""What every command shares: its description in the command table, and opening the vault and its store."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from tasktrack.cli import render
from tasktrack.dates import today
from tasktrack.errors import DamagedStore, StoreError
from tasktrack.model import Task
from tasktrack.workspace import SyncReport, Workspace, unreadable_notice

Handler = Callable[[argparse.Namespace], int]


class Command(NamedTuple):
    """``tasks NAME``: ``setup`` declares its arguments, ``handler`` runs it and returns the exit code."""

    name: str
    help: str
    setup: Callable[[argparse.ArgumentParser], None]
    handler: Handler


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
        warn_unread_folders(ws.sync())
    return ws


def warn_unread_folders(report: SyncReport) -> None:
    """Say on stderr, in one line, which folders of the vault could not be read (their notes are not scanned)."""
    if report.skipped.unreadable_folders:
        sys.stderr.write(f"tasks: {report.skipped.unreadable_warning()}\n")


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


def warn_unreadable(ws: Workspace) -> set[str]:
    """Say on stderr, in one line, how many notes could not be read fully; their paths (their tasks are flagged)."""
    unreadable = ws.unreadable()
    if unreadable:
        sys.stderr.write(f"tasks: {unreadable_notice(len(unreadable))}\n")
    return {path for path, _ in unreadable}


def tasks_json(tasks: Sequence[Task], groups: Sequence[tuple[str, Sequence[Task]]] | None) -> list[Any]:
    """A list of task objects, or (with groups) of ``{"group": NAME, "tasks": [...]}``."""
    if groups is None:
        return [task.to_json() for task in tasks]
    return [{"group": name, "tasks": [task.to_json() for task in members]} for name, members in groups]


def pager_arg(p: argparse.ArgumentParser) -> None:
    """``--no-pager``: the table straight to the terminal, however long (``print_tasks``)."""
    p.add_argument("--no-pager", dest="pager", action="store_false",
                   help="on a terminal, do not send a long table through $PAGER (else less -FRX)")


def print_tasks(tasks: Sequence[Task], groups: Sequence[tuple[str, Sequence[Task]]] | None, as_json: bool,
                flagged: Collection[str] = (), pager: bool = True) -> None:
    """Tasks (in ``groups``, if given) as the table, or as JSON: a list of task objects, or of
    ``{"group": NAME, "tasks": [...]}``. On a terminal, a table taller than the screen goes through the pager
    (unless ``pager`` is false)."""
    out = sys.stdout
    if as_json:
        out.write(json.dumps(tasks_json(tasks, groups), ensure_ascii=False) + "\n")
        return
    tty = out.isatty()
    if groups is None:
        lines = render.task_table(tasks, tty, today(), flagged=flagged)
    else:
        lines = render.grouped_table(groups, tty, today(), flagged=flagged)
    if tty:
        lines.append(render.paint(f"{len(tasks)} task{'s' * (len(tasks) != 1)}", "2", render.use_color(tty)))
    text = "".join(line + "\n" for line in lines)
    if not (tty and pager and len(lines) >= shutil.get_terminal_size().lines and page(text)):
        out.write(text)


def page(text: str) -> bool:
    """Show ``text`` through ``$PAGER`` (else ``less -FRX``); False when there is no such pager to run."""
    import shlex  # only a long table on a terminal needs them
    import subprocess

    try:
        command = shlex.split(os.environ.get("PAGER") or "less -FRX")
        sys.stdout.flush()
        pager = subprocess.Popen(command or ["less", "-FRX"], stdin=subprocess.PIPE, encoding="utf-8",
                                 errors="replace")
    except (OSError, ValueError):
        return False
    pager.communicate(text)  # a reader who quits the pager early is no error
    return True
