"""The TUI's person view (``@``): a name asked for with completion, then that person's agenda as a table."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from tasktrack.tui.person import AgendaScreen, PersonPrompt
from test_tui_support import make_app, run_async, wait_for
from textual.widgets import DataTable, Input, Static

Digest = Callable[[Path], dict[str, tuple[int, int, str]]]


@run_async
async def test_at_asks_for_a_person_and_shows_their_agenda(fixture_vault: Path, config_file: Callable[[str], Path],
                                                           monkeypatch: pytest.MonkeyPatch, digest: Digest) -> None:
    monkeypatch.setenv("TASKTRACK_TODAY", "2026-01-09")
    config_file('[people]\nMorty = ["Mordechai Blaunstein", "Mordechai"]\n')
    before = digest(fixture_vault)
    app = make_app(fixture_vault)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("@")
        assert await wait_for(pilot, lambda: isinstance(app.screen, PersonPrompt))
        await pilot.press(*"Mord", "right")  # completes a name the vault knows: a meeting's attendee
        assert app.screen.query_one("#person-input", Input).value == "Mordechai Blaunstein"
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, AgendaScreen)
                              and app.screen.query_one(DataTable).row_count == 7)
        table = app.screen.query_one(DataTable)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert [(r[0], r[1][:30]) for r in rows] == [
            ("What I owe Morty", "Coordinate with Morty/NeoCloud"),
            ("Awaiting triage", "Send Morty the draft NeoCloud-"),
            ("Awaiting triage", "Share Lambda's launch timeline"),
            ("Awaiting triage", "Set up a working session with "),
            ("Awaiting triage", "Work with Morty to crystallize"),
            ("Awaiting triage", "Ask Morty in today's 1:1 for d"),
            ("Completed since 2026-01-06", "1:1 with Morty on Lambda"),
        ]
        said = str(app.screen.query_one("#agenda-message", Static).render())
        assert said.splitlines() == [
            "7 tasks",
            "✅ Lead with multi-tenancy and the control plane, not raw storage performance, in NeoCloud messaging."
            "  (Lambda NeoCloud-in-a-box sync)",
            "❌ No pricing discussion with Lambda until the packaging is agreed internally."
            "  (Lambda NeoCloud-in-a-box sync)",
        ]
        await pilot.press("escape")
        assert await wait_for(pilot, lambda: not isinstance(app.screen, AgendaScreen))
    assert digest(fixture_vault) == before  # reading an agenda writes nothing
