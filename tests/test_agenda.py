"""``tasks agenda PERSON``: one person's (or account's) open work, triage, completions and meeting decisions,
on the sample vault and on small vaults built here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tasktrack.model import JSON_KEYS
from tasktrack.people import Person
from tests.conftest import CliResult

RunCli = Callable[..., CliResult]
PEOPLE = '[people]\nMorty = ["Mordechai Blaunstein", "Mordechai"]\n'
LAMBDA = "2026-01-06 Lambda NeoCloud-in-a-box sync"


@pytest.fixture(autouse=True)
def _day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TASKTRACK_TODAY", "2026-01-09")  # the day after the sample vault's last meeting


def test_names_match_whole_words_aliases_links_and_first_names() -> None:
    morty = Person.named("@Mordechai", {"Morty": ["Mordechai Blaunstein", "Mordechai"]})
    assert (morty.name, morty.known) == ("Morty", ("Morty", "Mordechai Blaunstein", "Mordechai"))
    assert morty.mentioned_in("Send the deck to [[Mordechai Blaunstein|M.]]")
    assert morty.mentioned_in("Ask @morty about Lambda")
    assert morty.mentioned_in("Coordinate with Morty/NeoCloud work")
    assert not morty.mentioned_in("Mortyfied by the numbers")
    al = Person.named("Al", {})
    assert not al.mentioned_in("Call Allen about the POC")
    assert al.mentioned_in("Call Al's team")
    assert al.is_named("[[Al Smith]]") and not al.is_named("Allen")
    jeff = Person.named("[[Jeff Denworth]]", {})
    assert jeff.is_named("Jeff") and jeff.mentioned_in("Reply to Jeff tomorrow")
    assert not jeff.is_named("Jeff Smith")
    assert jeff.attended({"participants": ["Jason Vallery", "[[Jeff Denworth]]"]})
    assert jeff.attended({"Attendees": "Jason Vallery, Jeff Denworth"})
    assert not jeff.attended({"account": "Jeff Denworth"})


def test_markdown_agenda_of_the_sample_vault(run_cli: RunCli, fixture_vault: Path,
                                             config_file: Callable[[str], Path]) -> None:
    config_file(PEOPLE)
    result = run_cli("--vault", fixture_vault, "agenda", "Morty")
    assert (result.code, result.err) == (0, "")
    assert result.out_lines == [
        "**Agenda: Morty** (also Mordechai Blaunstein, Mordechai) · 1 I owe · 5 awaiting triage · 1 completed · "
        f"2 decisions and blockers · last meeting 2026-01-06 [[{LAMBDA}]]",
        "",
        "**What I owe Morty** (1)",
        "- Coordinate with Morty/NeoCloud work to ensure accurate roadmap and examples · "
        "[[Building an AI cloud with VAST#Next Steps]]",
        "",
        "**Awaiting triage** (5)",
        "- Send Morty the draft NeoCloud-in-a-box user stories by Friday so he can test them with Lambda before the "
        f"partner call. ⏫ · due ~2026-01-09 · [[{LAMBDA}#Action Items]]",
        "- Share Lambda's launch timeline and the storage tiers they plan to sell alongside GPU capacity. · @Morty · "
        f"[[{LAMBDA}#Action Items]]",
        "- Set up a working session with Lambda's platform team on tenant isolation and the control plane roadmap. · "
        f"due 2026-01-16 · [[{LAMBDA}#Action Items]]",
        "- Work with Morty to crystallize NeoCloud-in-a-box user stories and market messaging over the next two "
        "months, and help him make progress on the NeoCloud market-shaping plan. ⏫ · due ~2026-02-19 · "
        "[[2025-12-19 Microsoft strategy and SCO prep#Action Items]]",
        "- Ask Morty in today's 1:1 for details on Lambda’s plan to launch the full VAST portfolio and how NeoCloud "
        "roadmaps evolve beyond GPU-only services. · due ~2025-12-19 · "
        "[[2025-12-19 Microsoft strategy and SCO prep#Action Items]]",
        "",
        "**Completed since 2026-01-06** (1)",
        "- 1:1 with Morty on Lambda · done 2026-01-08 · [[2026-01-08#Today]]",
        "",
        "**Decisions and blockers from the last meetings** (2)",
        "- ✅ Lead with multi-tenancy and the control plane, not raw storage performance, in NeoCloud messaging. · "
        f"[[{LAMBDA}]]",
        f"- ❌ No pricing discussion with Lambda until the packaging is agreed internally. · [[{LAMBDA}]]",
    ]


def test_json_sections_hold_list_json_task_objects(run_cli: RunCli, fixture_vault: Path,
                                                   config_file: Callable[[str], Path]) -> None:
    config_file(PEOPLE)
    data = run_cli("--vault", fixture_vault, "agenda", "[[Mordechai Blaunstein]]", "--json").json()
    listed = {t["id"]: t for t in run_cli("--vault", fixture_vault, "list", "--all", "--json").json()}
    assert (data["person"], data["names"]) == ("Morty", ["Morty", "Mordechai Blaunstein", "Mordechai"])
    assert data["meetings"] == [{"path": f"Meetings/{LAMBDA}.md", "title": "Lambda NeoCloud-in-a-box sync",
                                 "date": "2026-01-06"}]
    assert data["counts"] == {"i_owe": 1, "they_owe": 0, "awaiting_triage": 5, "completed": 1}
    assert [s["key"] for s in data["sections"]] == ["i_owe", "they_owe", "awaiting_triage", "completed"]
    for section in data["sections"]:
        for task in section["tasks"]:
            assert tuple(task) == JSON_KEYS
            assert task == listed[task["id"]]
    assert data["context"] == [
        {"mark": "✅", "text": "Lead with multi-tenancy and the control plane, not raw storage performance, in "
         "NeoCloud messaging.", "path": f"Meetings/{LAMBDA}.md", "line": 32, "heading": "Decisions",
         "note_title": "Lambda NeoCloud-in-a-box sync", "note_date": "2026-01-06"},
        {"mark": "❌", "text": "No pricing discussion with Lambda until the packaging is agreed internally.",
         "path": f"Meetings/{LAMBDA}.md", "line": 33, "heading": "Decisions",
         "note_title": "Lambda NeoCloud-in-a-box sync", "note_date": "2026-01-06"},
    ]


MEETING = """---
date: '2026-01-05'
account: Acme
participants:
- Jason Vallery
- "[[Al Smith]]"
---
## Action Items
- [ ?] Send Al the pricing sheet @Myself #proposed
- [ ] Book the demo room
- [ ] Draft the SOW for Allen @Myself
- [ ] Share the roadmap deck @Al
- [x] Sent the NDA to Al ✅ 2026-01-04
- [x] Al countersigned the NDA @Al ✅ 2026-01-06
## Decisions
- ✅ Pilot starts in February
```
- ✅ not a decision: inside a fence
```
"""


def test_sections_completions_since_the_meeting_and_no_substring_hits(run_cli: RunCli,
                                                                      make_vault: Callable[..., Path]) -> None:
    vault = make_vault({"Meetings/Acme.md": MEETING,
                        "Later.md": "---\ndate: '2026-02-01'\nparticipants: [Al Smith]\n---\n- ✅ a future meeting\n",
                        "Other.md": "- [ ] Ask Allen for the logo\n- [ ] Call [[Al Smith|Al]] back @Jeff\n"})
    result = run_cli("--vault", vault, "agenda", "Al", "--format", "text")
    assert (result.code, result.err) == (0, "")
    assert result.out_lines == [
        "Agenda: Al · 2 I owe · 1 they owe me · 1 awaiting triage · 1 completed · 1 decision or blocker · "
        "last meeting 2026-01-05 Meetings/Acme.md",
        "",
        "What I owe Al (2)",
        "  Book the demo room · Meetings/Acme.md:10",
        "  Draft the SOW for Allen · Meetings/Acme.md:11",
        "",
        "What Al owes me (1)",
        "  Share the roadmap deck · @Al · Meetings/Acme.md:12",
        "",
        "Awaiting triage (1)",
        "  Send Al the pricing sheet · Meetings/Acme.md:9",
        "",
        "Completed since 2026-01-05 (1)",
        "  Al countersigned the NDA · done 2026-01-06 · @Al · Meetings/Acme.md:14",
        "",
        "Decisions and blockers from the last meetings (1)",
        "  ✅ Pilot starts in February · Meetings/Acme.md:16",
    ]
    account = run_cli("--vault", vault, "agenda", "--prop", "account=acme", "--json").json()
    assert account["account"] == {"key": "account", "value": "acme"}
    assert [m["path"] for m in account["meetings"]] == ["Meetings/Acme.md"]
    assert [len(s["tasks"]) for s in account["sections"]] == [2, 1, 1, 1]


def test_write_puts_the_agenda_between_markers_and_undo_takes_it_back(run_cli: RunCli, fixture_vault: Path,
                                                                       config_file: Callable[[str], Path]) -> None:
    config_file(PEOPLE)
    note = fixture_vault / "Daily" / "2026-01-08.md"
    before = note.read_bytes()
    dry = run_cli("--vault", fixture_vault, "agenda", "Morty", "--write", "--to", "Daily/2026-01-08.md", "--dry-run")
    assert dry.code == 0 and "+<!-- tasktrack:agenda:begin Morty -->" in dry.out_lines
    assert note.read_bytes() == before
    wrote = run_cli("--vault", fixture_vault, "agenda", "Morty", "--write", "--to", "2026-01-08")
    assert (wrote.code, wrote.out) == (0, "wrote the agenda into Daily/2026-01-08.md\n")
    shown = run_cli("--vault", fixture_vault, "agenda", "Morty").out
    assert note.read_bytes() == before + b"\n<!-- tasktrack:agenda:begin Morty -->\n" + shown.encode() + \
        b"<!-- tasktrack:agenda:end Morty -->\n"
    again = run_cli("--vault", fixture_vault, "agenda", "Morty", "--write", "--to", "2026-01-08")
    assert again.out == "the agenda is already up to date in Daily/2026-01-08.md\n"
    assert len(run_cli("--vault", fixture_vault, "list", "--json").json()) == 20  # the agenda adds no task
    assert run_cli("--vault", fixture_vault, "undo").code == 0
    assert note.read_bytes() == before


@pytest.mark.parametrize(("args", "message"), [
    ([], "tasks: tasks agenda wants a PERSON (like Morty) or --prop KEY=VALUE (like account=Lambda)\n"),
    (["@"], "tasks: tasks agenda wants a PERSON (like Morty) or --prop KEY=VALUE (like account=Lambda)\n"),
    (["Morty", "--prop", "account=Lambda"], "tasks: give either a PERSON or --prop KEY=VALUE, not both\n"),
    (["--prop", "account"], "tasks: --prop wants key=value, not 'account'\n"),
    (["Morty", "--to", "Inbox"], "tasks: --to and --dry-run go with --write\n"),
])
def test_bad_arguments_are_one_line(run_cli: RunCli, fixture_vault: Path, args: list[str], message: str) -> None:
    result = run_cli("--vault", fixture_vault, "agenda", *args)
    assert (result.code, result.out, result.err) == (2, "", message)


def test_config_shows_the_people_table(run_cli: RunCli, fixture_vault: Path,
                                       config_file: Callable[[str], Path]) -> None:
    config_file(PEOPLE)
    got = run_cli("--vault", fixture_vault, "config", "--json").json()
    assert got["people"] == {"value": {"Morty": ["Mordechai Blaunstein", "Mordechai"]}, "source": "config file"}
    text = run_cli("--vault", fixture_vault, "config").out_lines
    at = text.index("people")
    assert text[at : at + 2] == ["people", "  Morty = Mordechai Blaunstein, Mordechai  (config file)"]
    config_file('[people]\nMorty = 3\n')
    bad = run_cli("--vault", fixture_vault, "config")
    assert (bad.code, bad.err.endswith(": [people] `Morty` must be a list of names\n")) == (2, True)
