"""Short task ids that survive edits around a task, changes to the task itself, and rescans.

A new task's id is a hash of its note, its words (``identity_key``) and how many tasks with the same
words come before it in the note, so a rebuilt store gives the same ids. On a rescan, the tasks found
in a changed note are matched to the ones the store had for it, and a matched task keeps its id.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Sequence
from difflib import SequenceMatcher
from typing import NamedTuple

from .scanner import TaskRecord

ID_LENGTH = 7


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
    return base64.b32encode(digest).decode("ascii").lower()[:ID_LENGTH]


def match_tasks(old: Sequence[KnownTask], new: Sequence[TaskRecord]) -> dict[int, KnownTask]:
    """For each index of ``new``, the old task it continues (if any)."""
    matched: dict[int, KnownTask] = {}
    free = list(old)
    by_place = {(k.line, k.raw): k for k in free}
    for i, rec in enumerate(new):
        hit = by_place.pop((rec.line, rec.raw), None)
        if hit is not None:
            matched[i] = hit
    _match_remaining(matched, free, new, lambda k, r: k.key == r.key, nearest=True)
    _match_remaining(matched, free, new, lambda k, r: k.line == r.line and _similar(k.key, r.key))
    return matched


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
    return SequenceMatcher(None, a, b).ratio() >= 0.6


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
