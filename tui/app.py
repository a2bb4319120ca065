"""``tasks tui``: one App on one screen. The views of the store, the filter, the sort, the selection, the detail
pane; a key for every verb of the CLI, the note elsewhere, the command palette; live as notes change. The Inbox
marks the items that have a likely repeat elsewhere (``≈``), and ``m`` merges one into the task it repeats.

The state is held in reactive attributes (the view, the sort, the typed filter, the message line, the counts;
the cursor and the selection on the table) and the screen follows them. Whatever reads the store or the vault,
and every write, runs in a worker thread (see ``reading``), which posts what it read back as a message: the UI
thread only draws what it holds.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.actions import ActionParseResult
from textual.actions import parse as parse_action
from textual.app import App, ComposeResult, ScreenStackError, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.dom import DOMNode
from textual.markup import escape
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static
from textual.worker import Worker, WorkerCancelled, get_current_worker

from tasktrack.dates import today
from tasktrack.errors import TaskTrackError
from tasktrack.model import Task
from tasktrack.obsidian import obsidian_url
from tasktrack.tasksquery import Query
from tasktrack.tasksquery import context as query_context
from tasktrack.workspace import Filters, Workspace, unreadable_notice
from tasktrack.write.triage import DATE_VERBS, Change, Triage

from .detail import DetailPane
from .help import HelpScreen
from .keymap import ALL_KEYS, KEY_BY_ID, display_key, keymap_from_config
from .launch import editor_command, find_editor, open_url
from .person import AgendaScreen, PersonPrompt
from .prompts import Answer, CapturePrompt, DatePrompt, MergePrompt, OwnerPrompt, PriorityPrompt
from .reading import (
    Counts,
    ViewData,
    Written,
    add_task,
    merge_into,
    own,
    read_context,
    read_ids,
    read_page,
    read_view,
    write,
)
from .rows import Columns, header_text, owners_text
from .source import TaskSource
from .table import TaskTable
from .verbs import allowed, describe_changes, not_applicable, owner_names
from .views import (
    SAVED,
    VIEW_BY_NAME,
    VIEWS,
    Context,
    TypedFilter,
    View,
    filters_for,
    next_sort,
    query_for,
    typed_filter,
)
from .watching import watch_vault

LIVE_INTERVAL = 0.75
SELECT_ALL_MAX = 5000
DATE_TITLES = {"due": "Due date", "schedule": "Scheduled date", "start-date": "Start date"}


class ViewRead(Message):
    """A view was read (``data``), or could not be (``error``)."""

    def __init__(self, generation: int, data: ViewData | None, error: str = "") -> None:
        super().__init__()
        self.generation, self.data, self.error = generation, data, error


class PageRead(Message):
    def __init__(self, generation: int, number: int, rows: list[Task]) -> None:
        super().__init__()
        self.generation, self.number, self.rows = generation, number, rows


class RepeatsFound(Message):
    """The likely repeats of the proposed rows ``looked`` at (``found``: for each one that has some, the tasks it
    repeats, best first), or why they could not be looked for (``error``)."""

    def __init__(self, generation: int, looked: set[str], found: dict[str, list[tuple[Task, float]]],
                 error: str = "") -> None:
        super().__init__()
        self.generation, self.looked, self.found, self.error = generation, looked, found, error


class NoteRead(Message):
    """The lines of the note ``task`` is in."""

    def __init__(self, task: Task, lines: list[str]) -> None:
        super().__init__()
        self.task, self.lines = task, lines


class Synced(Message):
    """The store followed the vault: ``changed`` when notes were read again or deleted; ``unread``: which folders
    could not be read (their notes keep what was last read of them), as one line, or empty."""

    def __init__(self, changed: bool, took: float, error: str = "", unread: str = "") -> None:
        super().__init__()
        self.changed, self.took, self.error, self.unread = changed, took, error, unread


class VaultChanged(Message):
    """Notes changed on disk (told by the watcher)."""


class WatchFailed(Message):
    """The vault cannot be watched (``reason``): it is polled instead."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class FilterBox(Input):
    """The filter as you type: it tells the app when the keys reach it (see ``TaskTrackApp.on_event``)."""

    def on_key(self) -> None:
        app = self.app
        if isinstance(app, TaskTrackApp):
            app.filter_box_got_a_key()


class TaskTrackApp(App[None]):
    """``tasks tui``: triage the Inbox, then everything else."""

    TITLE = "tasktrack"
    CSS_PATH = Path(__file__).with_name("tasktrack.tcss")  # not relative: it would be to a subclass's module
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(k.key, k.action, k.label, show=k.footer, id=k.id, tooltip=k.help) for k in ALL_KEYS
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]  # noqa: RUF012 - Textual's own annotation

    view: reactive[View] = reactive(VIEWS[0], always_update=True, init=False)
    sort: reactive[str | None] = reactive(None, init=False)  # None: the view's own
    typed: reactive[TypedFilter] = reactive(TypedFilter(), init=False)
    message_line: reactive[tuple[str, bool]] = reactive(("", False), init=False)  # (text, is an error)
    counts: reactive[Counts] = reactive(Counts(), init=False)
    # What the keys can do depends on the task's status, on a selection and on whether the task has a likely repeat
    # (the footer is redrawn when it changes).
    key_state: reactive[tuple[str | None, bool, bool]] = reactive((None, False, False), bindings=True, init=False)

    def __init__(self, ws: Workspace, live_interval: float | None = LIVE_INTERVAL) -> None:
        super().__init__()
        self.ws = ws
        self.today = today()
        self.query_base = query_context(ws)  # the vault's global filter and presets
        self.context = Context(self.today, ws.config.me, self.query_base)
        self.source = TaskSource()
        self.live_interval = live_interval
        self.keymap, self.unknown_keys = keymap_from_config(ws.config.keys)
        self.saved: str | None = next(iter(ws.config.queries), None)  # the saved query the view runs
        self._asked = 0  # the latest view read asked for, and the one shown
        self._shown = 0
        self._synced = False
        self._unread = ""  # the folders the last sync could not read, as said on the message line
        self._detail_timer: Timer | None = None
        self._filter_timer: Timer | None = None
        self._opening_filter = False
        self._live_timer: Timer | None = None
        self._watching = False  # changes to notes are told by the watcher (no polling)
        self._sync_again = False  # a change was told while a sync ran: sync again once it is done

    # -- layout -------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="tabs")
        yield Static(id="summary")
        with Horizontal(id="main"):
            with Vertical(id="list-pane"):
                yield Static(id="columns")
                yield TaskTable(self.source, self.today, id="tasks")
            yield DetailPane(id="detail")
        yield FilterBox(placeholder="filter: words  @owner  #tag  key:value  path:folder", id="filter", compact=True)
        yield Static(id="message")
        yield Footer(compact=True)

    @property
    def table(self) -> TaskTable:
        return self.query_one(TaskTable)

    def current(self) -> Task | None:
        """The task under the cursor (None before the list is there)."""
        try:
            return self.table.current()
        except NoMatches:
            return None

    def selection(self) -> frozenset[str]:
        """The selected task ids (none before the list is there)."""
        try:
            return self.table.selected
        except (NoMatches, ScreenStackError):
            return frozenset()

    @property
    def pending(self) -> bool:
        """A view was asked for and is not shown yet."""
        return self._asked != self._shown

    def on_load(self) -> None:
        self.load(cursor=0)  # read while the screen is put together

    def on_mount(self) -> None:
        self.set_keymap(self.keymap)
        self.watch(self.table, "selected", self.selection_changed, init=False)
        self.table.focus()
        if self.live_interval:  # watched from the start, so no change made while the vault is first read is missed
            self._watching = True
            self._watch()
        if self.unknown_keys:
            self.say(f"config [keys]: unknown names {', '.join(self.unknown_keys)}", error=True)

    # -- reading the view ---------------------------------------------------------------------------

    def filters(self) -> Filters:
        return filters_for(self.view, self.context, self.typed, self.sort)

    def load(self, keep: str | None = None, cursor: int | None = None) -> None:
        """Read the view again; the cursor goes to task ``keep`` if it is still near, else to row ``cursor``."""
        self._asked += 1
        near = self.table.cursor if cursor is None else cursor
        try:
            ctx = dataclasses.replace(self.context, query=read_context(self.ws, self.query_base))
            query = query_for(self.view, self.ws.config.queries.get(self.saved or ""), self.typed, ctx)
        except TaskTrackError as exc:  # a saved query that does not parse: an empty view, and why
            error = f"query {self.saved}: {exc}" if self.saved else str(exc)
            self.post_message(ViewRead(self._asked, ViewData(self.filters(), 0, {}, 0, self.counts), error))
            return
        self._read_view(self.filters(), keep, near, self._asked, query, self.selection())

    def reload(self) -> None:
        row = self.current()
        self.load(keep=row.id if row is not None else None)

    @work(thread=True, exclusive=True, group="view")
    def _read_view(self, filters: Filters, keep: str | None, near: int, generation: int, query: Query | None,
                   selected: frozenset[str]) -> None:
        try:
            with own(self.ws) as ws:
                data = read_view(ws, filters, keep, near, query, selected)
        except (TaskTrackError, sqlite3.Error) as exc:
            self.post_message(ViewRead(generation, None, f"cannot read the store: {exc}"))
            return
        self.post_message(ViewRead(generation, data))

    @on(ViewRead)
    def view_read(self, event: ViewRead) -> None:
        if event.generation != self._asked:
            return  # another view was asked for since
        self._shown = event.generation
        if not self._synced:  # the first look at the vault, once what the store holds is on screen
            self.call_after_refresh(self.check_vault)
        if event.data is None:
            self.say(event.error, error=True)
            return
        data = event.data
        self.source.filters, self.source.total, self.source.pages = data.filters, data.total, data.pages
        self.source.query = data.query
        self.source.stale = False
        if data.gone:  # their notes were deleted or their lines removed: a verb would fail on them
            self.table.selected -= data.gone
        self.table.empty_text = self._empty_text(data.counts)
        self.table.reset(data.cursor)
        self.counts = data.counts
        self.show_header()
        self.find_repeats()
        if event.error:
            self.say(event.error, error=True)

    def _empty_text(self, counts: Counts) -> str:
        if not counts.notes and not self._synced:
            return "Reading the vault for the first time…"
        return self.view.empty if self.typed == TypedFilter() else "Nothing matches the filter."

    @on(TaskTable.PageWanted)
    def page_wanted(self, event: TaskTable.PageWanted) -> None:
        if self.source.stale:  # rows moved since they were read: read the view again around the cursor
            self.reload()
        else:
            self._read_page(self.source.filters, event.number, self._shown, self.source.query)

    @work(thread=True, group="page")
    def _read_page(self, filters: Filters, number: int, generation: int, query: Query | None) -> None:
        with contextlib.suppress(TaskTrackError, sqlite3.Error), own(self.ws) as ws:
            self.post_message(PageRead(generation, number, read_page(ws, filters, number, query)))

    @on(PageRead)
    def page_read(self, event: PageRead) -> None:
        if event.generation == self._asked == self._shown:
            self.source.put(event.number, event.rows)
            self.table.show_rows()
            self.find_repeats(event.rows)

    # -- likely repeats -----------------------------------------------------------------------------

    def find_repeats(self, page: list[Task] | None = None) -> None:
        """Look for the likely repeats of the proposed items the Inbox shows, in a worker: of all the rows read
        (after the view is read, and after a write), or of a ``page`` just read (added to the others). Other
        views mark none."""
        if self.view.name != "inbox":
            self.source.repeats = {}
            return
        if page is not None:
            self._find_page_repeats([row for row in page if row.status == "proposed"], self._shown)
            return
        shown = [row for rows in self.source.pages.values() for row in rows if row.status == "proposed"]
        self._find_repeats(shown, self._shown)

    @work(thread=True, exclusive=True, group="repeats")
    def _find_repeats(self, shown: list[Task], generation: int) -> None:
        self._look_for_repeats(shown, generation)

    @work(thread=True, group="page-repeats")  # not exclusive: a page's look must not cancel the whole view's
    def _find_page_repeats(self, shown: list[Task], generation: int) -> None:
        self._look_for_repeats(shown, generation)

    def _look_for_repeats(self, shown: list[Task], generation: int) -> None:
        found: dict[str, list[tuple[Task, float]]] = {}
        try:
            if shown:
                with own(self.ws) as ws:
                    repeats = ws.repeats(shown)
                found = {task.id: found_of for task in shown if (found_of := repeats.of(task.id))}
        except (TaskTrackError, sqlite3.Error) as exc:
            self.post_message(RepeatsFound(generation, set(), {}, f"cannot look for repeats: {exc}"))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(RepeatsFound(generation, {task.id for task in shown}, found))

    @on(RepeatsFound)
    def repeats_found(self, event: RepeatsFound) -> None:
        if event.generation != self._shown or self.view.name != "inbox":
            return  # another view was read since: its own look is on the way
        if event.error:
            self.say(event.error, error=True)
        kept = {task_id: c for task_id, c in self.source.repeats.items() if task_id not in event.looked}
        self.source.repeats = {**kept, **event.found}  # what was looked at now replaces what was found of it
        self.table.refresh()
        self.update_key_state()
        pane = self.query_one_optional(DetailPane)
        if pane is not None and pane.task_id is not None:
            pane.show_repeats(self.source.repeats.get(pane.task_id, []))

    # -- the header and the message line ------------------------------------------------------------

    def watch_counts(self) -> None:
        self.show_header()

    def selection_changed(self) -> None:
        self.show_header()
        self.update_key_state()

    def show_header(self) -> None:
        self.query_one("#tabs", Static).update(self._tabs())
        self.query_one("#summary", Static).update(self._summary())
        self.update_key_state()
        columns = Columns.fit(self.table.scrollable_content_region.width or 80)
        self.query_one("#columns", Static).update(header_text(columns))

    def _tabs(self) -> Text:
        text = Text(" ")
        for view in VIEWS:
            key = display_key(self.keymap.get(f"view-{view.name}", view.key))
            label = f" {key} {view.title}" + (f" ({self.counts.inbox})" if view.name == "inbox" else "") + " "
            text.append(label, style="bold reverse" if view is self.view else "")
            text.append(" ")
        return text

    def _summary(self) -> Text:
        total, inbox = self.source.total, self.counts.inbox
        text = Text(f" {self.view.title}: ", style="bold")
        if self.view.name == SAVED and self.saved:
            text.append(f"{self.saved}: ", style="bold")
        if self.view.name == "inbox":
            text.append(f"{inbox} proposed item{'s' * (inbox != 1)} await{'s' * (inbox == 1)} triage")
        else:
            text.append(f"{total} task{'s' * (total != 1)}")
        text.append(f"  ·  sorted by {self._sort_label()}", style="dim")
        value = self.query_one("#filter", Input).value.strip()
        if self.typed.query is not None:
            text.append(f"  ·  Tasks query: {self.typed.query}", style="bold yellow")
        elif value:
            text.append(f"  ·  filter: {value}", style="bold yellow")
        if self.table.selected:
            text.append(f"  ·  {len(self.table.selected)} selected", style="bold cyan")
        if self.counts.unreadable:
            text.append(f"  ·  ⚠ {unreadable_notice(self.counts.unreadable)}", style="bold red")
        return text

    def _sort_label(self) -> str:
        if self.view.name == SAVED:
            keys = self.source.query.groups if self.source.query is not None else []
            names = ", then ".join(key.name for key in keys)
            return f"the query, its groups one after another (group by {names})" if keys else "the query"
        sort = self.sort or self.view.sort
        return {"note": "note, newest first", "done": "done date, newest first"}.get(sort, sort)

    @on(TaskTable.Resized)
    def table_resized(self) -> None:
        self.show_header()

    def say(self, message: str, error: bool = False) -> None:
        self.message_line = (message, error)

    def watch_message_line(self, line: tuple[str, bool]) -> None:
        text, error = line
        box = self.query_one("#message", Static)
        box.set_class(error, "error")
        box.update(Text(text, no_wrap=True, overflow="ellipsis"))

    # -- the cursor and the detail pane -------------------------------------------------------------

    @on(TaskTable.Highlighted)
    def highlighted(self, event: TaskTable.Highlighted) -> None:
        self.update_key_state()
        if self._detail_timer is not None:
            self._detail_timer.stop()
        if event.row is None:
            self.query_one(DetailPane).show(None, [])
        else:
            self._detail_timer = self.set_timer(0.05, partial(self._read_note, event.row))

    def update_key_state(self) -> None:
        row = self.current()
        repeats = row is not None and row.id in self.source.repeats
        self.key_state = (row.status if row is not None else None, bool(self.table.selected), repeats)

    @work(thread=True, exclusive=True, group="note")
    def _read_note(self, task: Task) -> None:
        lines = self.ws.note_lines(task.path)  # the vault's file only: no store, so this Workspace serves
        if not get_current_worker().is_cancelled:
            self.post_message(NoteRead(task, lines))

    @on(NoteRead)
    def note_read(self, event: NoteRead) -> None:
        row = self.current()
        pane = self.query_one_optional(DetailPane)
        if pane is not None and row is not None and row.id == event.task.id:
            pane.show(row, event.lines, self.source.repeats.get(row.id, []))

    # -- live: notes changed on disk ----------------------------------------------------------------

    def check_vault(self) -> None:
        if any(w.group == "sync" and not w.is_finished for w in self.workers):
            self._sync_again = True
        else:
            self._sync()

    @work(thread=True, exclusive=True, group="watch")
    def _watch(self) -> None:
        """Tell the app each time notes change, until the app closes. Cancelling a thread worker does not
        interrupt it, but sets its ``cancelled_event`` (Textual cancels every worker as the app closes): the
        watcher stops on that event."""
        try:
            watch_vault(self.ws.vault, self.ws.store.path, get_current_worker().cancelled_event,
                        lambda: self.post_message(VaultChanged()))
        except (OSError, RuntimeError) as exc:
            self.post_message(WatchFailed(str(exc) or type(exc).__name__))

    @on(VaultChanged)
    def vault_changed(self) -> None:
        self.check_vault()

    @on(WatchFailed)
    def watch_failed(self, event: WatchFailed) -> None:
        self._watching = False
        self.say(f"watching off: {event.reason}; checking every {self.live_interval:g} s", error=True)
        self._next_check(0.0)

    @work(thread=True, exclusive=True, group="sync")
    def _sync(self) -> None:
        started = time.perf_counter()
        try:
            with own(self.ws) as ws:
                report = ws.sync()
        except TaskTrackError as exc:
            self.post_message(Synced(False, time.perf_counter() - started, str(exc)))
        except Exception as exc:  # OSError, or anything else: the TUI goes on, and says it in one line
            self.post_message(Synced(False, time.perf_counter() - started, f"cannot read the vault: {exc}"))
        else:
            self.post_message(Synced(bool(report.read or report.deleted), time.perf_counter() - started,
                                     unread=report.skipped.unreadable_warning()))

    @on(Synced)
    def synced(self, event: Synced) -> None:
        if event.error:
            self.say(event.error, error=True)
        elif event.unread and event.unread != self._unread:  # said once, not at each look at the vault
            self.say(event.unread, error=True)
        self._unread = event.unread
        first, self._synced = not self._synced, True
        self._next_check(event.took)
        if self._sync_again:
            self._sync_again = False
            self.check_vault()
        if event.changed or (first and not self.counts.notes):
            self.reload()

    def _next_check(self, took: float) -> None:
        """Look again in ``live_interval`` seconds, or later on a vault so big that looking costs much."""
        if not self.live_interval or self._watching:
            return
        if self._live_timer is not None:
            self._live_timer.stop()
        self._live_timer = self.set_timer(max(self.live_interval, 4 * took), self.check_vault)

    def action_rescan(self) -> None:
        self.say("Re-reading the vault…")
        self.check_vault()

    # -- views, filter, sort, selection -------------------------------------------------------------

    def action_view(self, name: str) -> None:
        self.view = VIEW_BY_NAME[name]

    def watch_view(self) -> None:
        self.set_reactive(TaskTrackApp.sort, None)
        self.table.clear_selection()
        self.load(cursor=0)

    def action_cycle_sort(self) -> None:
        if self.view.name == SAVED:
            self.say("A saved query keeps its own order: `sort by …` in the query.")
            return
        self.sort = next_sort(self.sort or self.view.sort)

    def watch_sort(self) -> None:
        self.reload()

    def watch_typed(self) -> None:
        self.load(cursor=0)

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.add_class("shown")
        self._opening_filter = True  # until the box has the focus, the keys typed are the filter's
        box.focus()

    async def on_event(self, event: events.Event) -> None:
        """Keys typed right after ``/`` (faster than the filter box takes the focus, as a paste or a burst from
        a terminal multiplexer does) go into the box, never to the list's verbs: until the box itself gets a
        key, a key that reaches the app (where the list's bindings would run) is typed into the box."""
        if isinstance(event, events.Key) and self._opening_filter:
            self._type_into_filter(self.query_one("#filter", Input), event)
            return
        await super().on_event(event)

    def filter_box_got_a_key(self) -> None:
        """The box has the focus and the keys: the ones typed from now on reach it directly."""
        self._opening_filter = False

    def _type_into_filter(self, box: Input, key: events.Key) -> None:
        if key.key == "enter":
            self._opening_filter = False
            self.filter_submitted()
        elif key.key == "escape":
            self._opening_filter = False
            self.action_clear()
        elif key.key == "backspace":
            box.value = box.value[:-1]
        elif key.is_printable and key.character:
            box.value += key.character
        box.cursor_position = len(box.value)

    @on(Input.Changed, "#filter")
    def filter_changed(self) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(0.15, self.apply_filter)

    def apply_filter(self) -> None:
        self.typed = typed_filter(self.query_one("#filter", Input).value, self.context)

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
        else:
            self.table.clear_selection()

    def action_toggle_select(self) -> None:
        self.table.toggle_selected()

    async def action_select_all(self) -> None:
        if self.source.total > SELECT_ALL_MAX:
            self.say(f"{self.source.total} tasks is too many to select at once: filter first", error=True)
            return
        try:
            ids = await self._read_ids(self.source.filters, self.source.query).wait()
        except WorkerCancelled:  # the app is closing
            return
        if isinstance(ids, str):
            self.say(ids, error=True)
        else:
            self.table.selected = frozenset(ids)

    @work(thread=True, exclusive=True, group="select")
    def _read_ids(self, filters: Filters, query: Query | None) -> list[str] | str:
        """The ids of the view's tasks, or why they cannot be read."""
        try:
            with own(self.ws) as ws:
                return read_ids(ws, filters, query)
        except (TaskTrackError, sqlite3.Error) as exc:
            return f"cannot read the store: {exc}"

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.keymap))

    # -- verbs --------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        row = self.current()
        selection = bool(self.selection())
        if action == "verb" and parameters:
            return allowed(str(parameters[0]), row, selection)
        if action in ("date_prompt", "priority_prompt", "owner_prompt", "open_editor", "open_obsidian"):
            return True if row is not None or selection else None
        if action == "merge":  # in the footer only on an item marked ≈
            return row is not None and not selection and row.id in self.source.repeats
        return True

    async def run_action(self, action: str | ActionParseResult, default_namespace: DOMNode | None = None,
                         namespaces: Mapping[str, DOMNode] | None = None) -> bool:
        """A verb key on a task it does not apply to says why (it would otherwise do nothing)."""
        reason = self._not_applicable(action)
        if reason is not None:
            self.say(reason, error=True)
            return True
        return await super().run_action(action, default_namespace, namespaces)

    def _not_applicable(self, action: str | ActionParseResult) -> str | None:
        _, name, params = parse_action(action) if isinstance(action, str) else action
        row = self.current()
        if name == "merge":
            return self._cannot_merge(row)
        if name != "verb" or not params or row is None or self.table.selected:
            return None
        return not_applicable(str(params[0]), row)

    def _cannot_merge(self, row: Task | None) -> str | None:
        """Why ``m`` cannot merge the task under the cursor, in one line; None when it can."""
        if row is None:
            return "No task here."
        if self.table.selected:
            return "merge: one item at a time; clear the selection (esc) first; nothing written"
        if row.id not in self.source.repeats:
            where = "no likely repeat (≈) found for this item" if self.view.name == "inbox" else \
                "the Inbox marks the items with a likely repeat (≈)"
            return f"merge: {where}; nothing written"
        return None

    async def action_verb(self, verb: str, answer: Answer | None = None) -> None:
        ids = self.table.targets()
        if not ids:
            self.say("No task here.", error=True)
            return
        answer = answer or Answer()

        def change(triage: Triage) -> list[Change]:
            return triage.run(verb, ids, value=answer.value, add=answer.add, clear=answer.clear)

        written = await self._in_turn(self._write(verb, ids, change))
        if written is not None and written.changes is not None:
            self.move_on()
            self.after_write(written)
            self.say(describe_changes(verb, written.changes))

    async def action_merge(self) -> None:
        """Close the item under the cursor as a repeat of its best candidate, or of the one chosen in a prompt
        when it has several."""
        row = self.current()
        candidates = self.source.repeats.get(row.id, []) if row is not None else []
        if row is None or not candidates:
            return
        if len(candidates) == 1:
            await self._merge(row.id, candidates[0][0].id)
            return

        async def chosen(answer: Answer | None) -> None:
            if answer is not None and answer.value:
                await self._merge(row.id, answer.value)

        self.push_screen(MergePrompt(row.description, candidates), chosen)

    async def _merge(self, new_id: str, old_id: str) -> None:
        """``tasks merge NEW OLD``: the item leaves the Inbox (cancelled), the kept task gets a block id."""
        written = await self._in_turn(self._write("merge", [new_id, old_id], partial(merge_into, new_id, old_id)))
        if written is None or written.changes is None:
            return
        self.counts = written.counts
        self.load()  # read again: the cancelled item leaves the Inbox, the cursor stays on its row
        kept = written.fresh.get(old_id)
        if kept is not None:
            self.say(f"merged into {kept.description}  ^{kept.block_id}  ({kept.path}:{kept.line})")
        else:
            self.say(describe_changes("merge", written.changes))

    async def action_undo(self) -> None:
        written = await self._in_turn(self._write("undo", [], Triage.undo))
        if written is not None and written.changes is not None:
            changes = written.changes
            self.counts = written.counts
            self.load(keep=changes[0].task_id if changes else None)
            self.say(describe_changes("undo", changes))

    @work(thread=True, exclusive=True, group="write")
    def _write(self, label: str, ids: list[str], change: Callable[[Triage], list[Change]]) -> Written:
        return write(self.ws, label, ids, change)

    async def _in_turn(self, worker: Worker[Written]) -> Written | None:
        """Wait for a write, so the keys typed meanwhile act on what it leaves (in the order typed). A refusal or
        a failure is shown in one line; the cursor and the selection stay, and the notes are read again (a
        refusal mostly means one changed)."""
        try:
            written = await worker.wait()
        except WorkerCancelled:  # the app is closing
            return None
        if written.changes is None:
            self.say(written.error, error=True)
            self.check_vault()
        return written

    def move_on(self) -> None:
        """Go on to the next item after a verb succeeded."""
        if not self.table.clear_selection():
            self.table.action_move(1)

    def after_write(self, written: Written) -> None:
        """Show the new state of the rows where they are."""
        for task in written.fresh.values():
            if task is not None:
                self.source.patch(task)
        self.counts = written.counts
        if None in written.fresh.values():
            self.reload()  # which looks for repeats again once the view is read
            return
        self.table.show_rows()
        self.find_repeats()

    def action_date_prompt(self, verb: str) -> None:
        row = self.current() if not self.table.selected else None
        current = row.date(DATE_VERBS[verb]) if row is not None else None
        guess = row.inferred_due if row is not None and verb == "due" and not current else None
        title = f"{DATE_TITLES[verb]} for {self._target_label()}"
        self.push_screen(DatePrompt(title, self.today, current, guess), partial(self._answered, verb))

    def action_capture(self) -> None:
        self.push_screen(CapturePrompt(self.today, self.ws.config.inbox), self._captured)

    async def _captured(self, answer: Answer | None) -> None:
        if answer is None or not answer.value:
            return
        written = await self._in_turn(self._write("add", [], partial(add_task, answer.value, self.today)))
        if written is not None and written.changes:
            self.counts = written.counts
            self.load(keep=written.changes[0].task_id)
            self.say(describe_changes("add", written.changes))

    @work(thread=True, exclusive=True, group="person")
    def action_person(self) -> None:
        """Ask for a person (the names the vault knows complete it), then show their agenda."""
        names: list[str] = []
        with contextlib.suppress(TaskTrackError, sqlite3.Error), own(self.ws) as ws:
            names = ws.people()
        self.call_from_thread(self.push_screen, PersonPrompt(names), self._person_chosen)

    def _person_chosen(self, answer: Answer | None) -> None:
        if answer is not None and answer.value:
            self.push_screen(AgendaScreen(self.ws, answer.value))

    def action_priority_prompt(self) -> None:
        row = self.current()
        self.push_screen(PriorityPrompt(row.priority if row is not None else None), partial(self._answered, "priority"))

    def action_owner_prompt(self) -> None:
        row = self.current()
        current = owners_text(row) if row is not None and not self.table.selected else ""
        names = owner_names(self.source, self.context.me)
        self.push_screen(OwnerPrompt(names, current), partial(self._answered, "assign"))

    async def _answered(self, verb: str, answer: Answer | None) -> None:
        if answer is None:
            return
        if verb == "assign" and answer.value and answer.value.lower() == "me":
            answer = Answer(value=self.ws.owners_for("me")[0], add=answer.add)
        await self.action_verb(verb, answer)

    def _target_label(self) -> str:
        n = len(self.table.targets())
        return f"{n} selected tasks" if n > 1 else "this task"

    # -- the note elsewhere -------------------------------------------------------------------------

    def action_open_editor(self) -> None:
        row = self.current()
        editor = find_editor()
        if row is None or editor is None:
            self.say("Set $EDITOR to open notes in your editor." if row else "No task here.", error=True)
            return
        command = editor_command(editor, self.ws.note_path(row.path), row.line)
        try:
            with self.suspend():
                subprocess.run(command, check=False)
        except Exception as exc:  # no terminal to hand over, or no such editor
            self.say(f"cannot run {command[0]}: {exc}", error=True)
            return
        self.check_vault()

    def action_open_obsidian(self) -> None:
        row = self.current()
        if row is None:
            return
        url = obsidian_url(self.ws.vault, row.path)
        if open_url(url):
            self.say(f"Opened in Obsidian: {url}")
        else:
            self.copy_to_clipboard(url)
            self.say(f"Nothing here opens links; copied {url}")

    # -- the command palette ------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if screen is not self.screen_stack[0]:  # the verbs and views act on the list, which is not on screen
            return
        for key in ALL_KEYS:
            if key.group in ("task", "view", "list", "note") and key.id not in ("select", "clear"):
                shown = display_key(self.keymap.get(key.id, KEY_BY_ID[key.id].key))
                yield SystemCommand(f"{key.label}  ({shown})", escape(key.help), partial(self.run_action, key.action))
        for name in self.ws.config.queries:
            yield SystemCommand(f"Query: {name}", "show the tasks of this saved query", partial(self.run_query, name))

    def run_query(self, name: str) -> None:
        """Show the saved query ``name`` in the saved queries view."""
        self.saved = name
        self.view = VIEW_BY_NAME[SAVED]
