"""The ``tasks`` command: the table of every command, the parser built from it, and the entry point. Every
command syncs the store with the vault before it answers."""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TextIO, cast

from tasktrack import __version__
from tasktrack.cli import (
    agenda,
    agent,
    capture,
    completion,
    digest,
    export,
    lint,
    query,
    read,
    repeats,
    settings,
    triage,
    tui,
)
from tasktrack.cli.common import Command
from tasktrack.errors import EXIT_CODES, OutputError, StoreError, TaskTrackError, UsageError

COMMANDS: tuple[Command, ...] = (
    *read.COMMANDS, *capture.COMMANDS, *triage.COMMANDS, *digest.COMMANDS, *tui.COMMANDS, *query.COMMANDS,
    *repeats.COMMANDS, *agenda.COMMANDS, *lint.COMMANDS, *export.COMMANDS, *agent.COMMANDS, *settings.COMMANDS,
    *completion.COMMANDS,
)


def _common(parser: argparse.ArgumentParser, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--vault", metavar="PATH", default=default,
                        help="the vault (default: $TASKTRACK_VAULT, the config file, or the .obsidian folder above)")
    parser.add_argument("--db", metavar="PATH", default=default,
                        help="the store (default: $TASKTRACK_DB, else one per vault in the user data folder)")


# -- entry point ----------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def _epilog() -> str:
    return "exit codes:\n" + "\n".join(f"  {code}  {meaning}" for code, meaning in EXIT_CODES)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="tasks", description="Triage the tasks of an Obsidian vault.", epilog=_epilog(),
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-V", "--version", action="version", version=f"tasktrack {__version__}")
    _common(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for command in COMMANDS:
        p = sub.add_parser(command.name, help=command.help, description=command.help)
        _common(p, suppress=True)
        command.setup(p)
        p.set_defaults(handler=command.handler)
    _help_command(parser, sub)
    return parser


def _help_command(parser: argparse.ArgumentParser, sub: argparse._SubParsersAction[_Parser]) -> None:
    """``tasks help [COMMAND]``: the help of that command (of ``tasks`` itself without one)."""
    commands: dict[str, argparse.ArgumentParser] = dict(sub.choices)

    def run_help(args: argparse.Namespace) -> int:
        if args.topic is None:
            parser.print_help()
        elif args.topic in commands:
            commands[args.topic].print_help()
        else:
            raise UsageError(f"no command {args.topic!r}: use one of {', '.join(commands)}")
        return 0

    p = sub.add_parser("help", help="the help of a command", description="the help of a command")
    p.add_argument("topic", nargs="?", metavar="COMMAND", help="the command")
    p.set_defaults(handler=run_help)


def _usage(parser: argparse.ArgumentParser) -> str:
    """What ``tasks`` alone prints: the usage line, the commands, and where to read more."""
    return (f"usage: {parser.prog} [--vault PATH] [--db PATH] COMMAND ...\n\n"
            f"commands: {', '.join(command.name for command in COMMANDS)}, help\n\n"
            f"`{parser.prog} --help` says more; `{parser.prog} help COMMAND` explains one command.\n")


class _Output:
    """Standard output, where a failure to write (a full disk, a terminal gone) is an ``OutputError``. A closed
    pipe stays a ``BrokenPipeError``: the reader has stopped reading, which is no error."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        with _writing():
            return self.stream.write(text)

    def writelines(self, lines: Iterable[str]) -> None:
        with _writing():
            self.stream.writelines(lines)

    def flush(self) -> None:
        with _writing():
            self.stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


@contextmanager
def _writing() -> Iterator[None]:
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputError(f"cannot write the output: {exc.strerror or exc}") from None


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None and "_ARGCOMPLETE" in os.environ:  # the shell asks for completions: answer and exit
        completion.complete(build_parser())
    stdout = sys.stdout
    sys.stdout = cast(TextIO, _Output(stdout))  # used as a stream: only writes and attributes
    try:
        return _run(argv)
    finally:
        sys.stdout = stdout


def _run(argv: Sequence[str] | None) -> int:
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "handler", None):
            sys.stdout.write(_usage(parser))
            return 0
        code = int(args.handler(args))
        sys.stdout.flush()
        return code
    except TaskTrackError as exc:
        sys.stderr.write(f"tasks: {exc}\n")
        return exc.exit_code
    except sqlite3.Error as exc:  # the store changed under us: a table dropped, the file damaged
        sys.stderr.write(f"tasks: cannot use the store: {exc}; run `tasks scan --rebuild` to rebuild it\n")
        return StoreError.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("tasks: interrupted\n")
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
