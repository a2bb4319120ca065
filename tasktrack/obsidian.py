"""How Obsidian names a note from outside: its ``obsidian://`` URL (the TUI opens it, exports link to it)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote


def obsidian_url(vault: Path, relative: str) -> str:
    """``obsidian://open?vault=NAME&file=PATH`` (the vault by its folder name, the file without ``.md``)."""
    file = relative[:-3] if relative.endswith(".md") else relative
    return f"obsidian://open?vault={quote(vault.name, safe='')}&file={quote(file, safe='')}"
