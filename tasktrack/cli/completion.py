"""Shell completion (bash, zsh, fish) through argcomplete: ``tasks completion SHELL`` prints the script, and
``main`` hands a completion request (the ``_ARGCOMPLETE`` environment protocol) to ``complete``. Task ids,
owners, tags and notes come from the store as it is, read-only: completing never scans the vault, never makes a
store, and never imports the TUI or the date parser."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import closing

from tasktrack.cli.common import Command
from tasktrack.config import load_config, locate_store, locate_vault
from tasktrack.errors import TaskTrackError
from tasktrack.model import PRIORITY_WORDS, STATUSES

SHELLS = ("bash", "zsh", "fish")
LIMIT = 200  # at most this many words are offered

Words = dict[str, str]  # a word to offer -> what it is (zsh and fish show it)
Completer = Callable[..., Words]


def _completion_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("shell", choices=SHELLS, help="the shell to print the completion script for")


def run_completion(args: argparse.Namespace) -> int:
    from argcomplete.shell_integration import shellcode

    sys.stdout.write(shellcode(["tasks"], shell=args.shell))
    return 0


def complete(parser: argparse.ArgumentParser) -> None:
    """Answer the shell's completion request and exit (argcomplete's protocol)."""
    import argcomplete

    _attach(parser)
    argcomplete.autocomplete(parser)


# -- what each argument completes with ------------------------------------------------------------


def _query(args: argparse.Namespace, sql: str, prefix: str) -> Iterator[tuple[str, str]]:
    """Rows of (word, what it is) from the store, opened read-only; none without a store or a vault."""
    try:
        config = load_config()
        vault, _ = locate_vault(getattr(args, "vault", None), config)
        store, _ = locate_store(getattr(args, "db", None), vault)
        if not store.is_file():
            return
        with closing(sqlite3.connect(f"{store.resolve().as_uri()}?mode=ro", uri=True)) as db:
            yield from db.execute(sql, (prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_"), LIMIT))
    except (TaskTrackError, sqlite3.Error, OSError):
        return


def _ids(prefix: str, parsed_args: argparse.Namespace, **_: object) -> Words:
    sql = "SELECT id, description FROM tasks WHERE id LIKE ? || '%' ESCAPE '\\' ORDER BY id LIMIT ?"
    return dict(_query(parsed_args, sql, prefix.lower()))


def _owners(prefix: str, parsed_args: argparse.Namespace, **_: object) -> Words:
    sql = ("SELECT DISTINCT o.value, 'owner' FROM tasks, json_each(tasks.owners) AS o "
           "WHERE o.value LIKE ? || '%' ESCAPE '\\' ORDER BY o.value LIMIT ?")
    return {"me": "your names", **dict(_query(parsed_args, sql, prefix.lstrip("@")))}


def _tags(prefix: str, parsed_args: argparse.Namespace, **_: object) -> Words:
    sql = ("SELECT DISTINCT g.value, 'tag' FROM tasks, json_each(tasks.tags) AS g "
           "WHERE g.value LIKE ? || '%' ESCAPE '\\' ORDER BY g.value LIMIT ?")
    return dict(_query(parsed_args, sql, prefix))


def _notes(prefix: str, parsed_args: argparse.Namespace, **_: object) -> Words:
    sql = "SELECT path, 'note' FROM notes WHERE path LIKE ? || '%' ESCAPE '\\' ORDER BY path LIMIT ?"
    return dict(_query(parsed_args, sql, prefix))


def _fixed(words: tuple[str, ...] | dict[str, str], what: str) -> Completer:
    def completer(prefix: str, **_: object) -> Words:
        return {word: what for word in words if word.startswith(prefix)}

    return completer


_BY_OPTION: dict[str, Completer] = {
    "--owner": _owners, "--tag": _tags, "--path": _notes, "--status": _fixed(STATUSES, "status"),
    "--priority": _fixed(PRIORITY_WORDS, "priority"),
}
_BY_DEST = {"id": _ids, "ids": _ids, "words": _ids}
_BY_COMMAND_OPTION = {("add", "--to"): _notes, ("add", "--owner"): _owners, ("assign", "--to"): _owners,
                      ("priority", "--to"): _fixed(PRIORITY_WORDS, "priority"),
                      ("add", "--priority"): _fixed(PRIORITY_WORDS, "priority")}


def _attach(parser: argparse.ArgumentParser, command: str = "") -> None:
    """Give each argument that names a task, an owner, a tag, a note, a status or a priority its completer."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                _attach(sub, name)
            continue
        completer = _completer_for(action, command)
        if completer is not None:
            action.completer = completer  # type: ignore[attr-defined]  # argcomplete reads this attribute


def _completer_for(action: argparse.Action, command: str) -> Completer | None:
    for option in action.option_strings:
        found = _BY_COMMAND_OPTION.get((command, option)) or _BY_OPTION.get(option)
        if found is not None:
            return found
    return _BY_DEST.get(action.dest) if not action.option_strings else None


COMMANDS = (Command("completion", "print the shell completion script: bash, zsh or fish", _completion_args,
                    run_completion),)
