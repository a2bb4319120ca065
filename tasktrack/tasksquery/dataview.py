"""The Dataview TASK queries tasktrack runs: ``TASK``, ``FROM "folder"`` or ``FROM #tag``, ``WHERE`` (with
``completed``, ``checked``, ``status``, dates and other fields compared, joined by AND/OR, ``!`` and
parentheses), ``SORT field ASC|DESC, …`` and ``LIMIT N``, read into a ``Query``.

With Dataview's semantics: every checkbox is a task (``[ ?]`` is not one: two characters), ``completed`` is
only ``x``/``X`` (so ``!completed`` keeps ``[-]``), ``checked`` is any symbol but a space, null is smaller
than every value (tasks without a due date sort first), and the order is the notes' own without ``SORT``.
``FROM #tag`` keeps the tasks of notes with the tag in their frontmatter, and tasks with the tag. Anything
else is refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import PurePosixPath
from typing import Any

from tasktrack.dates import parse_when
from tasktrack.errors import UsageError
from tasktrack.model import Task
from tasktrack.tasksquery.filters import Context, Filter
from tasktrack.tasksquery.language import Query
from tasktrack.tasksquery.sorting import SortKey

Value = Any  # None, bool, str, float or date
_CLAUSE_RE = re.compile(r"(TASK|FROM|WHERE|SORT|LIMIT)\b|(GROUP\s+BY|FLATTEN|TABLE|LIST|CALENDAR)\b", re.IGNORECASE)
_TOKEN_RE = re.compile(
    r"\s*(date\([^)]*\)|\"[^\"]*\"|!=|<=|>=|=|<|>|!|\(|\)|&&?|\|\|?|[A-Za-z_][\w.-]*|-?\d+(?:\.\d+)?)")

FIELDS: dict[str, Callable[[Task], Value]] = {
    "completed": lambda t: t.symbol in ("x", "X"),
    "checked": lambda t: t.symbol != " ",
    "status": lambda t: t.symbol,
    "text": lambda t: t.description,
    "due": lambda t: _day(t.due), "scheduled": lambda t: _day(t.scheduled), "start": lambda t: _day(t.start),
    "created": lambda t: _day(t.created), "completion": lambda t: _day(t.done),
    "line": lambda t: t.line - 1, "path": lambda t: t.path, "file.path": lambda t: t.path,
    "file.name": lambda t: PurePosixPath(t.path).stem, "file.folder": lambda t: str(PurePosixPath(t.path).parent),
}


def is_task_query(text: str) -> bool:
    words = text.split(None, 1)
    return bool(words) and words[0].upper() == "TASK"


def parse_dataview(text: str, ctx: Context, first_line: int = 1) -> Query:
    """The ``Query`` of a Dataview TASK query; ``UsageError`` naming the line of what it cannot do."""
    query = Query(default_sorts=[SortKey("file order", lambda t: (t.path, t.line))],
                  base=lambda t: len(t.symbol) == 1)
    clauses = _clauses(text, first_line)
    if not clauses or clauses[0][1] != "TASK" or clauses[0][2]:
        raise UsageError(f"line {first_line}: a Dataview query tasktrack runs starts with TASK alone")
    for line, keyword, body in clauses[1:]:
        try:
            _apply(query, keyword, body, ctx)
        except UsageError as exc:
            raise UsageError(f"line {line}: `{keyword} {body}`: {exc}") from None
        query.explanation.append(f"line {line}: {keyword} {body}  =>  {query.explanation.pop()}")
    return query


def _clauses(text: str, first_line: int) -> list[tuple[int, str, str]]:
    """(line, KEYWORD, text) of each clause; keywords inside quotes are text."""
    found: list[tuple[int, str, str]] = []
    quoted = False
    for number, line in enumerate(text.splitlines(), first_line):
        pos = 0
        for i, char in enumerate(line):
            if char == '"':
                quoted = not quoted
            if quoted or (i and (line[i - 1].isalnum() or line[i - 1] == "_")):
                continue
            m = _CLAUSE_RE.match(line, i)
            if m is None or i < pos:
                continue
            if m.group(2):
                raise UsageError(f"line {number}: `{m.group(2)}`: tasktrack runs TASK, FROM, WHERE, SORT and LIMIT")
            if found:
                found[-1] = (found[-1][0], found[-1][1], (found[-1][2] + " " + line[pos:i]).strip())
            found.append((number, m.group(1).upper(), ""))
            pos = m.end()
        if found:
            found[-1] = (found[-1][0], found[-1][1], (found[-1][2] + " " + line[pos:]).strip())
        elif line.strip():
            raise UsageError(f"line {number}: `{line.strip()}`: a Dataview query starts with TASK")
    return found


def _apply(query: Query, keyword: str, body: str, ctx: Context) -> None:
    if keyword == "FROM":
        query.filters.append(_source(body))
        query.explanation.append(query.filters[-1].explanation)
    elif keyword == "WHERE":
        parser = _Expression(body, ctx)
        test = parser.parse()
        query.filters.append(Filter(f"where {body}", lambda t: _truthy(test(t))))
        query.explanation.append(f"where {body} (null is false)")
    elif keyword == "SORT":
        keys = [_sort_key(part) for part in body.split(",")]
        query.sorts += keys
        query.explanation.append(", ".join(f"sort by {k.name}{' descending' if k.reverse else ''}" for k in keys)
                                 + " (no value first)")
    elif keyword == "LIMIT":
        if not body.isdigit():
            raise UsageError("LIMIT wants a number")
        query.limit = int(body)
        query.explanation.append(f"at most {body} tasks")
    else:
        raise UsageError(f"{keyword} comes only first")


def _source(body: str) -> Filter:
    if m := re.fullmatch(r'"([^"]*)"', body):
        folder = m.group(1).strip("/")
        if not folder:
            return Filter("every note", lambda t: True)
        return Filter(f"notes in {folder}", lambda t: t.path.startswith(folder + "/") or t.path == f"{folder}.md")
    if re.fullmatch(r"#[^\s#\"]+", body):
        tag = body.casefold()
        return Filter(f"tagged {body} (the note, in its frontmatter, or the task)", lambda t: _has_tag(t, tag))
    raise UsageError('FROM takes one "folder" or one #tag')


def _has_tag(task: Task, tag: str) -> bool:
    """The tag or one under it (``#work`` for ``#work/call``), in the note's frontmatter or the task's tags."""
    values = task.properties.get("tags", task.properties.get("tag", []))
    values = values if isinstance(values, list) else str(values).replace(",", " ").split()
    names = [f"#{str(v).lstrip('#')}".casefold() for v in values]
    names += [t.casefold() for t in task.tags]
    return any(name == tag or name.startswith(tag + "/") for name in names)


def _sort_key(part: str) -> SortKey:
    words = part.split()
    if not 1 <= len(words) <= 2 or (len(words) == 2 and words[1].upper() not in ("ASC", "DESC")):
        raise UsageError(f"SORT wants `field [ASC|DESC]`, not {part.strip()!r}")
    get = _field(words[0])
    return SortKey(words[0], lambda t: _rank(get(t)), len(words) == 2 and words[1].upper() == "DESC")


def _field(name: str) -> Callable[[Task], Value]:
    if name in FIELDS:
        return FIELDS[name]
    if name.startswith("file."):
        raise UsageError(f"the field {name} is not supported")
    return lambda t: next((v for k, v in t.properties.items() if k.casefold() == name.casefold()), None)


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _rank(value: Value) -> tuple[int, str, Any]:
    """Dataview's order: null first, then values by their type's name, each type in its own order."""
    if value is None:
        return (0, "", 0)
    if isinstance(value, list):
        return (1, "array", [str(v) for v in value])
    return (1, type(value).__name__, value)


def _compare(left: Value, right: Value) -> int:
    a, b = _rank(left), _rank(right)
    return (a > b) - (a < b)


def _truthy(value: Value) -> bool:
    return bool(value) if not isinstance(value, date) else True


class _Expression:
    """A WHERE expression: comparisons of fields and values, ``!``, AND/OR (``&``, ``|``), parentheses."""

    def __init__(self, text: str, ctx: Context) -> None:
        self.text, self.ctx = text, ctx
        self.tokens = _tokens(text)
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise UsageError("the expression ends too soon")
        self.pos += 1
        return token

    def parse(self) -> Callable[[Task], Value]:
        found = self.either()
        if self.peek() is not None:
            raise UsageError(f"cannot read the expression from {self.peek()!r}")
        return found

    def either(self) -> Callable[[Task], Value]:
        left = self.both()
        while (self.peek() or "").lower() in ("or", "|", "||"):
            self.take()
            left = _or(left, self.both())
        return left

    def both(self) -> Callable[[Task], Value]:
        left = self.unary()
        while (self.peek() or "").lower() in ("and", "&", "&&"):
            self.take()
            left = _and(left, self.unary())
        return left

    def unary(self) -> Callable[[Task], Value]:
        if self.peek() == "!":
            self.take()
            inner = self.unary()
            return lambda t: not _truthy(inner(t))
        return self.comparison()

    def comparison(self) -> Callable[[Task], Value]:
        left = self.value()
        operator = self.peek()
        if operator not in ("=", "!=", "<", "<=", ">", ">="):
            return left
        self.take()
        right = self.value()
        tests: dict[str, Callable[[int], bool]] = {
            "=": lambda c: c == 0, "!=": lambda c: c != 0, "<": lambda c: c < 0, "<=": lambda c: c <= 0,
            ">": lambda c: c > 0, ">=": lambda c: c >= 0,
        }
        test = tests[operator]
        return lambda t: test(_compare(left(t), right(t)))

    def value(self) -> Callable[[Task], Value]:
        token = self.take()
        if token == "(":
            inner = self.either()
            if self.take() != ")":
                raise UsageError("a `(` is not closed")
            return inner
        constant = self.constant(token)
        if constant is not _NOT_CONSTANT:
            return lambda t: constant
        if re.fullmatch(r"[A-Za-z_][\w.-]*", token):
            return _field(token)
        raise UsageError(f"cannot read {token!r}")

    def constant(self, token: str) -> Value:
        if token.startswith('"'):
            return token[1:-1]
        if token.lower() in ("null", "true", "false"):
            return {"null": None, "true": True, "false": False}[token.lower()]
        if re.fullmatch(r"-?\d+(?:\.\d+)?", token):
            return float(token)
        if m := re.fullmatch(r"date\((.*)\)", token):
            return parse_when(m.group(1).strip().strip('"'), self.ctx.today)
        return _NOT_CONSTANT


_NOT_CONSTANT = object()
Getter = Callable[[Task], Value]


def _or(left: Getter, right: Getter) -> Getter:
    return lambda t: _truthy(left(t)) or _truthy(right(t))


def _and(left: Getter, right: Getter) -> Getter:
    return lambda t: _truthy(left(t)) and _truthy(right(t))


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    pos = 0
    while text[pos:].strip():
        m = _TOKEN_RE.match(text, pos)
        if m is None:
            raise UsageError(f"cannot read {text[pos:].strip()!r}")
        tokens.append(m.group(1))
        pos = m.end()
    return tokens
