"""``tasks tui`` in a real terminal: tmux runs it, keys go in, the screen comes back as text."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from test_tui_support import MEETING, NOTES

pytestmark = [
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
    pytest.mark.usefixtures("fixed_today"),
]


class Tmux:
    def __init__(self, socket: Path) -> None:
        self.socket = socket

    def __call__(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-S", str(self.socket), "-f", os.devnull, *args],
                              capture_output=True, text=True, timeout=20, check=False)
        return done.stdout

    def screen(self) -> str:
        return self("capture-pane", "-p")

    def wait_for(self, text: str, timeout: float = 15.0) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never showed; the screen:\n{self.screen()}")


@pytest.fixture
def tmux(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tmux]:
    session = Tmux(tmp_path_factory.mktemp("tmux") / "socket")
    yield session
    session("kill-server")


def test_tasks_tui_in_a_real_terminal(tmux: Tmux, make_vault: Callable[..., Path]) -> None:
    vault = make_vault(NOTES)
    env = {k: v for k, v in os.environ.items() if k.startswith(("TASKTRACK_", "XDG_", "HOME"))}
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    tasks = shlex.quote(str(Path(sys.executable).with_name("tasks")))
    command = f"env {exports} TERM=xterm-256color {tasks} --vault {shlex.quote(str(vault))} tui"
    tmux("new-session", "-d", "-x", "160", "-y", "45", command)
    shown = tmux.wait_for("6 proposed items await triage")
    assert "Inbox (6)" in shown and "Follow up with Louie" in shown, shown
    tmux("send-keys", "a")
    tmux.wait_for("accepted")
    assert "- [ ] Follow up with Louie" in (vault / MEETING).read_text(encoding="utf-8")
    tmux.wait_for("5 proposed items await triage")
    tmux("send-keys", "d")
    tmux.wait_for("Due date for this task")
    tmux("send-keys", "-l", "tomorrow")
    tmux.wait_for("Monday 2026-11-23")
    tmux("send-keys", "Enter")
    tmux.wait_for("due date set")
    assert "Work with Morty on NeoCloud-in-a-box user stories. @Myself ⏫ #task #proposed 📅 2026-11-23" in (
        vault / MEETING).read_text(encoding="utf-8")
    tmux("send-keys", "q")
    end = time.monotonic() + 10
    while "tasktrack" in tmux("list-sessions") and time.monotonic() < end:
        time.sleep(0.1)
