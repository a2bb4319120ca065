"""Short task ids that survive edits around a task, changes to the task itself, and rescans.

A new task's id is a hash of its note, its words (``identity_key``) and how many tasks with the same
words come before it in the note, so a rebuilt store gives the same ids. On a rescan, the tasks found
in a changed note are matched to the ones the store had for it, and a matched task keeps its id.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence

from tasktrack.model import PROPOSED_TAG, Task

_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"  # base32: no 0/1/8/9 to mistake for o/l/b/g
_PAIRS = tuple(a + b for a in _ALPHABET for b in _ALPHABET)  # 10 bits -> two characters


# The fields of a task line each kind of triage verb changes: a status (with its dates, and accept and start
# drop #proposed), a date (a recurring task's next instance has new dates too), the priority, the owners.
_CHANGED_BY = {"status": ("symbol", "done", "cancelled"), "dates": ("due", "scheduled", "start"),
               "priority": ("priority",), "owners": ("owners",)}


def make_id(path: str, key: str, occurrence: int, salt: int = 0) -> str:
    text = f"{path}\0{key}\0{occurrence}\0{salt}" if salt else f"{path}\0{key}\0{occurrence}"
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=10).digest()
    number = int.from_bytes(digest[:5], "big") >> 5  # the first 35 bits, as base32 would spell them
    return _PAIRS[number >> 25] + _PAIRS[(number >> 15) & 1023] + _PAIRS[(number >> 5) & 1023] + _ALPHABET[number & 31]


def match_tasks(old: Sequence[Task], new: Sequence[Task],
                pinned: Mapping[int, str] | None = None) -> dict[int, Task]:
    """For each index of ``new`` (in line order), the old task (in line order) it continues, if any.

    ``pinned`` ({1-based line of the new text: id}) comes from the writer, which knows which line holds which
    task: such a line takes that id, if the note had it, and tells how far the lines below it moved. The
    others are paired in steps, each with the tasks the one before left: the same line (it may have moved);
    then the same task but for the fields one kind of triage verb changes (see ``_CHANGED_BY``), one kind
    after the other; then the same but for all of those; then the same words; then, at the same line,
    similar words. Within a step, tasks alike are paired in line order, so that they move the least (lines
    added or removed around them keep their ids, identical lines keep their order), and two tasks that
    differ in a field the step compares never trade ids."""
    matched: dict[int, Task] = {}
    moved = _where_moved(_pin(matched, old, new, pinned) if pinned else [])
    steps = [_raw, *(_alike_but((kind,)) for kind in _CHANGED_BY), _alike_but(tuple(_CHANGED_BY)), _words]
    for same in steps:
        _pair_alike(matched, old, new, same, moved)
    _pair_reworded(matched, old, new, moved)
    return matched


def _alike_but(kinds: tuple[str, ...]) -> Callable[[Task], Hashable]:
    """What tells a task from another but the fields the ``kinds`` of verbs change (see ``_CHANGED_BY``): the
    rest of its fields, and the indent and list marker before its checkbox."""
    compared = [name for kind, names in _CHANGED_BY.items() if kind not in kinds for name in names]
    drop_proposed = "status" in kinds

    def alike(task: Task) -> Hashable:
        tags = tuple(t for t in task.tags if t.casefold() != PROPOSED_TAG) if drop_proposed else task.tags
        return (task.key, task.recurrence, task.created, task.block_id, tags, task.raw[: task.raw.find("[")],
                *(getattr(task, name) for name in compared))

    return alike


def _raw(task: Task) -> str:
    return task.raw


def _words(task: Task) -> str:
    return task.key


def _pin(matched: dict[int, Task], old: Sequence[Task], new: Sequence[Task],
         pinned: Mapping[int, str]) -> list[tuple[int, int]]:
    """Match the pinned lines; their (old line, new line)."""
    by_id = {k.id: k for k in old}
    by_line = {rec.line: i for i, rec in enumerate(new)}
    moves = []
    for line, task_id in pinned.items():
        known = by_id.pop(task_id, None)
        i = by_line.get(line)
        if known is not None and i is not None:
            matched[i] = known
            moves.append((known.line, line))
    return moves


def _where_moved(moves: list[tuple[int, int]]) -> Callable[[int], int]:
    """Where an old line is expected in the new text: as far down (or up) as the nearest pinned line at or
    above it moved (a writer adds or removes lines only at the tasks it changes, all of which it pins)."""
    moves.sort()
    olds = [line for line, _ in moves]

    def moved(line: int) -> int:
        at = bisect_right(olds, line) - 1
        return line if at < 0 else line + moves[at][1] - moves[at][0]

    return moved


def _pair_alike(matched: dict[int, Task], old: Sequence[Task], new: Sequence[Task],
                same: Callable[[Task], Hashable], moved: Callable[[int], int]) -> None:
    """Pair the tasks left whose ``same`` is equal, in line order, as many as can be (see ``_align``; an old
    task is taken to be at the line ``moved`` gives)."""
    taken = {k.id for k in matched.values()}
    olds: dict[Hashable, list[Task]] = {}
    for known in old:
        if known.id not in taken:
            olds.setdefault(same(known), []).append(known)
    news: dict[Hashable, list[int]] = {}
    for i, rec in enumerate(new):
        if i not in matched and (value := same(rec)) in olds:
            news.setdefault(value, []).append(i)
    for value, indexes in news.items():
        group = olds[value]
        for a, b in _align([moved(k.line) for k in group], [new[i].line for i in indexes]):
            matched[indexes[b]] = group[a]


def _align(olds: Sequence[int], news: Sequence[int]) -> list[tuple[int, int]]:
    """Pairs (index in ``olds``, index in ``news``) of two ascending lists of lines: as many pairs as the
    shorter list has, in order, that move the least lines in all (when two ways move as much, the later
    lines of ``news`` are taken: a writer inserts a recurring task's next instance above it). Lists that
    would need more than ``_ALIGN_CELLS`` steps to weigh every way are paired from the start."""
    if len(olds) > len(news):
        return [(a, b) for b, a in _align(news, olds)]
    count, extra = len(olds), len(news) - len(olds)
    if extra == 0 or count * (extra + 1) > _ALIGN_CELLS:
        return [(i, i) for i in range(count)]
    choices: list[list[int]] = []  # per old line, per skip count s: the best skip count <= s
    best = [0] * (extra + 1)  # the least move of the old lines so far, with at most s new lines skipped
    for i, line in enumerate(olds):
        cost = [best[s] + abs(line - news[i + s]) for s in range(extra + 1)]
        choice, run = [], 0
        for s in range(extra + 1):
            if cost[s] <= cost[run]:
                run = s
            choice.append(run)
        best = [cost[s] for s in choice]
        choices.append(choice)
    pairs = []
    skip = extra
    for i in range(count - 1, -1, -1):
        skip = choices[i][skip]
        pairs.append((i, i + skip))
    return pairs[::-1]


_ALIGN_CELLS = 250_000


def _pair_reworded(matched: dict[int, Task], old: Sequence[Task], new: Sequence[Task],
                   moved: Callable[[int], int]) -> None:
    """A task left at the line an old one left is at (see ``moved``), with similar words, continues it."""
    taken = {k.id for k in matched.values()}
    by_line = {moved(k.line): k for k in old if k.id not in taken}
    for i, rec in enumerate(new):
        known = by_line.get(rec.line)
        if known is not None and i not in matched and _similar(known.key, rec.key):
            matched[i] = known


def _similar(a: str, b: str) -> bool:
    from difflib import SequenceMatcher

    return SequenceMatcher(None, a, b).ratio() >= 0.6


def first_ids(path: str, keys: Iterable[str]) -> list[str]:
    """The ids of a note's tasks with these ``key``s (in line order) when none is matched and no id is taken
    elsewhere: the ids a first scan gives."""
    return _fresh_ids(path, list(keys), {}, lambda _task_id: False)


def assign_ids(
    path: str,
    new: Sequence[Task],
    matched: dict[int, Task],
    in_use: Callable[[str], bool],
) -> list[str]:
    """Ids for ``new``: the matched old id, else a fresh one that ``in_use`` says is free."""
    return _fresh_ids(path, [task.key for task in new], {i: k.id for i, k in matched.items()}, in_use)


def _fresh_ids(path: str, keys: Sequence[str], kept: Mapping[int, str], in_use: Callable[[str], bool]) -> list[str]:
    """For each of ``keys``, the id ``kept`` gives it, else a hash of the note, the key and how many tasks with
    the same key come before it, salted until neither taken here nor ``in_use``."""
    ids: list[str] = []
    seen_keys: dict[str, int] = {}
    taken = set(kept.values())
    for i, key in enumerate(keys):
        occurrence = seen_keys.get(key, 0)
        seen_keys[key] = occurrence + 1
        if i in kept:
            ids.append(kept[i])
            continue
        salt = 0
        task_id = make_id(path, key, occurrence)
        while task_id in taken or in_use(task_id):
            salt += 1
            task_id = make_id(path, key, occurrence, salt)
        taken.add(task_id)
        ids.append(task_id)
    return ids
