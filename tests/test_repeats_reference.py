"""Repeat detection reads the store narrowly and compares only what can still be a repeat: it must give exactly
the groups, scores and candidates of the straightforward way, every proposed item against every unfinished
task of the other notes."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path

from rapidfuzz import fuzz

from tasktrack.config import Config, RepeatSettings
from tasktrack.model import UNFINISHED, Task
from tasktrack.repeats import Entry, Group, Repeats, find, people_names, profile, similarity, text_cutoff
from tasktrack.workspace import Filters, Workspace

ACCOUNTS = ("Acme", "Globex", "Initech")
PEOPLE = ("Dana Reyes", "Louie Chen", "Jason Vallery", "Priya Shah")
ITEMS = (
    "Send {p} the {a} storage sizing worksheet",
    "Send the {a} POC storage sizing worksheet to {p}",
    "Follow up with {p} on the {a} POC timeline",
    "Confirm the POC timeline for {a} with [[{p}]]",
    "Share the pricing deck with {p}",
    "Share the updated pricing deck with {p} and Dana",
    "Book the room for the {a} QBR",
    "Draft the {a} QBR agenda",
    "Review the tiering roadmap with {p}",
    "Review the tiering roadmap",
)
CHECKBOXES = ("[ ?]", "[ ?]", "[ ]", "[/]", "[x]")
SETTINGS = (RepeatSettings(), RepeatSettings(threshold=0.6, days=30), RepeatSettings(threshold=0.9, days=400))


def _line(rng: random.Random, account: str) -> str:
    box = rng.choice(CHECKBOXES)
    person = rng.choice(PEOPLE).split()[rng.randrange(2)]
    text = rng.choice(ITEMS).format(p=person, a=account)
    owner = rng.choice(("", " @Myself", " @Dana", " @Louie"))
    tag = " #proposed" if box == "[ ?]" else ""
    return f"- {box} {text}{owner}{tag}"


def _notes(seed: int) -> dict[str, str]:
    """Meeting notes of three accounts over a year and a half, project pages without a date, a note for two
    accounts and one for none: the same items again and again, in other words."""
    rng = random.Random(seed)
    notes: dict[str, str] = {}
    for n in range(40):
        day = date(2025, 6, 1) + timedelta(days=rng.randrange(540))
        account = rng.choice(ACCOUNTS)
        scope = rng.choice((f"account: {account}", f"account: '[[{account}]]'", "account:\n- Acme\n- Globex", ""))
        people = "".join(f"- {p}\n" for p in rng.sample(PEOPLE, 2))
        lines = "".join(_line(rng, account) + "\n" for _ in range(rng.randrange(3, 7)))
        attendees = ("participants", "attendees", "Attendees")[n % 3]  # the keys people.ATTENDEE_KEYS reads
        notes[f"Meetings/{day} {account} sync {n}.md"] = (
            f"---\ndate: '{day}'\n{scope}\n{attendees}:\n{people}---\n## Action Items\n{lines}")
    for account in ACCOUNTS:
        created = date(2025, 6, 1) + timedelta(days=rng.randrange(540))
        lines = "".join(f"{_line(rng, account)} ➕ {created}\n" for _ in range(3)) + _line(rng, account) + "\n"
        notes[f"Projects/{account} POC.md"] = f"---\nproject: {account} POC\naccount: {account}\n---\n{lines}"
    return notes


def _reference(tasks: Sequence[Task], settings: RepeatSettings, new: set[str] | None) -> Repeats:
    """The straightforward way: every query against every unfinished task of the other notes."""
    entries = [Entry.of(t) for t in tasks if t.status in UNFINISHED]
    people = people_names([e.owners for e in entries], [e.note.participants for e in entries])
    profiles = [profile(e, people) for e in entries]
    by_id = {t.id: t for t in tasks}
    edges: dict[tuple[str, str], float] = {}
    for p in profiles:
        if not p.content or (p.entry.id not in new if new is not None else p.entry.status != "proposed"):
            continue
        for q in profiles:
            if not q.content or q.entry.path == p.entry.path:
                continue
            if fuzz.token_set_ratio(p.content, q.content) < text_cutoff(settings):
                continue
            score = similarity(p, q, settings)
            if score >= settings.threshold:
                edges[min(p.entry.id, q.entry.id), max(p.entry.id, q.entry.id)] = score
    # groups: the connected tasks, the newest first, each scored against the newest
    of = {p.entry.id: p for p in profiles}
    component: dict[str, set[str]] = {}
    for a, b in edges:
        joined = component.get(a, {a}) | component.get(b, {b})
        for x in joined:
            component[x] = joined

    def newest_first(task_id: str) -> tuple[int, str, str, int]:
        p = of[task_id]
        return (-(p.day or 0), p.entry.day or "", p.entry.path, p.entry.line)

    groups = []
    for members in {frozenset(c) for c in component.values()}:
        head, *rest = sorted(members, key=newest_first)
        scores = {head: 1.0}
        for x in rest:
            scores[x] = edges.get((min(head, x), max(head, x))) or similarity(
                of[head], of[x], RepeatSettings(threshold=0.0, days=1 << 30))
        groups.append(Group([by_id[x] for x in [head, *rest]], scores))
    groups.sort(key=lambda g: newest_first(g.tasks[0].id))
    candidates: dict[str, list[tuple[Task, float]]] = {}
    for (a, b), score in edges.items():
        candidates.setdefault(a, []).append((by_id[b], score))
        candidates.setdefault(b, []).append((by_id[a], score))
    for found in candidates.values():
        found.sort(key=lambda ts: (-ts[1], ts[0].path, ts[0].line))
    return Repeats(groups, candidates)


def _plain(found: Repeats) -> tuple[list[list[tuple[str, float]]], dict[str, list[tuple[str, float]]]]:
    groups = [[(t.id, g.similarity[t.id]) for t in g.tasks] for g in found.groups]
    return groups, {k: [(t.id, s) for t, s in v] for k, v in found.candidates.items()}


def test_the_store_gives_what_every_pair_compared_gives(make_vault: Callable[..., Path], tmp_path: Path) -> None:
    vault = make_vault(_notes(seed=16))
    for settings in SETTINGS:
        ws = Workspace.open(str(vault), str(tmp_path / "store.sqlite"), config=Config(repeats=settings))
        ws.sync()
        everything = ws.tasks(Filters(statuses=[], sort="path"))
        expected = _plain(_reference(everything, settings, None))
        assert len(expected[0]) >= 5  # the vault has repeats to find
        assert _plain(ws.repeats()) == expected
        assert _plain(find(everything, settings)) == expected
        proposed = ws.tasks(Filters(statuses=["proposed"], sort="note"))
        for new in (proposed[:5], proposed[-3:], [t for t in proposed if t.note_date is None],
                    [t for t in proposed if not t.properties.get("account")][:4], everything[:3]):
            assert _plain(ws.repeats(new)) == _plain(_reference(everything, settings, {t.id for t in new}))
        ws.close()
