"""The write path under faults: kills at every step, refusals and file errors on a later note, a locked store,
a killed undo, a slow writer, leftovers, protected notes. Each case leaves every note byte-identical to its old
or its new version, all notes of a command alike, and an undo history that names exactly what is on disk."""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tasktrack.cli.main import main
from tasktrack.errors import StoreError, WriteFailed, WriteRefused
from tasktrack.workspace import Workspace
from tasktrack.write.triage import Triage

pytestmark = [pytest.mark.usefixtures("fixed_today"), pytest.mark.faults]

MakeVault = Callable[..., Path]
RunCli = Callable[..., Any]

NOTES = 3


def vault_with_notes(make_vault: MakeVault, count: int = NOTES) -> Path:
    """``Older.md`` with a task done by an earlier command, and ``N1.md``… each holding one open task."""
    notes: dict[str, str] = {"Older.md": "- [ ] Older task\n"}
    notes.update({f"N{n}.md": f"# Note {n}\n\n- [ ] Task {n} @Myself\ntext after\n" for n in range(1, count + 1)})
    return make_vault(notes)


def ids_by_note(vault: Path) -> dict[str, str]:
    tasks = cli_json(vault, "list", "--all", "--json")
    return {t["path"]: t["id"] for t in tasks}


def cli(vault: Path, *args: str, crash_at: str | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    """``tasks --vault VAULT ARGS``; in a process of its own when it is to be killed at ``crash_at``."""
    argv = ["--vault", str(vault), *args]
    if crash_at is None:
        result = _in_process(argv)
        if check:
            assert result.returncode == 0, result.stderr
        return result
    env = {**os.environ, "TASKTRACK_SETTLE_SECONDS": "0", "TASKTRACK_CRASH_AT": crash_at}
    return subprocess.run([sys.executable, "-m", "tasktrack", *argv], env=env, capture_output=True, text=True,
                          timeout=60)


def _in_process(argv: list[str]) -> subprocess.CompletedProcess[str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())


def cli_json(vault: Path, *args: str) -> Any:
    return json.loads(cli(vault, *args).stdout)


def contents(vault: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(vault.glob("*.md"))}


def temp_files(vault: Path) -> list[str]:
    return sorted(p.name for p in vault.rglob("*.tmp"))


def done_line(n: int) -> bytes:
    return f"# Note {n}\n\n- [x] Task {n} @Myself ✅ 2026-11-22\ntext after\n".encode()


def open_line(n: int) -> bytes:
    return f"# Note {n}\n\n- [ ] Task {n} @Myself\ntext after\n".encode()


@pytest.fixture
def prepared(make_vault: MakeVault) -> tuple[Path, dict[str, str]]:
    """A vault where `done` was run on Older.md (the change an undo must not revert by mistake)."""
    vault = vault_with_notes(make_vault)
    ids = ids_by_note(vault)
    cli(vault, "done", ids["Older.md"])
    return vault, ids


# -- kill -9 at each step ---------------------------------------------------------------------------------


@pytest.mark.parametrize("point", ["journaled", "renamed-1", "renamed-2", "renamed"])
def test_killed_after_the_journal_the_next_command_finishes_the_change(prepared: tuple[Path, dict[str, str]],
                                                                       point: str) -> None:
    vault, ids = prepared
    targets = [ids[f"N{n}.md"] for n in range(1, NOTES + 1)]
    killed = cli(vault, "done", *targets, crash_at=point)
    assert killed.returncode == -signal.SIGKILL

    after = cli(vault, "list")
    assert "finished the interrupted `done`" in after.stderr
    assert [contents(vault)[f"N{n}.md"] for n in range(1, NOTES + 1)] == [done_line(n) for n in range(1, NOTES + 1)]
    assert temp_files(vault) == []
    cli(vault, "undo")  # the interrupted change, now complete, is the one undone
    assert [contents(vault)[f"N{n}.md"] for n in range(1, NOTES + 1)] == [open_line(n) for n in range(1, NOTES + 1)]
    assert contents(vault)["Older.md"] == b"- [x] Older task \xe2\x9c\x85 2026-11-22\n"


def test_killed_before_the_journal_nothing_is_written_and_undo_reverts_the_older_change(
        prepared: tuple[Path, dict[str, str]]) -> None:
    vault, ids = prepared
    before = contents(vault)
    killed = cli(vault, "done", *[ids[f"N{n}.md"] for n in range(1, NOTES + 1)], crash_at="staged")
    assert killed.returncode == -signal.SIGKILL
    assert contents(vault) == before
    assert len(temp_files(vault)) == NOTES  # staged, never renamed

    assert cli(vault, "list").stderr == ""
    cli(vault, "undo")
    assert contents(vault)["Older.md"] == b"- [ ] Older task\n"
    assert temp_files(vault) == []  # the next write in the folder removed them
    assert {k: v for k, v in contents(vault).items() if k != "Older.md"} == {
        k: v for k, v in before.items() if k != "Older.md"}


def test_random_kills_leave_every_note_old_or_new_and_all_alike(make_vault: MakeVault) -> None:
    notes = 40
    vault = vault_with_notes(make_vault, notes)
    ids = ids_by_note(vault)
    targets = [ids[f"N{n}.md"] for n in range(1, notes + 1)]
    env = {**os.environ, "TASKTRACK_SETTLE_SECONDS": "0"}
    rng = random.Random(7)
    outcomes = set()
    for _ in range(6):
        before = contents(vault)
        process = subprocess.Popen([sys.executable, "-m", "tasktrack", "--vault", str(vault), "done", *targets],
                                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.25, 0.6))  # somewhere in start-up, sync, staging or renaming
        process.send_signal(signal.SIGKILL)
        process.wait()
        cli(vault, "list")  # recovers
        now = contents(vault)
        changed = {name for name in now if now[name] != before[name]}
        assert changed in (set(), {f"N{n}.md" for n in range(1, notes + 1)})
        outcomes.add(bool(changed))
        if changed:
            cli(vault, "undo")
        assert contents(vault) == before
        assert temp_files(vault) == [] or not changed
    assert outcomes  # at least one run; both outcomes are fine


# -- a refusal or an error on a later note ----------------------------------------------------------------


def test_a_refusal_on_a_later_note_writes_nothing_and_undo_reverts_the_older_change(
        prepared: tuple[Path, dict[str, str]], run_cli: RunCli) -> None:
    vault, ids = prepared
    (vault / "N3.md").chmod(0o444)
    before = contents(vault)
    result = run_cli("--vault", vault, "done", *[ids[f"N{n}.md"] for n in range(1, NOTES + 1)])
    assert result.code == 6
    assert result.err == "tasks: N3.md is read-only; nothing written (make it writable to change it)\n"
    assert contents(vault) == before
    assert temp_files(vault) == []
    run_cli("--vault", vault, "undo")
    assert contents(vault)["Older.md"] == b"- [ ] Older task\n"
    assert {k: v for k, v in contents(vault).items() if k != "Older.md"} == {
        k: v for k, v in before.items() if k != "Older.md"}


def test_a_file_error_on_a_later_note_writes_nothing(prepared: tuple[Path, dict[str, str]], run_cli: RunCli,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    vault, ids = prepared
    import tempfile

    real_mkstemp = tempfile.mkstemp
    calls = []

    def failing_on_the_third(*args: Any, **kwargs: Any) -> tuple[int, str]:
        calls.append(1)
        if len(calls) == 3:
            raise PermissionError(13, "Permission denied")
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", failing_on_the_third)
    before = contents(vault)
    result = run_cli("--vault", vault, "done", *[ids[f"N{n}.md"] for n in range(1, NOTES + 1)])
    assert result.code == WriteFailed.exit_code
    assert result.err == f"tasks: cannot write in {vault}: Permission denied; nothing written\n"
    assert contents(vault) == before
    assert temp_files(vault) == []


def test_a_note_name_too_long_for_a_temp_name_of_its_own_is_written(make_vault: MakeVault,
                                                                    run_cli: RunCli) -> None:
    name = "N" * 240 + ".md"
    vault = make_vault({name: "- [ ] Long\n"})
    task = run_cli("--vault", vault, "list", "--json").json()[0]["id"]
    assert run_cli("--vault", vault, "done", task).code == 0
    assert (vault / name).read_bytes() == "- [x] Long ✅ 2026-11-22\n".encode()


def test_a_store_locked_by_another_process_fails_before_touching_the_vault(make_vault: MakeVault) -> None:
    vault = vault_with_notes(make_vault)
    ws = Workspace.open(str(vault))
    ws.sync()
    task = ws.store.db.execute("SELECT id FROM tasks WHERE raw LIKE '%Task 1%'").fetchone()[0]
    ws.store.db.execute("PRAGMA busy_timeout=50")
    other = sqlite3.connect(ws.store.path, isolation_level=None)
    before = contents(vault)
    try:
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(StoreError, match=r"cannot be written .*database is locked.*nothing written"):
            Triage(ws).run("done", [task])
    finally:
        other.execute("ROLLBACK")
        other.close()
        ws.close()
    assert contents(vault) == before
    assert temp_files(vault) == []


def test_a_missing_journal_table_fails_before_touching_the_vault(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = vault_with_notes(make_vault)
    task = ids_by_note(vault)["N1.md"]
    db = sqlite3.connect(os.environ["TASKTRACK_DB"], isolation_level=None)
    db.execute("DROP TABLE batch_notes")
    db.close()
    before = contents(vault)
    result = run_cli("--vault", vault, "done", task)
    assert result.code == 4 and result.err.count("\n") == 1 and "Traceback" not in result.err
    assert contents(vault) == before


# -- undo -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("point", ["journaled", "renamed-1", "renamed-2"])
def test_an_undo_killed_partway_is_finished_by_the_next_command(prepared: tuple[Path, dict[str, str]],
                                                                 point: str) -> None:
    vault, ids = prepared
    cli(vault, "done", *[ids[f"N{n}.md"] for n in range(1, NOTES + 1)])
    killed = cli(vault, "undo", crash_at=point)
    assert killed.returncode == -signal.SIGKILL
    assert "finished the interrupted `undo`" in cli(vault, "list").stderr
    assert [contents(vault)[f"N{n}.md"] for n in range(1, NOTES + 1)] == [open_line(n) for n in range(1, NOTES + 1)]
    cli(vault, "undo")  # next: the older change
    assert contents(vault)["Older.md"] == b"- [ ] Older task\n"


def test_undo_of_a_deleting_completion_goes_back_between_its_old_neighbours(make_vault: MakeVault,
                                                                            run_cli: RunCli) -> None:
    text = "---\ntags: [x]\n---\n# Tasks\n- [ ] First\n- [ ] Gone 🏁 delete\n- [ ] Last\n"
    vault = make_vault({"Note.md": text})
    task = next(t["id"] for t in run_cli("--vault", vault, "list", "--json").json() if "Gone" in t["description"])
    assert run_cli("--vault", vault, "done", task).code == 0
    note = vault / "Note.md"
    assert note.read_text() == "---\ntags: [x]\n---\n# Tasks\n- [ ] First\n- [ ] Last\n"
    note.write_text("---\ntags: [x]\nadded: 1\nmore: 2\n---\n# Tasks\n- [ ] First\n- [ ] Last\n")
    assert run_cli("--vault", vault, "undo").code == 0
    assert note.read_text() == ("---\ntags: [x]\nadded: 1\nmore: 2\n---\n# Tasks\n- [ ] First\n- [ ] Gone 🏁 delete\n"
                                "- [ ] Last\n")


def test_undo_of_a_deleting_completion_refuses_when_its_neighbours_are_gone(make_vault: MakeVault,
                                                                            run_cli: RunCli) -> None:
    vault = make_vault({"Note.md": "- [ ] First\n- [ ] Gone 🏁 delete\n- [ ] Last\n"})
    task = next(t["id"] for t in run_cli("--vault", vault, "list", "--json").json() if "Gone" in t["description"])
    run_cli("--vault", vault, "done", task)
    (vault / "Note.md").write_text("- [ ] Something else\n")
    result = run_cli("--vault", vault, "undo")
    assert result.code == 6 and "cannot undo" in result.err
    assert (vault / "Note.md").read_text() == "- [ ] Something else\n"


# -- other programs, leftovers, protected notes --------------------------------------------------------------


def test_a_note_still_being_written_in_chunks_is_refused(make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch,
                                                         run_cli: RunCli) -> None:
    vault = make_vault({"Note.md": "- [ ] A\n"})
    task = run_cli("--vault", vault, "list", "--json").json()[0]["id"]
    note = vault / "Note.md"
    first_half = "- [ ] A\n" + "line\n" * 40
    note.write_text(first_half)  # a program writes the first chunk…
    finish = threading.Timer(0.05, lambda: note.write_text(first_half + "rest\n" * 40))  # …and the rest soon after
    monkeypatch.setenv("TASKTRACK_SETTLE_SECONDS", "0.5")
    finish.start()
    try:
        result = run_cli("--vault", vault, "done", task)
    finally:
        finish.join()
    assert result.code == 6 and "is being written by another program" in result.err
    assert note.read_text() == first_half + "rest\n" * 40


def test_leftover_temp_files_are_removed_by_the_next_write_in_their_folder(make_vault: MakeVault,
                                                                           run_cli: RunCli) -> None:
    vault = make_vault({"Note.md": "- [ ] A\n", "Other/Note.md": "- [ ] B\n"})
    for leftover in (".tasktrack-k2j4h5g6.tmp", ".Note.md.ab12cd_e.tmp"):
        (vault / leftover).write_text("half")
        (vault / "Other" / leftover).write_text("half")
    (vault / ".notes-of-another-program.tmp").write_text("keep")
    task = next(t["id"] for t in run_cli("--vault", vault, "list", "--json").json() if t["path"] == "Note.md")
    assert run_cli("--vault", vault, "done", task).code == 0
    assert sorted(p.name for p in vault.glob(".*.tmp")) == [".notes-of-another-program.tmp"]
    assert sorted(p.name for p in (vault / "Other").glob(".*.tmp")) == [".Note.md.ab12cd_e.tmp",
                                                                         ".tasktrack-k2j4h5g6.tmp"]


def test_a_read_only_note_is_refused_and_a_rewritten_note_keeps_its_owner_group_and_mode(
        make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault({"Locked.md": "- [ ] L\n", "Open.md": "- [ ] O\n"})
    ids = {t["path"]: t["id"] for t in run_cli("--vault", vault, "list", "--json").json()}
    (vault / "Locked.md").chmod(0o444)
    result = run_cli("--vault", vault, "done", ids["Locked.md"])
    assert (result.code, result.err) == (6, "tasks: Locked.md is read-only; nothing written (make it writable to "
                                             "change it)\n")
    assert (vault / "Locked.md").read_bytes() == b"- [ ] L\n"

    note = vault / "Open.md"
    note.chmod(0o640)
    if os.geteuid() == 0:
        os.chown(note, 4321, 4322)
    assert run_cli("--vault", vault, "done", ids["Open.md"]).code == 0
    info = note.stat()
    assert oct(info.st_mode & 0o7777) == "0o640"
    if os.geteuid() == 0:
        assert (info.st_uid, info.st_gid) == (4321, 4322)


def test_a_hard_linked_note_is_refused(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault({"Note.md": "- [ ] A\n"})
    task = run_cli("--vault", vault, "list", "--json").json()[0]["id"]
    os.link(vault / "Note.md", vault.parent / "elsewhere.md")
    result = run_cli("--vault", vault, "done", task)
    assert result.code == 6 and "has 2 hard links" in result.err
    assert (vault / "Note.md").read_bytes() == b"- [ ] A\n"
    assert (vault / "Note.md").stat().st_ino == (vault.parent / "elsewhere.md").stat().st_ino


def test_a_read_only_folder_is_one_line_and_nothing_written(make_vault: MakeVault, run_cli: RunCli,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault({"Note.md": "- [ ] A\n"})
    task = run_cli("--vault", vault, "list", "--json").json()[0]["id"]
    import tempfile

    def denied(*args: Any, **kwargs: Any) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)  # what a read-only folder does to a non-root user
    result = run_cli("--vault", vault, "done", task)
    assert (result.code, result.err) == (8, f"tasks: cannot write in {vault}: Permission denied; nothing written\n")
    assert (vault / "Note.md").read_bytes() == b"- [ ] A\n"


def test_a_lock_path_that_is_a_folder_is_one_line(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault({"Note.md": "- [ ] A\n"})
    task = run_cli("--vault", vault, "list", "--json").json()[0]["id"]
    Path(os.environ["TASKTRACK_DB"] + ".lock").mkdir()
    result = run_cli("--vault", vault, "done", task)
    assert result.code == 4 and result.err.startswith("tasks: cannot use the lock file ")
    assert result.err.count("\n") == 1
    assert (vault / "Note.md").read_bytes() == b"- [ ] A\n"


def test_write_errors_are_not_raised_as_write_refused() -> None:
    assert not issubclass(WriteFailed, WriteRefused)


def test_a_note_cut_short_since_it_was_read_is_refused(make_vault: MakeVault) -> None:
    text = "- [ ] A\n" + "".join(f"line {n}\n" for n in range(80))
    vault = make_vault({"Note.md": text})
    ws = Workspace.open(str(vault))
    try:
        ws.sync()
        task = ws.store.db.execute("SELECT id FROM tasks").fetchone()[0]
        half = text[: len(text) // 2]
        (vault / "Note.md").write_text(half)  # a program rewriting the note is halfway through
        with pytest.raises(WriteRefused, match="no longer ends as it did"):
            Triage(ws).run("done", [task])
    finally:
        ws.close()
    assert (vault / "Note.md").read_text() == half


def test_a_note_edited_above_the_task_since_it_was_read_is_still_written(make_vault: MakeVault) -> None:
    vault = make_vault({"Note.md": "# Tasks\n- [ ] A\nend\n"})
    ws = Workspace.open(str(vault))
    try:
        ws.sync()
        task = ws.store.db.execute("SELECT id FROM tasks").fetchone()[0]
        (vault / "Note.md").write_text("# Tasks\nadded above\n- [ ] A\nend\n")
        Triage(ws).run("done", [task])
    finally:
        ws.close()
    assert (vault / "Note.md").read_text() == "# Tasks\nadded above\n- [x] A ✅ 2026-11-22\nend\n"
