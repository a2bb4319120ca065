"""The task line grammar: exact fields for the edge cases of the spec (section 5) and the requirement."""

from __future__ import annotations

from typing import Any

import pytest

from tasktrack.parse.grammar import Segment, TaskLine, is_task_line, parse_line


def parse(line: str) -> TaskLine:
    task = parse_line(line)
    assert task is not None, f"{line!r} should be a task line"
    assert "".join(task.text[s.start : s.end] for s in task.segments) == line
    return task


def fields(line: str) -> dict[str, Any]:
    """Everything the grammar reads from a line (segments are checked separately)."""
    t = parse(line)
    return {
        "prefix": t.prefix,
        "marker": t.marker,
        "symbol": t.symbol,
        "description": t.description,
        "priority": t.priority,
        "dates": t.dates,
        "recurrence": t.recurrence,
        "on_completion": t.on_completion,
        "task_id": t.task_id,
        "depends_on": t.depends_on,
        "owners": t.owners,
        "tags": t.tags,
        "block_id": t.block_id,
        "dataview": t.dataview,
        "warnings": t.warnings,
    }


def expect(**changes: Any) -> dict[str, Any]:
    """The fields of a plain ``- [ ] ...`` task, with ``changes`` applied."""
    base: dict[str, Any] = {
        "prefix": "", "marker": "-", "symbol": " ", "description": "", "priority": "normal", "dates": {},
        "recurrence": None, "on_completion": None, "task_id": None, "depends_on": (), "owners": (), "tags": (),
        "block_id": None, "dataview": False, "warnings": [],
    }
    base.update(changes)
    return base


def segments(line: str) -> list[tuple[str, str, str]]:
    t = parse(line)
    return [(s.kind, s.name, line[s.start : s.end]) for s in t.segments]


# -- the shape of a task line ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "prefix", "marker"),
    [
        ("- [ ] dash", "", "-"),
        ("* [ ] star", "", "*"),
        ("+ [ ] plus", "", "+"),
        ("1. [ ] numbered", "", "1."),
        ("12) [ ] paren", "", "12)"),
        ("  - [ ] two spaces", "  ", "-"),
        ("\t\t- [ ] tabs", "\t\t", "-"),
        ("> - [ ] quote", "> ", "-"),
        (">> - [ ] double quote", ">> ", "-"),
        ("> > - [ ] spaced quotes", "> > ", "-"),
        (" > - [ ] space before quote", " > ", "-"),
        (">\t- [ ] quote and tab", ">\t", "-"),
        (">     - [ ] indented in a callout", ">     ", "-"),
    ],
)
def test_markers_and_prefixes(line: str, prefix: str, marker: str) -> None:
    description = line.split("] ", 1)[1]
    assert fields(line) == expect(prefix=prefix, marker=marker, description=description)


@pytest.mark.parametrize(
    "line",
    [
        "-[ ] no space after the marker",
        "- [] empty brackets",
        "- [ x ] two characters",
        "- [#task] several characters",
        "- [x]text with no space after the brackets",
        "- [ ]x",
        "-\t[ ] tab after the marker",
        "text - [ ] brackets in the middle",
        "[ ] no marker",
        "a. [ ] letter marker",
        "1 [ ] number without dot",
        "1234567890. [ ] ten digits",
        "- ✅ a decision",
        "- ❌ a blocker",
        "",
        "- ",
    ],
)
def test_not_task_lines(line: str) -> None:
    assert parse_line(line) is None
    assert not is_task_line(line)


@pytest.mark.parametrize(
    ("line", "symbol"),
    [
        ("- [ ] a", " "),
        ("- [x] a", "x"),
        ("- [X] a", "X"),
        ("- [/] a", "/"),
        ("- [-] a", "-"),
        ("- [?] a", "?"),
        ("- [ ?] a", " ?"),
        ("- [>] a", ">"),
        ("- [!] a", "!"),
        ("- [🎉] a", "🎉"),
    ],
)
def test_status_symbol_is_kept_raw(line: str, symbol: str) -> None:
    assert fields(line) == expect(symbol=symbol, description="a")


def test_checkbox_at_end_of_line() -> None:
    assert fields("- [ ]") == expect()
    assert fields("- [x]   ") == expect(symbol="x")


def test_several_spaces_after_marker_and_checkbox() -> None:
    assert fields("-   [ ]    spaced out") == expect(description="spaced out")


# -- spec section 5 -------------------------------------------------------------------------------


def test_spec_proposed_with_priority_and_tags() -> None:
    line = "- [?] Follow up with Louie @Myself ⏫ #task #proposed"
    assert fields(line) == expect(
        symbol="?", description="Follow up with Louie", priority="high", owners=("Myself",),
        tags=("#task", "#proposed"),
    )


def test_spec_transcript_proposed_line() -> None:
    line = "- [ ?] Prepare SCO session content for a 45-minute talk. @Myself ⏫ #task #proposed"
    assert fields(line) == expect(
        symbol=" ?", description="Prepare SCO session content for a 45-minute talk.", priority="high",
        owners=("Myself",), tags=("#task", "#proposed"),
    )


def test_text_after_fields_stops_parsing() -> None:
    line = "- [ ] Do it 📅 2021-04-09 other text"
    assert fields(line) == expect(description="Do it 📅 2021-04-09 other text")


def test_duplicate_field_leftmost_wins() -> None:
    t = parse("- [ ] Do it 📅 2024-01-01 📅 2024-02-02")
    assert t.dates == {"due": "2024-01-01"}
    assert t.description == "Do it"
    assert [t.segment_text(s) for s in t.field_segments("due")] == ["📅 2024-01-01", "📅 2024-02-02"]


def test_duplicate_priority_leftmost_wins() -> None:
    assert fields("- [ ] x 🔽 ⏫") == expect(description="x", priority="low")


def test_date_without_space() -> None:
    assert fields("- [ ] Ship 📅2024-03-04") == expect(description="Ship", dates={"due": "2024-03-04"})


def test_date_with_several_spaces() -> None:
    assert fields("- [ ] Ship 📅   2024-03-04") == expect(description="Ship", dates={"due": "2024-03-04"})


def test_variation_selectors() -> None:
    line = "- [ ] Ship ⏫️ 🗓️ 2024-03-04"
    assert fields(line) == expect(description="Ship", priority="high", dates={"due": "2024-03-04"})
    assert segments(line)[-3:] == [
        ("field", "priority", "⏫\ufe0f"), ("space", "", " "), ("field", "due", "🗓\ufe0f 2024-03-04"),
    ]


def test_nbsp_is_not_a_space() -> None:
    line = "- [ ] Ship 📅\u00a02024-03-04"
    assert fields(line) == expect(description="Ship 📅\u00a02024-03-04")


def test_other_invisible_characters_are_not_accepted() -> None:
    assert fields("- [ ] Ship 📅\u200b2024-03-04") == expect(description="Ship 📅\u200b2024-03-04")
    assert fields("- [ ] Ship ⏫\u200d") == expect(description="Ship ⏫\u200d")


def test_impossible_date_warns_and_keeps_text() -> None:
    line = "- [ ] Close the quarter 📅 2023-02-30"
    assert fields(line) == expect(
        description="Close the quarter", warnings=["due: impossible date '2023-02-30' (kept as written)"]
    )
    assert segments(line)[-1] == ("field", "due", "📅 2023-02-30")


@pytest.mark.parametrize("value", ["2023-02-29", "2023-13-01", "2023-00-10", "2023-04-31", "0000-01-01"])
def test_impossible_dates(value: str) -> None:
    t = parse(f"- [ ] x ⏳ {value}")
    assert t.dates == {}
    assert t.warnings == [f"scheduled: impossible date {value!r} (kept as written)"]


def test_leap_day_is_a_date() -> None:
    assert parse("- [ ] x 📅 2024-02-29").dates == {"due": "2024-02-29"}


def test_only_zero_padded_dates() -> None:
    assert fields("- [ ] x 📅 2024-1-5") == expect(description="x 📅 2024-1-5")
    assert fields("- [ ] x 📅 [[2024-01-05]]") == expect(description="x 📅 [[2024-01-05]]")


def test_capital_x_and_dash() -> None:
    assert fields("- [X] Shipped") == expect(symbol="X", description="Shipped")
    assert fields("- [-] Dropped") == expect(symbol="-", description="Dropped")


def test_tag_rules() -> None:
    line = "- [ ] Release #v1.2 and #123 see http://x/#frag or (#5) and issue #7 #a/b-c_d #ünï 😀"
    t = parse(line)
    assert t.tags == ("#v1", "#123", "#7", "#a/b-c_d", "#ünï")
    assert t.description == line[6:]


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("#tag", ("#tag",)),
        ("a #t!x", ("#t",)),
        ("a #t@x", ("#t",)),
        ("a #t,x", ("#t",)),
        ("a #t:x", ("#t",)),
        ('a #t"x', ("#t",)),
        ("a #t'x", ("#t'x",)),
        ("a #t;x", ("#t;x",)),
        ("a #t[x]", ("#t[x]",)),
        ("a #t=x+y~z", ("#t=x+y~z",)),
        ("a#b", ()),
        ("a # b", ()),
        ("a ##b", ()),
        ("@Myself", ()),
    ],
)
def test_tag_characters(text: str, tags: tuple[str, ...]) -> None:
    assert parse(f"- [ ] {text}").tags == tags


def test_trailing_tags_mixed_with_fields_are_peeled() -> None:
    line = "- [ ] Plan #inline now 🔼 #t1 📅 2024-01-01 #t2 ^blk  "
    assert fields(line) == expect(
        description="Plan #inline now", priority="medium", dates={"due": "2024-01-01"},
        tags=("#inline", "#t1", "#t2"), block_id="blk",
    )


def test_signifier_in_the_middle_is_text() -> None:
    assert fields("- [ ] 🔺 fix link") == expect(description="🔺 fix link")


def test_empty_signifier_stays_in_description() -> None:
    assert fields("- [ ] Ship 📅") == expect(description="Ship 📅")
    assert fields("- [ ] Ship 🔁") == expect(description="Ship 🔁")


# -- every field ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("emoji", "name", "priority"),
    [("🔺", "highest", "highest"), ("⏫", "high", "high"), ("🔼", "medium", "medium"), ("🔽", "low", "low"),
     ("⏬", "lowest", "lowest")],
)
def test_priorities(emoji: str, name: str, priority: str) -> None:
    assert fields(f"- [ ] x {emoji}") == expect(description="x", priority=priority)
    assert fields(f"- [ ] x {emoji}\ufe0f") == expect(description="x", priority=priority)


@pytest.mark.parametrize(
    ("emoji", "name"),
    [("📅", "due"), ("📆", "due"), ("🗓", "due"), ("⏳", "scheduled"), ("⌛", "scheduled"), ("🛫", "start"),
     ("➕", "created"), ("✅", "done"), ("❌", "cancelled")],
)
@pytest.mark.parametrize("selector", ["", "\ufe0f"])
@pytest.mark.parametrize("gap", ["", " ", "  "])
def test_date_emoji(emoji: str, name: str, selector: str, gap: str) -> None:
    line = f"- [ ] x {emoji}{selector}{gap}2025-06-30"
    assert fields(line) == expect(description="x", dates={name: "2025-06-30"})
    assert segments(line)[-1] == ("field", name, f"{emoji}{selector}{gap}2025-06-30")


def test_all_dates_together() -> None:
    line = "- [ ] a ❌ 2024-01-02 ✅ 2024-01-03 ➕ 2024-01-04 🛫 2024-01-05 ⏳ 2024-01-06 📅 2024-01-07"
    assert fields(line) == expect(description="a", dates={
        "cancelled": "2024-01-02", "done": "2024-01-03", "created": "2024-01-04", "start": "2024-01-05",
        "scheduled": "2024-01-06", "due": "2024-01-07",
    })


def test_recurrence() -> None:
    assert fields("- [ ] Pay rent 🔁 every month on the 1st") == expect(
        description="Pay rent", recurrence="every month on the 1st")
    assert fields("- [ ] Water 🔁 every 3 days when done 📅 2024-01-01") == expect(
        description="Water", recurrence="every 3 days when done", dates={"due": "2024-01-01"})
    assert fields("- [ ] Sync 🔁️every week on Tuesday, Friday") == expect(
        description="Sync", recurrence="every week on Tuesday, Friday")


def test_recurrence_stops_at_forbidden_characters() -> None:
    # `-` is not allowed in a rule: the rule cannot reach the end of the line, so nothing is read
    assert fields("- [ ] x 🔁 every 2-weeks") == expect(description="x 🔁 every 2-weeks")


def test_on_completion() -> None:
    assert fields("- [ ] x 🏁 delete") == expect(description="x", on_completion="delete")
    assert fields("- [ ] x 🏁 Keep") == expect(description="x", on_completion="keep")
    assert fields("- [ ] x 🏁 archive") == expect(description="x", on_completion="archive")


def test_id_and_depends_on() -> None:
    assert fields("- [ ] x 🆔 abc_1-Z") == expect(description="x", task_id="abc_1-Z")
    assert fields("- [ ] x ⛔ a1, b2 ,c3") == expect(description="x", depends_on=("a1", "b2", "c3"))
    assert fields("- [ ] x ⛔️ solo") == expect(description="x", depends_on=("solo",))


def test_every_emoji_field_in_one_line() -> None:
    line = (
        "- [ ] Do exercises #todo #health 🆔 abcdef ⛔ 123456,abc123 🔼 🔁 every day when done 🏁 delete "
        "➕ 2023-07-01 🛫 2023-07-02 ⏳ 2023-07-03 📅 2023-07-04 ❌ 2023-07-06 ✅ 2023-07-05 ^dcf64c"
    )
    assert fields(line) == expect(
        description="Do exercises", task_id="abcdef", depends_on=("123456", "abc123"), priority="medium",
        recurrence="every day when done", on_completion="delete",
        dates={"created": "2023-07-01", "start": "2023-07-02", "scheduled": "2023-07-03", "due": "2023-07-04",
               "cancelled": "2023-07-06", "done": "2023-07-05"},
        tags=("#todo", "#health"), block_id="dcf64c",
    )


# -- Dataview inline fields -----------------------------------------------------------------------


def test_dataview_due_and_priority() -> None:
    assert fields("- [ ] Review [due:: 2024-05-01] (priority:: high)") == expect(
        description="Review", dates={"due": "2024-05-01"}, priority="high", dataview=True)


@pytest.mark.parametrize(
    ("field_text", "changes"),
    [
        ("[due:: 2024-05-01]", {"dates": {"due": "2024-05-01"}}),
        ("[due::2024-05-01]", {"dates": {"due": "2024-05-01"}}),
        ("[  due::2024-05-01 ]", {"dates": {"due": "2024-05-01"}}),
        ("(  due::2024-05-01)", {"dates": {"due": "2024-05-01"}}),
        ("[due::2021-08-22  ]", {"dates": {"due": "2021-08-22"}}),
        ("(scheduled:: 2024-05-02)", {"dates": {"scheduled": "2024-05-02"}}),
        ("[start:: 2024-05-03]", {"dates": {"start": "2024-05-03"}}),
        ("[created:: 2024-05-04]", {"dates": {"created": "2024-05-04"}}),
        ("[completion:: 2024-05-05]", {"dates": {"done": "2024-05-05"}}),
        ("[cancelled:: 2024-05-06]", {"dates": {"cancelled": "2024-05-06"}}),
        ("[priority:: highest]", {"priority": "highest"}),
        ("[priority:: lowest]", {"priority": "lowest"}),
        ("[repeat:: every day when done]", {"recurrence": "every day when done"}),
        ("[onCompletion:: delete]", {"on_completion": "delete"}),
        ("[id:: abc]", {"task_id": "abc"}),
        ("[dependsOn:: a,b]", {"depends_on": ("a", "b")}),
        ("[due:: 2024-05-01],", {"dates": {"due": "2024-05-01"}}),
    ],
)
def test_dataview_fields(field_text: str, changes: dict[str, Any]) -> None:
    assert fields(f"- [ ] Task {field_text}") == expect(description="Task", dataview=True, **changes)


def test_dataview_owner() -> None:
    assert fields("- [ ] Follow up [owner:: Dana Scully]") == expect(
        description="Follow up", owners=("Dana Scully",))
    assert fields("- [ ] Follow up [owner:: @Ann, Bo] @Cy") == expect(
        description="Follow up", owners=("Ann", "Bo", "Cy"))


def test_unknown_dataview_field_blocks_parsing() -> None:
    line = "- [ ] t [due:: 2024-01-01] [client:: Contoso]"
    assert fields(line) == expect(description="t [due:: 2024-01-01] [client:: Contoso]")


def test_dataview_field_with_a_bad_value_blocks_parsing() -> None:
    assert fields("- [ ] t 📅 2024-01-01 [due:: tomorrow]") == expect(
        description="t 📅 2024-01-01 [due:: tomorrow]")
    assert fields("- [ ] t [priority:: urgent]") == expect(description="t [priority:: urgent]")


def test_dataview_impossible_date_warns() -> None:
    assert fields("- [ ] t [due:: 2026-13-01]") == expect(
        description="t", dataview=True, warnings=["due: impossible date '2026-13-01' (kept as written)"])


def test_dataview_and_emoji_together() -> None:
    assert fields("- [ ] t (priority:: low) 📅 2026-12-14") == expect(
        description="t", priority="low", dates={"due": "2026-12-14"}, dataview=True)


# -- owners ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "owners"),
    [
        ("Ping @Alice", ("Alice",)),
        ("@Alice first", ("Alice",)),
        ("Pair @Alice @Bob", ("Alice", "Bob")),
        ("Twice @Alice and @Alice", ("Alice",)),
        ("Mail bob@example.com now", ()),
        ("Mail bob@example.com @Carol", ("Carol",)),
        ("Ask (@Carol) today", ("Carol",)),
        ("End of a sentence @Erin.", ("Erin",)),
        ("Names @Jean-Luc and @O'Neil", ("Jean-Luc", "O'Neil")),
        ("Not a name @ alone", ()),
        ("Zoë @Zoë", ("Zoë",)),
    ],
)
def test_owners(text: str, owners: tuple[str, ...]) -> None:
    assert parse(f"- [ ] {text}").owners == owners


def test_trailing_owner_is_peeled_from_description() -> None:
    assert fields("- [ ] Send the deck @Myself ⏫ #task") == expect(
        description="Send the deck", owners=("Myself",), priority="high", tags=("#task",))


# -- block ids ------------------------------------------------------------------------------------


def test_block_id() -> None:
    line = "- [ ] Ship it ^abc-123"
    assert fields(line) == expect(description="Ship it", block_id="abc-123")
    assert segments(line)[-2:] == [("space", "", " "), ("block_id", "", "^abc-123")]


@pytest.mark.parametrize("line", ["- [ ] text^abc", "- [ ] under ^abc_1", "- [ ] in ^the middle", "- [ ] ^"])
def test_not_block_ids(line: str) -> None:
    t = parse(line)
    assert t.block_id is None
    assert t.description == line[6:]


def test_block_id_after_fields_and_trailing_spaces() -> None:
    line = "- [ ] Ship 📅 2024-01-01 ^blk   "
    assert fields(line) == expect(description="Ship", dates={"due": "2024-01-01"}, block_id="blk")
    assert segments(line) == [
        ("prefix", "", ""), ("marker", "", "-"), ("gap", "", " "), ("checkbox", "", "[ ]"), ("gap", "", " "),
        ("text", "", "Ship"), ("space", "", " "), ("field", "due", "📅 2024-01-01"), ("space", "", " "),
        ("block_id", "", "^blk"), ("trailing", "", "   "),
    ]


# -- segments -------------------------------------------------------------------------------------


def test_segments_of_a_full_line() -> None:
    line = "> 1. [?] Plan it @Ann ⏫ #t 📅 2024-01-01"
    assert segments(line) == [
        ("prefix", "", "> "), ("marker", "", "1."), ("gap", "", " "), ("checkbox", "", "[?]"),
        ("gap", "", " "), ("text", "", "Plan it"), ("space", "", " "), ("owner", "", "@Ann"),
        ("space", "", " "), ("field", "priority", "⏫"), ("space", "", " "), ("tag", "", "#t"),
        ("space", "", " "), ("field", "due", "📅 2024-01-01"),
    ]


def test_segments_are_ordered_and_cover_the_line() -> None:
    line = "\t- [ ] a #b @c [due:: 2024-01-01] ^d \t"
    t = parse(line)
    assert all(isinstance(s, Segment) for s in t.segments)
    assert t.segments[0].start == 0
    assert t.segments[-1].end == len(line)
    assert all(a.end == b.start for a, b in zip(t.segments, t.segments[1:], strict=False))
    assert all(s.end > s.start or s.kind == "prefix" for s in t.segments)
