"""The edge-case vault: the user's real notes, and one tricky note per rule in ``Tricky/``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

MEETING = "Meetings/2025-12-19 Microsoft strategy and SCO prep.md"
PROJECT = "Projects/Building an AI cloud with VAST.md"

Tasks = dict[str, dict[str, Any]]


@pytest.fixture
def all_tasks(edge_vault: Path, run_cli: Callable[..., Any]) -> list[dict[str, Any]]:
    result = run_cli("--vault", edge_vault, "list", "--all", "--json", "--sort", "path")
    assert (result.code, result.err) == (0, "")
    tasks: list[dict[str, Any]] = result.json()
    return tasks


def in_note(all_tasks: list[dict[str, Any]], path: str) -> Tasks:
    """The tasks of one note, by description (each description is unique within a fixture note)."""
    found = {t["description"]: t for t in all_tasks if t["path"] == path}
    assert len(found) == sum(t["path"] == path for t in all_tasks)
    return found


def pick(task: dict[str, Any], *keys: str) -> tuple[Any, ...]:
    return tuple(task[k] for k in keys)


# -- the real notes -----------------------------------------------------------------------------


def test_default_list_of_the_real_notes(edge_vault: Path, run_cli: Callable[..., Any]) -> None:
    result = run_cli("--vault", edge_vault, "list", "--json", "--sort", "path")
    assert result.code == 0
    real = [t for t in result.json() if not t["path"].startswith("Tricky/")]
    assert [(t["path"], t["line"], t["status"], t["symbol"], t["owners"], t["priority"]) for t in real] == [
        (MEETING, 26, "proposed", " ?", ["Myself"], "normal"),
        (MEETING, 27, "proposed", " ?", ["Myself"], "high"),
        (MEETING, 28, "proposed", " ?", ["Myself"], "normal"),
        (MEETING, 29, "proposed", " ?", ["Myself"], "high"),
        (MEETING, 30, "proposed", " ?", ["Myself"], "high"),
        (PROJECT, 35, "open", " ", [], "normal"),
        (PROJECT, 36, "open", " ", [], "normal"),
        (PROJECT, 37, "open", " ", [], "normal"),
    ]
    assert [t["description"] for t in real] == [
        "Follow up with Louie (OpenAI data acquisition) and send a relevant VAST blog/link (e.g., event "
        "streaming/Kafka-related) to try to re-engage and advance parallel conversations.",
        "Work with Morty to crystallize NeoCloud-in-a-box user stories and market messaging over the next two "
        "months, and help him make progress on the NeoCloud market-shaping plan.",
        "Ask Morty in today's 1:1 for details on Lambda’s plan to launch the full VAST portfolio and how NeoCloud "
        "roadmaps evolve beyond GPU-only services.",
        "Prepare SCO session content for a 45-minute talk on 'building an AI cloud with VAST' (why VAST is used, "
        "where it’s going, multi-tenancy best practices, and control plane direction) aimed at NeoCloud audiences.",
        "Develop a near-term roadmap and 'attack vectors' for expanding Microsoft business development "
        "(sell-to/sell-with/sell-through), including mapping first-party Azure services and integration "
        "opportunities.",
        "Draft session narrative and agenda for SCO",
        "Coordinate with Morty/NeoCloud work to ensure accurate roadmap and examples",
        "Ensure content assumes mixed audience (not all already VAST storage users); audience is camera/YouTube",
    ]
    for task in real[:5]:
        assert task["tags"] == ["#task", "#proposed"]
        assert (task["heading"], task["note_title"], task["note_date"]) == (
            "Action Items", "Microsoft strategy and SCO prep", "2025-12-19")
        assert task["properties"]["account"] == "Microsoft"
        assert task["properties"]["participants"] == ["Jason Vallery", "Jeff Denworth"]
    for task in real[5:]:
        assert (task["heading"], task["note_title"], task["note_date"], task["tags"]) == (
            "Next Steps", "Building an AI cloud with VAST", None, [])


def test_decision_and_blocker_bullets_are_not_tasks(all_tasks: list[dict[str, Any]]) -> None:
    real = [t for t in all_tasks if not t["path"].startswith("Tricky/")]
    assert len(real) == 8
    assert not [t for t in all_tasks if t["description"].startswith(("✅", "❌"))]
    assert {t["path"] for t in real} == {MEETING, PROJECT}


def test_real_notes_filters(edge_vault: Path, run_cli: Callable[..., Any]) -> None:
    def descriptions(*args: str) -> list[int]:
        result = run_cli("--vault", edge_vault, "list", "--json", "--sort", "path", *args)
        assert result.code == 0, result.err
        return [t["line"] for t in result.json() if not t["path"].startswith("Tricky/")]

    assert descriptions("--owner", "me") == [26, 27, 28, 29, 30]
    assert descriptions("--owner", "me", "--priority", "high") == [27, 29, 30]
    assert descriptions("--prop", "account=Microsoft") == [26, 27, 28, 29, 30]
    assert descriptions("--status", "proposed", "--tag", "proposed") == [26, 27, 28, 29, 30]
    assert descriptions("--status", "open", "--path", "Projects/*") == [35, 36, 37]


def test_scan_of_the_edge_vault(edge_vault: Path, run_cli: Callable[..., Any]) -> None:
    result = run_cli("--vault", edge_vault, "scan")
    assert result.code == 0
    notes = sorted(p.relative_to(edge_vault).as_posix() for p in edge_vault.rglob("*.md"))
    visible = [p for p in notes if not any(part.startswith(".") for part in p.split("/"))]
    assert len(visible) == len(notes) - 2
    assert result.out_lines[2] == f"notes  {len(visible)} ({len(visible)} read now, 0 gone)"
    assert result.out_lines[result.out_lines.index("warnings  4") + 1 :] == [
        "  Tricky/Frontmatter broken.md:2: frontmatter YAML is broken (mapping values are not allowed in this "
        "context); its tasks still count",
        "  Tricky/Impossible dates.md:3: due: impossible date '2023-02-30' (kept as written)",
        "  Tricky/Impossible dates.md:4: due: impossible date '2026-13-01' (kept as written)",
        "  Tricky/Impossible dates.md:5: due: impossible date '2026-02-29' (kept as written)",
    ]


# -- Tricky/ ------------------------------------------------------------------------------------


def test_skipped_files(all_tasks: list[dict[str, Any]], edge_vault: Path) -> None:
    assert (edge_vault / "Tricky" / ".hidden" / "Secret.md").is_file()
    assert (edge_vault / "Tricky" / ".trash" / "Deleted.md").is_file()
    assert (edge_vault / "Tricky" / "Whiteboard.canvas").is_file()
    assert (edge_vault / "Tricky" / "Export.txt").is_file()
    assert not [t for t in all_tasks if "Not scanned" in t["description"]]
    assert not [t for t in all_tasks if t["path"].startswith((".", "Tricky/.")) or not t["path"].endswith(".md")]


def test_not_tasks(all_tasks: list[dict[str, Any]]) -> None:
    assert in_note(all_tasks, "Tricky/Not tasks.md") == {}
    assert not [t for t in all_tasks if t["description"].startswith("Not a task")]


def test_fences(all_tasks: list[dict[str, Any]]) -> None:
    tasks = in_note(all_tasks, "Tricky/Fences.md")
    assert [pick(t, "line", "description") for t in tasks.values()] == [
        (26, "Write the runbook for the storage migration"), (30, "Review the runbook with the SRE team")]


def test_comments(all_tasks: list[dict[str, Any]]) -> None:
    tasks = in_note(all_tasks, "Tricky/Comments.md")
    assert [pick(t, "line", "description") for t in tasks.values()] == [
        (11, "Send the renewal quote to Contoso"), (17, "Confirm the renewal date with finance %% ask Priya first %%")]


def test_callouts(all_tasks: list[dict[str, Any]]) -> None:
    tasks = in_note(all_tasks, "Tricky/Callouts.md")
    assert [pick(t, "line", "status", "description") for t in tasks.values()] == [
        (4, "open", "Share the reference architecture"),
        (5, "done", "Send the meeting recording"),
        (6, "open", "Add chapter markers to the recording"),
        (9, "open", "Provide a quote for 2 PB of capacity"),
        (11, "open", "Answer the nested quote"),
        (13, "open", "Check the quote with a leading space"),
        (17, "in_progress", "Escalate the support case"),
    ]
    assert tasks["Add chapter markers to the recording"]["parent"] == tasks["Send the meeting recording"]["id"]
    assert [t["parent"] for t in tasks.values()].count(None) == 6


def test_frontmatter(all_tasks: list[dict[str, Any]]) -> None:
    [task] = in_note(all_tasks, "Tricky/Frontmatter.md").values()
    assert pick(task, "line", "description", "owners", "note_title", "note_date", "heading") == (
        13, "Send the QBR summary to Contoso", ["Myself"], "Contoso quarterly review", "2026-02-10", "QBR notes")
    assert task["properties"] == {
        "title": "Contoso quarterly review", "date": "2026-02-10", "account": "Contoso",
        "attendees": ["Dana Scully", "Fox Mulder"], "summary": "- [ ] Not a task: inside the frontmatter\n",
    }


def test_frontmatter_broken(all_tasks: list[dict[str, Any]]) -> None:
    tasks = in_note(all_tasks, "Tricky/Frontmatter broken.md")
    assert [pick(t, "line", "description", "priority", "due", "note_title", "properties") for t in tasks.values()] == [
        (7, "Fix the note's frontmatter", "high", None, "Frontmatter broken", {}),
        (8, "Tasks here still count", "normal", "2026-12-01", "Frontmatter broken", {}),
    ]


def test_crlf_and_bom(all_tasks: list[dict[str, Any]], edge_vault: Path) -> None:
    raw = (edge_vault / "Tricky" / "CRLF and BOM.md").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf---\r\n")
    assert raw.count(b"\r\n") == raw.count(b"\n") == 7
    tasks = in_note(all_tasks, "Tricky/CRLF and BOM.md")
    assert [pick(t, "line", "status", "description", "due", "block_id", "heading", "note_title")
            for t in tasks.values()] == [
        (6, "open", "Task in a CRLF note", "2026-12-02", None, "Windows note", "Line endings"),
        (7, "done", "Done in a CRLF note", None, "crlf", "Windows note", "Line endings"),
    ]


def test_emoji_fields(all_tasks: list[dict[str, Any]]) -> None:
    tasks = in_note(all_tasks, "Tricky/Fields.md")
    priorities = {d: t["priority"] for d, t in tasks.items() if t["heading"] == "Priorities"}
    assert priorities == {
        "Renew the Azure reservation": "highest", "Send the SOW to legal": "high",
        "Update the capacity model": "medium", "Tidy the shared drive": "low", "Archive old recordings": "lowest",
        "🔺 in the middle of the text is just text": "normal", "Variation selector after the priority": "high",
    }
    dates = {d: {k: t[k] for k in ("due", "scheduled", "start", "created", "done", "cancelled") if t[k]}
             for d, t in tasks.items() if t["heading"] == "Dates"}
    assert dates == {
        "Book the venue": {"due": "2026-12-01"},
        "Call the venue": {"due": "2026-12-02"},
        "Confirm catering": {"due": "2026-12-03"},
        "Draft the agenda": {"scheduled": "2026-11-20"},
        "Print the badges": {"scheduled": "2026-11-21"},
        "Start the dry runs": {"start": "2026-11-25"},
        "Create the slide deck": {"created": "2026-11-01"},
        "Sign the venue contract": {"done": "2026-11-10"},
        "Order conference swag": {"cancelled": "2026-11-12"},
        "Ship the recap": {"due": "2026-12-04"},
        "Two due dates, the leftmost wins": {"due": "2026-12-05"},
        "Text after the fields stops parsing 📅 2026-12-07 then more words": {},
        "A no-break space is not a space 📅\u00a02026-12-08": {},
    }
    everything = tasks["Run the quarterly review"]
    assert {k: everything[k] for k in ("priority", "recurrence", "created", "start", "scheduled", "due", "tags",
                                       "block_id", "line")} == {
        "priority": "high", "recurrence": "every week on Monday", "created": "2026-11-01", "start": "2026-11-02",
        "scheduled": "2026-11-03", "due": "2026-11-04", "tags": ["#review"], "block_id": "all-fields", "line": 31,
    }
    assert tasks["Keep the block id but not this one^nope"]["block_id"] is None


def test_dataview_fields(all_tasks: list[dict[str, Any]]) -> None:
    tasks = in_note(all_tasks, "Tricky/Dataview fields.md")
    keys = ("status", "owners", "priority", "due", "scheduled", "start", "created", "done", "cancelled", "recurrence")
    assert {d: pick(t, *keys) for d, t in tasks.items()} == {
        "Review the pricing sheet": ("open", [], "normal", "2026-12-10", None, None, None, None, None, None),
        "Prepare the QBR deck": ("open", [], "high", None, None, None, None, None, None, None),
        "Follow up on the purchase order": (
            "open", ["Dana Scully"], "normal", "2026-12-11", None, None, None, None, None, None),
        "Send the NDA": ("done", [], "normal", None, None, None, None, "2026-11-15", None, None),
        "Book the offsite": ("cancelled", [], "normal", None, None, None, None, None, "2026-11-16", None),
        "Weekly pipeline review": ("open", [], "normal", None, "2026-11-24", None, None, None, None, "every week"),
        "Plan the pilot": ("open", [], "normal", None, None, "2026-12-01", "2026-11-01", None, None, None),
        "An unknown field blocks the fields before it [due:: 2026-12-13] [client:: Contoso]": (
            "open", [], "normal", None, None, None, None, None, None, None),
        "Emoji and Dataview together": ("open", [], "low", "2026-12-14", None, None, None, None, None, None),
    }


def test_owners_and_tags(all_tasks: list[dict[str, Any]]) -> None:
    tasks = in_note(all_tasks, "Tricky/Owners and tags.md")
    assert {d: pick(t, "owners", "tags") for d, t in tasks.items()} == {
        "Email the draft to bob@example.com": (["Alice"], []),
        "Pair on the demo": (["Alice", "Bob"], []),
        "Ask (@Carol) about the budget": (["Carol"], []),
        "Owners from both forms": (["Alice", "Dana Scully"], []),
        "Owner at the end of a sentence @Erin.": (["Erin"], []),
        "Release notes for #v1.2 and": ([], ["#v1", "#123", "#release/notes"]),
        "See http://example.com/#frag and (#5), but issue #7 is a tag": ([], ["#7"]),
        "Trailing tags are peeled": ([], ["#customer/contoso", "#urgent"]),
    }


def test_impossible_dates(all_tasks: list[dict[str, Any]]) -> None:
    tasks = in_note(all_tasks, "Tricky/Impossible dates.md")
    assert {d: pick(t, "line", "due", "scheduled") for d, t in tasks.items()} == {
        "Close the quarter": (3, None, None),
        "Month thirteen": (4, None, None),
        "Scheduled is fine, due is not": (5, None, "2026-11-30"),
    }


def test_nested(all_tasks: list[dict[str, Any]]) -> None:
    tasks = in_note(all_tasks, "Tricky/Nested.md")
    ids = {d: t["id"] for d, t in tasks.items()}
    parent_of = {d: next((p for p, i in ids.items() if i == t["parent"]), None) for d, t in tasks.items()}
    assert parent_of == {
        "Prepare the launch": None,
        "Write the announcement": "Prepare the launch",
        "Get legal review of the announcement": "Write the announcement",
        "Book the photographer": "Prepare the launch",
        "Task under a plain root item": None,
        "Numbered parent": None,
        "Numbered child": "Numbered parent",
        "Tab parent": None,
        "Tab child": "Tab parent",
        "Tab grandchild": "Tab child",
    }


def test_statuses(all_tasks: list[dict[str, Any]]) -> None:
    tasks = in_note(all_tasks, "Tricky/Statuses.md")
    assert {d: pick(t, "status", "symbol") for d, t in tasks.items()} == {
        "Open task": ("open", " "),
        "Task in progress": ("in_progress", "/"),
        "Done task": ("done", "x"),
        "Done with a capital X": ("done", "X"),
        "Cancelled task": ("cancelled", "-"),
        "A question mark means proposed": ("proposed", "?"),
        "Proposed by the transcript generator": ("proposed", " ?"),
        "Forwarded, open unless configured": ("open", ">"),
        "Important, open unless configured": ("open", "!"),
        "Tagged as proposed": ("proposed", " "),
        "Done stays done": ("done", "x"),
    }


def test_markers_and_prefixes(all_tasks: list[dict[str, Any]]) -> None:
    tasks = in_note(all_tasks, "Tricky/Markers and prefixes.md")
    assert [pick(t, "line", "description") for t in tasks.values()] == [
        (3, "Dash marker"), (5, "Asterisk marker"), (7, "Plus marker"), (9, "Numbered with a dot"),
        (10, "Second numbered with a dot"), (12, "Numbered with a paren"), (14, "Indented with a tab"),
    ]


def test_headings(all_tasks: list[dict[str, Any]]) -> None:
    tasks = in_note(all_tasks, "Tricky/Headings.md")
    assert {d: t["heading"] for d, t in tasks.items()} == {
        "Task under the title": "Account plan",
        "Task under a heading with closing hashes": "Next steps",
        "Task under a setext heading": "Setext heading",
        "Task still under the setext heading": "Setext heading",
    }


def test_note_dates(all_tasks: list[dict[str, Any]]) -> None:
    [by_name] = in_note(all_tasks, "Tricky/2026-01-05 Dated by name.md").values()
    assert pick(by_name, "note_title", "note_date", "description") == (
        "2026-01-05 Dated by name", "2026-01-05", "Send the weekly status report")
    [by_frontmatter] = in_note(all_tasks, "Tricky/2026-01-06 Frontmatter date wins.md").values()
    assert pick(by_frontmatter, "note_title", "note_date") == ("2026-01-06 Frontmatter date wins", "2026-01-07")
