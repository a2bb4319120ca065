"""The store: stable short ids, first-seen dates, status history, and where the store lives."""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from tasktrack.config import Config, resolve_store
from tasktrack.errors import StoreError
from tasktrack.store.database import SCHEMA_VERSION, Store
from tasktrack.store.ids import make_id
from tasktrack.workspace import Workspace

ID_RE = re.compile(r"[a-z2-7]{6,8}")

NOTE = """# Plan

- [ ] Write the proposal 📅 2026-12-01
- [ ] Review the budget ⏫
    - [ ] Check the travel costs
- [ ] Send the invite
"""


def listing(run_cli: Callable[..., Any], vault: Path, *extra: str) -> list[dict[str, Any]]:
    result = run_cli("--vault", vault, "list", "--all", "--json", "--sort", "path", *extra)
    assert result.code == 0, result.err
    tasks: list[dict[str, Any]] = result.json()
    return tasks


def ids_by_text(run_cli: Callable[..., Any], vault: Path) -> dict[str, str]:
    return {t["description"]: t["id"] for t in listing(run_cli, vault)}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    bump(path)


def bump(path: Path) -> None:
    """Make sure the change is seen even on a file system with coarse timestamps."""
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))


def events(db: Path) -> list[tuple[str, str | None, str | None]]:
    with sqlite3.connect(db) as con:
        rows = con.execute("SELECT task_id, old_status, new_status FROM events ORDER BY id").fetchall()
    con.close()
    return [tuple(r) for r in rows]


@pytest.fixture
def vault(make_vault: Callable[..., Path]) -> Path:
    return make_vault({"Plan.md": NOTE})


# -- ids ----------------------------------------------------------------------------------------


def test_ids_are_short_and_unique(vault: Path, run_cli: Callable[..., Any]) -> None:
    ids = list(ids_by_text(run_cli, vault).values())
    assert len(ids) == 4
    assert len(set(ids)) == 4
    assert all(ID_RE.fullmatch(i) for i in ids), ids


def test_make_id_is_deterministic() -> None:
    assert make_id("Plan.md", "write the proposal", 0) == make_id("Plan.md", "write the proposal", 0)
    assert make_id("Plan.md", "write the proposal", 0) != make_id("Plan.md", "write the proposal", 1)
    assert make_id("Plan.md", "x", 0) != make_id("Other.md", "x", 0)
    assert ID_RE.fullmatch(make_id("Plan.md", "x", 0, salt=3))


def test_ids_survive_rescans_and_rebuild(vault: Path, run_cli: Callable[..., Any]) -> None:
    before = ids_by_text(run_cli, vault)
    assert ids_by_text(run_cli, vault) == before
    assert run_cli("--vault", vault, "scan", "--rebuild").code == 0
    assert ids_by_text(run_cli, vault) == before
    bump(vault / "Plan.md")
    assert ids_by_text(run_cli, vault) == before


def test_ids_survive_lines_added_and_removed_above(vault: Path, run_cli: Callable[..., Any]) -> None:
    before = ids_by_text(run_cli, vault)
    edit(vault / "Plan.md", "# Plan\n", "# Plan\n\nSome context.\n- [ ] A new first task\n- plain item\n\n")
    after = ids_by_text(run_cli, vault)
    assert {k: after[k] for k in before} == before
    assert after["A new first task"] not in before.values()
    edit(vault / "Plan.md", "- [ ] Write the proposal 📅 2026-12-01\n", "")
    again = ids_by_text(run_cli, vault)
    assert "Write the proposal" not in again
    assert {k: again[k] for k in before if k != "Write the proposal"} == {
        k: v for k, v in before.items() if k != "Write the proposal"}


@pytest.mark.parametrize(
    ("old", "new", "description"),
    [
        ("- [ ] Write the proposal", "- [x] Write the proposal", "Write the proposal"),
        ("- [ ] Write the proposal", "- [/] Write the proposal", "Write the proposal"),
        ("📅 2026-12-01", "📅 2027-01-15 ⏳ 2026-12-20", "Write the proposal"),
        ("Review the budget ⏫", "Review the budget 🔽", "Review the budget"),
        ("Review the budget ⏫", "Review the budget", "Review the budget"),
        ("- [ ] Send the invite", "- [-] Send the invite ❌ 2026-11-22", "Send the invite"),
        ("- [ ] Send the invite", "- [ ] Send the invite @Alice #team", "Send the invite"),
        ("    - [ ] Check the travel costs", "    - [x] Check the travel costs ✅ 2026-11-22",
         "Check the travel costs"),
    ],
)
def test_ids_survive_changes_to_the_task(vault: Path, run_cli: Callable[..., Any], old: str, new: str,
                                         description: str) -> None:
    before = ids_by_text(run_cli, vault)
    edit(vault / "Plan.md", old, new)
    assert ids_by_text(run_cli, vault) == before
    assert before[description] in ids_by_text(run_cli, vault).values()


def test_id_survives_a_small_rewording_in_place(vault: Path, run_cli: Callable[..., Any]) -> None:
    before = ids_by_text(run_cli, vault)
    edit(vault / "Plan.md", "Send the invite", "Send the invites")
    assert ids_by_text(run_cli, vault)["Send the invites"] == before["Send the invite"]


def test_identical_lines_get_different_ids(make_vault: Callable[..., Path], run_cli: Callable[..., Any]) -> None:
    vault = make_vault({"Dup.md": "- [ ] Call Bob\n- [ ] Call Bob\n- [ ] Call Bob\n"})
    tasks = listing(run_cli, vault)
    ids = [t["id"] for t in tasks]
    assert len(set(ids)) == 3
    assert run_cli("--vault", vault, "scan", "--rebuild").code == 0
    assert [t["id"] for t in listing(run_cli, vault)] == ids
    edit(vault / "Dup.md", "- [ ] Call Bob\n", "Intro line\n\n- [ ] Call Bob\n")
    assert [t["id"] for t in listing(run_cli, vault)] == ids


def test_identical_lines_keep_their_ids_when_one_changes(make_vault: Callable[..., Path],
                                                         run_cli: Callable[..., Any]) -> None:
    vault = make_vault({"Dup.md": "- [ ] Call Bob\n- [ ] Call Bob\n- [ ] Call Bob\n"})
    ids = [t["id"] for t in listing(run_cli, vault)]
    edit(vault / "Dup.md", "- [ ] Call Bob\n", "- [x] Call Bob ✅ 2026-11-22\n")
    tasks = listing(run_cli, vault)
    assert [(t["id"], t["status"]) for t in tasks] == [(ids[0], "done"), (ids[1], "open"), (ids[2], "open")]
    edit(vault / "Dup.md", "- [x] Call Bob ✅ 2026-11-22\n", "# Calls\n\n- [x] Call Bob ✅ 2026-11-22\n- [ ] Other\n")
    tasks = listing(run_cli, vault)
    assert [(t["id"], t["status"]) for t in tasks if t["description"] == "Call Bob"] == [
        (ids[0], "done"), (ids[1], "open"), (ids[2], "open")]


def test_removing_one_of_two_tasks_with_the_same_words(make_vault: Callable[..., Path],
                                                        run_cli: Callable[..., Any]) -> None:
    vault = make_vault({"Dup.md": "- [x] Call Bob\n- [ ] Call Bob\n"})
    done, still_open = (t["id"] for t in listing(run_cli, vault))
    edit(vault / "Dup.md", "- [x] Call Bob\n", "")
    assert [(t["id"], t["status"]) for t in listing(run_cli, vault)] == [(still_open, "open")]
    edit(vault / "Dup.md", "- [ ] Call Bob\n", "- [ ] Call Bob\n- [ ] Call Bob\n")
    tasks = listing(run_cli, vault)
    assert tasks[0]["id"] == still_open
    assert tasks[1]["id"] not in (still_open, done)


def test_identical_lines_in_two_notes(make_vault: Callable[..., Path], run_cli: Callable[..., Any]) -> None:
    vault = make_vault({"A.md": "- [ ] Call Bob\n", "B.md": "- [ ] Call Bob\n"})
    assert len({t["id"] for t in listing(run_cli, vault)}) == 2


def test_moving_a_task_to_another_line_of_the_note(vault: Path, run_cli: Callable[..., Any]) -> None:
    before = ids_by_text(run_cli, vault)
    edit(vault / "Plan.md", "- [ ] Send the invite\n", "")
    edit(vault / "Plan.md", "# Plan\n", "# Plan\n- [ ] Send the invite\n")
    assert ids_by_text(run_cli, vault) == before


# -- first seen and history ---------------------------------------------------------------------


def test_first_seen_is_kept(vault: Path, run_cli: Callable[..., Any], tmp_path: Path) -> None:
    db = Path(os.environ["TASKTRACK_DB"])
    ids_by_text(run_cli, vault)
    with sqlite3.connect(db) as con:
        con.execute("UPDATE tasks SET first_seen = '2026-01-01T09:00:00+00:00'")
    con.close()
    edit(vault / "Plan.md", "- [ ] Write the proposal", "- [x] Write the proposal")
    edit(vault / "Plan.md", "# Plan\n", "# Plan\n- [ ] Brand new\n")
    tasks = {t["description"]: t for t in listing(run_cli, vault)}
    with sqlite3.connect(db) as con:
        seen = dict(con.execute("SELECT id, first_seen FROM tasks").fetchall())
    con.close()
    assert seen[tasks["Write the proposal"]["id"]] == "2026-01-01T09:00:00+00:00"
    assert seen[tasks["Send the invite"]["id"]] == "2026-01-01T09:00:00+00:00"
    assert seen[tasks["Brand new"]["id"]] != "2026-01-01T09:00:00+00:00"


def test_every_status_change_is_recorded(vault: Path, run_cli: Callable[..., Any]) -> None:
    db = Path(os.environ["TASKTRACK_DB"])
    ids = ids_by_text(run_cli, vault)
    proposal = ids["Write the proposal"]
    assert sorted(events(db)) == sorted((i, None, "open") for i in ids.values())
    for old, new in (("[ ]", "[/]"), ("[/]", "[x]"), ("[x]", "[ ]")):
        edit(vault / "Plan.md", f"- {old} Write the proposal", f"- {new} Write the proposal")
        ids_by_text(run_cli, vault)
    edit(vault / "Plan.md", "📅 2026-12-01", "📅 2026-12-02")  # not a status change
    ids_by_text(run_cli, vault)
    assert [e for e in events(db) if e[0] == proposal] == [
        (proposal, None, "open"), (proposal, "open", "in_progress"), (proposal, "in_progress", "done"),
        (proposal, "done", "open"),
    ]
    edit(vault / "Plan.md", "- [ ] Write the proposal 📅 2026-12-02\n", "")
    ids_by_text(run_cli, vault)
    assert events(db)[-1] == (proposal, "open", None)
    (vault / "Plan.md").unlink()
    ids_by_text(run_cli, vault)
    gone = {e[0] for e in events(db)[-3:]}
    assert gone == {v for k, v in ids.items() if k != "Write the proposal"}
    assert all(e[2] is None for e in events(db)[-3:])


def test_history_is_shown(vault: Path, run_cli: Callable[..., Any]) -> None:
    task_id = ids_by_text(run_cli, vault)["Send the invite"]
    edit(vault / "Plan.md", "- [ ] Send the invite", "- [x] Send the invite")
    out = run_cli("--vault", vault, "show", task_id).out
    assert re.search(r"\s+\S+  new -> open\n\s+\S+  open -> done\n", out), out


# -- the store file -----------------------------------------------------------------------------


def test_store_schema_version(vault: Path, run_cli: Callable[..., Any]) -> None:
    ids_by_text(run_cli, vault)
    with sqlite3.connect(os.environ["TASKTRACK_DB"]) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    con.close()


def test_old_schema_is_rebuilt(vault: Path, run_cli: Callable[..., Any]) -> None:
    db = Path(os.environ["TASKTRACK_DB"])
    with sqlite3.connect(db) as con:
        con.execute("CREATE TABLE tasks (whatever TEXT)")
        con.execute("PRAGMA user_version = 0")
    con.close()
    assert len(ids_by_text(run_cli, vault)) == 4


def test_store_from_db_option(vault: Path, run_cli: Callable[..., Any], tmp_path: Path) -> None:
    db = tmp_path / "explicit" / "tasks.sqlite"
    result = run_cli("--vault", vault, "--db", db, "scan")
    assert result.out_lines[1] == f"store  {db}"
    assert db.is_file()
    assert not Path(os.environ["TASKTRACK_DB"]).exists()


def test_store_from_environment(vault: Path, run_cli: Callable[..., Any]) -> None:
    result = run_cli("--vault", vault, "scan")
    assert result.out_lines[1] == f"store  {os.environ['TASKTRACK_DB']}"
    assert Path(os.environ["TASKTRACK_DB"]).is_file()


def test_store_in_the_xdg_data_dir(vault: Path, run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch,
                                   tmp_path: Path, digest: Callable[[Path], Any]) -> None:
    monkeypatch.delenv("TASKTRACK_DB")
    data = tmp_path / "xdg-data"
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    before = digest(vault)
    result = run_cli("--vault", vault, "scan")
    store = Path(result.out_lines[1].removeprefix("store  "))
    assert store.parent == data / "tasktrack"
    assert store.is_file()
    assert store.name.startswith("vault-") and store.suffix == ".sqlite"
    assert digest(vault) == before


def test_one_store_per_vault(make_vault: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("TASKTRACK_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    a = make_vault({"A.md": "- [ ] a"}, name="Work")
    b = make_vault({"B.md": "- [ ] b"}, name="other/Work")
    assert resolve_store(None, a.resolve()) != resolve_store(None, b.resolve())
    assert resolve_store(None, a.resolve()) == resolve_store(None, a.resolve())
    assert resolve_store(None, a.resolve()).parent == tmp_path / "data" / "tasktrack"


def test_xdg_default_is_under_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("TASKTRACK_DB")
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve_store(None, tmp_path / "v").parent == tmp_path / ".local" / "share" / "tasktrack"


def test_db_option_beats_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TASKTRACK_DB", str(tmp_path / "env.sqlite"))
    assert resolve_store(str(tmp_path / "opt.sqlite"), tmp_path) == tmp_path / "opt.sqlite"
    assert resolve_store(None, tmp_path) == tmp_path / "env.sqlite"


def test_a_store_belongs_to_one_vault(make_vault: Callable[..., Path], run_cli: Callable[..., Any]) -> None:
    a = make_vault({"A.md": "- [ ] a"})
    b = make_vault({"B.md": "- [ ] b"})
    assert run_cli("--vault", a, "scan").code == 0
    result = run_cli("--vault", b, "scan")
    assert result.code == 4
    assert result.out == ""
    assert result.err.count("\n") == 1
    assert result.err.startswith("tasks: the store ")
    assert "belongs to the vault" in result.err


def test_workspace_api(vault: Path, tmp_path: Path) -> None:
    ws = Workspace.open(str(vault), str(tmp_path / "api.sqlite"), config=Config())
    report = ws.sync()
    assert (report.notes, report.read, report.changed_tasks) == (1, ["Plan.md"], 4)
    assert isinstance(ws.store, Store)
    assert ws.store.counts() == {"open": 4}
    ws.close()


def test_a_taken_id_is_replaced_and_parent_links_follow(make_vault: Callable[..., Path], tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Ids are 35 bits: two notes may want the same one. The second note's tasks get other ids, and
    its child task still points at its parent."""
    import tasktrack.store.ids as ids_module
    from tasktrack.parse.statuses import StatusMap
    from tasktrack.store.sync import sync

    real = ids_module.make_id

    def clashing(path: str, key: str, occurrence: int, salt: int = 0) -> str:
        return f"clash{key[:1]}{occurrence}" if salt == 0 else real(path, key, occurrence, salt)

    monkeypatch.setattr(ids_module, "make_id", clashing)
    root = make_vault({"A.md": "- [ ] parent\n", "B.md": "- [ ] parent\n    - [ ] child\n"})
    store = Store(tmp_path / "clash.sqlite", root)
    sync(root, store, StatusMap())
    rows = store.db.execute(
        "SELECT n.path, t.line, t.id, t.parent FROM tasks t JOIN notes n ON n.id = t.note_id ORDER BY n.path, t.line"
    ).fetchall()
    assert [(r[0], r[1]) for r in rows] == [("A.md", 1), ("B.md", 1), ("B.md", 2)]
    ids = [r[2] for r in rows]
    assert len(set(ids)) == 3
    assert sorted([ids[0], ids[1]]).count("clashp0") == 1  # the note read first keeps the id it asked for
    assert rows[2][3] == ids[1]  # the child's parent link follows its parent, whichever id it got
    assert ids[2] != ids[1]


def test_a_database_of_another_program_is_refused_not_made_a_new_store(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "old.sqlite") as con:
        con.execute("CREATE TABLE x (y)")
    con.close()
    before = (tmp_path / "old.sqlite").read_bytes()
    with pytest.raises(StoreError, match="is not a tasktrack store"):
        Store(tmp_path / "old.sqlite")
    assert (tmp_path / "old.sqlite").read_bytes() == before


def test_a_schema_2_store_is_migrated_and_keeps_its_ids_and_undo_history(
        make_vault: Callable[..., Path], run_cli: Callable[..., Any], fixed_today: str) -> None:
    stores = Path(__file__).resolve().parents[1] / "fixtures" / "stores"
    vault = make_vault({"Note.md": (stores / "schema-2-note.md").read_bytes()})
    old = sqlite3.connect(os.environ["TASKTRACK_DB"])
    old.executescript((stores / "schema-2.sql").read_text(encoding="utf-8").replace("@VAULT@", str(vault)))
    old.close()
    listed = run_cli("--vault", vault, "list", "--all", "--json").json()
    assert [(t["id"], t["status"]) for t in listed] == [("czdrfec", "done"), ("a2vrzcs", "open")]
    assert run_cli("--vault", vault, "undo").code == 0
    assert (vault / "Note.md").read_bytes() == b"- [ ] Call Erez\n- [ ] Send the deck\n"
    assert run_cli("--vault", vault, "undo").code == 1  # nothing older


def test_a_store_that_is_not_a_database_is_set_aside_and_rebuilt(vault: Path, run_cli: Callable[..., Any],
                                                                 tmp_path: Path) -> None:
    db = tmp_path / "tasks.sqlite"
    db.write_bytes(b"not a database\n" * 100)
    refused = run_cli("--vault", vault, "--db", db, "list")
    assert refused.code == 4 and refused.err.count("\n") == 1
    assert refused.err.startswith(f"tasks: cannot use the store {db}: ")
    assert refused.err.endswith("run `tasks scan --rebuild` to set it aside and rebuild it from the vault\n")
    rebuilt = run_cli("--vault", vault, "--db", db, "scan", "--rebuild")
    assert rebuilt.code == 0 and rebuilt.err.count("\n") == 1, rebuilt.err
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("tasks.sqlite.corrupt-")]
    assert len(aside) == 1 and re.fullmatch(r"tasks\.sqlite\.corrupt-\d{8}-\d{6}", aside[0].name)
    assert aside[0].read_bytes() == b"not a database\n" * 100
    assert rebuilt.err == (f"tasks: the store {db} could not be opened as a database; moved it to {aside[0].name} "
                           "and rebuilt it from the vault (undo history lost: it was in that file)\n")
    assert len(listing(run_cli, vault, "--db", str(db))) == 4


def test_a_store_missing_a_table_says_to_rebuild(vault: Path, run_cli: Callable[..., Any], tmp_path: Path) -> None:
    db = tmp_path / "tasks.sqlite"
    assert run_cli("--vault", vault, "--db", db, "scan").code == 0
    with closing(sqlite3.connect(db)) as con:
        con.execute("DROP TABLE changes")
    for argv in (["list"], ["undo"]):
        refused = run_cli("--vault", vault, "--db", db, *argv)
        assert (refused.code, refused.out) == (4, "")
        assert refused.err == (f"tasks: cannot use the store {db}: its table changes is missing; "
                               "run `tasks scan --rebuild` to set it aside and rebuild it from the vault\n")
    rebuilt = run_cli("--vault", vault, "--db", db, "scan", "--rebuild")
    assert rebuilt.code == 0 and "(undo history lost: its table changes is missing)" in rebuilt.err
    assert len(listing(run_cli, vault, "--db", str(db))) == 4
    assert run_cli("--vault", vault, "--db", db, "undo").err == "tasks: nothing to undo\n"
