"""The triage verbs on real files: exact bytes written, refusals, undo, and the ``tasks`` CLI around them."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tasktrack.cli.main import main
from tasktrack.errors import UnknownTask, UsageError, WriteRefused
from tasktrack.store.ids import first_ids
from tasktrack.workspace import Workspace
from tasktrack.write.notes import NoteText
from tasktrack.write.triage import Change, NothingToDo, Triage

pytestmark = pytest.mark.usefixtures("fixed_today")

MakeVault = Callable[..., Path]
RunCli = Callable[..., Any]


@contextmanager
def workspace(vault: Path) -> Iterator[Workspace]:
    ws = Workspace.open(str(vault))
    try:
        ws.sync()
        yield ws
    finally:
        ws.close()


def task_ids(vault: Path, path: str = "Note.md") -> dict[int, str]:
    """Line number -> task id, for one note."""
    with workspace(vault) as ws:
        rows = ws.store.db.execute(
            "SELECT t.line, t.id FROM tasks t JOIN notes n ON n.id = t.note_id WHERE n.path = ?", (path,)
        ).fetchall()
    return {r["line"]: r["id"] for r in rows}


def run(vault: Path, verb: str, ids: list[str], **kwargs: Any) -> list[Change]:
    with workspace(vault) as ws:
        return Triage(ws).run(verb, ids, **kwargs)


def undo(vault: Path, dry_run: bool = False) -> list[Change]:
    with workspace(vault) as ws:
        return Triage(ws).undo(dry_run=dry_run)


def one_line(vault: MakeVault, line: str) -> tuple[Path, Path, str]:
    root = vault({"Note.md": line + "\n"})
    return root, root / "Note.md", task_ids(root)[1]


def after(make_vault: MakeVault, line: str, verb: str, value: str | None = None, add: bool = False,
          clear: bool = False) -> str:
    """The line ``verb`` writes for a one-task note (the note keeps its final newline)."""
    root, note, tid = one_line(make_vault, line)
    run(root, verb, [tid], value=value, add=add, clear=clear)
    text = note.read_bytes().decode("utf-8")
    assert text.endswith("\n")
    return text.removesuffix("\n")


# -- statuses ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "verb", "expected"),
    [
        ("- [ ?] Send the deck @Jeff #proposed 📅 2026-11-30", "accept", "- [ ] Send the deck @Jeff 📅 2026-11-30"),
        ("- [?] Send the deck #proposed ^blk", "accept", "- [ ] Send the deck ^blk"),
        ("- [?] Ask Lior", "accept", "- [ ] Ask Lior"),
        ("- [ ] Ask #Proposed Lior ⏫", "accept", "- [ ] Ask Lior ⏫"),
        ("- [/] Draft #proposed  ", "accept", "- [/] Draft  "),
        ("- [ ] Call #work", "reject", "- [-] Call #work ❌ 2026-11-22"),
        ("- [x] Call ✅ 2026-11-01 ^id", "reject", "- [-] Call ❌ 2026-11-22 ^id"),
        ("- [ ] Call 📅 2026-11-30 #work", "done", "- [x] Call 📅 2026-11-30 #work ✅ 2026-11-22"),
        ("- [-] Call ❌ 2026-11-01", "done", "- [x] Call ✅ 2026-11-22"),
        ("* [/] Call ^ab-1  ", "done", "* [x] Call ✅ 2026-11-22 ^ab-1  "),
        ("- [x] Call 📅 2026-11-30 ✅ 2026-11-21", "reopen", "- [ ] Call 📅 2026-11-30"),
        ("- [-] Call ❌ 2026-11-21 ^x", "reopen", "- [ ] Call ^x"),
        ("- [/] Call", "reopen", "- [ ] Call"),
        ("- [ ] Call", "start", "- [/] Call"),
        ("- [ ?] Call #proposed", "start", "- [/] Call"),
        ("- [x] Call ✅ 2026-11-21", "start", "- [/] Call"),
        ("- [ ?] Call @Jeff #proposed", "reject", "- [-] Call @Jeff ❌ 2026-11-22"),
        ("- [ ?] Call #proposed ⏫", "done", "- [x] Call ⏫ ✅ 2026-11-22"),
        ("- [x] Call #proposed ✅ 2026-11-21", "reopen", "- [ ] Call"),
    ],
)
def test_status_verbs_write_exactly(make_vault: MakeVault, line: str, verb: str, expected: str) -> None:
    assert after(make_vault, line, verb) == expected


def test_done_then_reopen_of_a_proposed_item_gives_an_open_task(make_vault: MakeVault, run_cli: RunCli) -> None:
    root, note, tid = one_line(make_vault, "- [ ?] Call Erez #proposed")
    assert run_cli("--vault", root, "done", tid).code == 0
    assert run_cli("--vault", root, "reopen", tid).code == 0
    assert note.read_text() == "- [ ] Call Erez\n"
    assert [t["status"] for t in run_cli("--vault", root, "list", "--json").json()] == ["open"]


@pytest.mark.parametrize(
    ("line", "verb"),
    [
        ("- [ ] Open already", "accept"),
        ("- [x] Done ✅ 2026-11-01", "accept"),
        ("- [-] Cancelled", "reject"),
        ("- [x] Done", "done"),
        ("- [X] Done too", "done"),
        ("- [ ] Open", "reopen"),
        ("- [/] Started", "start"),
    ],
)
def test_already_in_that_state_writes_nothing(make_vault: MakeVault, run_cli: RunCli, line: str, verb: str) -> None:
    root, note, tid = one_line(make_vault, line)
    before = note.read_bytes()
    with pytest.raises(NothingToDo):
        run(root, verb, [tid])
    result = run_cli("--vault", root, verb, tid)
    assert result.code != 0
    assert result.out == ""
    assert len(result.err.splitlines()) == 1 and result.err.startswith("tasks: ")
    assert note.read_bytes() == before


# -- dates, priority, owners ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "expected"),
    [("tomorrow", "2026-11-23"), ("next friday", "2026-11-27"), ("in 2 weeks", "2026-12-06"),
     ("jan 15", "2027-01-15"), ("eow", "2026-11-27"), ("eom", "2026-11-30"), ("2027-03-04", "2027-03-04")],
)
def test_due_in_words(make_vault: MakeVault, when: str, expected: str) -> None:
    assert after(make_vault, "- [ ] Call #work ^b1", "due", when) == f"- [ ] Call #work 📅 {expected} ^b1"


@pytest.mark.parametrize("when", ["banana", "a", "42", "2026-02-30", "next blursday"])
def test_due_refuses_what_is_not_a_date(make_vault: MakeVault, run_cli: RunCli, when: str) -> None:
    root, note, tid = one_line(make_vault, "- [ ] Call")
    with pytest.raises(UsageError):
        run(root, "due", [tid], value=when)
    result = run_cli("--vault", root, "due", tid, *when.split())
    assert result.code == 2
    assert len(result.err.splitlines()) == 1 and "Traceback" not in result.err
    assert note.read_bytes() == b"- [ ] Call\n"


@pytest.mark.parametrize(
    ("line", "verb", "value", "expected"),
    [
        ("- [ ] Call 📅 2026-11-30 ⏫", "due", "2026-12-01", "- [ ] Call 📅 2026-12-01 ⏫"),
        ("- [ ] Call 📅2026-11-30", "due", "2026-12-01", "- [ ] Call 📅2026-12-01"),
        ("- [ ] Call 📅 2026-11-30 📅 2026-12-30", "due", "2027-01-02", "- [ ] Call 📅 2027-01-02"),
        ("- [ ] Call", "schedule", "2026-12-01", "- [ ] Call ⏳ 2026-12-01"),
        ("- [ ] Call 📅 2026-11-30", "start-date", "2026-11-25", "- [ ] Call 📅 2026-11-30 🛫 2026-11-25"),
        ("- [ ] Call [due:: 2026-11-30]", "schedule", "2026-12-01",
         "- [ ] Call [due:: 2026-11-30]  [scheduled:: 2026-12-01]"),
        ("- [ ] Call [due:: 2026-11-30]", "due", "2026-12-01", "- [ ] Call [due:: 2026-12-01]"),
        ("- [ ] Call (due:: 2026-11-30)", "due", "2026-12-01", "- [ ] Call (due:: 2026-12-01)"),
        ("- [ ] Call 📅 2026-02-30", "due", "2026-03-01", "- [ ] Call 📅 2026-03-01"),
    ],
)
def test_date_verbs(make_vault: MakeVault, line: str, verb: str, value: str, expected: str) -> None:
    assert after(make_vault, line, verb, value) == expected


def test_date_clear(make_vault: MakeVault) -> None:
    text = "- [ ] Call 📅 2026-11-30 #work\n- [ ] Mail [scheduled:: 2026-11-30]\n- [ ] Ping\n"
    root = make_vault({"Note.md": text})
    ids = task_ids(root)
    run(root, "due", [ids[1]], clear=True)
    run(root, "schedule", [ids[2]], clear=True)
    with pytest.raises(NothingToDo):
        run(root, "due", [ids[3]], clear=True)
    assert (root / "Note.md").read_bytes() == b"- [ ] Call #work\n- [ ] Mail\n- [ ] Ping\n"


@pytest.mark.parametrize(
    ("line", "value", "expected"),
    [
        ("- [ ] Call 📅 2026-11-30", "high", "- [ ] Call 📅 2026-11-30 ⏫"),
        ("- [ ] Call ⏫ 📅 2026-11-30", "lowest", "- [ ] Call ⏬ 📅 2026-11-30"),
        ("- [ ] Call 🔼", "normal", "- [ ] Call"),
        ("- [ ] Call 🔼", "highest", "- [ ] Call 🔺"),
        ("- [ ] Call ⏫", "Low", "- [ ] Call 🔽"),
        ("- [ ] Call [due:: 2026-11-30]", "medium", "- [ ] Call [due:: 2026-11-30]  [priority:: medium]"),
        ("- [ ] Call [priority:: high]", "low", "- [ ] Call [priority:: low]"),
        ("- [ ] Call ⏫ 🔽", "high", "- [ ] Call ⏫"),
    ],
)
def test_priority(make_vault: MakeVault, line: str, value: str, expected: str) -> None:
    assert after(make_vault, line, "priority", value) == expected


@pytest.mark.parametrize("line", ["- [ ] Call ⏫", "- [ ] Call ⏫\ufe0f", "- [ ] Call [priority:: high]"])
def test_priority_already_set_writes_nothing(make_vault: MakeVault, line: str) -> None:
    root, note, tid = one_line(make_vault, line)
    with pytest.raises(NothingToDo):
        run(root, "priority", [tid], value="high")
    assert note.read_bytes() == (line + "\n").encode()


def test_unknown_priority_is_refused(make_vault: MakeVault, run_cli: RunCli) -> None:
    root, note, tid = one_line(make_vault, "- [ ] Call")
    with pytest.raises(UsageError):
        run(root, "priority", [tid], value="urgentest")
    result = run_cli("--vault", root, "priority", tid, "critical")
    assert result.code == 2 and len(result.err.splitlines()) == 1 and "critical" in result.err
    assert note.read_bytes() == b"- [ ] Call\n"


@pytest.mark.parametrize(
    ("line", "name", "add", "expected"),
    [
        ("- [ ] Call Lior 📅 2026-11-30", "Jeff", False, "- [ ] Call Lior @Jeff 📅 2026-11-30"),
        ("- [ ] Call Lior @Dre 📅 2026-11-30", "Jeff", False, "- [ ] Call Lior @Jeff 📅 2026-11-30"),
        ("- [ ] Call Lior @Dre 📅 2026-11-30", "Jeff", True, "- [ ] Call Lior @Dre @Jeff 📅 2026-11-30"),
        ("- [ ] @Dre and @Lior: call", "@Jeff", False, "- [ ] @Jeff and: call"),
        ("- [ ] Call [owner:: Dre]", "Jeff", False, "- [ ] Call [owner:: Jeff]"),
        ("- [ ] #work 📅 2026-11-30", "Jeff", False, "- [ ] @Jeff #work 📅 2026-11-30"),
        ("- [ ] Call ^blk  ", "Jeff", False, "- [ ] Call @Jeff ^blk  "),
        ("- [ ] Call Lior 📅 2026-11-30", "Jeff Denworth", False,
         "- [ ] Call Lior [owner:: Jeff Denworth] 📅 2026-11-30"),
        ("- [ ] Call @Dre 📅 2026-11-30", "Jeff Denworth", False, "- [ ] Call [owner:: Jeff Denworth] 📅 2026-11-30"),
        ("- [ ] Call @Dre 📅 2026-11-30", "Jeff Denworth", True,
         "- [ ] Call @Dre [owner:: Jeff Denworth] 📅 2026-11-30"),
        ("- [ ] Call [owner:: Dana Scully]", "Jeff", False, "- [ ] Call [owner:: Jeff]"),
        ("- [ ] Call [owner:: Dana Scully]", "Jeff", True, "- [ ] Call [owner:: Dana Scully, Jeff]"),
        ("- [ ] Call [owner:: Dana]  [due:: 2026-11-30]", "Jeff Denworth", True,
         "- [ ] Call [owner:: Dana, Jeff Denworth]  [due:: 2026-11-30]"),
    ],
)
def test_assign(make_vault: MakeVault, line: str, name: str, add: bool, expected: str) -> None:
    assert after(make_vault, line, "assign", name, add=add) == expected


def test_assign_already_owner_or_bad_name(make_vault: MakeVault) -> None:
    root, note, tid = one_line(make_vault, "- [ ] Call @Jeff")
    with pytest.raises(NothingToDo):
        run(root, "assign", [tid], value="jeff")
    with pytest.raises(NothingToDo):
        run(root, "assign", [tid], value="Jeff", add=True)
    with pytest.raises(UsageError):
        run(root, "assign", [tid], value="not a name!")
    assert note.read_bytes() == b"- [ ] Call @Jeff\n"


def test_assign_a_name_with_a_space_reads_back_as_one_owner(make_vault: MakeVault, run_cli: RunCli) -> None:
    root, note, tid = one_line(make_vault, "- [ ] Call 📅 2026-11-30")
    result = run_cli("--vault", root, "assign", tid, "Jeff Denworth")
    assert (result.code, result.err) == (0, "")
    assert note.read_bytes() == "- [ ] Call [owner:: Jeff Denworth] 📅 2026-11-30\n".encode()
    listed = run_cli("--vault", root, "list", "--owner", "jeff denworth", "--json").json()
    assert [(t["description"], t["owners"], t["due"]) for t in listed] == [("Call", ["Jeff Denworth"], "2026-11-30")]
    with pytest.raises(NothingToDo):
        run(root, "assign", [tid], value="jeff denworth")


# -- recurrence and 🏁 -------------------------------------------------------------------------------


def test_done_on_a_recurring_task_says_which_line_keeps_the_id(make_vault: MakeVault, run_cli: RunCli) -> None:
    root = make_vault({"Note.md": "- [ ] Weekly review 🔁 every week 📅 2026-11-20\n\n"
                                  "- [ ] Weekly review 🔁 every month 📅 2026-11-20\n"})
    weekly, monthly = task_ids(root)[1], task_ids(root)[3]
    result = run_cli("--vault", root, "done", weekly, monthly)
    assert result.code == 0
    ids = task_ids(root)
    assert (ids[2], ids[5]) == (weekly, monthly)  # each id on its own completed line
    assert f"  {weekly} stays on the completed line; its next instance is {ids[1]}\n" in result.out
    assert f"  {monthly} stays on the completed line; its next instance is {ids[4]}\n" in result.out
    assert (root / "Note.md").read_text() == (
        "- [ ] Weekly review 🔁 every week 📅 2026-11-27\n"
        "- [x] Weekly review 🔁 every week 📅 2026-11-20 ✅ 2026-11-22\n"
        "\n- [ ] Weekly review 🔁 every month 📅 2026-12-20\n"
        "- [x] Weekly review 🔁 every month 📅 2026-11-20 ✅ 2026-11-22\n")
    assert run_cli("--vault", root, "reopen", monthly).code == 0  # the id still names the monthly task
    assert (root / "Note.md").read_text().endswith("- [ ] Weekly review 🔁 every month 📅 2026-11-20\n")


@pytest.mark.parametrize(
    ("line", "expected_next"),
    [
        ("- [ ] Water 🔁 every week 📅 2026-11-20", "- [ ] Water 🔁 every week 📅 2026-11-27"),
        ("- [ ] Water 🔁 every 2 days ⏳ 2026-11-20 📅 2026-11-21",
         "- [ ] Water 🔁 every 2 days ⏳ 2026-11-22 📅 2026-11-23"),
        ("- [ ] Stand-up 🔁 every weekday 📅 2026-11-20", "- [ ] Stand-up 🔁 every weekday 📅 2026-11-23"),
        ("- [ ] Rent 🔁 every month 📅 2024-01-31", "- [ ] Rent 🔁 every month 📅 2024-02-29"),
        ("- [ ] Rent 🔁 every month on the 31st 📅 2024-01-31", "- [ ] Rent 🔁 every month on the 31st 📅 2024-03-31"),
        ("- [ ] Review 🔁 every month on the last Friday 📅 2026-11-27",
         "- [ ] Review 🔁 every month on the last Friday 📅 2026-12-25"),
        ("- [ ] Leap 🔁 every year 📅 2024-02-29", "- [ ] Leap 🔁 every year 📅 2025-02-28"),
        ("- [ ] Plants 🔁 every week when done 📅 2026-10-01", "- [ ] Plants 🔁 every week when done 📅 2026-11-29"),
        ("- [ ] Plants 🔁 every 3 days when done 🛫 2026-11-01 📅 2026-11-05",
         "- [ ] Plants 🔁 every 3 days when done 🛫 2026-11-21 📅 2026-11-25"),
        ("- [ ] No dates 🔁 every week", "- [ ] No dates 🔁 every week"),
        ("1. [ ] Num 🔁 every day 📅 2026-11-22 🆔 abc ⛔ def ➕ 2026-11-01 #proposed ^blk",
         "1. [ ] Num 🔁 every day 📅 2026-11-23"),
        ("> - [/] Quoted ⏫ 🔁 every week 📅 2026-11-22 ^q1  ", "> - [ ] Quoted ⏫ 🔁 every week 📅 2026-11-29  "),
    ],
)
def test_done_on_a_recurring_task(make_vault: MakeVault, line: str, expected_next: str) -> None:
    text = f"# Chores\r\n\r\n{line}\r\nAfter\r\n"
    root = make_vault({"Note.md": text})
    tid = task_ids(root)[3]
    changes = run(root, "done", [tid])
    lines = (root / "Note.md").read_bytes().decode("utf-8").split("\r\n")
    assert lines[:2] == ["# Chores", ""]
    assert lines[2] == expected_next
    assert lines[4:] == ["After", ""]
    done_line = lines[3]
    assert done_line.rstrip(" ").split(" ^")[0].endswith("✅ 2026-11-22")
    assert "[x]" in done_line
    assert [c.new for c in changes] == [[lines[2], lines[3]]]
    undo(root)
    assert (root / "Note.md").read_bytes() == text.encode()


def test_on_completion_delete(make_vault: MakeVault) -> None:
    text = "- Line before\n- [ ] Gone 🏁 delete\n- Line after\n"
    root = make_vault({"Note.md": text})
    changes = run(root, "done", [task_ids(root)[2]])
    assert (root / "Note.md").read_bytes() == b"- Line before\n- Line after\n"
    assert changes[0].new == [] and changes[0].warnings == []
    undo(root)
    assert (root / "Note.md").read_bytes() == text.encode()


def test_on_completion_delete_of_a_recurring_task_leaves_the_next_instance(make_vault: MakeVault) -> None:
    root = make_vault({"Note.md": "- [ ] Bins 🔁 every week 🏁 delete 📅 2026-11-19 ^b\n"})
    run(root, "done", [task_ids(root)[1]])
    assert (root / "Note.md").read_bytes().decode() == "- [ ] Bins 🔁 every week 🏁 delete 📅 2026-11-26\n"


def test_on_completion_delete_warns_about_children(make_vault: MakeVault, run_cli: RunCli) -> None:
    text = "- [ ] Parent 🏁 delete\n    - [ ] Child\n"
    root = make_vault({"Note.md": text})
    result = run_cli("--vault", root, "done", task_ids(root)[1])
    assert result.code == 0
    assert result.out == "Note.md:1\n- - [ ] Parent 🏁 delete\n"
    assert result.err == "tasks: warning: Note.md:1: the deleted task had indented lines below it; they stay\n"
    assert (root / "Note.md").read_bytes() == b"    - [ ] Child\n"


def test_unsupported_recurrence_rule_is_refused(make_vault: MakeVault) -> None:
    root, note, tid = one_line(make_vault, "- [ ] Odd 🔁 every blue moon 📅 2026-11-22")
    with pytest.raises(UsageError):
        run(root, "done", [tid])
    assert note.read_bytes() == "- [ ] Odd 🔁 every blue moon 📅 2026-11-22\n".encode()


# -- finding the line ---------------------------------------------------------------------------------


def test_duplicate_identical_lines_the_right_one_changes(make_vault: MakeVault) -> None:
    root = make_vault({"Note.md": "- [ ] Same\n- [ ] Same\n- [ ] Same\n"})
    ids = task_ids(root)
    assert len(set(ids.values())) == 3
    run(root, "done", [ids[2]])
    assert (root / "Note.md").read_bytes() == b"- [ ] Same\n- [x] Same \xe2\x9c\x85 2026-11-22\n- [ ] Same\n"
    assert task_ids(root)[2] == ids[2]


def test_lines_inserted_above_by_an_external_edit(make_vault: MakeVault) -> None:
    root = make_vault({"Note.md": "# T\n- [ ] First\n- [ ] Second\n"})
    note = root / "Note.md"
    with workspace(root) as ws:
        tid = task_ids(root)[3]
        note.write_bytes(b"# T\nnew line\nanother\n- [ ] First\n- [ ] Second\n")  # the store is stale now
        changes = Triage(ws).run("start", [tid])
    assert note.read_bytes() == b"# T\nnew line\nanother\n- [ ] First\n- [/] Second\n"
    assert changes[0].line == 5


def test_moved_duplicate_is_refused(make_vault: MakeVault) -> None:
    root = make_vault({"Note.md": "- [ ] Same\n- [ ] Same\n"})
    note = root / "Note.md"
    with workspace(root) as ws:
        tid = task_ids(root)[2]
        note.write_bytes(b"above\n- [ ] Same\n- [ ] Same\n")
        with pytest.raises(WriteRefused, match="identical lines"):
            Triage(ws).run("done", [tid])
    assert note.read_bytes() == b"above\n- [ ] Same\n- [ ] Same\n"


def test_task_edited_externally_is_refused(make_vault: MakeVault, run_cli: RunCli,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_vault({"Note.md": "- [ ] Call 📅 2026-11-30\n"})
    note = root / "Note.md"
    tid = task_ids(root)[1]
    with workspace(root) as ws:
        note.write_bytes("- [ ] Call 📅 2026-12-24\n".encode())
        with pytest.raises(WriteRefused, match="changed since"):
            Triage(ws).run("done", [tid])
    real_sync = Workspace.sync

    def sync_then_edit(self: Workspace, rebuild: bool = False) -> Any:
        report = real_sync(self, rebuild)
        note.write_bytes("- [ ] Call 📅 2027-01-01\n".encode())  # edited after the sync, before the write
        return report

    monkeypatch.setattr(Workspace, "sync", sync_then_edit)
    result = run_cli("--vault", root, "done", tid)
    assert result.code == 6
    assert result.out == ""
    assert result.err.count("\n") == 1 and "changed since" in result.err and "Traceback" not in result.err
    assert note.read_bytes() == "- [ ] Call 📅 2027-01-01\n".encode()


def test_deleted_file(make_vault: MakeVault, run_cli: RunCli) -> None:
    root = make_vault({"Note.md": "- [ ] Call\n", "Other.md": "- [ ] Keep\n"})
    tid = task_ids(root)[1]
    with workspace(root) as ws:
        (root / "Note.md").unlink()
        with pytest.raises(WriteRefused, match="gone"):
            Triage(ws).run("done", [tid])
    result = run_cli("--vault", root, "done", tid)
    assert result.code == UnknownTask.exit_code and len(result.err.splitlines()) == 1
    assert not (root / "Note.md").exists() and (root / "Other.md").read_bytes() == b"- [ ] Keep\n"


def test_file_changed_between_read_and_write_is_not_overwritten(make_vault: MakeVault,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_vault({"Note.md": "- [ ] Call\n"})
    note = root / "Note.md"
    tid = task_ids(root)[1]
    real_read = NoteText.read.__func__  # type: ignore[attr-defined]

    def read_then_other_program_writes(cls: type[NoteText], path: Path) -> NoteText:
        text = real_read(cls, path)
        path.write_bytes(b"- [ ] Call\n- [ ] Added by another program\n")
        return text  # type: ignore[no-any-return]

    monkeypatch.setattr(NoteText, "read", classmethod(read_then_other_program_writes))
    with workspace(root) as ws, pytest.raises(WriteRefused, match="changed by another program"):
        Triage(ws).run("done", [tid])
    assert note.read_bytes() == b"- [ ] Call\n- [ ] Added by another program\n"
    assert [p.name for p in root.iterdir() if p.name.endswith(".tmp")] == []


def test_symlinked_note_writes_the_target(make_vault: MakeVault, tmp_path: Path,
                                          config_file: Callable[[str], Path]) -> None:
    config_file("follow_external_links = true\n")  # the target is outside the vault
    root = make_vault({})
    target = tmp_path / "elsewhere" / "Real.md"
    target.parent.mkdir()
    target.write_bytes(b"- [ ] Linked\n")
    (root / "Link.md").symlink_to(target)
    tid = task_ids(root, "Link.md")[1]
    run(root, "done", [tid])
    assert (root / "Link.md").is_symlink()
    assert os.readlink(root / "Link.md") == str(target)
    assert target.read_bytes() == "- [x] Linked ✅ 2026-11-22\n".encode()


def test_file_mode_is_kept(make_vault: MakeVault) -> None:
    root, note, tid = one_line(make_vault, "- [ ] Call")
    note.chmod(0o640)
    run(root, "done", [tid])
    assert stat.S_IMODE(note.stat().st_mode) == 0o640
    assert note.read_bytes() == "- [x] Call ✅ 2026-11-22\n".encode()


def test_bom_crlf_and_no_final_newline_survive(make_vault: MakeVault) -> None:
    data = "\ufeff---\r\ntitle: x\r\n---\r\n> [!todo] T\r\n> 1) [ ?] Ask #proposed   \n\tmixed\r\n- [ ] Last".encode()
    root = make_vault({"Note.md": data})
    ids = task_ids(root)
    run(root, "accept", [ids[5]])
    run(root, "priority", [ids[7]], value="high")
    assert (root / "Note.md").read_bytes() == (
        "\ufeff---\r\ntitle: x\r\n---\r\n> [!todo] T\r\n> 1) [ ] Ask   \n\tmixed\r\n- [ ] Last ⏫".encode())


# -- batches, dry run, undo ---------------------------------------------------------------------------


def test_all_or_nothing_when_one_id_is_bad(make_vault: MakeVault, run_cli: RunCli) -> None:
    root = make_vault({"Note.md": "- [ ] A\n- [x] B\n", "Other.md": "- [ ] C\n"})
    ids, other = task_ids(root), task_ids(root, "Other.md")
    with pytest.raises(UnknownTask):
        run(root, "done", [ids[1], "zzzzzzz"])
    with pytest.raises(NothingToDo):
        run(root, "done", [other[1], ids[1], ids[2]])
    result = run_cli("--vault", root, "done", ids[1], other[1], ids[2])
    assert result.code != 0 and result.out == "" and len(result.err.splitlines()) == 1
    assert (root / "Note.md").read_bytes() == b"- [ ] A\n- [x] B\n"
    assert (root / "Other.md").read_bytes() == b"- [ ] C\n"


def test_all_or_nothing_across_notes_when_a_later_note_changed(make_vault: MakeVault) -> None:
    root = make_vault({"A.md": "- [ ] A\n", "B.md": "- [ ] B\n"})
    a, b = task_ids(root, "A.md")[1], task_ids(root, "B.md")[1]
    with workspace(root) as ws:
        (root / "B.md").write_bytes(b"- [ ] B changed\n")
        with pytest.raises(WriteRefused):
            Triage(ws).run("done", [a, b])
    assert (root / "A.md").read_bytes() == b"- [ ] A\n"
    assert (root / "B.md").read_bytes() == b"- [ ] B changed\n"


def test_dry_run_writes_nothing_and_prints_the_diff(make_vault: MakeVault, run_cli: RunCli) -> None:
    root, note, tid = one_line(make_vault, "- [ ] Call 📅 2026-11-30")
    stamp = note.stat().st_mtime_ns
    result = run_cli("--vault", root, "due", tid, "tomorrow", "--dry-run")
    assert result.code == 0
    assert result.out == ("Note.md:1\n- - [ ] Call 📅 2026-11-30\n+ - [ ] Call 📅 2026-11-23\n"
                          "(dry run: nothing written)\n")
    assert note.read_bytes() == "- [ ] Call 📅 2026-11-30\n".encode() and note.stat().st_mtime_ns == stamp
    assert run_cli("--vault", root, "undo").code != 0  # nothing was recorded


def test_undo_of_a_multi_id_batch_across_notes(make_vault: MakeVault, run_cli: RunCli) -> None:
    notes = {"A.md": "- [ ] A1\r\n- [ ] A2 🔁 every day 📅 2026-11-22\r\n", "B.md": "\ufeff- [?] B #proposed"}
    root = make_vault(notes)
    a, b = task_ids(root, "A.md"), task_ids(root, "B.md")
    result = run_cli("--vault", root, "done", a[1], a[2], b[1])
    assert result.code == 0
    assert (root / "A.md").read_bytes().decode() == (
        "- [x] A1 ✅ 2026-11-22\r\n- [ ] A2 🔁 every day 📅 2026-11-23\r\n"
        "- [x] A2 🔁 every day 📅 2026-11-22 ✅ 2026-11-22\r\n")
    assert (root / "B.md").read_bytes().decode() == "\ufeff- [x] B ✅ 2026-11-22"  # done: no longer proposed
    result = run_cli("--vault", root, "undo")
    assert result.code == 0 and result.out.count(".md:") == 3  # three changes undone
    for name, text in notes.items():
        assert (root / name).read_bytes() == text.encode()
    assert run_cli("--vault", root, "undo").code != 0


def test_undo_history_goes_back_step_by_step(make_vault: MakeVault) -> None:
    root, note, tid = one_line(make_vault, "- [ ] Call")
    run(root, "start", [tid])
    run(root, "due", [tid], value="2026-12-01")
    run(root, "priority", [tid], value="high")
    assert note.read_bytes().decode() == "- [/] Call 📅 2026-12-01 ⏫\n"
    undo(root)
    assert note.read_bytes().decode() == "- [/] Call 📅 2026-12-01\n"
    undo(root)
    assert note.read_bytes().decode() == "- [/] Call\n"
    undo(root)
    assert note.read_bytes().decode() == "- [ ] Call\n"
    with pytest.raises(NothingToDo):
        undo(root)


def test_undo_refuses_when_the_line_changed_since(make_vault: MakeVault, run_cli: RunCli) -> None:
    root, note, tid = one_line(make_vault, "- [ ] Call")
    run(root, "done", [tid])
    note.write_bytes("- [x] Call ✅ 2026-11-22 edited by hand\n".encode())
    result = run_cli("--vault", root, "undo")
    assert result.code == 6 and len(result.err.splitlines()) == 1 and "changed since" in result.err
    assert note.read_bytes() == "- [x] Call ✅ 2026-11-22 edited by hand\n".encode()


def test_undo_after_an_unrelated_edit_reverts_just_the_lines(make_vault: MakeVault) -> None:
    root = make_vault({"Note.md": "- [ ] One\n- [ ] Two 🔁 every week 📅 2026-11-22\ntail\n"})
    ids = task_ids(root)
    run(root, "done", [ids[2]])
    note = root / "Note.md"
    edited = b"# New heading\n" + note.read_bytes().replace(b"tail", b"tail edited")
    note.write_bytes(edited)
    changes = undo(root)
    expected = "# New heading\n- [ ] One\n- [ ] Two 🔁 every week 📅 2026-11-22\ntail edited\n"
    assert note.read_bytes() == expected.encode()
    assert changes[0].line == 3


def test_undo_dry_run_writes_nothing(make_vault: MakeVault) -> None:
    root, note, tid = one_line(make_vault, "- [ ] Call")
    run(root, "done", [tid])
    done = note.read_bytes()
    undo(root, dry_run=True)
    assert note.read_bytes() == done
    undo(root)
    assert note.read_bytes() == b"- [ ] Call\n"


# -- the CLI -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "line", "new"),
    [
        (["accept"], "- [?] Ask #proposed", "- [ ] Ask"),
        (["reject"], "- [ ] Ask", "- [-] Ask ❌ 2026-11-22"),
        (["done"], "- [ ] Ask", "- [x] Ask ✅ 2026-11-22"),
        (["reopen"], "- [x] Ask ✅ 2026-11-02", "- [ ] Ask"),
        (["start"], "- [ ] Ask", "- [/] Ask"),
        (["due", "@", "next", "friday"], "- [ ] Ask", "- [ ] Ask 📅 2026-11-27"),
        (["schedule", "@", "2026-12-01"], "- [ ] Ask", "- [ ] Ask ⏳ 2026-12-01"),
        (["start-date", "@", "tomorrow"], "- [ ] Ask", "- [ ] Ask 🛫 2026-11-23"),
        (["due", "@", "--clear"], "- [ ] Ask 📅 2026-11-30", "- [ ] Ask"),
        (["priority", "@", "highest"], "- [ ] Ask", "- [ ] Ask 🔺"),
        (["assign", "@", "Jeff"], "- [ ] Ask @Dre", "- [ ] Ask @Jeff"),
        (["assign", "@", "Jeff", "--add"], "- [ ] Ask @Dre", "- [ ] Ask @Dre @Jeff"),
    ],
)
def test_cli_prints_the_diff_of_each_change(make_vault: MakeVault, run_cli: RunCli, args: list[str], line: str,
                                      new: str) -> None:
    root = make_vault({"Sub/Note.md": f"# T\n{line}\n"})
    tid = task_ids(root, "Sub/Note.md")[2]
    argv = [tid if a == "@" else a for a in args] if "@" in args else [*args, tid]
    result = run_cli("--vault", root, *argv)
    assert (result.code, result.err) == (0, "")
    assert result.out == f"Sub/Note.md:2\n- {line}\n+ {new}\n"
    assert (root / "Sub/Note.md").read_bytes().decode() == f"# T\n{new}\n"
    undone = run_cli("--vault", root, "undo")
    assert undone.code == 0 and undone.out == f"Sub/Note.md:2\n- {new}\n+ {line}\n"
    assert (root / "Sub/Note.md").read_bytes().decode() == f"# T\n{line}\n"


@pytest.mark.parametrize(
    "argv",
    [
        ["done", "qqqqqqq"],
        ["done"],
        ["due", "@"],
        ["due", "@", "banana"],
        ["priority", "@", "urgentest"],
        ["assign", "@", "not a name!"],
        ["accept", "@", "extra"],
        ["frobnicate", "@"],
    ],
)
def test_cli_bad_input_one_line_no_traceback_nothing_written(make_vault: MakeVault, run_cli: RunCli,
                                                             argv: list[str]) -> None:
    root, note, tid = one_line(make_vault, "- [ ] Ask")
    result = run_cli("--vault", root, *[tid if a == "@" else a for a in argv])
    assert result.code != 0
    assert result.out == ""
    assert len(result.err.splitlines()) == 1 and result.err.startswith("tasks: ")
    assert "Traceback" not in result.err
    assert note.read_bytes() == b"- [ ] Ask\n"


def test_a_long_line_is_shortened_in_the_middle_on_a_terminal_only(make_vault: MakeVault, run_cli: RunCli,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    words = " ".join(f"word{i}" for i in range(20_000))
    root, note, tid = one_line(make_vault, f"- [ ] {words} end")
    piped = run_cli("--vault", root, "done", tid)
    assert piped.out == f"Note.md:1\n- - [ ] {words} end\n+ - [x] {words} end ✅ 2026-11-22\n"
    run_cli("--vault", root, "undo")
    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    shown = run_cli("--vault", root, "done", tid)
    assert shown.out == ("Note.md:1\n"
                         "- - [ ] word0 word1 … 9998 word19999 end\n"
                         "+ - [x] word0 word1 …  end ✅ 2026-11-22\n")  # ✅ takes two cells
    assert note.read_text(encoding="utf-8") == f"- [x] {words} end ✅ 2026-11-22\n"


def _note_with_an_id_starting_next() -> tuple[str, str]:
    """A note name whose task "Call the vendor" gets an id that starts with "next" (ids hash the path)."""
    for n in range(553_500, 553_600):
        path = f"Note {n}.md"
        (task_id,) = first_ids(path, ["call the vendor"])
        if task_id.startswith("next"):
            return path, task_id
    raise AssertionError("no such note name in the range")


def test_date_words_are_never_taken_for_ids(make_vault: MakeVault, run_cli: RunCli) -> None:
    path, next_id = _note_with_an_id_starting_next()
    root = make_vault({path: "- [ ] Call the vendor\n", "Other.md": "- [ ] Book the room\n"})
    other = task_ids(root, "Other.md")[1]
    assert task_ids(root, path)[1] == next_id
    result = run_cli("--vault", root, "due", other, "next", "friday")
    assert (result.code, result.err) == (0, "")
    assert (root / "Other.md").read_bytes() == "- [ ] Book the room 📅 2026-11-27\n".encode()
    assert (root / path).read_bytes() == b"- [ ] Call the vendor\n"
    both = run_cli("--vault", root, "schedule", next_id[:4], other, "--on", "next", "friday")
    assert (both.code, both.err) == (0, "")
    assert (root / path).read_bytes() == "- [ ] Call the vendor ⏳ 2026-11-27\n".encode()
    assert run_cli("--vault", root, "priority", next_id, other, "--to", "urgent").code == 0
    assert run_cli("--vault", root, "assign", next_id, "--to", "Jeff", "Denworth").code == 0
    assert (root / path).read_bytes() == "- [ ] Call the vendor [owner:: Jeff Denworth] ⏳ 2026-11-27 🔺\n".encode()
    refused = run_cli("--vault", root, "due", next_id, other, "--clear", "--on", "friday")
    assert (refused.code, refused.err) == (2, "tasks: unexpected words after the ids: 'friday'\n")


def test_date_verb_usage_shows_what_works(capsys: pytest.CaptureFixture[str]) -> None:
    for verb, usage in (("start-date", "[--clear] [--dry-run] ID... {WHEN | --on WHEN}"),
                        ("priority", "[--dry-run] ID... {LEVEL | --to LEVEL}"),
                        ("assign", "[--add | --clear] [--dry-run] ID... {NAME | --to NAME}")):
        with pytest.raises(SystemExit):
            main([verb, "--help"])
        assert capsys.readouterr().out.startswith(f"usage: tasks {verb} {usage}\n")
