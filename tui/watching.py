"""Following the vault as notes change: ``watchfiles`` (inotify and its kin) tells us, in a thread of its own."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from threading import Event

from watchfiles import Change, watch

BURST_MS = 200  # a burst of changes (a save, a sync of many notes) is told once, at most this long after it began
QUIET_MS = 50  # a burst is over when nothing changed for this long; the stop event is looked at as often
STORE_FILES = ("", "-wal", "-shm", "-journal")  # the store and SQLite's files beside it


class VaultFilter:
    """The changes worth telling: those a scan of the vault would see. Not in a hidden folder or file
    (``.obsidian``, ``.trash``, and the temporary files tasktrack writes a note through, ``.tasktrack-*.tmp``),
    not the store (and its -wal, -shm, -journal) when it lives in the vault."""

    def __init__(self, vault: Path, store: Path) -> None:
        self.vault = os.path.abspath(vault)
        self.store = frozenset(os.path.abspath(f"{store}{suffix}") for suffix in STORE_FILES)

    def __call__(self, change: Change, path: str) -> bool:
        path = os.path.abspath(path)
        if path in self.store:
            return False
        parts = Path(os.path.relpath(path, self.vault)).parts
        return not any(part.startswith(".") for part in parts)


def watch_vault(vault: Path, store: Path, stop: Event, changed: Callable[[], object]) -> None:
    """Call ``changed`` after each burst of changes below ``vault`` until ``stop`` is set (it is looked at every
    ``QUIET_MS``). Raises OSError (or RuntimeError, watchfiles' own) when the vault cannot be watched."""
    for _ in watch(vault, watch_filter=VaultFilter(vault, store), debounce=BURST_MS, step=QUIET_MS,
                   stop_event=stop, raise_interrupt=False, ignore_permission_denied=True):
        changed()
