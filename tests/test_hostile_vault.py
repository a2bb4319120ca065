"""Vaults that fight back: what cannot be read is said on stderr, and no task is hidden without a word."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def deny(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], None]:
    """``deny(folder)``: listing that folder fails as a folder of mode 000 does for a user who is not root."""
    real = os.scandir
    denied: set[Path] = set()

    def scandir(path: Any = ".") -> Any:
        if Path(path) in denied:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    return denied.add


def test_a_folder_that_cannot_be_read_is_said_and_its_tasks_are_kept(fixture_vault: Path, deny: Any,
                                                                     run_cli: Callable[..., Any]) -> None:
    everything = run_cli("--vault", fixture_vault, "list", "--all", "--json").json()
    assert sum(t["path"].startswith("Customers/") for t in everything) == 2
    deny(fixture_vault / "Customers")
    line = "1 folder could not be read, so its notes were not scanned: Customers/ (Permission denied)"

    listed = run_cli("--vault", fixture_vault, "list", "--all", "--json")
    assert (listed.code, listed.err) == (0, f"tasks: {line}\n")
    assert listed.json() == everything
    digest = run_cli("--vault", fixture_vault, "digest")
    assert (digest.code, digest.err) == (0, f"tasks: {line}\n")
    scan = run_cli("--vault", fixture_vault, "scan", "--json").json()
    assert (scan["notes"], scan["gone"], scan["tasks"]) == (8, 0, 22)
    assert {"path": None, "line": None, "message": line} in scan["warnings"]


def test_a_vault_that_cannot_be_read_is_one_line(fixture_vault: Path, deny: Any, run_cli: Callable[..., Any]) -> None:
    deny(fixture_vault)
    result = run_cli("--vault", fixture_vault, "list")
    assert (result.code, result.out) == (3, "")
    assert result.err == f"tasks: vault '{fixture_vault}' (from --vault) cannot be read: Permission denied\n"
