"""An MCP server over stdio: tools that read the vault's tasks (``list_tasks``, ``show_task``, ``query_tasks``), and
with ``allow_write`` tools that change them (``add_task``, one per triage verb, ``undo``), plus today's digest as
a resource. Every tool opens the workspace and syncs it first, as every ``tasks`` command does, and writes go
through the same safe write-back; a refusal comes back as a tool error with the one line ``tasks`` would print."""

from __future__ import annotations

import argparse
import sqlite3
from collections.abc import Callable
from dataclasses import asdict
from typing import Any, NoReturn, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError

from tasktrack.cli.capture import target_note
from tasktrack.cli.common import open_workspace
from tasktrack.cli.query import result_json
from tasktrack.cli.read import filter_args, list_filters, task_details_json
from tasktrack.cli.triage import VERB_HELP
from tasktrack.dates import today
from tasktrack.errors import TaskTrackError, UsageError
from tasktrack.tasksquery import read_query
from tasktrack.workspace import Filters, Workspace
from tasktrack.write.triage import DATE_VERBS, VERBS, Change

T = TypeVar("T")
Json = dict[str, Any]

INSTRUCTIONS = (
    "The tasks of the user's Obsidian vault. Task ids come from list_tasks, query_tasks or show_task. The markdown "
    "notes are the source of truth: every write changes exactly the task's line, and a write that would not be safe "
    "is refused with the reason; never retry a refused write with a guess."
)


class _Arguments(argparse.ArgumentParser):
    """The ``tasks list`` filter arguments, where a bad one is a ``UsageError`` rather than an exit."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


class _Session:
    """The vault and store every tool call opens."""

    def __init__(self, vault: str, db: str | None) -> None:
        self.where = argparse.Namespace(vault=vault, db=db)

    def run(self, work: Callable[[Workspace], T], error: type[Exception] = ToolError) -> T:
        """``work`` on the synced workspace; a ``TaskTrackError`` (or a broken store) as ``error``."""
        try:
            ws = open_workspace(self.where)
            try:
                return work(ws)
            finally:
                ws.close()
        except TaskTrackError as exc:
            raise error(str(exc)) from None
        except sqlite3.Error as exc:
            raise error(f"cannot use the store: {exc}; run `tasks scan --rebuild` to rebuild it") from None


def build_server(vault: str, db: str | None, allow_write: bool) -> MCPServer:
    server = MCPServer("tasktrack", instructions=INSTRUCTIONS)
    session = _Session(vault, db)
    _read_tools(server, session)
    if allow_write:
        _write_tools(server, session)
    return server


def serve(vault: str, db: str | None, allow_write: bool) -> None:
    build_server(vault, db, allow_write).run("stdio")


# -- reading ------------------------------------------------------------------------------------------------


def _read_tools(server: MCPServer, session: _Session) -> None:
    @server.tool()
    def list_tasks(owner: list[str] | None = None, status: str | None = None, all: bool = False,
                   due_before: str | None = None, due_after: str | None = None, overdue: bool = False,
                   inferred: bool = False, priority: str | None = None, tag: list[str] | None = None,
                   path: str | None = None, prop: list[str] | None = None, text: str | None = None,
                   sort: str = "due", limit: int | None = 100) -> list[Json]:
        """Tasks as `tasks list` filters them (unfinished ones unless status or all). owner: names (`me`: the
        user); status: comma-separated proposed, open, in_progress, deferred, done, cancelled, non_task;
        due_before/due_after: YYYY-MM-DD or words (friday, next week); priority: comma-separated levels;
        tag: all must match; path: text or glob of the note path; prop: KEY=VALUE of the note's properties;
        sort: due, priority, path, created or note."""
        argv = _argv({"owner": owner, "status": status, "all": all, "due_before": due_before,
                      "due_after": due_after, "overdue": overdue, "inferred": inferred, "priority": priority,
                      "tag": tag, "path": path, "prop": prop, "text": text, "sort": sort, "limit": limit})
        return session.run(lambda ws: [t.to_json() for t in ws.tasks(_filters(ws, argv))])

    @server.tool()
    def show_task(id: str, context: int = 3) -> Json:
        """Every field of one task (by its id or its first characters), the note's lines around it, the note's
        obsidian:// URL, and the task's history."""
        return session.run(lambda ws: _shown(ws, id, context))

    @server.tool()
    def query_tasks(query: str) -> list[Any]:
        """Run an Obsidian Tasks query (one instruction a line: `not done`, `due before next week`,
        `tags include #work`, `sort by due`, `group by folder`, ...) or a Dataview query that starts with TASK.
        With `group by`: a list of {group, tasks}."""
        return session.run(lambda ws: result_json(_evaluate(ws, query)))

    @server.resource("tasktrack://digest", name="digest", mime_type="text/markdown",
                     description="Today's digest of the user's tasks: overdue, due today, due in 7 days, awaiting "
                                 "triage, waiting on others, completed since yesterday")
    def digest() -> str:
        return session.run(_digest, error=ResourceError)


def _argv(given: Json) -> list[str]:
    """The ``tasks list`` words for these tool arguments (``--flag=value`` keeps a value that starts with -)."""
    argv: list[str] = []
    for name, value in given.items():
        flag = "--" + name.replace("_", "-")
        if value is True:
            argv.append(flag)
        elif isinstance(value, list):
            argv += [f"{flag}={item}" for item in value]
        elif value is not None and value is not False:
            argv.append(f"{flag}={value}")
    return argv


def _filters(ws: Workspace, argv: list[str]) -> Filters:
    parser = _Arguments(prog="list_tasks", add_help=False)
    filter_args(parser)
    return list_filters(parser.parse_args(argv), ws)


def _shown(ws: Workspace, task_id: str, context: int) -> Json:
    return task_details_json(ws, ws.task(task_id), max(context, 0))


def _evaluate(ws: Workspace, text: str) -> Any:
    from tasktrack.tasksquery import context, evaluate

    return evaluate(ws, read_query(text, context(ws)))


def _digest(ws: Workspace) -> str:
    from tasktrack.digest import build, render

    result = build.build(ws, build.parse_options(None, None, None), remember=False)
    return "\n".join(render.markdown(result)) + "\n"


# -- writing ------------------------------------------------------------------------------------------------


def _write_tools(server: MCPServer, session: _Session) -> None:
    @server.tool()
    def add_task(text: str, note: str | None = None, heading: str | None = None, create: bool = False,
                 daily: bool = False, due: str | None = None, owners: list[str] | None = None,
                 priority: str | None = None, proposed: bool = False, dry_run: bool = False) -> list[Json]:
        """Capture a new task, as `tasks add` does: @Name, #tags, a priority word and a date in words at the end
        of text become its owner, tags, priority and due date. Into note (a path in the vault, or a note's name;
        created only with create), at the end of heading's section; or today's daily note (daily); else the
        inbox note. Returns the added tasks (with dry_run: the lines it would write)."""
        where = argparse.Namespace(to=note, daily=daily, create=create)
        return session.run(lambda ws: _add(ws, text, where, heading, due, owners or [], priority, proposed,
                                           dry_run))

    for verb in VERBS:
        server.add_tool(_verb_tool(session, verb), name=verb.replace("-", "_"), description=_verb_help(verb))

    @server.tool()
    def undo(dry_run: bool = False) -> list[Json]:
        """Revert the last change tasktrack wrote (by any means: the command line, the TUI, or these tools)."""
        from tasktrack.write.triage import Triage

        return session.run(lambda ws: _changes(Triage(ws).undo(dry_run=dry_run)))


def _add(ws: Workspace, text: str, where: argparse.Namespace, heading: str | None, due: str | None,
         owners: list[str], priority: str | None, proposed: bool, dry_run: bool) -> list[Json]:
    from tasktrack.write.capture import add, read_words

    draft = read_words(text, today(), due=due, owners=tuple(owners), priority=priority, proposed=proposed)
    path, create = target_note(ws, where)
    added = add(ws, path, [draft], heading=heading, create=create, dry_run=dry_run)
    if dry_run:
        return [{"path": added.path, "line": line, "text": text} for line, text in zip(added.lines, added.texts,
                                                                                      strict=True)]
    tasks = [ws.task_at(added.path, line) for line in added.lines]
    return [task.to_json() for task in tasks if task is not None]


def _verb_help(verb: str) -> str:
    text = VERB_HELP[verb][0]
    value = {"priority": " level: highest, high, medium, normal, low or lowest.",
             "assign": " name: the owner (add keeps the current owners; clear removes every owner)."}.get(verb, "")
    if verb in DATE_VERBS:
        value = " when: YYYY-MM-DD or words (tomorrow, next friday, in 2 weeks); clear removes it instead."
    if verb == "due":
        value += " accept_inferred writes the date inferred from the task's words."
    return (f"{text[0].upper()}{text[1:]}, as `tasks {verb}` does, for the tasks with these ids.{value} Returns "
            "each changed line (path, line, old, new); with dry_run nothing is written.")


def _verb_tool(session: _Session, verb: str) -> Callable[..., list[Json]]:
    """The tool of one triage verb: its ids, then the value the verb takes."""

    def triage(ws: Workspace, ids: list[str], value: str | None = None, **flags: bool) -> list[Json]:
        from tasktrack.write.triage import Triage

        return _changes(Triage(ws).run(verb, ids, value=value, **flags))

    if verb == "due":
        def due(ids: list[str], when: str | None = None, clear: bool = False, accept_inferred: bool = False,
                dry_run: bool = False) -> list[Json]:
            return session.run(lambda ws: triage(ws, ids, when, clear=clear, accept_inferred=accept_inferred,
                                                 dry_run=dry_run))
        return due
    if verb in DATE_VERBS:
        def dated(ids: list[str], when: str | None = None, clear: bool = False,
                  dry_run: bool = False) -> list[Json]:
            return session.run(lambda ws: triage(ws, ids, when, clear=clear, dry_run=dry_run))
        return dated
    if verb == "priority":
        def leveled(ids: list[str], level: str, dry_run: bool = False) -> list[Json]:
            return session.run(lambda ws: triage(ws, ids, level, dry_run=dry_run))
        return leveled
    if verb == "assign":
        def assigned(ids: list[str], name: str | None = None, add: bool = False, clear: bool = False,
                     dry_run: bool = False) -> list[Json]:
            return session.run(lambda ws: triage(ws, ids, name, add=add, clear=clear, dry_run=dry_run))
        return assigned

    def plain(ids: list[str], dry_run: bool = False) -> list[Json]:
        return session.run(lambda ws: triage(ws, ids, dry_run=dry_run))
    return plain


def _changes(changes: list[Change]) -> list[Json]:
    return [asdict(change) for change in changes]

