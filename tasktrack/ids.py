"""Short task ids that survive edits around a task, changes to the task itself, and rescans.

A new task's id is a hash of its note, its words (``identity_key``) and how many tasks with the same
words come before it in the note, so a rebuilt store gives the same ids. On a rescan, the tasks found
in a changed note are matched to the ones the store had for it, and a matched task keeps its id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from .scanner import TaskRecord

_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"  # base32: no 0/1/8/9 to mistake for o/l/b/g
_PAIRS = tuple(a + b for a in _ALPHABET for b in _ALPHABET)  # 10 bits -> two characters


class KnownTask(NamedTuple):
    id: str
    line: int
    raw: str
    key: str
    status: str
    first_seen: str


def make_id(path: str, key: str, occurrence: int, salt: int = 0) -> str:
    text = f"{path}\0{key}\0{occurrence}\0{salt}" if salt else f"{path}\0{key}\0{occurrence}"
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=10).digest()
    number = int.from_bytes(digest[:5], "big") >> 5  # the first 35 bits, as base32 would spell them
    return _PAIRS[number >> 25] + _PAIRS[(number >> 15) & 1023] + _PAIRS[(number >> 5) & 1023] + _ALPHABET[number & 31]


def match_tasks(old: Sequence[KnownTask], new: Sequence[TaskRecord]) -> dict[int, KnownTask]:
    """For each index of ``new`` (in line order), the old task (in line order) it continues, if any.

    Tasks with the same words are paired in line order, so lines added or removed around them and changes
    to their status, dates or priority keep their ids, and identical lines keep their order."""
    matched: dict[int, KnownTask] = {}
    old_groups: dict[str, list[KnownTask]] = {}
    for known in old:
        old_groups.setdefault(known.key, []).append(known)
    new_groups: dict[str, list[int]] = {}
    for i, rec in enumerate(new):
        new_groups.setdefault(rec.key, []).append(i)
    for key, indexes in new_groups.items():
        _pair_group(matched, old_groups.get(key, []), indexes, new)
    _match_remaining(matched, list(old), new, lambda k, r: k.line == r.line and _similar(k.key, r.key))
    return matched


def _pair_group(matched: dict[int, KnownTask], olds: list[KnownTask], indexes: list[int],
                new: Sequence[TaskRecord]) -> None:
    """Pair tasks that have the same words: in order, or, when some came or went, unchanged lines first."""
    if len(olds) == len(indexes):
        matched.update(zip(indexes, olds, strict=True))
        return
    from difflib import SequenceMatcher  # only when a note's tasks changed

    aligner = SequenceMatcher(None, [k.raw for k in olds], [new[i].raw for i in indexes], autojunk=False)
    for a, b, size in aligner.get_matching_blocks():
        matched.update((indexes[b + n], olds[a + n]) for n in range(size))
    _match_remaining(matched, olds, new, lambda k, r: k.key == r.key, nearest=True)


def _match_remaining(
    matched: dict[int, KnownTask],
    old: list[KnownTask],
    new: Sequence[TaskRecord],
    same: Callable[[KnownTask, TaskRecord], bool],
    nearest: bool = False,
) -> None:
    taken = {id(k) for k in matched.values()}
    for i, rec in enumerate(new):
        if i in matched:
            continue
        candidates = [k for k in old if id(k) not in taken and same(k, rec)]
        if not candidates:
            continue
        best = min(candidates, key=lambda k: abs(k.line - rec.line)) if nearest else candidates[0]
        matched[i] = best
        taken.add(id(best))


def _similar(a: str, b: str) -> bool:
    from difflib import SequenceMatcher

    return SequenceMatcher(None, a, b).ratio() >= 0.6


def first_ids(path: str, keys: Iterable[str]) -> list[str]:
    """What ``assign_ids`` gives a note's tasks (their ``key``s, in line order) when none is matched and no
    id is taken elsewhere: the ids a first scan gives (one per task of a vault, so made without the rest)."""
    ids: list[str] = []
    taken: set[str] = set()
    seen_keys: dict[str, int] = {}
    for key in keys:
        occurrence = seen_keys.get(key, 0)
        seen_keys[key] = occurrence + 1
        task_id = make_id(path, key, occurrence)
        salt = 0
        while task_id in taken:  # two of the note's tasks hash alike (rare: 35-bit ids)
            salt += 1
            task_id = make_id(path, key, occurrence, salt)
        taken.add(task_id)
        ids.append(task_id)
    return ids


def assign_ids(
    path: str,
    new: Sequence[TaskRecord],
    matched: dict[int, KnownTask],
    in_use: Callable[[str], bool],
) -> list[str]:
    """Ids for ``new``: the matched old id, else a fresh one that ``in_use`` says is free."""
    ids: list[str] = []
    seen_keys: dict[str, int] = {}
    taken: set[str] = {k.id for k in matched.values()}
    for i, rec in enumerate(new):
        occurrence = seen_keys.get(rec.key, 0)
        seen_keys[rec.key] = occurrence + 1
        if i in matched:
            ids.append(matched[i].id)
            continue
        salt = 0
        task_id = make_id(path, rec.key, occurrence)
        while task_id in taken or in_use(task_id):
            salt += 1
            task_id = make_id(path, rec.key, occurrence, salt)
        taken.add(task_id)
        ids.append(task_id)
    return ids
