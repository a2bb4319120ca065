"""Normalized task statuses, and the checkbox symbol each one comes from."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from tasktrack.config import read_small_file
from tasktrack.errors import UsageError
from tasktrack.model import DEFAULT_SYMBOLS, PROPOSED_TAG, STATUSES

# Obsidian Tasks' status types (its plugin settings) and what they mean here.
_PLUGIN_TYPES = {
    "TODO": "open",
    "IN_PROGRESS": "in_progress",
    "ON_HOLD": "deferred",
    "DONE": "done",
    "CANCELLED": "cancelled",
    "NON_TASK": "non_task",
}


class StatusMap:
    """Maps a checkbox symbol (and the task's tags) to a normalized status."""

    def __init__(self, overrides: Mapping[str, str] | None = None) -> None:
        self.symbols = dict(DEFAULT_SYMBOLS)
        for symbol, status in (overrides or {}).items():
            if len(symbol) != 1 and symbol not in DEFAULT_SYMBOLS:  # one character, or the proposed " ?"
                raise UsageError(f"config: status symbol {symbol!r} must be the one character between the brackets "
                                 "of a checkbox, as `>` in `- [>] task`")
            if status not in STATUSES:
                raise UsageError(f"config: status for symbol {symbol!r} must be one of {', '.join(STATUSES)}")
            self.symbols[symbol] = status

    def status(self, symbol: str, tags: Iterable[str] = ()) -> str:
        status = self.symbols.get(symbol, "open")
        if status in ("open", "in_progress") and PROPOSED_TAG in map(str.lower, tags):
            return "proposed"
        return status

    def fingerprint(self) -> str:
        return json.dumps(sorted(self.symbols.items()))


def plugin_settings(vault: Path, config_dir: str = ".obsidian") -> dict[str, Any]:
    """The Obsidian Tasks plugin's settings in the vault (``data.json``); empty when it has none."""
    path = vault / config_dir / "plugins" / "obsidian-tasks-plugin" / "data.json"
    try:
        settings = json.loads(read_small_file(path))
    except (OSError, ValueError):
        return {}
    return settings if isinstance(settings, dict) else {}


def writes_dataview(settings: Mapping[str, Any]) -> bool:
    """Whether the Obsidian Tasks plugin (its ``settings``) writes and reads Dataview fields, not emoji."""
    return settings.get("taskFormat") == "dataview"


def plugin_statuses(vault: Path, config_dir: str = ".obsidian") -> dict[str, str]:
    """Custom statuses from the Obsidian Tasks plugin's settings in the vault, if it has them."""
    settings = plugin_settings(vault, config_dir)
    try:
        entries = settings["statusSettings"]["coreStatuses"] + settings["statusSettings"]["customStatuses"]
    except (KeyError, TypeError):
        return {}
    found: dict[str, str] = {}
    for entry in entries:
        if isinstance(entry, dict) and entry.get("type") in _PLUGIN_TYPES and len(str(entry.get("symbol", ""))) == 1:
            found[str(entry["symbol"])] = _PLUGIN_TYPES[entry["type"]]
    found.pop("?", None)  # `[?]` stays "proposed" here: that is what the transcript generator means by it
    return found


def parse_status_list(text: str) -> list[str]:
    wanted = [s.strip().replace("-", "_") for s in text.split(",") if s.strip()]
    for status in wanted:
        if status not in STATUSES:
            raise UsageError(f"unknown status {status!r}: use {', '.join(STATUSES)}")
    return wanted
