"""``tasks mcp``: the Model Context Protocol, driven by the SDK's own client: the tools it offers (read-only unless
--allow-write), a list, a query, a refused write, an allowed write checked on disk, the digest resource; and without
the SDK, one line that says how to install it. The read-only conversation runs end to end over stdio with
``tasks mcp`` itself; the others talk to the same server (``build_server``) in this process, which spares each
the start of a Python process that imports the SDK."""

from __future__ import annotations

import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import pytest

if TYPE_CHECKING:  # the SDK takes half a second to import: only where a test talks to a server
    import mcp_types
    from mcp.client.session import ClientSession

pytestmark = pytest.mark.usefixtures("fixed_today")

MakeVault = Callable[..., Path]
RunCli = Callable[..., Any]
Session = Callable[["ClientSession"], Awaitable[None]]
TIMEOUT = 30  # seconds for a whole conversation: a hung server fails the test instead of hanging it

NOTE = (
    "# Plan\n"
    "- [ ] Draft the budget @Dana #finance 📅 2026-11-30\n"
    "- [ ?] Review slides #proposed\n"
)
READ_TOOLS = ["list_tasks", "query_tasks", "show_task"]
WRITE_TOOLS = ["accept", "add_task", "assign", "done", "due", "priority", "reject", "reopen", "schedule", "start",
               "start_date", "undo"]


def _talk(vault: Path, conversation: Session, *flags: str) -> None:
    """Start ``tasks --vault VAULT mcp FLAGS`` and hold ``conversation`` with it through the SDK's client."""
    from mcp.client.session import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client

    env = {name: os.environ[name] for name in ("HOME", "TASKTRACK_DB", "TASKTRACK_CONFIG", "TASKTRACK_TODAY",
                                               "TASKTRACK_SETTLE_SECONDS", "XDG_CONFIG_HOME", "XDG_DATA_HOME")}
    params = StdioServerParameters(command=sys.executable, args=["-m", "tasktrack", "--vault", str(vault), "mcp",
                                                                 *flags], env=env)

    async def run() -> None:
        with anyio.fail_after(TIMEOUT):
            # errlog: the server's stderr goes where the test process's own does (pytest's capture has no fileno)
            async with (stdio_client(params, errlog=sys.__stderr__) as (read, write),
                        ClientSession(read, write) as session):
                await session.initialize()
                await conversation(session)

    anyio.run(run)


def _talk_here(vault: Path, conversation: Session, allow_write: bool = False) -> None:
    """Hold ``conversation`` with the server ``tasks --vault VAULT mcp`` serves, in this process."""
    from mcp import Client

    from tasktrack.agent.server import build_server

    async def run() -> None:
        with anyio.fail_after(TIMEOUT):
            async with Client(build_server(str(vault), None, allow_write)) as client:
                await conversation(client.session)

    anyio.run(run)


async def _call(session: ClientSession, tool: str, **arguments: Any) -> mcp_types.CallToolResult:
    import mcp_types

    result = await session.call_tool(tool, arguments)
    assert isinstance(result, mcp_types.CallToolResult)
    return result


def _data(result: mcp_types.CallToolResult) -> Any:
    """A tool's structured result (a list comes wrapped as {"result": [...]}, an object as itself)."""
    assert not result.is_error, result.content
    assert result.structured_content is not None
    return result.structured_content.get("result", result.structured_content)


def _refusal(result: mcp_types.CallToolResult, tool: str) -> str:
    """The one line of a tool error (what `tasks` prints after `tasks: `)."""
    import mcp_types

    assert result.is_error
    [content] = result.content
    assert isinstance(content, mcp_types.TextContent)
    prefix = f"Error executing tool {tool}: "
    assert content.text.startswith(prefix)
    return content.text.removeprefix(prefix)


def _ids(run_cli: RunCli, vault: Path) -> dict[str, str]:
    return {t["description"]: t["id"] for t in run_cli("--vault", vault, "list", "--all", "--json").json()}


def test_read_only_server(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault({"Plan.md": NOTE})
    ids = _ids(run_cli, vault)
    before = (vault / "Plan.md").read_bytes()

    async def conversation(session: ClientSession) -> None:
        tools = await session.list_tools()
        assert sorted(tool.name for tool in tools.tools) == READ_TOOLS
        listed = _data(await _call(session, "list_tasks", owner=["Dana"]))
        assert listed == run_cli("--vault", vault, "list", "--owner", "Dana", "--json").json()
        assert [t["description"] for t in listed] == ["Draft the budget"]
        proposed = _data(await _call(session, "list_tasks", status="proposed"))
        assert [t["id"] for t in proposed] == [ids["Review slides"]]
        queried = _data(await _call(session, "query_tasks", query="not done\ntags include #finance"))
        assert [t["id"] for t in queried] == [ids["Draft the budget"]]
        shown = _data(await _call(session, "show_task", id=ids["Draft the budget"][:5], context=1))
        assert shown["lines"] == [{"line": 1, "text": "# Plan"},
                                  {"line": 2, "text": "- [ ] Draft the budget @Dana #finance 📅 2026-11-30"},
                                  {"line": 3, "text": "- [ ?] Review slides #proposed"}]
        assert shown["url"] == "obsidian://open?vault=vault&file=Plan"
        bad = await _call(session, "list_tasks", due_before="someday soon")
        assert _refusal(bad, "list_tasks") == "'someday soon' is not a date I can read (try YYYY-MM-DD, `tomorrow`, " \
                                             "`next friday`, `in 2 weeks`)"
        refused = await _call(session, "done", ids=[ids["Draft the budget"]])
        assert refused.is_error  # no such tool: a read-only server has no write tools

    _talk(vault, conversation)
    assert (vault / "Plan.md").read_bytes() == before


def test_writes_with_allow_write(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault({"Plan.md": NOTE})
    ids = _ids(run_cli, vault)

    async def conversation(session: ClientSession) -> None:
        tools = await session.list_tools()
        assert sorted(tool.name for tool in tools.tools) == sorted(READ_TOOLS + WRITE_TOOLS)
        changes = _data(await _call(session, "accept", ids=[ids["Review slides"]]))
        assert changes == [{"task_id": ids["Review slides"], "path": "Plan.md", "line": 3,
                            "old": "- [ ?] Review slides #proposed", "new": ["- [ ] Review slides"],
                            "verb": "accept", "warnings": [], "next_id": None}]
        again = await _call(session, "accept", ids=[ids["Review slides"]])
        assert f"tasks: {_refusal(again, 'accept')}\n" == run_cli("--vault", vault, "accept", ids["Review slides"]).err
        _data(await _call(session, "due", ids=[ids["Draft the budget"]], when="2026-12-04"))
        no_value = await _call(session, "priority", ids=[ids["Draft the budget"]], level="sky-high")
        assert _refusal(no_value, "priority").startswith("unknown priority 'sky-high': use highest, high")
        added = _data(await _call(session, "add_task", text="Book the room @Erez tomorrow", note="Plan"))
        assert [(t["path"], t["line"], t["due"], t["owners"]) for t in added] == [("Plan.md", 4, "2026-11-23",
                                                                                  ["Erez"])]

    _talk_here(vault, conversation, allow_write=True)
    assert (vault / "Plan.md").read_text(encoding="utf-8") == (
        "# Plan\n"
        "- [ ] Draft the budget @Dana #finance 📅 2026-12-04\n"
        "- [ ] Review slides\n"
        "- [ ] Book the room @Erez 📅 2026-11-23\n"
    )


def test_refused_write_leaves_the_note(make_vault: MakeVault, run_cli: RunCli) -> None:
    broken = "- [ ] Fix the caf\xe9 sign 📅 2026-11-30\n".encode("latin-1", "replace")  # not UTF-8: never written
    vault = make_vault({"Plan.md": NOTE, "Broken.md": b"# Broken\n" + broken})
    ids = _ids(run_cli, vault)
    fix = next(task_id for description, task_id in ids.items() if description.startswith("Fix the caf"))
    cli_refusal = run_cli("--vault", vault, "done", fix, "--dry-run").err

    async def conversation(session: ClientSession) -> None:
        refused = await _call(session, "done", ids=[fix, ids["Draft the budget"]])
        assert f"tasks: {_refusal(refused, 'done')}\n" == cli_refusal

    _talk_here(vault, conversation, allow_write=True)
    assert (vault / "Broken.md").read_bytes() == b"# Broken\n" + broken
    assert (vault / "Plan.md").read_text(encoding="utf-8") == NOTE  # all or nothing: the other task is not done


def test_digest_resource(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault({"Plan.md": NOTE})
    expected = run_cli("--vault", vault, "digest").out

    async def conversation(session: ClientSession) -> None:
        import mcp_types

        resources = await session.list_resources()
        assert [str(r.uri) for r in resources.resources] == ["tasktrack://digest"]
        read = await session.read_resource("tasktrack://digest")
        [content] = read.contents
        assert isinstance(content, mcp_types.TextResourceContents)
        assert content.text == expected

    _talk_here(vault, conversation)


def test_without_the_sdk(make_vault: MakeVault, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault({"Plan.md": NOTE})
    for name in {"mcp", *(name for name in sys.modules if name.partition(".")[0] == "mcp")}:
        monkeypatch.setitem(sys.modules, name, None)  # importing the SDK now fails, as when it is not installed
    monkeypatch.delitem(sys.modules, "tasktrack.agent.server", raising=False)
    result = run_cli("--vault", vault, "mcp")
    assert (result.code, result.out) == (1, "")
    assert result.err == "tasks: `tasks mcp` needs the MCP SDK: pip install 'tasktrack[mcp]'\n"


def test_no_vault_is_one_line(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("--vault", tmp_path / "nowhere", "mcp")
    assert result.code == 3 and len(result.err.splitlines()) == 1 and result.out == ""


