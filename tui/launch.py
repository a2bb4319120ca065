"""Opening a note elsewhere: in ``$EDITOR`` at the task's line, or in Obsidian by its URL scheme."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

LINE_FLAG_EDITORS = ("vi", "vim", "nvim", "nano", "emacs", "emacsclient", "micro", "hx", "helix", "kak", "joe",
                     "mg", "ne", "pico")
GOTO_EDITORS = ("code", "codium", "subl", "zed")


def editor_command(editor: str, path: Path, line: int) -> list[str]:
    """The command line that opens ``path`` at ``line`` in ``editor`` (``$EDITOR`` may carry arguments)."""
    words = shlex.split(editor)
    name = Path(words[0]).name if words else ""
    if name == "subl":
        return [*words, f"{path}:{line}"]
    if name in GOTO_EDITORS:
        return [*words, "--goto", f"{path}:{line}"]
    if name in LINE_FLAG_EDITORS:
        return [*words, f"+{line}", str(path)]
    return [*words, str(path)]


def find_editor() -> str | None:
    return os.environ.get("VISUAL") or os.environ.get("EDITOR") or next(
        (e for e in ("nano", "vi") if shutil.which(e)), None)


def opener() -> list[str] | None:
    if sys.platform == "darwin":
        return ["open"]
    if sys.platform.startswith("win"):
        return ["cmd", "/c", "start", ""]
    found = shutil.which("xdg-open")
    return [found] if found else None


def open_url(url: str) -> bool:
    """Hand the URL to the desktop; False when there is nothing to hand it to."""
    command = opener()
    if command is None:
        return False
    try:
        subprocess.Popen([*command, url], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    except OSError:
        return False
    return True
