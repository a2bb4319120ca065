"""Time one triage verb, `tasks accept ID`, as a whole process on a synthetic vault, after a warm sync.

    python benchmarks/bench_triage.py [--notes 10000] [--seed 1] [--vault PATH] [--repeat 5]

Each run accepts a different proposed task (so each one really writes a note, then re-syncs it). Prints the
best and median wall times against the target, and writes the results as JSON to benchmarks/out/.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from make_vault import make_vault

HERE = Path(__file__).resolve().parent
TASKS = str(Path(sys.executable).parent / "tasks")
TARGET = 0.5  # seconds, the whole `tasks accept ID` process
TODAY = "2026-11-22"


def environment(work: Path) -> dict[str, str]:
    """The `tasks` processes run with their own config, store and XDG folders (never the user's)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TASKTRACK_")}
    env.update(
        TASKTRACK_CONFIG=str(work / "config.toml"),
        TASKTRACK_DB=str(work / "store.sqlite"),
        TASKTRACK_TODAY=TODAY,
        XDG_CONFIG_HOME=str(work / "xdg-config"),
        XDG_DATA_HOME=str(work / "xdg-data"),
        NO_COLOR="1",
    )
    return env


def tasks(vault: Path, env: dict[str, str], *args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    done = subprocess.run([TASKS, "--vault", str(vault), *args], env=env, capture_output=True, text=True,
                          check=False)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"`tasks {' '.join(args)}` failed ({done.returncode}): {done.stderr.strip()}")
    return took, done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--notes", type=int, default=10_000, help="notes to generate (default 10000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--vault", type=Path, help="use this existing vault (its proposed tasks get accepted!)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs (default 5)")
    args = parser.parse_args(argv)
    if not Path(TASKS).exists():
        parser.error(f"no `tasks` executable next to {sys.executable}")

    work = Path(tempfile.mkdtemp(prefix="tasktrack-bench-triage-"))
    try:
        if args.vault:
            vault = args.vault.resolve()
        else:
            vault = work / "vault"
            started = time.perf_counter()
            made = make_vault(vault, args.notes, args.seed)
            print(f"generated {made.notes} notes, {made.tasks} tasks in {time.perf_counter() - started:.1f} s")
        env = environment(work)
        scan_time, _ = tasks(vault, env, "scan")
        warm_time, _ = tasks(vault, env, "scan")
        _, listed = tasks(vault, env, "list", "--status", "proposed", "--sort", "path", "--json")
        ids = [t["id"] for t in json.loads(listed.stdout)][: args.repeat]
        if len(ids) < args.repeat:
            raise SystemExit(f"the vault has only {len(ids)} proposed tasks; {args.repeat} are needed")
        runs = []
        for task_id in ids:
            took, done = tasks(vault, env, "accept", task_id)
            if " -> " not in done.stdout:
                raise SystemExit(f"`tasks accept {task_id}` printed no change: {done.stdout!r}")
            runs.append(took)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    best, median = min(runs), statistics.median(runs)
    ok = median < TARGET
    print(f"cold scan {scan_time:.2f} s, warm scan {warm_time:.3f} s")
    print(f"tasks accept ID  best {best:.3f} s  median {median:.3f} s  (target < {TARGET} s: {'ok' if ok else 'SLOW'})")
    print("runs: " + " ".join(f"{r:.3f}" for r in runs))
    result = {
        "notes": args.notes if not args.vault else -1, "verb": "accept", "runs": runs, "best": best,
        "median": median, "target": TARGET, "ok": ok, "cold_scan": scan_time, "warm_scan": warm_time,
        "cpus": os.cpu_count(), "loadavg": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }
    out_dir = HERE / "out"
    out_dir.mkdir(exist_ok=True)
    path = out_dir / f"bench_triage-{result['notes']}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(HERE.parent)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
