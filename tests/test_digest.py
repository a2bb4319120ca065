"""``tasks digest``: sections, links, counts, new-since-previous marks, history, grouping, JSON, --write."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tasktrack.digest.daily_note import BEGIN, END, format_moment

TODAY = "2026-11-22"  # a Sunday

LAUNCH = """# Launch

## Plan
- [ ] Send the pricing sheet 📅 2026-11-20 @Myself
- [ ] Book the venue 📅 2026-11-22
- [ ] Draft the agenda ⏫ 📅 2026-11-25 ^agenda
- [ ] Plan the retro 📅 2026-12-15
- [ ] Get the quote from Jeff @Jeff ➕ 2026-11-01
- [x] Old done task ✅ 2026-11-01
"""
SYNC = """---
date: 2026-11-20
account: Contoso
---
## Action Items
- [ ?] Follow up with Contoso next week @Myself #proposed
- [ ?] Ask Dana for the logo @Dana #proposed
- [ ] Send the recap tomorrow @Myself
"""
SUMMARY = "2 overdue · 1 due today · 1 due in the next 7 days · 2 awaiting triage · 1 waiting on others"
EXPECTED_MD = f"""\
**Tasks digest 2026-11-22** · {SUMMARY}

**Overdue** (2)
- Send the pricing sheet · due 2026-11-20 · [[Launch#Plan]]
- Send the recap tomorrow · due ~2026-11-21 · [[2026-11-20 Sync#Action Items]]

**Due today** (1)
- Book the venue · due 2026-11-22 · [[Launch#Plan]]

**Due in the next 7 days** (1)
- Draft the agenda ⏫ · due 2026-11-25 · [[Launch#^agenda]]

**Awaiting triage** (2)
- Follow up with Contoso next week · due ~2026-11-27 · [[2026-11-20 Sync#Action Items]]
- Ask Dana for the logo · @Dana · [[2026-11-20 Sync#Action Items]]

**Waiting on others** (1)
- Get the quote from Jeff · @Jeff · since 2026-11-01 · [[Launch#Plan]]
"""

Run = Callable[..., Any]


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("TASKTRACK_TODAY", TODAY)
    return TODAY


@pytest.fixture
def vault(make_vault: Callable[..., Path], today: str) -> Path:
    return make_vault({"Projects/Launch.md": LAUNCH, "Meetings/2026-11-20 Sync.md": SYNC})


def _at(monkeypatch: pytest.MonkeyPatch, stamp: str) -> None:
    """Make the store record its history at ``stamp``."""
    monkeypatch.setattr("tasktrack.store.database.now_stamp", lambda: stamp)


def _touch(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_markdown_digest_of_a_small_vault(vault: Path, run_cli: Run) -> None:
    result = run_cli("--vault", vault, "digest")
    assert (result.code, result.err) == (0, "")
    assert result.out == EXPECTED_MD


def test_text_digest_links_as_path_and_line(vault: Path, run_cli: Run) -> None:
    out = run_cli("--vault", vault, "digest", "--format", "text").out_lines
    assert out[0] == f"Tasks digest 2026-11-22: {SUMMARY}"
    assert out[2:5] == ["Overdue (2)", "  Send the pricing sheet · due 2026-11-20 · Projects/Launch.md:4",
                        "  Send the recap tomorrow · due ~2026-11-21 · Meetings/2026-11-20 Sync.md:8"]
    titles = [line for line in out if line and not line.startswith(" ")][1:]
    assert titles == ["Overdue (2)", "Due today (1)", "Due in the next 7 days (1)", "Awaiting triage (2)",
                      "Waiting on others (1)"]


def test_json_digest(vault: Path, run_cli: Run) -> None:
    data = run_cli("--vault", vault, "digest", "--format", "json").json()
    assert data["date"] == TODAY and data["previous_digest"] is None and data["nothing"] is False
    assert data["counts"] == {"overdue": 2, "due_today": 1, "due_next_7_days": 1, "awaiting_triage": 2,
                              "waiting_on_others": 1, "completed": 0}
    assert [s["key"] for s in data["sections"]] == ["overdue", "due_today", "due_next_7_days", "awaiting_triage",
                                                     "waiting_on_others"]
    first = data["sections"][0]["items"][1]
    assert (first["path"], first["line"], first["due"], first["due_inferred"]) == (
        "Meetings/2026-11-20 Sync.md", 8, "2026-11-21", True)
    listed = {t["id"]: t for t in run_cli("--vault", vault, "list", "--all", "--json").json()}
    for section in data["sections"]:
        assert section["count"] == len(section["items"])
        for item in section["items"]:
            assert (listed[item["id"]]["path"], listed[item["id"]]["line"]) == (item["path"], item["line"])


def test_a_day_with_nothing_says_so_in_one_line(make_vault: Callable[..., Path], run_cli: Run, today: str) -> None:
    vault = make_vault({"Note.md": "Just words.\n- [x] Done long ago\n"})
    expected = ("Nothing for 2026-11-22: nothing overdue or due soon, nothing awaiting triage, "
                "nothing waiting on others, nothing completed.\n")
    assert run_cli("--vault", vault, "digest").out == expected
    assert run_cli("--vault", vault, "digest", "--format", "text").out == expected
    assert run_cli("--vault", vault, "digest", "--format", "json").json()["nothing"] is True


def test_new_since_the_previous_digest_across_skipped_days(vault: Path, run_cli: Run,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    first = run_cli("--vault", vault, "digest", "--date", "2026-11-19", "--format", "json").json()
    assert first["previous_digest"] is None
    assert not any(i["new"] for s in first["sections"] for i in s["items"])
    (vault / "Meetings" / "2026-11-21 Call.md").write_text("- [ ?] Send Dana the contract #proposed\n", "utf-8")
    run_cli("--vault", vault, "scan")
    monkeypatch.setenv("TASKTRACK_TODAY", "2026-11-22")  # two days skipped

    def triage() -> tuple[str | None, list[tuple[str, bool]]]:
        data = run_cli("--vault", vault, "digest", "--format", "json").json()
        section = next(s for s in data["sections"] if s["key"] == "awaiting_triage")
        return data["previous_digest"], [(i["description"], i["new"]) for i in section["items"]]

    expected = [("Send Dana the contract", True), ("Follow up with Contoso next week", False),
                ("Ask Dana for the logo", False)]
    assert triage() == ("2026-11-19", expected)
    assert triage() == ("2026-11-19", expected)  # the same day again: the same marks
    md = run_cli("--vault", vault, "digest").out
    assert "**Awaiting triage** (3, 1 new)\n- **new** Send Dana the contract · [[2026-11-21 Call]]\n" in md
    assert "3 awaiting triage (1 new)" in md.splitlines()[0]
    monkeypatch.setenv("TASKTRACK_TODAY", "2026-11-23")
    assert triage() == ("2026-11-22", [(d, False) for d, _ in expected])


def test_completed_since_the_previous_day_comes_from_history(vault: Path, run_cli: Run,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    _at(monkeypatch, "2026-11-18T09:00:00+00:00")
    assert run_cli("--vault", vault, "scan").code == 0
    note = vault / "Projects" / "Launch.md"
    _at(monkeypatch, "2026-11-21T17:30:00+00:00")
    _touch(note, LAUNCH.replace("- [ ] Book the venue", "- [x] Book the venue"))
    md = run_cli("--vault", vault, "digest").out
    assert "**Completed since the previous day** (1)\n- Book the venue · done 2026-11-21 · [[Launch#Plan]]\n" in md
    assert "**Due today**" not in md and md.splitlines()[0].endswith("· 1 completed")
    monkeypatch.setenv("TASKTRACK_TODAY", "2026-11-23")  # the day before is the 22nd: not completed then
    assert "Completed" not in run_cli("--vault", vault, "digest").out
    monkeypatch.setenv("TASKTRACK_TODAY", TODAY)
    _at(monkeypatch, "2026-11-22T08:00:00+00:00")
    _touch(note, LAUNCH.replace("- [ ] Book the venue", "- [x] Book the venue ✅ 2026-11-21")
           .replace("- [x] Old done task", "- [x] Old done task edited"))
    assert "Old done task" not in run_cli("--vault", vault, "digest").out  # done already: not a completion


def test_completed_is_judged_by_the_done_date_on_the_line(vault: Path, run_cli: Run) -> None:
    chores = vault / "Chores.md"
    chores.write_text("- [ ] Water the plants 🔁 every week 📅 2026-11-22\n", encoding="utf-8")
    task = run_cli("--vault", vault, "list", "--text", "plants", "--json").json()[0]
    assert run_cli("--vault", vault, "done", task["id"]).code == 0
    (vault / "Filed.md").write_text("- [x] File the report ✅ 2026-11-22\n- [x] Filed long ago ✅ 2026-11-02\n",
                                    encoding="utf-8")
    md = run_cli("--vault", vault, "digest").out
    assert ("**Completed since the previous day** (2)\n"
            "- Water the plants · done 2026-11-22 · [[Chores]]\n"
            "- File the report · done 2026-11-22 · [[Filed]]\n") in md


def test_group_by_owner_note_and_property(vault: Path, run_cli: Run) -> None:
    by_owner = run_cli("--vault", vault, "digest", "--group-by", "owner", "--format", "text").out_lines
    start = by_owner.index("Awaiting triage (2)")
    assert by_owner[start + 1 : start + 5] == [
        "  Dana:", "    Ask Dana for the logo · @Dana · Meetings/2026-11-20 Sync.md:7",
        "  Myself:", "    Follow up with Contoso next week · due ~2026-11-27 · Meetings/2026-11-20 Sync.md:6"]
    overdue = by_owner[by_owner.index("Overdue (2)") + 1 :][:4]
    assert overdue == ["  Myself:", "    Send the pricing sheet · due 2026-11-20 · Projects/Launch.md:4",
                       "    Send the recap tomorrow · due ~2026-11-21 · Meetings/2026-11-20 Sync.md:8", ""]
    data = run_cli("--vault", vault, "digest", "--group-by", "prop:account", "--format", "json").json()
    assert data["group_by"] == "prop:account"
    groups = [i["group"] for i in data["sections"][0]["items"]]
    assert groups == ["Contoso", "no account"]  # the "no ..." group comes last
    md = run_cli("--vault", vault, "digest", "--group-by", "note").out
    assert "**Overdue** (2)\n- **2026-11-20 Sync**\n  - Send the recap tomorrow" in md
    assert "\n- **Launch**\n  - Send the pricing sheet" in md


def test_owner_option(vault: Path, run_cli: Run, config_file: Callable[[str], Path]) -> None:
    data = run_cli("--vault", vault, "digest", "--owner", "Jeff", "--format", "json").json()
    assert data["owners"] == ["Jeff"]
    assert data["counts"]["overdue"] == 0 and data["counts"]["awaiting_triage"] == 0
    waiting = {i["description"] for s in data["sections"] if s["key"] == "waiting_on_others" for i in s["items"]}
    assert waiting == {"Send the pricing sheet", "Send the recap tomorrow"}
    config_file('me = ["Jeff"]\n')
    mine = run_cli("--vault", vault, "digest", "--owner", "me", "--format", "json").json()
    assert mine["owners"] == ["Jeff"]
    assert mine["counts"]["overdue"] == 0  # "Send the pricing sheet" is @Myself's now: someone else's


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "someday maybe"], "is not a date"),
        (["--group-by", "account"], "--group-by wants owner, note or prop:KEY"),
        (["--group-by", "prop:"], "--group-by wants owner, note or prop:KEY"),
        (["--format", "html"], "--format wants md, text, json"),
        (["--owner", "[[Jeff]]"], "--owner wants"),
        (["--owner", "Jeff, Dana"], "--owner wants"),
    ],
)
def test_mistakes_are_one_line_and_write_nothing(vault: Path, run_cli: Run, digest: Callable[[Path], Any],
                                                 args: list[str], message: str) -> None:
    before = digest(vault)
    result = run_cli("--vault", vault, "digest", "--write", *args)
    assert result.code == 2 and result.out == ""
    assert result.err.count("\n") == 1 and message in result.err
    assert digest(vault) == before
    assert not Path(os.environ["TASKTRACK_DB"]).exists()


# -- --write --------------------------------------------------------------------------------------


def _task_count(run_cli: Run, vault: Path) -> int:
    return len(run_cli("--vault", vault, "list", "--all", "--json").json())


def test_write_creates_the_daily_note_at_the_root(vault: Path, run_cli: Run) -> None:
    tasks_before = _task_count(run_cli, vault)
    result = run_cli("--vault", vault, "digest", "--write")
    assert (result.code, result.out) == (0, "wrote the digest into 2026-11-22.md\n")
    assert (vault / "2026-11-22.md").read_text("utf-8") == f"{BEGIN}\n{EXPECTED_MD}{END}\n"
    assert _task_count(run_cli, vault) == tasks_before  # the digest's items are links, not tasks
    again = run_cli("--vault", vault, "digest", "--write")
    assert again.out == "the digest is already up to date in 2026-11-22.md\n"
    assert (vault / "2026-11-22.md").read_text("utf-8") == f"{BEGIN}\n{EXPECTED_MD}{END}\n"


def test_write_dry_run_shows_the_diff_and_writes_nothing(vault: Path, run_cli: Run,
                                                         digest: Callable[[Path], Any]) -> None:
    note = vault / "2026-11-22.md"
    note.write_text("# 2026-11-22\n", "utf-8")
    run_cli("--vault", vault, "list")
    before = digest(vault)
    result = run_cli("--vault", vault, "digest", "--write", "--dry-run")
    assert result.code == 0, result.err
    added = ["", *f"{BEGIN}\n{EXPECTED_MD}{END}".splitlines()]
    assert result.out_lines == ["--- 2026-11-22.md", "+++ 2026-11-22.md", f"@@ -1 +1,{1 + len(added)} @@",
                                " # 2026-11-22", *(f"+{line}" for line in added)]
    assert digest(vault) == before
    assert run_cli("--vault", vault, "digest", "--dry-run").err == "tasks: --dry-run goes with --write\n"


def test_write_follows_the_daily_notes_settings(vault: Path, run_cli: Run) -> None:
    (vault / ".obsidian" / "daily-notes.json").write_text(
        '{"folder": "Journal/", "format": "YYYY/MM/YYYY-MM-DD ddd", "template": ""}', "utf-8")
    assert run_cli("--vault", vault, "digest", "--write").code == 0
    assert (vault / "Journal" / "2026" / "11" / "2026-11-22 Sun.md").is_file()
    assert run_cli("--vault", vault, "show", "nope1").code != 0  # the store is still usable
    listed = run_cli("--vault", vault, "list", "--all", "--json").json()
    assert not any(t["path"].startswith("Journal/") for t in listed)


@pytest.mark.parametrize(
    ("fmt", "name"),
    [
        ("YYYY-MM-DD", "2026-11-22"),
        ("dddd, MMMM Do YYYY", "Sunday, November 22nd 2026"),
        ("DD.MM.YY", "22.11.26"),
        ("[Day] D MMM", "Day 22 Nov"),
        ("M-D-YYYY", "11-22-2026"),
    ],
)
def test_moment_formats(fmt: str, name: str) -> None:
    from datetime import date

    assert format_moment(fmt, date(2026, 11, 22)) == name


def test_write_keeps_the_rest_of_the_note_byte_identical(vault: Path, run_cli: Run) -> None:
    head = "\ufeff# 2026-11-22\r\n\r\n- [ ] My own task\r\n".encode()
    tail_note = head + b"Last line without a newline"
    note = vault / "2026-11-22.md"
    note.write_bytes(tail_note)
    assert run_cli("--vault", vault, "digest", "--write").code == 0
    written = note.read_bytes()
    block = (BEGIN + "\n" + EXPECTED_MD + END).replace("\n", "\r\n").encode()
    assert written == tail_note + b"\r\n\r\n" + block
    # a block in the middle of a note is replaced where it is; the bytes around it stay
    middle = head + block + b"\r\nAfter the block\r\n"
    note.write_bytes(middle.replace(b"2 overdue", b"9 overdue"))
    assert run_cli("--vault", vault, "digest", "--write").code == 0
    assert note.read_bytes() == middle
    (vault / "Projects" / "Launch.md").write_text(LAUNCH.replace("Plan the retro 📅 2026-12-15",
                                                                  "Plan the retro 📅 2026-11-23"), "utf-8")
    assert run_cli("--vault", vault, "digest", "--write").code == 0
    text = note.read_bytes()
    assert text.count(BEGIN.encode()) == 1 and text.count(END.encode()) == 1
    assert b"Plan the retro" in text and text.startswith(head) and text.endswith(b"\r\nAfter the block\r\n")
    tasks = run_cli("--vault", vault, "list", "--path", "2026-11-22.md", "--json").json()
    assert [t["description"] for t in tasks] == ["My own task"]


def test_write_refuses_a_broken_block(vault: Path, run_cli: Run) -> None:
    note = vault / "2026-11-22.md"
    note.write_text(f"{BEGIN}\nhalf a block\n", "utf-8")
    result = run_cli("--vault", vault, "digest", "--write")
    assert result.code != 0 and "marker" in result.err
    assert note.read_text("utf-8") == f"{BEGIN}\nhalf a block\n"


def test_the_digest_says_when_notes_could_not_be_read_fully(make_vault: Callable[..., Path], run_cli: Run,
                                                            today: str) -> None:
    vault = make_vault({"Launch.md": LAUNCH, "Old/Latin.md": b"- [ ] Caf\xe9 \xf0\x9f\x93\x85 2026-11-22\n"})
    notice = "2 notes could not be read fully: `tasks scan` lists them"
    (vault / "Old/Other.md").write_bytes(b"\xff\n")
    text = run_cli("--vault", vault, "digest", "--format", "text").out_lines
    assert text[-2:] == ["", notice]
    assert "  Caf\ufffd · due 2026-11-22 · Old/Latin.md:1" in text
    assert run_cli("--vault", vault, "digest").out_lines[-2:] == ["", notice]
    data = run_cli("--vault", vault, "digest", "--format", "json").json()
    assert data["unreadable"] == ["Old/Latin.md", "Old/Other.md"]


def test_a_digest_of_nothing_still_says_when_notes_could_not_be_read(make_vault: Callable[..., Path],
                                                                     run_cli: Run, today: str) -> None:
    vault = make_vault({"Bad.md": b"caf\xe9\n"})
    assert run_cli("--vault", vault, "digest", "--format", "text").out_lines[1:] == [
        "", "1 note could not be read fully: `tasks scan` lists them"]
    assert run_cli("--vault", vault, "digest", "--format", "json").json()["unreadable"] == ["Bad.md"]


def test_a_digest_of_readable_notes_has_no_unreadable_line(vault: Path, run_cli: Run) -> None:
    assert run_cli("--vault", vault, "digest", "--format", "json").json()["unreadable"] == []
    assert "could not be read" not in run_cli("--vault", vault, "digest").out
