"""The `tasks list` and `tasks query` tables: columns measured in terminal cells, cut on a terminal, and long ones
shown through the pager on a terminal only."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

WIDE_NOTES = {
    "会議.md": "- [ ] 会議の準備をする @山田太郎 📅 2026-12-01\n",
    "W.md": "- [ ] 🚀 Launch the site @bob\n- [ ] Write the ⚠️ plan @alice\n",
}


def _ids(run_cli: Callable[..., Any], vault: Path) -> list[str]:
    return list(run_cli("--vault", vault, "list", "--sort", "path", "--format", "ids").out_lines)


def test_wide_characters_line_up_by_cell_width(make_vault: Callable[..., Path], run_cli: Callable[..., Any]) -> None:
    vault = make_vault(WIDE_NOTES)
    w1, w2, kaigi = _ids(run_cli, vault)
    result = run_cli("--vault", vault, "list", "--sort", "path")
    assert result.code == 0
    assert result.out_lines == [
        "ID       STATUS  PRI  DUE         OWNERS    WHERE      DESCRIPTION",
        f"{w1}  open                     bob       W.md:1     🚀 Launch the site",
        f"{w2}  open                     alice     W.md:2     Write the ⚠️ plan",
        f"{kaigi}  open         2026-12-01  山田太郎  会議.md:1  会議の準備をする",
    ]


def test_terminal_cuts_wide_descriptions_by_cell_width(make_vault: Callable[..., Path], run_cli: Callable[..., Any],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault({"N.md": "- [ ] 会議の準備をする前に資料を全部読んでおく @bob\n"})
    (task_id,) = _ids(run_cli, vault)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("LINES", "40")
    result = run_cli("--vault", vault, "list")
    # the description gets 80 - 43 (the other columns and their gaps) = 37 cells: 18 wide characters and `…`
    assert result.out_lines == [
        "ID       STATUS  PRI  DUE  OWNERS  WHERE   DESCRIPTION",
        f"{task_id}  open              bob     N.md:1  会議の準備をする前に資料を全部読んで…",
        "1 task",
    ]


@pytest.fixture
def fake_pager(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """$PAGER is a script that writes what it is given to the file returned (which is not there until then)."""
    got = tmp_path / "paged.txt"
    script = tmp_path / "pager.sh"
    script.write_text(f"#!/bin/sh\ncat > '{got}'\n", encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("PAGER", str(script))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("LINES", "3")  # the table (a header, 3 tasks, the count) is taller than the screen
    return got


def test_long_table_goes_through_the_pager_on_a_terminal(make_vault: Callable[..., Path],
                                                         run_cli: Callable[..., Any], fake_pager: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault(WIDE_NOTES)
    piped = run_cli("--vault", vault, "list", "--sort", "path")
    assert not fake_pager.exists()
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setenv("LINES", "40")
    fits = run_cli("--vault", vault, "list", "--sort", "path")
    assert (fits.out, fake_pager.exists()) == (piped.out + "3 tasks\n", False)
    monkeypatch.setenv("LINES", "3")
    result = run_cli("--vault", vault, "list", "--sort", "path")
    assert (result.code, result.out) == (0, "")
    assert fake_pager.read_text(encoding="utf-8") == piped.out + "3 tasks\n"


def test_query_table_goes_through_the_pager_on_a_terminal(make_vault: Callable[..., Path],
                                                          run_cli: Callable[..., Any], fake_pager: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault(WIDE_NOTES)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    result = run_cli("--vault", vault, "query", "not done\nsort by path")
    assert (result.code, result.out) == (0, "")
    paged = fake_pager.read_text(encoding="utf-8").splitlines()
    assert (paged[0].split(), paged[-1]) == (["ID", "STATUS", "PRI", "DUE", "OWNERS", "WHERE", "DESCRIPTION"],
                                             "3 tasks")


@pytest.mark.parametrize("command", [["list"], ["query", "not done"]])
def test_no_pager_writes_the_table_to_the_terminal(make_vault: Callable[..., Path], run_cli: Callable[..., Any],
                                                   fake_pager: Path, monkeypatch: pytest.MonkeyPatch,
                                                   command: list[str]) -> None:
    vault = make_vault(WIDE_NOTES)
    assert run_cli("--vault", vault, "scan").code == 0  # not a first scan: no line of what to try next
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    result = run_cli("--vault", vault, *command, "--no-pager")
    assert (result.code, len(result.out_lines), result.out_lines[-1]) == (0, 5, "3 tasks")
    assert not fake_pager.exists()

