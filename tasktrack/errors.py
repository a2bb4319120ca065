"""User-facing errors: each class carries the exit code the ``tasks`` command ends with."""

from __future__ import annotations


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


class UnknownTask(TaskTrackError):
    exit_code = 5


class WriteRefused(TaskTrackError):
    """A write-back that would not be safe: the note changed, or the line is gone."""

    exit_code = 6


class WriteFailed(TaskTrackError):
    """The system would not let a note be written (a read-only folder, a full disk): nothing was written."""

    exit_code = 7
