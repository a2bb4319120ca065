"""``[keys]`` remaps: `tasks config` shows every action's key and where it came from; a key given to two actions,
or to an action and a key the TUI needs itself, stops both `tasks config` and `tasks tui` in one line naming both;
a name that is no action warns."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tasktrack.tui.keymap import built_in_keys
from tasktrack.tui.table import TaskTable
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

RunCli = Callable[..., Any]
WriteConfig = Callable[[str], Path]


@pytest.fixture
def vault(make_vault: Callable[..., Path]) -> Path:
    return make_vault({"Note.md": "- [ ] Call\n"})


@pytest.fixture
def no_tui(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tasktrack.tui.app.TaskTrackApp.run", lambda self: pytest.fail("the TUI started"))


def test_config_lists_each_action_with_its_key_and_where_it_came_from(run_cli: RunCli, vault: Path,
                                                                       config_file: WriteConfig) -> None:
    config_file('[keys]\naccept = "y"\ndue = "D, ctrl+d"\n')
    result = run_cli("--vault", vault, "config", "--json")
    assert (result.code, result.err) == (0, "")
    keys = result.json()["keys"]
    assert keys[:2] == [{"action": "view-inbox", "key": "1", "source": "default"},
                        {"action": "view-mine", "key": "2", "source": "default"}]
    assert {"action": "accept", "key": "y", "source": "config file"} in keys
    assert {"action": "due", "key": "D,ctrl+d", "source": "config file"} in keys
    assert {"action": "quit", "key": "q", "source": "default"} in keys
    text = run_cli("--vault", vault, "config").out_lines
    assert text[text.index("keys (the TUI)") + 8] == "  accept           y                (config file)"
    assert "  reject           r                (default)" in text


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ('accept = "y"\nreject = "y"', "tasks: config [keys]: the key 'y' is given to both accept and reject\n"),
        ('done = "a"', "tasks: config [keys]: the key 'a' is given to both accept and done\n"),
        ('accept = "k"', "tasks: config [keys]: the key 'k' is given to both accept and up (built in)\n"),
        ('quit = "q,ctrl+p"', "tasks: config [keys]: the key 'ctrl+p' is given to both quit and command-palette "
                              "(built in)\n"),
        ('view-done = "end"', "tasks: config [keys]: the key 'end' is given to both view-done and last (built in)\n"),
    ],
)
def test_a_key_given_twice_is_an_error_in_config_and_tui(run_cli: RunCli, vault: Path, config_file: WriteConfig,
                                                         no_tui: None, keys: str, message: str) -> None:
    config_file(f"[keys]\n{keys}\n")
    shown = run_cli("--vault", vault, "config")
    assert (shown.code, shown.err) == (2, message)
    assert "keys (the TUI)" in shown.out_lines  # what was resolved is still shown
    started = run_cli("--vault", vault, "tui")
    assert (started.code, started.out, started.err) == (2, "", message)


def test_an_unknown_action_warns(run_cli: RunCli, vault: Path, config_file: WriteConfig,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    path = config_file('[keys]\naccept = "y"\naccpet = "z"\n')
    warning = f"tasks: warning: unknown action 'accpet' in [keys] of {path}\n"
    result = run_cli("--vault", vault, "config", "--json")
    assert (result.code, result.err) == (0, warning)
    monkeypatch.setattr("tasktrack.tui.app.TaskTrackApp.run", lambda self: None)
    assert run_cli("--vault", vault, "tui").err == warning


def test_the_built_in_keys_are_the_ones_the_tui_binds() -> None:
    bound = [*App.BINDINGS, *Screen.BINDINGS, *TaskTable.BINDINGS, Binding(App.COMMAND_PALETTE_BINDING, "")]
    keys = {key for binding in bound if isinstance(binding, Binding) for key in binding.key.split(",")}
    assert keys - {"super+c"} == set(built_in_keys())


def test_config_does_not_import_textual(vault: Path, config_file: WriteConfig) -> None:
    config_file('[keys]\naccept = "y"\n')
    code = ("import sys\nfrom tasktrack.cli.main import main\n"
            f"rc = main(['--vault', {str(vault)!r}, 'config', '--json'])\n"
            "print(rc, 'textual' in sys.modules, 'watchfiles' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ),
                          timeout=60, check=False)
    assert (done.stdout.splitlines()[-1], done.stderr) == ("0 False False", "")
