"""Property-based tests of the write-back: random notes x random verbs, applied through ``Triage``.

For every example: every other line of the note is byte-identical, the edited line re-parses to exactly the
intended fields (everything else unchanged), and ``undo`` gives the original bytes back. A verb the code
refuses (``NothingToDo``) must be one it should refuse, and then the file is unchanged.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tasktrack.model import UNFINISHED
from tasktrack.parse.grammar import TaskLine, parse_line
from tasktrack.parse.statuses import StatusMap
from tasktrack.workspace import Workspace
from tasktrack.write.triage import NothingToDo, Triage

TODAY = "2026-11-22"
BOM = b"\xef\xbb\xbf"
STATUS_MAP = StatusMap()

# -- the pieces a note is built from -------------------------------------------------------------------

WORDS = ("Send", "the", "deck", "to", "review", "plan", "call", "Microsoft", "ünïcode", "naïve", "v2", "x", "(draft)")
INLINE = ("#inline", "@Lior", "🔺 not-a-field", "[[Link]]", "`code`", "**bold**", "http://x/#frag")
SYMBOLS = (" ", " ", " ?", "?", "x", "X", "-", "/", ">", "!")
OWNERS = ("Jeff", "Lior", "John.Mao")
TAGS = ("#proposed", "#work", "#task", "#a/b")
RULES = ("every week", "every 2 days", "every weekday", "every month", "every month on the 1st",
         "every month on the last Friday", "every year", "every week when done", "every 3 days when done")
DATE_EMOJI = {"due": "📅", "scheduled": "⏳", "start": "🛫", "created": "➕", "done": "✅", "cancelled": "❌"}
DV_KEYS = {"due": "due", "scheduled": "scheduled", "start": "start", "created": "created", "done": "completion",
           "cancelled": "cancelled"}

dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)).map(date.isoformat)


@st.composite
def field_token(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(("date", "date", "dv_date", "priority", "dv_priority", "recurrence", "id",
                                 "depends", "tag", "tag", "owner", "on_completion")))
    if kind == "date":
        name = draw(st.sampled_from(tuple(DATE_EMOJI)))
        space = draw(st.sampled_from((" ", "", "  ")))
        return f"{DATE_EMOJI[name]}{space}{draw(dates)}"
    if kind == "dv_date":
        name = draw(st.sampled_from(tuple(DV_KEYS)))
        return draw(st.sampled_from(("[{}:: {}]", "({}:: {})", "[{}::{}]"))).format(DV_KEYS[name], draw(dates))
    if kind == "priority":
        return draw(st.sampled_from(("🔺", "⏫", "🔼", "🔽", "⏬", "⏫\ufe0f")))
    if kind == "dv_priority":
        return f"[priority:: {draw(st.sampled_from(('high', 'low', 'highest')))}]"
    if kind == "recurrence":
        return f"🔁 {draw(st.sampled_from(RULES))}"
    if kind == "id":
        return "🆔 abc123"
    if kind == "depends":
        return "⛔ dep1,dep2"
    if kind == "tag":
        return draw(st.sampled_from(TAGS))
    if kind == "owner":
        return f"@{draw(st.sampled_from(OWNERS))}"
    return "🏁 delete"


@st.composite
def task_body(draw: st.DrawFn) -> str:
    """``[symbol]`` and what follows it: description, trailing fields/tags/owners, block id, trailing spaces."""
    symbol = draw(st.sampled_from(SYMBOLS))
    words = draw(st.lists(st.sampled_from(WORDS), min_size=0, max_size=4))
    insert_inline = draw(st.booleans())
    if words and insert_inline:
        words.insert(draw(st.integers(0, len(words))), draw(st.sampled_from(INLINE)))
    fields = draw(st.lists(field_token(), min_size=0, max_size=5))
    if sum(f.startswith("🔁") for f in fields) > 1:
        fields = [f for f in fields if not f.startswith("🔁")]
    body = " ".join(words + fields)
    block = draw(st.sampled_from(("", "", " ^blk-1", " ^a1b2")))
    trailing = draw(st.sampled_from(("", "", "  ", "   ", " ")))
    gap = draw(st.sampled_from((" ", " ", "  ")))
    return f"[{symbol}]" + (gap + body if body else "") + block + trailing


@st.composite
def piece(draw: st.DrawFn) -> list[str]:
    """A block of lines; blocks are separated by blank lines."""
    kind = draw(st.sampled_from(("task", "task", "list", "numbered", "nested", "callout", "quote", "heading",
                                 "paragraph", "fence")))
    if kind == "task":
        return [f"{draw(st.sampled_from('-*+'))} {draw(task_body())}"]
    if kind == "list":
        return [f"- {draw(task_body())}" for _ in range(draw(st.integers(1, 3)))]
    if kind == "numbered":
        sep = draw(st.sampled_from(".)"))
        return [f"{n}{sep} {draw(task_body())}" for n in range(1, draw(st.integers(2, 3)) + 1)]
    if kind == "nested":
        indent = draw(st.sampled_from(("\t", "    ", "  ", "\t\t")))
        return ["- parent item", f"{indent}- {draw(task_body())}", f"{indent}- {draw(task_body())}"]
    if kind == "callout":
        return [f"> [!{draw(st.sampled_from(('todo', 'NOTE', 'tip')))}] Title", ">",
                f"> - {draw(task_body())}", f">> - {draw(task_body())}" if draw(st.booleans()) else "> - plain"]
    if kind == "quote":
        return [f"> - {draw(task_body())}", f"> 1. {draw(task_body())}"]
    if kind == "heading":
        return [f"{'#' * draw(st.integers(1, 4))} Heading {draw(st.sampled_from(WORDS))}"]
    if kind == "paragraph":
        return [f"Some text {draw(st.sampled_from(WORDS))}.{draw(st.sampled_from(('', '  ')))}", "second line"]
    fence = draw(st.sampled_from(("```", "~~~~", "```python")))
    return [fence, f"- {draw(task_body())}", "- [ ] fenced task 📅 2026-01-01", fence[:4].rstrip("p")]


@st.composite
def note_bytes(draw: st.DrawFn, recurring: bool = False) -> bytes:
    blocks = draw(st.lists(piece(), min_size=1, max_size=5))
    task = f"- {draw(task_body())}"  # at least one plain task
    if recurring:
        task = f"{draw(st.sampled_from(('- ', '> - ', '1. ', '    - ')))}[ ] {draw(st.sampled_from(WORDS))}" \
               f" 🔁 {draw(st.sampled_from(RULES))} 📅 {draw(dates)} {draw(field_token())}"
    blocks.insert(draw(st.integers(0, len(blocks))), [task])
    lines: list[str] = []
    if draw(st.booleans()):
        lines += ["---", "title: Note", "tags: [a, b]", "---"]
    for block in blocks:
        lines += [*block, ""]
    if not draw(st.booleans()):
        lines.pop()
    style = draw(st.sampled_from(("lf", "crlf", "mixed")))
    endings = [draw(st.sampled_from(("\n", "\r\n"))) if style == "mixed" else "\r\n" if style == "crlf" else "\n"
               for _ in lines]
    text = "".join(line + end for line, end in zip(lines, endings, strict=True))
    if not draw(st.booleans()):
        text = text[: -len(endings[-1])]  # no final newline
    return (BOM if draw(st.booleans()) else b"") + text.encode("utf-8")


@st.composite
def verb_and_value(draw: st.DrawFn) -> tuple[str, str | None, bool]:
    verb = draw(st.sampled_from(("accept", "reject", "done", "reopen", "start", "due", "schedule", "start-date",
                                 "priority", "assign", "done", "assign", "accept", "done")))
    if verb in ("due", "schedule", "start-date"):
        return verb, draw(dates), False
    if verb == "priority":
        return verb, draw(st.sampled_from(("highest", "high", "medium", "normal", "low", "lowest"))), False
    if verb == "assign":
        return verb, draw(st.sampled_from(("Jeff", "Dre", "Mary-Ann"))), draw(st.booleans())
    return verb, None, False


# -- what a verb should do to the parsed fields -------------------------------------------------------


def fields(task: TaskLine) -> dict[str, Any]:
    """Every parsed field of a line, and the parts that must survive an edit verbatim."""
    out = {f.name: getattr(task, f.name) for f in dataclasses.fields(task) if f.name not in ("text", "segments",
                                                                                           "warnings", "dataview")}
    out["trailing"] = task.text[len(task.text.rstrip(" \t")):]
    out["dates"] = dict(task.dates)
    return out


def status(task: TaskLine) -> str:
    return STATUS_MAP.status(task.symbol, task.tags)


def expectation(verb: str, value: str | None, add: bool, old: TaskLine) -> dict[str, Any] | None:
    """The fields the edited line must parse to; ``None`` when the verb must be refused."""
    want = fields(old)
    state = status(old)
    no_proposed = tuple(t for t in old.tags if t.lower() != "#proposed")
    if verb == "accept":
        if state != "proposed":
            return None
        want["tags"] = no_proposed
        if old.symbol in (" ?", "?"):
            want["symbol"] = " "
    elif verb == "reject":
        if state == "cancelled":
            return None
        want["symbol"] = "-"
        want["tags"] = no_proposed  # every verb that leaves the proposed state drops the tag
        want["dates"].pop("done", None)
        want["dates"]["cancelled"] = TODAY
    elif verb == "done":
        if state == "done":
            return None
        want["symbol"] = "x"
        want["tags"] = no_proposed
        want["dates"].pop("cancelled", None)
        want["dates"]["done"] = TODAY
    elif verb in ("reopen", "start"):
        if (verb == "reopen" and state in UNFINISHED and old.symbol == " ") or (
                verb == "start" and state == "in_progress"):
            return None
        want["symbol"] = " " if verb == "reopen" else "/"
        want["dates"].pop("done", None)
        want["dates"].pop("cancelled", None)
        want["tags"] = no_proposed
    elif verb in ("due", "schedule", "start-date"):
        name = {"due": "due", "schedule": "scheduled", "start-date": "start"}[verb]
        if len(old.field_segments(name)) == 1 and old.dates.get(name) == value:
            return None
        want["dates"][name] = value
    elif verb == "priority":
        segs = old.field_segments("priority")
        if (value == "normal" and not segs) or (len(segs) == 1 and old.priority == value):
            return None
        want["priority"] = value
    elif verb == "assign":
        assert value is not None
        owners = [o.casefold() for o in old.owners]
        if value.casefold() in owners and (add or len(owners) == 1):
            return None
        want["owners"] = (*old.owners, value) if add else (value,)
        want["description"] = None  # an owner is part of the description: compared without owners below
    return want


def without_owners(text: str) -> str:
    import re

    return " ".join(re.sub(r"(?<![^\s(\[{\"'])@\w(?:[\w.'-]*\w)?", " ", text).split())


def decode_line(raw: bytes, first: bool) -> str:
    if first and raw.startswith(BOM):
        raw = raw[3:]
    return raw.removesuffix(b"\r").decode("utf-8")


@contextmanager
def note_workspace(data: bytes) -> Iterator[tuple[Workspace, Path]]:
    """A vault whose one note ``Note.md`` holds ``data``, synced into a fresh store."""
    with tempfile.TemporaryDirectory() as tmp:
        vault = Path(tmp) / "vault"
        (vault / ".obsidian").mkdir(parents=True)
        note = vault / "Note.md"
        note.write_bytes(data)
        ws = Workspace.open(str(vault), str(Path(tmp) / "store.sqlite"))
        try:
            ws.sync()
            yield ws, note
        finally:
            ws.close()


def task_line_at(ws: Workspace, path: str, line: int) -> str | None:
    row = ws.store.db.execute(
        "SELECT t.raw FROM tasks t JOIN notes n ON n.id = t.note_id WHERE n.path = ? AND t.line = ?", (path, line)
    ).fetchone()
    return None if row is None else str(row[0])


# -- the property --------------------------------------------------------------------------------------


@pytest.mark.usefixtures("fixed_today")
@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow])
@given(data=note_bytes(), verb=verb_and_value(), pick=st.integers(0, 10_000))
def test_one_verb_edits_only_its_line_and_undo_restores(data: bytes, verb: tuple[str, str | None, bool],
                                                         pick: int) -> None:
    name, value, add = verb
    with note_workspace(data) as (ws, note):
        rows = ws.store.db.execute("SELECT id, line, raw FROM tasks ORDER BY line").fetchall()
        assert rows, "every generated note has at least one task"
        row = rows[pick % len(rows)]
        old_lines = data.split(b"\n")
        k = row["line"] - 1
        old_line = decode_line(old_lines[k], k == 0)
        assert old_line == row["raw"]
        old = parse_line(old_line)
        assert old is not None
        want = expectation(name, value, add, old)
        triage = Triage(ws)
        event(f"{name}: {'refused' if want is None else 'edited'}")
        if want is None:
            with pytest.raises(NothingToDo):
                triage.run(name, [row["id"]], value=value, add=add)
            assert note.read_bytes() == data
            return
        triage.run(name, [row["id"]], value=value, add=add)
        check_edit(ws, note, data, k, old, want, name)
        triage.undo()
        assert note.read_bytes() == data
        assert task_line_at(ws, "Note.md", row["line"]) == row["raw"]


@pytest.mark.usefixtures("fixed_today")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(data=note_bytes(recurring=True))
def test_done_on_a_recurring_task_adds_the_next_instance_above(data: bytes) -> None:
    with note_workspace(data) as (ws, note):
        rows = ws.store.db.execute("SELECT id, line, raw FROM tasks WHERE recurrence IS NOT NULL AND raw LIKE "
                                   "'%[ ] %' AND status = 'open' ORDER BY line").fetchall()
        rows = [r for r in rows if "🔁" in r["raw"] and parse_line(r["raw"]) is not None]
        if not rows:
            return
        row = rows[-1]
        k = row["line"] - 1
        old = parse_line(row["raw"])
        assert old is not None
        want = expectation("done", None, False, old)
        assert want is not None
        Triage(ws).run("done", [row["id"]])
        check_edit(ws, note, data, k, old, want, "done")
        Triage(ws).undo()
        assert note.read_bytes() == data


def check_edit(ws: Workspace, note: Path, data: bytes, k: int, old: TaskLine, want: dict[str, Any],
               verb: str) -> None:
    new_data = note.read_bytes()
    assert new_data.startswith(BOM) == data.startswith(BOM)
    old_lines, new_lines = data.removeprefix(BOM).split(b"\n"), new_data.removeprefix(BOM).split(b"\n")
    completed_and_deleted = verb == "done" and old.on_completion == "delete"
    recurring = verb == "done" and old.recurrence is not None
    written = (1 if recurring else 0) + (0 if completed_and_deleted else 1)
    assert len(new_lines) == len(old_lines) - 1 + written
    last_went = written == 0 and k == len(old_lines) - 1 and k > 0
    same = k - 1 if last_went else k
    assert new_lines[:same] == old_lines[:same]
    assert new_lines[k + written:] == old_lines[k + 1:]
    if last_went:  # the last line went: the line above now ends the file, as the deleted line did
        assert new_lines[k - 1].removesuffix(b"\r") == old_lines[k - 1].removesuffix(b"\r")
        assert new_lines[k - 1].endswith(b"\r") == old_lines[k].endswith(b"\r")
    if written == 0:
        return
    ending = old_lines[k].endswith(b"\r")
    if recurring:
        check_next_instance(decode_line(new_lines[k], False), old)
    if completed_and_deleted:
        return
    edited_raw = new_lines[k + written - 1]
    assert edited_raw.endswith(b"\r") == ending
    edited = parse_line(decode_line(edited_raw, False))
    assert edited is not None
    got = fields(edited)
    if want["description"] is None:
        want = {**want, "description": without_owners(old.description)}
        got["description"] = without_owners(edited.description)
    assert got == want
    if old.block_id is not None:
        assert edited.text.rstrip(" \t").endswith(f" ^{old.block_id}")
    assert task_line_at(ws, "Note.md", k + written) == edited.text


def check_next_instance(line: str, old: TaskLine) -> None:
    nxt = parse_line(line)
    assert nxt is not None
    assert nxt.symbol == " "
    assert (nxt.prefix, nxt.marker, nxt.recurrence, nxt.priority) == (old.prefix, old.marker, old.recurrence,
                                                                      old.priority)
    assert nxt.block_id is None and nxt.task_id is None and nxt.depends_on == ()
    assert not {"done", "cancelled", "created"} & set(nxt.dates)
    assert "#proposed" not in [t.lower() for t in nxt.tags]
    moved = {n: v for n, v in old.dates.items() if n in ("due", "scheduled", "start")}
    assert set(nxt.dates) == set(moved)
    if moved:
        shifts = {date.fromisoformat(nxt.dates[n]) - date.fromisoformat(v) for n, v in moved.items()}
        assert len(shifts) == 1
        if "when done" not in (old.recurrence or ""):
            assert shifts.pop() > timedelta(0)
