"""Machine output on every command: ``--json`` on show, scan, the triage verbs and undo; ``list --format``; exit
codes in the help; ``tasks`` alone, ``-V``, ``tasks help CMD``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tasktrack.model import JSON_KEYS

RunCli = Callable[..., Any]

NOTE = """---
account: Acme
date: 2026-11-20
---
# Next

- [ ] Send the deck 📅 2026-11-30 @Dana #sales
- [?] Book the room next week
- [ ] Water the plants 🔁 every week 📅 2026-11-21
"""


@pytest.fixture
def vault(make_vault: Callable[..., Path], fixed_today: str) -> Path:
    return make_vault({"Call.md": NOTE})


def _ids(run_cli: RunCli, vault: Path) -> dict[str, str]:
    """The first word of each task's description -> its id."""
    return {t["description"].split()[0]: t["id"] for t in run_cli("--vault", vault, "list", "--all", "--json").json()}


# -- list -----------------------------------------------------------------------------------------


def test_list_json_ends_with_inferred_due(run_cli: RunCli, vault: Path) -> None:
    tasks = run_cli("--vault", vault, "list", "--json", "--sort", "path").json()
    assert list(tasks[0])[-1] == "inferred_due"
    assert [(t["description"], t["inferred_due"]) for t in tasks] == [
        ("Send the deck", None), ("Book the room next week", "2026-11-27"), ("Water the plants", None),
    ]
    grouped = run_cli("--vault", vault, "list", "--json", "--sort", "path", "--group-by", "owner").json()
    assert [t["inferred_due"] for g in grouped for t in g["tasks"]] == [None, "2026-11-27", None]
    assert list(grouped[0]["tasks"][0]) == list(tasks[0])


def test_list_format_ids(run_cli: RunCli, vault: Path) -> None:
    ids = _ids(run_cli, vault)
    result = run_cli("--vault", vault, "list", "--format", "ids", "--sort", "path")
    assert (result.code, result.out) == (0, f"{ids['Send']}\n{ids['Book']}\n{ids['Water']}\n")
    assert run_cli("--vault", vault, "list", "--format", "ids", "--owner", "nobody").out == ""


def test_list_format_jsonl_and_json_alias(run_cli: RunCli, vault: Path) -> None:
    as_json = run_cli("--vault", vault, "list", "--json", "--sort", "path")
    assert run_cli("--vault", vault, "list", "--format", "json", "--sort", "path").out == as_json.out
    lines = run_cli("--vault", vault, "list", "--format", "jsonl", "--sort", "path").out_lines
    assert [json.loads(line) for line in lines] == as_json.json()
    grouped = run_cli("--vault", vault, "list", "--format", "jsonl", "--group-by", "owner", "--sort", "path")
    assert [json.loads(line)["group"] for line in grouped.out_lines] == ["Dana", "no owner"]


def test_list_format_tsv(run_cli: RunCli, vault: Path) -> None:
    ids = _ids(run_cli, vault)
    lines = run_cli("--vault", vault, "list", "--format", "tsv", "--sort", "path", "--owner", "dana").out_lines
    assert lines[0] == "\t".join(JSON_KEYS)
    assert lines[1:] == ["\t".join([
        ids["Send"], "Call.md", "7", "open", " ", "Send the deck", "Dana", "normal", "2026-11-30", "", "", "", "",
        "", "", "#sales", "", "", "Next", "Call", "2026-11-20",
        '{"account": "Acme", "date": "2026-11-20"}', "",
    ])]
    grouped = run_cli("--vault", vault, "list", "--format", "tsv", "--group-by", "owner", "--sort", "path").out_lines
    assert grouped[0] == "group\t" + "\t".join(JSON_KEYS)
    assert [line.split("\t")[0] for line in grouped[1:]] == ["Dana", "no owner", "no owner"]


def test_list_format_tsv_escapes_tabs_and_backslashes(run_cli: RunCli, make_vault: Callable[..., Path],
                                                      fixed_today: str) -> None:
    vault = make_vault({"N.md": "- [ ] a\tb \\ c\n"})
    row = run_cli("--vault", vault, "list", "--format", "tsv").out_lines[1].split("\t")
    assert row[5] == "a\\tb \\\\ c"


def test_list_format_rejects_ids_with_groups(run_cli: RunCli, vault: Path) -> None:
    result = run_cli("--vault", vault, "list", "--format", "ids", "--group-by", "owner")
    assert (result.code, result.out) == (2, "")
    assert result.err == "tasks: --format ids cannot be grouped: leave out --group-by\n"


# -- show, scan -----------------------------------------------------------------------------------


def test_show_json(run_cli: RunCli, vault: Path) -> None:
    ids = _ids(run_cli, vault)
    shown = run_cli("--vault", vault, "show", ids["Book"], "--context", "1", "--json").json()
    assert list(shown) == [*JSON_KEYS, "url", "lines", "history"]
    assert (shown["id"], shown["line"], shown["inferred_due"]) == (ids["Book"], 8, "2026-11-27")
    assert shown["url"] == "obsidian://open?vault=vault&file=Call"
    assert shown["lines"] == [
        {"line": 7, "text": "- [ ] Send the deck 📅 2026-11-30 @Dana #sales"},
        {"line": 8, "text": "- [?] Book the room next week"},
        {"line": 9, "text": "- [ ] Water the plants 🔁 every week 📅 2026-11-21"},
    ]
    assert [(e["old_status"], e["new_status"]) for e in shown["history"]] == [(None, "proposed")]


def test_scan_json(run_cli: RunCli, vault: Path) -> None:
    (vault / "Bad.md").write_text("---\ntitle: [\n---\n- [ ] a task\n", encoding="utf-8")
    result = run_cli("--vault", vault, "scan", "--json")
    assert result.code == 0
    report = result.json()
    assert report["vault"] == str(vault.resolve())
    assert list(report) == ["vault", "store", "notes", "read", "gone", "unreadable", "tasks", "statuses", "warnings"]
    assert (report["notes"], report["read"], report["gone"], report["unreadable"], report["tasks"]) == (2, 2, 0, 0, 4)
    assert report["statuses"] == {"proposed": 1, "open": 3, "in_progress": 0, "deferred": 0, "done": 0,
                                  "cancelled": 0, "non_task": 0}
    assert [(w["path"], w["line"]) for w in report["warnings"]] == [("Bad.md", 3)]
    again = run_cli("--vault", vault, "scan", "--json").json()
    assert (again["read"], again["warnings"]) == (0, report["warnings"])


# -- triage and undo ------------------------------------------------------------------------------


def test_triage_verb_json(run_cli: RunCli, vault: Path) -> None:
    ids = _ids(run_cli, vault)
    result = run_cli("--vault", vault, "accept", ids["Book"], "--json")
    assert result.code == 0
    [change] = result.json()
    task = change.pop("task")
    assert change == {"task_id": ids["Book"], "path": "Call.md", "line": 8, "old": "- [?] Book the room next week",
                      "new": ["- [ ] Book the room next week"], "verb": "accept", "warnings": [], "next_id": None}
    assert (task["id"], task["status"], task["symbol"]) == (ids["Book"], "open", " ")
    assert list(task) == list(JSON_KEYS)


def test_done_on_recurring_task_json_names_the_next_one(run_cli: RunCli, vault: Path) -> None:
    ids = _ids(run_cli, vault)
    [change] = run_cli("--vault", vault, "done", ids["Water"], "--json").json()
    assert change["next_id"] and change["next_id"] != ids["Water"]
    assert change["new"] == ["- [ ] Water the plants 🔁 every week 📅 2026-11-28",
                             "- [x] Water the plants 🔁 every week 📅 2026-11-21 ✅ 2026-11-22"]
    assert (change["task"]["id"], change["task"]["status"]) == (ids["Water"], "done")


def test_dry_run_json_writes_nothing(run_cli: RunCli, vault: Path) -> None:
    ids = _ids(run_cli, vault)
    result = run_cli("--vault", vault, "due", ids["Send"], "friday", "--dry-run", "--json")
    [change] = result.json()
    assert change["new"] == ["- [ ] Send the deck 📅 2026-11-27 @Dana #sales"]
    assert change["task"]["due"] == "2026-11-30"  # as it stands: nothing was written
    assert (vault / "Call.md").read_text(encoding="utf-8") == NOTE


def test_undo_json(run_cli: RunCli, vault: Path) -> None:
    ids = _ids(run_cli, vault)
    run_cli("--vault", vault, "start", ids["Send"])
    [change] = run_cli("--vault", vault, "undo", "--json").json()
    assert (change["verb"], change["old"], change["new"]) == (
        "undo", "- [/] Send the deck 📅 2026-11-30 @Dana #sales", ["- [ ] Send the deck 📅 2026-11-30 @Dana #sales"])
    assert change["task"]["status"] == "open"
    assert (vault / "Call.md").read_text(encoding="utf-8") == NOTE


# -- the command itself ---------------------------------------------------------------------------


def test_no_arguments_prints_short_usage(run_cli: RunCli) -> None:
    result = run_cli()
    assert result.code == 0
    assert result.out.startswith("usage: tasks ")
    assert "`tasks --help`" in result.out
    assert len(result.out_lines) < 12


def test_help_epilog_has_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    from tasktrack.cli.main import main

    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "exit codes:" in out
    assert "  5  no such task" in out
    assert "  130  interrupted" in out


def test_short_version_flag(capsys: pytest.CaptureFixture[str]) -> None:
    from tasktrack import __version__
    from tasktrack.cli.main import main

    with pytest.raises(SystemExit) as exited:
        main(["-V"])
    assert (exited.value.code, capsys.readouterr().out) == (0, f"tasktrack {__version__}\n")


def test_help_command(run_cli: RunCli, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli("help", "due")
    assert result.code == 0
    assert result.out.startswith("usage: tasks due [--clear | --accept-inferred]")
    unknown = run_cli("help", "frobnicate")
    assert (unknown.code, unknown.out) == (2, "")
    assert unknown.err.startswith("tasks: no command 'frobnicate': ")
