"""A ```` ```tasks ```` query read into a ``Query``: one instruction a line (a trailing ``\\`` joins the next
line, ``#`` starts a comment), its filters joined by AND.

What tasktrack does not do is refused, naming the instruction and its line: JavaScript (``filter by
function`` and the like) and placeholders other than the ``{{query.file.…}}`` of
the note's path (with ``--note``). Layout instructions (``hide …``,
``show …``, ``short mode``, ``full mode``) are accepted and change nothing in the terminal; ``explain``
says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from tasktrack.errors import UsageError
from tasktrack.model import Task
from tasktrack.tasksquery.boolean import is_boolean, parse_boolean
from tasktrack.tasksquery.filters import ALL_STATUSES, Context, Filter, parse_filter
from tasktrack.tasksquery.sorting import DEFAULT_SORT, GroupKey, SortKey, group_key, sort_key


@dataclass(frozen=True)
class Instruction:
    line: int  # where it starts, 1-based
    text: str


@dataclass
class Query:
    filters: list[Filter] = field(default_factory=list)
    sorts: list[SortKey] = field(default_factory=list)
    default_sorts: list[SortKey] = field(default_factory=list)  # after the query's own keys
    groups: list[GroupKey] = field(default_factory=list)  # ``group by`` lines: each groups within the one before
    limit: int | None = None
    limit_groups: int | None = None
    explain: bool = False
    explanation: list[str] = field(default_factory=list)  # a line per instruction, how it was understood
    base: Callable[[Task], bool] | None = None  # which tasks the query language sees at all

    @property
    def statuses(self) -> frozenset[str]:
        """The statuses a task may have and pass every filter."""
        allowed = ALL_STATUSES
        for f in self.filters:
            allowed &= f.statuses
        return allowed

    def keeps(self, task: Task) -> bool:
        return (self.base is None or self.base(task)) and all(f.test(task) for f in self.filters)


def instructions(text: str, first_line: int = 1) -> list[Instruction]:
    """The instructions of a query, without comments and blank lines, continued lines joined."""
    found: list[Instruction] = []
    pending: list[str] = []
    start = first_line
    for number, line in enumerate(text.splitlines(), first_line):
        if not pending:
            start = number
        stripped = line.strip()
        if stripped.endswith("\\"):
            pending.append(stripped[:-1].strip())
            continue
        joined = " ".join([*pending, stripped]).strip()
        pending = []
        if joined and not joined.startswith("#"):
            found.append(Instruction(start, joined))
    if pending and " ".join(pending).strip():
        found.append(Instruction(start, " ".join(pending).strip()))
    return found


_LIMIT_RE = re.compile(r"limit\s+(groups\s+)?(?:to\s+)?(\d+)(?:\s+tasks?)?")
_LAYOUT_RE = re.compile(
    r"(hide|show)\s+.+|short mode|full mode|short|full|ignore global query|view list")
_REFUSED = (
    (re.compile(r".*\bfunction\b.*"), "JavaScript (`… by function`) is not run by tasktrack"),
    (re.compile(r".*\{\{.*\}\}.*"), "placeholders are supported only for the path of the note (`--note`): "
                                   "query.file.path, root, folder, filename, filenameWithoutExtension"),
)


def parse_query(text: str, ctx: Context, first_line: int = 1, note: str | None = None) -> Query:
    """The ``Query`` of ``text`` (in the note ``note``, whose path the ``{{query.file.…}}`` placeholders stand
    for); a ``UsageError`` naming the line of the first instruction it cannot do."""
    query = Query(default_sorts=[sort_key(name, ctx.today) for name in DEFAULT_SORT],
                  base=has_global_filter(ctx.global_filter) if ctx.global_filter else None)
    values = placeholders(note)
    own = instructions(text, first_line)
    for where, instruction in [*_global_instructions(ctx, own), *(("line", i) for i in own)]:
        try:
            for line in expand_presets(instruction.text, {**DEFAULT_PRESETS, **(ctx.presets or {})}):
                understood = _apply(query, _PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)), line),
                                    ctx)
                shown = instruction.text if line == instruction.text else f"{instruction.text}: {line}"
                query.explanation.append(f"{where} {instruction.line}: {shown}  =>  {understood}")
        except UsageError as exc:
            raise UsageError(f"{where} {instruction.line}: `{instruction.text}`: {exc}") from None
    return query


def _global_instructions(ctx: Context, own: list[Instruction]) -> list[tuple[str, Instruction]]:
    """The instructions of Obsidian Tasks' global query, which come before a query's own unless it says
    ``ignore global query``."""
    if not ctx.global_query or any(_IGNORE_GLOBAL_RE.match(i.text) for i in own):
        return []
    return [("global query line", i) for i in instructions(ctx.global_query)
            if not _IGNORE_GLOBAL_RE.match(i.text)]  # meaningless there, as the plugin says


_IGNORE_GLOBAL_RE = re.compile(r"ignore global query", re.IGNORECASE)


def has_global_filter(global_filter: str) -> Callable[[Task], bool]:
    """Obsidian Tasks sees a checkbox line as a task only when its text after the checkbox holds the global
    filter (any text, case and all)."""
    return lambda task: global_filter in task.raw.split("]", 1)[-1]


# Obsidian Tasks' own presets (src/Query/Presets/Presets.ts); the vault's settings may change or add some.
DEFAULT_PRESETS = {
    "this_file": "path includes {{query.file.path}}",
    "this_folder": "folder includes {{query.file.folder}}",
    "this_folder_only": "filter by function task.file.folder === query.file.folder",
    "this_root": "root includes {{query.file.root}}",
    "hide_date_fields": "hide due date\nhide scheduled date\nhide start date\nhide created date\nhide done date\n"
                        "hide cancelled date",
    "hide_non_date_fields": "hide id\nhide depends on\nhide recurrence rule\nhide on completion\nhide priority",
    "hide_query_elements": "hide toolbar\nhide postpone button\nhide edit button\nhide backlinks\nhide task count",
    "hide_everything": "preset hide_date_fields\npreset hide_non_date_fields\npreset hide_query_elements",
}


def expand_presets(text: str, presets: dict[str, str], depth: int = 0) -> list[str]:
    """``preset NAME``: the instructions of that preset (themselves maybe presets); any other line: itself."""
    m = re.fullmatch(r"preset\s+(\S+)", text.strip())
    if m is None:
        return [text]
    if m.group(1) not in presets:
        raise UsageError(f"no preset {m.group(1)!r} in Obsidian Tasks' settings or its own: "
                         f"{', '.join(sorted(presets))}")
    if depth > 10:
        raise UsageError(f"the preset {m.group(1)!r} uses itself")
    return [line for instruction in instructions(presets[m.group(1)])
            for line in expand_presets(instruction.text, presets, depth + 1)]


_PLACEHOLDER_RE = re.compile(r"\{\{\s*(query\.file\.\w+)\s*\}\}")


def placeholders(note: str | None) -> dict[str, str]:
    """The values of the ``{{query.file.…}}`` placeholders in a block of the note ``note``."""
    if note is None:
        return {}
    path = PurePosixPath(note)
    parent = "/" if str(path.parent) == "." else f"{path.parent}/"
    return {"query.file.path": note, "query.file.root": f"{path.parts[0]}/" if len(path.parts) > 1 else "/",
            "query.file.folder": parent, "query.file.filename": path.name,
            "query.file.filenameWithoutExtension": path.stem}


def _apply(query: Query, text: str, ctx: Context) -> str:
    """Add the instruction ``text`` to ``query``; how it was understood."""
    lower = " ".join(text.lower().split())
    if m := _LIMIT_RE.fullmatch(lower):
        if m.group(1):
            query.limit_groups = int(m.group(2))
            return f"at most {m.group(2)} tasks in each group"
        query.limit = int(m.group(2))
        return f"at most {m.group(2)} tasks"
    if lower.startswith("sort by ") and "function" not in lower:
        key = sort_key(text.strip()[8:], ctx.today)
        query.sorts.append(key)
        return f"sort by {key.name}{' (reversed)' if key.reverse else ''}"
    if lower.startswith("group by ") and "function" not in lower:
        group = group_key(text.strip()[9:], ctx.today)
        query.groups.append(group)
        return f"group by {group.name}{' (reversed)' if group.reverse else ''}"
    if lower == "explain":
        query.explain = True
        return "print how each instruction was understood"
    if _LAYOUT_RE.fullmatch(lower):
        return "layout: changes nothing in the terminal"
    found = read_filter(text, ctx)
    query.filters.append(found)
    return found.explanation


def read_filter(text: str, ctx: Context) -> Filter:
    """One filter, or a boolean combination of filters."""
    lower = " ".join(text.lower().split())
    for pattern, reason in _REFUSED:
        if pattern.fullmatch(lower):
            raise UsageError(reason)
    if is_boolean(text):
        return parse_boolean(text, lambda inner: read_filter(inner, ctx))
    found = parse_filter(text, ctx)
    if found is None:
        raise UsageError("not an instruction tasktrack understands")
    return found
