"""The tasktrack TUI: the browsing screen plus a key for every verb of the CLI, the note elsewhere, the palette."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
from collections.abc import Callable, Coroutine, Iterable, Mapping
from functools import partial
from typing import Any

from textual.actions import ActionParseResult
from textual.actions import parse as parse_action
from textual.app import SystemCommand
from textual.dom import DOMNode
from textual.markup import escape
from textual.screen import Screen
from textual.worker import WorkerCancelled

from tasktrack.errors import TaskTrackError
from tasktrack.workspace import Workspace
from tasktrack.write.triage import Change

from .browse import BrowseApp
from .keymap import ALL_KEYS, KEY_BY_ID, display_key
from .launch import editor_command, find_editor, obsidian_url, open_url
from .prompts import Answer, DatePrompt, OwnerPrompt, PriorityPrompt
from .rows import owners_text
from .verbs import allowed, describe_changes, not_applicable, owner_names

DATE_TITLES = {"due": "Due date", "schedule": "Scheduled date", "start-date": "Start date"}
DATE_FIELDS = {"due": "due", "schedule": "scheduled", "start-date": "start"}


class TaskTrackApp(BrowseApp):
    """``tasks tui``: triage the Inbox, then everything else."""

    # -- verbs --------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        row = self.table.current() if self._mounted else None
        if action == "verb" and parameters:
            return allowed(str(parameters[0]), row, bool(self.table.selected))
        if action in ("date_prompt", "priority_prompt", "owner_prompt", "open_editor", "open_obsidian"):
            return True if row is not None or self.table.selected else None
        return True

    async def run_action(self, action: str | ActionParseResult, default_namespace: DOMNode | None = None,
                         namespaces: Mapping[str, DOMNode] | None = None) -> bool:
        """A verb key on a task it does not apply to says why (it would otherwise do nothing)."""
        reason = self._not_applicable(action)
        if reason is not None:
            self.say(reason, error=True)
            return True
        return await super().run_action(action, default_namespace, namespaces)

    def _not_applicable(self, action: str | ActionParseResult) -> str | None:
        _, name, params = parse_action(action) if isinstance(action, str) else action
        row = self.table.current() if self._mounted and not self.table.selected else None
        if name != "verb" or not params or row is None:
            return None
        return not_applicable(str(params[0]), row)

    async def action_verb(self, verb: str, answer: Answer | None = None) -> None:
        ids = self.table.targets()
        if not ids:
            self.say("No task here.", error=True)
            return
        await self._in_turn(self._apply(verb, ids, answer or Answer()))

    async def _in_turn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run a write and wait for it, so the keys typed meanwhile act on what it leaves (in the order typed)."""
        with contextlib.suppress(WorkerCancelled):  # the app is closing
            await self.run_worker(work, group="write").wait()

    def move_on(self) -> None:
        """Go on to the next item after a verb succeeded."""
        if self.table.selected:
            self.table.clear_selection()
            self.show_header()
        else:
            self.table.action_move(1)

    async def _apply(self, verb: str, ids: list[str], answer: Answer) -> None:
        changes = await self._write(verb, ids, self.background.run, verb, ids, value=answer.value,
                                    add=answer.add, clear=answer.clear)
        if changes is None:
            return
        self.move_on()
        self.after_write(ids, [c.task_id for c in changes if c.task_id])
        self.say(describe_changes(verb, changes))

    async def _write(self, label: str, ids: list[str], call: Callable[..., list[Change]], *args: Any,
                     **kwargs: Any) -> list[Change] | None:
        """Run a write in the background. A refusal or a failure is shown in one line, never raised; the cursor
        and the selection stay, and the notes are read again (a refusal mostly means one changed)."""
        try:
            return await self.background.call(call, *args, **kwargs)
        except TaskTrackError as exc:
            self.say(f"{label}: {self.in_vault(str(exc))}", error=True)
        except OSError as exc:
            self.say(f"{label}: {self._cannot_write(exc, ids)}", error=True)
        except Exception as exc:  # a failed write must not take the TUI down
            self.say(f"{label} failed: {str(exc) or type(exc).__name__}", error=True)
        self.check_vault()
        return None

    def _cannot_write(self, exc: OSError, ids: list[str]) -> str:
        reason = exc.strerror or str(exc)
        reason = reason[:1].lower() + reason[1:]
        notes = self._notes_of(ids)
        if len(notes) == 1:
            return f"cannot write {notes[0]}: {reason}; nothing written"
        name = self.in_vault(os.fsdecode(exc.filename)) if exc.filename is not None else "a note"
        return f"cannot write {name}: {reason}; stopped there"

    def _notes_of(self, ids: list[str]) -> list[str]:
        notes: set[str] = set()
        for task_id in ids:
            with contextlib.suppress(TaskTrackError, sqlite3.Error):
                notes.add(self.ws.task(task_id).path)
        return sorted(notes)

    def in_vault(self, text: str) -> str:
        """The text with the vault's paths made relative to it, as the list shows them."""
        return text.replace(f"{self.ws.vault}{os.sep}", "")

    def after_write(self, ids: list[str], changed: list[str]) -> None:
        """Show the new state of the rows where they are."""
        gone = [tid for tid in dict.fromkeys([*ids, *changed]) if not self.source.patch(tid)]
        if gone:
            self.reload()
        self.table.refresh()
        self.show_header()
        self.highlighted()

    async def action_undo(self) -> None:
        await self._in_turn(self._undo())

    async def _undo(self) -> None:
        changes = await self._write("undo", [], self.background.undo)
        if changes is None:
            return
        keep = changes[0].task_id if changes else None
        self.load(keep=keep)
        self.say(describe_changes("undo", changes))

    def action_date_prompt(self, verb: str) -> None:
        row = self.table.current() if not self.table.selected else None
        current = row.date(DATE_FIELDS[verb]) if row is not None else None
        guess = row.inferred_due if row is not None and verb == "due" and not current else None
        title = f"{DATE_TITLES[verb]} for {self._target_label()}"
        self.push_screen(DatePrompt(title, self.today, current, guess), partial(self._answered, verb))

    def action_priority_prompt(self) -> None:
        row = self.table.current()
        current = row.priority if row is not None else None
        self.push_screen(PriorityPrompt(current), partial(self._answered, "priority"))

    def action_owner_prompt(self) -> None:
        row = self.table.current()
        current = owners_text(row) if row is not None and not self.table.selected else ""
        names = owner_names(self.source, self.context.me)
        self.push_screen(OwnerPrompt(names, current), partial(self._answered, "assign"))

    async def _answered(self, verb: str, answer: Answer | None) -> None:
        if answer is None:
            return
        if verb == "assign" and answer.value and answer.value.lower() == "me":
            answer = Answer(value=self.ws.owners_for("me")[0], add=answer.add)
        await self.action_verb(verb, answer)

    def _target_label(self) -> str:
        n = len(self.table.targets())
        return f"{n} selected tasks" if n > 1 else "this task"

    # -- the note elsewhere -------------------------------------------------------------------------

    def action_open_editor(self) -> None:
        row = self.table.current()
        editor = find_editor()
        if row is None or editor is None:
            self.say("Set $EDITOR to open notes in your editor." if row else "No task here.", error=True)
            return
        command = editor_command(editor, self.ws.note_path(row.path), row.line)
        try:
            with self.suspend():
                subprocess.run(command, check=False)
        except Exception as exc:  # no terminal to hand over, or no such editor
            self.say(f"cannot run {command[0]}: {exc}", error=True)
            return
        self.check_vault()

    def action_open_obsidian(self) -> None:
        row = self.table.current()
        if row is None:
            return
        url = obsidian_url(self.ws.vault, row.path)
        if open_url(url):
            self.say(f"Opened in Obsidian: {url}")
        else:
            self.copy_to_clipboard(url)
            self.say(f"Nothing here opens links; copied {url}")

    # -- the command palette ------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for key in ALL_KEYS:
            if key.group in ("task", "view", "list", "note") and key.id not in ("select", "clear"):
                shown = display_key(self.keymap.get(key.id, KEY_BY_ID[key.id].key))
                yield SystemCommand(f"{key.label}  ({shown})", escape(key.help), partial(self.run_action, key.action))


def run(ws: Workspace) -> None:
    TaskTrackApp(ws).run()
