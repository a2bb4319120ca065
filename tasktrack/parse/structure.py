"""Which lines of a note are list items, as Obsidian's markdown parser decides.

Obsidian (and so Obsidian Tasks and Dataview) only looks for checkboxes on lines its parser reports as
list items. This module replays enough of the CommonMark block structure to agree with it: YAML
frontmatter, fenced code (``` and ~~~, any length, also inside lists and quotes), indented code,
``<!-- -->`` and ``%% %%`` comments, paragraph continuations, blockquotes and callouts, and the list
nesting that gives each item its parent. It also tracks the heading each line sits under.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

_QUOTE_RE = re.compile(r"(?: {0,3}>[ \t]?)*")
_ITEM_RE = re.compile(r"(?P<marker>[-*+]|(?P<num>\d{1,9})[.)])(?P<space>[ \t]+|$)")
_ATX_OPEN_RE = re.compile(r"#{1,6}(?=[ \t]|$)")
_FENCE_RE = re.compile(r"(`{3,}|~{3,})(.*)$")
_HR_RE = re.compile(r"(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_SETEXT_RE = re.compile(r"(?:=+|-+)[ \t]*$")


class ListItem(NamedTuple):
    """A list item line: 0-based ``line``, the nearest enclosing item's line, the heading above it."""

    line: int
    parent: int | None
    heading: str | None


@dataclass(slots=True)
class _Open:
    content_col: int
    quote: int
    line: int


def frontmatter_end(lines: list[str]) -> int:
    """Number of lines taken by YAML frontmatter at the top of the note (0 when there is none)."""
    if not lines or lines[0].rstrip() != "---":
        return 0
    for i in range(1, len(lines)):
        if lines[i].rstrip() == "---":
            return i + 1
    return 0


def _heading(text: str) -> str | None:
    """The title of an ATX heading (``## Title ##``), or None when ``text`` is not one. The same as
    ``(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$`` matched at its start gives, stripped, without the
    regex trying each end of the title in turn."""
    opening = _ATX_OPEN_RE.match(text)
    if opening is None:
        return None
    title = text[opening.end() :].lstrip(" \t")
    trimmed = title.rstrip(" \t")
    end = len(trimmed)
    hashes = len(trimmed.rstrip("#"))
    if 0 < hashes < end and title[hashes - 1] in " \t":  # a closing run of #, after a blank
        end = len(title[:hashes].rstrip(" \t"))
    return title[:end].strip()


def _columns(text: str) -> tuple[int, int]:
    """(indent column with tabs to the next multiple of 4, number of leading whitespace chars)."""
    col = 0
    for i, ch in enumerate(text):
        if ch == " ":
            col += 1
        elif ch == "\t":
            col += 4 - col % 4
        else:
            return col, i
    return col, len(text)


def _may_interrupt(item: re.Match[str], text: str) -> bool:
    """A list item may interrupt a paragraph only if it is not empty and, if ordered, starts at 1."""
    if not text[item.end() :].strip():
        return False
    num = item.group("num")
    return num is None or int(num) == 1


class _Walker:
    """One pass over a note's lines, keeping the block state between lines."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.fence: tuple[str, int] | None = None
        self.html_comment = False
        self.pct_comment = False
        self.stack: list[_Open] = []
        self.heading: str | None = None
        self.prev_paragraph = False
        self.paragraph_text = ""
        self.indented_code = False  # whether the last line the walker met was indented code

    def items(self, start: int, stop: int) -> Iterator[ListItem]:
        for i in range(start, stop):
            item = self._line(i, self.lines[i])
            if item is not None:
                yield item

    def _line(self, i: int, line: str) -> ListItem | None:
        if self.pct_comment or self.html_comment or self.fence is not None:
            self._hidden(line)
            return None
        first = line[:1]
        if first.isalpha():  # text at column 0, the most common line: a paragraph
            self._paragraph(line, 0, 0)
            return None
        quote = 0
        rest = line
        if first in " \t>":
            quote_end = _QUOTE_RE.match(line).end()  # type: ignore[union-attr]  # the pattern matches ""
            quote = line.count(">", 0, quote_end)
            rest = line[quote_end:]
        if not rest or rest.isspace():
            self._blank()
            return None
        if rest[0] in " \t":
            col, ws = _columns(rest)
            return self._block(i, rest[ws:], col, quote)
        return self._block(i, rest, 0, quote)

    def _hidden(self, line: str) -> None:
        """A line inside a comment or a code fence: only look for its end."""
        if self.pct_comment:
            if line.count("%%") % 2:
                self.pct_comment = False
        elif self.html_comment:
            if "-->" in line:
                self.html_comment = False
        else:
            self._fence_line(line[_QUOTE_RE.match(line).end() :])  # type: ignore[union-attr]

    def _fence_line(self, rest: str) -> None:
        assert self.fence is not None
        char, length = self.fence
        body = rest.strip()
        if body and body[0] == char and len(body) >= length and body.rstrip(char) == "" and body == char * len(body):
            self.fence = None

    def _blank(self) -> None:
        self.prev_paragraph = False

    def _container(self, col: int, quote: int) -> int:
        """Drop open items this line is not inside of; return the content column it is measured from."""
        stack = self.stack
        while stack and (stack[-1].quote != quote or stack[-1].content_col > col):
            stack.pop()
        return stack[-1].content_col if stack else 0

    def _block(self, i: int, text: str, col: int, quote: int) -> ListItem | None:
        base = self._peek_container(col, quote)
        relative = col - base
        if relative >= 4:
            self._indented(col, quote)
            return None
        starts = text[:1]
        if starts in "`~" and self._open_fence(text, col, quote):
            return None
        if starts == "<" and text.startswith("<!--"):
            self._container(col, quote)
            self.html_comment = "-->" not in text[4:]
            self._end_paragraph()
            return None
        if starts == "%" and text.startswith("%%"):
            self._container(col, quote)
            self.pct_comment = text.count("%%") % 2 == 1
            self._end_paragraph()
            return None
        if starts == "#":
            heading = _heading(text)
            if heading is not None:
                self._container(col, quote)
                self.heading = heading
                self._end_paragraph()
                return None
        if starts in "-*+_=" and self._rule_or_setext(text, col, quote):
            return None
        item = _ITEM_RE.match(text)
        if item is not None and self._starts_item(item, text):
            return self._push_item(i, item, col, quote, text)
        self._paragraph(text, col, quote)
        return None

    def _peek_container(self, col: int, quote: int) -> int:
        for open_item in reversed(self.stack):
            if open_item.quote == quote and open_item.content_col <= col:
                return open_item.content_col
        return 0

    def _indented(self, col: int, quote: int) -> None:
        """Four columns past the container: indented code, or a lazy paragraph continuation."""
        if self.prev_paragraph:
            return
        self.indented_code = True
        self._container(col, quote)

    def _open_fence(self, text: str, col: int, quote: int) -> bool:
        m = _FENCE_RE.match(text)
        if m is None or (m.group(1)[0] == "`" and "`" in m.group(2)):
            return False
        self._container(col, quote)
        self.fence = (m.group(1)[0], len(m.group(1)))
        self._end_paragraph()
        return True

    def _rule_or_setext(self, text: str, col: int, quote: int) -> bool:
        if self.prev_paragraph and not self.stack and _SETEXT_RE.match(text):
            self.heading = self.paragraph_text.strip()
            self._end_paragraph()
            return True
        if _HR_RE.match(text):
            self._container(col, quote)
            self._end_paragraph()
            return True
        return False

    def _starts_item(self, item: re.Match[str], text: str) -> bool:
        return not self.prev_paragraph or bool(self.stack) or _may_interrupt(item, text)

    def _push_item(self, i: int, item: re.Match[str], col: int, quote: int, text: str) -> ListItem:
        self._container(col, quote)
        parent = self.stack[-1].line if self.stack else None
        space = item.group("space")
        space_cols = _columns(space)[0] if "\t" in space else len(space)
        if space_cols > 4 or not text[item.end() :].strip():
            space_cols = 1
        content_col = col + len(item.group("marker")) + space_cols
        self.stack.append(_Open(content_col, quote, i))
        self.prev_paragraph = True
        self.paragraph_text = ""
        return ListItem(i, parent, self.heading)

    def _paragraph(self, text: str, col: int, quote: int) -> None:
        if not self.prev_paragraph:
            self._container(col, quote)
        self.prev_paragraph = True
        self.paragraph_text = text

    def _end_paragraph(self) -> None:
        self.prev_paragraph = False
        self.paragraph_text = ""


def list_items(lines: list[str], start: int = 0, stop: int | None = None) -> Iterator[ListItem]:
    """The list items among ``lines`` (without line endings), from line ``start`` up to line ``stop``."""
    stop = len(lines) if stop is None else min(stop, len(lines))
    return _Walker(lines).items(start, stop)


class Hidden(NamedTuple):
    """A line Obsidian does not read as a list item although it may look like one: 0-based ``line``, what
    hides it (``fence``, ``comment``, ``indented code`` or ``paragraph``), and for a fence or a comment the
    0-based line that opens it and whether it is closed before the note ends."""

    line: int
    kind: str
    opened: int | None = None
    closed: bool = True


def hidden_lines(lines: list[str], start: int = 0, wanted: Callable[[str], bool] = bool) -> list[Hidden]:
    """The lines from ``start`` on for which ``wanted(line)`` is true that are not list items, and why: inside
    a code fence or a comment, indented code, or the continuation of a paragraph."""
    walker = _Walker(lines)
    found: list[Hidden] = []
    opened: int | None = None
    for i in range(start, len(lines)):
        inside = walker.fence is not None or walker.html_comment or walker.pct_comment
        kind = "fence" if walker.fence is not None else "comment"
        walker.indented_code = False
        item = walker._line(i, lines[i])
        if inside:
            if wanted(lines[i]):
                found.append(Hidden(i, kind, opened))
            continue
        if walker.fence is not None or walker.html_comment or walker.pct_comment:
            opened = i
        elif item is None and wanted(lines[i]):
            found.append(Hidden(i, "indented code" if walker.indented_code else "paragraph"))
    if walker.fence is not None or walker.html_comment or walker.pct_comment:
        found = [h._replace(closed=False) if h.opened == opened and h.kind in ("fence", "comment") else h
                 for h in found]
    return found
