"""The task list: a line per task, drawn only for the lines on screen (Textual's line API), from the rows
already read; a row not read yet is drawn blank and asked for (``PageWanted``)."""

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

from .keymap import TABLE_KEYS
from .rows import Columns, row_text
from .source import PAGE, TaskSource


class TaskTable(ScrollView, can_focus=True):
    """Shows a :class:`TaskSource`; keeps a cursor and a selection of task ids."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"task-table--cursor", "task-table--selected"}
    BINDINGS: ClassVar[list[BindingType]] = [Binding(k.key, k.action, k.label, show=False) for k in TABLE_KEYS]

    cursor: reactive[int] = reactive(0, always_update=True, init=False)
    selected: reactive[frozenset[str]] = reactive(frozenset(), init=False)  # task ids

    class Highlighted(Message):
        """The cursor is on another task (or on none)."""

        def __init__(self, row: Task | None) -> None:
            super().__init__()
            self.row = row

    class PageWanted(Message):
        """A row of a page not read yet is on screen."""

        def __init__(self, number: int) -> None:
            super().__init__()
            self.number = number

    class Resized(Message):
        """The list is another width: its column header must follow."""

    def __init__(self, source: TaskSource, today: date, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.source = source
        self.today = today
        self.empty_text = "No tasks."
        self._wanted: set[int] = set()

    # -- what is shown ------------------------------------------------------------------------------

    def reset(self, cursor: int = 0) -> None:
        """The source holds another view: size the scroll area and put the cursor at ``cursor``."""
        self._wanted = set()
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
        row = self.source.row(index)
        if row is None:
            self._want(index // PAGE)
            return Strip.blank(width, self.rich_style)
        return self._strip(row, index, width)

    def _strip(self, row: Task, index: int, width: int) -> Strip:
        selected = row.id in self.selected
        text = row_text(row, Columns.fit(width), self.today, selected, repeat=row.id in self.source.repeats)
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

    def _want(self, number: int) -> None:
        if number not in self._wanted:
            self._wanted.add(number)
            # Posted from the table's own turn: a message posted while the screen draws would not bubble up to
            # the screen (a message never goes back to the pump that sent it).
            self.call_later(lambda: self.post_message(self.PageWanted(number)))

    def show_rows(self) -> None:
        """Rows were read or changed: draw them, and say what is under the cursor now."""
        self._wanted = {number for number in self._wanted if number not in self.source.pages}
        self.refresh()
        self.post_message(self.Highlighted(self.current()))

    def on_resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, self.source.total)
        self.post_message(self.Resized())

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

    def watch_selected(self) -> None:
        self.refresh()

    def toggle_selected(self) -> None:
        row = self.current()
        if row is None:
            return
        self.selected ^= {row.id}
        self.cursor = self._clamp(self.cursor + 1)

    def clear_selection(self) -> bool:
        had = bool(self.selected)
        self.selected = frozenset()
        return had
