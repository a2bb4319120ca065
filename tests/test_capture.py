"""``tasks add``: the words become fields, the line follows the note's style, it lands where asked, and it is a
journaled change like every other (dry run, undo). What it writes reads back as the same task."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasktrack.parse.grammar import parse_line
from tasktrack.write.capture import Style, read_words, task_line
from tasktrack.write.notes import NoteText

pytestmark = pytest.mark.usefixtures("fixed_today")

MakeVault = Callable[..., Path]
RunCli = Callable[..., Any]
TODAY = date(2026, 11, 22)  # a Sunday


@pytest.mark.parametrize(
    ("words", "line"),
    [
        ("Call Erez about the POC tomorrow @Morty high #task",
         "- [ ] Call Erez about the POC @Morty #task ⏫ 📅 2026-11-23"),
        ("Call Erez @Morty tomorrow", "- [ ] Call Erez @Morty 📅 2026-11-23"),
        ("Draft agenda by friday", "- [ ] Draft agenda 📅 2026-11-27"),
        ("Ship the deck on jan 15 ⏬", "- [ ] Ship the deck ⏬ 📅 2027-01-15"),
        ("Plan Q1 in 2 weeks @Jeff @Dana", "- [ ] Plan Q1 @Jeff @Dana 📅 2026-12-06"),
        ("Review the may budget", "- [ ] Review the may budget"),  # a bare month is no date
        ("Aim high", "- [ ] Aim ⏫"),
        ("Meet on 2026-12-01 #work", "- [ ] Meet #work 📅 2026-12-01"),
        ("Ask @Morty about the roadmap", "- [ ] Ask @Morty about the roadmap"),
    ],
)
def test_words_become_fields(words: str, line: str) -> None:
    assert task_line(read_words(words, TODAY), Style()) == line


def test_options_win_over_the_words_and_proposed_items_are_tagged() -> None:
    draft = read_words("Book the room friday low", TODAY, due="2026-12-24", owners=("Jeff Denworth",),
                       priority="urgent", proposed=True)
    assert task_line(draft, Style(marker="*")) == \
        "* [ ?] Book the room friday [owner:: Jeff Denworth] #proposed 🔺 📅 2026-12-24"
    assert task_line(draft, Style(dataview=True, global_filter="#task")) == \
        "- [ ?] Book the room friday [owner:: Jeff Denworth] #task #proposed [priority:: highest] [due:: 2026-12-24]"


def test_the_line_reads_back_as_the_task_it_describes() -> None:
    line = task_line(read_words("Call Erez tomorrow @Morty high #task", TODAY), Style(global_filter="#task"))
    task = parse_line(line)
    assert task is not None
    assert (task.description, task.owners, task.tags, task.priority, task.dates) == (
        "Call Erez", ("Morty",), ("#task",), "high", {"due": "2026-11-23"})


def test_words_that_are_only_fields_are_refused(run_cli: RunCli, make_vault: MakeVault) -> None:
    vault = make_vault({})
    result = run_cli("--vault", vault, "add", "@Jeff", "#task", "tomorrow")
    assert result.code == 2 and result.err.count("\n") == 1
    assert not (vault / "Inbox.md").exists()


# -- where and how it is written -------------------------------------------------------------------------


def test_into_the_inbox_which_is_made_when_missing(run_cli: RunCli, make_vault: MakeVault) -> None:
    vault = make_vault({})
    result = run_cli("--vault", vault, "add", "Call Erez about the POC tomorrow @Morty high #task")
    assert result.code == 0
    task = run_cli("--vault", vault, "list", "--json").json()[0]
    assert result.out == (f"added {task['id']}  Inbox.md:1\n"
                          "+ - [ ] Call Erez about the POC @Morty #task ⏫ 📅 2026-11-23\n"
                          "  due 2026-11-23 (read from “tomorrow”)\n")
    assert (vault / "Inbox.md").read_text() == "- [ ] Call Erez about the POC @Morty #task ⏫ 📅 2026-11-23\n"
    assert (task["owners"], task["tags"], task["priority"], task["due"]) == (["Morty"], ["#task"], "high", "2026-11-23")


def test_the_configured_inbox(run_cli: RunCli, make_vault: MakeVault, config_file: Callable[[str], Path]) -> None:
    vault = make_vault({"GTD/In.md": "# In\n"})
    config_file('inbox = "GTD/In.md"\n')
    assert run_cli("--vault", vault, "add", "Send deck").code == 0
    assert (vault / "GTD" / "In.md").read_text() == "# In\n- [ ] Send deck\n"


def test_under_a_heading_in_the_note_own_style(run_cli: RunCli, make_vault: MakeVault) -> None:
    note = "\ufeff# SCO\r\n\r\n## Next Steps\r\n* [ ] Existing @Jeff\r\n\r\n## Notes\r\ntext"
    vault = make_vault({"Projects/SCO session.md": note.encode()})
    assert run_cli("--vault", vault, "add", "--to", "SCO session", "--heading", "next steps", "Draft agenda").code == 0
    assert (vault / "Projects" / "SCO session.md").read_bytes() == (
        "\ufeff# SCO\r\n\r\n## Next Steps\r\n* [ ] Existing @Jeff\r\n* [ ] Draft agenda\r\n\r\n## Notes\r\ntext"
    ).encode()


def test_a_missing_heading_is_added_at_the_end(run_cli: RunCli, make_vault: MakeVault) -> None:
    vault = make_vault({"Plan.md": "# Plan\nsome text"})
    assert run_cli("--vault", vault, "add", "--to", "Plan.md", "--heading", "Next Steps", "Draft agenda").code == 0
    assert (vault / "Plan.md").read_text() == "# Plan\nsome text\n\n## Next Steps\n- [ ] Draft agenda"


def test_a_dataview_note_gets_dataview_fields(run_cli: RunCli, make_vault: MakeVault) -> None:
    vault = make_vault({"DV.md": "- [ ] Old [due:: 2026-12-01]\n"})
    assert run_cli("--vault", vault, "add", "--to", "DV", "New", "--due", "2026-12-02", "--priority", "low").code == 0
    assert (vault / "DV.md").read_text() == ("- [ ] Old [due:: 2026-12-01]\n"
                                             "- [ ] New [priority:: low] [due:: 2026-12-02]\n")


def test_the_global_filter_of_obsidian_tasks_is_added(run_cli: RunCli, make_vault: MakeVault) -> None:
    vault = make_vault({".obsidian/plugins/obsidian-tasks-plugin/data.json": json.dumps({"globalFilter": "#task"})})
    assert run_cli("--vault", vault, "add", "Send deck").code == 0
    assert (vault / "Inbox.md").read_text() == "- [ ] Send deck #task\n"


def test_the_daily_note(run_cli: RunCli, make_vault: MakeVault) -> None:
    vault = make_vault({".obsidian/daily-notes.json": json.dumps({"folder": "Daily", "format": "YYYY-MM-DD"})})
    assert run_cli("--vault", vault, "add", "--daily", "Book the room").code == 0
    assert (vault / "Daily" / "2026-11-22.md").read_text() == "- [ ] Book the room\n"


def test_a_named_note_must_exist_unless_created(run_cli: RunCli, make_vault: MakeVault) -> None:
    vault = make_vault({"A/Same.md": "x\n", "B/Same.md": "y\n"})
    refused = run_cli("--vault", vault, "add", "--to", "Missing", "Task")
    assert refused.code == 6 and "Missing.md does not exist; nothing written (--create makes it)" in refused.err
    ambiguous = run_cli("--vault", vault, "add", "--to", "Same", "Task")
    assert ambiguous.code == 2 and "2 notes are named 'Same': A/Same.md, B/Same.md" in ambiguous.err
    outside = run_cli("--vault", vault, "add", "--to", "../escape.md", "Task")
    assert outside.code == 2
    assert run_cli("--vault", vault, "add", "--to", "Missing", "--create", "Task").code == 0
    assert (vault / "Missing.md").read_text() == "- [ ] Task\n"


def test_standard_input_dry_run_and_undo(run_cli: RunCli, make_vault: MakeVault,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault({"Inbox.md": "# Inbox\n- [ ] Old"})
    monkeypatch.setattr("sys.stdin", io.StringIO("Send deck\n\nReview notes #work\n"))
    dry = run_cli("--vault", vault, "add", "-", "--dry-run")
    assert dry.out == ("Inbox.md:3\n+ - [ ] Send deck\nInbox.md:4\n+ - [ ] Review notes #work\n"
                       "(dry run: nothing written)\n")
    assert (vault / "Inbox.md").read_text() == "# Inbox\n- [ ] Old"
    monkeypatch.setattr("sys.stdin", io.StringIO("Send deck\n\nReview notes #work\n"))
    added = run_cli("--vault", vault, "add", "-", "--json")
    assert [(t["line"], t["description"], t["tags"]) for t in added.json()] == [
        (3, "Send deck", []), (4, "Review notes", ["#work"])]
    assert (vault / "Inbox.md").read_text() == "# Inbox\n- [ ] Old\n- [ ] Send deck\n- [ ] Review notes #work"
    assert run_cli("--vault", vault, "undo").code == 0
    assert (vault / "Inbox.md").read_text() == "# Inbox\n- [ ] Old"


def test_a_new_note_is_removed_by_undo(run_cli: RunCli, make_vault: MakeVault) -> None:
    vault = make_vault({})
    assert run_cli("--vault", vault, "add", "Send deck").code == 0
    assert run_cli("--vault", vault, "undo").code == 0
    assert not (vault / "Inbox.md").exists()


# -- round trip on odd notes -----------------------------------------------------------------------------

_WORDS = st.lists(st.sampled_from(["call", "Erez", "deck", "review", "the", "POC", "Q1", "plan"]), min_size=1,
                  max_size=4)
_NOTES = st.sampled_from([b"", b"text", b"text\n", b"a\r\nb\r\n", b"\xef\xbb\xbf# T\r\n- [ ] x", b"# End"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=_WORDS, owner=st.sampled_from(["", " @Morty"]), tag=st.sampled_from(["", " #task"]),
       level=st.sampled_from(["", " high", " lowest"]), when=st.sampled_from(["", " tomorrow", " by friday"]),
       note=_NOTES, heading=st.sampled_from([None, "End", "New"]))
def test_what_add_writes_reads_back_the_same_and_keeps_the_note(
        tmp_path_factory: pytest.TempPathFactory, run_cli: RunCli, words: list[str], owner: str, tag: str,
        level: str, when: str, note: bytes, heading: str | None) -> None:
    vault = tmp_path_factory.mktemp("vault")
    (vault / ".obsidian").mkdir()
    (vault / "N.md").write_bytes(note)
    text = " ".join(words) + when + owner + tag + level
    args = ["--vault", vault, "--db", vault / "store.sqlite", "add", "--to", "N", text]
    result = run_cli(*args, *(["--heading", heading] if heading else []))
    assert result.code == 0, result.err
    expected = read_words(text, TODAY)
    task = next(t for t in run_cli("--vault", vault, "--db", vault / "store.sqlite", "list", "--json").json()
                if t["description"] != "x")
    assert (task["description"], task["owners"], task["tags"], task["priority"], task["due"]) == (
        expected.description, expected.owners,
        expected.tags, expected.priority, expected.due)
    written = NoteText.parse(Path("N.md"), (vault / "N.md").read_bytes())
    before = NoteText.parse(Path("N.md"), note)
    created = heading is not None and f"# {heading}" not in before.lines
    remaining = list(written.lines)
    for inserted in [task_line(expected, Style()), *([f"## {heading}"] if created else [])]:
        remaining.remove(inserted)
    if created and remaining != before.lines:
        remaining.remove("")  # the blank line before a new heading
    assert remaining == before.lines  # every line of the note, in its order
    assert set(written.endings[:-1]) <= {before.usual_ending()} | set(before.endings)
    assert run_cli("--vault", vault, "--db", vault / "store.sqlite", "undo").code == 0
    assert (vault / "N.md").read_bytes() == note
