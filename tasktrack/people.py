"""People: who a name stands for, and whether a text or a note's attendees name them.

A person is asked for by one name (``Morty``, ``@Morty``, ``[[Mordechai Blaunstein]]``) and known by that name,
the aliases of the ``[people]`` table of the config file (``Morty = ["Mordechai Blaunstein", "Mordechai"]``)
and, for a full name, its first name (``Jeff Denworth`` is ``@Jeff``). A one-word name also stands for a full
name it begins (``Rick`` is the attendee ``Rick Haselton``). Matching ignores case and is by whole words:
``Al`` never matches ``Allen``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

# The note properties (frontmatter) that list who attended a meeting.
ATTENDEE_KEYS = ("participants", "attendees")
_LINK_RE = re.compile(r"\[\[([^\]|#^]*)(?:[#^][^\]|]*)?(?:\|[^\]]*)?\]\]")


def plain_name(text: str) -> str:
    """A name as written in a note or typed (``@Morty``, ``[[Mordechai Blaunstein|Morty]]``, `` Jeff  D ``): the
    name itself, its words separated by one space (a link gives its target)."""
    text = text.strip()
    link = _LINK_RE.fullmatch(text)
    if link:
        text = link.group(1)
    return " ".join(text.lstrip("@").split())


@dataclass(frozen=True)
class Person:
    """One person: the name asked for (or the ``[people]`` name it is an alias of) and every name they are
    known by, that one first."""

    name: str
    known: tuple[str, ...]

    @classmethod
    def named(cls, asked: str, aliases: Mapping[str, Iterable[str]]) -> Person:
        """The person ``asked`` names: with the aliases of the ``[people]`` entry that has that name (as its key
        or as one of its aliases)."""
        name = plain_name(asked)
        key = name.casefold()
        for main, others in aliases.items():
            group = [plain_name(main), *(plain_name(o) for o in others)]
            if key in {n.casefold() for n in group}:
                return cls(group[0], tuple(dict.fromkeys(n for n in group if n)))
        return cls(name, (name,))

    @cached_property
    def names(self) -> frozenset[str]:
        """Every name they are known by, in lowercase."""
        return frozenset(name.casefold() for name in self.known)

    @cached_property
    def _short(self) -> frozenset[str]:
        """The names, and the first word of each full name."""
        return self.names | {name.split()[0] for name in self.names if " " in name}

    @cached_property
    def _single(self) -> frozenset[str]:
        return frozenset(name for name in self.names if " " not in name)

    @cached_property
    def _mention_re(self) -> re.Pattern[str]:
        words = sorted(self._short, key=len, reverse=True)
        pattern = "|".join(r"\s+".join(re.escape(w) for w in name.split()) for name in words)
        return re.compile(rf"(?<!\w)(?:{pattern})(?!\w)", re.IGNORECASE)

    def is_named(self, name: str) -> bool:
        """Whether ``name`` (an owner, an attendee, a link's target) is this person."""
        key = plain_name(name).casefold()
        return bool(key) and (key in self._short or key.split()[0] in self._single)

    def mentioned_in(self, text: str) -> bool:
        """Whether ``text`` names this person: ``@Name``, ``[[Name]]``, ``[[Name|alias]]`` or the name as words."""
        return self._mention_re.search(text) is not None

    def attended(self, properties: Mapping[str, Any]) -> bool:
        """Whether a note's ``participants`` or ``attendees`` property names this person."""
        return any(self.is_named(name) for name in attendees(properties))


def attendees(properties: Mapping[str, Any]) -> list[str]:
    """The names a note's ``participants`` or ``attendees`` property lists (a list, or names separated by commas),
    as plain names."""
    found: list[str] = []
    for key, value in properties.items():
        if key.casefold() not in ATTENDEE_KEYS:
            continue
        values = value if isinstance(value, list) else str(value).split(",") if value is not None else []
        found += [name for v in values if v is not None and (name := plain_name(str(v)))]
    return found
