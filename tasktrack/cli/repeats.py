"""``tasks dupes`` (the groups of repeated action items) and ``tasks merge NEW OLD`` (resolve one)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from tasktrack.cli.common import Command, open_workspace
from tasktrack.cli.triage import report
from tasktrack.store import query
from tasktrack.workspace import Filters, Workspace

if TYPE_CHECKING:
    from tasktrack.repeats import Entry, EntryGroup


def _dupes_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--owner", action="append", metavar="NAME",
                   help="only groups with a task owned by NAME (`me`: your names); repeatable")
    p.add_argument("--prop", action="append", metavar="KEY=VALUE",
                   help="only groups with a task whose note has this property, e.g. account=Microsoft")
    p.add_argument("--path", metavar="TEXT", help="only groups with a task in a note whose path contains TEXT, or "
                                                  "matches a glob like 'Meetings/*'")
    p.add_argument("--json", action="store_true",
                   help="a JSON list of groups, each a list of task objects (the `list --json` keys, then "
                        "`similarity`), the newest first")


def _filters(args: argparse.Namespace, ws: Workspace) -> Filters | None:
    if not (args.owner or args.prop or args.path):
        return None
    owners = [name for owner in args.owner or [] for name in ws.owners_for(owner)]
    return Filters(owners=owners, props=[query.parse_prop(p) for p in args.prop or []], path=args.path)


def run_dupes(args: argparse.Namespace) -> int:
    ws = open_workspace(args)
    filters = _filters(args, ws)
    groups = ws.repeat_groups()
    if filters is not None:
        wanted = {task.id for task in ws.tasks(filters)}
        groups = [g for g in groups if any(entry.id in wanted for entry in g.entries)]
    out = sys.stdout
    if args.json:
        out.write(_groups_json(ws, groups) + "\n")
        return 0
    if not groups:
        out.write("No repeated action items.\n")
        return 0
    for n, group in enumerate(groups):
        out.write("\n" * (n > 0) + "".join(line + "\n" for line in group_lines(group)))
    plural = "s" * (len(groups) != 1)
    out.write(f"\n{len(groups)} group{plural} of repeats; `tasks merge NEW OLD` closes NEW as a repeat of OLD\n")
    return 0


def _groups_json(ws: Workspace, groups: list[EntryGroup]) -> str:
    """A JSON list of the groups, each a list of its tasks as ``list --json`` objects (built by the store, as
    ``list --json`` prints them) with their ``similarity`` added last."""
    from tasktrack.repeats import by_ids

    objects = query.json_objects_by_id(ws.store.db, by_ids([entry.id for group in groups for entry in group.entries]))

    def with_similarity(group: EntryGroup, task_id: str) -> str:
        return f'{objects[task_id][:-1]},"similarity":{json.dumps(group.similarity[task_id])}}}'

    return "[" + ",".join("[" + ",".join(with_similarity(g, e.id) for e in g.entries) + "]" for g in groups) + "]"


def group_lines(group: EntryGroup) -> list[str]:
    """The newest item, then each older one under it with its similarity."""
    head, *older = group.entries
    lines = [_entry_line(head)]
    lines += [f"  ≈ {group.similarity[entry.id]:.2f} {_entry_line(entry)}" for entry in older]
    return lines


def _entry_line(entry: Entry) -> str:
    owners = "".join(f" @{o}" for o in entry.owners)
    return (f"{entry.id}  {entry.day or '':<10}  {entry.status:<11} {entry.description}{owners}  "
            f"({entry.path}:{entry.line})")


def _merge_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("new", metavar="NEW", help="the repeat: the task closed (its id, or its first characters)")
    p.add_argument("old", metavar="OLD", help="the task it repeats, which is kept")
    p.add_argument("--keep-new", action="store_true", help="keep NEW and close OLD as its repeat instead")
    p.add_argument("--carry", action="store_true",
                   help="carry the closed task's due, scheduled and start dates and priority to the kept one "
                        "(the later item's win; an earlier item's only fill what is missing), and its owners "
                        "when the kept one has none")
    p.add_argument("--dry-run", action="store_true", help="show the line diff; write nothing")
    p.add_argument("--json", action="store_true",
                   help="a JSON list of the changes, like the triage verbs: task_id, path, line, old, new, verb, "
                        "warnings, next_id, task")


def run_merge(args: argparse.Namespace) -> int:
    from tasktrack.write.merge import merge
    from tasktrack.write.triage import Triage

    ws = open_workspace(args)
    changes = merge(Triage(ws), args.new, args.old, keep_new=args.keep_new, carry=args.carry,
                    dry_run=args.dry_run)
    report(ws, changes, args)
    return 0


COMMANDS = (
    Command("dupes", "groups of repeated action items: a proposed item and the open or proposed tasks it repeats",
            _dupes_args, run_dupes),
    Command("merge", "close NEW as a repeat of OLD ([-] ❌ today, a link to OLD's block), in one undoable change",
            _merge_args, run_merge),
)
