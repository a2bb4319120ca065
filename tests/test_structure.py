"""Which lines are list items (as Obsidian's parser decides) and which item encloses each one."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tasktrack.parse.grammar import parse_line
from tasktrack.parse.scanner import split_lines
from tasktrack.parse.structure import frontmatter_end, list_items

ATX_RE = re.compile(r"(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")  # CommonMark's ATX heading, as a regex


@given(st.text(st.sampled_from("## \t\ta\u00a0\\é"), max_size=14).map(lambda text: "#" + text))
@example("# ###")
@example("# #")
@example("####### seven")
@example("## Title ## ")
def test_a_heading_is_read_as_the_regex_reads_it(text: str) -> None:
    m = ATX_RE.match(text)
    items = list(list_items([text, "- [ ] task"]))
    assert [item.heading for item in items] == [None if m is None else (m.group(2) or "").strip()]


def task_lines(text: str) -> list[int]:
    """1-based numbers of the lines that are tasks."""
    lines = split_lines(text)
    return [i.line + 1 for i in list_items(lines, frontmatter_end(lines)) if parse_line(lines[i.line])]


def items(text: str) -> list[tuple[int, int | None]]:
    """(line, parent line), 1-based, of every list item."""
    lines = split_lines(text)
    return [(i.line + 1, None if i.parent is None else i.parent + 1) for i in list_items(lines, frontmatter_end(lines))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("```\n- [ ] a\n```\n- [ ] b", [4]),
        ("~~~\n- [ ] a\n~~~\n- [ ] b", [4]),
        ("````\n```\n- [ ] a\n````\n- [ ] b", [5]),
        ("~~~\n```\n- [ ] a\n~~~\n- [ ] b", [5]),
        ("```\n- [ ] a\n~~~\n- [ ] still code\n```\n- [ ] b", [6]),
        ("```\n- [ ] a\n```` \n- [ ] b", [4]),
        ("```\n- [ ] a\n``` x\n- [ ] still code", []),
        ("``` js\n- [ ] a\n```\n- [ ] b", [4]),
        ("```\n- [ ] never closed\n\n- [ ] still code", []),
        ("- [ ] a\n  ```\n  - [ ] in a fence in a list\n  ```\n- [ ] b", [1, 5]),
        ("> ```\n> - [ ] a\n> ```\n> - [ ] b", [4]),
        ("`inline` code\n- [ ] a", [2]),
        ("``not a fence``\n- [ ] a", [2]),
    ],
)
def test_fences(text: str, expected: list[int]) -> None:
    assert task_lines(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<!--\n- [ ] a\n-->\n- [ ] b", [4]),
        ("<!-- one line -->\n- [ ] b", [2]),
        ("<!--\n- [ ] a\n--> tail\n- [ ] b", [4]),
        ("%%\n- [ ] a\n%%\n- [ ] b", [4]),
        ("%% one line %%\n- [ ] b", [2]),
        ("%%\n- [ ] a\n- [ ] b %%\n- [ ] c", [4]),
        ("- [ ] a %% note %%\n- [ ] b <!-- note -->", [1, 2]),
    ],
)
def test_comments(text: str, expected: list[int]) -> None:
    assert task_lines(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Paragraph\n- [ ] a bullet may interrupt a paragraph", [2]),
        ("Paragraph\n1. [ ] an ordered list starting at 1 may interrupt it", [2]),
        ("Paragraph\n2. [ ] one starting at 2 may not", []),
        ("Paragraph\n\n2. [ ] after a blank line it may", [3]),
        ("- Root\n\u200b\t- [ ] zero-width space: a continuation", []),
        ("- Root\n\t- [ ] tab: a child", [2]),
        ("Paragraph\n\n    - [ ] indented code", []),
        ("Paragraph\n    - [ ] lazy continuation of the paragraph", []),
        ("- [ ] a\n    continuation\n- [ ] b", [1, 3]),
        ("# Heading\n- [ ] a", [2]),
        ("---\ntitle: x\n---\n- [ ] a", [4]),
        ("---\n- [ ] in frontmatter\n---\n- [ ] a", [4]),
        ("Text\n---\n- [ ] after a setext heading", [3]),
        ("***\n- [ ] after a rule", [2]),
        ("> [!todo] Callout title\n> - [ ] a\n>> - [ ] b", [2, 3]),
        ("- [ ] a\n\n\n- [ ] b after blank lines", [1, 4]),
    ],
)
def test_blocks(text: str, expected: list[int]) -> None:
    assert task_lines(text) == expected


def test_parents_by_indentation() -> None:
    text = (
        "- a\n"           # 1
        "  - b\n"         # 2
        "    - c\n"       # 3
        "  - d\n"         # 4
        "- e\n"           # 5
        "\t- f\n"         # 6
        "\n"              # 7
        "  - g\n"         # 8: after a blank line, still inside e
        "\n"              # 9
        "Paragraph\n"     # 10
        "\n"              # 11
        "1. h\n"          # 12
        "   1. i\n"       # 13
        "> - j\n"         # 14
        ">   - k\n"       # 15
    )
    assert items(text) == [
        (1, None), (2, 1), (3, 2), (4, 1), (5, None), (6, 5), (8, 5), (12, None), (13, 12), (14, None), (15, 14),
    ]


def test_frontmatter_end() -> None:
    assert frontmatter_end(["---", "a: 1", "---", "text"]) == 3
    assert frontmatter_end(["---", "a: 1"]) == 0
    assert frontmatter_end(["text", "---", "---"]) == 0
    assert frontmatter_end([]) == 0
