"""The rows of the current view that have been read, a page at a time.

Only the count and the pages that are looked at are read (in worker threads, see ``reading``), so a view of
60,000 tasks opens as fast as one of 60. This holds what was read; it never reads. After a write the touched rows
are patched in place (they stay where they are even if they no longer match the view, until the view is next
read).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tasktrack.model import Task
from tasktrack.tasksquery import Query
from tasktrack.workspace import Filters

PAGE = 200


@dataclass
class TaskSource:
    filters: Filters = field(default_factory=Filters)
    query: Query | None = None  # narrows ``filters`` (see ``reading.read_view``)
    total: int = 0
    pages: dict[int, list[Task]] = field(default_factory=dict)
    stale: bool = False  # rows were patched after a write: a page not read yet may no longer fit with them
    # The likely repeats of the proposed rows read (see ``TaskTrackApp.find_repeats``): for each such row that has
    # some, the tasks it repeats with their similarity, best first.
    repeats: dict[str, list[tuple[Task, float]]] = field(default_factory=dict)

    def has(self, index: int) -> bool:
        return index // PAGE in self.pages

    def row(self, index: int) -> Task | None:
        """The row at ``index``, if its page has been read."""
        if not 0 <= index < self.total:
            return None
        page = self.pages.get(index // PAGE, [])
        offset = index % PAGE
        return page[offset] if offset < len(page) else None

    def put(self, number: int, rows: list[Task]) -> None:
        self.pages[number] = rows

        return None

    def patch(self, fresh: Task) -> None:
        """Show the task as it is now wherever it is."""
        for page in self.pages.values():
            for i, row in enumerate(page):
                if row.id == fresh.id:
                    page[i] = fresh
        self.stale = True
