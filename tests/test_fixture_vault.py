"""The vault the README's first command lists: a product manager's meetings, accounts, project, day and inbox."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO

MICROSOFT = "Meetings/2025-12-19 Microsoft strategy and SCO prep.md"
LAMBDA = "Meetings/2026-01-06 Lambda NeoCloud-in-a-box sync.md"
XAI = "Meetings/2026-01-08 xAI POC kickoff.md"
PROJECT = "Projects/Building an AI cloud with VAST.md"

pytestmark = pytest.mark.usefixtures("fixed_today")


def readme_first_command() -> list[str]:
    """The words of the README's first command after `.venv/bin/tasks`."""
    first = next(line for line in (REPO / "README.md").read_text(encoding="utf-8").splitlines()
                 if line.startswith("    "))
    return first.split(".venv/bin/tasks ", 1)[1].split()


def test_the_first_command_lists_a_week_of_work(copy_vault: Callable[[Path, str], Path],
                                                run_cli: Callable[..., Any]) -> None:
    assert readme_first_command() == ["--vault", "fixtures/vault", "list"]
    vault = copy_vault(REPO / "fixtures" / "vault", "vault")
    result = run_cli("--vault", vault, "list", "--json", "--sort", "path")
    assert (result.code, result.err) == (0, "")
    assert [(t["path"], t["line"], t["status"], t["owners"], t["priority"], t["due"], t["inferred_due"],
             t["description"]) for t in result.json()] == [
        ("Customers/xAI.md", 28, "open", [], "medium", None, None,
         "Write the POC success criteria with Rick and get xAI to sign off on them"),
        ("Daily/2026-01-08.md", 12, "open", [], "normal", "2026-01-09", None,
         "Read engineering's write-up on the Azure Key Vault gap"),
        ("Daily/2026-01-08.md", 13, "in_progress", [], "normal", None, None,
         "Outline the SCO talk: why VAST, where it's going, multi-tenancy best practices"),
        ("Daily/2026-01-08.md", 15, "open", [], "normal", None, "2026-01-09",
         "Reply to Jeff about Microsoft's January decision timeline tomorrow"),
        ("Inbox.md", 3, "open", [], "normal", None, None, "Read the SemiAnalysis piece on Microsoft's capacity push"),
        ("Inbox.md", 4, "open", [], "normal", None, None, "Ask finance for the flash price update next Monday"),
        (MICROSOFT, 26, "proposed", ["Myself"], "normal", None, None,
         "Follow up with Louie (OpenAI data acquisition) and send a relevant VAST blog/link (e.g., event "
         "streaming/Kafka-related) to try to re-engage and advance parallel conversations."),
        (MICROSOFT, 27, "proposed", ["Myself"], "high", None, "2026-02-19",
         "Work with Morty to crystallize NeoCloud-in-a-box user stories and market messaging over the next two "
         "months, and help him make progress on the NeoCloud market-shaping plan."),
        (MICROSOFT, 28, "proposed", ["Myself"], "normal", None, "2025-12-19",
         "Ask Morty in today's 1:1 for details on Lambda’s plan to launch the full VAST portfolio and how NeoCloud "
         "roadmaps evolve beyond GPU-only services."),
        (MICROSOFT, 29, "proposed", ["Myself"], "high", None, None,
         "Prepare SCO session content for a 45-minute talk on 'building an AI cloud with VAST' (why VAST is used, "
         "where it’s going, multi-tenancy best practices, and control plane direction) aimed at NeoCloud audiences."),
        (MICROSOFT, 30, "proposed", ["Myself"], "high", None, None,
         "Develop a near-term roadmap and 'attack vectors' for expanding Microsoft business development "
         "(sell-to/sell-with/sell-through), including mapping first-party Azure services and integration "
         "opportunities."),
        (LAMBDA, 27, "proposed", ["Myself"], "high", None, "2026-01-09",
         "Send Morty the draft NeoCloud-in-a-box user stories by Friday so he can test them with Lambda before the "
         "partner call."),
        (LAMBDA, 28, "proposed", ["Morty"], "normal", None, None,
         "Share Lambda's launch timeline and the storage tiers they plan to sell alongside GPU capacity."),
        (LAMBDA, 29, "proposed", ["Myself"], "normal", "2026-01-16", None,
         "Set up a working session with Lambda's platform team on tenant isolation and the control plane roadmap."),
        (XAI, 28, "proposed", ["Myself"], "high", None, "2026-01-16",
         "Confirm the ship date of the POC hardware with supply chain before the end of next week, given the flash "
         "shortage."),
        (XAI, 29, "proposed", ["Rick"], "normal", None, None,
         "Send xAI the vector database sizing questionnaire and collect their index sizes."),
        (XAI, 30, "proposed", ["Myself"], "normal", None, None,
         "Write the POC success criteria with Rick and get xAI's sign-off before the hardware lands."),
        (PROJECT, 35, "open", [], "normal", None, None, "Draft session narrative and agenda for SCO"),
        (PROJECT, 36, "open", [], "normal", None, None,
         "Coordinate with Morty/NeoCloud work to ensure accurate roadmap and examples"),
        (PROJECT, 37, "open", [], "normal", None, None,
         "Ensure content assumes mixed audience (not all already VAST storage users); audience is camera/YouTube"),
    ]


def test_the_fixture_vault_is_a_vault_with_its_finished_tasks_and_decisions_left_out(
        copy_vault: Callable[[Path, str], Path], run_cli: Callable[..., Any]) -> None:
    vault = copy_vault(REPO / "fixtures" / "vault", "vault")
    assert (vault / ".obsidian").is_dir()
    finished = run_cli("--vault", vault, "list", "--json", "--sort", "path", "--status", "done").json()
    assert [(t["path"], t["line"], t["done"]) for t in finished] == [
        ("Customers/xAI.md", 29, "2026-01-05"), ("Daily/2026-01-08.md", 14, "2026-01-08")]
    notes = [p.read_text(encoding="utf-8") for p in vault.rglob("*.md")]
    assert sum(len(re.findall(r"^- [✅❌] ", text, re.M)) for text in notes) == 9
    assert not [t for t in run_cli("--vault", vault, "list", "--all", "--json").json()
                if t["description"].startswith(("✅", "❌"))]


NEXT = ("next: `tasks tui` to triage on screen, `tasks digest` for the day, `tasks accept ID` to keep a proposed "
        "item")


def test_a_first_list_on_a_terminal_only_ends_with_what_to_try_next(
        copy_vault: Callable[[Path, str], Path], run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    vault = copy_vault(REPO / "fixtures" / "vault", "vault")
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    first = run_cli("--vault", vault, "list")
    assert (first.code, first.err) == (0, "")
    assert first.out_lines[-2:] == ["\x1b[2m20 tasks\x1b[0m", f"\x1b[2m{NEXT} (each with --vault {vault})\x1b[0m"]
    again = run_cli("--vault", vault, "list")
    assert again.out_lines[-1] == "\x1b[2m20 tasks\x1b[0m"
    assert again.out_lines[:-1] == first.out_lines[:-2]
    monkeypatch.setenv("NO_COLOR", "1")
    store = tmp_path / "new store.sqlite"
    plain = run_cli("--db", store, "--vault", vault, "list")
    assert plain.out_lines[-2:] == ["20 tasks", f"{NEXT} (each with --vault {vault} --db '{store}')"]
    for args in (["--format", "json"], ["--format", "ids"], ["--group-by", "note", "--json"]):
        result = run_cli("--db", tmp_path / f"{args[1]}.sqlite", "--vault", vault, "list", *args)
        assert result.code == 0
        assert "tasks tui" not in result.out
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False)
    piped = run_cli("--db", tmp_path / "piped.sqlite", "--vault", vault, "list")
    assert piped.code == 0
    assert len(piped.out_lines) == 1 + 20
    assert "tasks tui" not in piped.out
