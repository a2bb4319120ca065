"""The rows of the current view, read from the store a page at a time.

Only the count and the pages that are looked at are read, so a view of 60,000 tasks opens as fast as one of 60.
After a write the touched rows are patched in place (they stay where they are even if they no longer match the
view, until the view is next reloaded).
"""

from __future__ import annotations

from dataclasses import replace

from tasktrack.errors import TaskTrackError
from tasktrack.model import Task
from tasktrack.store.query import Filters
from tasktrack.workspace import Workspace

PAGE = 200


class TaskSource:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.filters = Filters()
        self.total = 0
        self.pages: dict[int, list[Task]] = {}
        self.stale = False

    def load(self, filters: Filters) -> None:
        self.filters = filters
        self.total = self.ws.count(filters)
        self.pages = {}
        self.stale = False

    def reload(self) -> None:
        self.load(self.filters)

    def has(self, index: int) -> bool:
        return index // PAGE in self.pages

    def row(self, index: int) -> Task | None:
        if not 0 <= index < self.total:
            return None
        page = self._page(index // PAGE)
        offset = index % PAGE
        return page[offset] if offset < len(page) else None

    def _page(self, number: int) -> list[Task]:
        if number not in self.pages:
            self.pages[number] = self.ws.tasks(replace(self.filters, limit=PAGE, offset=number * PAGE))
        return self.pages[number]

    def index_of(self, task_id: str, near: int = 0, reach: int = PAGE) -> int | None:
        """Where the task is in the view, looking at most ``reach`` rows either side of ``near``."""
        for number in range(max(0, near - reach) // PAGE, min(self.total, near + reach) // PAGE + 1):
            for offset, row in enumerate(self._page(number)):
                if row.id == task_id:
                    return number * PAGE + offset
        return None

    def patch(self, task_id: str) -> bool:
        """Re-read one task into the pages it shows in; False if it is gone."""
        try:
            fresh = self.ws.task(task_id)
        except TaskTrackError:
            return False
        for page in self.pages.values():
            for i, row in enumerate(page):
                if row.id == task_id:
                    page[i] = fresh
        self.stale = True
        return True
