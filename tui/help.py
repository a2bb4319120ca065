"""The help screen (``?``): every key as it is bound now, and how to filter and type dates."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.markdown import Markdown
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from .keymap import ALL_KEYS, display_key

GROUPS = (("view", "Views"), ("task", "Act on the task under the cursor, or on the selection"), ("list", "The list"),
          ("note", "The note"), ("app", "The app"))

TAIL = """
**Filter** — type after `/`: words match the task's text; `@Jeff` an owner (`@me` you), `#tag` a tag,
`account:Microsoft` a note property, `path:Meetings` the note's path. Enter keeps the filter, Esc clears it.

**Dates** — `today`, `tomorrow`, `friday`, `next week`, `in 3 days`, `+2w`, `eow`, `eom`, `2026-12-01`;
`none` removes the date. The date it means is shown before you confirm.

**Moving** — `↑ ↓` or `j k`, `PgUp PgDn`, `g G` first and last. `ctrl+p` opens the command palette, where every
verb is too. Keys can be changed in the config file under `[keys]`, e.g. `accept = "y"`.
"""


def key_table(title: str, group: str, keymap: Mapping[str, str]) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold", box=None, show_header=False,
                  padding=(0, 2, 0, 0), expand=False)
    table.add_column(style="bold cyan", min_width=8)
    table.add_column(style="bold", min_width=12)
    table.add_column()
    for k in (k for k in ALL_KEYS if k.group == group):
        table.add_row(Text(display_key(keymap.get(k.id, k.key))), Text(k.label), Text(k.help))
    return table


def help_content(keymap: Mapping[str, str]) -> RenderableType:
    parts: list[RenderableType] = [Text("tasktrack keys\n", style="bold underline")]
    for group, title in GROUPS:
        parts += [key_table(title, group, keymap), Text("")]
    parts.append(Markdown(TAIL))
    return Group(*parts)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "close", "Close")]

    def __init__(self, keymap: Mapping[str, str]) -> None:
        super().__init__()
        self.keymap = keymap

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(help_content(self.keymap))

    def action_close(self) -> None:
        self.dismiss(None)
