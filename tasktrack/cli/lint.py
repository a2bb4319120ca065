"""``tasks lint``: the lines Obsidian (Obsidian Tasks, Dataview) reads otherwise than they say, and the fixes."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tasktrack.cli.common import Command, open_workspace
from tasktrack.config import load_config, resolve_vault
from tasktrack.errors import UsageError
from tasktrack.model import Task
from tasktrack.parse.statuses import plugin_settings, writes_dataview
from tasktrack.workspace import Workspace

if TYPE_CHECKING:
    from tasktrack.lint.checks import Finding

FINDINGS_EXIT = 9  # findings remain (see errors.EXIT_CODES)


def _lint_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH", help="notes or folders of the vault (default: all of it)")
    p.add_argument("--json", action="store_true",
                   help="a JSON list of findings: path, line, rule, message, fix (with --fix: the changes, as "
                        "the triage verbs print them)")
    p.add_argument("--fix", action="store_true",
                   help="apply the safe fixes: move text that follows the fields before them, drop a field "
                        "written twice with one value (undo with `tasks undo`)")
    p.add_argument("--dry-run", action="store_true", help="with --fix: show the diff, write nothing")
    p.add_argument("--obsidian-setup", action="store_true",
                   help="print the Obsidian Tasks status entry and the CSS snippet that make `[?]` a proposed item "
                        "in Obsidian")
    p.add_argument("--write", action="store_true",
                   help="with --obsidian-setup: write them into .obsidian (each changed file backed up beside it)")
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.epilog = ("rules: proposed-checkbox, text-after-fields, tag-between-fields, invalid-date, duplicate-field,\n"
                "  emoji-variant, block-id-not-last, duplicate-block-id, hidden-task.\n"
                f"Exit code {FINDINGS_EXIT} when findings remain, 0 when none.")


def run_lint(args: argparse.Namespace) -> int:
    if args.obsidian_setup:
        return _obsidian_setup(args)
    if args.write:
        raise UsageError("--write goes with --obsidian-setup (to fix notes, use --fix)")
    if args.dry_run and not args.fix:
        raise UsageError("--dry-run goes with --fix")
    from tasktrack.lint.checks import lint_lines  # here: `tasks list` need not compile the rules

    ws = open_workspace(args)
    dataview = writes_dataview(plugin_settings(ws.vault))
    notes = {path: ws.note_lines(path) for path in _paths(ws, args.paths)}
    findings = [f for path, lines in notes.items() for f in lint_lines(path, lines, dataview)]
    if args.fix:
        findings = _fix(ws, args, notes, findings, dataview)
    elif args.json:
        sys.stdout.write(json.dumps([f.to_json() for f in findings], ensure_ascii=False) + "\n")
    if not args.json:
        sys.stdout.writelines(f"{finding}\n" for finding in findings)
    return FINDINGS_EXIT if findings else 0


def _fix(ws: Workspace, args: argparse.Namespace, notes: dict[str, list[str]], findings: list[Finding],
         dataview: bool) -> list[Finding]:
    """Apply the mechanical fixes through the write path; the findings that remain (in the fixed text)."""
    from tasktrack.cli.triage import report
    from tasktrack.lint.checks import fix_line, lint_lines
    from tasktrack.parse.grammar import parse_line
    from tasktrack.write.triage import Triage

    new_lines: list[tuple[Task, list[str]]] = []
    for path, line in dict.fromkeys((f.path, f.line) for f in findings if f.new is not None):
        task = ws.task_at(path, line)
        parsed = parse_line(notes[path][line - 1])
        if task is not None and parsed is not None and (fixed := fix_line(parsed, dataview)) != task.raw:
            new_lines.append((task, [fixed]))
            notes[path][line - 1] = fixed
    if new_lines:
        report(ws, Triage(ws).rewrite("lint --fix", new_lines, dry_run=args.dry_run), args)
    elif args.json:
        sys.stdout.write("[]\n")
    return [f for path in dict.fromkeys(f.path for f in findings) for f in lint_lines(path, notes[path], dataview)]


def _paths(ws: Workspace, given: list[str]) -> list[str]:
    """The notes to lint: all of the vault, or those the given paths name (notes or folders, relative to the
    vault or to the current folder)."""
    known = ws.note_paths()
    if not given:
        return known
    wanted: list[str] = []
    for text in given:
        relative = _in_vault(ws.vault, text)
        found = [p for p in known if p == relative or relative in ("", ".") or p.startswith(relative.rstrip("/") + "/")]
        if not found:
            raise UsageError(f"no note or folder {text!r} in the vault {ws.vault}")
        wanted += found
    return list(dict.fromkeys(wanted))


def _in_vault(vault: Path, text: str) -> str:
    path = Path(text).expanduser()
    for candidate in ((path,) if path.is_absolute() else (Path.cwd() / path, vault / path)):
        resolved = candidate.resolve()
        if resolved.exists() and resolved.is_relative_to(vault):
            return resolved.relative_to(vault).as_posix()
    return path.as_posix()


def _obsidian_setup(args: argparse.Namespace) -> int:
    from tasktrack.lint import obsidian_setup as setup

    vault = resolve_vault(getattr(args, "vault", None), load_config())
    config_dir = vault / ".obsidian"
    done = setup.write(open_workspace(args, sync=False), datetime.now()) if args.write else []
    snippet_path = config_dir / "snippets" / f"{setup.SNIPPET_NAME}.css"
    if args.json:
        sys.stdout.write(json.dumps({"status": setup.STATUS_ENTRY, "snippet": {"path": str(snippet_path),
                                     "css": setup.SNIPPET}, "written": done}, ensure_ascii=False) + "\n")
        return 0
    if done:
        sys.stdout.writelines(f"{line}\n" for line in done)
        sys.stdout.write("Reload Obsidian (or the Tasks plugin) to use them.\n")
        return 0
    sys.stdout.write(
        "Obsidian reads a checkbox only when one character stands between the brackets: `[?]` is one, `[ ?]` "
        "(a space and `?`) is not, so `[ ?]` items are no tasks for Obsidian Tasks or Dataview. Write proposed "
        "items as `[?]` (tasktrack reads both as proposed) and register `?` as a status:\n\n"
        f"1. Obsidian Tasks settings > Statuses > Add a new status (or, in {config_dir / setup.PLUGIN_SETTINGS}, "
        "append to statusSettings.customStatuses):\n\n"
        f"{json.dumps(setup.STATUS_ENTRY, ensure_ascii=False)}\n\n"
        f"2. A CSS snippet, {snippet_path} (enable it under Settings > Appearance > CSS snippets):\n\n"
        f"{setup.SNIPPET}\n"
        "`tasks lint --obsidian-setup --write` writes both into .obsidian (and enables the snippet), keeping a "
        "copy of each file it changes beside it.\n")
    return 0


COMMANDS = (
    Command("lint", "report lines Obsidian reads otherwise than they say (`--fix`: the safe fixes; "
            "`--obsidian-setup`: make `[?]` a status)", _lint_args, run_lint),
)
