"""User-facing errors: each class carries the exit code the ``tasks`` command ends with (``EXIT_CODES``)."""

from __future__ import annotations

from pathlib import Path

# What each exit code of ``tasks`` means (``tasks --help`` lists them).
EXIT_CODES = (
    (0, "done (also when what reads the output stops reading)"),
    (1, "nothing to do, or another refusal"),
    (2, "bad arguments or config"),
    (3, "no vault"),
    (4, "the store cannot be used"),
    (5, "no such task"),
    (6, "a write-back refused: the note changed"),
    (7, "the output cannot be written"),
    (8, "a note cannot be written (nothing was)"),
    (9, "tasks lint found lines Obsidian reads otherwise than they say"),
    (130, "interrupted"),
)


class TaskTrackError(Exception):
    """A problem the user can fix; shown as one line on stderr, never as a traceback."""

    exit_code = 1


class UsageError(TaskTrackError):
    """Bad arguments: an unknown priority, a date that is not one, a bad filter."""

    exit_code = 2


class VaultNotFound(TaskTrackError):
    exit_code = 3


class StoreError(TaskTrackError):
    """The SQLite store cannot be opened or read."""

    exit_code = 4


class DamagedStore(StoreError):
    """The store is not a database, or tables are missing from it: ``tasks scan --rebuild`` sets it aside."""

    def __init__(self, path: Path, problem: str, missing: tuple[str, ...] = ()) -> None:
        super().__init__(f"cannot use the store {path}: {problem}; run `tasks scan --rebuild` to set it aside "
                         "and rebuild it from the vault")
        self.path = path
        self.problem = problem
        self.missing = missing  # the tables missing from it (none: it is not a database at all)


class UnknownTask(TaskTrackError):
    exit_code = 5


class WriteRefused(TaskTrackError):
    """A write-back that would not be safe: the note changed, or the line is gone."""

    exit_code = 6


class WriteFailed(TaskTrackError):
    """The system would not let a note be written (a read-only folder, a full disk): nothing was written."""

    exit_code = 8


class MissingExtra(TaskTrackError):
    """A command needs an optional part of tasktrack that is not installed (``pip install 'tasktrack[mcp]'``)."""

    exit_code = 1


class OutputError(TaskTrackError):
    """The output cannot be written (a full disk, a terminal gone). A closed pipe is not an error: the
    command ends quietly with 0 when what reads its output stops reading."""

    exit_code = 7
