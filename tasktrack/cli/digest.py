"""``tasks digest``: the day's tasks in sections, as markdown, text or JSON, or written into the daily note."""

from __future__ import annotations

import argparse
import json
import sys

from tasktrack.cli.common import Command, open_workspace
from tasktrack.errors import UsageError

FORMATS = ("md", "text", "json")


def _digest_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--date", metavar="WHEN", help="the day (YYYY-MM-DD or words like yesterday; default today)")
    p.add_argument("--owner", metavar="NAME", help="whose tasks: `me` (your configured names, the default) or a name")
    p.add_argument("--group-by", metavar="KEY", help="group each section's items: owner, note or prop:KEY")
    p.add_argument("--format", default="md", metavar="FORMAT", help=f"{', '.join(FORMATS)} (default md)")
    p.add_argument("--write", action="store_true",
                   help="put the markdown digest into the day's daily note, replacing the one already there")
    p.add_argument("--dry-run", action="store_true", help="with --write: show the change, write nothing")


def _check_format(value: str) -> str:
    if value not in FORMATS:
        raise UsageError(f"--format wants {', '.join(FORMATS)}, not {value!r}")
    return value


def run_digest(args: argparse.Namespace) -> int:
    from tasktrack.digest import build as digest
    from tasktrack.digest import render as digest_render  # here: other commands need not import them

    fmt = _check_format(args.format)
    if args.dry_run and not args.write:
        raise UsageError("--dry-run goes with --write")
    options = digest.parse_options(args.date, args.owner, args.group_by)
    ws = open_workspace(args)
    result = digest.build(ws, options)
    out = sys.stdout
    if args.write and args.dry_run:
        from tasktrack.digest.daily_note import block_diff, daily_note

        out.writelines(block_diff(ws, daily_note(ws.vault, options.day), digest_render.markdown(result)))
        return 0
    if args.write:
        from tasktrack.digest.daily_note import write_digest

        relative, changed = write_digest(ws, options.day, digest_render.markdown(result))
        out.write(f"{'wrote the digest into' if changed else 'the digest is already up to date in'} {relative}\n")
        return 0
    if fmt == "json":
        out.write(json.dumps(digest.as_json(result), ensure_ascii=False, indent=2) + "\n")
        return 0
    lines = digest_render.markdown(result) if fmt == "md" else digest_render.text(result)
    out.write("\n".join(lines) + "\n")
    return 0


COMMANDS = (Command("digest", "the day's tasks: overdue, due, awaiting triage, waiting on others, completed",
         _digest_args, run_digest),)
