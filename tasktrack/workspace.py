"""The public entry point: one vault, its store and its settings, kept in sync."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tasktrack.config import Config, load_config, resolve_store, resolve_vault
from tasktrack.errors import StoreError, UnknownTask
from tasktrack.model import Task
from tasktrack.parse.statuses import StatusMap, plugin_statuses
from tasktrack.people import Person, attendees
from tasktrack.store import query
from tasktrack.store.database import Store
from tasktrack.store.query import Filters
from tasktrack.store.sync import SyncReport, sync, sync_paths

if TYPE_CHECKING:
    from tasktrack.digest.agenda import Agenda
    from tasktrack.repeats import EntryGroup, Repeats

# What a Workspace takes and gives besides the model: the filters of a query, and what a sync did.
__all__ = ["Filters", "Person", "SyncReport", "Workspace", "unreadable_notice"]


def unreadable_notice(count: int) -> str:
    """The one line that says notes could not be read fully (``tasks list``, the digest)."""
    return f"{count} note{'s' * (count != 1)} could not be read fully: `tasks scan` lists them"


@dataclass
class Workspace:
    vault: Path
    store: Store
    config: Config
    statuses: StatusMap

    @classmethod
    def open(cls, vault: str | None = None, db: str | None = None, config: Config | None = None) -> Workspace:
        config = config or load_config()
        root = resolve_vault(vault, config)
        statuses = StatusMap({**plugin_statuses(root), **config.statuses})
        store = Store(resolve_store(db, root), root)
        return cls(root, store, config, statuses)

    def reopen(self) -> Workspace:
        """Another Workspace on the same vault, store and settings, with its own connection to the store (a
        SQLite connection belongs to the thread that opened it: a worker thread opens its own)."""
        return Workspace(self.vault, Store(self.store.path, self.vault), self.config, self.statuses)

    def sync(self, rebuild: bool = False) -> SyncReport:
        try:
            return sync(self.vault, self.store, self.statuses, rebuild=rebuild,
                        follow_external_links=self.config.follow_external_links)
        except sqlite3.Error as exc:
            raise StoreError(f"the store {self.store.path} cannot be used: {exc}") from None

    def refresh(self, paths: list[str], pinned: Mapping[str, Mapping[int, str]] | None = None) -> None:
        """Re-read these notes now (after tasktrack itself wrote them). ``pinned``: for a note, {1-based line
        of its new text: the id the task on that line keeps} (see ``sync.sync_paths``)."""
        sync_paths(self.vault, self.store, self.statuses, paths, pinned)

    def recover(self) -> list[str]:
        """Finish or roll back a change a killed tasktrack left half done; what was done, a line each."""
        if not self.store.has_pending_change():
            return []
        from tasktrack.write import journal  # only then: most commands never need the write path

        with self.lock():
            return journal.recover(self)

    def unreadable(self) -> list[tuple[str, str]]:
        """The notes that could not be read fully, as (path, message): see ``Store.unreadable``."""
        return self.store.unreadable()

    def note_count(self) -> int:
        """How many notes the store holds that could be read (0 before the first scan)."""
        return self.store.note_count()

    def me(self) -> tuple[str, ...]:
        return self.config.me

    def owners_for(self, name: str) -> list[str]:
        """``me`` stands for the configured names; any other name stands for itself."""
        return list(self.config.me) if name.strip().lower() == "me" else [name.strip().lstrip("@")]

    def person(self, name: str) -> Person:
        """The person ``name`` stands for, with the aliases of the config file's ``[people]``."""
        return Person.named(name, self.config.people)

    def people(self) -> list[str]:
        """The names the vault knows people by: the ``[people]`` names, the task owners and the notes'
        attendees (``participants``), sorted; for completing a name."""
        names = {name for name in self.config.people}
        names.update(o for (owners,) in self.store.db.execute("SELECT DISTINCT owners FROM tasks")
                     for o in json.loads(owners))
        for (properties,) in self.store.db.execute(
                "SELECT properties FROM notes WHERE instr(lower(properties), 'participants') "
                "OR instr(lower(properties), 'attendees')"):
            names.update(attendees(json.loads(properties)))
        me = {name.casefold() for name in self.config.me}
        return sorted((n for n in names if n.casefold() not in me), key=str.casefold)

    def agenda(self, person: Person, account: tuple[str, str] | None = None) -> Agenda:
        """What stands between the user and ``person`` (or the account ``account`` = (property, value)): see
        ``tasktrack.digest.agenda``."""
        from tasktrack.digest import agenda

        return agenda.build(self, person, account)

    def tasks(self, filters: Filters) -> list[Task]:
        return query.select(self.store.db, filters)

    def dependencies(self) -> tuple[frozenset[str], frozenset[str]]:
        """The dependency ids of the unfinished tasks, and the ids that unfinished tasks depend on."""
        return query.dependencies(self.store.db)

    def count(self, filters: Filters) -> int:
        return query.count(self.store.db, filters)

    def repeats(self, new: Sequence[Task] | None = None) -> Repeats:
        """The likely repeats among the unfinished tasks: each proposed item (or each of ``new``) against the
        unfinished tasks of the other notes (see ``tasktrack.repeats``)."""
        from tasktrack.repeats import in_store  # only then: rapidfuzz is for the commands that need it

        return in_store(self.store.db, self.config.repeats, new)

    def repeat_groups(self) -> list[EntryGroup]:
        """The groups of ``repeats()``, as the comparison read them (what each task says and where, not the
        whole tasks): for listing every group (``tasks dupes``)."""
        from tasktrack.repeats import groups_in_store

        return groups_in_store(self.store.db, self.config.repeats)

    def task(self, task_id: str) -> Task:
        row = query.one(self.store.db, self.store.resolve_id(task_id))
        if row is None:
            raise UnknownTask(f"no task with id {task_id!r}")
        return row

    def task_at(self, path: str, line: int) -> Task | None:
        """The task on 1-based ``line`` of the note ``path`` (in the vault), if there is one."""
        return query.at(self.store.db, path, line)

    def note_paths(self) -> list[str]:
        """Every note the store knows, by its path in the vault."""
        return [path for (path,) in self.store.db.execute("SELECT path FROM notes ORDER BY path")]

    def note_path(self, relative: str) -> Path:
        return self.vault / relative

    def note_lines(self, relative: str) -> list[str]:
        """The note's lines as Obsidian shows them (a byte that is not UTF-8 as U+FFFD); none if it cannot be
        read."""
        from tasktrack.parse.scanner import obsidian_text, split_lines

        try:
            return split_lines(obsidian_text(self.note_path(relative).read_bytes()))
        except OSError:
            return []

    def lock(self) -> AbstractContextManager[None]:
        """Serializes writes against other tasktrack processes using the same store."""
        from tasktrack.write.notes import file_lock

        return file_lock(self.store.path.with_name(self.store.path.name + ".lock"))

    def close(self) -> None:
        self.store.close()

