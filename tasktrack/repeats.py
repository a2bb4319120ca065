"""Repeated action items: tasks in different notes that ask for the same thing.

A *new* item is a proposed task (``[ ?]``, ``#proposed``); it is compared with every unfinished task (open,
in progress or proposed) of the other notes. Each task is reduced to

* its **content words**: the description without owners, tags, fields, dates in words, wikilink brackets,
  stop words and generic action verbs ("send", "follow up", "share"), and without the names of people;
* the **people** it mentions (a word of the description that is the name of an owner or of a note's
  ``participants``, and the targets of its ``[[links]]``), its **owners**, its note's **account** or
  **project** (frontmatter), and its **date** (the note's, else ``➕``).

Two tasks whose notes name different accounts are never a repeat ("send the pricing" for Lambda is not
"send the pricing" for xAI), nor are two tasks more than ``days`` apart. Otherwise their similarity is

    0.6 × text + 0.15 × people + 0.05 × owner + 0.1 × account + 0.1 × dates

where ``text`` is 3/4 rapidfuzz's token-set ratio plus 1/4 its token-sort ratio of the content words (0 to
1), ``people`` the share of the people one of them mentions that the other mentions too (-1 when both name
people and none is the same), ``owner`` 1 when they share an owner, ``account`` 1 when both notes name the
same account or project, and ``dates`` 1 for the same day, falling to 0 at ``days`` apart (0.5 when one has
no date). A pair is a repeat from ``threshold`` up. Repeats are grouped (a repeat of a repeat is in the same
group), the newest item first.

How the defaults were chosen: ``fixtures/repeats/pairs.toml`` holds 93 labelled pairs of meeting action
items in the style of the user's notes (45 the same action, 48 not, among them near misses: the same
person with another deliverable, the same deliverable for another account, the same topic with another
step). Sweeping ``threshold`` from 0.40 to 0.90 by 0.02 (``python tests/test_repeats.py`` prints the curve)
gave precision under 0.9 up to 0.70, then 0.92 (recall 0.80) at 0.72, 0.95 (0.80) at 0.74, 0.95 (0.78) at
0.76 and 0.78, and recall under 0.65 from 0.80 up. 0.75, the middle of that plateau, gives precision 0.95
and recall 0.80 on the set. The weights were picked the same way among a few alternatives (token-set
alone, half token-sort, no penalty for other people): all reached recall 0.80 at precision 0.90 or more;
these had the widest plateau. ``days = 120`` (about a quarter) keeps every labelled repeat (the farthest
pair is 35 days apart) while bounding the comparisons.

Speed by design: nothing is computed during a scan. On demand, only proposed items are queried, each
against the tasks of its account (and those with none) within ``days``, through ``rapidfuzz.process.extract``
with a score cut-off that no pair below the threshold can pass.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rapidfuzz import fuzz, process

from tasktrack.config import RepeatSettings
from tasktrack.model import (
    DATE_OF_EMOJI,
    MONTH_WORDS,
    OWNER_PATTERN,
    PRIORITY_OF_EMOJI,
    TAG_PATTERN,
    UNFINISHED,
    WEEKDAY_WORDS,
    Task,
)

# The weights of the similarity (they add up to 1).
W_TEXT, W_PEOPLE, W_OWNER, W_ACCOUNT, W_DATES = 0.6, 0.15, 0.05, 0.1, 0.1
SORT_SHARE = 0.25  # the text score: 3/4 token-set ratio (one phrasing inside the other), 1/4 token-sort ratio
SCOPE_KEYS = ("account", "project")  # the note properties that say what a task is for

_LINK_RE = re.compile(r"\[\[([^\]|#^]*)(?:[#^][^\]|]*)?(?:\|([^\]]*))?\]\]")
_FIELD_RE = re.compile(r"[\[(][^\]()\[]*::[^\])]*[\])]")
_DATE_FIELD_RE = re.compile("[" + "".join(DATE_OF_EMOJI) + r"]\ufe0f? *\d{4}-\d{2}-\d{2}")
_EMOJI_RE = re.compile("[" + "".join(PRIORITY_OF_EMOJI) + "🔁🏁🆔⛔" + r"]\ufe0f?")
_NOISE_RE = re.compile(f"{TAG_PATTERN}|{OWNER_PATTERN}")
_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_NAME_RE = re.compile(r"[^\W\d_][\w'’.-]*")
_STOP_TEXT = """
a about after again all also an and any are as at be been before being below between both but by can could
did do does doing down during each etc few for from further get got had has have having he her here him his
how i if in into is it its itself just let me more most my need needs next no nor not now of off on once only
or other our out over own per same she should so some such than that the their them then there these they
this those through to too under until up us very via was we were what when where which while who whom why
will with would you your e.g eg ie i.e today tomorrow tonight week weeks month months end day days asap
soon yet back sure re
follow following send sending sent share sharing shared ask asking check confirm make provide help work
working keep get give take set put loop touch base reach try
"""  # function words, words of time, and the generic verbs an action item starts with
STOP_WORDS = frozenset(_STOP_TEXT.split()) | frozenset(WEEKDAY_WORDS) | frozenset(MONTH_WORDS)


@dataclass(slots=True)
class Profile:
    """What the comparison reads of one task."""

    task: Task
    content: str  # the content words, sorted, once each
    people: frozenset[str]
    owners: frozenset[str]
    scope: frozenset[str]  # account and project values, casefolded
    account: str | None
    day: int | None  # the date as an ordinal


@dataclass(slots=True)
class Group:
    """Tasks that ask for the same thing: the newest first. ``similarity``: each task's similarity with the
    first one (1.0 for the first itself)."""

    tasks: list[Task]
    similarity: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> list[dict[str, Any]]:
        return [{**task.to_json(), "similarity": self.similarity[task.id]} for task in self.tasks]


@dataclass(slots=True)
class Repeats:
    """What was found: the groups, and for each task the others it is a likely repeat of (best first)."""

    groups: list[Group]
    candidates: dict[str, list[tuple[Task, float]]]

    def of(self, task_id: str) -> list[tuple[Task, float]]:
        return self.candidates.get(task_id, [])


# -- reading a task ------------------------------------------------------------------------------------


def words(description: str) -> list[str]:
    """The description's words without owners, tags, fields, dates, link brackets and punctuation,
    casefolded, plurals folded (``stories`` -> ``story``)."""
    text = _LINK_RE.sub(lambda m: f" {m.group(2) or m.group(1)} ", description)
    text = _FIELD_RE.sub(" ", _DATE_FIELD_RE.sub(" ", text))
    text = _NOISE_RE.sub(" ", _EMOJI_RE.sub(" ", text))
    return [_fold(w.casefold()) for w in _WORD_RE.findall(text)]


def _fold(word: str) -> str:
    word = word.replace("’", "'").removesuffix("'s")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _name_words(names: Iterable[str]) -> set[str]:
    return {_fold(part.casefold()) for name in names for part in _NAME_RE.findall(name)}


def _strings(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value if v is not None]
    return [] if value is None else [str(value)]


def _prop(task: Task, key: str) -> list[str]:
    return [v for k, value in task.properties.items() if k.casefold() == key for v in _strings(value)]


def _plain(value: str) -> str:
    return _LINK_RE.sub(lambda m: m.group(2) or m.group(1), value).strip().casefold()


def task_day(task: Task) -> str | None:
    """The day a task belongs to: its note's date, else its ➕ date (None: a note without a date, like a
    project page, whose tasks are compared with every date)."""
    return task.note_date or task.created


def people_names(tasks: Iterable[Task]) -> set[str]:
    """The words that name people: every owner's and every note participant's names, casefolded."""
    names: set[str] = set()
    for task in tasks:
        names |= _name_words(task.owners)
        names |= _name_words(_prop(task, "participants"))
    return names - STOP_WORDS


def profile(task: Task, people: set[str]) -> Profile:
    found = words(task.description)
    links = {_fold(w.casefold()) for m in _LINK_RE.finditer(task.description) for w in _NAME_RE.findall(m.group(1))}
    mentioned = frozenset({w for w in found if w in people} | (links - STOP_WORDS))
    content = " ".join(sorted({w for w in found if w not in STOP_WORDS and w not in people and len(w) > 1}))
    accounts = [_plain(v) for v in _prop(task, "account") if _plain(v)]
    scope = frozenset(accounts + [_plain(v) for v in _prop(task, "project") if _plain(v)])
    day = task_day(task)
    try:
        ordinal = date.fromisoformat(day).toordinal() if day else None
    except ValueError:
        ordinal = None
    return Profile(task, content, mentioned, frozenset(o.casefold() for o in task.owners), scope,
                   accounts[0] if len(accounts) == 1 else None, ordinal)


# -- comparing two tasks -------------------------------------------------------------------------------


def similarity(a: Profile, b: Profile, settings: RepeatSettings, text: float | None = None) -> float:
    """How much ``a`` and ``b`` look like the same action item (0 to 1); 0 when they cannot be (different
    accounts, too far apart). ``text``: their token-set ratio, when it is known already."""
    if a.account and b.account and a.account != b.account:
        return 0.0
    closeness = _closeness(a.day, b.day, settings.days)
    if closeness is None:
        return 0.0
    if text is None:
        text = fuzz.token_set_ratio(a.content, b.content) if a.content and b.content else 0.0
    text = (1 - SORT_SHARE) * text + SORT_SHARE * fuzz.token_sort_ratio(a.content, b.content) if text else 0.0
    score = (W_TEXT * text / 100 + W_PEOPLE * _people(a.people, b.people) + W_OWNER * bool(a.owners & b.owners)
             + W_ACCOUNT * bool(a.scope & b.scope) + W_DATES * closeness)
    return round(min(score, 1.0), 3)


def _people(a: frozenset[str], b: frozenset[str]) -> float:
    """The share of the people the one mentioning fewer names that the other names too; -1 when both name
    people and none is the same (the same step with another person is another action)."""
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / min(len(a), len(b)) if shared else -1.0


def _closeness(a: int | None, b: int | None, days: int) -> float | None:
    if a is None or b is None:
        return 0.5
    gap = abs(a - b)
    if gap > days:
        return None
    return 1.0 - gap / days if days else 1.0


def text_cutoff(settings: RepeatSettings) -> float:
    """The token-set ratio below which a pair cannot reach the threshold, whatever else they share."""
    return max(0.0, (settings.threshold - (1 - W_TEXT)) / W_TEXT * 100)


# -- finding repeats -----------------------------------------------------------------------------------


class _Block:
    """The profiles of one account (or of none), by date; the undated ones apart."""

    def __init__(self) -> None:
        self.dated: list[Profile] = []
        self.days: list[int] = []
        self.undated: list[Profile] = []

    def add(self, p: Profile) -> None:
        if p.day is None:
            self.undated.append(p)
        else:
            self.dated.append(p)

    def seal(self) -> None:
        self.dated.sort(key=lambda p: p.day or 0)
        self.days = [p.day or 0 for p in self.dated]

    def near(self, day: int | None, days: int) -> list[Profile]:
        if day is None:
            return self.dated + self.undated
        return self.dated[bisect_left(self.days, day - days) : bisect_right(self.days, day + days)] + self.undated


def find(tasks: Sequence[Task], settings: RepeatSettings, new: Sequence[Task] | None = None) -> Repeats:
    """The repeats among ``tasks`` (the unfinished tasks of the vault): each proposed one (or each of ``new``)
    against the others in other notes."""
    people = people_names(tasks)
    profiles = [profile(t, people) for t in tasks if t.status in UNFINISHED]
    by_id = {p.task.id: p for p in profiles}
    blocks: dict[str | None, _Block] = {}
    for p in profiles:
        if p.content:
            blocks.setdefault(p.account, _Block()).add(p)
    for block in blocks.values():
        block.seal()
    queries = [by_id[t.id] for t in new if t.id in by_id] if new is not None else \
        [p for p in profiles if p.task.status == "proposed"]
    edges = _edges(queries, blocks, settings)
    return _result(edges, by_id)


def _edges(queries: list[Profile], blocks: dict[str | None, _Block],
           settings: RepeatSettings) -> dict[tuple[str, str], float]:
    cutoff = text_cutoff(settings)
    edges: dict[tuple[str, str], float] = {}
    for p in queries:
        if not p.content:
            continue
        chosen = [blocks[k] for k in ((p.account, None) if p.account else blocks) if k in blocks]
        for block in chosen:
            near = block.near(p.day, settings.days)
            hits = process.extract(p.content, [q.content for q in near], scorer=fuzz.token_set_ratio,
                                   processor=None, score_cutoff=cutoff, limit=None)
            for _, text, index in hits:
                q = near[index]
                if q.task.path == p.task.path:
                    continue
                key = (p.task.id, q.task.id) if p.task.id < q.task.id else (q.task.id, p.task.id)
                if key in edges:
                    continue
                score = similarity(p, q, settings, text)
                if score >= settings.threshold:
                    edges[key] = score
    return edges


def _newest_first(p: Profile) -> tuple[int, str, str, int]:
    day = task_day(p.task) or ""
    return (-(p.day or 0), day, p.task.path, p.task.line)


def _result(edges: dict[tuple[str, str], float], by_id: dict[str, Profile]) -> Repeats:
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    candidates: dict[str, list[tuple[Task, float]]] = {}
    for (a, b), score in edges.items():
        parent[root(a)] = root(b)
        candidates.setdefault(a, []).append((by_id[b].task, score))
        candidates.setdefault(b, []).append((by_id[a].task, score))
    members: dict[str, list[Profile]] = {}
    for task_id in {x for pair in edges for x in pair}:
        members.setdefault(root(task_id), []).append(by_id[task_id])
    groups = []
    for group in members.values():
        group.sort(key=_newest_first)
        head = group[0]
        scores = {head.task.id: 1.0}
        for p in group[1:]:
            key = (head.task.id, p.task.id) if head.task.id < p.task.id else (p.task.id, head.task.id)
            scores[p.task.id] = edges.get(key) or similarity(head, p, RepeatSettings(threshold=0.0, days=1 << 30))
        groups.append(Group([p.task for p in group], scores))
    groups.sort(key=lambda g: _newest_first(by_id[g.tasks[0].id]))
    for found in candidates.values():
        found.sort(key=lambda ts: (-ts[1], ts[0].path, ts[0].line))
    return Repeats(groups, candidates)
