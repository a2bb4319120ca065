"""The ``tasks`` command: list filters, the JSON contract, table output, show, vault resolution, user mistakes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

JSON_KEYS = [
    "id", "path", "line", "status", "symbol", "description", "owners", "priority", "due", "scheduled",
    "start", "created", "done", "cancelled", "recurrence", "tags", "block_id", "parent", "heading",
    "note_title", "note_date", "properties", "inferred_due",
]
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")

MEETING = """---
title: Microsoft sync
date: 2026-11-20
account: Microsoft
tags: [meeting, customer]
---
# Actions

- [ ] Send the overdue quote 📅 2026-11-20 @Myself ⏫
- [?] Propose a pilot @Alice
- [/] Draft the pilot plan 📅 2026-11-27 @alice 🔼
    - [ ] Size the pilot cluster @Bob
- [x] Share the slides 📅 2026-11-01 ✅ 2026-11-02
- [-] Book a dinner 📅 2026-11-10 ❌ 2026-11-09
- [>] Revisit pricing in Q2
"""
PLAN = """---
account: Contoso
---
# Budget

- [ ] Plan the budget 📅 2026-12-01 🔽 #budget @Bob
- [ ] Collect quotes #budget/q1 [owner:: Jason Vallery]
- [ ] Write the charter ➕ 2026-11-01 ⏬
- [ ] Review the charter ➕ 2026-11-05 🔺 📅 2026-12-24 #Budget
"""


@pytest.fixture
def vault(make_vault: Callable[..., Path], fixed_today: str) -> Path:
    return make_vault({"Meetings/2026-11-20 Microsoft sync.md": MEETING, "Projects/Plan.md": PLAN})


@pytest.fixture
def lst(vault: Path, run_cli: Callable[..., Any]) -> Callable[..., list[str]]:
    """``lst("--owner", "bob")`` -> the descriptions ``tasks list --json ...`` returns, in order."""

    def run(*args: str) -> list[str]:
        result = run_cli("--vault", vault, "list", "--json", *args)
        assert (result.code, result.err) == (0, ""), result.err
        return [t["description"] for t in result.json()]

    return run


UNFINISHED = {
    "Send the overdue quote", "Propose a pilot", "Draft the pilot plan", "Size the pilot cluster",
    "Revisit pricing in Q2", "Plan the budget", "Collect quotes", "Write the charter", "Review the charter",
}


# -- filters ------------------------------------------------------------------------------------


def test_default_lists_unfinished(lst: Callable[..., list[str]]) -> None:
    assert set(lst()) == UNFINISHED
    assert len(lst()) == len(UNFINISHED)


def test_status_and_all(lst: Callable[..., list[str]]) -> None:
    assert lst("--status", "done") == ["Share the slides"]
    assert set(lst("--status", "done,cancelled")) == {"Share the slides", "Book a dinner"}
    assert lst("--status", "in-progress") == ["Draft the pilot plan"]
    assert lst("--status", "proposed") == ["Propose a pilot"]
    assert set(lst("--all")) == UNFINISHED | {"Share the slides", "Book a dinner"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("alice", {"Propose a pilot", "Draft the pilot plan"}),
        ("ALICE", {"Propose a pilot", "Draft the pilot plan"}),
        ("@Bob", {"Size the pilot cluster", "Plan the budget"}),
        ("jason vallery", {"Collect quotes"}),
        ("me", {"Send the overdue quote"}),
        ("Myself", {"Send the overdue quote"}),
        ("Nobody", set()),
        ("Ali", set()),
    ],
)
def test_owner(lst: Callable[..., list[str]], name: str, expected: set[str]) -> None:
    assert set(lst("--owner", name)) == expected


def test_owner_repeated_is_any_of(lst: Callable[..., list[str]]) -> None:
    assert set(lst("--owner", "alice", "--owner", "bob")) == {
        "Propose a pilot", "Draft the pilot plan", "Size the pilot cluster", "Plan the budget"}


def test_owner_me_from_config(lst: Callable[..., list[str]], config_file: Callable[[str], Path]) -> None:
    config_file('me = ["Jason Vallery", "Bob"]\n')
    assert set(lst("--owner", "me")) == {"Collect quotes", "Size the pilot cluster", "Plan the budget"}
    assert set(lst("--owner", "ME")) == {"Collect quotes", "Size the pilot cluster", "Plan the budget"}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--due-before", "2026-11-27"), ["Send the overdue quote"]),
        (("--due-before", "next friday"), ["Send the overdue quote"]),
        (("--due-before", "eow"), ["Send the overdue quote"]),
        (("--due-before", "2026-11-28"), ["Send the overdue quote", "Draft the pilot plan"]),
        (("--due-after", "today"), ["Draft the pilot plan", "Plan the budget", "Review the charter"]),
        (("--due-after", "2026-11-27"), ["Plan the budget", "Review the charter"]),
        (("--due-after", "tomorrow", "--due-before", "in 2 weeks"), ["Draft the pilot plan", "Plan the budget"]),
        (("--due-before", "today", "--all"), ["Share the slides", "Book a dinner", "Send the overdue quote"]),
        (("--overdue",), ["Send the overdue quote"]),
        (("--overdue", "--all"), ["Send the overdue quote"]),
    ],
)
def test_due_filters(lst: Callable[..., list[str]], args: tuple[str, ...], expected: list[str]) -> None:
    assert lst(*args) == expected


def test_priority(lst: Callable[..., list[str]]) -> None:
    assert lst("--priority", "high") == ["Send the overdue quote"]
    assert set(lst("--priority", "highest,lowest")) == {"Review the charter", "Write the charter"}
    assert set(lst("--priority", "normal")) == {
        "Propose a pilot", "Size the pilot cluster", "Revisit pricing in Q2", "Collect quotes"}
    assert lst("--priority", "Medium") == ["Draft the pilot plan"]


def test_tag(lst: Callable[..., list[str]]) -> None:
    assert set(lst("--tag", "budget")) == {"Plan the budget", "Review the charter"}
    assert set(lst("--tag", "#BUDGET")) == {"Plan the budget", "Review the charter"}
    assert lst("--tag", "budget/q1") == ["Collect quotes"]
    assert lst("--tag", "budget", "--tag", "nothing") == []


def test_path(lst: Callable[..., list[str]]) -> None:
    assert set(lst("--path", "Projects")) == {"Plan the budget", "Collect quotes", "Write the charter",
                                             "Review the charter"}
    assert set(lst("--path", "Meetings/*")) == UNFINISHED - set(lst("--path", "Projects"))
    assert set(lst("--path", "microsoft")) == set(lst("--path", "Meetings/*"))
    assert lst("--path", "Nowhere/*") == []


def test_prop(lst: Callable[..., list[str]]) -> None:
    meeting = set(lst("--path", "Meetings/*"))
    assert set(lst("--prop", "account=Microsoft")) == meeting
    assert set(lst("--prop", "account=microsoft")) == meeting
    assert set(lst("--prop", "tags=customer")) == meeting
    assert set(lst("--prop", "account=Contoso")) == set(lst("--path", "Projects"))
    assert lst("--prop", "account=Google") == []
    assert lst("--prop", "account=Microsoft", "--prop", "tags=nothing") == []


def test_text(lst: Callable[..., list[str]]) -> None:
    assert set(lst("--text", "PILOT")) == {"Propose a pilot", "Draft the pilot plan", "Size the pilot cluster"}
    assert lst("--text", "@Myself") == ["Send the overdue quote"]


def test_sort_and_limit(lst: Callable[..., list[str]]) -> None:
    assert lst("--sort", "due") == [
        "Send the overdue quote", "Draft the pilot plan", "Plan the budget", "Review the charter",
        "Propose a pilot", "Size the pilot cluster", "Revisit pricing in Q2", "Collect quotes", "Write the charter",
    ]
    assert lst("--sort", "priority")[:3] == ["Review the charter", "Send the overdue quote", "Draft the pilot plan"]
    assert lst("--sort", "priority")[-2:] == ["Plan the budget", "Write the charter"]
    assert lst("--sort", "path") == [
        "Send the overdue quote", "Propose a pilot", "Draft the pilot plan", "Size the pilot cluster",
        "Revisit pricing in Q2", "Plan the budget", "Collect quotes", "Write the charter", "Review the charter",
    ]
    # newest first; a task without a ➕ date counts from when it was first seen (today)
    assert lst("--sort", "created")[-2:] == ["Review the charter", "Write the charter"]
    assert lst("--limit", "2") == ["Send the overdue quote", "Draft the pilot plan"]
    assert lst("--limit", "0") == []


# -- output -------------------------------------------------------------------------------------


def test_json_contract(vault: Path, run_cli: Callable[..., Any]) -> None:
    tasks = run_cli("--vault", vault, "list", "--all", "--json").json()
    assert len(tasks) == 11
    for task in tasks:
        assert list(task) == JSON_KEYS
        assert isinstance(task["id"], str) and 6 <= len(task["id"]) <= 8
        assert isinstance(task["line"], int) and task["line"] >= 1
        assert task["status"] in ("proposed", "open", "in_progress", "deferred", "done", "cancelled", "non_task")
        assert task["priority"] in ("highest", "high", "medium", "normal", "low", "lowest")
        for key in ("due", "scheduled", "start", "created", "done", "cancelled", "note_date", "inferred_due"):
            assert task[key] is None or DATE_RE.fullmatch(task[key]), (key, task[key])
        for key in ("owners", "tags"):
            assert isinstance(task[key], list) and all(isinstance(v, str) for v in task[key])
        assert not any(o.startswith("@") for o in task["owners"])
        for key in ("recurrence", "block_id", "parent", "heading"):
            assert task[key] is None or isinstance(task[key], str)
        assert isinstance(task["properties"], dict)
        assert isinstance(task["path"], str) and isinstance(task["note_title"], str)
    by_text = {t["description"]: t for t in tasks}
    assert by_text["Size the pilot cluster"]["parent"] == by_text["Draft the pilot plan"]["id"]
    assert by_text["Send the overdue quote"] == {
        "id": by_text["Send the overdue quote"]["id"], "path": "Meetings/2026-11-20 Microsoft sync.md", "line": 9,
        "status": "open", "symbol": " ", "description": "Send the overdue quote", "owners": ["Myself"],
        "priority": "high", "due": "2026-11-20", "scheduled": None, "start": None, "created": None, "done": None,
        "cancelled": None, "recurrence": None, "tags": [], "block_id": None, "parent": None, "heading": "Actions",
        "note_title": "Microsoft sync", "note_date": "2026-11-20",
        "properties": {"title": "Microsoft sync", "date": "2026-11-20", "account": "Microsoft",
                       "tags": ["meeting", "customer"]},
        "inferred_due": None,
    }
    assert by_text["Collect quotes"]["owners"] == ["Jason Vallery"]
    assert by_text["Revisit pricing in Q2"]["symbol"] == ">"
    assert by_text["Book a dinner"]["cancelled"] == "2026-11-09"


def test_json_empty_list(vault: Path, run_cli: Callable[..., Any]) -> None:
    result = run_cli("--vault", vault, "list", "--json", "--owner", "nobody")
    assert (result.code, result.json()) == (0, [])


def test_piped_table_is_plain_and_aligned(vault: Path, run_cli: Callable[..., Any]) -> None:
    result = run_cli("--vault", vault, "list", "--sort", "path")
    assert result.code == 0
    assert "\x1b" not in result.out
    header, *rows = result.out_lines
    assert header.split() == ["ID", "STATUS", "PRI", "DUE", "OWNERS", "WHERE", "DESCRIPTION"]
    assert len(rows) == len(UNFINISHED)
    starts = [header.index(name) for name in ("STATUS", "PRI", "DUE", "OWNERS", "WHERE", "DESCRIPTION")]
    tasks = run_cli("--vault", vault, "list", "--sort", "path", "--json").json()
    for row, task in zip(rows, tasks, strict=True):
        assert row.startswith(task["id"] + " ")
        for start in starts:
            assert row[start - 2 : start] == "  ", (row, start)
        assert row[starts[0] :].split()[0] == task["status"]
        assert row[starts[4] :].startswith(f"{task['path']}:{task['line']}")
        assert row[starts[5] :] == task["description"]
        if task["due"]:
            assert row[starts[2] :].startswith(task["due"])


def test_terminal_table_is_coloured(vault: Path, run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    result = run_cli("--vault", vault, "list")
    assert "\x1b[" in result.out
    assert result.out_lines[-2].endswith(f"{len(UNFINISHED)} tasks\x1b[0m")
    assert result.out_lines[-1].startswith("\x1b[2mnext: ")  # a first scan
    monkeypatch.setenv("NO_COLOR", "1")
    plain = run_cli("--vault", vault, "list")
    assert "\x1b" not in plain.out


def test_show(vault: Path, run_cli: Callable[..., Any]) -> None:
    tasks = {t["description"]: t for t in run_cli("--vault", vault, "list", "--json").json()}
    task = tasks["Draft the pilot plan"]
    result = run_cli("--vault", vault, "show", task["id"])
    assert result.code == 0
    assert result.err == ""
    out = result.out
    fields = {m.group(1): m.group(2) for m in re.finditer(r"^ *(\S[^\n]*?)  (\S[^\n]*)$", out, re.M)}
    assert fields["id"] == task["id"]
    assert fields["status"] == "in_progress  [/]"
    assert fields["description"] == "Draft the pilot plan"
    assert fields["owners"] == "alice"
    assert fields["priority"] == "medium"
    assert fields["due"] == "2026-11-27"
    assert fields["note"] == "Microsoft sync  (Meetings/2026-11-20 Microsoft sync.md:11)"
    assert fields["heading"] == "Actions"
    assert fields["note date"] == "2026-11-20"
    assert "account: Microsoft" in out
    assert ">    11 | - [/] Draft the pilot plan 📅 2026-11-27 @alice 🔼" in out
    assert "      8 | " in out
    assert "     14 | - [-] Book a dinner 📅 2026-11-10 ❌ 2026-11-09" in out
    assert "     15 |" not in out
    assert run_cli("--vault", vault, "show", task["id"][:5]).out == out
    assert run_cli("--vault", vault, "show", task["id"].upper()).out == out


def test_show_parent(vault: Path, run_cli: Callable[..., Any]) -> None:
    tasks = {t["description"]: t for t in run_cli("--vault", vault, "list", "--json").json()}
    out = run_cli("--vault", vault, "show", tasks["Size the pilot cluster"]["id"]).out
    assert re.search(rf"^ +parent  {tasks['Draft the pilot plan']['id']}$", out, re.M)


def test_every_command_syncs_first(vault: Path, run_cli: Callable[..., Any]) -> None:
    assert len(run_cli("--vault", vault, "list", "--json").json()) == len(UNFINISHED)
    note = vault / "Projects" / "Plan.md"
    note.write_text(note.read_text(encoding="utf-8") + "- [ ] A brand new task\n", encoding="utf-8")
    info = note.stat()
    os.utime(note, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
    tasks = run_cli("--vault", vault, "list", "--json").json()
    assert "A brand new task" in [t["description"] for t in tasks]
    new_id = next(t["id"] for t in tasks if t["description"] == "A brand new task")
    (vault / "Projects" / "Plan.md").unlink()
    result = run_cli("--vault", vault, "show", new_id)
    assert result.code == 5
    assert result.err.startswith("tasks: no task with id")


def test_scan_counts(vault: Path, run_cli: Callable[..., Any]) -> None:
    result = run_cli("--vault", vault, "scan")
    assert result.code == 0
    assert result.out_lines[0] == f"vault  {vault.resolve()}"
    assert result.out_lines[2:] == [
        "notes  2 (2 read now, 0 gone)",
        "tasks  11",
        "  proposed          1",
        "  open              7",
        "  in_progress       1",
        "  done              1",
        "  cancelled         1",
    ]


def test_configured_status_symbols(vault: Path, run_cli: Callable[..., Any],
                                   config_file: Callable[[str], Path]) -> None:
    config_file('[statuses]\n">" = "deferred"\n')
    tasks = {t["description"]: t for t in run_cli("--vault", vault, "list", "--all", "--json").json()}
    assert (tasks["Revisit pricing in Q2"]["status"], tasks["Revisit pricing in Q2"]["symbol"]) == ("deferred", ">")
    listed = [t["description"] for t in run_cli("--vault", vault, "list", "--json").json()]
    assert "Revisit pricing in Q2" not in listed
    deferred = run_cli("--vault", vault, "list", "--status", "deferred", "--json").json()
    assert [t["description"] for t in deferred] == ["Revisit pricing in Q2"]


# -- finding the vault --------------------------------------------------------------------------


def _vault_of(result: Any) -> str:
    assert result.code == 0, result.err
    line: str = result.out_lines[0]
    return line.removeprefix("vault  ")


def test_vault_resolution_order(make_vault: Callable[..., Path], run_cli: Callable[..., Any],
                                config_file: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch,
                                tmp_path: Path) -> None:
    by_option = make_vault({"A.md": "- [ ] a"}, name="by-option")
    by_env = make_vault({"B.md": "- [ ] b"}, name="by-env")
    by_config = make_vault({"C.md": "- [ ] c"}, name="by-config")
    by_cwd = make_vault({"D/E/F.md": "- [ ] d"}, name="by-cwd")

    def scan(*args: str | Path, cwd: Path | None = None) -> str:
        return _vault_of(run_cli(*args, "--db", tmp_path / f"{len(os.listdir(tmp_path))}.sqlite", "scan", cwd=cwd))

    inside = by_cwd / "D" / "E"
    assert scan(cwd=inside) == str(by_cwd.resolve())
    config_file(f'vault = "{by_config}"\n')
    assert scan(cwd=inside) == str(by_config.resolve())
    monkeypatch.setenv("TASKTRACK_VAULT", str(by_env))
    assert scan(cwd=inside) == str(by_env.resolve())
    assert scan("--vault", by_option, cwd=inside) == str(by_option.resolve())


def test_vault_option_after_the_command(make_vault: Callable[..., Path], run_cli: Callable[..., Any]) -> None:
    vault = make_vault({"A.md": "- [ ] a"})
    assert _vault_of(run_cli("scan", "--vault", vault)) == str(vault.resolve())


def test_vault_from_a_note_folder_without_obsidian_above(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    folder = tmp_path / "plain" / "notes"
    folder.mkdir(parents=True)
    result = run_cli("list", cwd=folder)
    assert result.code == 3
    assert result.out == ""
    assert result.err.startswith("tasks: no vault found: pass --vault PATH, set TASKTRACK_VAULT")
    assert result.err.count("\n") == 1


# -- user mistakes ------------------------------------------------------------------------------


@pytest.fixture
def bad_inputs(tmp_path: Path) -> dict[str, Path]:
    text = tmp_path / "notes.txt"
    text.write_text("this is not a database\n" * 100, encoding="utf-8")
    return {"text": text, "dir": tmp_path}


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["list", "--due-before", "banana"], 2, "tasks: 'banana' is not a date I can read"),
        (["list", "--due-after", "2026-02-30"], 2, "tasks: '2026-02-30' is not a real date"),
        (["list", "--due-before", ""], 2, "tasks: a date is needed"),
        (["list", "--priority", "urgentest"], 2, "tasks: unknown priority 'urgentest'"),
        (["list", "--status", "finished"], 2, "tasks: unknown status 'finished'"),
        (["list", "--prop", "account"], 2, "tasks: --prop wants key=value"),
        (["list", "--limit", "-3"], 2, "tasks: --limit must be 0 or more"),
        (["list", "--limit", "ten"], 2, "tasks: argument --limit: invalid int value"),
        (["list", "--sort", "size"], 2, "tasks: argument --sort: invalid choice"),
        (["list", "--frobnicate"], 2, "tasks: unrecognized arguments: --frobnicate"),
        (["explode"], 2, "tasks: argument COMMAND: invalid choice"),
        (["show", "zzzzzzz"], 5, "tasks: no task with id 'zzzzzzz'"),
        (["show", "ab"], 5, "tasks: no task with id 'ab'"),
        (["show"], 2, "tasks: the following arguments are required: id"),
        (["--db", "{text}", "list"], 4, "tasks: cannot use the store {text}"),
        (["--db", "{dir}", "list"], 4, "tasks: cannot use the store {dir}"),
        (["--vault", "{text}", "list"], 3, "tasks: vault '{text}' (from --vault) is not a folder"),
        (["--vault", "/no/such/vault", "list"], 3, "tasks: vault '/no/such/vault' (from --vault) is not a folder"),
    ],
)
def test_user_mistakes(vault: Path, run_cli: Callable[..., Any], bad_inputs: dict[str, Path], args: list[str],
                       code: int, message: str) -> None:
    argv = [a.format(**bad_inputs) for a in args]
    if "--vault" not in argv:
        argv = ["--vault", str(vault), *argv]
    result = run_cli(argv)
    assert result.code == code
    assert result.err.startswith(message.format(**bad_inputs)), result.err
    assert result.err.count("\n") == 1
    assert result.err.endswith("\n")
    assert "Traceback" not in result.err + result.out


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("me = [", "is not valid TOML"),
        ("me = 3", "`me` must be a list of names"),
        ('[statuses]\n">" = "later"', "config: status for symbol '>' must be one of"),
        ('vault = "/no/such/vault"', "tasks: vault '/no/such/vault' (from config) is not a folder"),
    ],
)
def test_config_mistakes(make_vault: Callable[..., Path], run_cli: Callable[..., Any],
                         config_file: Callable[[str], Path], config: str, message: str) -> None:
    vault = make_vault({"A.md": "- [ ] a"})
    config_file(config)
    args = ["list"] if "vault" in config else ["--vault", str(vault), "list"]
    result = run_cli(*args)
    assert result.code != 0
    assert message in result.err
    assert result.err.count("\n") == 1
    assert "Traceback" not in result.err


def test_bad_fixed_today(vault: Path, run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TASKTRACK_TODAY", "someday")
    result = run_cli("--vault", vault, "list", "--overdue")
    assert (result.code, result.err) == (2, "tasks: TASKTRACK_TODAY='someday' is not a YYYY-MM-DD date\n")


def test_corrupt_store_is_one_line(vault: Path, run_cli: Callable[..., Any], tmp_path: Path) -> None:
    db = tmp_path / "broken.sqlite"
    made = subprocess.run([sys.executable, "-m", "tasktrack", "--vault", str(vault), "--db", str(db), "scan"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert made.returncode == 0, made.stderr
    data = bytearray(db.read_bytes())
    data[:16] = b"garbage-garbage!"
    db.write_bytes(bytes(data))
    for name in ("broken.sqlite-wal", "broken.sqlite-shm"):
        (tmp_path / name).unlink(missing_ok=True)
    result = run_cli("--vault", vault, "--db", db, "list")
    assert result.code == 4
    assert result.err.startswith(f"tasks: cannot use the store {db}")
    assert result.err.count("\n") == 1


def test_no_command_prints_usage(run_cli: Callable[..., Any]) -> None:
    result = run_cli()
    assert result.code == 0
    assert "usage: tasks" in result.out


# -- headless -----------------------------------------------------------------------------------


def test_cli_does_not_import_textual_or_dateparser(vault: Path) -> None:
    code = (
        "import sys\n"
        "import tasktrack, tasktrack.cli.main\n"
        "from tasktrack.cli.main import main\n"
        f"rc = main(['--vault', {str(vault)!r}, 'list', '--due-before', 'next friday', '--json'])\n"
        "print(rc, 'textual' in sys.modules, 'dateparser' in sys.modules)\n"
    )
    env = {**os.environ, "TASKTRACK_TODAY": "2026-11-22"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "0 False False"
    assert done.stderr == ""


def test_entry_point_runs_as_a_module(vault: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "tasktrack", "--vault", str(vault), "list", "--json"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("[")


def test_priority_words_of_the_priority_verb_filter_the_list(lst: Callable[..., list[str]],
                                                             run_cli: Callable[..., Any], vault: Path) -> None:
    assert lst("--priority", "urgent") == ["Review the charter"]
    assert lst("--priority", "med") == ["Draft the pilot plan"]
    assert lst("--priority", "none") == lst("--priority", "normal")
    result = run_cli("--vault", vault, "list", "--priority", "critical")
    assert result.code == 2
    assert result.err == ("tasks: unknown priority 'critical': use highest, high, medium, normal, low, lowest "
                          "(or urgent, med, none)\n")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_output_that_cannot_be_written_is_one_line(vault: Path) -> None:
    with open("/dev/full", "w", encoding="utf-8") as full:
        result = subprocess.run([sys.executable, "-m", "tasktrack", "--vault", str(vault), "list", "--all"],
                                stdout=full, stderr=subprocess.PIPE, text=True, timeout=60, check=False)
    assert (result.returncode, result.stderr) == (7, "tasks: cannot write the output: No space left on device\n")


def test_unknown_config_keys_warn_once(vault: Path, run_cli: Callable[..., Any],
                                       config_file: Callable[[str], Path]) -> None:
    path = config_file('me = ["Bob"]\nvualt = "~/Notes"\nfollow_external_links = false\n[key]\naccept = "y"\n')
    result = run_cli("--vault", vault, "list", "--owner", "me", "--json")
    assert result.code == 0
    assert [t["description"] for t in result.json()] == ["Plan the budget", "Size the pilot cluster"]
    assert result.err == (f"tasks: warning: unknown config key 'vualt' in {path}\n"
                          f"tasks: warning: unknown config key 'key' in {path}\n")


def test_list_group_by(make_vault: Callable[..., Path], run_cli: Callable[..., Any]) -> None:
    vault = make_vault({
        "Accounts/MS.md": "---\naccount: Microsoft\n---\n## Next\n- [ ] A @Jeff @Dana #x ⏫\n- [ ] B #y\n",
        "Other.md": "- [ ] C @Dana 🔽 📅 2026-12-01\n",
    })

    def groups(key: str) -> list[tuple[str, list[str]]]:
        result = run_cli("--vault", vault, "list", "--group-by", key, "--json", "--sort", "path")
        assert result.code == 0, result.err
        return [(g["group"], [t["description"] for t in g["tasks"]]) for g in result.json()]

    assert groups("owner") == [("Dana", ["A", "C"]), ("Jeff", ["A"]), ("no owner", ["B"])]
    assert groups("priority") == [("high", ["A"]), ("normal", ["B"]), ("low", ["C"])]
    assert groups("prop:account") == [("Microsoft", ["A", "B"]), ("no account", ["C"])]
    assert groups("tag") == [("#x", ["A"]), ("#y", ["B"]), ("no tags", ["C"])]
    assert groups("folder") == [("/", ["C"]), ("Accounts/", ["A", "B"])]
    assert groups("heading") == [("Next", ["A", "B"]), ("no heading", ["C"])]
    assert groups("due") == [("2026-12-01", ["C"]), ("no due date", ["A", "B"])]
    table = run_cli("--vault", vault, "list", "--group-by", "status", "--sort", "path").out_lines
    assert [line.split()[0] for line in table] == ["ID", "open"] + [t["id"] for t in run_cli(
        "--vault", vault, "list", "--json", "--sort", "path").json()]
    refused = run_cli("--vault", vault, "list", "--group-by", "colour")
    assert refused.code == 2 and "--group-by wants one of owner, note" in refused.err
