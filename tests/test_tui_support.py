"""Notes, an app factory and screen readers shared by the TUI tests (no tests of its own)."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Static

from tasktrack.workspace import Workspace
from tui.app import TaskTrackApp

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


async def settle(pilot: Pilot[None], delay: float = 0.12) -> None:
    """Let key presses, workers and the detail pane's timer finish."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(delay)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def wait_for(pilot: Pilot[None], check: Callable[[], bool], timeout: float = 5.0) -> bool:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        if check():
            return True
        await pilot.pause(0.05)
    return check()


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
