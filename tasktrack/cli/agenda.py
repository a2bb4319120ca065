"""``tasks agenda PERSON``: before a 1:1 or a call, what I owe them, what they owe me, what awaits triage, what
was completed since the last meeting, and that meeting's decisions and blockers; as markdown, text or JSON, or
written into a note."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from tasktrack.cli.common import Command, open_workspace
from tasktrack.cli.digest import FORMATS
from tasktrack.errors import UsageError

if TYPE_CHECKING:
    from tasktrack.digest.agenda import Agenda
    from tasktrack.workspace import Workspace

_NAME_HELP = "the person: a name (Morty), @Name or [[First Last]]; the [people] table of the config file gives aliases"


def _agenda_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("person", nargs="?", metavar="PERSON", help=_NAME_HELP)
    p.add_argument("--prop", metavar="KEY=VALUE",
                   help="an account instead of a person: the notes whose property KEY is VALUE (account=Lambda)")
    p.add_argument("--format", default="md", metavar="FORMAT", help=f"{', '.join(FORMATS)} (default md)")
    p.add_argument("--json", action="store_true", help="the same as --format json")
    p.add_argument("--write", action="store_true",
                   help="put the markdown agenda into today's daily note (or the --to note), replacing this "
                        "person's agenda already there")
    p.add_argument("--to", metavar="NOTE", help="with --write: the note, by its path in the vault or its name")
    p.add_argument("--dry-run", action="store_true", help="with --write: show the change, write nothing")


def _who(args: argparse.Namespace) -> tuple[str, tuple[str, str] | None]:
    """The name asked for, and the account (property, value) with ``--prop``."""
    from tasktrack.people import plain_name
    from tasktrack.store.query import parse_prop

    if args.prop is not None:
        if args.person is not None:
            raise UsageError("give either a PERSON or --prop KEY=VALUE, not both")
        key, value = parse_prop(args.prop)
        if not value:
            raise UsageError(f"--prop wants key=value with a value, not {args.prop!r}")
        return value, (key, value)
    if args.person is None or not plain_name(args.person):
        raise UsageError("tasks agenda wants a PERSON (like Morty) or --prop KEY=VALUE (like account=Lambda)")
    return args.person, None


def run_agenda(args: argparse.Namespace) -> int:
    from tasktrack.digest import agenda as agendas  # here: other commands need not import it

    fmt = "json" if args.json else args.format
    if fmt not in FORMATS:
        raise UsageError(f"--format wants {', '.join(FORMATS)}, not {fmt!r}")
    if (args.to or args.dry_run) and not args.write:
        raise UsageError("--to and --dry-run go with --write")
    name, account = _who(args)
    ws = open_workspace(args)
    result = ws.agenda(ws.person(name), account)
    out = sys.stdout
    if args.write:
        return _write(ws, result, args)
    if fmt == "json":
        out.write(json.dumps(agendas.as_json(result), ensure_ascii=False, indent=2) + "\n")
        return 0
    lines = agendas.markdown(result) if fmt == "md" else agendas.text(result)
    out.write("\n".join(lines) + "\n")
    return 0


def _write(ws: Workspace, result: Agenda, args: argparse.Namespace) -> int:
    """``--write``: the markdown agenda between this person's markers in the note, through the journal (``tasks
    undo`` takes it back); with ``--dry-run``, the change as a diff."""
    from tasktrack.cli.capture import resolve_note
    from tasktrack.dates import today
    from tasktrack.digest import agenda as agendas
    from tasktrack.digest.daily_note import block_diff, daily_note, write_block

    relative = resolve_note(ws, args.to) if args.to else daily_note(ws.vault, today())
    block, markers = agendas.markdown(result), agendas.markers(result)
    if args.dry_run:
        sys.stdout.writelines(block_diff(ws, relative, block, markers, "agenda"))
        return 0
    relative, changed = write_block(ws, relative, block, markers, "agenda")
    said = "wrote the agenda into" if changed else "the agenda is already up to date in"
    sys.stdout.write(f"{said} {relative}\n")
    return 0


COMMANDS = (Command("agenda", "one person's agenda: what I owe them, what they owe me, what awaits triage, what was "
                              "completed since the last meeting, its decisions", _agenda_args, run_agenda),)
