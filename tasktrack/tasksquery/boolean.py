"""Boolean combinations of filters: ``(not done) AND ((due before today) OR (priority is high))``.

Each filter is wrapped in ``()``, ``[]``, ``{}`` or ``""`` (the first character of the line says which), and
filters are joined by ``AND``, ``OR``, ``XOR``, ``NOT``, ``AND NOT`` and ``OR NOT`` (upper case), with the
precedence NOT > XOR > AND > OR, as in Obsidian Tasks.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tasktrack.errors import UsageError
from tasktrack.tasksquery.filters import ALL_STATUSES, Filter

CLOSERS = {"(": ")", "[": "]", "{": "}", '"': '"'}
_OPERATOR_RE = re.compile(r"\s*(AND|OR|XOR|NOT)(?=[\s(\[{\"]|$)")


def is_boolean(text: str) -> bool:
    stripped = text.lstrip()
    return stripped[:1] in CLOSERS or stripped.startswith("NOT ")


def parse_boolean(text: str, leaf: Callable[[str], Filter]) -> Filter:
    """The filter a boolean line means; ``leaf`` reads each wrapped filter."""
    stripped = text.strip()
    opener = next((c for c in stripped if c in CLOSERS), "(")
    parser = _Parser(stripped, opener, leaf)
    found = parser.expression()
    parser.skip_spaces()
    if parser.pos != len(stripped):
        raise UsageError(f"cannot read the boolean combination after {stripped[:parser.pos]!r}")
    return found


class _Parser:
    def __init__(self, text: str, opener: str, leaf: Callable[[str], Filter]) -> None:
        self.text, self.pos, self.opener, self.closer, self.leaf = text, 0, opener, CLOSERS[opener], leaf

    def skip_spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def operator(self, *names: str) -> str | None:
        m = _OPERATOR_RE.match(self.text, self.pos)
        if m is None or m.group(1) not in names:
            return None
        self.pos = m.end()
        return m.group(1)

    def expression(self) -> Filter:  # OR, the loosest
        left = self.conjunction()
        while self.operator("OR"):
            left = _either(left, self.conjunction())
        return left

    def conjunction(self) -> Filter:
        left = self.exclusive()
        while self.operator("AND"):
            left = _both(left, self.exclusive())
        return left

    def exclusive(self) -> Filter:
        left = self.negation()
        while self.operator("XOR"):
            right = self.negation()
            left = Filter(f"({left.explanation}) XOR ({right.explanation})",
                          _xor(left, right), left.statuses | right.statuses)
        return left

    def negation(self) -> Filter:
        if self.operator("NOT"):
            inner = self.negation()
            return Filter(f"NOT ({inner.explanation})", lambda t: not inner.test(t), ALL_STATUSES)
        return self.operand()

    def operand(self) -> Filter:
        self.skip_spaces()
        if self.pos >= len(self.text) or self.text[self.pos] != self.opener:
            raise UsageError(f"expected a filter in {self.opener}{self.closer} at {self.text[self.pos:]!r}")
        end = self.closing(self.pos)
        inner = self.text[self.pos + 1 : end].strip()
        self.pos = end + 1
        if inner.startswith(self.opener) or inner.startswith("NOT "):
            return self.nested(inner)
        return self.leaf(inner)

    def nested(self, inner: str) -> Filter:
        parser = _Parser(inner, self.opener, self.leaf)
        found = parser.expression()
        parser.skip_spaces()
        if parser.pos != len(inner):
            raise UsageError(f"cannot read the boolean combination {inner!r}")
        return found

    def closing(self, start: int) -> int:
        """The position of the delimiter that closes the one at ``start`` (nested pairs balanced)."""
        depth = 0
        for i in range(start, len(self.text)):
            char = self.text[i]
            if char == self.closer and (depth == 1 or self.opener == self.closer) and i > start:
                return i
            if char == self.opener and self.opener != self.closer:
                depth += 1
            elif char == self.closer:
                depth -= 1
        raise UsageError(f"no closing {self.closer!r} in {self.text[start:]!r}")


def _both(left: Filter, right: Filter) -> Filter:
    """Both filters: the store narrows with the SQL of each that has some."""
    sides = [side for side in (left, right) if side.sql is not None]
    return Filter(f"({left.explanation}) AND ({right.explanation})", lambda t: left.test(t) and right.test(t),
                  left.statuses & right.statuses, " AND ".join(f"({side.sql})" for side in sides) or None,
                  tuple(p for side in sides for p in side.params))


def _either(left: Filter, right: Filter) -> Filter:
    """Either filter: the store narrows only when both sides have SQL."""
    sql = None if left.sql is None or right.sql is None else f"({left.sql}) OR ({right.sql})"
    return Filter(f"({left.explanation}) OR ({right.explanation})", lambda t: left.test(t) or right.test(t),
                  left.statuses | right.statuses, sql, (*left.params, *right.params) if sql else ())


def _xor(left: Filter, right: Filter) -> Callable[..., bool]:
    return lambda t: left.test(t) != right.test(t)
