"""The browsing half of the TUI: views, filter, sort, selection, the detail pane, live reload."""

from __future__ import annotations

import sqlite3
import time
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Footer, Input, Static

from tasktrack.dates import today
from tasktrack.errors import TaskTrackError
from tasktrack.store.query import Filters
from tasktrack.workspace import Workspace, unreadable_notice

from .background import Background
from .detail import DetailPane
from .help import HelpScreen
from .keymap import bindings, display_key, keymap_from_config
from .rows import Columns, header_text
from .source import TaskSource
from .table import TaskTable
from .views import VIEW_BY_NAME, VIEWS, Context, TypedFilter, View, filters_for, next_sort, parse_filter

LIVE_INTERVAL = 0.75
APP_CSS = """
Screen { layout: vertical; }

#tabs { height: 1; background: $panel; color: $text; }
#summary { height: 1; background: $panel; color: $text-muted; }

#main { height: 1fr; }
#list-pane { width: 3fr; }
#columns { height: 1; background: $boost; color: $text-muted; }
#tasks { height: 1fr; scrollbar-size-vertical: 1; }
#detail { width: 40%; max-width: 64; min-width: 36; }

Screen.-narrow #main { layout: vertical; }
Screen.-narrow #list-pane { width: 1fr; height: 3fr; }
Screen.-narrow #detail { width: 1fr; max-width: 100%; height: 2fr; border-left: none; border-top: tall $primary 30%; }

#filter { display: none; height: 1; margin: 0 1; }
#filter.shown { display: block; }

#message { height: 1; padding: 0 1; color: $success; }
#message.error { color: $error; text-style: bold; }
"""


class BrowseApp(App[None]):
    """Views of the store, the filter, the sort, the selection, the detail pane; live as notes change."""

    TITLE = "tasktrack"
    CSS = APP_CSS
    BINDINGS: ClassVar[list[BindingType]] = bindings()
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]  # noqa: RUF012 - Textual's own annotation

    def __init__(self, ws: Workspace, live_interval: float | None = LIVE_INTERVAL) -> None:
        super().__init__()
        self.ws = ws
        self.today = today()
        self.context = Context(self.today, ws.config.me)
        self.source = TaskSource(ws)
        self.view: View = VIEWS[0]
        self.sort: str | None = None
        self.typed = TypedFilter()
        self.background = Background(ws.vault, ws.store.path, ws.config)
        self.live_interval = live_interval
        self._syncing = False
        self._detail_timer: Timer | None = None
        self._filter_timer: Timer | None = None
        self._live_timer: Timer | None = None
        self._binding_state: tuple[str | None, bool] | None = None
        self._mounted = False
        self._reading = ws.store.note_count() == 0
        self.keymap, self.unknown_keys = keymap_from_config(ws.config.keys)

    # -- layout -------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="tabs")
        yield Static(id="summary")
        with Horizontal(id="main"):
            with Vertical(id="list-pane"):
                yield Static(id="columns")
                yield TaskTable(self.source, self.today, id="tasks")
            yield DetailPane(id="detail")
        yield Input(placeholder="filter: words  @owner  #tag  key:value  path:folder", id="filter", compact=True)
        yield Static(id="message")
        yield Footer(compact=True)

    @property
    def table(self) -> TaskTable:
        return self.query_one(TaskTable)

    def on_mount(self) -> None:
        self._mounted = True
        self.set_keymap(self.keymap)
        self.load(cursor=0)
        self.table.focus()
        if self.unknown_keys:
            self.say(f"config [keys]: unknown names {', '.join(self.unknown_keys)}", error=True)
        self.check_vault()

    def on_unmount(self) -> None:
        self.background.close()

    # -- loading the view ---------------------------------------------------------------------------

    def filters(self) -> Filters:
        return filters_for(self.view, self.context, self.typed, self.sort)

    def load(self, keep: str | None = None, cursor: int | None = None) -> None:
        """Read the view again; the cursor stays on task ``keep`` if it is still near, else on row ``cursor``."""
        index = self.table.cursor if cursor is None else cursor
        try:
            self.source.load(self.filters())
            found = self.source.index_of(keep, index) if keep else None
        except (TaskTrackError, sqlite3.Error) as exc:
            self.say(f"cannot read the store: {exc}", error=True)
            return
        self.table.empty_text = self._empty_text()
        self.table.reset(found if found is not None else index)
        self.show_header()

    def _empty_text(self) -> str:
        if self._reading:
            return "Reading the vault for the first time…"
        return self.view.empty if self.typed == TypedFilter() else "Nothing matches the filter."

    def reload(self) -> None:
        row = self.table.current()
        self.load(keep=row.id if row is not None else None)

    def show_header(self) -> None:
        inbox = self._inbox_count()
        self.query_one("#tabs", Static).update(self._tabs(inbox))
        self.query_one("#summary", Static).update(self._summary(inbox))
        self.update_bindings()
        columns = Columns.fit(self.table.scrollable_content_region.width or 80)
        self.query_one("#columns", Static).update(header_text(columns))

    def _inbox_count(self) -> int:
        try:
            return self.ws.count(Filters(statuses=["proposed"]))
        except (TaskTrackError, sqlite3.Error):
            return 0

    def _tabs(self, inbox: int) -> Text:
        text = Text(" ")
        for view in VIEWS:
            key = display_key(self.keymap.get(f"view-{view.name}", view.key))
            label = f" {key} {view.title}" + (f" ({inbox})" if view.name == "inbox" else "") + " "
            style = "bold reverse" if view is self.view else ""
            text.append(label, style=style)
            text.append(" ")
        return text

    def _summary(self, inbox: int) -> Text:
        total = self.source.total
        text = Text(f" {self.view.title}: ", style="bold")
        if self.view.name == "inbox":
            text.append(f"{inbox} proposed item{'s' * (inbox != 1)} await{'s' * (inbox == 1)} triage")
        else:
            text.append(f"{total} task{'s' * (total != 1)}")
        text.append(f"  ·  sorted by {self._sort_label()}", style="dim")
        value = self.query_one("#filter", Input).value.strip()
        if value:
            text.append(f"  ·  filter: {value}", style="bold yellow")
        if self.table.selected:
            text.append(f"  ·  {len(self.table.selected)} selected", style="bold cyan")
        unreadable = self._unreadable_count()
        if unreadable:
            text.append(f"  ·  ⚠ {unreadable_notice(unreadable)}", style="bold red")
        return text

    def _unreadable_count(self) -> int:
        try:
            return len(self.ws.unreadable())
        except (TaskTrackError, sqlite3.Error):
            return 0

    def _sort_label(self) -> str:
        sort = self.sort or self.view.sort
        return {"note": "note, newest first", "done": "done date, newest first"}.get(sort, sort)

    def on_resize(self) -> None:
        self.call_after_refresh(self.show_header)

    # -- the cursor and the detail pane -------------------------------------------------------------

    @on(TaskTable.Highlighted)
    def highlighted(self) -> None:
        self.update_bindings()
        if self._detail_timer is not None:
            self._detail_timer.stop()
        self._detail_timer = self.set_timer(0.05, self.show_detail)

    def update_bindings(self) -> None:
        """Redraw the footer only when what the keys can do changed (the footer is costly to rebuild)."""
        row = self.table.current()
        state = (row.status if row is not None else None, bool(self.table.selected))
        if state != self._binding_state:
            self._binding_state = state
            self.refresh_bindings()

    def show_detail(self) -> None:
        pane = self.query_one_optional(DetailPane)
        if pane is None:  # the app is closing
            return
        row = self.table.current()
        lines = self.ws.note_lines(row.path) if row is not None else []
        pane.show(row, lines)

    @on(TaskTable.PageMissing)
    def page_missing(self) -> None:
        self.reload()

    # -- live: notes changed on disk ----------------------------------------------------------------

    def check_vault(self) -> None:
        if not self._syncing:
            self._syncing = True
            work: Any = self._sync  # a coroutine function: nothing to await if the app closes first
            self.run_worker(work, group="sync", exit_on_error=False)

    async def _sync(self) -> None:
        started = time.perf_counter()
        try:
            report = await self.background.call(self.background.sync)
        except TaskTrackError as exc:
            self.say(str(exc), error=True)
            return
        except OSError as exc:
            self.say(f"cannot read the vault: {exc}", error=True)
            return
        finally:
            self._syncing = False
            self._next_check(time.perf_counter() - started)
        if report.read or report.deleted or self._reading:
            self._reading = False
            self.reload()

    def _next_check(self, took: float) -> None:
        """Look again in ``live_interval`` seconds, or later on a vault so big that looking costs much."""
        if not self.live_interval:
            return
        if self._live_timer is not None:
            self._live_timer.stop()
        self._live_timer = self.set_timer(max(self.live_interval, 4 * took), self.check_vault)

    def action_rescan(self) -> None:
        self.say("Re-reading the vault…")
        self.check_vault()

    # -- messages -----------------------------------------------------------------------------------

    def say(self, message: str, error: bool = False) -> None:
        line = self.query_one("#message", Static)
        line.set_class(error, "error")
        line.update(Text(message, no_wrap=True, overflow="ellipsis"))

    # -- views, filter, sort, selection -------------------------------------------------------------

    def action_view(self, name: str) -> None:
        self.view = VIEW_BY_NAME[name]
        self.sort = None
        self.table.clear_selection()
        self.load(cursor=0)

    def action_cycle_sort(self) -> None:
        self.sort = next_sort(self.sort or self.view.sort)
        self.reload()

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.add_class("shown")
        box.focus()

    @on(Input.Changed, "#filter")
    def filter_changed(self) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(0.15, self.apply_filter)

    def apply_filter(self) -> None:
        self.typed = parse_filter(self.query_one("#filter", Input).value, self.context.me)
        self.load(cursor=0)

    @on(Input.Submitted, "#filter")
    def filter_submitted(self) -> None:
        self.apply_filter()
        self.table.focus()
        if not self.query_one("#filter", Input).value.strip():
            self.query_one("#filter", Input).remove_class("shown")

    def action_clear(self) -> None:
        box = self.query_one("#filter", Input)
        if box.has_focus or (not self.table.selected and box.value):
            box.value = ""
            box.remove_class("shown")
            self.apply_filter()
            self.table.focus()
        elif self.table.clear_selection():
            self.show_header()

    def action_toggle_select(self) -> None:
        self.table.toggle_selected()
        self.show_header()

    def action_select_all(self) -> None:
        if self.source.total > 5000:
            self.say(f"{self.source.total} tasks is too many to select at once: filter first", error=True)
            return
        self.table.select_all()
        self.show_header()

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.keymap))
