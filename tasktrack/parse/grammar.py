"""Parse one task line into fields, keeping the span of every part.

The grammar is a superset of what the Obsidian Tasks plugin and Dataview read:

    <prefix><marker><gap>[<symbol>]<gap><description><trailing fields, tags, owners>< ^block-id><trailing spaces>

Fields are read the way Obsidian Tasks reads them: from the end of the line, right to left, as long as
the end of the remaining text is a field, a tag (or, our extension, an ``@owner``). ``[ ?]`` (space and
question mark) is our extension for items proposed by a transcript generator.

Every character of a parsed line belongs to exactly one :class:`Segment`, in order, so the segments put
back together give the line byte for byte; the write-back edits lines by replacing segments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from tasktrack.model import (
    DATAVIEW_KEYS,
    DATE_FIELDS,
    DATE_OF_EMOJI,
    OWNER_PATTERN,
    PRIORITIES,
    PRIORITY_OF_EMOJI,
    TAG_PATTERN,
)

TASK_RE = re.compile(
    r"(?P<prefix>[ \t>]*)(?P<marker>[-*+]|\d{1,9}[.)])(?P<gap> +)\[(?P<symbol> \?|[^\n])\](?=[ \t]|$)"
)

_VS = "\ufe0f?"
_PRIORITY_SIGNS = "".join(PRIORITY_OF_EMOJI)
_DATE_SIGNS = "".join(DATE_OF_EMOJI)
_TEXT_SIGNS = "🔁🏁🆔⛔"  # recurrence, on completion, id, depends on
SIGNIFIERS = _PRIORITY_SIGNS + _DATE_SIGNS + _TEXT_SIGNS  # every emoji that starts a field
_DV_KEYS = "|".join(sorted(DATAVIEW_KEYS, key=len, reverse=True))
_TOKENS = (
    rf"(?P<priority>[{_PRIORITY_SIGNS}]){_VS}",
    rf"(?P<date_emoji>[{_DATE_SIGNS}]){_VS} *(?P<date>\d{{4}}-\d{{2}}-\d{{2}})",
    rf"🔁{_VS} *(?P<recurrence>[a-zA-Z0-9, !]*[a-zA-Z0-9!])",
    rf"🏁{_VS} *(?P<on_completion>[a-zA-Z]+)",
    rf"🆔{_VS} *(?P<id>[a-zA-Z0-9_-]+)",
    rf"⛔{_VS} *(?P<depends_on>[a-zA-Z0-9_-]+(?: *, *[a-zA-Z0-9_-]+)*)",
    rf"\[ *(?P<dv_key>{_DV_KEYS}):: *(?P<dv_value>[^\]]*?) *\],?",
    rf"\( *(?P<dvp_key>{_DV_KEYS}):: *(?P<dvp_value>[^)]*?) *\),?",
    rf"(?P<tag>{TAG_PATTERN})",
    rf"(?P<owner>{OWNER_PATTERN})",
)
_TOKEN_RE = re.compile("|".join(_TOKENS))
# Every token above starts with one of these characters: only there is a match attempted.
_TOKEN_START_RE = re.compile("[" + re.escape("".join(sorted({*_PRIORITY_SIGNS, *_DATE_SIGNS, *_TEXT_SIGNS, *"#@[("})))
                             + "]")
_BLOCK_ID_RE = re.compile(r" \^([A-Za-z0-9-]+)")


class Segment(NamedTuple):
    """A run ``line[start:end]``. ``kind`` says what it is; ``name`` names the field it holds."""

    kind: str  # prefix marker gap checkbox text space field tag owner block_id trailing
    start: int
    end: int
    name: str = ""


@dataclass(slots=True)
class TaskLine:
    """One parsed task line. Dates are the ``YYYY-MM-DD`` text as written (valid ones only)."""

    text: str
    prefix: str
    marker: str
    symbol: str
    description: str
    priority: str = "normal"
    dates: dict[str, str] = field(default_factory=dict)
    recurrence: str | None = None
    on_completion: str | None = None
    task_id: str | None = None
    depends_on: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    block_id: str | None = None
    dataview: bool = False
    warnings: list[str] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)

    def field_segments(self, name: str) -> list[Segment]:
        return [s for s in self.segments if s.kind == "field" and s.name == name]

    def segment_text(self, seg: Segment) -> str:
        return self.text[seg.start : seg.end]


def is_task_line(line: str) -> bool:
    """True when ``line`` has the shape of a task (the block structure is the caller's business)."""
    return TASK_RE.match(line) is not None


def parse_line(line: str) -> TaskLine | None:
    """Parse ``line`` (without its line ending); ``None`` when it is not a task line."""
    m = TASK_RE.match(line)
    if m is None:
        return None
    task = TaskLine(
        text=line,
        prefix=m.group("prefix"),
        marker=m.group("marker"),
        symbol=m.group("symbol"),
        description="",
    )
    segs = task.segments
    segs.append(Segment("prefix", 0, m.end("prefix")))
    segs.append(Segment("marker", m.start("marker"), m.end("marker")))
    segs.append(Segment("gap", m.start("gap"), m.end("gap")))
    segs.append(Segment("checkbox", m.start("gap") + len(m.group("gap")), m.end()))
    _parse_body(task, m.end())
    return task


def _parse_body(task: TaskLine, start: int) -> None:
    line = task.text
    end = max(start, len(line.rstrip(" \t")))
    tail: list[Segment] = []
    if end < len(line):
        tail.append(Segment("trailing", end, len(line)))
    caret = line.rfind(" ^", start, end)
    block = _BLOCK_ID_RE.fullmatch(line, caret, end) if caret >= 0 else None
    if block is not None:
        task.block_id = block.group(1)
        tail.append(Segment("block_id", caret + 1, end))
        tail.append(Segment("space", caret, caret + 1))
        end = caret
    body_start = _skip_spaces(line, start, end)
    tokens = _tokens(line, body_start, end)
    end = _peel_trailing(task, tokens, body_start, end, tail)
    _collect_inline(task, tokens, end)
    segs = task.segments
    if body_start > start:
        segs.append(Segment("gap", start, body_start))
    if end > body_start:
        segs.append(Segment("text", body_start, end))
    segs.extend(reversed(tail))
    task.description = line[body_start:end]


def _tokens(line: str, start: int, end: int) -> list[re.Match[str]]:
    """``_TOKEN_RE.finditer(line, start, end)``, but trying a match only where a token can start, and at a
    ``[`` or ``(`` only when a ``]`` or ``)`` follows: a Dataview field needs one (else each unclosed
    ``[due::`` would be read to the end of the line, which made long lines take quadratic time). Where the
    closer follows, a field that starts matches there, up to it."""
    found = []
    after = start
    closes = {"[": line.rfind("]", start, end), "(": line.rfind(")", start, end)}
    for candidate in _TOKEN_START_RE.finditer(line, start, end):
        pos = candidate.start()
        if pos < after or closes.get(line[pos], end) < pos:
            continue
        tok = _TOKEN_RE.match(line, pos, end)
        if tok is not None:
            found.append(tok)
            after = tok.end()
    return found


def _skip_spaces(line: str, pos: int, end: int) -> int:
    while pos < end and line[pos] in " \t":
        pos += 1
    return pos


def _peel_trailing(
    task: TaskLine, tokens: list[re.Match[str]], body_start: int, end: int, tail: list[Segment]
) -> int:
    """Take fields, tags and owners off the end of the body, right to left; return the new end."""
    trailing_tags: list[str] = []
    for tok in reversed(tokens):
        if tok.end() != end:
            break
        kind = _apply_token(task, tok, trailing_tags)
        if kind is None:
            break
        tail.append(Segment(kind[0], tok.start(), tok.end(), kind[1]))
        new_end = tok.start()
        while new_end > body_start and task.text[new_end - 1] in " \t":
            new_end -= 1
        if new_end < tok.start():
            tail.append(Segment("space", new_end, tok.start()))
        end = new_end
    task.tags = tuple(reversed(trailing_tags))
    return end


def _apply_token(task: TaskLine, tok: re.Match[str], trailing_tags: list[str]) -> tuple[str, str] | None:
    """Record one trailing token on ``task``; return its (segment kind, field name)."""
    group = tok.lastgroup
    if group == "tag":
        trailing_tags.append(tok.group("tag"))
        return ("tag", "")
    if group == "owner":
        return ("owner", "")
    if group == "priority":
        task.priority = PRIORITY_OF_EMOJI[tok.group("priority")]
        return ("field", "priority")
    if group == "date":
        name = DATE_OF_EMOJI[tok.group("date_emoji")]
        _set_date(task, name, tok.group("date"))
        return ("field", name)
    if group in ("dv_value", "dvp_value"):
        key = tok.group("dv_key") or tok.group("dvp_key")
        value = tok.group(group).strip()
        name = DATAVIEW_KEYS[key]
        if name == "owner":
            return ("owner", "")
        if not _set_dataview(task, name, value):
            return None
        task.dataview = True
        return ("field", name)
    _set_text_field(task, group or "", tok.group(group or "").strip())
    return ("field", group or "")


def _set_text_field(task: TaskLine, name: str, value: str) -> None:
    """🔁 recurrence, 🏁 on completion, 🆔 id, ⛔ depends on (emoji or Dataview: the same values)."""
    if name == "recurrence":
        task.recurrence = value
    elif name == "on_completion":
        task.on_completion = value.lower()
    elif name == "id":
        task.task_id = value
    elif name == "depends_on":
        task.depends_on = tuple(p.strip() for p in value.split(",") if p.strip())


def _set_date(task: TaskLine, name: str, value: str) -> None:
    """Leftmost occurrence wins: fields are met right to left, so a later call overwrites (and a valid date
    drops the warning an impossible one of the same field gave)."""
    if valid_date(value):
        task.dates[name] = value
        task.warnings[:] = [w for w in task.warnings if not w.startswith(f"{name}:")]
    else:
        task.dates.pop(name, None)
        task.warnings.append(f"{name}: impossible date {value!r} (kept as written)")


def _set_dataview(task: TaskLine, name: str, value: str) -> bool:
    if name in DATE_FIELDS:
        date_text = value[:10]
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date_text):
            return False
        _set_date(task, name, date_text)
    elif name == "priority":
        level = "normal" if value.lower() == "none" else value.lower()
        if level not in PRIORITIES:
            return False
        task.priority = level
    else:
        _set_text_field(task, name, value)
    return True


def _collect_inline(task: TaskLine, tokens: list[re.Match[str]], desc_end: int) -> None:
    """Owners anywhere in the body, and tags in the description (before the trailing ones)."""
    owners: list[str] = []
    inline_tags: list[str] = []
    for tok in tokens:
        group = tok.lastgroup
        if group == "owner":
            owners.append(tok.group("owner")[1:])
        elif group in ("dv_value", "dvp_value") and (tok.group("dv_key") or tok.group("dvp_key")) == "owner":
            owners.extend(p.strip().lstrip("@") for p in tok.group(group).split(",") if p.strip())
        elif group == "tag" and tok.end() <= desc_end:
            inline_tags.append(tok.group("tag"))
    task.owners = tuple(dict.fromkeys(o for o in owners if o))
    task.tags = tuple(inline_tags) + task.tags


def valid_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def content_bounds(task: TaskLine) -> tuple[int, int]:
    """Where the body starts (after the checkbox) and where its fields end (before `` ^id`` and trailing spaces)."""
    start = next(s.end for s in task.segments if s.kind == "checkbox")
    end = len(task.text)
    for seg in task.segments:
        if seg.start >= start and seg.kind == "gap":
            start = seg.end
    for seg in reversed(task.segments):
        if seg.kind in ("trailing", "block_id") or (seg.kind == "space" and seg.end == _block_start(task)):
            end = seg.start
        else:
            break
    return start, max(start, end)


def _block_start(task: TaskLine) -> int:
    return next((s.start for s in task.segments if s.kind == "block_id"), -1)


def body_tokens(task: TaskLine, group: str) -> list[re.Match[str]]:
    """The tags (``tag``), owners (``owner``) or Dataview owner fields (``dv_owner``) anywhere in the body."""
    start, end = content_bounds(task)
    found = []
    for tok in _tokens(task.text, start, end):
        kind = tok.lastgroup
        if kind in ("dv_value", "dvp_value"):
            kind = "dv_owner" if (tok.group("dv_key") or tok.group("dvp_key")) == "owner" else "field"
        if kind == group:
            found.append(tok)
    return found


def body_segments(task: TaskLine) -> list[Segment]:
    """Every field, tag and owner written anywhere in the body (not only the trailing ones the parse read), in
    order, as segments: ``field`` (named as in ``TaskLine.field_segments``), ``tag`` or ``owner``. A Dataview
    field whose value is not one (``[due:: soon]``) is a ``field`` too."""
    start, end = content_bounds(task)
    found = []
    for tok in _tokens(task.text, start, end):
        kind, name = _token_kind(tok)
        found.append(Segment(kind, tok.start(), tok.end(), name))
    return found


def _token_kind(tok: re.Match[str]) -> tuple[str, str]:
    group = tok.lastgroup or ""
    if group in ("tag", "owner"):
        return group, ""
    if group == "priority":
        return "field", "priority"
    if group == "date":
        return "field", DATE_OF_EMOJI[tok.group("date_emoji")]
    if group in ("dv_value", "dvp_value"):
        name = DATAVIEW_KEYS[tok.group("dv_key") or tok.group("dvp_key")]
        return ("owner", "") if name == "owner" else ("field", name)
    return "field", group
