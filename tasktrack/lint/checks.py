"""Will Obsidian read what a note says? Each check compares what tasktrack reads in a line with what Obsidian,
the Obsidian Tasks plugin and Dataview read there, and says how to make them agree.

What Obsidian Tasks reads (its ``DefaultTaskSerializer``): a checkbox of exactly one character; fields only
at the end of the line, taken off right to left while the end is a field or a tag (in its Dataview format,
``[key:: value]`` fields instead of emoji); the leftmost of two copies of a field; a ``^block-id`` only last.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from tasktrack.model import DATE_FIELDS, DATE_OF_EMOJI, MONTH_WORDS, WEEKDAY_WORDS
from tasktrack.parse.grammar import (
    SIGNIFIERS,
    Segment,
    TaskLine,
    body_segments,
    content_bounds,
    is_task_line,
    parse_line,
    valid_date,
)
from tasktrack.parse.structure import Hidden, frontmatter_end, hidden_lines, list_items

# Each rule, in the order findings on one line are given.
RULES = ("proposed-checkbox", "text-after-fields", "tag-between-fields", "invalid-date", "duplicate-field",
         "emoji-variant", "block-id-not-last", "duplicate-block-id", "hidden-task")


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem on one line; ``new`` is the line with it fixed when the fix is safe and mechanical."""

    path: str
    line: int  # 1-based
    rule: str
    message: str
    fix: str
    new: str | None = None

    def to_json(self) -> dict[str, str | int]:
        return {"path": self.path, "line": self.line, "rule": self.rule, "message": self.message, "fix": self.fix}

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule}: {self.message} (fix: {self.fix})"


# -- a note ------------------------------------------------------------------------------------------------

_LINE_BLOCK_ID_RE = re.compile(r"(?:^|[ \t])\^([A-Za-z0-9-]+)[ \t]*$")


def lint_lines(path: str, lines: list[str], dataview: bool = False) -> list[Finding]:
    """Every finding in a note's ``lines`` (without line endings); ``dataview``: the vault's Tasks plugin
    reads the Dataview format."""
    body = frontmatter_end(lines)
    found: list[Finding] = []
    for item in list_items(lines, body):
        task = parse_line(lines[item.line])
        if task is not None:
            found += (Finding(path, item.line + 1, rule, message, fix, new)
                      for rule, message, fix, new in check_line(task, dataview))
    hidden = hidden_lines(lines, body, lambda text: "^" in text or is_task_line(text))
    found += _duplicate_block_ids(path, lines, body, {h.line for h in hidden if h.kind != "paragraph"})
    found += (_hidden(path, lines, h) for h in hidden
              if is_task_line(lines[h.line]) and (h.kind in ("indented code", "paragraph") or not h.closed))
    return sorted(found, key=lambda f: (f.line, RULES.index(f.rule)))


def _duplicate_block_ids(path: str, lines: list[str], body: int, hidden: set[int]) -> list[Finding]:
    """A block id used twice in a note: a link to it opens the first. ``hidden``: the lines in code or comments."""
    first: dict[str, int] = {}
    found: list[Finding] = []
    for i in range(body, len(lines)):
        m = _LINE_BLOCK_ID_RE.search(lines[i]) if "^" in lines[i] and i not in hidden else None
        if m is None:
            continue
        block = m.group(1)
        if block in first:
            found.append(Finding(path, i + 1, "duplicate-block-id",
                                 f"`^{block}` is also the block id of line {first[block]}: links to "
                                 f"`#^{block}` open line {first[block]}, never this one",
                                 "give this line a block id of its own (and update the links meant for it)"))
        else:
            first[block] = i + 1
    return found


def _hidden(path: str, lines: list[str], hidden: Hidden) -> Finding:
    """A line shaped like a task that Obsidian does not read as a list item, where that looks unintended."""
    line = hidden.line + 1
    if hidden.kind == "indented code":
        return Finding(path, line, "hidden-task", "this task is indented code for Obsidian (indented 4 spaces "
                       "or more after a blank line, outside a list): no checkbox, no Tasks or Dataview task",
                       "remove the indentation, or indent it under a list item")
    if hidden.kind == "paragraph":
        return Finding(path, line, "hidden-task", "this task continues the paragraph above it, so Obsidian does "
                       "not read it as a list item: no checkbox, no Tasks or Dataview task",
                       "put a blank line above it (and remove its indentation)")
    opened = (hidden.opened or 0) + 1
    opener = lines[opened - 1].strip()
    if hidden.kind == "fence":
        fence = opener[:3]
        return Finding(path, line, "hidden-task", f"the {fence} code block opened on line {opened} is never "
                       "closed: Obsidian shows the rest of the note as code, this task included",
                       f"close the code block with {fence} after its last line")
    mark = "%%" if opener.startswith("%%") else "<!--"
    close = "%%" if mark == "%%" else "-->"
    return Finding(path, line, "hidden-task", f"the {mark} comment opened on line {opened} is never closed: "
                   "Obsidian hides the rest of the note, this task included", f"close the comment with {close}")


# -- a task line ------------------------------------------------------------------------------------------

Check = tuple[str, str, str, str | None]  # rule, message, fix, the fixed line (None: no mechanical fix)


def check_line(task: TaskLine, dataview: bool = False) -> list[Check]:
    """What Obsidian reads otherwise than tasktrack in one task line, and how to fix it."""
    segments = body_segments(task)
    tasks_end = _tasks_reads_to(task, segments, dataview)
    found: list[Check] = []
    if task.symbol == " ?":
        found.append(_proposed())
    found += _text_after_fields(task, segments, tasks_end, dataview)
    found += _tag_between_fields(task, segments, tasks_end)
    found += _invalid_dates(task, segments)
    found += _duplicate_fields(task)
    found += _emoji_variants(task)
    found += _block_id_not_last(task)
    return found


def fix_line(task: TaskLine, dataview: bool = False) -> str:
    """The line with every safe, mechanical fix applied (the line itself when there is none)."""
    line = task.text
    for _ in range(20):  # each fix removes a finding; a line has only so many
        fixed = next((new for *_, new in check_line(task, dataview) if new is not None), None)
        if fixed is None or fixed == line:
            break
        line = fixed
        task = parse_line(line) or task
    return line


def _proposed() -> Check:
    return ("proposed-checkbox",
            "`[ ?]` holds two characters (a space and `?`) and Obsidian reads a checkbox only with one: Obsidian "
            "Tasks and Dataview do not see this item (tasktrack reads it as proposed)",
            "write `[?]` (tasktrack reads it as proposed too) and register `?` with `tasks lint --obsidian-setup`, "
            "or triage it with `tasks accept` or `tasks reject`", None)


def _is_dataview(text: str) -> bool:
    return text[:1] in "[("


@lru_cache(maxsize=1024)
def _alone(text: str) -> TaskLine | None:
    """``text`` (one field) read as the only field of a task line."""
    return parse_line(f"- [ ] x {text}")


def _tasks_reads(task: TaskLine, seg: Segment, dataview: bool) -> bool:
    """Whether Obsidian Tasks reads this token as a field or a tag when it ends the line."""
    if seg.kind == "tag":
        return True
    if seg.kind != "field":
        return False
    text = task.segment_text(seg)
    if _is_dataview(text) != dataview:
        return False
    alone = _alone(text)
    return alone is not None and any(s.kind == "field" for s in alone.segments)


def _tasks_reads_to(task: TaskLine, segments: list[Segment], dataview: bool) -> int:
    """Where Obsidian Tasks' description ends: it takes fields and tags off the end of the line, right to left,
    and stops at the first thing that is neither (an ``@owner`` or words)."""
    start, end = content_bounds(task)
    line = task.text
    for seg in reversed(segments):
        if seg.end != end or not _tasks_reads(task, seg, dataview):
            break
        end = seg.start
        while end > start and line[end - 1] in " \t":
            end -= 1
    return end


def _quote(text: str) -> str:
    return f"`{' '.join(text.split())}`"


def _text_after_fields(task: TaskLine, segments: list[Segment], tasks_end: int, dataview: bool) -> list[Check]:
    """Fields followed by something Obsidian Tasks does not read as a field: it reads none of them."""
    line = task.text
    left = [s for s in segments if s.end <= tasks_end]
    fields = [i for i, s in enumerate(left) if s.kind == "field" and _tasks_reads(task, s, dataview)]
    if not fields:
        return []
    first = last = fields[-1]
    while first > 0 and _tasks_reads(task, left[first - 1], dataview) and \
            not line[left[first - 1].end : left[first].start].strip():
        first -= 1
    while last + 1 < len(left) and _tasks_reads(task, left[last + 1], dataview) and \
            not line[left[last].end : left[last + 1].start].strip():
        last += 1
    run_start, run_end = left[first].start, left[last].end
    after = line[run_end:tasks_end].strip()
    run = line[run_start:run_end]
    ours = "tasktrack reads them" if run_start >= _description_end(task) else "tasktrack does not read them either"
    new = line[:run_start].rstrip(" \t") + f" {after} {run}{line[tasks_end:]}"
    return [("text-after-fields",
             f"{_quote(run)} is followed by {_quote(after)}: Obsidian Tasks reads fields only at the end of the "
             f"line, so it reads none of these ({ours})",
             f"move {_quote(after)} before the fields (`tasks lint --fix`)", new)]


def _description_end(task: TaskLine) -> int:
    text = [s for s in task.segments if s.kind == "text"]
    return text[0].end if text else content_bounds(task)[0]


def _tag_between_fields(task: TaskLine, segments: list[Segment], tasks_end: int) -> list[Check]:
    """Tags among the trailing fields: Obsidian Tasks reads them, but moves them before the fields when it
    rewrites the line (when it completes the task, say)."""
    read = [s for s in segments if s.start >= tasks_end]
    last_field = max((i for i, s in enumerate(read) if s.kind == "field"), default=-1)
    first_field = next((i for i, s in enumerate(read) if s.kind == "field"), len(read))
    tags = [task.segment_text(s) for i, s in enumerate(read) if s.kind == "tag" and first_field < i < last_field]
    if not tags:
        return []
    shown = " ".join(tags)
    return [("tag-between-fields",
             f"{_quote(shown)} stands between fields: Obsidian Tasks reads it, but moves it before the fields "
             "whenever it rewrites the line (completing the task, say)",
             f"write {_quote(shown)} before the fields", None)]


_DATE_SIGNS = "".join(sorted(DATE_OF_EMOJI))
_DATE_VALUE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_WORDS = "|".join(sorted({*WEEKDAY_WORDS, *MONTH_WORDS, "today", "tomorrow", "yesterday"}, key=len, reverse=True))
# A date sign followed by something meant as a date that is not YYYY-MM-DD.
_LOOSE_DATE_RE = re.compile(
    rf"([{_DATE_SIGNS}])\ufe0f? *(?!\d{{4}}-\d{{2}}-\d{{2}})"
    rf"(\[\[[^\]]*\]\]|\d{{1,4}}[-/.]\d{{1,2}}(?:[-/.]\d{{1,4}})?|(?:{_DATE_WORDS})\b)",
    re.IGNORECASE)
_SLOPPY_ISO_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def _invalid_dates(task: TaskLine, segments: list[Segment]) -> list[Check]:
    found: list[Check] = []
    for seg in segments:
        if seg.kind != "field" or seg.name not in DATE_FIELDS:
            continue
        text = task.segment_text(seg)
        value = _DATE_VALUE_RE.search(text)
        if value is not None and valid_date(value.group()):
            continue
        if value is None:
            found.append(("invalid-date", f"{_quote(text)} is no date: Obsidian Tasks reads only YYYY-MM-DD, and "
                          "neither it nor tasktrack reads this field (nor any field before it)",
                          "write the date as YYYY-MM-DD", None))
        else:
            found.append(("invalid-date", f"{_quote(text)} is not a real date: Obsidian Tasks keeps it as an invalid "
                          "date that no date search finds, and writes `Invalid date` in its place (the digits lost) "
                          "when it rewrites the line", "correct the date", None))
    start, end = content_bounds(task)
    for m in _LOOSE_DATE_RE.finditer(task.text, start, end):
        found.append(("invalid-date", f"{_quote(m.group())} is not a date Obsidian Tasks reads (only YYYY-MM-DD): "
                      "neither it nor tasktrack takes this as a date", f"write {_quote(_suggest_date(m))}", None))
    return found


def _suggest_date(m: re.Match[str]) -> str:
    loose = _SLOPPY_ISO_RE.fullmatch(m.group(2))
    if loose is not None:
        padded = f"{loose.group(1)}-{int(loose.group(2)):02d}-{int(loose.group(3)):02d}"
        if valid_date(padded):
            return f"{m.group(1)} {padded}"
    return f"{m.group(1)} YYYY-MM-DD"


def _field_value(name: str, text: str) -> str:
    """What one field says, however it is written (emoji with or without U+FE0F, alias emoji, spacing)."""
    alone = _alone(text)
    if alone is not None:
        value: object = {
            "priority": alone.priority, "recurrence": alone.recurrence, "on_completion": alone.on_completion,
            "id": alone.task_id, "depends_on": ",".join(alone.depends_on),
        }.get(name, alone.dates.get(name))
        if value:
            return str(value)
    return " ".join(text.split())


def _duplicate_fields(task: TaskLine) -> list[Check]:
    """A field written twice: Obsidian Tasks and tasktrack use the first, and a Tasks rewrite drops the other."""
    found: list[Check] = []
    seen: dict[str, list[Segment]] = {}
    for seg in task.segments:
        if seg.kind == "field":
            seen.setdefault(seg.name, []).append(seg)
    for segs in seen.values():
        if len(segs) < 2:
            continue
        texts = [task.segment_text(s) for s in segs]
        values = {_field_value(segs[0].name, t) for t in texts}
        shown = " and ".join(_quote(t) for t in texts)
        if len(values) == 1:
            from tasktrack.write.edits import cut_spans

            new = cut_spans(task.text, [(s.start, s.end) for s in segs[1:]])
            found.append(("duplicate-field", f"{shown} say the same twice; Obsidian Tasks keeps one when it "
                          "rewrites the line", f"drop {_quote(texts[-1])} (`tasks lint --fix`)", new))
        else:
            found.append(("duplicate-field", f"{shown} disagree: Obsidian Tasks and tasktrack use the first, "
                          f"{_quote(texts[0])}, and a Tasks rewrite drops the others",
                          "keep the one that is right", None))
    return found


# Emoji that look like a field's sign, with what follows them when they are meant as one, and the real sign.
_LOOK_ALIKES = {
    "✔": "✅", "☑": "✅", "✓": "✅", "❎": "❌", "✖": "❌", "✗": "❌", "🛬": "🛫", "✈": "🛫", "⌚": "⏳",
    "✚": "➕", "🔂": "🔁", "🔄": "🔁", "🔃": "🔁",
}
_LOOK_ALIKE_RE = re.compile(
    "([" + "".join(_LOOK_ALIKES) + r"])[\ufe0f\ufe0e]? *(?=\d{4}-\d{2}-\d{2}|every\b)")
_INVISIBLE = {"\u00a0": "a no-break space (U+00A0)", "\ufe0e": "the text-style variation selector U+FE0E",
              "\u200b": "a zero-width space (U+200B)", "\u200c": "a zero-width non-joiner (U+200C)",
              "\u200d": "a zero-width joiner (U+200D)", "\u2060": "a word joiner (U+2060)",
              "\ufeff": "a zero-width no-break space (U+FEFF)"}
_INVISIBLE_RE = re.compile(f"([{SIGNIFIERS}])\ufe0f?([{''.join(_INVISIBLE)}]+)")


def _emoji_variants(task: TaskLine) -> list[Check]:
    """Signs Obsidian Tasks does not take for a field: a look-alike emoji, or an invisible character after a
    real sign (only U+FE0F, the emoji variation selector, may follow one)."""
    start, end = content_bounds(task)
    found: list[Check] = []
    for m in _INVISIBLE_RE.finditer(task.text, start, end):
        what = _INVISIBLE[m.group(2)[0]]
        found.append(("emoji-variant", f"{m.group(1)} is followed by {what}: Obsidian Tasks (and tasktrack) read "
                      "no field there", f"write {m.group(1)} followed by a plain space", None))
    for m in _LOOK_ALIKE_RE.finditer(task.text, start, end):
        real = _LOOK_ALIKES[m.group(1)]
        found.append(("emoji-variant", f"{m.group(1)} (U+{ord(m.group(1)):04X}) looks like {real} but is not the "
                      f"sign Obsidian Tasks reads (U+{ord(real):04X}): neither it nor tasktrack reads this field",
                      f"write {real} instead", None))
    return found


_INNER_BLOCK_ID_RE = re.compile(r"(?<=[ \t])\^([A-Za-z0-9-]+)(?=[ \t]+\S)")


def _block_id_not_last(task: TaskLine) -> list[Check]:
    start, end = content_bounds(task)
    return [("block-id-not-last", f"`^{m.group(1)}` is not at the end of the line: Obsidian does not take it for "
             f"the block id, so links to `#^{m.group(1)}` do not find this task",
             f"move `^{m.group(1)}` to the end of the line", None)
            for m in _INNER_BLOCK_ID_RE.finditer(task.text, start, end)]
