"""Repeats in the TUI: the Inbox marks an item with a likely repeat (``≈``), the detail pane lists what it repeats,
and ``m`` merges it as ``tasks merge`` does (the same bytes; ``u`` restores them)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CliResult
from tasktrack.tui.app import TaskTrackApp
from tasktrack.tui.prompts import MergePrompt
from test_tui_support import (
    NEW_NOTE,
    OLD_NOTE,
    PAGE,
    REPEAT_NOTES,
    SIZE,
    make_app,
    message,
    run_async,
    settle,
    static_text,
    table_lines,
)
from textual.widgets import OptionList

pytestmark = pytest.mark.usefixtures("fixed_today")  # 2026-11-22

RunCli = Callable[..., CliResult]


@pytest.fixture
def vault(make_vault: Callable[..., Path]) -> Path:
    return make_vault(REPEAT_NOTES)


def cli_merge(run_cli: RunCli, source: Path, tmp_path: Path, new: tuple[str, int], old: tuple[str, int]) -> Path:
    """``tasks merge NEW OLD`` (tasks given by note and line) on a copy of ``source``, with a store of its own."""
    copy = tmp_path / "copy"
    for relative, text in REPEAT_NOTES.items():
        (copy / relative).parent.mkdir(parents=True, exist_ok=True)
        (copy / relative).write_bytes((source / relative).read_bytes())
        assert text.encode() == (copy / relative).read_bytes()
    args = ["--vault", copy, "--db", tmp_path / "copy.sqlite"]
    ids = {(t["path"], t["line"]): t["id"] for t in run_cli(*args, "list", "--json").json()}
    result = run_cli(*args, "merge", ids[new], ids[old])
    assert (result.code, result.err) == (0, "")
    return copy


def notes_bytes(root: Path) -> dict[str, bytes]:
    return {relative: (root / relative).read_bytes() for relative in REPEAT_NOTES}


def marked(app: TaskTrackApp) -> list[str]:
    """The rows of the list (without the blank ones below them)."""
    return [line for line in table_lines(app) if line]


@run_async
async def test_the_inbox_marks_a_likely_repeat_and_the_detail_pane_lists_it(vault: Path) -> None:
    app = make_app(vault)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, until=lambda: "≈" in marked(app)[0])
        rows = marked(app)
        assert rows[0].startswith(" [?] ↑ ≈ Send Dana the Acme POC storage sizing")
        assert rows[1].startswith(" [?]   Book the room for the Acme QBR.")  # no repeat: no mark
        assert rows[2].startswith(" [?]   ≈ Draft the agenda for the Acme QBR.")
        assert static_text(app, "#detail-repeats") == (
            "≈ likely a repeat of (m merges into one)\n"
            "1. Send Dana the storage sizing worksheet for the Acme POC\n"
            "   [ ] open · 2026-11-10 Acme sync · similarity 0.99"
        )
        before = notes_bytes(vault)
        await pilot.press("down")
        await settle(pilot)
        assert not app.query_one("#detail-repeats").display
        await pilot.press("m")
        await settle(pilot, until=lambda: "merge" in message(app))
        assert message(app) == "merge: no likely repeat (≈) found for this item; nothing written"
        assert notes_bytes(vault) == before
        old = vault / OLD_NOTE  # changed under the store: the merge is refused, the cursor stays
        old.write_bytes(old.read_bytes().replace(b"sizing worksheet", b"sizing sheet"))
        changed = notes_bytes(vault)
        await pilot.press("up", "m")
        await settle(pilot, until=lambda: message(app).startswith("merge:"))
        assert message(app) == (f"merge: {OLD_NOTE}:9: the task's line has changed since it was scanned; "
                                "nothing written")
        assert app.query_one("#message").has_class("error")
        assert notes_bytes(vault) == changed
        assert app.table.cursor == 0 and "Send Dana" in marked(app)[0]


@run_async
async def test_m_writes_the_bytes_tasks_merge_writes_and_u_restores_both_notes(
        vault: Path, tmp_path: Path, run_cli: RunCli) -> None:
    before = notes_bytes(vault)
    expected = notes_bytes(cli_merge(run_cli, vault, tmp_path, (NEW_NOTE, 9), (OLD_NOTE, 9)))
    kept_line = expected[OLD_NOTE].decode().splitlines()[8]
    block = kept_line.rsplit("^", 1)[1]
    assert kept_line == f"- [ ] Send Dana the storage sizing worksheet for the Acme POC @Myself 📅 2026-11-30 ^{block}"
    app = make_app(vault)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, until=lambda: "≈" in marked(app)[0])
        await pilot.press("m")
        await settle(pilot, until=lambda: message(app).startswith("merged"))
        assert notes_bytes(vault) == expected
        assert message(app) == (f"merged into Send Dana the storage sizing worksheet for the Acme POC  ^{block}  "
                                f"({OLD_NOTE}:9)")
        rows = marked(app)  # the item left the Inbox
        assert len(rows) == 2 and rows[0].startswith(" [?]   Book the room")
        assert "2 proposed items await triage" in static_text(app, "#summary")
        await pilot.press("u")
        await settle(pilot, until=lambda: message(app).startswith("undone"))
        assert notes_bytes(vault) == before
        await settle(pilot, until=lambda: len(marked(app)) == 3 and "≈" in marked(app)[0])


@run_async
async def test_m_asks_which_of_several_candidates(vault: Path, tmp_path: Path, run_cli: RunCli) -> None:
    before = notes_bytes(vault)
    expected = notes_bytes(cli_merge(run_cli, vault, tmp_path, (NEW_NOTE, 11), (PAGE, 6)))
    app = make_app(vault)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, until=lambda: "≈" in marked(app)[2])
        await pilot.press("down", "down", "m")
        await settle(pilot, until=lambda: isinstance(app.screen, MergePrompt))
        options = app.screen.query_one(OptionList)
        assert [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)] == [
            "1  0.84  [open] Draft the Acme QBR agenda  (2026-11-10 Acme sync)",
            "2  0.80  [open] Draft the QBR agenda for Acme  (Acme)",
        ]
        await pilot.press("escape")
        await settle(pilot, until=lambda: not isinstance(app.screen, MergePrompt))
        assert notes_bytes(vault) == before
        await pilot.press("m")
        await settle(pilot, until=lambda: isinstance(app.screen, MergePrompt))
        await pilot.press("2")
        await settle(pilot, until=lambda: message(app).startswith("merged"))
        assert notes_bytes(vault) == expected


def test_tasks_config_knows_the_merge_key(run_cli: RunCli, vault: Path, config_file: Callable[[str], Path]) -> None:
    keys = run_cli("--vault", vault, "config", "--json").json()["keys"]
    assert {"action": "merge", "key": "m", "source": "default"} in keys
    config_file('[keys]\nmerge = "M"\n')
    result = run_cli("--vault", vault, "config", "--json")
    assert (result.code, result.err) == (0, "")
    assert {"action": "merge", "key": "M", "source": "config file"} in result.json()["keys"]
    config_file('[keys]\nmerge = "a"\n')
    result = run_cli("--vault", vault, "config")
    assert (result.code, result.err) == (2, "tasks: config [keys]: the key 'a' is given to both accept and merge\n")
