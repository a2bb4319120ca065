"""Due dates inferred from the words of action items: a table of real and realistic meeting-note items,
each with the date a careful reader would give it (or none), relative to the note's date."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from tasktrack.parse.infer import infer_due, phrases

NOTE_DATE = date(2025, 12, 19)  # the meeting note of the seeds (a Friday)

# (action item, expected inferred due date or None)
PHRASES: list[tuple[str, str | None]] = [
    # the action items and blockers of the user's own notes
    ("Follow up with Louie (OpenAI data acquisition) and send a relevant VAST blog/link (e.g., event "
     "streaming/Kafka-related) to try to re-engage and advance parallel conversations.", None),
    ("Work with Morty to crystallize NeoCloud-in-a-box user stories and market messaging over the next two "
     "months, and help him make progress on the NeoCloud market-shaping plan.", "2026-02-19"),
    ("Ask Morty in today's 1:1 for details on Lambda’s plan to launch the full VAST portfolio and how NeoCloud "
     "roadmaps evolve beyond GPU-only services.", "2025-12-19"),
    ("Prepare SCO session content for a 45-minute talk on 'building an AI cloud with VAST' (why VAST is used, "
     "where it’s going, multi-tenancy best practices, and control plane direction) aimed at NeoCloud audiences.",
     None),
    ("Develop a near-term roadmap and 'attack vectors' for expanding Microsoft business development "
     "(sell-to/sell-with/sell-through), including mapping first-party Azure services and integration "
     "opportunities.", None),
    ("Draft session narrative and agenda for SCO", None),
    ("Coordinate with Morty/NeoCloud work to ensure accurate roadmap and examples", None),
    ("Ensure content assumes mixed audience (not all already VAST storage users); audience is camera/YouTube", None),
    ("Need NeoCloud user stories and market framing to be crisp by February", "2026-01-31"),
    ("Kick off the 12PB POC in the next couple weeks (vector database)", "2026-01-02"),
    # realistic generated action items
    ("Send Jeff the AZCopy compatibility test plan next week.", "2025-12-26"),
    ("Share the deck with Lior before the SCO.", None),
    ("Confirm pricing for the 12PB POC with Maneesh by Jan 15.", "2026-01-15"),
    ("Review the tiering/offload design with Erez by Friday.", "2025-12-26"),
    ("Schedule a call with Kishore in two weeks to review the Key Vault gap.", "2026-01-02"),
    ("Send the private offer terms to legal by end of month.", "2025-12-31"),
    ("Follow up with Tomer tomorrow on flash supply forecasts.", "2025-12-20"),
    ("Draft the Azure engagement plan by early January.", "2026-01-10"),
    ("Prepare the QBR deck ahead of the QBR.", None),
    ("Escalate the Private Link constraints list to Microsoft this week.", "2025-12-19"),
    ("Sync with Rick on the control plane roadmap by 1/9.", "2026-01-09"),
    ("Get the multi-tenancy best practices doc reviewed within 10 days.", "2025-12-29"),
    ("Document what VAST supports today for customer-managed keys.", None),
    ("Send the recap to the 24/7 support team.", None),
    ("Finalize NeoCloud packaging by mid-January.", "2026-01-15"),
    ("Circle back with Dre after the holidays.", None),
    ("Plan enablement sessions for Q1.", None),
    ("Deliver the Blob API MVP by Q2.", "2026-06-30"),
    ("Check in with Louie on Monday about the event streaming blog.", "2025-12-22"),
    ("Book the architecture deep dive for the week after next.", "2026-01-02"),
    ("Get sign-off from Jeff by EOD.", "2025-12-19"),
    ("Send the capacity planning numbers by 2026-01-08.", "2026-01-08"),
    ("Revisit the Blob API scope in March.", "2026-03-31"),
    ("Ask Morty in tomorrow's sync about Lambda's portfolio launch.", "2025-12-20"),
    ("We may need to revisit append blob support.", None),
    ("Share the Lambda portfolio launch plan on Jan 6th.", "2026-01-06"),
    ("Recap the Dec 15 partner intro for the team.", None),
    ("Follow up with Erez in a few weeks on the tiering design.", None),
    ("Send Qi the pricing sync notes ASAP.", None),
    ("Present the tiering story at the January 20 architecture review.", "2026-01-20"),
    ("Align with John Mao on the Key Vault gap by end of next week.", "2025-12-26"),
    ("Set up a weekly sync with Nebius.", None),
    ("Confirm the capacity model by the end of the quarter.", "2025-12-31"),
    ("Map first-party Azure services over the next month.", "2026-01-19"),
    ("Send the updated SOW on Tuesday 12/23.", "2025-12-23"),
    ("Escalate to Lior if there is no answer in 3 days.", "2025-12-22"),
    ("Sync with Morty about the NeoCloud plan later this month.", "2025-12-31"),
    ("Send the deck to Jeff before Friday's review.", "2025-12-26"),
    ("Discuss the 1:1 cadence with Jeff.", None),
    ("Publish the Blob API MVP test cases by end of February.", "2026-02-28"),
    ("Get the POC running within a week.", "2025-12-26"),
    ("Walk the march of progress on the roadmap with Jeff.", None),
    ("Agree on the Friday next week demo slot with Rick.", "2025-12-26"),
    ("Review 2 PB of capacity needs with Micron.", None),
    # written after the rules, as a check on phrases they were not tuned for
    ("Send the final pricing to Walmart by Monday, Jan 5.", "2026-01-05"),
    ("Circle back with Crusoe in early Q1 on GPU capacity.", None),
    ("Get legal to approve the MSA before year end.", "2025-12-31"),
    ("Share the notes with the team right after the meeting.", None),
    ("Reach out to Anthropic's storage lead sometime in January.", "2026-01-31"),
    ("Prep the board update due January 12.", "2026-01-12"),
    ("Hold a follow-up session in 2 weeks' time.", "2026-01-02"),
    ("Ping Jeff on Slack about the 3-day offsite agenda.", None),
    ("Confirm attendance for the Jan 8-9 summit.", "2026-01-08"),
    ("Update the forecast for the next 12 months.", None),
    ("Draft the blog post over the holidays.", None),
    ("Finish the competitive analysis by the 22nd.", "2025-12-22"),
    ("Follow up with Meta within the next 48 hours.", "2025-12-21"),
    ("Send the first draft to Jeff by Wed.", "2025-12-24"),
    ("Revisit pricing at the start of next quarter.", "2026-01-10"),
    ("Target GA in H1 2026.", None),
    ("Check whether the 5 nodes ship by mid-Feb.", "2026-02-15"),
    ("Plan the kickoff for the week of January 12.", None),
    ("Report back on the POC results at next Tuesday's sync.", "2025-12-23"),
    ("Re-engage Louie sometime next quarter.", "2026-03-31"),
    # "by <month>" is a deadline before the month begins; "by the end of <month>" is its last day
    ("Finalize the NeoCloud pricing proposal before March.", "2026-02-28"),
    ("Send Lambda the packaging draft by the end of January.", "2026-01-31"),
    ("Have the POC hardware racked no later than February.", "2026-01-31"),
    ("Lock the SCO session agenda with Jeff by January.", "2025-12-31"),
    ("Get Microsoft's answer on the flash allocation by December.", None),
    ("Run the AZCopy compatibility tests through February.", "2026-02-28"),
]
KNOWN_MISSES = {"Plan the kickoff for the week of January 12."}  # gives 2026-01-12: an event week, not a deadline


def _score() -> tuple[float, float, list[str]]:
    got = [(text, expected, infer_due(text, NOTE_DATE)) for text, expected in PHRASES]
    answered = [(t, e, g) for t, e, g in got if g is not None]
    correct = [1 for _, e, g in answered if g.isoformat() == e]
    wanted = [e for _, e, _ in got if e is not None]
    precision = len(correct) / len(answered) if answered else 1.0
    recall = len(correct) / len(wanted) if wanted else 1.0
    wrong = [f"{t!r}: expected {e}, got {g}" for t, e, g in got if (g.isoformat() if g else None) != e]
    return precision, recall, wrong


def test_the_table_is_big_enough() -> None:
    assert len(PHRASES) >= 30
    assert sum(1 for _, e in PHRASES if e is None) >= 10


def test_precision_and_recall_on_meeting_note_phrases() -> None:
    precision, recall, wrong = _score()
    print(f"\ninferred due dates: precision {precision:.3f}, recall {recall:.3f} on {len(PHRASES)} phrases")
    for line in wrong:
        print("  miss:", line)
    assert precision >= 0.95
    assert recall >= 0.85


@pytest.mark.parametrize(("text", "expected"), PHRASES, ids=[t[:40] for t, _ in PHRASES])
def test_each_phrase(text: str, expected: str | None) -> None:
    if text in KNOWN_MISSES:
        pytest.xfail("a known miss, counted in the precision")
    found = infer_due(text, NOTE_DATE)
    assert (found.isoformat() if found else None) == expected


@pytest.mark.parametrize(
    ("text", "base", "expected"),
    [
        ("by February", "2025-12-19", "2026-01-31"),  # a deadline before the month begins
        ("by February", "2026-03-05", "2027-01-31"),  # a month already past: next year's
        ("by March", "2024-02-10", "2024-02-29"),  # leap year
        ("by the end of February", "2025-12-19", "2026-02-28"),
        ("by the end of February", "2024-01-10", "2024-02-29"),  # leap year
        ("until March 2027", "2025-12-19", "2027-02-28"),
        ("by Friday", "2026-01-27", "2026-01-30"),
        ("next week", "2025-12-20", "2025-12-26"),  # on a Saturday, next week is the one starting Monday
        ("next week", "2025-12-22", "2026-01-02"),
        ("this Friday", "2025-12-19", "2025-12-19"),
        ("by Jan 15, 2027", "2025-12-19", "2027-01-15"),
        ("by the 15th", "2025-12-10", "2025-12-15"),
        ("next month", "2026-01-31", "2026-02-28"),
        ("over the next two months", "2025-12-31", "2026-02-28"),
    ],
)
def test_relative_to_the_note_date(text: str, base: str, expected: str) -> None:
    assert infer_due(text, date.fromisoformat(base)) == date.fromisoformat(expected)


@pytest.mark.parametrize("text", ["by February", "before February", "until February"])
def test_by_the_month_said_during_that_month_gives_nothing(text: str) -> None:
    assert infer_due(f"Publish the Blob API MVP test cases {text}.", date(2026, 2, 10)) is None


def test_the_earliest_phrase_wins() -> None:
    assert infer_due("Send the draft by Friday and the final deck next month", NOTE_DATE) == date(2025, 12, 26)


def test_only_matched_phrases_are_read() -> None:
    assert phrases("Prepare the deck for a customer") == []
    assert [m.span() for _, m in phrases("Send it by Jan 15 please")] == [(8, 17)]


@pytest.mark.parametrize("text", ["Send it by May 5", "Send it by MAY 5", "Send it by May 5 — merci",
                                  "Send İt by May 5"])
def test_case_of_ascii_and_other_text_is_read_alike(text: str) -> None:
    """ASCII text is matched in lowercase, other text ignoring case; a month written as a verb ("may")
    is still told from the month by how the text itself writes it."""
    assert infer_due(text, NOTE_DATE) == date(2026, 5, 5)
    assert infer_due(text.replace("May", "may").replace("MAY", "may"), NOTE_DATE) is None
    assert [text[slice(*m.span())] for _, m in phrases(text)] == [text[text.index("by") : text.index("5") + 1]]


def test_a_phrase_read_before_does_not_decide_for_another_text() -> None:
    """What a phrase gives is remembered, but not where the words around it, or its case, say otherwise."""
    assert infer_due("Send by Monday, Jan 5", NOTE_DATE) == date(2026, 1, 5)
    assert infer_due("Send by Monday", NOTE_DATE) == date(2025, 12, 22)
    assert infer_due("Send it by May 5", NOTE_DATE) == date(2026, 5, 5)
    assert infer_due("Send it by may 5", NOTE_DATE) is None
    assert infer_due("Send it by May 5", NOTE_DATE) == date(2026, 5, 5)


def _subprocess(code: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                            env=env, check=True)
    return result.stdout.strip()


def test_rare_shapes_go_to_dateparser() -> None:
    out = _subprocess("""
        import sys
        from datetime import date
        from tasktrack.parse.infer import infer_due
        print(infer_due("Send the quote by 15.01.2026", date(2025, 12, 19)), "dateparser" in sys.modules)
    """)
    assert out == "2026-01-15 True"


def test_common_phrases_and_listing_never_import_dateparser(make_vault: Callable[..., Path]) -> None:
    items = "".join(f"- [ ] {text} @Myself\n" for text, _ in PHRASES if "15.01" not in text)
    vault = make_vault({f"Meetings/2025-12-{d:02d} Sync.md": items for d in range(1, 11)})
    env = {**os.environ, "TASKTRACK_TODAY": "2026-01-05"}
    out = _subprocess(f"""
        import sys, io, json, contextlib
        from tasktrack.cli.main import main
        assert main(["--vault", {str(vault)!r}, "--db", {str(vault / "s.sqlite")!r}, "scan"]) == 0
        with contextlib.redirect_stdout(io.StringIO()) as buf:
            main(["--vault", {str(vault)!r}, "--db", {str(vault / "s.sqlite")!r}, "list", "--inferred",
                  "--due-before", "2026-01-01", "--json"])
        print(len(json.loads(buf.getvalue())) > 0, "dateparser" in sys.modules)
    """, env)
    assert out.splitlines()[-1] == "True False"


def test_scan_stores_inferred_dates_and_list_shows_them(make_vault: Callable[..., Path],
                                                       run_cli: Callable[..., object],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TASKTRACK_TODAY", "2026-01-05")
    vault = make_vault({
        "Meetings/2025-12-19 Sync.md": (
            "- [ ] Send the deck next week @Myself\n"
            "- [ ] Send the SOW by Jan 15 📅 2026-01-20\n"
            "- [x] Book the room tomorrow\n"
            "- [ ] Plan the offsite\n"
        ),
        "Undated.md": "- [ ] Send the deck next week\n",
    })
    listed = run_cli("--vault", vault, "list", "--path", "Meetings/*")
    assert listed.code == 0  # type: ignore[attr-defined]
    rows = {line.split()[-1]: line for line in listed.out_lines[1:]}  # type: ignore[attr-defined]
    assert "~2025-12-26" in rows["week"]
    assert "2026-01-20" in rows["15"] and "~" not in rows["15"]  # an explicit due date wins
    assert "~" not in rows["offsite"]
    inferred = run_cli("--vault", vault, "list", "--due-before", "2026-01-01", "--inferred", "--json").json()  # type: ignore[attr-defined]
    assert [t["description"] for t in inferred] == ["Send the deck next week"]
    assert inferred[0]["inferred_due"] == "2025-12-26"  # the last key of `tasks list --json`
    assert run_cli("--vault", vault, "list", "--due-before", "2026-01-01", "--json").json() == []  # type: ignore[attr-defined]
    shown = run_cli("--vault", vault, "show", inferred[0]["id"]).out  # type: ignore[attr-defined]
    assert "~2025-12-26  (inferred from its words)" in shown
    every = run_cli("--vault", vault, "list", "--all", "--json").json()  # type: ignore[attr-defined]
    assert len(every) == 5


def test_inference_is_kept_in_the_store_and_redone_for_changed_notes(make_vault: Callable[..., Path],
                                                                     run_cli: Callable[..., object]) -> None:
    vault = make_vault({"2025-12-19 Sync.md": "- [ ] Send the deck next week\n"})
    assert run_cli("--vault", vault, "scan").code == 0  # type: ignore[attr-defined]
    db = os.environ["TASKTRACK_DB"]

    def stored() -> list[str | None]:
        import sqlite3

        with sqlite3.connect(db) as con:
            return [r[0] for r in con.execute("SELECT inferred_due FROM tasks ORDER BY line")]

    assert stored() == ["2025-12-26"]
    (vault / "2025-12-19 Sync.md").write_text("- [ ] Send the deck by Jan 15\n- [ ] Nothing timed\n", encoding="utf-8")
    os.utime(vault / "2025-12-19 Sync.md", ns=(1, 1))
    assert run_cli("--vault", vault, "scan").code == 0  # type: ignore[attr-defined]
    assert stored() == ["2026-01-15", None]
    assert json.loads(json.dumps(stored())) == ["2026-01-15", None]
