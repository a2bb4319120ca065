"""Reads and writes that touch the vault run on one background thread, with their own Workspace.

SQLite connections belong to the thread that opened them, so this thread opens its own; the UI thread keeps
its Workspace for reading pages of the store (WAL lets both work at once).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from tasktrack.config import Config
from tasktrack.errors import TaskTrackError
from tasktrack.store.sync import SyncReport
from tasktrack.workspace import Workspace

if TYPE_CHECKING:
    from tasktrack.write.triage import Change, Triage

T = TypeVar("T")


class Background:
    def __init__(self, vault: Path, db: Path, config: Config) -> None:
        self.vault, self.db, self.config = vault, db, config
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tasktrack-io")
        self._ws: Workspace | None = None
        self._triage: Triage | None = None

    async def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, partial(fn, *args, **kwargs))

    # -- run on the background thread ---------------------------------------------------------------

    def _workspace(self) -> Workspace:
        if self._ws is None:
            self._ws = Workspace.open(str(self.vault), str(self.db), self.config)
        return self._ws

    def _verbs(self) -> Triage:
        if self._triage is None:
            try:
                from tasktrack.write.triage import Triage
            except ImportError:
                raise TaskTrackError("this tasktrack cannot change tasks yet (no tasktrack.write.triage)") from None
            self._triage = Triage(self._workspace())
        return self._triage

    def sync(self) -> SyncReport:
        return self._workspace().sync()

    def run(self, verb: str, ids: list[str], value: str | None = None, add: bool = False,
            clear: bool = False) -> list[Change]:
        return self._verbs().run(verb, ids, value=value, add=add, clear=clear)

    def undo(self) -> list[Change]:
        return self._verbs().undo()

    def _close(self) -> None:
        if self._ws is not None:
            self._ws.close()
            self._ws = None

    def close(self) -> None:
        with contextlib.suppress(Exception):  # closing down: nothing left to tell the user
            self._pool.submit(self._close).result(timeout=5)
        self._pool.shutdown(wait=False)
