"""Notes, an app factory and screen readers shared by the TUI tests (no tests of its own)."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from tasktrack.tui.app import TaskTrackApp
from tasktrack.tui.views import typed_filter
from textual.pilot import Pilot
from textual.widgets import Input, Static

from tasktrack.workspace import Workspace

MEETING = "Meetings/2025-12-19 Microsoft strategy and SCO prep.md"
NOTES: dict[str, str] = {
    MEETING: """---
type: customer
title: Microsoft strategy and SCO prep
date: '2025-12-19'
account: Microsoft
participants:
- Jason Vallery
- Jeff Denworth
source: transcript
---

# Microsoft strategy and SCO prep

**Date**: 2025-12-19
**Account**: [[Microsoft]]

## Action Items
- [ ?] Follow up with Louie and send a relevant VAST blog. @Myself #task #proposed
- [ ?] Work with Morty on NeoCloud-in-a-box user stories. @Myself ⏫ #task #proposed
- [ ?] Ask Morty for details on Lambda's portfolio plan. @Myself #task #proposed
- [ ?] Prepare SCO session content for a 45-minute talk. @Myself ⏫ #task #proposed
- [ ?] Develop a near-term roadmap for Microsoft business development. @Myself ⏫ #task #proposed

## Decisions
- Do not prioritize the full Blob API speculatively.
""",
    "Meetings/2025-12-02 Lambda sync.md": """---
title: Lambda sync
date: '2025-12-02'
account: Lambda
---

## Next Steps
- [ ?] Send pricing for the 12PB POC @Jeff #proposed
- [ ] Confirm the rack plan with Morty @Morty 📅 2026-11-20
""",
    "Customers/Microsoft.md": """---
type: customer
title: Microsoft
---

# Microsoft

- [ ] Share the Azure engagement plan @Myself 📅 2026-11-22 #azure
- [ ] Draft the Key Vault gap note @Myself 🔼 📅 2026-12-05
- [x] Send the QBR deck @Myself ✅ 2026-11-18
""",
}
OLD_NOTE = "Meetings/2026-11-10 Acme sync.md"
NEW_NOTE = "Meetings/2026-11-20 Acme follow-up.md"
PAGE = "Customers/Acme.md"
FRONTMATTER = "---\ndate: '{day}'\naccount: Acme\nparticipants:\n- Jason Vallery\n- Dana Reyes\n---\n## Action Items\n"
# Meeting notes with likely repeats: the first and the third item of the newest meeting repeat older tasks.
REPEAT_NOTES = {
    OLD_NOTE: FRONTMATTER.format(day="2026-11-10")
    + "- [ ] Send Dana the storage sizing worksheet for the Acme POC @Myself 📅 2026-11-30\n"
    + "- [ ] Draft the Acme QBR agenda @Myself\n",
    NEW_NOTE: FRONTMATTER.format(day="2026-11-20")
    + "- [ ?] Send Dana the Acme POC storage sizing worksheet. @Myself ⏫ 📅 2026-11-27 #task #proposed\n"
    + "- [ ?] Book the room for the Acme QBR. @Myself #task #proposed\n"
    + "- [ ?] Draft the agenda for the Acme QBR. @Myself #task #proposed\n",
    PAGE: "---\naccount: Acme\n---\n# Acme\n\n- [ ] Draft the QBR agenda for Acme @Myself\n",
}
SIZE = (160, 45)


def run_async(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an ``async def`` test on its own event loop (no async plugin needed); fixtures pass through."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


def make_app(vault: Path, live: float | None = None) -> TaskTrackApp:
    ws = Workspace.open(str(vault))
    ws.sync()
    return TaskTrackApp(ws, live_interval=live)


async def wait_for(pilot: Pilot[None], check: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Let key presses and workers run until ``check`` holds (False if it still does not after ``timeout`` s)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        await pilot.pause()
        busy = [w for w in pilot.app.workers if w.group != "watch"]  # the watcher runs until the app closes
        if busy:  # (an empty list would wait for every worker)
            await pilot.app.workers.wait_for_complete(busy)
        if check():
            return True
        if loop.time() > end:
            return False


async def settle(pilot: Pilot[None], until: Callable[[], bool] | None = None, timeout: float = 5.0) -> None:
    """Wait until the view asked for is shown, the filter typed is applied, the detail pane shows the task under
    the cursor, and ``until``."""
    app = pilot.app
    assert isinstance(app, TaskTrackApp)

    def steady() -> bool:
        return not app.pending and filter_applied(app) and detail_shows_cursor(app) and (until is None or until())

    assert await wait_for(pilot, steady, timeout), f"the screen did not settle:\n{screen_text(app)}"


def filter_applied(app: TaskTrackApp) -> bool:
    return app.typed == typed_filter(app.query_one("#filter", Input).value, app.context)


def detail_shows_cursor(app: TaskTrackApp) -> bool:
    row = app.table.current()
    if row is None:
        return "No task here." in static_text(app, "#detail-note")
    return f"id {row.id}" in static_text(app, "#detail-fields")


def message(app: TaskTrackApp) -> str:
    return static_text(app, "#message")


def table_lines(app: TaskTrackApp) -> list[str]:
    table = app.table
    return [table.render_line(y).text.rstrip() for y in range(table.size.height)]


def static_text(app: TaskTrackApp, selector: str) -> str:
    return str(app.query_one(selector, Static).render())


def screen_text(app: TaskTrackApp) -> str:
    """What the main screen shows: tabs, summary, the list, the detail header and the message line."""
    parts = [static_text(app, "#tabs"), static_text(app, "#summary"), *table_lines(app),
             static_text(app, "#detail-note"), static_text(app, "#detail-fields"), static_text(app, "#message")]
    return "\n".join(parts)


def cursor_line(app: TaskTrackApp) -> str:
    table = app.table
    return table.render_line(table.cursor - table.scroll_offset.y).text.rstrip()
