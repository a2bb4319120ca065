"""``tasks mcp``: serve the vault's tasks to an LLM assistant over the Model Context Protocol (stdio)."""

from __future__ import annotations

import argparse

from tasktrack.cli.common import Command, open_workspace
from tasktrack.errors import MissingExtra


def _mcp_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--allow-write", action="store_true",
                   help="also offer the tools that change notes: add_task, one per triage verb, undo")


def run_mcp(args: argparse.Namespace) -> int:
    try:
        from tasktrack.agent.server import serve  # here: other commands need not import the SDK
    except ModuleNotFoundError as exc:
        if (exc.name or "").partition(".")[0] != "mcp":
            raise
        raise MissingExtra("`tasks mcp` needs the MCP SDK: pip install 'tasktrack[mcp]'") from None
    ws = open_workspace(args)  # a missing vault or a broken store stops here, in one line, before serving
    vault = str(ws.vault)
    ws.close()
    serve(vault, getattr(args, "db", None), args.allow_write)
    return 0


COMMANDS = (Command("mcp", "serve the tasks to an LLM assistant over MCP (stdio); read-only unless --allow-write",
                    _mcp_args, run_mcp),)
