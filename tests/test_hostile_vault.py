"""Vaults that fight back: what cannot be read is said on stderr, and no task is hidden without a word."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
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


# -- pipes and devices where a note or a setting should be: never waited on, never read without end ---------


def _limited_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))


def tasks(vault: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``tasks`` in its own process, which a test can give up on (a read that waits forever would hang it)."""
    return subprocess.run([sys.executable, "-m", "tasktrack", "--vault", str(vault), *args], capture_output=True,
                          text=True, timeout=20, preexec_fn=_limited_memory)


def notes(vault: Path) -> dict[Path, bytes]:
    """The bytes of every regular file in the vault (a pipe is not opened: that would wait for a writer)."""
    return {path: path.read_bytes() for path in vault.rglob("*") if path.is_file()}


@pytest.mark.parametrize("kind", ["pipe", "device"])
@pytest.mark.parametrize("command", [["add", "call back", "--to", "odd.md"],
                                     ["agenda", "Morty", "--write", "--to", "odd.md"]])
def test_a_pipe_or_device_as_the_note_to_write_is_one_line(fixture_vault: Path, command: list[str],
                                                           kind: str) -> None:
    if kind == "pipe":
        os.mkfifo(fixture_vault / "odd.md")
    else:
        (fixture_vault / "odd.md").symlink_to("/dev/zero")
    before = notes(fixture_vault)
    done = tasks(fixture_vault, *command)
    assert (done.returncode, done.stdout) == ((8, "") if command[0] == "add" else (6, ""))
    assert done.stderr.endswith(": not a regular file (a folder, a pipe or a device)"
                                + ("; nothing written\n" if command[0] == "add" else "\n")), done.stderr
    assert done.stderr.startswith("tasks: ") and done.stderr.count("\n") == 1
    assert notes(fixture_vault) == before


def test_a_pipe_as_the_tasks_plugin_settings_is_read_as_empty(fixture_vault: Path) -> None:
    plugin = fixture_vault / ".obsidian" / "plugins" / "obsidian-tasks-plugin"
    plugin.mkdir(parents=True)
    os.mkfifo(plugin / "data.json")
    done = tasks(fixture_vault, "list", "--format", "ids")
    assert (done.returncode, done.stderr, len(done.stdout.splitlines())) == (0, "", 20)
    setup = tasks(fixture_vault, "lint", "--obsidian-setup", "--write")
    assert (setup.returncode, setup.stdout) == (8, "")
    assert setup.stderr == (f"tasks: cannot read {plugin / 'data.json'}: not a regular file (a folder, a pipe or a "
                            "device); nothing written\n")
