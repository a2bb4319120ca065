"""Small modal questions: a date in words (shown parsed before it is used), a priority, an owner, a new task, the
task a repeat is merged into."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from tasktrack.dates import parse_when
from tasktrack.errors import UsageError
from tasktrack.model import PRIORITIES, Task
from tasktrack.write.capture import Style, read_words, task_line

from .rows import note_label

CLEAR_WORDS = ("none", "clear", "-", "remove")


@dataclass(frozen=True, slots=True)
class Answer:
    """What a prompt returns: a value (an ISO date, a priority, an owner), or ``clear``; ``add`` for owners."""

    value: str | None = None
    clear: bool = False
    add: bool = False


class Prompt(ModalScreen[Answer | None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def action_cancel(self) -> None:
        self.dismiss(None)


def describe_date(day: date, today: date) -> str:
    days = (day - today).days
    if days == 0:
        rel = "today"
    elif days == 1:
        rel = "tomorrow"
    elif days == -1:
        rel = "yesterday"
    else:
        rel = f"in {days} days" if days > 0 else f"{-days} days ago"
    return f"{day:%A} {day.isoformat()}  ({rel})"


def read_date(text: str, today: date) -> Answer:
    """The answer for what was typed; ``UsageError`` if it is no date."""
    if text.strip().lower() in CLEAR_WORDS:
        return Answer(clear=True)
    return Answer(value=parse_when(text, today).isoformat())


class DatePrompt(Prompt):
    """Asks for a date in words and shows the date it means; Enter confirms only a date that parsed."""

    def __init__(self, title: str, today: date, current: str | None = None, guess: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.today = today
        self.current = current
        self.guess = guess

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title")
            yield Input(placeholder="friday, next week, in 3 days, eom, 2026-12-01", id="date-input")
            yield Static(self._idle(), classes="preview", id="date-preview")
            yield Static("Enter: set   Esc: cancel   none: remove the date", classes="hint")

    def _idle(self) -> Text:
        if self.guess:
            day = date.fromisoformat(self.guess)
            return Text(f"Enter: use the date guessed from the text, {describe_date(day, self.today)}", style="cyan")
        return Text(f"now {self.current}" if self.current else "no date yet", style="dim")

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#date-preview", Static).update(self._preview(event.value))

    def _preview(self, text: str) -> Text:
        if not text.strip():
            return self._idle()
        try:
            answer = read_date(text, self.today)
        except UsageError as exc:
            return Text(str(exc), style="red")
        if answer.clear:
            return Text("→ remove the date", style="bold yellow")
        return Text(f"→ {describe_date(date.fromisoformat(answer.value or ''), self.today)}", style="bold green")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip() and self.guess:
            self.dismiss(Answer(value=self.guess))
            return
        try:
            self.dismiss(read_date(event.value, self.today))
        except UsageError as exc:
            self.query_one("#date-preview", Static).update(Text(str(exc), style="red"))


class CapturePrompt(Prompt):
    """Asks for a new task in words and shows what it will be (its fields and the note it goes into) before
    Enter writes it; words that make no task are refused there."""

    def __init__(self, today: date, note: str) -> None:
        super().__init__()
        self.today = today
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"New task, into {self.note}", classes="title")
            yield Input(placeholder="Call Erez about the POC tomorrow @Morty high #task", id="capture-input")
            yield Static(Text("@owner, #tag, a priority word and a date in words at the end become fields",
                              style="dim"), classes="preview", id="capture-preview")
            yield Static("Enter: add   Esc: cancel", classes="hint")

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#capture-preview", Static).update(self._preview(event.value))

    def _preview(self, words: str) -> Text:
        try:
            draft = read_words(words, self.today)
        except UsageError as exc:
            return Text(str(exc), style="red")
        text = Text(f"→ {task_line(draft, Style())}", style="bold green")
        if draft.due_words:
            text.append(f"\n  due {draft.due} (read from “{draft.due_words}”)", style="cyan")
        return text

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            read_words(event.value, self.today)
        except UsageError as exc:
            self.query_one("#capture-preview", Static).update(Text(str(exc), style="red"))
            return
        self.dismiss(Answer(value=event.value))


class PriorityPrompt(Prompt):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(str(i + 1), f"pick({i})", show=False) for i in range(len(PRIORITIES))
    ]

    def __init__(self, current: str | None = None) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Priority", classes="title")
            yield OptionList(*[Option(f"{i + 1}  {name}", id=name) for i, name in enumerate(PRIORITIES)])
            yield Static("Enter or 1-6: set   Esc: cancel", classes="hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = PRIORITIES.index(self.current) if self.current in PRIORITIES else 3

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(Answer(value=event.option.id))

    def action_pick(self, index: int) -> None:
        self.dismiss(Answer(value=PRIORITIES[index]))


class NameInput(Input):
    """A text box that completes a name it suggests on Tab, as on →."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("tab", "complete", "Complete", show=False)]

    def action_complete(self) -> None:
        self.action_end()
        self.action_cursor_right()  # at the end, this takes the suggestion


def read_owner(text: str) -> Answer | None:
    words = text.strip()
    if not words:
        return None
    if words.lower() in CLEAR_WORDS:
        return Answer(clear=True)
    add = words.startswith("+")
    return Answer(value=words.lstrip("+").strip().lstrip("@"), add=add)


class OwnerPrompt(Prompt):
    """Asks who owns the task: a name replaces the owners, ``+name`` adds one, ``me`` is you, ``none`` clears."""

    def __init__(self, names: list[str], current: str = "") -> None:
        super().__init__()
        self.names = names
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Assign to", classes="title")
            suggester = SuggestFromList([*self.names, *[f"+{n}" for n in self.names]], case_sensitive=False)
            yield NameInput(placeholder="a name, me, +name to add, none", suggester=suggester, id="owner-input")
            yield Static(Text(f"now {self.current or 'nobody'}", style="dim"), classes="preview", id="owner-preview")
            yield Static("Enter: set   Esc: cancel   Tab/→: complete", classes="hint")

    def on_input_changed(self, event: Input.Changed) -> None:
        answer = read_owner(event.value)
        preview = self.query_one("#owner-preview", Static)
        if answer is None:
            preview.update(Text(f"now {self.current or 'nobody'}", style="dim"))
        elif answer.clear:
            preview.update(Text("→ no owner", style="bold yellow"))
        else:
            verb = "add" if answer.add else "owner becomes"
            preview.update(Text(f"→ {verb} @{answer.value}", style="bold green"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        answer = read_owner(event.value)
        if answer is not None:
            self.dismiss(answer)


MERGE_PICKS = 9  # the candidates the digit keys choose


def candidate_label(n: int, task: Task, score: float) -> str:
    """One candidate of the merge prompt: its number, similarity, status, description and note."""
    number = f"{n}" if n <= MERGE_PICKS else " "
    return f"{number}  {score:.2f}  [{task.status}] {task.description}  ({note_label(task)})"


class MergePrompt(Prompt):
    """Asks which of an item's likely repeats it is merged into (the best first): 1-9, or the arrows and Enter;
    the answer is that task's id."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(str(i + 1), f"pick({i})", show=False) for i in range(MERGE_PICKS)
    ]

    def __init__(self, description: str, candidates: list[tuple[Task, float]]) -> None:
        super().__init__()
        self.description = description
        self.candidates = candidates

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Merge “{self.description}” into", classes="title")
            yield OptionList(*[Option(candidate_label(n, task, score), id=task.id)
                               for n, (task, score) in enumerate(self.candidates, 1)])
            yield Static("Enter or 1-9: close the item as a repeat of that task   Esc: cancel", classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(Answer(value=event.option.id))

    def action_pick(self, index: int) -> None:
        if index < len(self.candidates):
            self.dismiss(Answer(value=self.candidates[index][0].id))
