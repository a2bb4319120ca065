"""Generate a synthetic Obsidian vault shaped like the real notes tasktrack is built for.

    python benchmarks/make_vault.py OUT_DIR [--notes 10000] [--seed 1]

Notes are meeting notes (``Meetings/YYYY/MM/2025-12-19 Microsoft strategy.md``), customer notes
(``Customers/``) and project notes (``Projects/``): YAML frontmatter, ``# Title``, ``**Date**:`` lines,
a summary, ``## Action Items`` / ``## Next Steps`` tasks, ``## Decisions`` bullets that start with ✅ or ❌
(not tasks), ``## Key Information`` bullets, a Dataview ``TASK`` block and ``## Related`` wikilinks.
About 6 tasks per note and about 4 KB per note. The same seed gives the same files.

:func:`change_notes` edits K notes of a generated vault (for the "K notes changed" rescan).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ACCOUNTS = (
    "Microsoft", "OpenAI", "Lambda", "xAI", "CoreWeave", "NVIDIA", "Google", "Amazon", "Databricks", "Snowflake",
    "Walmart", "Micron", "Samsung", "Seagate", "Oracle", "Meta", "Anthropic", "Nebius", "Crusoe", "Together AI",
)
PEOPLE = (
    "Jeff Denworth", "Jason Vallery", "Morty Blaunstein", "John Mao", "Maneesh Sah", "Eric Wolfie", "Lior Genzel",
    "Kishore Inampudi", "Tomer Hagay", "Erez Zilber", "Rick Haselton", "Deandre Jackson", "Louie Chen", "Qi Zhang",
)
OWNERS = ("Jeff", "Morty", "Lior", "Tomer", "Erez", "Rick", "Dre", "Louie", "Kishore", "John.Mao", "Maneesh")
TOPICS = (
    "strategy", "SCO prep", "Blob API review", "tiering roadmap", "pricing sync", "capacity planning", "1-1",
    "weekly sync", "POC kickoff", "NeoCloud packaging", "control plane", "Key Vault gap", "supply update",
    "partner intro", "escalation review", "QBR", "architecture deep dive", "enablement",
)
VERBS = (
    "Follow up with", "Work with", "Ask", "Send", "Prepare", "Draft", "Review", "Schedule a call with",
    "Share the deck with", "Confirm with", "Sync with", "Escalate to",
)
OBJECTS = (
    "the AZCopy compatibility test plan", "NeoCloud-in-a-box user stories", "the tiering/offload design",
    "a 45-minute SCO session outline", "pricing for the 12PB POC", "the Key Vault integration gap",
    "change-feed based namespace sync", "the multi-tenancy best practices doc", "the control plane roadmap",
    "flash supply forecasts", "the private offer terms", "the Lambda portfolio launch plan",
    "the Private Link constraints list", "a relevant VAST blog on event streaming", "the Azure engagement plan",
)
WHENS = ("", "", "", " this week", " over the next two months", " before the QBR", " by end of month", " today")
SENTENCES = (
    "{p} and {q} aligned on {a} strategy, focusing on what is actually needed versus broader integration work.",
    "They discussed competitive dynamics at {a}, including internal storage efforts and data movement tooling.",
    "Engineering work must be staged to near-term revenue, and {a} needs to decide quickly due to supply limits.",
    "{p} asked {q} to prepare material on {o} and to help drive clearer user stories with partners.",
    "The group reviewed {o} and agreed the scope should follow what {a} teams actually require.",
    "Flash supply constraints remain a concern; prices recently doubled and vendors are shifting to HBM/DRAM.",
    "Two integration patterns were compared: offload in a native format, and exposing existing cloud data.",
    "Private Link and VNet boundaries keep coming up as a constraint for managed-service integration.",
)
FACTS = (
    "{a} is reportedly replatforming away from the Blob API for some scenarios and building its own tooling.",
    "AZCopy is open source and is a key data movement tool; MAI uses it as a data movement engine.",
    "{a} uses an internal storage platform with its own API surface; an earlier migration reportedly failed.",
    "Premium blob is described as small (likely petabytes, not exabytes) for {a}.",
    "VAST does not support Azure Key Vault integration today (gap for customer-managed keys).",
    "{p} expects {a} to decide on direction by January due to supply-chain pressure.",
    "Progress on {o} was flagged as the main dependency for the next milestone.",
    "{a} plans to launch the full portfolio, which supports the NeoCloud-in-a-box thesis.",
)
DECISIONS = (
    "Do not prioritize {o} speculatively; react to additional needs if and when they arise.",
    "Define the MVP for {a} as compatibility with existing test cases rather than broad surface coverage.",
    "Prioritize a clean, credible story for {o} over feature completeness.",
    "{p} owns {o} going forward.",
)
BLOCKERS = ("Session agenda/content not fully built yet", "Need user stories to be crisp by February",
            "Waiting on {a} legal for the private offer", "No owner yet for {o}")
PROJECTS = (
    "Building an AI cloud with VAST", "VAST on Azure Integration", "NeoCloud market shaping", "Blob API MVP",
    "Tiering to Blob", "Cloud control plane", "Key Vault support", "SCO 2026 session", "Lifter program",
)
THEMES = (
    "Azure Blob API vs Tuscany trade-offs", "OpenAI storage architecture and internal competition",
    "AZCopy as Blob API MVP target", "ABFS driver and Spark/Databricks integration considerations",
    "Tiering/offload to Azure Blob and flash vs HDD supply dynamics", "Namespace/metadata synchronization",
    "Azure Key Vault / customer-managed keys gap", "Azure networking constraints (Private Link)",
    "Foundry and Fabric integration opportunities", "NeoCloud market shaping and packaging the VAST portfolio",
    "SCO session planning and messaging", "Egress minimization, ExpressRoute Direct Local", "Azure GA milestones",
)
PRIORITIES = ("⏫", "⏫", "🔼", "🔺", "🔽")
START = date(2024, 1, 1)
DAYS = 1050  # notes dated 2024-01-01 .. 2026-11-15


@dataclass
class Expected:
    """What a correct scan of the generated vault finds."""

    notes: int = 0
    tasks: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    unfinished_mine: int = 0  # what `tasks list --owner me` (default statuses) should list
    subtasks: int = 0  # tasks nested under another task
    not_tasks: int = 0  # checkbox-looking lines in code blocks (a plain regex counts them, a scan should not)
    crlf_notes: int = 0
    bytes: int = 0

    def as_dict(self) -> dict[str, object]:
        return {"notes": self.notes, "tasks": self.tasks, "statuses": dict(sorted(self.statuses.items())),
                "unfinished_mine": self.unfinished_mine, "subtasks": self.subtasks, "not_tasks": self.not_tasks,
                "crlf_notes": self.crlf_notes, "bytes": self.bytes}


class NoteWriter:
    def __init__(self, rng: random.Random, expected: Expected) -> None:
        self.rng = rng
        self.exp = expected

    def fill(self, template: str, account: str) -> str:
        r = self.rng
        return template.format(a=account, p=r.choice(PEOPLE), q=r.choice(PEOPLE), o=r.choice(OBJECTS))

    def task(self, day: date, indent: str = "") -> str:
        r = self.rng
        owner = "Myself" if r.random() < 0.5 else r.choice(OWNERS)
        text = f"{r.choice(VERBS)} {r.choice(PEOPLE).split()[0]} on {r.choice(OBJECTS)}{r.choice(WHENS)}."
        roll = r.random()
        if roll < 0.35:
            box, status, tags = "[ ?]", "proposed", "#task #proposed"
        elif roll < 0.38:  # an open checkbox that the #proposed tag makes proposed
            box, status, tags = "[ ]", "proposed", "#task #proposed"
        elif roll < 0.62:
            box, status, tags = "[ ]", "open", "#task"
        elif roll < 0.72:
            box, status, tags = "[/]", "in_progress", "#task"
        elif roll < 0.94:
            box, status, tags = "[x]", "done", "#task"
        else:
            box, status, tags = "[-]", "cancelled", "#task"
        fields = []
        if r.random() < 0.3:
            fields.append(r.choice(PRIORITIES))
        if r.random() < 0.25:
            fields.append(f"📅 {day + timedelta(days=r.randint(-20, 90))}")
        if r.random() < 0.1:
            fields.append(f"➕ {day}")
        if status == "done":
            fields.append(f"✅ {day + timedelta(days=r.randint(0, 30))}")
        elif status == "cancelled" and r.random() < 0.5:
            fields.append(f"❌ {day + timedelta(days=r.randint(0, 30))}")
        self.exp.tasks += 1
        self.exp.subtasks += bool(indent)
        self.exp.statuses[status] += 1
        if owner == "Myself" and status in ("proposed", "open", "in_progress"):
            self.exp.unfinished_mine += 1
        return " ".join([f"{indent}- {box} {text}", f"@{owner}", *fields, tags])

    def tasks(self, day: date, count: int) -> list[str]:
        out = []
        for _ in range(count):
            out.append(self.task(day))
            if self.rng.random() < 0.06:  # a few nested subtasks
                indent = "\t" if self.rng.random() < 0.3 else "    "
                out.extend(self.task(day, indent) for _ in range(self.rng.randint(1, 2)))
        return out

    def paragraphs(self, account: str, count: int) -> list[str]:
        r = self.rng
        out = []
        for _ in range(count):
            out += [" ".join(self.fill(r.choice(SENTENCES + FACTS), account) for _ in range(r.randint(3, 6))), ""]
        return out

    def bullets(self, templates: tuple[str, ...], account: str, count: int, mark: str = "") -> list[str]:
        return [f"- {mark}{self.fill(self.rng.choice(templates), account)}" for _ in range(count)]

    def frontmatter(self, kind: str, title: str, day: date, account: str, people: list[str]) -> list[str]:
        lines = ["---", f"type: {kind}", f"title: {json.dumps(title, ensure_ascii=False)}", f"date: '{day}'",
                 f"account: {account}", "participants:", *(f"- {p}" for p in people), "source: transcript",
                 "tags:", f"- type/{kind}", f"- account/{account.lower().replace(' ', '-')}", "- generated", "---"]
        return lines

    def dataview(self) -> list[str]:
        return ["## Open Tasks", "", "```dataview", "TASK", 'FROM ""', "WHERE !completed", "SORT due ASC", "```", ""]

    def related(self, account: str) -> list[str]:
        links = self.rng.sample(PEOPLE, 4) + self.rng.sample(ACCOUNTS, 5)
        return ["## Related", "", *(f"- [[{x}]]" for x in [account, *links])]

    def code_example(self) -> list[str]:
        self.exp.not_tasks += 2
        return ["## Template", "", "```markdown", "- [ ] Example task in a code block @Myself #task",
                "- [x] Not a task either ✅ 2025-01-01", "```", ""]

    def meeting(self, day: date, account: str, topic: str) -> str:
        r = self.rng
        people = r.sample(PEOPLE, r.randint(2, 4))
        title = f"{account} {topic}"
        lines = self.frontmatter("meeting", title, day, account, people)
        lines += ["", f"# {title}", "", f"**Date**: {day}", f"**Account**: [[{account}]]",
                  f"**Attendees**: {', '.join(people)}", "", "## Summary", "",
                  " ".join(self.fill(r.choice(SENTENCES), account) for _ in range(r.randint(3, 6))),
                  "", "## Discussion", "", *self.paragraphs(account, r.randint(2, 3)),
                  "## Action Items", *self.tasks(day, r.randint(3, 9)), "", "## Decisions",
                  *(f"- {r.choice('✅❌')} {self.fill(r.choice(DECISIONS), account)}" for _ in range(r.randint(1, 3))),
                  "", "## Key Information", *self.bullets(FACTS, account, r.randint(6, 12)), "", "---", "",
                  f"*Source: [[Inbox/_archive/{day}/original.md|original]]*", ""]
        if r.random() < 0.02:
            lines += self.code_example()
        lines += self.dataview() + self.related(account)
        return "\n".join(lines) + "\n"

    def hub(self, kind: str, day: date, account: str, title: str) -> str:
        """A customer or project note: blockers, next steps, key decisions, facts."""
        r = self.rng
        lines = self.frontmatter(kind, title, day, account, r.sample(PEOPLE, 2))
        lines += ["", f"# {title}", "", "## Overview", "", " ".join(self.fill(r.choice(SENTENCES), account)
                                                                     for _ in range(r.randint(2, 4))),
                  "", "## Status", "", "| Field | Value |", "|-------|-------|", "| **Status** | active |",
                  f"| **Owner** | {r.choice(PEOPLE)} |", "", "## Current Blockers", "",
                  *(f"- ❌ {self.fill(r.choice(BLOCKERS), account)}" for _ in range(r.randint(1, 2))), "",
                  "## Next Steps", "", *self.tasks(day, r.randint(2, 8)), "", *self.dataview(), "## Key Decisions",
                  "", *self.bullets(DECISIONS, account, r.randint(1, 3), "✅ "), "", "## Key Facts", "",
                  *self.bullets(FACTS, account, r.randint(6, 11)), "", "## Topics / Themes", "",
                  ", ".join(r.sample(THEMES, r.randint(5, 10))), "", "## Recent Context", "",
                  f"- {day}: [[{day}]] - {self.fill(r.choice(SENTENCES), account)[:100]}...", ""]
        lines += self.related(account)
        return "\n".join(lines) + "\n"


def make_vault(out: Path, notes: int = 10_000, seed: int = 1) -> Expected:
    """Write ``notes`` notes below ``out`` (which should be empty or absent); return what a scan should find."""
    rng = random.Random(seed)
    exp = Expected()
    writer = NoteWriter(rng, exp)
    (out / ".obsidian").mkdir(parents=True, exist_ok=True)
    (out / ".obsidian" / "app.json").write_text('{"alwaysUpdateLinks": true}\n', encoding="utf-8")
    (out / ".obsidian" / "core-plugins.json").write_text('["file-explorer", "search"]\n', encoding="utf-8")
    used: set[str] = set()
    for i in range(notes):
        day = START + timedelta(days=rng.randrange(DAYS))
        account = rng.choice(ACCOUNTS)
        roll = rng.random()
        if roll < 0.75:
            topic = rng.choice(TOPICS)
            rel = f"Meetings/{day.year}/{day.month:02d}/{day} {account} {topic}.md"
            text = writer.meeting(day, account, topic)
        elif roll < 0.88:
            rel = f"Customers/{account}/{account} {day} account review.md"
            text = writer.hub("customer", day, account, f"{account} account review")
        else:
            name = rng.choice(PROJECTS)
            rel = f"Projects/{name}/{day} {name}.md"
            text = writer.hub("projects", day, account, name)
        if rel in used:  # same day, account and topic twice: number it
            rel = rel[:-3] + f" ({i}).md"
        used.add(rel)
        data = text.encode("utf-8")
        if rng.random() < 0.01:
            data = text.replace("\n", "\r\n").encode("utf-8")
            exp.crlf_notes += 1
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        exp.notes += 1
        exp.bytes += len(data)
    return exp


def change_notes(vault: Path, count: int, seed: int = 0) -> list[str]:
    """Change ``count`` notes of ``vault``: append a task to half of them, tick the first open task (or
    reword the first task) in the others. Returns the changed paths, relative to the vault."""
    rng = random.Random(seed)
    paths = sorted(p for p in vault.rglob("*.md") if ".obsidian" not in p.parts)
    chosen = rng.sample(paths, min(count, len(paths)))
    stamp = time.strftime("%Y-%m-%d")
    for n, path in enumerate(chosen):
        data = path.read_bytes()
        nl = b"\r\n" if b"\r\n" in data else b"\n"
        if n % 2 == 0:
            data += f"- [ ] Added task {seed}-{n} for the benchmark @Myself 📅 {stamp} #task".encode() + nl
        elif b"- [ ] " in data:
            data = data.replace(b"- [ ] ", b"- [x] ", 1)
            line_end = data.index(nl, data.index(b"- [x] "))
            data = data[:line_end] + f" ✅ {stamp}".encode() + data[line_end:]
        else:
            data = data.replace(b"] ", f"] (edited {seed}-{n}) ".encode(), 1)
        path.write_bytes(data)
    return [p.relative_to(vault).as_posix() for p in chosen]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("out", type=Path, help="folder to write the vault into (created)")
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} is not empty")
    started = time.perf_counter()
    exp = make_vault(args.out, args.notes, args.seed)
    took = time.perf_counter() - started
    summary = {**exp.as_dict(), "avg_bytes": exp.bytes // max(exp.notes, 1), "seconds": round(took, 2)}
    json.dump(summary, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
