"""The task list: a line per task, drawn only for the lines on screen (Textual's line API)."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tasktrack.model import Task

from .rows import Columns, row_text
from .source import TaskSource


class TaskTable(ScrollView, can_focus=True):
    """Shows a :class:`TaskSource`; keeps a cursor and a selection of task ids."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"task-table--cursor", "task-table--selected"}
    DEFAULT_CSS = """
    TaskTable { background: $surface; overflow-x: hidden; }
    TaskTable > .task-table--cursor { background: $accent 40%; text-style: bold; }
    TaskTable:focus > .task-table--cursor { background: $accent 60%; }
    TaskTable > .task-table--selected { background: $primary 25%; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home,g", "jump(0)", "First", show=False),
        Binding("end,G", "jump(-1)", "Last", show=False),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Highlighted(Message):
        """The cursor is on another task (or on none)."""

        def __init__(self, row: Task | None) -> None:
            super().__init__()
            self.row = row

    class PageMissing(Message):
        """A row of a page not yet read was needed after a write: the view should be reloaded."""

    def __init__(self, source: TaskSource, today: date, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.source = source
        self.today = today
        self.selected: set[str] = set()
        self.empty_text = "No tasks."
        self._missing_posted = False

    # -- what is shown ------------------------------------------------------------------------------

    def reset(self, cursor: int = 0) -> None:
        """The source was reloaded: size the scroll area and put the cursor at ``cursor``."""
        self._missing_posted = False
        self.virtual_size = Size(self.scrollable_content_region.width, self.source.total)
        self.cursor = self._clamp(cursor)
        self.refresh()

    def current(self) -> Task | None:
        return self.source.row(self.cursor) if self.source.total else None

    def targets(self) -> list[str]:
        """The selected task ids, else the task under the cursor."""
        if self.selected:
            return sorted(self.selected)
        row = self.current()
        return [row.id] if row is not None else []

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if index >= self.source.total:
            return self._empty_line(y, width)
        if self.source.stale and not self.source.has(index):
            self._post_missing()
            return Strip.blank(width, self.rich_style)
        row = self.source.row(index)
        if row is None:
            return Strip.blank(width, self.rich_style)
        return self._strip(row, index, width)

    def _strip(self, row: Task, index: int, width: int) -> Strip:
        selected = row.id in self.selected
        text = row_text(row, Columns.fit(width), self.today, selected)
        base = self.rich_style
        if index == self.cursor:
            base = base + self.get_component_rich_style("task-table--cursor")
        elif selected:
            base = base + self.get_component_rich_style("task-table--selected")
        segments = [Segment(s.text, base + s.style if s.style else base) for s in text.render(self.app.console)]
        return Strip(segments).crop_extend(0, width, base)

    def _empty_line(self, y: int, width: int) -> Strip:
        if self.source.total or y != 1:
            return Strip.blank(width, self.rich_style)
        text = Text(f"  {self.empty_text}", style="italic")
        return Strip(text.render(self.app.console), text.cell_len).crop_extend(0, width, self.rich_style)

    def _post_missing(self) -> None:
        if not self._missing_posted:
            self._missing_posted = True
            self.post_message(self.PageMissing())

    def on_resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, self.source.total)

    # -- cursor -------------------------------------------------------------------------------------

    def _clamp(self, index: int) -> int:
        return max(0, min(index, self.source.total - 1))

    def watch_cursor(self, old: int, new: int) -> None:
        self.scroll_to_region(Region(0, new, 1, 1), animate=False, force=True, immediate=True)
        self.refresh()
        self.post_message(self.Highlighted(self.current()))

    def action_move(self, step: int) -> None:
        self.cursor = self._clamp(self.cursor + step)

    def action_page(self, direction: int) -> None:
        self.cursor = self._clamp(self.cursor + direction * max(1, self.size.height - 1))

    def action_jump(self, where: int) -> None:
        self.cursor = self._clamp(where if where >= 0 else self.source.total - 1)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None:
            self.cursor = self._clamp(self.scroll_offset.y + offset.y)

    # -- selection ----------------------------------------------------------------------------------

    def toggle_selected(self) -> None:
        row = self.current()
        if row is None:
            return
        self.selected ^= {row.id}
        self.cursor = self._clamp(self.cursor + 1)

    def select_all(self) -> None:
        self.selected = {r.id for r in (self.source.row(i) for i in range(self.source.total)) if r is not None}
        self.refresh()

    def clear_selection(self) -> bool:
        had = bool(self.selected)
        self.selected = set()
        self.refresh()
        return had
