"""``tasks export``: the tasks ``list`` would show, as an iCalendar file of VTODOs (read back with icalendar) or
a CSV table; neither export's library is loaded by ``tasks list``."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar, Todo

pytestmark = pytest.mark.usefixtures("fixed_today")

MakeVault = Callable[..., Path]
RunCli = Callable[..., Any]

NOTES = {
    "Projects/Q4 plan.md": (
        "# Q4 plan\n"
        "- [ ] Draft the budget @Dana #finance #q4 ⏫ ⏳ 2026-11-24 📅 2026-11-30\n"
        "- [/] Review slides 📅 2026-12-02\n"
        "- [ ] Someday, maybe\n"
        "- [x] Send the invite 📅 2026-11-20 ✅ 2026-11-19\n"
        "- [-] Old plan 📅 2026-11-21 ❌ 2026-11-18\n"
        "- [ ] Book the room ⏳ 2026-11-25 🔽\n"
    ),
}


def _todos(text: str) -> dict[str, Todo]:
    """The VTODOs of an iCalendar text, by SUMMARY."""
    cal = Calendar.from_ical(text)
    return {str(todo["summary"]): todo for todo in cal.walk("VTODO")}


def _ids(run_cli: RunCli, vault: Path) -> dict[str, str]:
    return {t["description"]: t["id"] for t in run_cli("--vault", vault, "list", "--all", "--json").json()}


def test_ics_has_a_todo_per_unfinished_dated_task(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault(NOTES, name="My Vault")
    ids = _ids(run_cli, vault)
    result = run_cli("--vault", vault, "export", "--ics", "-")
    assert result.code == 0
    assert result.err == "tasks: 1 task without a due or scheduled date is not in the calendar\n"
    todos = _todos(result.out)
    assert sorted(todos) == ["Book the room", "Draft the budget", "Review slides"]
    budget = todos["Draft the budget"]
    assert budget["uid"] == f"{ids['Draft the budget']}@tasktrack"
    assert budget["due"].dt == date(2026, 11, 30)
    assert budget["dtstart"].dt == date(2026, 11, 24)
    assert budget["priority"] == 3
    assert budget["status"] == "NEEDS-ACTION"
    assert [str(c) for c in budget["categories"].cats] == ["finance", "q4"]
    assert budget["url"] == "obsidian://open?vault=My%20Vault&file=Projects%2FQ4%20plan"
    slides = todos["Review slides"]
    assert slides["status"] == "IN-PROCESS"
    assert "dtstart" not in slides and "priority" not in slides and "categories" not in slides
    room = todos["Book the room"]
    assert room["dtstart"].dt == date(2026, 11, 25) and "due" not in room
    assert room["priority"] == 7


def test_ics_exact_lines(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault({"Inbox.md": "- [ ] Call Erez, then; Dana 📅 2026-12-01 🔺 #a\n"})
    task_id = _ids(run_cli, vault)["Call Erez, then; Dana"]
    result = run_cli("--vault", vault, "export", "--ics", "-")
    lines = result.out.split("\r\n")
    stamp = next(line for line in lines if line.startswith("DTSTAMP:"))
    assert datetime.strptime(stamp, "DTSTAMP:%Y%m%dT%H%M%SZ").replace(tzinfo=UTC) <= datetime.now(UTC)
    assert [line for line in lines if line is not stamp] == [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//tasktrack//tasktrack 0.1.0//EN",
        "BEGIN:VTODO", "CATEGORIES:a", "DUE;VALUE=DATE:20261201", "PRIORITY:1", "STATUS:NEEDS-ACTION",
        "SUMMARY:Call Erez\\, then\\; Dana", f"UID:{task_id}@tasktrack", "URL:obsidian://open?vault=vault&file=Inbox",
        "END:VTODO", "END:VCALENDAR", "",
    ]


def test_ics_finished_tasks_with_all(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault(NOTES)
    todos = _todos(run_cli("--vault", vault, "export", "--ics", "-", "--all").out)
    invite = todos["Send the invite"]
    assert invite["status"] == "COMPLETED"
    assert invite["completed"].dt == datetime(2026, 11, 19, tzinfo=UTC)
    assert todos["Old plan"]["status"] == "CANCELLED" and "completed" not in todos["Old plan"]
    assert len(todos) == 5


def test_ics_uses_the_list_filters(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault(NOTES)
    result = run_cli("--vault", vault, "export", "--ics", "-", "--tag", "#finance")
    assert list(_todos(result.out)) == ["Draft the budget"]
    result = run_cli("--vault", vault, "export", "--ics", "-", "--status", "done", "--due-before", "2026-11-21")
    assert list(_todos(result.out)) == ["Send the invite"]


def test_ics_uid_is_stable_across_edits(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault(NOTES)
    before = {s: str(t["uid"]) for s, t in _todos(run_cli("--vault", vault, "export", "--ics", "-").out).items()}
    note = vault / "Projects/Q4 plan.md"
    note.write_text("Intro line\n" + note.read_text(encoding="utf-8"), encoding="utf-8")
    assert run_cli("--vault", vault, "due", before["Review slides"].split("@")[0], "2026-12-09").code == 0
    todos = _todos(run_cli("--vault", vault, "export", "--ics", "-").out)
    assert {s: str(t["uid"]) for s, t in todos.items()} == before
    assert todos["Review slides"]["due"].dt == date(2026, 12, 9)


def test_ics_impossible_date_counts_as_undated(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault({"A.md": "- [ ] Bad day 📅 2026-02-30\n- [ ] Good day 📅 2026-12-01\n- [ ] Undated\n"})
    result = run_cli("--vault", vault, "export", "--ics", "-")
    assert result.code == 0
    assert result.err == "tasks: 2 tasks without a due or scheduled date are not in the calendar\n"
    assert list(_todos(result.out)) == ["Good day"]


def test_ics_to_a_file(make_vault: MakeVault, run_cli: RunCli, tmp_path: Path) -> None:
    vault = make_vault(NOTES)
    target = tmp_path / "tasks.ics"
    result = run_cli("--vault", vault, "export", "--ics", target)
    assert (result.code, result.out) == (0, f"wrote 3 tasks to {target}\n")
    assert sorted(_todos(target.read_text(encoding="utf-8"))) == ["Book the room", "Draft the budget", "Review slides"]


def test_export_unwritable_file(make_vault: MakeVault, run_cli: RunCli, tmp_path: Path) -> None:
    vault = make_vault(NOTES)
    target = tmp_path / "missing" / "tasks.ics"
    result = run_cli("--vault", vault, "export", "--ics", target)
    assert (result.code, result.out) == (7, "")
    assert result.err.splitlines()[-1] == f"tasks: cannot write {target}: No such file or directory"


def test_export_wants_one_format(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault(NOTES)
    result = run_cli("--vault", vault, "export")
    assert result.code == 2
    assert result.err.startswith("tasks: one of the arguments --ics --csv is required")


def test_csv_exact_bytes(make_vault: MakeVault, run_cli: RunCli, tmp_path: Path) -> None:
    task = '- [ ] Send "deck", v2 @Dana @Erez #sales #q4 📅 2026-12-01'
    vault = make_vault({"Notes/Call.md": f"---\nclient: Acme\n---\n# Call\n{task}\n"})
    [task_id] = _ids(run_cli, vault).values()
    target = tmp_path / "tasks.csv"
    assert run_cli("--vault", vault, "export", "--csv", target).code == 0
    assert target.read_bytes() == (
        "id,path,line,status,symbol,description,owners,priority,due,scheduled,start,created,done,cancelled,"
        "recurrence,tags,block_id,parent,heading,note_title,note_date,properties,inferred_due,url\r\n"
        f"{task_id},Notes/Call.md,5,open, ,\"Send \"\"deck\"\", v2\",\"Dana, Erez\",normal,2026-12-01,,,,,,,"
        "\"#sales, #q4\",,,Call,Call,,\"{\"\"client\"\": \"\"Acme\"\"}\",,obsidian://open?vault=vault&file=Notes%2FCall"
        "\r\n"
    ).encode()
    assert run_cli("--vault", vault, "export", "--csv").out == target.read_bytes().decode()


def test_csv_takes_every_listed_task_to_a_file(make_vault: MakeVault, run_cli: RunCli, tmp_path: Path) -> None:
    vault = make_vault(NOTES)
    target = tmp_path / "tasks.csv"
    result = run_cli("--vault", vault, "export", "--csv", target, "--sort", "path")
    assert (result.code, result.out) == (0, f"wrote 4 tasks to {target}\n")
    with target.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(row["description"], row["line"], row["due"]) for row in rows] == [
        ("Draft the budget", "2", "2026-11-30"), ("Review slides", "3", "2026-12-02"), ("Someday, maybe", "4", ""),
        ("Book the room", "7", ""),
    ]


def test_list_loads_neither_export_library(make_vault: MakeVault, tmp_path: Path) -> None:
    vault = make_vault(NOTES)
    code = ("import sys\nfrom tasktrack.cli.main import main\n"
            f"code = main(['--vault', {str(vault)!r}, 'list'])\n"
            "print(code, sorted(m for m in ('icalendar', 'mcp') if m in sys.modules))\n")
    env = {**os.environ, "TASKTRACK_DB": str(tmp_path / "store.sqlite")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert done.stdout.splitlines()[-1] == "0 []"


def test_an_ics_export_that_cannot_be_written_says_only_that(make_vault: MakeVault, run_cli: RunCli,
                                                             tmp_path: Path) -> None:
    vault = make_vault(NOTES)
    result = run_cli("--vault", vault, "export", "--ics", str(tmp_path))  # a folder: no file can be written there
    assert (result.code, result.out) == (7, "")
    assert result.err == f"tasks: cannot write {tmp_path}: Is a directory\n"
