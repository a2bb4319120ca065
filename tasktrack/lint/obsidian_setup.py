"""What Obsidian needs to show proposed items: ``?`` registered as a status of the Obsidian Tasks plugin (its
``data.json``: ``statusSettings.customStatuses``, entries shaped as the plugin's ``StatusConfiguration``), and a
CSS snippet that draws a ``[?]`` checkbox as a question mark instead of as ticked.

Obsidian reads a checkbox only with one character between the brackets: ``[?]`` is one, ``[ ?]`` is not.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from tasktrack.errors import TaskTrackError, WriteFailed
from tasktrack.workspace import Workspace
from tasktrack.write.notes import read_or_none

SYMBOL = "?"
# The entry, key for key as the plugin's StatusConfiguration (symbol, name, nextStatusSymbol,
# availableAsCommand, type): a TODO-type status, so "not done" queries show proposed items; a click accepts one.
STATUS_ENTRY: dict[str, Any] = {"symbol": SYMBOL, "name": "Proposed", "nextStatusSymbol": " ",
                                "availableAsCommand": True, "type": "TODO"}
# The plugin keeps the whole statusSettings object it loads: a new one must hold its defaults too.
DEFAULT_STATUS_SETTINGS: dict[str, list[dict[str, Any]]] = {
    "coreStatuses": [
        {"symbol": " ", "name": "Todo", "nextStatusSymbol": "x", "availableAsCommand": True, "type": "TODO"},
        {"symbol": "x", "name": "Done", "nextStatusSymbol": " ", "availableAsCommand": True, "type": "DONE"},
    ],
    "customStatuses": [
        {"symbol": "/", "name": "In Progress", "nextStatusSymbol": "x", "availableAsCommand": True,
         "type": "IN_PROGRESS"},
        {"symbol": "-", "name": "Cancelled", "nextStatusSymbol": " ", "availableAsCommand": True,
         "type": "CANCELLED"},
    ],
}
SNIPPET_NAME = "tasktrack-proposed"
SNIPPET = """\
/* tasktrack: draw a [?] (proposed) checkbox as a question mark, not as ticked */
input[data-task="?"]:checked,
li[data-task="?"] > input:checked,
li[data-task="?"] > p > input:checked {
  --checkbox-marker-color: transparent;
  background-color: transparent;
  border-color: var(--text-accent);
}
input[data-task="?"]:checked::after,
li[data-task="?"] > input:checked::after,
li[data-task="?"] > p > input:checked::after {
  content: "?";
  -webkit-mask-image: none;
  background-color: transparent;
  color: var(--text-accent);
  font-weight: bold;
  text-align: center;
  line-height: var(--checkbox-size);
}
"""
PLUGIN_SETTINGS = Path("plugins/obsidian-tasks-plugin/data.json")


@dataclass(frozen=True, slots=True)
class FileChange:
    """One file of ``.obsidian`` and what writing the setup does to it."""

    path: Path
    before: bytes | None
    after: bytes
    what: str


def plugin_data(current: bytes | None) -> tuple[bytes, str]:
    """The plugin's ``data.json`` with ``?`` registered (everything else as it was), and what changed."""
    settings = _json_object(current, PLUGIN_SETTINGS.name)
    statuses = settings.setdefault("statusSettings", json.loads(json.dumps(DEFAULT_STATUS_SETTINGS)))
    if not isinstance(statuses, dict) or not isinstance(statuses.get("customStatuses"), list):
        raise TaskTrackError(f"{PLUGIN_SETTINGS}: statusSettings.customStatuses is not a list; nothing written")
    known = next((s for s in statuses["customStatuses"] if isinstance(s, dict) and s.get("symbol") == SYMBOL), None)
    if known is not None:
        return current or b"", f"`?` is already a status ({known.get('name')}, {known.get('type')}): kept"
    statuses["customStatuses"].append(dict(STATUS_ENTRY))
    return (json.dumps(settings, indent=2, ensure_ascii=False) + "\n").encode("utf-8"), \
        "`?` added to statusSettings.customStatuses"


def appearance(current: bytes | None) -> tuple[bytes, str]:
    """Obsidian's ``appearance.json`` with the snippet enabled."""
    settings = _json_object(current, "appearance.json")
    enabled = settings.setdefault("enabledCssSnippets", [])
    if not isinstance(enabled, list):
        raise TaskTrackError("appearance.json: enabledCssSnippets is not a list; nothing written")
    if SNIPPET_NAME in enabled:
        return current or b"", f"the snippet {SNIPPET_NAME} is already enabled"
    enabled.append(SNIPPET_NAME)
    return (json.dumps(settings, indent=2, ensure_ascii=False) + "\n").encode("utf-8"), \
        f"the snippet {SNIPPET_NAME} enabled"


def _json_object(data: bytes | None, name: str) -> dict[str, Any]:
    if data is None:
        return {}
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise TaskTrackError(f"{name} is not valid JSON ({exc}); nothing written") from None
    if not isinstance(value, dict):
        raise TaskTrackError(f"{name} does not hold a JSON object; nothing written")
    return value


def plan(config_dir: Path) -> list[FileChange]:
    """What ``--obsidian-setup --write`` writes into the vault's ``.obsidian`` folder (unchanged files too)."""
    data_path = config_dir / PLUGIN_SETTINGS
    snippet_path = config_dir / "snippets" / f"{SNIPPET_NAME}.css"
    appearance_path = config_dir / "appearance.json"
    changes = []
    before = _read(data_path)
    after, what = plugin_data(before)
    changes.append(FileChange(data_path, before, after, what))
    before = _read(snippet_path)
    snippet = SNIPPET.encode("utf-8")
    changes.append(FileChange(snippet_path, before, snippet,
                              "the snippet is already there" if before == snippet else "the CSS snippet written"))
    before = _read(appearance_path)
    after, what = appearance(before)
    changes.append(FileChange(appearance_path, before, after, what))
    return changes


def _read(path: Path) -> bytes | None:
    """The file's bytes (None if there is none); ``WriteFailed`` if it cannot be read, or is a pipe or a device."""
    try:
        return read_or_none(path)
    except OSError as exc:
        raise WriteFailed(f"cannot read {path}: {exc.strerror or exc}; nothing written") from None


def write(ws: Workspace, now: datetime) -> list[str]:
    """Write the setup into the vault's ``.obsidian`` folder as one change, with a copy of each file it replaces
    beside it as ``NAME.bak-YYYYmmdd-HHMMSS``: journaled like every write (all files or none, finished or rolled
    back after a kill, ``tasks undo`` takes it back). What was done, a line each."""
    from tasktrack.write import journal

    done, writes = [], []
    with ws.lock():
        for change in plan(ws.vault / ".obsidian"):
            backup = ""
            if change.before != change.after:
                writes.append(journal.NoteWrite(_in_vault(ws, change.path), change.before, change.after))
                if change.before is not None:
                    copy = change.path.with_name(f"{change.path.name}.bak-{now:%Y%m%d-%H%M%S}")
                    writes.append(journal.NoteWrite(_in_vault(ws, copy), None, change.before))
                    backup = f" (the old one kept as {copy.name})"
            done.append(f"{change.path}: {change.what}{backup}")
        if writes:
            journal.commit(ws, "lint --obsidian-setup", writes)
    return done


def _in_vault(ws: Workspace, path: Path) -> str:
    return path.relative_to(ws.vault).as_posix()
