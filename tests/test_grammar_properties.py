"""Property-based tests: parsing never raises, and a line's segments put back together give the line."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasktrack.model import PRIORITIES
from tasktrack.parse.grammar import Segment, TaskLine, parse_line
from tasktrack.parse.scanner import identity_key, split_lines
from tasktrack.parse.structure import list_items

SEGMENT_KINDS = {
    "prefix", "marker", "gap", "checkbox", "text", "space", "field", "tag", "owner", "block_id", "trailing",
}

PREFIXES = st.sampled_from(["", " ", "  ", "    ", "\t", "\t\t", "> ", ">", ">> ", "> > ", " > ", ">\t", "> [!note] "])
MARKERS = st.sampled_from(["-", "*", "+", "1.", "2)", "10.", "-[", "", "•"])
GAPS = st.sampled_from([" ", "  ", "", "\t", "\u00a0"])
CHECKBOXES = st.sampled_from(
    ["[ ]", "[x]", "[X]", "[/]", "[-]", "[?]", "[ ?]", "[>]", "[]", "[ x ]", "[🎉]", "[[", "[\u00a0]", "[#task]"]
)
EMOJI = ["🔺", "⏫", "🔼", "🔽", "⏬", "📅", "📆", "🗓", "⏳", "⌛", "🛫", "➕", "✅", "❌", "🔁", "🏁", "🆔", "⛔"]
PIECES = st.one_of(
    st.sampled_from(EMOJI),
    st.sampled_from(EMOJI).map(lambda e: e + "\ufe0f"),
    st.sampled_from(["2024-01-01", "2023-02-30", "2024-1-1", "9999-99-99", "every week", "when done", "delete",
                     "abc_1", "a1, b2", "keep"]),
    st.sampled_from(["#tag", "#v1.2", "#123", "#a/b", "##", "#", "(#5)", "http://x/#frag", "#task", "#proposed"]),
    st.sampled_from(["@Myself", "@Alice.", "bob@example.com", "@", "(@Carol)", "@Jean-Luc"]),
    st.sampled_from(["^blk", "^abc-123", " ^x", "^", "^a_b", "text^id"]),
    st.sampled_from(["[due:: 2024-01-01]", "(priority:: high)", "[owner:: Dana Scully]", "[repeat:: every day]",
                     "[completion::2024-02-02]", "[client:: Contoso]", "[due::", "(priority:: )", "[x:: y]",
                     "[owner:: @Ann, Bo]", "[due:: 2026-13-01]"]),
    st.sampled_from([" ", "  ", "\t", "\u00a0", "\u200b", "\ufe0f", "\r", ",", ".", "[", "]", "(", ")", ":"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=6),
)
BODIES = st.lists(PIECES, max_size=14).map(" ".join)
TASKISH = st.builds(lambda p, m, g, c, b: f"{p}{m}{g}{c} {b}", PREFIXES, MARKERS, GAPS, CHECKBOXES, BODIES)
ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=200).map(
    lambda s: s.replace("\n", " ")
)


def check_invariants(line: str, task: TaskLine | None) -> None:
    if task is None:
        return
    assert task.text == line
    segs = task.segments
    assert segs, line
    assert segs[0].start == 0
    assert segs[-1].end == len(line)
    for a, b in itertools.pairwise(segs):
        assert a.end == b.start, (line, a, b)
    for seg in segs:
        assert isinstance(seg, Segment)
        assert seg.kind in SEGMENT_KINDS
        assert seg.start <= seg.end
    assert "".join(line[s.start : s.end] for s in segs) == line
    assert task.priority in PRIORITIES
    assert all(len(v) == 10 for v in task.dates.values())
    assert line[segs[0].end :].startswith(task.marker)
    assert task.description == "".join(line[s.start : s.end] for s in segs if s.kind == "text")
    for name, value in task.dates.items():
        leftmost = next(s for s in segs if s.kind == "field" and s.name == name)  # the one that wins
        assert value in line[leftmost.start : leftmost.end]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_TEXT)
def test_parse_never_raises_on_any_text(line: str) -> None:
    check_invariants(line, parse_line(line))


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TASKISH)
def test_task_like_lines_round_trip(line: str) -> None:
    check_invariants(line, parse_line(line))


@settings(max_examples=300, deadline=None)
@given(BODIES)
def test_every_body_after_a_checkbox_is_a_task(body: str) -> None:
    line = f"- [ ] {body}".replace("\n", " ")
    task = parse_line(line)
    assert task is not None
    check_invariants(line, task)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(TASKISH, ANY_TEXT, st.sampled_from(["```", "~~~", "<!--", "-->", "%%", "---", "", "# H"])),
                max_size=25))
def test_block_structure_never_raises(lines: list[str]) -> None:
    text = "\n".join(lines)
    split = split_lines(text)
    items = list(list_items(split))
    numbers = [i.line for i in items]
    assert numbers == sorted(set(numbers))
    for item in items:
        assert 0 <= item.line < len(split)
        assert item.parent is None or 0 <= item.parent < item.line


IMPOSSIBLE = "due: impossible date '2023-02-30' (kept as written)"
FIELDS = "line, description, priority, dates, recurrence, owners, tags, block_id, warnings"


@pytest.mark.parametrize(FIELDS, [
    ("- [ ] a⏫📅 2024-01-01 #x", "a", "high", {"due": "2024-01-01"}, None, (), ("#x",), None, []),
    ("- [ ] do #x📅 2024-01-01", "do #x📅 2024-01-01", "normal", {}, None, (), ("#x📅",), None, []),
    ("- [ ] x #t  ^id", "x #t ", "normal", {}, None, (), ("#t",), "id", []),
    ("- [ ] x [due:: 2024-01-01]", "x", "normal", {"due": "2024-01-01"}, None, (), (), None, []),
    ("- [ ] @a@b ⏫", "@a@b", "high", {}, None, ("a",), (), None, []),
    ("- [ ] #x⏫", "", "normal", {}, None, (), ("#x⏫",), None, []),
    ("- [ ]  ^id", "", "normal", {}, None, (), (), "id", []),
    ("- [ ] 🔁 every day 📅 2023-02-30 📅 2024-01-01 #p", "", "normal", {}, "every day", (), ("#p",), None,
     [IMPOSSIBLE]),
    ("- [ ] Send the deck to bob@Myself ⏫ #task #proposed", "Send the deck to bob@Myself", "high", {}, None, (),
     ("#task", "#proposed"), None, []),
    ("- [ ] Ping x#task then @Myself ⏫ #task #proposed", "Ping x#task then", "high", {}, None, ("Myself",),
     ("#task", "#proposed"), None, []),
    ("- [ ] Send the deck (@Myself ⏫ #task #proposed", "Send the deck (", "high", {}, None, ("Myself",),
     ("#task", "#proposed"), None, []),
    ("- [ ] Café @Myself ⏫ #task #proposed", "Café", "high", {}, None, ("Myself",), ("#task", "#proposed"), None,
     []),
])
def test_fields_of_glued_and_dataview_lines(line: str, description: str, priority: str, dates: dict[str, str],
                                            recurrence: str | None, owners: tuple[str, ...], tags: tuple[str, ...],
                                            block_id: str | None, warnings: list[str]) -> None:
    task = parse_line(line)
    assert task is not None
    assert (task.description, task.priority, task.dates, task.recurrence, task.owners, task.tags, task.block_id,
            task.warnings) == (description, priority, dates, recurrence, owners, tags, block_id, warnings)


# What identity_key drops (tags, owners, inline fields), as one regex; the scanner reads the same in linear time.
KEY_DROP_RE = re.compile(
    r"(?:(?<!\S)#[^\s!@#$%^&*(),.?\":{}|<>]+|(?<![^\s(\[{\"'])@\w(?:[\w.'-]*\w)?|[\[(][^\])]*::[^\])]*[\])])"
)
BLANKS = st.sampled_from([" ", "  ", "\t", "\n", "\x0b", "\x1f", "\x85", "\xa0", "\u2000", "\u2028", "\u3000"])


@given(st.lists(st.one_of(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=6), BLANKS,
                          st.sampled_from(["[", "]", "(", ")", "::", "#t", "@A", "[due:: "])),
                max_size=8).map("".join))
def test_the_identity_key_shortcut_keeps_what_splitting_gives(text: str) -> None:
    """A description of single spaces and printable characters is taken as it is; any other is split."""
    dropped = KEY_DROP_RE.sub(" ", text) if "#" in text or "@" in text or "::" in text else text
    assert identity_key(text) == " ".join(dropped.split()).casefold()
