"""Every key of the TUI: an id (the name used in the config file's ``[keys]``), a default key and a label.

``[keys]`` in config.toml remaps them, e.g. ``accept = "y"`` or ``due = "D,ctrl+d"``. This module does not import
Textual: `tasks config` reads the keys and checks a remap here too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tasktrack.errors import UsageError

from .views import VIEWS


@dataclass(frozen=True, slots=True)
class Key:
    id: str
    key: str
    action: str
    label: str
    help: str
    footer: bool = False
    group: str = "task"


VERB_KEYS: tuple[Key, ...] = (
    Key("accept", "a", "verb('accept')", "Accept", "accept a proposed item: [ ?] -> [ ]", footer=True),
    Key("reject", "r", "verb('reject')", "Reject", "reject a proposed item: [ ?] -> [-]", footer=True),
    Key("merge", "m", "merge", "Merge", "close an item marked ≈ as a repeat of the task it repeats",
        footer=True),
    Key("done", "x", "verb('done')", "Done", "mark done: [x] and today's ✅ date", footer=True),
    Key("reopen", "o", "verb('reopen')", "Reopen", "back to [ ], dropping the done date"),
    Key("start", "s", "verb('start')", "Start", "mark in progress: [/]"),
    Key("due", "d", "date_prompt('due')", "Due", "set or clear the 📅 due date (asks for a date in words)",
        footer=True),
    Key("schedule", "c", "date_prompt('schedule')", "Schedule", "set or clear the ⏳ scheduled date"),
    Key("start-date", "b", "date_prompt('start-date')", "Start date", "set or clear the 🛫 start date"),
    Key("priority", "p", "priority_prompt", "Priority", "set the priority (highest .. lowest)"),
    Key("assign", "w", "owner_prompt", "Assign", "set the owners (who): `Jeff`, `+Jeff` adds, `me`",
        footer=True),
    Key("undo", "u", "undo", "Undo", "revert the last change", footer=True),
    Key("capture", "n", "capture", "New", "capture a new task into the inbox note (asks for it in words)"),
)

OTHER_KEYS: tuple[Key, ...] = (
    Key("select", "space", "toggle_select", "Select", "add or remove the task from the selection", group="list"),
    Key("select-all", "ctrl+a", "select_all", "Select all", "select every task of the view", group="list"),
    Key("clear", "escape", "clear", "Clear", "clear the selection, then the filter", group="list"),
    Key("filter", "slash", "filter", "Filter",
        "filter as you type: words, @owner, #tag, key:value, path:x, or one Tasks query line", footer=True,
        group="list"),
    Key("sort", "S", "cycle_sort", "Sort", "sort by due date, priority, or note (newest first)", group="list"),
    Key("person", "at", "person", "Person",
        "a person's agenda: what I owe them, what they owe me, triage, completed, decisions", group="list"),
    Key("editor", "e", "open_editor", "Edit", "open the note in $EDITOR at the task's line", group="note"),
    Key("obsidian", "O", "open_obsidian", "Obsidian", "open the note in Obsidian (obsidian://open)",
        group="note"),
    Key("rescan", "R", "rescan", "Rescan", "re-read the vault now", group="app"),
    Key("help", "question_mark", "help", "Help", "this help", footer=True, group="app"),
    Key("quit", "q", "quit", "Quit", "leave", footer=True, group="app"),
)

VIEW_KEYS: tuple[Key, ...] = tuple(
    Key(f"view-{v.name}", v.key, f"view('{v.name}')", v.title, f"show {v.title}", group="view") for v in VIEWS
)

ALL_KEYS: tuple[Key, ...] = VIEW_KEYS + VERB_KEYS + OTHER_KEYS
KEY_BY_ID = {k.id: k for k in ALL_KEYS}

# The keys that move the list's cursor (its own bindings: they cannot be remapped).
TABLE_KEYS: tuple[Key, ...] = (
    Key("up", "up,k", "move(-1)", "Up", "the task above", group="table"),
    Key("down", "down,j", "move(1)", "Down", "the task below", group="table"),
    Key("page-up", "pageup", "page(-1)", "Page up", "a screen up", group="table"),
    Key("page-down", "pagedown", "page(1)", "Page down", "a screen down", group="table"),
    Key("first", "home,g", "jump(0)", "First", "the first task", group="table"),
    Key("last", "end,G", "jump(-1)", "Last", "the last task", group="table"),
)
# Textual's own keys on every app and screen, which the TUI keeps.
TEXTUAL_KEYS: dict[str, str] = {"ctrl+q": "quit-at-once", "ctrl+c": "copy", "ctrl+p": "command-palette",
                                "tab": "focus-next", "shift+tab": "focus-previous"}


def built_in_keys() -> dict[str, str]:
    """Each key the TUI needs besides the remappable ones, and what it does there."""
    table = {key: k.id for k in TABLE_KEYS for key in k.key.split(",")}
    return {**table, **TEXTUAL_KEYS}


def keymap_from_config(keys: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """The keymap for ``App.set_keymap``, and the ids in the config that are not ours."""
    known = {k: v.replace(" ", "") for k, v in keys.items() if k in KEY_BY_ID}
    return known, sorted(k for k in keys if k not in KEY_BY_ID)


def resolved_keys(keys: Mapping[str, str]) -> list[tuple[str, str, bool]]:
    """Each action with its key(s) and whether ``[keys]`` remapped it, in the order of the help screen."""
    remapped, _ = keymap_from_config(keys)
    return [(k.id, remapped.get(k.id, k.key), k.id in remapped) for k in ALL_KEYS]


def check_keymap(keys: Mapping[str, str]) -> None:
    """Refuse ``[keys]`` that give one key to two actions: two remapped onto it, one remapped onto the default key
    of another that keeps it, or one remapped onto a key the TUI needs itself (a ``UsageError`` naming both)."""
    built_in = built_in_keys()
    taken: dict[str, str] = {}
    for action, given, _ in resolved_keys(keys):
        for key in filter(None, given.split(",")):
            if key in built_in:
                raise UsageError(f"config [keys]: the key {key!r} is given to both {action} and {built_in[key]} "
                                 "(built in)")
            first = taken.setdefault(key, action)
            if first != action:
                raise UsageError(f"config [keys]: the key {key!r} is given to both {first} and {action}")


def unknown_key_warnings(keys: Mapping[str, str], path: Path | None) -> list[str]:
    """One warning line for each name in ``[keys]`` that is no action of the TUI."""
    _, unknown = keymap_from_config(keys)
    return [f"tasks: warning: unknown action {name!r} in [keys] of {path}" for name in unknown]


def display_key(key: str) -> str:
    names = {"slash": "/", "question_mark": "?", "space": "space", "escape": "esc", "at": "@"}
    return ",".join(names.get(part, part) for part in key.split(","))
