"""The query blocks of a note: ```` ```tasks ```` and ```` ```dataview ```` fenced code blocks (backticks or
tildes, three or more, closed by a fence of the same character at least as long)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_FENCE_RE = re.compile(r"\s{0,3}(`{3,}|~{3,})\s*([\w-]*)")


@dataclass(frozen=True)
class Block:
    language: str  # tasks or dataview
    line: int  # the 1-based line of the block's first line of text (after the opening fence)
    text: str


def query_blocks(lines: list[str]) -> list[Block]:
    """Every ``tasks`` and ``dataview`` block of a note's lines, in order. An unclosed block runs to the end of
    the note, as in Obsidian."""
    blocks: list[Block] = []
    number = 0
    while number < len(lines):
        m = _FENCE_RE.match(lines[number])
        number += 1
        if m is None:
            continue
        fence, language = m.group(1), m.group(2).lower()
        first = number
        while number < len(lines) and not _closes(lines[number], fence):
            number += 1
        if language in ("tasks", "dataview"):
            blocks.append(Block(language, first + 1, "\n".join(lines[first:number])))
        number += 1
    return blocks


def _closes(line: str, fence: str) -> bool:
    stripped = line.strip()
    return len(line) - len(line.lstrip()) <= 3 and stripped.startswith(fence) and set(stripped) == {fence[0]}
