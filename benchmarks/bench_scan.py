"""Time `tasks scan` and `tasks list` on a synthetic vault, each as a whole process, against a plain-Python
baseline that reads every note and counts its checkbox lines.

    python benchmarks/bench_scan.py [--notes 10000] [--seed 1] [--vault PATH] [--keep] [--repeat 5] [--cold 3]

Prints a table and writes the results as JSON to benchmarks/out/.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from make_vault import Expected, change_notes, make_vault

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
TASKS = str(BIN / "tasks")
COLD_SCAN_MAX_RATIO = 4.0  # cold full scan, as a multiple of the baseline
RESCAN_MAX = 0.25  # seconds: `tasks scan` when nothing changed
LIST_MAX = 0.25  # seconds: `tasks list --owner me --json`, the whole process
HEAVY = ("textual", "dateparser")  # must not be imported by `tasks list`

BASELINE = r"""
import os, re, sys
rx = re.compile(r"^\s*(?:[-*+]|\d+[.)]) +\[(?: \?|.)\]", re.M)
notes = tasks = 0
for root, dirs, files in os.walk(sys.argv[1]):
    dirs[:] = [d for d in dirs if not d.startswith(".")]
    for name in files:
        if name.endswith(".md"):
            with open(os.path.join(root, name), "rb") as fh:
                text = fh.read().decode("utf-8-sig")
            notes += 1
            tasks += len(rx.findall(text))
print(notes, tasks)
"""


@dataclass
class Measurement:
    name: str
    runs: list[float]
    target: str = ""
    ratio: float | None = None  # median over the baseline's best
    ok: bool | None = None  # None: no target
    note: str = ""

    @property
    def best(self) -> float:
        return min(self.runs)

    @property
    def median(self) -> float:
        return statistics.median(self.runs)


@dataclass
class Results:
    notes: int
    vault: str
    env: dict[str, str]
    expected: dict[str, object] | None = None
    scan_report: dict[str, Any] = field(default_factory=dict)
    checks: dict[str, Any] = field(default_factory=dict)
    measurements: list[Measurement] = field(default_factory=list)


class Bench:
    def __init__(self, vault: Path, work: Path) -> None:
        self.vault = vault
        self.db = work / "store.sqlite"
        self.cwd = work
        drop = ("TASKTRACK_VAULT", "TASKTRACK_DB", "PYTHONDONTWRITEBYTECODE")
        self.env = {k: v for k, v in os.environ.items() if k not in drop}
        self.env["TASKTRACK_CONFIG"] = str(work / "no-such-config.toml")
        # Bytecode cached (as after `pip install`), kept out of the source tree.
        self.env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")

    def run(self, cmd: Sequence[str], capture: bool = False, env: dict[str, str] | None = None
            ) -> tuple[float, str, str]:
        """Run ``cmd`` to the end; return (wall-clock seconds, stdout, stderr)."""
        out = subprocess.PIPE if capture else subprocess.DEVNULL
        started = time.perf_counter()
        proc = subprocess.run(cmd, stdout=out, stderr=subprocess.PIPE, env=env or self.env, cwd=self.cwd, text=True)
        took = time.perf_counter() - started
        if proc.returncode != 0:
            raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr}")
        return took, proc.stdout or "", proc.stderr

    def tasks(self, *args: str) -> list[str]:
        return [TASKS, *args, "--vault", str(self.vault), "--db", str(self.db)]

    def drop_store(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.db}{suffix}").unlink(missing_ok=True)

    def times(self, cmd: Sequence[str], repeat: int) -> list[float]:
        return [self.run(cmd)[0] for _ in range(repeat)]


def parse_scan(text: str) -> dict[str, Any]:
    """The counts `tasks scan` prints."""
    report: dict[str, Any] = {"statuses": {}, "warnings": 0}
    for line in text.splitlines():
        if m := re.match(r"notes\s+(\d+) \((\d+) read now, (\d+) gone\)", line):
            report.update(notes=int(m[1]), read=int(m[2]), gone=int(m[3]))
        elif m := re.match(r"tasks\s+(\d+)$", line):
            report["tasks"] = int(m[1])
        elif m := re.match(r"  (\w+)\s+(\d+)$", line):
            report["statuses"][m[1]] = int(m[2])
        elif m := re.match(r"warnings\s+(\d+)", line):
            report["warnings"] = int(m[1])
    return report


def imported_packages(importtime_log: str) -> tuple[set[str], list[tuple[int, str]]]:
    """Top-level packages in a ``-X importtime`` log, and the slowest imports (cumulative µs, name)."""
    packages: set[str] = set()
    slow: list[tuple[int, str]] = []
    for line in importtime_log.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if m:
            packages.add(m[4].split(".")[0])
            if len(m[3]) == 1:  # imported by the program itself, not by another module
                slow.append((int(m[2]), m[4]))
    return packages, sorted(slow, reverse=True)[:8]


def measure(bench: Bench, res: Results, repeat: int, cold_runs: int, expected: Expected | None) -> None:
    py = sys.executable
    add = res.measurements.append

    bench.run([py, "-c", "import tasktrack.cli.main"])  # fills the bytecode cache
    runs = []
    for _ in range(3):
        took, out, _ = bench.run([py, "-c", BASELINE, str(bench.vault)], capture=True)
        runs.append(took)
    base = min(runs)
    notes, boxes = (int(x) for x in out.split())
    add(Measurement("baseline: read + regex every note", runs, note=f"{notes} notes, {boxes} checkbox lines"))

    runs, matched = [], []
    for _ in range(cold_runs):  # each on an empty store: a first scan
        bench.drop_store()
        took, out, _ = bench.run(bench.tasks("scan", "--rebuild"), capture=True)
        runs.append(took)
        res.scan_report = parse_scan(out)
        check_counts(bench, res, expected)
        matched.append(res.checks.get("counts_match"))
    if expected is not None:
        res.checks["counts_match"] = all(matched)
    cold = Measurement("cold full scan (scan --rebuild)", runs, f"<= {COLD_SCAN_MAX_RATIO:g}x baseline")
    cold.ok = cold.median / base <= COLD_SCAN_MAX_RATIO
    add(cold)

    rescan = Measurement("rescan, no change (scan)", bench.times(bench.tasks("scan"), repeat), f"< {RESCAN_MAX} s")
    rescan.ok = rescan.median < RESCAN_MAX
    add(rescan)

    runs, read = [], []
    for round_ in range(3):
        change_notes(bench.vault, 10, seed=round_ + 1)
        took, out, _ = bench.run(bench.tasks("scan"), capture=True)
        runs.append(took)
        read.append(parse_scan(out).get("read"))
    add(Measurement("rescan after 10 notes changed", runs, note=f"notes read now: {read}"))

    list_cmd = bench.tasks("list", "--owner", "me", "--json")
    listing = Measurement("list --owner me --json (process)", bench.times(list_cmd, repeat), f"< {LIST_MAX} s")
    listing.ok = listing.median < LIST_MAX
    add(listing)

    add(Measurement("python -c pass", bench.times([py, "-c", "pass"], repeat)))
    imports = [py, "-c", "import tasktrack.cli.main"]
    add(Measurement("python -c 'import tasktrack.cli.main'", bench.times(imports, repeat)))
    no_cache = {k: v for k, v in bench.env.items() if k != "PYTHONPYCACHEPREFIX"} | {"PYTHONDONTWRITEBYTECODE": "1"}
    if not (HERE.parent / "tasktrack" / "__pycache__").is_dir():  # an editable checkout without bytecode
        runs = [bench.run([py, "-c", "import tasktrack.cli.main"], env=no_cache)[0] for _ in range(repeat)]
        add(Measurement("python -c 'import tasktrack.cli.main', no .pyc", runs))

    cmd = [py, "-X", "importtime", "-m", "tasktrack", *bench.tasks("list", "--owner", "me", "--json")[1:]]
    _, _, log = bench.run(cmd)
    packages, slow = imported_packages(log)
    heavy = sorted(p for p in HEAVY if p in packages)
    res.checks["list_imports"] = {"heavy_imported": heavy, "third_party": sorted(packages & {
        "textual", "dateparser", "frontmatter", "yaml", "rich", "regex", "tzlocal", "pytz"}),
        "slowest_top_level_imports_us": slow}
    imports = Measurement("list imports textual/dateparser?", [0.0], "neither", note=", ".join(heavy) or "neither")
    imports.ok = not heavy
    add(imports)
    for m in res.measurements[1:]:
        if m.runs != [0.0] and not m.name.startswith("python"):
            m.ratio = m.median / base


def check_counts(bench: Bench, res: Results, expected: Expected | None) -> None:
    """Compare what `tasks scan` and `tasks list` report with what the generator wrote."""
    _, out, _ = bench.run(bench.tasks("list", "--owner", "me", "--json"), capture=True)
    listed = json.loads(out)
    res.checks["list_owner_me_count"] = len(listed)
    if expected is None:
        return
    rep = res.scan_report
    want = {"notes": expected.notes, "tasks": expected.tasks, "statuses": dict(expected.statuses),
            "list_owner_me": expected.unfinished_mine}
    got = {"notes": rep.get("notes"), "tasks": rep.get("tasks"), "statuses": rep.get("statuses"),
           "list_owner_me": len(listed)}
    res.checks["counts_match"] = want == got
    if want != got:
        res.checks["counts_expected"], res.checks["counts_got"] = want, got


def table(ms: list[Measurement]) -> str:
    rows = [("measurement", "best s", "median s", "target", "x baseline", "result")]
    for m in ms:
        timed = m.runs != [0.0]
        rows.append((m.name, f"{m.best:.3f}" if timed else "", f"{m.median:.3f}" if timed else "", m.target,
                     "" if m.ratio is None else f"{m.ratio:.2f}", {True: "PASS", False: "FAIL", None: ""}[m.ok]))
    widths = [max(len(r[i]) for r in rows) for i in range(6)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines += [f"  {m.name}: {m.note}" for m in ms if m.note]
    return "\n".join(lines)


def environment() -> dict[str, str]:
    def git(*args: str) -> str:
        proc = subprocess.run(["git", *args], cwd=HERE, capture_output=True, text=True)
        return proc.stdout.strip()

    return {"python": platform.python_version(), "platform": platform.platform(), "cpus": str(os.cpu_count()),
            "commit": git("rev-parse", "--short", "HEAD"), "dirty": git("status", "--porcelain", "--", "tasktrack"),
            "when": time.strftime("%Y-%m-%dT%H:%M:%S"), "loadavg": " ".join(f"{x:.2f}" for x in os.getloadavg())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--notes", type=int, default=10_000, help="notes to generate (default 10000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--vault", type=Path, help="benchmark this existing vault (its notes get edited!)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of the repeated measurements (default 5)")
    parser.add_argument("--cold", type=int, default=3, help="cold full scans, each on an empty store (default 3)")
    parser.add_argument("--keep", action="store_true", help="keep the generated vault and store; print where")
    args = parser.parse_args(argv)
    if not Path(TASKS).exists():
        parser.error(f"no `tasks` executable next to {sys.executable}")

    work = Path(tempfile.mkdtemp(prefix="tasktrack-bench-"))
    expected: Expected | None = None
    try:
        if args.vault:
            vault = args.vault.resolve()
        else:
            vault = work / "vault"
            started = time.perf_counter()
            expected = make_vault(vault, args.notes, args.seed)
            print(f"generated {expected.notes} notes, {expected.tasks} tasks, {expected.bytes / 1e6:.1f} MB "
                  f"in {time.perf_counter() - started:.1f} s")
        bench = Bench(vault, work)
        res = Results(notes=expected.notes if expected else -1, vault=str(vault), env=environment(),
                      expected=expected.as_dict() if expected else None)
        measure(bench, res, args.repeat, args.cold, expected)
    finally:
        if args.keep:
            print(f"kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    res.env["loadavg_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(table(res.measurements))
    print(f"load average before/after: {res.env['loadavg']} / {res.env['loadavg_after']} ({res.env['cpus']} cpus)")
    print(f"tasks scan reported: {json.dumps(res.scan_report)}")
    print(f"checks: {json.dumps(res.checks)}")
    out_dir = HERE / "out"
    out_dir.mkdir(exist_ok=True)
    data = asdict(res)
    for m, d in zip(res.measurements, data["measurements"], strict=True):
        d.update(best=m.best, median=m.median)
    path = out_dir / f"bench_scan-{res.notes}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(HERE.parent)}")
    return 0 if all(m.ok is not False for m in res.measurements) and res.checks.get("counts_match", True) else 1


if __name__ == "__main__":
    sys.exit(main())
