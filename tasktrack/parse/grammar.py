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
    PRIORITIES,
    PRIORITY_OF_EMOJI,
)

TASK_RE = re.compile(
    r"(?P<prefix>[ \t>]*)(?P<marker>[-*+]|\d{1,9}[.)])(?P<gap> +)\[(?P<symbol> \?|[^\n])\](?=[ \t]|$)"
)

_VS = "\ufe0f?"
_DV_KEYS = "|".join(sorted(DATAVIEW_KEYS, key=len, reverse=True))
_TOKENS = (
    rf"(?P<priority>[🔺⏫🔼🔽⏬]){_VS}",
    rf"(?P<date_emoji>[📅📆🗓⏳⌛🛫➕✅❌]){_VS} *(?P<date>\d{{4}}-\d{{2}}-\d{{2}})",
    rf"🔁{_VS} *(?P<recurrence>[a-zA-Z0-9, !]*[a-zA-Z0-9!])",
    rf"🏁{_VS} *(?P<on_completion>[a-zA-Z]+)",
    rf"🆔{_VS} *(?P<id>[a-zA-Z0-9_-]+)",
    rf"⛔{_VS} *(?P<depends_on>[a-zA-Z0-9_-]+(?: *, *[a-zA-Z0-9_-]+)*)",
    rf"\[ *(?P<dv_key>{_DV_KEYS}):: *(?P<dv_value>[^\]]*?) *\],?",
    rf"\( *(?P<dvp_key>{_DV_KEYS}):: *(?P<dvp_value>[^)]*?) *\),?",
    r"(?P<tag>#(?<!\S#)[^\s!@#$%^&*(),.?\":{}|<>]+)",
    r"@(?<![^\s(\[{\"']@)(?P<owner>\w(?:[\w.'-]*\w)?)",
)
_TOKEN_RE = re.compile("|".join(_TOKENS))
# The trailing run of tokens (fields, tags, owners) that ends a body, for ``read_fields``: the tokens
# above but Dataview's (lines with ``::`` go the long way), each matched atomically as ``_TOKEN_RE.match``
# would, and each alternative led by one literal character so that the search skips ahead fast.
_ONE_TOKEN = "(?:" + "|".join((
    *(rf"{e}(?>{_VS})" for e in "🔺⏫🔼🔽⏬"),
    *(rf"{e}(?>{_VS} *\d{{4}}-\d{{2}}-\d{{2}})" for e in "📅📆🗓⏳⌛🛫➕✅❌"),
    rf"🔁(?>{_VS} *[a-zA-Z0-9, !]*[a-zA-Z0-9!])",
    rf"🏁(?>{_VS} *[a-zA-Z]+)",
    rf"🆔(?>{_VS} *[a-zA-Z0-9_-]+)",
    rf"⛔(?>{_VS} *[a-zA-Z0-9_-]+(?: *, *[a-zA-Z0-9_-]+)*)",
    r"#(?<!\S#)(?>[^\s!@#$%^&*(),.?\":{}|<>]+)",
    r"@(?<![^\s(\[{\"']@)(?>\w(?:[\w.'-]*\w)?)",
)) + ")"
_TAIL_RE = re.compile(rf"{_ONE_TOKEN}(?:[ \t]*{_ONE_TOKEN})*\Z")
# The same tokens one by one, each with the blanks before it (Dataview's left out, as above).
_TAIL_TOKEN_RE = re.compile("[ \t]*(?:" + "|".join(_TOKENS[:6] + _TOKENS[8:]) + ")")
# Every token above starts with one of these characters: only there is a match attempted.
_TOKEN_START_RE = re.compile(
    "[#@\\[(\u231b\u23e9-\u23f3\u26d4\u2705\u274c\u2795"
    "\U0001f194\U0001f3c1\U0001f4c5\U0001f4c6\U0001f501\U0001f53a-\U0001f53d\U0001f5d3\U0001f6eb]"
)
_BLOCK_ID_RE = re.compile(r" \^([A-Za-z0-9-]+)")
_TASK_BODY_RE = re.compile(TASK_RE.pattern + "([ \t]*)")  # and the blanks before the body (group 5)


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


class TaskFields(NamedTuple):
    """The fields of a task line a scan keeps: what :func:`parse_line` gives, without the segments."""

    symbol: str
    description: str  # as parse_line gives it: not stripped
    priority: str
    dates: dict[str, str]
    recurrence: str | None
    owners: tuple[str, ...]
    tags: tuple[str, ...]
    block_id: str | None
    warnings: list[str]


_new = tuple.__new__  # a NamedTuple made without its Python-level __new__ (one per task of a scan)


def read_fields(line: str) -> TaskFields | None:
    """The same fields as :func:`parse_line` finds, read faster (scans read every task of a vault).

    One regex search finds where the trailing fields, tags and owners start (a line that ends in a run of
    them read before needs none); the rest of the body is the description. Lines where that shortcut could
    read differently from the general parser (Dataview fields, a trailing field glued to a word) go through
    :func:`parse_line`."""
    m = _TASK_BODY_RE.match(line)
    if m is None:
        return None
    if "::" in line:
        return _fields_of(parse_line(line))
    start, body = m.span(5)  # after the checkbox; after the blanks that follow it
    end = len(line.rstrip(" \t"))
    if end < start:
        end = start
    block_id = None
    caret = line.rfind(" ^", start, end)
    if caret >= 0:
        block = _BLOCK_ID_RE.fullmatch(line, caret, end)
        if block is not None:
            block_id = block.group(1)
            end = caret
    if body > end:
        body = end
    # No token starts before tail_start: every token starts with #, @ or a character beyond ASCII.
    tail_start = end
    at = line.find("@", body, end)
    if at >= 0:
        tail_start = at
    hashmark = line.find("#", body, tail_start)
    if hashmark >= 0:
        tail_start = hashmark
    if not line[body:tail_start].isascii():
        tail_start = body
    known = None  # the trailing tokens, when they are a run read before
    if tail_start < end and (tail_start == body or line[tail_start - 1] in " \t"):
        known = _UNDATED_TAILS.get(line[tail_start:end])  # a run _TAIL_RE matched: it matches here too
    if known is None:
        tail = _TAIL_RE.search(line, tail_start, end) if tail_start < end else None
        tail_start = end if tail is None else tail.start()
        if tail is not None and tail_start > body and line[tail_start - 1] not in " \t":
            return _fields_of(parse_line(line))
    dates: dict[str, str] = {}
    warnings: list[str] = []
    if tail_start < end:
        description = line[body:tail_start].rstrip(" \t")
        if known is None:
            known = _read_tail(line[tail_start:end], dates, warnings)
        priority, recurrence, tags, owners = known
    else:
        description = line[body:tail_start]
        priority, recurrence, tags, owners = _NO_TAIL
    if "@" in description or "#" in description:
        inline_owners: list[str] = []
        inline_tags: list[str] = []
        for tok in _tokens(line, body, tail_start):
            if tok.lastgroup == "owner":
                inline_owners.append(tok.group("owner"))
            elif tok.lastgroup == "tag":
                inline_tags.append(tok.group("tag"))
        tags = (*inline_tags, *tags)
        owners = (*inline_owners, *owners)
    return _new(TaskFields, (m[4], description, priority, dates, recurrence,
                             tuple(dict.fromkeys(owners)) if len(owners) > 1 else owners, tags, block_id, warnings))


_NO_TAIL: tuple[str, None, tuple[str, ...], tuple[str, ...]] = ("normal", None, (), ())
# Runs of trailing tokens without dates recur across a vault (the same owners, tags, priorities): each is read once.
_UNDATED_TAILS: dict[str, tuple[str, str | None, tuple[str, ...], tuple[str, ...]]] = {}


def _read_tail(tail: str, dates: dict[str, str],
               warnings: list[str]) -> tuple[str, str | None, tuple[str, ...], tuple[str, ...]]:
    """The priority, recurrence, tags and owners of a run of trailing tokens; its dates go to ``dates``."""
    priority = "normal"
    recurrence = None
    tags: list[str] = []
    owners: list[str] = []
    # Met right to left, as _peel_trailing meets them (so the leftmost of two dates of a kind wins).
    for sign, date_emoji, date_text, every, _done, _id, _after, tag, owner in reversed(_TAIL_TOKEN_RE.findall(tail)):
        if tag:
            tags.append(tag)
        elif owner:
            owners.append(owner)
        elif date_text:
            _put_date(dates, warnings, DATE_OF_EMOJI[date_emoji], date_text)
        elif sign:
            priority = PRIORITY_OF_EMOJI[sign]
        elif every:
            recurrence = every.strip()
    found = (priority, recurrence, tuple(reversed(tags)), tuple(reversed(owners)))
    if not dates and not warnings:
        if len(_UNDATED_TAILS) > 20_000:
            _UNDATED_TAILS.clear()
        _UNDATED_TAILS[tail] = found
    return found


def _put_date(dates: dict[str, str], warnings: list[str], name: str, value: str) -> None:
    """As ``_set_date`` does on a TaskLine."""
    if valid_date(value):
        dates[name] = value
        if warnings:
            warnings[:] = [w for w in warnings if not w.startswith(f"{name}:")]
    else:
        dates.pop(name, None)
        warnings.append(f"{name}: impossible date {value!r} (kept as written)")


def _fields_of(task: TaskLine | None) -> TaskFields | None:
    if task is None:
        return None
    return TaskFields(task.symbol, task.description, task.priority, task.dates, task.recurrence, task.owners,
                      task.tags, task.block_id, task.warnings)


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
    """Leftmost occurrence wins: fields are met right to left, so a later call overwrites."""
    _put_date(task.dates, task.warnings, name, value)


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
            owners.append(tok.group("owner"))
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
