"""SVG snapshots of the main screens (update with ``pytest --snapshot-update``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_tui_support import NOTES, REPEAT_NOTES, make_app, settle, table_lines
from textual.pilot import Pilot
from textual.widgets import Input

pytestmark = pytest.mark.usefixtures("fixed_today")
Snap = Callable[..., bool]


@pytest.fixture
def vault(make_vault: Callable[..., Path]) -> Path:
    return make_vault(NOTES, name="Work")


async def steady(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await settle(pilot)


def test_inbox(vault: Path, snap_compare: Snap) -> None:
    assert snap_compare(make_app(vault), terminal_size=(160, 45), run_before=steady)


def test_inbox_after_accept_and_due(vault: Path, snap_compare: Snap) -> None:
    async def act(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("a", "d", *"friday")
        await steady(pilot)

    assert snap_compare(make_app(vault), terminal_size=(160, 45), run_before=act)


def test_mine_narrow(vault: Path, snap_compare: Snap) -> None:
    async def act(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("2", "down")
        await steady(pilot)

    assert snap_compare(make_app(vault), terminal_size=(100, 36), run_before=act)


def test_help(vault: Path, snap_compare: Snap) -> None:
    async def act(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await steady(pilot)

    assert snap_compare(make_app(vault), terminal_size=(120, 45), run_before=act)


def test_inbox_with_a_likely_repeat(make_vault: Callable[..., Path], snap_compare: Snap) -> None:
    """The ≈ marks, the candidates in the detail pane of the item under the cursor, and `m` in the footer."""
    async def act(pilot: Pilot[Any]) -> None:
        await settle(pilot, until=lambda: "≈" in table_lines(pilot.app)[2])
        await pilot.press("down", "down")
        await steady(pilot)

    assert snap_compare(make_app(make_vault(REPEAT_NOTES, name="Work")), terminal_size=(160, 45), run_before=act)
