"""Surgical line edits, exact strings."""

from __future__ import annotations

import pytest

from tasktrack.errors import UsageError
from tasktrack.write import edits


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("- [ ] #proposed x", "- [ ] x"),
        ("- [ ] x #proposed", "- [ ] x"),
        ("- [ ] x #Proposed #a", "- [ ] x #a"),
        ("- [ ] a #proposed b", "- [ ] a b"),
        ("- [ ] #proposed ^id", "- [ ] ^id"),
        ("- [ ] #proposed", "- [ ]"),
        ("- [ ] #proposed   ", "- [ ]   "),
        ("- [ ] x\t#proposed  ", "- [ ] x  "),
        ("- [ ] x #proposed/sub", "- [ ] x #proposed/sub"),
    ],
)
def test_remove_tag(line: str, expected: str) -> None:
    assert edits.remove_tag(line, "#proposed") == expected


@pytest.mark.parametrize(
    ("line", "name", "value", "expected"),
    [
        ("- [ ] ^id", "due", "2026-11-23", "- [ ] 📅 2026-11-23 ^id"),
        ("- [ ]", "due", "2026-11-23", "- [ ] 📅 2026-11-23"),
        ("- [ ] x ^id  ", "scheduled", "2026-11-23", "- [ ] x ⏳ 2026-11-23 ^id  "),
        ("- [ ] x \t", "start", "2026-11-23", "- [ ] x 🛫 2026-11-23 \t"),
        ("- [ ] 📅 2026-01-01 x", "due", "2026-11-23", "- [ ] 📅 2026-01-01 x 📅 2026-11-23"),
        ("- [ ] x 🗓️ 2026-01-01", "due", "2026-11-23", "- [ ] x 🗓️ 2026-11-23"),
        ("- [ ] x [due:: 2026-01-01] #t", "scheduled", "2026-11-23",
         "- [ ] x [due:: 2026-01-01] #t  [scheduled:: 2026-11-23]"),
        ("- [ ] x 📅 2026-01-01 ⏳ 2026-01-02", "due", None, "- [ ] x ⏳ 2026-01-02"),
    ],
)
def test_set_date(line: str, name: str, value: str | None, expected: str) -> None:
    assert edits.set_date(line, name, value) == expected


@pytest.mark.parametrize(
    ("line", "name", "add", "expected"),
    [
        ("- [ ] #tag", "Jeff", False, "- [ ] @Jeff #tag"),
        ("- [ ]", "Jeff", False, "- [ ] @Jeff"),
        ("- [ ] ^id", "Jeff", False, "- [ ] @Jeff ^id"),
        ("- [ ] @A @B x", "Jeff", False, "- [ ] @Jeff x"),
        ("- [ ] @A @B x", "Jeff", True, "- [ ] @A @B @Jeff x"),
        ("- [ ] x [owner:: A]", "Jeff", False, "- [ ] x [owner:: Jeff]"),
    ],
)
def test_set_owner(line: str, name: str, add: bool, expected: str) -> None:
    assert edits.set_owner(line, name, add=add) == expected


@pytest.mark.parametrize(
    ("line", "priority", "expected"),
    [
        ("- [ ] x ⏫️", "high", "- [ ] x ⏫️"),  # already high: kept as written
        ("- [ ] x ⏫️", "low", "- [ ] x 🔽"),
        ("- [ ] 📅 2020-01-01 🔺 [due:: 2020-01-01]", "high", "- [ ] 📅 2020-01-01 ⏫ [due:: 2020-01-01]"),
        ("- [ ] x [priority:: high] ⏫", "high", "- [ ] x [priority:: high]"),
        ("- [ ] x", "normal", "- [ ] x"),
    ],
)
def test_set_priority(line: str, priority: str, expected: str) -> None:
    assert edits.set_priority(line, priority) == expected


def test_refusals() -> None:
    with pytest.raises(UsageError):
        edits.set_priority("- [ ] x", "urgent")
    with pytest.raises(UsageError):
        edits.set_owner("- [ ] x", "not a name!")
    with pytest.raises(UsageError):
        edits.set_symbol("not a task", "x")


def test_remove_fields_for_a_next_instance() -> None:
    line = "> 1) [x] A 🔁 every day 🆔 i1 ⛔ d1,d2 ➕ 2026-01-01 📅 2026-01-02 ✅ 2026-01-03 ^blk  "
    names = ("done", "cancelled", "created", "id", "depends_on", "block_id")
    assert edits.remove_fields(line, names) == "> 1) [x] A 🔁 every day 📅 2026-01-02  "
