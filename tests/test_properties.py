"""Frontmatter properties are exactly what YAML (python-frontmatter's safe loader) reads."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from frontmatter.default_handlers import SafeLoader
from hypothesis import given, settings
from hypothesis import strategies as st

from tasktrack.parse.properties import BrokenYAML, plain_value, read_properties

SEED_FRONTMATTER = """type: customer
title: Microsoft strategy and SCO prep
date: '2025-12-19'
account: Microsoft
participants:
- Jason Vallery
- Jeff Denworth
source: transcript
tags:
- type/customer
- account/microsoft
- generated
auto_created: true
last_contact: unknown
"""


def as_yaml_reads(text: str) -> Any:
    """What YAML makes of ``text``, as properties hold it; ``BrokenYAML`` if it cannot read it."""
    try:
        value = yaml.load(text, Loader=SafeLoader)
    except (yaml.YAMLError, ValueError):
        return BrokenYAML
    return {str(k): plain_value(v) for k, v in value.items()} if isinstance(value, dict) else value


def properties(text: str) -> Any:
    try:
        return read_properties(text.split("\n"))
    except BrokenYAML:
        return BrokenYAML


def test_seed_frontmatter() -> None:
    assert read_properties(SEED_FRONTMATTER.splitlines()) == {
        "type": "customer", "title": "Microsoft strategy and SCO prep", "date": "2025-12-19",
        "account": "Microsoft", "participants": ["Jason Vallery", "Jeff Denworth"], "source": "transcript",
        "tags": ["type/customer", "account/microsoft", "generated"], "auto_created": True,
        "last_contact": "unknown",
    }
    assert properties(SEED_FRONTMATTER) == as_yaml_reads(SEED_FRONTMATTER)


@pytest.mark.parametrize("text", [
    "title: Note: with colon\n", "a: [1, 2]\n", "a:\n  b: 1\n", "# comment\na: 1\n", "a: 1.5\n", "a: 0123\n",
    "a: \"esc\\n\"\n", "a: |\n  block\n", "a: x #c\n", "a:\n- 1\n  - 2\n", "a: 2023-02-30\n", "a: &x 1\n",
    "ON: 0\n", "null: x\n", "yes: 1\n",
])
def test_anything_beyond_plain_lines_is_read_as_yaml_reads_it(text: str) -> None:
    assert properties(text) == as_yaml_reads(text)


def test_broken_yaml_is_reported_with_its_line() -> None:
    with pytest.raises(BrokenYAML) as caught:
        read_properties(["title: ok", "bad: [unclosed", "more: x"])
    assert caught.value.line >= 2


_words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _./()+-:#'\"",
                 min_size=0, max_size=14)
_scalars = st.one_of(
    _words, st.integers(-10_000, 10_000).map(str), st.sampled_from(["true", "False", "yes", "no", "on", "OFF",
                                                                     "null", "~", "y", "n", "2025-12-19"]),
    _words.map(lambda w: "'" + w.replace("'", "''") + "'"), _words.map(lambda w: '"' + w + '"'),
)
_keys = st.from_regex(r"[A-Za-z_][A-Za-z0-9_-]{0,8}", fullmatch=True)
_entries = st.lists(st.tuples(_keys, st.one_of(_scalars, st.lists(_scalars, min_size=1, max_size=3))),
                    min_size=1, max_size=6)


def _render(entries: list[tuple[str, object]], indent: str) -> str:
    out = []
    for key, value in entries:
        if isinstance(value, list):
            out.append(f"{key}:")
            out += [f"{indent}- {v}" for v in value]
        else:
            out.append(f"{key}: {value}")
    return "\n".join(out) + "\n"


@settings(max_examples=400, deadline=None)
@given(_entries, st.sampled_from(["", "  "]))
def test_properties_are_what_yaml_reads(entries: list[tuple[str, object]], indent: str) -> None:
    text = _render(entries, indent)
    assert properties(text) == as_yaml_reads(text), text


def test_numbers_json_has_no_word_for_stay_the_words_yaml_writes(make_vault: Callable[..., Path],
                                                                 run_cli: Callable[..., Any]) -> None:
    vault = make_vault({"N.md": "---\nscore: .nan\nceiling: .inf\nfloor: -.Inf\nratio: 1.5\n---\n- [ ] Task\n"})
    result = run_cli("--vault", vault, "list", "--json")
    assert (result.code, result.err) == (0, "")
    assert result.json()[0]["properties"] == {"score": ".nan", "ceiling": ".inf", "floor": "-.inf", "ratio": 1.5}
    assert run_cli("--vault", vault, "query", "property score is .nan", "--json").json()[0]["description"] == "Task"
