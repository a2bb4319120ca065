"""The TUI follows the vault through watchfiles: an edit made elsewhere shows at once, the app still closes at
once, and where the vault cannot be watched it is checked on a timer, and the message line says so."""

from __future__ import annotations

import errno
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from tasktrack.tui.app import TaskTrackApp
from tasktrack.tui.watching import VaultFilter
from test_tui_support import MEETING, NOTES, SIZE, make_app, message, run_async, settle, table_lines, wait_for
from watchfiles import Change

pytestmark = pytest.mark.usefixtures("fixed_today")


@pytest.fixture
def vault(make_vault: Callable[..., Path]) -> Path:
    return make_vault(NOTES)


def add_proposed(vault: Path, text: str) -> None:
    """Add a proposed item to the meeting note, as Obsidian would (the note written in place)."""
    note = vault / MEETING
    old = note.read_text(encoding="utf-8")
    note.write_text(old.replace("## Action Items\n", f"## Action Items\n- [ ?] {text} #proposed\n"), encoding="utf-8")


def watcher_running(app: TaskTrackApp) -> bool:
    return any(w.group == "watch" and w.is_running for w in app.workers)


def shown(app: TaskTrackApp, text: str) -> bool:
    return text in "\n".join(table_lines(app))


@run_async
async def test_an_edit_made_elsewhere_shows_without_polling(vault: Path) -> None:
    app = make_app(vault, live=60.0)  # a check on the timer would come after a minute: only the watcher is fast
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, until=lambda: watcher_running(app))
        # The worker runs a moment before the watch itself is set up: an edit in that moment is not seen, as
        # none made before the app started is. Obsidian saves again as the user goes on typing: so does this.
        started = time.perf_counter()
        add_proposed(vault, "Edited in Obsidian")
        while not await wait_for(pilot, lambda: shown(app, "Edited in Obsidian"), timeout=0.5):
            assert time.perf_counter() - started < 5.0, "the edit did not show"
            (vault / MEETING).touch()
        assert message(app) == ""


@run_async
async def test_a_vault_that_cannot_be_watched_is_checked_on_a_timer(vault: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    def cannot_watch(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "inotify watch limit reached")

    monkeypatch.setattr("tasktrack.tui.watching.watch", cannot_watch)
    app = make_app(vault, live=0.2)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, until=lambda: message(app) != "")
        assert message(app) == "watching off: [Errno 28] inotify watch limit reached; checking every 0.2 s"
        add_proposed(vault, "Seen by the timer")
        assert await wait_for(pilot, lambda: shown(app, "Seen by the timer"))


EXIT_SCRIPT = """
import asyncio, sys
from pathlib import Path
from tasktrack.tui.app import TaskTrackApp
from tasktrack.workspace import Workspace

async def main() -> None:
    app = TaskTrackApp(Workspace.open(sys.argv[1]), live_interval=0.75)
    async with app.run_test() as pilot:
        while not any(w.group == "watch" and w.is_running for w in app.workers):
            await pilot.pause()
        note = Path(sys.argv[1], sys.argv[2])
        note.write_text(note.read_text() + "- [ ?] Seen before closing #proposed\\n")
        table = app.table
        while not any("Seen before closing" in table.render_line(y).text for y in range(table.size.height)):
            await pilot.pause()
    print("closed")

asyncio.run(main())  # waits for the worker threads: the watcher's too
print("exited")
"""


def test_the_app_closes_at_once_while_the_watcher_runs(vault: Path) -> None:
    """Run in a process of its own under a timeout: a watcher left running would keep it from ever exiting."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(EXIT_SCRIPT), str(vault), MEETING],
                          capture_output=True, text=True, timeout=20, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (0, "closed\nexited\n", "")


def test_the_watcher_ignores_the_store_temp_files_and_hidden_folders(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    told = VaultFilter(vault, vault / "tasks.db")
    assert told(Change.modified, str(vault / MEETING))
    assert told(Change.added, str(vault / "Projects" / "New.md"))
    assert told(Change.deleted, str(vault / "Old folder"))
    for ignored in ("tasks.db", "tasks.db-wal", "tasks.db-shm", "tasks.db-journal", "Meetings/.tasktrack-x1y2.tmp",
                    ".obsidian/workspace.json", ".trash/Old.md"):
        assert not told(Change.modified, str(vault / ignored)), ignored
