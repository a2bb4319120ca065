"""Bad arguments, settings and stores: one line `tasks: ...` on stderr, a documented exit code, no traceback, no
hang, and nothing written to the vault (nor to a database that is not a store)."""

from __future__ import annotations

import os
import resource
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tasktrack.store.database import SCHEMA_VERSION

Digest = Callable[[Path], Any]


def one_line_error(result: Any, code: int, start: str) -> None:
    assert (result.code, result.out) == (code, "")
    assert result.err.startswith(f"tasks: {start}"), result.err
    assert result.err.count("\n") == 1 and result.err.endswith("\n"), result.err


# -- the config file ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "key"), [('statuses = "x"\n', "statuses"), ("keys = 5\n", "keys")])
def test_a_config_table_that_is_no_table_is_one_line(fixture_vault: Path, run_cli: Callable[..., Any],
                                                     config_file: Callable[[str], Path], text: str,
                                                     key: str) -> None:
    path = config_file(text)
    result = run_cli("--vault", fixture_vault, "list")
    one_line_error(result, 2, f"config {path}: `{key}` must be a table: [{key}] ")


def _limited_memory() -> None:
    """A process that reads without end fails fast instead of filling the machine."""
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))


@pytest.mark.parametrize("where", ["config", "query file"])
def test_a_device_as_config_or_query_file_is_refused_not_read_forever(fixture_vault: Path, tmp_path: Path,
                                                                      where: str) -> None:
    env = {**os.environ, "TASKTRACK_DB": str(tmp_path / "store.sqlite")}
    args = ["query", "--file", "/dev/zero"]
    if where == "config":
        env["TASKTRACK_CONFIG"] = "/dev/zero"
        args = ["list"]
    done = subprocess.run([sys.executable, "-m", "tasktrack", "--vault", str(fixture_vault), *args], env=env,
                          capture_output=True, text=True, timeout=20, preexec_fn=_limited_memory)
    name = "config /dev/zero" if where == "config" else "the query file /dev/zero"
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"tasks: cannot read {name}: it is larger than 1,000,000 bytes\n"


# -- dates and numbers past what a date or SQLite can hold -----------------------------------------


@pytest.mark.parametrize("args", [
    ["due", "{id}", "in 99999999999 days"],
    ["due", "{id}", "in 999999999999999999999999 weeks"],
    ["list", "--due-before", "in 99999999999 days"],
    ["digest", "--date", "in 999999999 days"],
    ["add", "call back", "--due", "in 99999 years"],
])
def test_a_date_past_the_year_9999_is_one_line(fixture_vault: Path, run_cli: Callable[..., Any], digest: Digest,
                                               args: list[str]) -> None:
    task_id = run_cli("--vault", fixture_vault, "list", "--format", "ids").out_lines[0]
    before = digest(fixture_vault)
    result = run_cli("--vault", fixture_vault, *[a.format(id=task_id) for a in args])
    one_line_error(result, 2, f"{args[-1]!r} is too far away: dates end with the year 9999")
    assert digest(fixture_vault) == before


@pytest.mark.parametrize("command", ["list", "export"])
def test_a_limit_larger_than_sqlite_holds_is_one_line(fixture_vault: Path, run_cli: Callable[..., Any],
                                                      command: str) -> None:
    extra = ["--csv", "-"] if command == "export" else []
    result = run_cli("--vault", fixture_vault, command, *extra, "--limit", str(10**23))
    one_line_error(result, 2, "--limit must be 0 or more, and at most 9223372036854775807")


# -- --db at a database that is no store ---------------------------------------------------------


def test_a_database_of_another_program_is_refused_and_left_as_it_was(fixture_vault: Path, tmp_path: Path,
                                                                     run_cli: Callable[..., Any]) -> None:
    other = tmp_path / "places.sqlite"
    with sqlite3.connect(other) as con:
        con.execute("CREATE TABLE bookmarks (url TEXT)")
        con.execute("INSERT INTO bookmarks VALUES ('https://example.org')")
    con.close()
    before = other.read_bytes()
    result = run_cli("--vault", fixture_vault, "--db", other, "scan")
    one_line_error(result, 4, f"{other} is not a tasktrack store (it holds the tables bookmarks): "
                              "give --db another file")
    assert other.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("places")) == ["places.sqlite"]


def test_a_store_of_a_newer_tasktrack_is_refused_not_emptied(fixture_vault: Path, tmp_path: Path,
                                                             run_cli: Callable[..., Any]) -> None:
    db = tmp_path / "store.sqlite"
    run_cli("--vault", fixture_vault, "--db", db, "scan")
    with sqlite3.connect(db) as con:
        con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.close()
    result = run_cli("--vault", fixture_vault, "--db", db, "list")
    one_line_error(result, 4, f"the store {db} was made by a newer tasktrack (schema {SCHEMA_VERSION + 1}, this "
                              f"one knows {SCHEMA_VERSION}): use that version, or give --db another file")
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM tasks").fetchone()[0] == 22
    con.close()


# -- a note that cannot be made ------------------------------------------------------------------


def test_a_note_name_too_long_for_the_system_is_one_line(fixture_vault: Path, run_cli: Callable[..., Any],
                                                         digest: Digest) -> None:
    before = digest(fixture_vault)
    name = "x" * 300 + ".md"
    result = run_cli("--vault", fixture_vault, "add", "call back", "--to", name, "--create")
    one_line_error(result, 8, f"cannot write {name}: File name too long; nothing written")
    assert digest(fixture_vault) == before


@pytest.mark.parametrize("form", ["--ics", "--csv"])
def test_an_export_never_replaces_a_note_of_the_vault(fixture_vault: Path, run_cli: Callable[..., Any],
                                                      digest: Digest, form: str) -> None:
    before = digest(fixture_vault)
    target = fixture_vault / "Inbox.md"
    result = run_cli("--vault", fixture_vault, "export", form, target)
    one_line_error(result, 2, f"{target} is a note of the vault {fixture_vault}: an export does not replace a "
                              "note; give a file outside it, or one that is not .md")
    assert digest(fixture_vault) == before



def test_a_status_symbol_of_more_than_one_character_is_one_line(fixture_vault: Path, run_cli: Callable[..., Any],
                                                                 config_file: Callable[[str], Path]) -> None:
    """A checkbox holds one character (`[>]`): a longer key in [statuses] could never match, so it is refused."""
    config_file('[statuses]\n"??" = "done"\n')
    result = run_cli("--vault", fixture_vault, "list")
    one_line_error(result, 2, "config: status symbol '??' must be the one character between the brackets of a "
                              "checkbox, as `>` in `- [>] task`")
