"""Surgical edits of one task line: only the status character and the fields being changed are touched.

Each function takes a line (without its ending) and returns the new line. A new field goes at the end of
the line's trailing fields and tags (where Obsidian Tasks still reads it), before a ``^block-id`` and
trailing hard-break spaces; a new owner goes at the end of the description, before the fields.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tasktrack.errors import UsageError
from tasktrack.model import DATAVIEW_KEY_OF, DATE_EMOJI, OWNER_NAME_RE, PRIORITIES, PRIORITY_EMOJI, owner_name
from tasktrack.parse.grammar import TaskLine, body_tokens, content_bounds, parse_line

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse(line: str) -> TaskLine:
    task = parse_line(line)
    if task is None:
        raise UsageError(f"not a task line: {line!r}")
    return task


def set_symbol(line: str, symbol: str) -> str:
    seg = next(s for s in parse(line).segments if s.kind == "checkbox")
    return line[: seg.start] + f"[{symbol}]" + line[seg.end :]


def remove_tag(line: str, tag: str) -> str:
    """Drop every ``tag`` (any case) from the line, each with the space before it."""
    task = parse(line)
    spans = [(t.start(), t.end()) for t in body_tokens(task, "tag") if t.group().lower() == tag.lower()]
    return _cut(task, spans)


def set_date(line: str, name: str, value: str | None, dataview: bool = False) -> str:
    """Set (or with ``None`` remove) a date field, keeping its style (emoji or Dataview) where it exists.
    ``dataview``: the vault writes Dataview fields (a line that has no fields yet gets one)."""
    task = parse(line)
    segs = task.field_segments(name)
    if value is None:
        return _cut(task, [(s.start, s.end) for s in segs])
    if segs:
        first = segs[0]
        return _replace(_cut(task, [(s.start, s.end) for s in segs[1:]]), first.start, first.end,
                        lambda old: _DATE_RE.sub(value, old, count=1))
    return insert_field(task, _date_text(task, name, value, dataview))


def _writes_dataview(task: TaskLine, dataview: bool) -> bool:
    """Whether a new field of the line is a Dataview one: as its fields are, or as the vault's when it has none."""
    return task.dataview or (dataview and not any(s.kind == "field" for s in task.segments))


def _date_text(task: TaskLine, name: str, value: str, dataview: bool) -> str:
    if _writes_dataview(task, dataview):
        return f"[{DATAVIEW_KEY_OF[name]}:: {value}]"
    return f"{DATE_EMOJI[name]} {value}"


def set_priority(line: str, priority: str, dataview: bool = False) -> str:
    if priority not in PRIORITIES:
        raise UsageError(f"unknown priority {priority!r}: use {', '.join(PRIORITIES)}")
    task = parse(line)
    segs = task.field_segments("priority")
    spans = [(s.start, s.end) for s in segs]
    if priority == "normal":
        return _cut(task, spans)
    text = f"[priority:: {priority}]" if _writes_dataview(task, dataview) else PRIORITY_EMOJI[priority]
    if segs:
        if task.priority == priority:  # the leftmost one already says so: keep it as written (style, FE0F)
            return _cut(task, spans[1:])
        return _replace(_cut(task, spans[1:]), spans[0][0], spans[0][1],
                        lambda old: re.sub(r"::\s*\w+", f":: {priority}", old) if "::" in old
                        else PRIORITY_EMOJI[priority])
    return insert_field(task, text)


def set_owner(line: str, name: str, add: bool = False) -> str:
    """Make ``name`` the owner (``add``: one more owner). ``@Name`` for a name of one word, ``[owner:: Name]``
    (the Dataview form) for a name with spaces, or for any name on a line that already has an owner field."""
    name = owner_name(name)
    if not OWNER_NAME_RE.fullmatch(name):
        raise UsageError(f"{name!r} is not an owner name (letters, digits, spaces, . ' - _)")
    task = parse(line)
    owners = sorted(body_tokens(task, "owner") + body_tokens(task, "dv_owner"), key=lambda m: m.start())
    fields = [m for m in owners if m.lastgroup != "owner"]
    if add and fields:  # one more name in the line's (last) owner field
        last = fields[-1]
        return _replace(line, last.start(), last.end(), lambda old: re.sub(r"\s*([\])],?)$", rf", {name}\1", old))
    text = f"[owner:: {name}]" if " " in name else f"@{name}"
    if add or not owners:
        at = owners[-1].end() if owners else _description_end(task)
        if not owners and at == _body_start(task) and line[at - 1 : at] in (" ", "\t") and line[at:].strip():
            return line[:at] + f"{text} " + line[at:]  # no description: the owner goes first, before the fields
        return line[:at] + f" {text}" + line[at:]
    first = owners[0]
    rest = [(m.start(), m.end()) for m in owners[1:]]
    if first.lastgroup == "owner":
        return _replace(_cut(task, rest), first.start(), first.end(), lambda old: text)
    return _replace(_cut(task, rest), first.start(), first.end(),
                    lambda old: re.sub(r"::\s*[^\])]*", f":: {name}", old))


def add_block_id(line: str, block_id: str) -> str:
    """Give the line the block id ``^block_id`` (last on the line, where Obsidian reads it, before trailing
    spaces); a line that has one keeps it."""
    task = parse(line)
    if task.block_id is not None:
        return line
    end = len(line.rstrip(" \t"))
    return line[:end] + f" ^{block_id}" + line[end:]


def add_words(line: str, words: str) -> str:
    """Append ``words`` to the description (after its last word, before trailing owners, tags and fields)."""
    task = parse(line)
    at = _description_end(task)
    if at == _body_start(task) and line[at:].strip():
        return line[:at] + f"{words} " + line[at:]
    return line[:at] + (" " if at and line[at - 1 : at] not in (" ", "\t") else "") + words + line[at:]


def remove_owners(line: str) -> str:
    """Drop every ``@Name`` and ``[owner:: …]`` from the line."""
    task = parse(line)
    return _cut(task, [(m.start(), m.end()) for m in body_tokens(task, "owner") + body_tokens(task, "dv_owner")])


def remove_fields(line: str, names: tuple[str, ...]) -> str:
    task = parse(line)
    spans = [(s.start, s.end) for s in task.segments if s.kind == "field" and s.name in names]
    if "block_id" in names:
        spans += [(s.start, s.end) for s in task.segments if s.kind == "block_id"]
    return _cut(task, spans)


def cut_spans(line: str, spans: list[tuple[int, int]]) -> str:
    """Remove these spans of the line, each with the whitespace before it."""
    return _cut(parse(line), spans)


def insert_field(task: TaskLine, text: str) -> str:
    """Append ``text`` after the line's last field or tag, before `` ^id`` and trailing spaces."""
    _, end = content_bounds(task)
    line = task.text
    sep = "  " if text.startswith("[") else " "
    if end == _body_start(task):
        sep = "" if line[end - 1 : end] in (" ", "\t") else " "
    return line[:end] + sep + text + line[end:]


def _body_start(task: TaskLine) -> int:
    return content_bounds(task)[0]


def _description_end(task: TaskLine) -> int:
    text = [s for s in task.segments if s.kind == "text"]
    return text[0].end if text else content_bounds(task)[0]


def _replace(line: str, start: int, end: int, change: Callable[[str], str]) -> str:
    return line[:start] + change(line[start:end]) + line[end:]


def _cut(task: TaskLine, spans: list[tuple[int, int]]) -> str:
    """Remove each span with the whitespace before it (at the start of the body: with the one after it).
    Trailing hard-break spaces are never removed."""
    line = task.text
    floor = content_bounds(task)[0]
    for start, end in sorted(spans, reverse=True):
        before = start
        while before > floor and line[before - 1] in " \t":
            before -= 1
        if before > floor:
            start = before
        elif not line[end:].strip():
            while start > 0 and line[start - 1] in " \t":  # the body goes entirely: so does the gap before it
                start -= 1
        else:
            while end < len(line) and line[end] in " \t" and line[end:].strip():
                end += 1
        line = line[:start] + line[end:]
    return line
