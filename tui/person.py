"""The person view (``@``): asks for a person, with the names the vault knows as completions, then shows their
agenda's task sections (what I owe them, what they owe me, awaiting triage, completed since the last meeting)
and the last meetings' decisions, read in a thread worker through the workspace."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import DataTable, Footer, Input, Label, Static

from tasktrack.errors import TaskTrackError
from tasktrack.model import owner_name
from tasktrack.workspace import Workspace

from .prompts import Answer, NameInput, Prompt
from .reading import own


class PersonPrompt(Prompt):
    """Asks whose agenda to show; Tab or → completes a known name."""

    def __init__(self, names: list[str]) -> None:
        super().__init__()
        self.names = names

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Agenda of", classes="title")
            yield NameInput(placeholder="a name: Morty, Jeff Denworth", id="person-input",
                        suggester=SuggestFromList(self.names, case_sensitive=False))
            yield Static("Enter: show   Esc: cancel   Tab/→: complete", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        name = owner_name(event.value)
        if name:
            self.dismiss(Answer(value=name))


class AgendaScreen(ModalScreen[None]):
    """One person's agenda: a table of its tasks by section, then the decisions and blockers. Modal: the list's
    keys (the verbs, the views, the filter) do not reach the task list hidden under it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "close", "Back")]

    def __init__(self, ws: Workspace, name: str) -> None:
        super().__init__()
        self.ws = ws
        self.person_name = name

    def compose(self) -> ComposeResult:
        yield Static(Text(f"Agenda: {self.person_name}", style="bold"), id="agenda-title")
        yield DataTable(id="agenda-table", cursor_type="row", zebra_stripes=False)
        yield Static(f"Reading the agenda of {self.person_name}…", id="agenda-message")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("section", "task", "due", "owners", "note")
        self._read()

    @work(thread=True, exclusive=True, group="agenda")
    def _read(self) -> None:
        try:
            with own(self.ws) as ws:
                agenda = ws.agenda(ws.person(self.person_name))
                rows = [(title, item.task.description, item.due or "", ", ".join(item.task.owners),
                         item.task.note_title) for _, title, items in agenda.filled() for item in items]
                context = [f"{c.mark} {c.text}  ({c.meeting.title})" for c in agenda.context]
                title = f"Agenda: {agenda.person.name}" + (f" · {' · '.join(agenda.person.known[1:])}"
                                                            if len(agenda.person.known) > 1 else "")
        except TaskTrackError as exc:
            self.app.call_from_thread(self._show_error, str(exc))
            return
        self.app.call_from_thread(self._show, title, rows, context)

    def _show(self, title: str, rows: list[tuple[str, str, str, str, str]], context: list[str]) -> None:
        self.query_one("#agenda-title", Static).update(Text(title, style="bold"))
        table = self.query_one(DataTable)
        table.add_rows(rows)
        said = f"{len(rows)} task{'s' * (len(rows) != 1)}" if rows else f"Nothing open with {self.person_name}."
        self.query_one("#agenda-message", Static).update("\n".join([said, *context]))
        table.focus()

    def _show_error(self, error: str) -> None:
        self.query_one("#agenda-message", Static).update(Text(error, style="bold red"))

    def action_close(self) -> None:
        self.dismiss(None)
