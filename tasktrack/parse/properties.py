"""Note properties from YAML frontmatter.

Most frontmatter is plain ``key: value`` lines and ``- item`` lists. Those are read here directly, with
the same result YAML gives; anything else (quoting with escapes, nesting, flow style, comments, odd
numbers) goes to python-frontmatter's YAML reader. Reading a vault's worth of frontmatter this way is
several times faster, which keeps a first scan of a large vault short.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from yaml.nodes import Node

_KEY_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?:[ \t]+(.*?))?[ \t]*")
_ITEM_RE = re.compile(r"( *)-[ \t]+(.*?)[ \t]*")
_PLAIN_RE = re.compile(r"[A-Za-z][A-Za-z0-9 _./()+-]*")
_INT_RE = re.compile(r"-?(?:0|[1-9][0-9]*)")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_BOOLS = {"yes": True, "Yes": True, "YES": True, "true": True, "True": True, "TRUE": True, "on": True,
          "On": True, "ON": True, "no": False, "No": False, "NO": False, "false": False, "False": False,
          "FALSE": False, "off": False, "Off": False, "OFF": False}
_NULLS = ("null", "Null", "NULL", "~")
MOST_ALIASED = 10_000  # values YAML aliases may add to frontmatter (a few hundred bytes of them can make billions)


class _NotPlain(Exception):
    """The frontmatter uses YAML beyond the plain subset."""


class BrokenYAML(Exception):
    def __init__(self, line: int, problem: str) -> None:
        super().__init__(problem)
        self.line = line
        self.problem = problem


def read_properties(lines: list[str]) -> Any:
    """The value of the frontmatter ``lines`` (usually a dict of plain values, see ``plain_value``);
    ``BrokenYAML`` when it cannot be read."""
    try:
        return _plain_yaml(lines)
    except _NotPlain:
        value = _full_yaml("\n".join(lines) + "\n")
    if isinstance(value, dict):
        return {str(k): plain_value(v) for k, v in value.items()}
    return value


def _full_yaml(yaml_text: str) -> Any:
    """What ``yaml.load`` with python-frontmatter's (safe) loader gives, once the document is known to
    stay small when its aliases are expanded, and not to contain itself."""
    import yaml
    from frontmatter.default_handlers import SafeLoader

    loader = SafeLoader(yaml_text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expansion(node)
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise BrokenYAML(mark.line + 2 if mark is not None else 1,
                         getattr(exc, "problem", None) or "cannot be parsed") from None
    except ValueError as exc:  # e.g. a date that does not exist: 2023-02-30
        raise BrokenYAML(1, str(exc)) from None
    finally:
        loader.dispose()


def _check_expansion(root: Node) -> None:
    """``BrokenYAML`` when the document ``root`` holds itself, or when its aliases would make it more than
    ``MOST_ALIASED`` values bigger than it is written. Each node is visited once (aliases share nodes)."""
    sizes: dict[int, int] = {}  # a node's size with its aliases expanded, once known
    on_path = {id(root)}
    frames: list[tuple[Node, Iterator[Node], list[int]]] = [(root, _children(root), [1])]
    while frames:
        node, children, size = frames[-1]
        child = next(children, None)
        if child is None:
            frames.pop()
            on_path.discard(id(node))
            sizes[id(node)] = size[0]
            if size[0] - len(sizes) > MOST_ALIASED:
                raise BrokenYAML(node.start_mark.line + 2,
                                 f"its aliases expand to more than {MOST_ALIASED} values")
            if frames:
                frames[-1][2][0] += size[0]
        elif id(child) in on_path:
            raise BrokenYAML(child.start_mark.line + 2, "a value contains itself")
        elif id(child) in sizes:
            size[0] += sizes[id(child)]
        else:
            on_path.add(id(child))
            frames.append((child, _children(child), [1]))


def _children(node: Node) -> Iterator[Node]:
    import yaml

    if isinstance(node, yaml.SequenceNode):
        return iter(node.value)
    if isinstance(node, yaml.MappingNode):
        return (part for pair in node.value for part in pair)
    return iter(())


def _plain_yaml(lines: list[str]) -> dict[str, Any] | None:
    props: dict[str, Any] = {}
    key: str | None = None
    indent: str | None = None
    for line in lines:
        blank, item_indent, item_value, line_key, has_value, value = _read_line(line)
        if blank:
            continue
        if item_indent is not None and key is not None:
            if props[key] is None:
                props[key], indent = [], item_indent
            if item_indent != indent or item_value is _NOT_PLAIN:
                raise _NotPlain
            props[key].append(item_value)
            continue
        if line_key is None or value is _NOT_PLAIN:
            raise _NotPlain
        key = line_key
        props[key] = value
        if has_value:
            key = None
    return props or None


class _Line(NamedTuple):
    """One frontmatter line, read both ways it may be meant (which one applies depends on the line above)."""

    blank: bool
    item_indent: str | None  # a list item ``- value``, so indented
    item_value: Any  # its value, or _NOT_PLAIN
    key: str | None  # a property ``key: value`` or ``key:`` (None: neither, or a key YAML reads otherwise)
    has_value: bool
    value: Any  # its value (None for ``key:``), or _NOT_PLAIN


_NOT_PLAIN = object()
_BLANK = _Line(True, None, None, None, False, None)
def _read_line(line: str) -> _Line:
    if not line.strip():
        return _BLANK
    item = _ITEM_RE.fullmatch(line)
    pair = _KEY_RE.fullmatch(line)
    key = None if pair is None else pair.group(1)
    if key in _BOOLS or key in _NULLS:  # YAML reads such a key as true/false/null, not as text
        key = None
    value = None if pair is None else pair.group(2)
    return _Line(False, None if item is None else item.group(1), None if item is None else _try_scalar(item.group(2)),
                 key, value is not None, None if value is None else _try_scalar(value))


def _try_scalar(text: str) -> Any:
    try:
        return _scalar(text)
    except _NotPlain:
        return _NOT_PLAIN


def _scalar(text: str) -> Any:
    if text in _NULLS:
        return None
    if text in _BOOLS:
        return _BOOLS[text]
    if _PLAIN_RE.fullmatch(text) and not _looks_special(text):
        return text
    if _INT_RE.fullmatch(text):
        return int(text)
    if _DATE_RE.fullmatch(text):
        return _date(text)
    if len(text) >= 2 and text[0] == text[-1] == "'" and "'" not in text[1:-1].replace("''", ""):
        return text[1:-1].replace("''", "'")
    if len(text) >= 2 and text[0] == text[-1] == '"' and '"' not in text[1:-1] and "\\" not in text:
        return text[1:-1]
    raise _NotPlain


def _looks_special(text: str) -> bool:
    """Plain text YAML would still read as something else, or that a block scalar marker starts."""
    return text.endswith((" ", ".")) or "  " in text or (text[:1] in "yYnN" and len(text) == 1)


def _date(text: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise _NotPlain from None


def plain_value(value: Any) -> Any:
    """A frontmatter value as JSON can hold it (YAML dates become ``YYYY-MM-DD``; ``.nan`` and ``.inf``, which
    JSON has no number for, stay the words YAML writes for them)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if math.isnan(value) else ".inf" if value > 0 else "-.inf"
    if isinstance(value, list | tuple):
        return [plain_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain_value(v) for k, v in value.items()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
