"""``tasks tui``: the triage screen. Textual is imported only when this command runs."""

from __future__ import annotations

import argparse

from tasktrack.cli.common import Command, open_workspace


def _tui_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-live", action="store_true", help="do not watch the vault for changes")


def run_tui(args: argparse.Namespace) -> int:
    ws = open_workspace(args, sync=False)
    try:
        from tasktrack.tui.app import TaskTrackApp
        from tasktrack.tui.keymap import check_keymap

        check_keymap(ws.config.keys)

        TaskTrackApp(ws, live_interval=None if args.no_live else 0.75).run()
    finally:
        ws.close()
    return 0


COMMANDS = (Command("tui", "browse and triage tasks in the terminal (proposed items first)", _tui_args, run_tui),)
