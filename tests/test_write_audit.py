"""The write path on tricky notes: exactly the intended bytes change, and ``tasks undo`` gives the rest back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.usefixtures("fixed_today")

MakeVault = Callable[..., Path]
RunCli = Callable[..., Any]


def test_a_new_heading_takes_the_task_right_below_it_and_trailing_blank_lines_stay_last(
        run_cli: RunCli, make_vault: MakeVault) -> None:
    note = b"# Inbox\r\n- [ ] a\r\n\r\n\r\n"
    vault = make_vault({"Inbox.md": note})
    dry = run_cli("--vault", vault, "add", "--heading", "New", "call bob", "--dry-run")
    assert run_cli("--vault", vault, "add", "--heading", "New", "call bob").code == 0
    assert (vault / "Inbox.md").read_bytes() == b"# Inbox\r\n- [ ] a\r\n\r\n## New\r\n- [ ] call bob\r\n\r\n\r\n"
    assert dry.out == "Inbox.md:5\n+ - [ ] call bob\n(dry run: nothing written)\n"
    assert run_cli("--vault", vault, "undo").code == 0
    assert (vault / "Inbox.md").read_bytes() == note


def test_a_line_without_fields_takes_the_vaults_dataview_format(run_cli: RunCli, make_vault: MakeVault) -> None:
    """Obsidian Tasks set to the Dataview format reads no emoji fields: a date or priority written to a line that
    has no fields yet is written as a Dataview field there (a line with fields keeps their form)."""
    note = b"- [ ] x\n- [ ] y\n- [ ] z \xe2\x8f\xab\n"
    vault = make_vault({"N.md": note})
    settings = vault / ".obsidian" / "plugins" / "obsidian-tasks-plugin" / "data.json"
    settings.parent.mkdir(parents=True)
    settings.write_text('{"taskFormat": "dataview"}', encoding="utf-8")
    ids = {t["description"]: t["id"] for t in run_cli("--vault", vault, "list", "--json").json()}
    assert run_cli("--vault", vault, "done", ids["x"]).code == 0
    assert run_cli("--vault", vault, "priority", ids["y"], "high").code == 0
    assert run_cli("--vault", vault, "due", ids["z"], "2026-12-01").code == 0
    assert (vault / "N.md").read_text(encoding="utf-8") == (
        "- [x] x  [completion:: 2026-11-22]\n- [ ] y  [priority:: high]\n- [ ] z ⏫ 📅 2026-12-01\n")
    for _ in range(3):
        assert run_cli("--vault", vault, "undo").code == 0
    assert (vault / "N.md").read_bytes() == note
