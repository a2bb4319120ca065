"""The TUI driven by real key presses: what the screen shows, and what the notes on disk hold afterwards."""

from __future__ import annotations

import errno
import os
import re
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from tasktrack.tui.app import TaskTrackApp
from tasktrack.tui.help import HelpScreen
from tasktrack.tui.prompts import CapturePrompt, DatePrompt, OwnerPrompt
from test_tui_support import (
    MEETING,
    NOTES,
    SIZE,
    cursor_line,
    make_app,
    message,
    run_async,
    screen_text,
    settle,
    static_text,
    table_lines,
    wait_for,
)
from textual import events
from textual.command import CommandList, CommandPalette
from textual.widgets import Input

from tasktrack.workspace import Workspace

pytestmark = pytest.mark.usefixtures("fixed_today")


@pytest.fixture
def vault(make_vault: Callable[..., Path]) -> Path:
    return make_vault(NOTES)


def meeting(vault: Path) -> str:
    return (vault / MEETING).read_text(encoding="utf-8")


def filter_box(app: TaskTrackApp) -> Input:
    return app.query_one("#filter", Input)


def prompt_input(app: TaskTrackApp, selector: str) -> Input:
    """The text box of the prompt on screen."""
    return app.screen.query_one(selector, Input)


def palette_offers(app: TaskTrackApp, title: str) -> bool:
    """The command palette is open and its highlighted command is ``title``."""
    if not isinstance(app.screen, CommandPalette):
        return False
    commands = app.screen.query_one(CommandList)
    highlighted = commands.highlighted_option
    return highlighted is not None and str(highlighted.prompt).startswith(title)


@run_async
async def test_opens_on_the_inbox_newest_meeting_first(vault: Path) -> None:
    app = make_app(vault)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Inbox (6)" in text
        assert "6 proposed items await triage" in text
        rows = [line for line in table_lines(app) if line]
        assert "Follow up with Louie" in rows[0]
        assert "Send pricing for the 12PB POC" in rows[5]  # the older meeting comes last
        assert "Microsoft strategy and SCO prep" in text  # the detail pane: the note's title
        assert "account      Microsoft" in text
        assert "participants Jason Vallery, Jeff Denworth" in text


@run_async
async def test_accept_rewrites_the_line_and_moves_on(vault: Path) -> None:
    app = make_app(vault)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot, until=lambda: "accepted" in message(app))
        assert "- [ ] Follow up with Louie and send a relevant VAST blog. @Myself #task\n" in meeting(vault)
        lines = table_lines(app)
        assert lines[0].startswith(" [ ]") and "Follow up with Louie" in lines[0]  # updated in place
        assert "Work with Morty" in cursor_line(app)  # the cursor went on to the next item
        assert "5 proposed items await triage" in screen_text(app)
        assert "accepted" in screen_text(app)


@run_async
async def test_reject_and_done_write_their_dates(vault: Path) -> None:
    app = make_app(vault)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot, until=lambda: "rejected" in message(app))
        await pilot.press("x")
        await settle(pilot, until=lambda: message(app).startswith("done"))
        text = meeting(vault)
        assert "- [-] Follow up with Louie and send a relevant VAST blog. @Myself #task ❌ 2026-11-22" in text
        assert "- [x] Work with Morty on NeoCloud-in-a-box user stories. @Myself ⏫ #task ✅ 2026-11-22" in text
        lines = table_lines(app)
        assert lines[0].startswith(" [-]") and lines[1].startswith(" [x]")


@run_async
async def test_due_in_words_shows_the_date_before_it_is_set(vault: Path) -> None:
    app = make_app(vault)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot, until=lambda: isinstance(app.screen, DatePrompt))
        prompt_input(app, "#date-input").value = "next friday"
        await settle(pilot, until=lambda: "Friday 2026-11-27" in str(app.screen.query_one("#date-preview").render()))
        assert "📅" not in meeting(vault).splitlines()[17]  # nothing written before Enter
        await pilot.press("enter")
        await settle(pilot, until=lambda: "due date set" in message(app))
        assert "- [ ?] Follow up with Louie and send a relevant VAST blog. @Myself #task #proposed 📅 2026-11-27" \
            in meeting(vault)
        assert "2026-11-27" in table_lines(app)[0]


@run_async
async def test_a_date_that_is_no_date_is_refused_in_the_prompt(vault: Path) -> None:
    before = meeting(vault)
    app = make_app(vault)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot, until=lambda: isinstance(app.screen, DatePrompt))
        prompt_input(app, "#date-input").value = "blorp"
        await pilot.press("enter")
        await settle(pilot)
        assert "not a date" in str(app.screen.query_one("#date-preview").render())
        await pilot.press("escape")
        await settle(pilot, until=lambda: not isinstance(app.screen, DatePrompt))
    assert meeting(vault) == before


@run_async
async def test_undo_restores_the_bytes(vault: Path) -> None:
    before = (vault / MEETING).read_bytes()
    app = make_app(vault)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot, until=lambda: "accepted" in message(app))
        assert (vault / MEETING).read_bytes() != before
        await pilot.press("u")
        await settle(pilot, until=lambda: "undone" in message(app))
        assert (vault / MEETING).read_bytes() == before
        assert "undone" in screen_text(app)
        assert table_lines(app)[0].startswith(" [?]")


@run_async
async def test_undo_keeps_the_cursor_on_the_task_it_restored(vault: Path) -> None:
    app = make_app(vault)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        assert await wait_for(pilot, lambda: "Work with Morty" in cursor_line(app))
        await pilot.press("down", "u")
        assert await wait_for(pilot, lambda: "undone" in message(app))
        assert "- [ ?] Follow up with Louie" in meeting(vault)
        assert cursor_line(app).startswith(" [?]") and "Follow up with Louie" in cursor_line(app)


@run_async
async def test_a_refusal_is_shown_not_raised(vault: Path) -> None:
    app = make_app(vault)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("u")  # nothing to undo yet
        await settle(pilot, until=lambda: "nothing to undo" in message(app))
        path = vault / MEETING
        path.write_text(meeting(vault).replace("Follow up with Louie", "Call Louie"), encoding="utf-8")
        before = path.read_bytes()
        await pilot.press("a")  # the store still has the old line: the write-back must refuse
        await settle(pilot, until=lambda: "accept" in message(app))
        assert app.is_running
        assert path.read_bytes() == before
        assert app.query_one("#message").has_class("error")


@run_async
async def test_a_refused_write_keeps_the_cursor_on_the_task_it_reread(vault: Path) -> None:
    app = make_app(vault)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        path = vault / MEETING
        path.write_text(meeting(vault).replace("Follow up with Louie", "Call Louie"), encoding="utf-8")
        before = path.read_bytes()
        await pilot.press("a")  # the store still has the old line: the write-back refuses
        assert await wait_for(pilot, lambda: "Call Louie" in cursor_line(app))
        assert path.read_bytes() == before
        assert app.query_one("#message").has_class("error")
        assert "the task's line has changed since it was scanned; nothing written" in message(app)
        assert "\n" not in message(app)
        assert "6 proposed items await triage" in screen_text(app)
        await pilot.press("a")  # the next key acts on the same task, now read again
        assert await wait_for(pilot, lambda: "- [ ] Call Louie and send" in meeting(vault))
        assert await wait_for(pilot, lambda: "Work with Morty" in cursor_line(app))


@run_async
async def test_a_refused_write_keeps_the_selection(vault: Path) -> None:
    app = make_app(vault)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("space", "space")
        await settle(pilot)
        selected = set(app.table.selected)
        assert len(selected) == 2 and "Ask Morty" in cursor_line(app)
        path = vault / MEETING
        path.write_text(meeting(vault).replace("Work with Morty", "Work with Mortimer"), encoding="utf-8")
        before = path.read_bytes()
        await pilot.press("a")
        assert await wait_for(pilot, lambda: "Mortimer" in "\n".join(table_lines(app)))
        assert path.read_bytes() == before
        assert "nothing written" in message(app) and app.query_one("#message").has_class("error")
        assert app.table.selected == selected
        assert "2 selected" in screen_text(app)
        assert "Ask Morty" in cursor_line(app)


@run_async
async def test_a_note_that_cannot_be_written_gives_one_line(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    replace = os.replace

    def read_only_vault(src: str, dst: str) -> None:
        if str(dst).startswith(str(vault)):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), src, None, dst)
        replace(src, dst)

    app = make_app(vault)
    path = vault / MEETING
    before = path.read_bytes()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(os, "replace", read_only_vault)
        await pilot.press("a")
        assert await wait_for(pilot, lambda: message(app) != "")
        assert message(app) == f"accept: cannot write {MEETING}: permission denied; nothing written"
        assert app.query_one("#message").has_class("error")
        assert path.read_bytes() == before
        assert "Follow up with Louie" in cursor_line(app)
        monkeypatch.undo()
        await pilot.press("a")  # still running, and the next key acts on the same task
        assert await wait_for(pilot, lambda: "- [ ] Follow up with Louie" in meeting(vault))
        assert await wait_for(pilot, lambda: "Work with Morty" in cursor_line(app))
    assert sorted(p.name for p in path.parent.iterdir()) == sorted(["2025-12-02 Lambda sync.md", path.name])


@run_async
async def test_an_unexpected_failure_is_one_line_without_the_exception_type(
        vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(src: str, dst: str) -> None:
        raise ValueError("the disk said no")

    app = make_app(vault)
    path = vault / MEETING
    before = path.read_bytes()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(os, "replace", broken)
        await pilot.press("a")
        assert await wait_for(pilot, lambda: message(app) != "")
        assert message(app) == "accept failed: the disk said no"
        assert app.is_running and path.read_bytes() == before
        assert "Follow up with Louie" in cursor_line(app)


@run_async
async def test_a_verb_that_does_not_apply_says_why(vault: Path,
                                                   digest: Callable[[Path], dict[str, tuple[int, int, str]]]) -> None:
    before = digest(vault)
    app = make_app(vault)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        steps = [
            ("1", "o", "Follow up with Louie",
             "reopen: this task is proposed; reopen is for done, cancelled, in progress or deferred tasks"),
            ("5", "x", "Send the QBR deck",
             "done: this task is done; done is for proposed, open, in progress or deferred tasks"),
            ("4", "a", "Confirm the rack plan", "accept: this task is open; accept is for proposed tasks"),
            ("4", "o", "Confirm the rack plan",
             "reopen: this task is open; reopen is for done, cancelled, in progress or deferred tasks"),
        ]
        for view, key, task, why in steps:
            await pilot.press(view)
            await settle(pilot)
            assert task in cursor_line(app)
            await pilot.press(key)
            assert await wait_for(pilot, lambda why=why: why in message(app)), key  # type: ignore[misc]
            assert message(app) == f"{why}; nothing written"
            assert app.query_one("#message").has_class("error")
            assert task in cursor_line(app)
    assert digest(vault) == before


@run_async
async def test_selection_applies_a_verb_to_every_selected_task(vault: Path) -> None:
    app = make_app(vault)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("space", "space", "a")
        await settle(pilot, until=lambda: "accepted" in message(app))
        text = meeting(vault)
        assert "- [ ] Follow up with Louie" in text and "- [ ] Work with Morty" in text
        assert "- [ ?] Ask Morty" in text
        assert not app.table.selected


@run_async
async def test_priority_and_assign(vault: Path) -> None:
    app = make_app(vault)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("p", "2")
        await settle(pilot, until=lambda: "priority set" in message(app))
        await pilot.press("up", "w")
        await settle(pilot, until=lambda: isinstance(app.screen, OwnerPrompt))
        prompt_input(app, "#owner-input").value = "Jeff"
        await pilot.press("enter")
        await settle(pilot, until=lambda: "assigned" in message(app))
        line = next(x for x in meeting(vault).splitlines() if "Follow up with Louie" in x)
        assert "⏫" in line and "@Jeff" in line and "@Myself" not in line
        assert "@Jeff" in table_lines(app)[0]


@run_async
async def test_filter_as_you_type(vault: Path) -> None:
    app = make_app(vault)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4", "slash", *"morty")
        await settle(pilot)
        rows = [line for line in table_lines(app) if line]
        assert len(rows) == 3 and all("Morty" in r for r in rows)
        await pilot.press("enter")
        await settle(pilot)
        assert app.table.has_focus
        await pilot.press("escape", "slash")
        filter_box(app).value = "@Jeff"
        await settle(pilot)
        rows = [line for line in table_lines(app) if line]
        assert len(rows) == 1 and "12PB" in rows[0]
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("slash")
        filter_box(app).value = "#azure type:customer"
        await settle(pilot)
        rows = [line for line in table_lines(app) if line]
        assert len(rows) == 1 and "Azure engagement plan" in rows[0]


@run_async
async def test_views_on_single_keys(vault: Path) -> None:
    app = make_app(vault)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        expected = {"2": "Mine: 7 tasks", "3": "Today & overdue: 2 tasks", "4": "All open: 9 tasks",
                    "5": "Recently done: 1 task", "6": "Waiting on others: 2 tasks"}
        for key, summary in expected.items():
            await pilot.press(key)
            await settle(pilot, until=lambda summary=summary: summary in screen_text(app))  # type: ignore[misc]
        await pilot.press("3")
        await settle(pilot, until=lambda: "Today & overdue: 2 tasks" in screen_text(app))
        assert "2026-11-20" in table_lines(app)[0]  # overdue first


@run_async
async def test_live_reload_keeps_the_cursor_on_the_same_task(vault: Path) -> None:
    app = make_app(vault, live=0.2)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "down")
        await settle(pilot)
        assert "Ask Morty" in cursor_line(app)
        new_item = "## Action Items\n- [ ?] A new item from Obsidian #proposed\n"
        text = meeting(vault).replace("## Action Items\n", new_item)
        (vault / MEETING).write_text(text, encoding="utf-8")
        assert await wait_for(pilot, lambda: "A new item from Obsidian" in "\n".join(table_lines(app)))
        await settle(pilot)
        assert "Ask Morty" in cursor_line(app)
        assert "7 proposed items await triage" in screen_text(app)


@run_async
async def test_help_screen_and_palette_commands(vault: Path) -> None:
    app = make_app(vault)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot, until=lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("escape")
        await settle(pilot, until=lambda: not isinstance(app.screen, HelpScreen))
        await pilot.press("ctrl+p", *"acc")
        await settle(pilot, until=lambda: palette_offers(app, "Accept  (a)"))
        await pilot.press("enter")
        await settle(pilot, until=lambda: "accepted" in message(app))
        assert "- [ ] Follow up with Louie" in meeting(vault)  # the palette ran the verb
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for verb in ("Accept", "Reject", "Done", "Reopen", "Start", "Due", "Schedule", "Priority", "Assign", "Undo"):
            assert any(t.startswith(f"{verb}  (") for t in titles), verb


@run_async
async def test_keys_remapped_in_the_config(vault: Path, config_file: Callable[[str], Path]) -> None:
    config_file('[keys]\naccept = "y"\n')
    app = make_app(vault)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert "- [ ?] Follow up with Louie" in meeting(vault)
        await pilot.press("y")
        await settle(pilot, until=lambda: "accepted" in message(app))
        assert "- [ ] Follow up with Louie" in meeting(vault)


@run_async
async def test_verbs_that_cannot_apply_are_greyed_out(vault: Path) -> None:
    app = make_app(vault)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.check_action("verb", ("accept",)) is True
        assert app.check_action("verb", ("reopen",)) is None
        await pilot.press("5")
        await settle(pilot, until=lambda: "Recently done: 1 task" in screen_text(app))
        assert app.check_action("verb", ("accept",)) is None
        assert app.check_action("verb", ("reopen",)) is True


@run_async
async def test_fixture_meeting_five_proposed_items(edge_vault: Path) -> None:
    app = make_app(edge_vault)
    note = edge_vault / "Meetings" / "2025-12-19 Microsoft strategy and SCO prep.md"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        filter_box(app).value = "path:Meetings"
        await pilot.press("enter")
        await settle(pilot)
        assert len([line for line in table_lines(app) if line]) == 5
        await pilot.press("a", "a", "r", "x")
        await settle(pilot, until=lambda: message(app).startswith("done"))
    lines = [x for x in note.read_text(encoding="utf-8").splitlines() if re.match(r"- \[( \?|.)\] ", x)]
    assert [x[:5] for x in lines] == ["- [ ]", "- [ ]", "- [-]", "- [x]", "- [ ?"]


@run_async
async def test_starts_and_rescans_in_a_vault_with_a_file_name_that_is_not_utf8(make_vault: Callable[..., Path]) -> None:
    vault = make_vault(NOTES)
    with open(os.path.join(os.fsencode(vault), b"bad\xff.md"), "wb") as f:
        f.write(b"- [ ?] hidden by its name #proposed\n")
    app = make_app(vault)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        assert "Inbox (6)" in screen_text(app)


@run_async
async def test_the_status_line_says_when_notes_could_not_be_read_fully(make_vault: Callable[..., Path]) -> None:
    vault = make_vault({**NOTES, "Legacy.md": b"- [ ?] caf\xe9 with Erez #proposed\n"})
    app = make_app(vault)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "⚠ 1 note could not be read fully: `tasks scan` lists them" in static_text(app, "#summary")
        assert "Inbox (7)" in screen_text(app)  # its task is listed all the same


@run_async
async def test_the_store_and_the_notes_are_read_off_the_ui_thread(make_vault: Callable[..., Path],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    long_note = "".join(f"- [ ?] Long item {i:03} #proposed\n" for i in range(450))
    vault = make_vault({**NOTES, "Inbox/Long.md": long_note})
    app = make_app(vault)
    on_ui_thread: list[str] = []

    def spy(name: str) -> Callable[..., object]:
        original = getattr(Workspace, name)

        def read(self: Workspace, *args: object, **kwargs: object) -> object:
            if threading.current_thread() is threading.main_thread():
                on_ui_thread.append(name)
            return original(self, *args, **kwargs)

        return read

    for name in ("tasks", "count", "task", "unreadable", "note_lines", "sync", "refresh"):
        monkeypatch.setattr(Workspace, name, spy(name))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Inbox (456)" in screen_text(app)
        await pilot.press("G")  # the last row, on a page not read yet (the note without a date comes last)
        await settle(pilot, until=lambda: "Long item 449" in cursor_line(app))
        assert "Inbox/Long.md:450" in static_text(app, "#detail-note")
        await pilot.press("ctrl+a")
        await settle(pilot, until=lambda: "456 selected" in static_text(app, "#summary"))
        await pilot.press("escape")
        await settle(pilot, until=lambda: "selected" not in static_text(app, "#summary"))
        await pilot.press("a")
        await settle(pilot, until=lambda: "accepted" in message(app))
        assert (vault / "Inbox/Long.md").read_text(encoding="utf-8").endswith("- [ ] Long item 449\n")
        await pilot.press("4", "S", "R")
        await settle(pilot, until=lambda: "sorted by priority" in screen_text(app))
    assert on_ui_thread == []


@run_async
async def test_keys_typed_in_a_burst_after_slash_go_into_the_filter_not_to_the_verbs(
        make_vault: Callable[..., Path]) -> None:
    vault = make_vault(NOTES)
    before = {p: p.read_bytes() for p in vault.rglob("*.md")}
    app = make_app(vault)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst = [("slash", "/"), ("number_sign", "#"), ("t", "t"), ("a", "a"), ("s", "s"), ("k", "k"),
                 ("space", " "), ("at", "@"), ("m", "m"), ("e", "e")]
        for key, character in burst:  # all queued at once, as a terminal multiplexer sends them
            app.post_message(events.Key(key, character))
        assert await wait_for(pilot, lambda: app.query_one("#filter", Input).value == "#task @me")
        await settle(pilot)
        assert "filter: #task @me" in static_text(app, "#summary")
        assert {p: p.read_bytes() for p in vault.rglob("*.md")} == before  # no verb ran: nothing accepted
        await pilot.press("enter", "a")  # back on the list, its keys are verbs again
        await wait_for(pilot, lambda: {p: p.read_bytes() for p in vault.rglob("*.md")} != before)
    changed = [p for p in vault.rglob("*.md") if p.read_bytes() != before[p]]
    assert len(changed) == 1
    diff = set(changed[0].read_text().splitlines()) - set(before[changed[0]].decode().splitlines())
    assert len(diff) == 1 and next(iter(diff)).startswith("- [ ] ")


@run_async
async def test_n_captures_a_task_into_the_inbox_showing_it_first(vault: Path) -> None:
    app = make_app(vault)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot, until=lambda: isinstance(app.screen, CapturePrompt))
        prompt_input(app, "#capture-input").value = "@Jeff"
        await settle(pilot, until=lambda: "needs some words" in str(app.screen.query_one("#capture-preview").render()))
        await pilot.press("enter")  # refused: the prompt stays
        assert isinstance(app.screen, CapturePrompt) and not (vault / "Inbox.md").exists()
        prompt_input(app, "#capture-input").value = "Call Erez about the POC tomorrow @Morty high #task"
        await settle(pilot, until=lambda: "- [ ] Call Erez about the POC @Morty #task ⏫ 📅 2026-11-23" in str(
            app.screen.query_one("#capture-preview").render()))
        assert not (vault / "Inbox.md").exists()  # nothing written before Enter
        await pilot.press("enter")
        await settle(pilot, until=lambda: "added" in message(app))
        assert (vault / "Inbox.md").read_text() == "- [ ] Call Erez about the POC @Morty #task ⏫ 📅 2026-11-23\n"
        await pilot.press("u")
        await settle(pilot, until=lambda: "undone" in message(app))
        assert not (vault / "Inbox.md").exists()


QUERIES = ('[queries]\ncustomers = """\nnot done\npath includes Customers\nsort by due reverse\n"""\n'
           'lambda = "path includes Lambda"\n')


def summary(app: TaskTrackApp) -> str:
    return static_text(app, "#summary")


@run_async
async def test_the_saved_query_view_lists_the_first_query_and_triage_works_on_it(
        vault: Path, config_file: Callable[[str], Path]) -> None:
    config_file(QUERIES)
    app = make_app(vault)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot, until=lambda: "Saved queries: customers: 2 tasks" in summary(app))
        rows = [line for line in table_lines(app) if line]
        assert len(rows) == 2
        assert "Draft the Key Vault gap note" in rows[0] and "Share the Azure engagement plan" in rows[1]
        await pilot.press("x")
        await settle(pilot, until=lambda: message(app).startswith("done"))
        text = (vault / "Customers/Microsoft.md").read_text(encoding="utf-8")
        assert "- [x] Draft the Key Vault gap note @Myself 🔼 📅 2026-12-05 ✅ 2026-11-22\n" in text


@run_async
async def test_the_palette_runs_a_saved_query_by_name(vault: Path, config_file: Callable[[str], Path]) -> None:
    config_file(QUERIES)
    app = make_app(vault)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"Query: lamb")
        await settle(pilot, until=lambda: palette_offers(app, "Query: lambda"))
        await pilot.press("enter")
        await settle(pilot, until=lambda: "Saved queries: lambda: 2 tasks" in summary(app))
        rows = [line for line in table_lines(app) if line]
        assert len(rows) == 2
        assert "Confirm the rack plan" in rows[0] and "Send pricing for the 12PB POC" in rows[1]  # the query's order


@run_async
async def test_a_saved_query_that_does_not_parse_says_why(vault: Path, config_file: Callable[[str], Path]) -> None:
    config_file('[queries]\nbroken = """\nnot done\nfrobnicate the notes\n"""\n')
    app = make_app(vault)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot, until=lambda: "frobnicate" in message(app))
        assert message(app) == "query broken: line 2: `frobnicate the notes`: not an instruction tasktrack understands"
        assert "Saved queries: broken: 0 tasks" in summary(app)


@run_async
async def test_the_filter_takes_a_tasks_query_line(vault: Path) -> None:
    app = make_app(vault)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4", "slash", *"priority is high")
        await settle(pilot, until=lambda: "All open: 3 tasks" in summary(app))
        assert "Tasks query: priority is high" in summary(app)
        rows = [line for line in table_lines(app) if line]
        assert len(rows) == 3 and all("⏫" not in r and "↑" in r for r in rows)
        filter_box(app).value = "priority"
        await settle(pilot, until=lambda: "All open: 0 tasks" in summary(app))
        assert "filter: priority" in summary(app)


@run_async
async def test_the_filter_reads_a_query_line_with_the_vaults_tasks(make_vault: Callable[..., Path]) -> None:
    """Dependencies need every task of the vault: the TUI reads a query line as `tasks query` does."""
    vault = make_vault({"Plan.md": "- [ ] Book the venue 🆔 venue\n- [ ] Send the invitations ⛔ venue\n"
                                   "- [ ] Order the cake\n"})
    app = make_app(vault)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4", "slash", *"is blocked")
        await settle(pilot, until=lambda: "All open: 1 task" in summary(app))
        assert [line for line in table_lines(app) if line and "Send the invitations" in line] == [
            next(line for line in table_lines(app) if line)]
        assert message(app) == ""
