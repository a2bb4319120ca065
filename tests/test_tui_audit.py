"""The TUI as a demanding new user drives it: keys on the agenda screen, completion in the prompts, the list's
column header after a resize, a selection whose note is deleted, lines too long for the screen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from tasktrack.tui.app import TaskTrackApp
from test_tui_support import NOTES, make_app, message, run_async, settle

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
async def test_a_line_too_long_for_the_screen_ends_in_an_ellipsis(vault: Path) -> None:
    app = make_app(vault)
    async with app.run_test(size=(64, 30)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot, until=lambda: "accepted" in message(app))
        assert shown_line(app, "#message").endswith("…")
        assert shown_line(app, "#tabs").endswith("…")
        assert shown_line(app, "#summary").endswith("…")
