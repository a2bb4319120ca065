"""``tasks tui``: the triage screen. Textual is imported only when this command runs."""

from __future__ import annotations

import argparse
import sys

from tasktrack.cli.common import Command, open_workspace


def _tui_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-live", action="store_true", help="do not watch the vault for changes")


def run_tui(args: argparse.Namespace) -> int:
    ws = open_workspace(args, sync=False)
    try:
        from tasktrack.tui.keymap import check_keymap, unknown_key_warnings

        sys.stderr.writelines(line + "\n" for line in unknown_key_warnings(ws.config.keys, ws.config.path))
        check_keymap(ws.config.keys)  # before Textual is imported: a refused remap costs no wait
        from tasktrack.tui.app import LIVE_INTERVAL, TaskTrackApp

        TaskTrackApp(ws, live_interval=None if args.no_live else LIVE_INTERVAL).run()
    finally:
        ws.close()
    return 0


COMMANDS = (Command("tui", "browse and triage tasks in the terminal (proposed items first)", _tui_args, run_tui),)
