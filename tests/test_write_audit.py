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
