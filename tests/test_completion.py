"""Shell completion: the scripts ``tasks completion SHELL`` prints, and the words the completer offers (run as the
shell runs it, through argcomplete's ``_ARGCOMPLETE`` environment protocol)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

RunCli = Callable[..., Any]

NOTES = {
    "Projects/Plan.md": "- [ ] Plan the budget @Bob #budget\n- [ ] Book a room [owner:: Dana Scully] #rooms\n",
    "Projects/Pilot.md": "- [?] Propose a pilot @Alice #budget/q1\n",
    "Inbox.md": "- [ ] Call Erez\n",
}
MAIN = "from tasktrack.cli.main import main; main()"


@pytest.fixture
def vault(make_vault: Callable[..., Path], run_cli: RunCli) -> Path:
    root = make_vault(NOTES)
    assert run_cli("--vault", root, "scan").code == 0
    return root


def _complete(line: str, tmp_path: Path, *python_flags: str) -> tuple[list[str], str]:
    """The words offered for the command line ``line`` (the cursor at its end), and what went to stderr."""
    out = tmp_path / "completions"
    env = {**os.environ, "_ARGCOMPLETE": "1", "_ARGCOMPLETE_SHELL": "bash", "_ARGCOMPLETE_IFS": "\n",
           "_ARGCOMPLETE_STDOUT_FILENAME": str(out), "COMP_LINE": line, "COMP_POINT": str(len(line))}
    done = subprocess.run([sys.executable, *python_flags, "-c", MAIN], env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    return [word.rstrip(" ") for word in text.split("\n")] if text else [], done.stderr  # a lone word ends in " "


def _ids(run_cli: RunCli, vault: Path) -> dict[str, str]:
    return {t["description"]: t["id"] for t in run_cli("--vault", vault, "list", "--all", "--json").json()}


@pytest.mark.parametrize(("shell", "marker"), [
    ("bash", "complete -o nospace -o default -o bashdefault -F _python_argcomplete tasks"),
    ("zsh", "#compdef tasks"),
    ("fish", "complete --command tasks"),
])
def test_completion_script(run_cli: RunCli, shell: str, marker: str) -> None:
    result = run_cli("completion", shell)
    assert result.code == 0
    assert marker in result.out


def test_unknown_shell_is_a_usage_error(run_cli: RunCli) -> None:
    result = run_cli("completion", "tcsh")
    assert (result.code, result.out) == (2, "")


def test_completes_commands_and_options(tmp_path: Path, vault: Path) -> None:
    assert _complete("tasks sch", tmp_path)[0] == ["schedule"]
    assert _complete("tasks list --gr", tmp_path)[0] == ["--group-by"]
    assert _complete("tasks list --status in", tmp_path)[0] == ["in_progress"]
    assert _complete(f"tasks --vault {vault} priority abcd --to hi", tmp_path)[0] == ["highest", "high"]


def test_completes_task_ids_from_the_store(tmp_path: Path, vault: Path, run_cli: RunCli) -> None:
    ids = _ids(run_cli, vault)
    offered, _ = _complete(f"tasks --vault {vault} done ", tmp_path)
    assert sorted(set(offered) & set(ids.values())) == sorted(ids.values())
    first = ids["Plan the budget"]
    assert _complete(f"tasks --vault {vault} show {first[:5]}", tmp_path)[0] == [first]


def test_completes_owners_tags_and_notes(tmp_path: Path, vault: Path) -> None:
    assert _complete(f"tasks --vault {vault} list --owner ", tmp_path)[0] == [
        "me", "Alice", "Bob", "Dana\\ Scully"]
    assert _complete(f"tasks --vault {vault} list --tag '#bu", tmp_path)[0] == ["#budget", "#budget/q1"]
    assert _complete(f"tasks --vault {vault} add --to Projects/P", tmp_path)[0] == [
        "Projects/Pilot.md", "Projects/Plan.md"]


def test_completion_does_not_sync_or_make_a_store(tmp_path: Path, make_vault: Callable[..., Path]) -> None:
    vault = make_vault(NOTES, name="unscanned")
    offered, _ = _complete(f"tasks --vault {vault} done ", tmp_path)
    assert [word for word in offered if not word.startswith("-")] == []
    assert not Path(os.environ["TASKTRACK_DB"]).exists()


def test_completion_imports_neither_the_tui_nor_the_date_parser(tmp_path: Path, vault: Path) -> None:
    _, imports = _complete(f"tasks --vault {vault} done ", tmp_path, "-X", "importtime")
    assert "argcomplete" in imports
    assert "textual" not in imports and "dateparser" not in imports


def test_list_does_not_import_argcomplete(vault: Path) -> None:
    code = ("import sys; from tasktrack.cli.main import main; main(['--vault', sys.argv[1], 'list']); "
            "print('argcomplete' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code, str(vault)], capture_output=True, text=True, timeout=60,
                          check=True)
    assert done.stdout.splitlines()[-1] == "False"
