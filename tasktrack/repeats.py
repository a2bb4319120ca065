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

Speed by design: nothing is computed during a scan. On demand, the store is read in one query for just what the
comparison needs (not whole tasks), only the properties of the notes of the tasks read are parsed, each once, and
each distinct description is reduced to words once. The words that name people come from SQL: each distinct owners
list and each distinct ``participants`` value (of any case of the key) once. A block holds the tasks of one account
(or of none) by content, each content's tasks by date. Each distinct content of the queries is scored against every
distinct content once (through ``rapidfuzz.process.extract`` with a cut-off no pair below the threshold can pass);
then, for the queries of one content and account (by date) and each matching content of a block they can meet, only
that content's tasks within ``days`` of each query are compared, found by bisection. Checking a few new items reads
only the unfinished tasks of their accounts (and of none) within ``days`` of them: the notes of those accounts are
found from just their ``account`` values, read in SQL. Only the tasks that end up in the answer are read whole
(``tasks dupes`` reads none whole: what it prints is in the entries, and ``--json`` reads the list values of the
tasks in the groups).
"""

from __future__ import annotations

import json
import re
import sqlite3
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
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
from tasktrack.people import ATTENDEE_KEYS
from tasktrack.store import query

# The weights of the similarity (they add up to 1).
W_TEXT, W_PEOPLE, W_OWNER, W_ACCOUNT, W_DATES = 0.6, 0.15, 0.05, 0.1, 0.1
SORT_SHARE = 0.25  # the text score: 3/4 token-set ratio (one phrasing inside the other), 1/4 token-sort ratio

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


@dataclass(frozen=True, slots=True)
class NoteFacts:
    """What the comparison reads of a note's properties: its ``account`` and ``project`` values (plain,
    casefolded) and its attendees (``participants`` or ``attendees``, as ``people.ATTENDEE_KEYS`` says)."""

    accounts: tuple[str, ...] = ()
    scope: frozenset[str] = frozenset()  # account and project values
    participants: tuple[str, ...] = ()

    @classmethod
    def of(cls, properties: Mapping[str, Any]) -> NoteFacts:
        accounts = _plains(_prop(properties, "account"))
        projects = _plains(_prop(properties, "project"))
        return cls(accounts, frozenset(accounts + projects),
                   tuple(name for key in ATTENDEE_KEYS for name in _prop(properties, key)))

    @property
    def account(self) -> str | None:
        """The one account the note is for (None: none, or several)."""
        return _one(self.accounts)


def _one(accounts: Sequence[str]) -> str | None:
    """The account of a note whose ``account`` values are ``accounts`` (None: none, or several)."""
    return accounts[0] if len(accounts) == 1 else None


@dataclass(frozen=True, slots=True)
class Entry:
    """What the comparison reads of one task: a row of the store, or a ``Task``."""

    id: str
    path: str
    line: int
    status: str
    description: str
    owners: tuple[str, ...]
    day: str | None  # see ``task_day``
    note: NoteFacts

    @classmethod
    def of(cls, task: Task) -> Entry:
        return cls(task.id, task.path, task.line, task.status, task.description, task.owners, task_day(task),
                   NoteFacts.of(task.properties))


@dataclass(slots=True)
class Profile:
    """What the comparison reads of one task."""

    entry: Entry
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


@dataclass(slots=True)
class EntryGroup:
    """A group as the comparison read it (entries, not whole tasks): the newest first, and each one's
    similarity with the first one (1.0 for the first itself)."""

    entries: list[Entry]
    similarity: dict[str, float]


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


def _prop(properties: Mapping[str, Any], key: str) -> list[str]:
    return [v for k, value in properties.items() if k.casefold() == key for v in _strings(value)]


def _plain(value: str) -> str:
    return _LINK_RE.sub(lambda m: m.group(2) or m.group(1), value).strip().casefold()


def _plains(values: Iterable[str]) -> tuple[str, ...]:
    """The values that are not empty once plain (links as their text, casefolded)."""
    return tuple(v for v in map(_plain, values) if v)


def task_day(task: Task) -> str | None:
    """The day a task belongs to: its note's date, else its ➕ date (None: a note without a date, like a
    project page, whose tasks are compared with every date)."""
    return task.note_date or task.created


def people_names(owners: Iterable[Sequence[str]], participants: Iterable[Sequence[str]]) -> set[str]:
    """The words that name people: every owner's and every note participant's names, casefolded."""
    names: set[str] = set()
    for group in (*owners, *participants):
        names |= _name_words(group)
    return names - STOP_WORDS


class _Reader:
    """Makes profiles, reading each distinct description, owners and day once."""

    def __init__(self, people: set[str]) -> None:
        self.people = people
        self.read: dict[str, tuple[str, frozenset[str]]] = {}
        self.owners: dict[tuple[str, ...], frozenset[str]] = {}
        self.days: dict[str | None, int | None] = {}

    def profile(self, entry: Entry) -> Profile:
        content, mentioned = self.read.get(entry.description) or self._read(entry.description)
        owners = self.owners.get(entry.owners)
        if owners is None:
            owners = self.owners[entry.owners] = frozenset(o.casefold() for o in entry.owners)
        if entry.day not in self.days:
            self.days[entry.day] = _ordinal(entry.day)
        return Profile(entry, content, mentioned, owners, entry.note.scope, entry.note.account, self.days[entry.day])

    def _read(self, description: str) -> tuple[str, frozenset[str]]:
        found = words(description)
        links = {_fold(w.casefold()) for m in _LINK_RE.finditer(description) for w in _NAME_RE.findall(m.group(1))}
        mentioned = frozenset({w for w in found if w in self.people} | (links - STOP_WORDS))
        content = " ".join(sorted({w for w in found if w not in STOP_WORDS and w not in self.people
                                   and len(w) > 1}))
        self.read[description] = (content, mentioned)
        return content, mentioned


def _ordinal(day: str | None) -> int | None:
    try:
        return date.fromisoformat(day).toordinal() if day else None
    except ValueError:
        return None


def profile(entry: Entry, people: set[str]) -> Profile:
    """What the comparison reads of one task, given the words that name people."""
    return _Reader(people).profile(entry)


# -- comparing two tasks -------------------------------------------------------------------------------


def similarity(a: Profile, b: Profile, settings: RepeatSettings, text: float | None = None,
               sort: float | None = None) -> float:
    """How much ``a`` and ``b`` look like the same action item (0 to 1); 0 when they cannot be (different
    accounts, too far apart). ``text``, ``sort``: their token-set and token-sort ratios, when known already."""
    if a.account and b.account and a.account != b.account:
        return 0.0
    closeness = _closeness(a.day, b.day, settings.days)
    if closeness is None:
        return 0.0
    if text is None:
        text = fuzz.token_set_ratio(a.content, b.content) if a.content and b.content else 0.0
    if text and sort is None:
        sort = fuzz.token_sort_ratio(a.content, b.content)
    score = (W_TEXT * _text(text, sort or 0.0) / 100 + W_PEOPLE * _people(a.people, b.people)
             + W_OWNER * bool(a.owners & b.owners) + W_ACCOUNT * bool(a.scope & b.scope) + W_DATES * closeness)
    return round(min(score, 1.0), 3)


def _text(token_set: float, token_sort: float) -> float:
    """The text score (0 to 100) of two contents from their token-set and token-sort ratios."""
    return (1 - SORT_SHARE) * token_set + SORT_SHARE * token_sort if token_set else 0.0


def _needs_a_shared_person(text: float, threshold: float) -> bool:
    """Whether two tasks whose text score is ``text`` reach ``threshold`` only if they do not both name
    people with none the same: when the most the other parts then give (-1 for people) falls short, with
    room for the rounding of the similarity."""
    return W_TEXT * text / 100 - W_PEOPLE + W_OWNER + W_ACCOUNT + W_DATES < threshold - 0.001


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


class _Dated:
    """Profiles by date; the undated ones apart."""

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


# The profiles of one account (or of none) by their content, each content's by date.
_Block = dict[str, _Dated]


@dataclass(slots=True)
class _Found:
    """The repeats among profiles, before the tasks are read: the pairs and their similarities."""

    edges: dict[tuple[str, str], float]
    by_id: dict[str, Profile]


def find(tasks: Sequence[Task], settings: RepeatSettings, new: Sequence[Task] | None = None) -> Repeats:
    """The repeats among ``tasks`` (the unfinished tasks of the vault): each proposed one (or each of ``new``)
    against the others in other notes."""
    unfinished = [t for t in tasks if t.status in UNFINISHED]
    entries = [Entry.of(t) for t in unfinished]
    people = people_names((e.owners for e in entries), (e.note.participants for e in entries))
    found = _match(entries, people, settings, None if new is None else {t.id for t in new})
    by_id = {t.id: t for t in unfinished}
    return _result(found, lambda ids: {i: by_id[i] for i in ids})


def _match(entries: Iterable[Entry], people: set[str], settings: RepeatSettings,
           new: set[str] | None) -> _Found:
    reader = _Reader(people)
    profiles = [reader.profile(e) for e in entries]
    by_id = {p.entry.id: p for p in profiles}
    blocks: dict[str | None, _Block] = {}
    for p in profiles:
        if p.content:
            blocks.setdefault(p.account, {}).setdefault(p.content, _Dated()).add(p)
    for block in blocks.values():
        for dated in block.values():
            dated.seal()
    queries = [p for p in profiles if p.entry.id in new] if new is not None else \
        [p for p in profiles if p.entry.status == "proposed"]
    return _Found(_edges(queries, blocks, settings), by_id)


def _edges(queries: list[Profile], blocks: dict[str | None, _Block],
           settings: RepeatSettings) -> dict[tuple[str, str], float]:
    """The pairs of a query and a task that are repeats. The queries are taken by content and account: each
    content is scored against every distinct content once, then each matching content's tasks in the blocks
    the queries can meet are compared with the queries, by date."""
    contents = list({content: None for block in blocks.values() for content in block})
    matches: dict[str, list[tuple[str, float, float]]] = {}
    asking: dict[tuple[str, str | None], list[Profile]] = {}
    for p in queries:
        if p.content:
            asking.setdefault((p.content, p.account), []).append(p)
    edges: dict[tuple[str, str], float] = {}
    for (content, account), ps in asking.items():
        if content not in matches:
            matches[content] = _matching(content, contents, text_cutoff(settings))
        ps.sort(key=lambda p: (p.day is None, p.day or 0))
        for key in (account, None) if account else blocks:
            block = blocks.get(key)
            if block is None:
                continue
            for other, text, sort in matches[content]:
                dated = block.get(other)
                if dated is not None:
                    _compare_near(ps, dated, text, sort, settings, edges)
    return edges


def _matching(content: str, contents: list[str], cutoff: float) -> list[tuple[str, float, float]]:
    """The contents whose token-set ratio with ``content`` reaches ``cutoff``: each with that ratio and their
    token-sort ratio."""
    found = process.extract(content, contents, scorer=fuzz.token_set_ratio, processor=None, score_cutoff=cutoff,
                            limit=None)
    return [(other, text, fuzz.token_sort_ratio(content, other)) for other, text, _ in found]


def _compare_near(ps: list[Profile], dated: _Dated, text: float, sort: float, settings: RepeatSettings,
                  edges: dict[tuple[str, str], float]) -> None:
    """Compare each of ``ps`` (one content, the dated ones first, by date) with the profiles of ``dated`` (one
    matching content) within ``days`` of it that can be its repeats, given their text score: when they must,
    those naming one of its people or nobody."""
    shared = _needs_a_shared_person(_text(text, sort), settings.threshold)
    days, lo = settings.days, 0
    for p in ps:
        if p.day is None:
            near = dated.dated + dated.undated
        else:
            lo = bisect_left(dated.days, p.day - days, lo)
            near = dated.dated[lo : bisect_right(dated.days, p.day + days, lo)] + dated.undated
        for q in near:
            if not (shared and p.people and q.people and not p.people & q.people):
                _compare(p, q, settings, text, sort, edges)


def _compare(p: Profile, q: Profile, settings: RepeatSettings, text: float, sort: float,
             edges: dict[tuple[str, str], float]) -> None:
    if q.entry.path == p.entry.path:
        return
    a, b = p.entry.id, q.entry.id
    key = (a, b) if a < b else (b, a)
    if key in edges:
        return
    score = similarity(p, q, settings, text, sort)
    if score >= settings.threshold:
        edges[key] = score


def _newest_first(p: Profile) -> tuple[int, str, str, int]:
    return (-(p.day or 0), p.entry.day or "", p.entry.path, p.entry.line)


class _Sets:
    """Disjoint sets of ids (union-find, by size, with path halving)."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.size: dict[str, int] = {}

    def root(self, x: str) -> str:
        while (up := self.parent.get(x, x)) != x:
            self.parent[x] = self.parent.get(up, up)
            x = self.parent[x]
        return x

    def join(self, a: str, b: str) -> None:
        a, b = self.root(a), self.root(b)
        if a == b:
            return
        if self.size.get(a, 1) < self.size.get(b, 1):
            a, b = b, a
        self.parent[b] = a
        self.size[a] = self.size.get(a, 1) + self.size.get(b, 1)


def _grouped(found: _Found) -> list[EntryGroup]:
    """The groups of ``found``: the connected tasks, the newest first, each scored against the newest."""
    edges, by_id = found.edges, found.by_id
    sets = _Sets()
    for a, b in edges:
        sets.join(a, b)
    members: dict[str, list[Profile]] = {}
    for task_id in {x: None for pair in edges for x in pair}:
        members.setdefault(sets.root(task_id), []).append(by_id[task_id])
    anytime = RepeatSettings(threshold=0.0, days=1 << 30)
    groups = []
    for group in members.values():
        group.sort(key=_newest_first)
        head = group[0]
        scores = {head.entry.id: 1.0}
        for p in group[1:]:
            a, b = head.entry.id, p.entry.id
            scores[b] = edges.get((a, b) if a < b else (b, a)) or similarity(head, p, anytime)
        groups.append((head, EntryGroup([p.entry for p in group], scores)))
    groups.sort(key=lambda hg: _newest_first(hg[0]))
    return [group for _, group in groups]


def _result(found: _Found, read: Callable[[list[str]], Mapping[str, Task]]) -> Repeats:
    """The groups and candidates of ``found``, with the tasks in it read whole by ``read`` (ids -> tasks)."""
    tasks = read(sorted({x for pair in found.edges for x in pair}))
    candidates: dict[str, list[tuple[Task, float]]] = {}
    for (a, b), score in found.edges.items():
        candidates.setdefault(a, []).append((tasks[b], score))
        candidates.setdefault(b, []).append((tasks[a], score))
    for listed in candidates.values():
        listed.sort(key=lambda ts: (-ts[1], ts[0].path, ts[0].line))
    groups = [Group([tasks[e.id] for e in g.entries], g.similarity) for g in _grouped(found)]
    return Repeats(groups, candidates)


# -- reading the store ---------------------------------------------------------------------------------

# Most tasks are unfinished: finding them by the status index costs more than reading the table, and the ids
# or notes a query gives select far fewer. ``+`` keeps SQLite from using that index for this test.
_UNFINISHED_SQL = f"+t.status IN ({','.join('?' * len(UNFINISHED))})"
_ENTRY_SQL = ("SELECT t.id, n.path, t.line, t.status, t.description, t.owners, coalesce(n.note_date, t.created), "
              f"t.note_id FROM tasks t JOIN notes n ON n.id = t.note_id WHERE {_UNFINISHED_SQL}")
_IDS_SQL = "(SELECT value FROM json_each(?))"
_HAS_UNFINISHED_SQL = f"EXISTS (SELECT 1 FROM tasks t WHERE t.note_id = n.id AND {_UNFINISHED_SQL})"
_KEYS_SQL = "SELECT DISTINCT p.key FROM notes n, json_each(n.properties) p"
# A property's value ``p`` of a note ``n``: whether it is a string, and the string or its JSON (as written).
_VALUE_SQL = ("p.type = 'text', CASE WHEN p.type IN ('text', 'array', 'object') THEN p.value "
              "ELSE n.properties -> p.fullkey END")
# Each distinct item of the values of the properties whose keys are given of the notes with unfinished tasks:
# an array's items ``q``, or the value itself (``q`` is then a placeholder), as ``_VALUE_SQL`` gives a value.
_PARTICIPANTS_SQL = (
    "SELECT DISTINCT CASE WHEN p.type = 'array' THEN q.type ELSE p.type END = 'text', "
    "CASE WHEN p.type <> 'array' THEN CASE WHEN p.type IN ('text', 'object') THEN p.value "
    "ELSE n.properties -> p.fullkey END "
    "WHEN q.type IN ('text', 'array', 'object') THEN q.value ELSE p.value -> q.fullkey END "
    "FROM notes n, json_each(n.properties) p, json_each(CASE WHEN p.type = 'array' THEN p.value ELSE '[0]' END) q "
    f"WHERE p.key IN {_IDS_SQL} AND {_HAS_UNFINISHED_SQL}")


def in_store(db: sqlite3.Connection, settings: RepeatSettings, new: Sequence[Task] | None = None) -> Repeats:
    """``find`` on the unfinished tasks of the store, reading only what the comparison needs: for ``new``,
    only the tasks of their notes' accounts (and of notes with none) within ``days`` of them."""
    found = _found_in_store(db, settings, new)
    return _result(found, lambda ids: {task.id: task for task in query.select(db, by_ids(ids))})


def groups_in_store(db: sqlite3.Connection, settings: RepeatSettings) -> list[EntryGroup]:
    """The groups of repeats among the unfinished tasks of the store, as the comparison read them: no task is
    read whole."""
    return _grouped(_found_in_store(db, settings, None))


def by_ids(ids: Sequence[str]) -> query.Filters:
    """The filters that select the tasks with these ids, whatever their status, by path and line."""
    return query.Filters(statuses=[], sql=[(f"t.id IN {_IDS_SQL}", (json.dumps(list(ids)),))], sort="path")


def _found_in_store(db: sqlite3.Connection, settings: RepeatSettings, new: Sequence[Task] | None) -> _Found:
    keys = [key for (key,) in db.execute(_KEYS_SQL)]
    people = _people_in_store(db, [key for key in keys if key.casefold() in ATTENDEE_KEYS])
    if new is None:
        notes = _notes(db, _HAS_UNFINISHED_SQL, UNFINISHED)
        entries = _entries(db, notes, "", ())
    else:
        notes = {}
        entries = _entries(db, notes, f" AND t.id IN {_IDS_SQL}", (json.dumps([t.id for t in new]),))
        account_keys = [key for key in keys if key.casefold() == "account"]
        entries += _around(db, notes, entries, people, account_keys, settings)
    return _match(entries, people, settings, None if new is None else {t.id for t in new})


def _people_in_store(db: sqlite3.Connection, participant_keys: list[str]) -> set[str]:
    """``people_names`` of the unfinished tasks' owners and of the participants of their notes, read in SQL:
    each distinct owners list and each distinct item of the participants values once."""
    owners = [json.loads(text) for (text,) in db.execute(
        f"SELECT DISTINCT t.owners FROM tasks t WHERE {_UNFINISHED_SQL}", UNFINISHED)]
    items = (_value(is_text, value) for is_text, value in db.execute(
        _PARTICIPANTS_SQL, (json.dumps(participant_keys), *UNFINISHED)))
    return people_names(owners, [[str(item) for item in items if item is not None]])


def _value(is_text: bool, value: str) -> Any:
    """A property's value as ``json.loads`` reads it from the note's properties (see ``_VALUE_SQL``)."""
    return value if is_text else json.loads(value)


def _notes(db: sqlite3.Connection, where: str, params: Sequence[Any]) -> dict[int, NoteFacts]:
    """The facts of the notes ``n`` that ``where`` selects, by id."""
    return {note_id: NoteFacts.of(json.loads(properties)) for note_id, properties in db.execute(
        f"SELECT n.id, n.properties FROM notes n WHERE {where}", params)}


def _entries(db: sqlite3.Connection, notes: dict[int, NoteFacts], where: str,
             params: tuple[Any, ...]) -> list[Entry]:
    """The entries of the unfinished tasks ``where`` selects; the facts of their notes are read into ``notes``
    when they are not there yet."""
    rows = db.execute(_ENTRY_SQL + where, (*UNFINISHED, *params)).fetchall()
    unread = {row[7] for row in rows} - notes.keys()
    if unread:
        notes.update(_notes(db, f"n.id IN {_IDS_SQL}", (json.dumps(sorted(unread)),)))
    owners: dict[str, tuple[str, ...]] = {}  # each distinct owners list, read once
    return [Entry(task_id, path, line, status, description,
                  owners.get(names) or owners.setdefault(names, tuple(json.loads(names))), day, notes[note_id])
            for task_id, path, line, status, description, names, day, note_id in rows]


def _around(db: sqlite3.Connection, notes: dict[int, NoteFacts], new: list[Entry], people: set[str],
            account_keys: list[str], settings: RepeatSettings) -> list[Entry]:
    """The unfinished tasks a comparison of ``new`` can meet, besides them: those of the notes of their
    accounts and of the notes with none (every note when one of them has no account), within ``days`` of
    them (every date when one of them has none). The store holds valid ``YYYY-MM-DD`` dates only."""
    reader = _Reader(people)
    queries = [p for p in map(reader.profile, new) if p.content]
    if not queries:
        return []
    where, params = "", []
    window = _window([p.day for p in queries], settings.days)
    if window is not None:
        where, params = (" AND (coalesce(n.note_date, t.created) IS NULL OR "
                         "coalesce(n.note_date, t.created) BETWEEN ? AND ?)"), list(window)
    accounts = {p.account for p in queries}
    if None not in accounts:
        where += f" AND t.note_id IN {_IDS_SQL}"
        params.append(json.dumps(_notes_of(db, accounts, account_keys, window)))
    known = {e.id for e in new}
    return [e for e in _entries(db, notes, where, tuple(params)) if e.id not in known]


def _notes_of(db: sqlite3.Connection, accounts: set[str | None], account_keys: list[str],
              days: tuple[str, str] | None) -> list[int]:
    """The ids of the notes whose account is one of ``accounts`` or that have none (among those with no date or
    a date between ``days``), reading only their ``account`` values."""
    where = "" if days is None else " WHERE n.note_date IS NULL OR n.note_date BETWEEN ? AND ?"
    wanted = accounts | {None}
    values: dict[int, list[str]] = {}
    for note_id, is_text, value in db.execute(
            f"SELECT n.id, {_VALUE_SQL} FROM notes n LEFT JOIN json_each(n.properties) p "
            f"ON p.key IN {_IDS_SQL}{where}", (json.dumps(account_keys), *(days or ()))):
        found = values.setdefault(note_id, [])
        if value is not None:
            found += _strings(_value(is_text, value))
    return [note_id for note_id, found in values.items() if _one(_plains(found)) in wanted]


def _window(days: list[int | None], within: int) -> tuple[str, str] | None:
    """The first and last day within ``within`` days of one of ``days`` (None: one of them has no date)."""
    dated = [d for d in days if d is not None]
    if len(dated) < len(days):
        return None
    return _iso(min(dated) - within), _iso(max(dated) + within)


def _iso(ordinal: int) -> str:
    return date.fromordinal(min(max(ordinal, 1), date.max.toordinal())).isoformat()
