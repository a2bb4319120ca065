"""The TUI as a demanding new user drives it: keys on the agenda screen, completion in the prompts, the list's
column header after a resize, a selection whose note is deleted, lines too long for the screen, a folder that
cannot be read."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tasktrack.tui.app import TaskTrackApp
from tasktrack.tui.person import AgendaScreen, PersonPrompt
from tasktrack.tui.prompts import OwnerPrompt
from test_tui_support import NOTES, make_app, message, run_async, settle, static_text, table_lines, wait_for
from textual.widgets import Input

pytestmark = pytest.mark.usefixtures("fixed_today")

LAMBDA = "Meetings/2025-12-02 Lambda sync.md"
Digest = Callable[[Path], dict[str, tuple[int, int, str]]]


@pytest.fixture
def vault(make_vault: Callable[..., Path]) -> Path:
    return make_vault(NOTES)


def shown_line(app: TaskTrackApp, selector: str) -> str:
    """The one line a widget draws, as cut to the screen's width."""
    return app.query_one(selector).render_line(0).text.rstrip()


@run_async
async def test_the_lists_keys_do_not_act_on_the_hidden_task_from_the_agenda(vault: Path, digest: Digest) -> None:
    before = digest(vault)
    app = make_app(vault)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("@", *"Jeff", "enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, AgendaScreen))
        await pilot.press("x", "a", "r", "u", "4")
        assert await wait_for(pilot, lambda: True)
        assert isinstance(app.screen, AgendaScreen)
        assert not [c.title for c in app.get_system_commands(app.screen) if c.title.startswith(("Accept", "Done"))]
        await pilot.press("escape")
        assert await wait_for(pilot, lambda: not isinstance(app.screen, AgendaScreen))
        assert "Inbox: 6 proposed items await triage" in static_text(app, "#summary")
    assert digest(vault) == before


@run_async
async def test_tab_completes_a_name_as_the_prompts_say(vault: Path) -> None:
    app = make_app(vault)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("w", *"Je")
        assert await wait_for(pilot, lambda: isinstance(app.screen, OwnerPrompt))
        await pilot.press("tab")
        assert app.screen.query_one("#owner-input", Input).value == "Jeff"
        await pilot.press("escape", "@", *"Je")
        assert await wait_for(pilot, lambda: isinstance(app.screen, PersonPrompt))
        await pilot.press("tab")
        assert app.screen.query_one("#person-input", Input).value == "Jeff"


@run_async
async def test_the_column_header_follows_the_list_after_a_resize(vault: Path) -> None:
    app = make_app(vault)

    def aligned() -> bool:
        header, first = shown_line(app, "#columns"), table_lines(app)[0]
        return header.index("Owners") == first.index("@Morty") and header.index("Due") == first.index("2026-11-20")

    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("3")  # its first row: "Confirm the rack plan with Morty @Morty 📅 2026-11-20"
        await settle(pilot, until=lambda: "2026-11-20" in table_lines(app)[0])
        for size in ((60, 15), (220, 50)):
            await pilot.resize_terminal(*size)
            assert await wait_for(pilot, aligned, timeout=2), (
                f"{size}:\n{shown_line(app, '#columns')}\n{table_lines(app)[0]}")


@run_async
async def test_a_selected_task_whose_note_was_deleted_leaves_the_selection(vault: Path) -> None:
    app = make_app(vault, live=0.2)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("G", "space", "home")  # the last item (of the Lambda note) selected, the cursor on the first
        await settle(pilot, until=lambda: "1 selected" in static_text(app, "#summary"))
        (vault / LAMBDA).unlink()
        await settle(pilot, until=lambda: "5 proposed items await triage" in static_text(app, "#summary"))
        assert "selected" not in static_text(app, "#summary")
        await pilot.press("a")
        await settle(pilot, until=lambda: message(app) != "")
        assert message(app).startswith("accepted"), message(app)
        text = (vault / "Meetings/2025-12-19 Microsoft strategy and SCO prep.md").read_text(encoding="utf-8")
        assert "- [ ] Follow up with Louie and send a relevant VAST blog. @Myself #task\n" in text


@run_async
async def test_a_line_too_long_for_the_screen_ends_in_an_ellipsis(vault: Path) -> None:
    app = make_app(vault)
    async with app.run_test(size=(64, 30)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot, until=lambda: "accepted" in message(app))
        assert shown_line(app, "#message").endswith("…")
        assert shown_line(app, "#tabs").endswith("…")
        assert shown_line(app, "#summary").endswith("…")


@run_async
async def test_a_folder_that_cannot_be_read_is_said_and_its_tasks_stay(vault: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(vault)
    real = os.scandir

    def scandir(path: Any = ".") -> Any:  # as for a folder of mode 000, to a user who is not root
        if Path(path) == vault / "Customers":
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    line = "1 folder could not be read, so its notes were not scanned: Customers/ (Permission denied)"
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, until=lambda: line in message(app))
        await pilot.press("4")
        await settle(pilot, until=lambda: "All open" in static_text(app, "#summary"))
        assert any("Azure engagement plan" in row for row in table_lines(app))  # a task of Customers/Microsoft.md
