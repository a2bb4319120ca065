"""Time one triage verb, `tasks accept ID`, as a whole process on a synthetic vault, after a warm sync.

    python benchmarks/bench_triage.py [--notes 10000] [--seed 1] [--vault PATH] [--repeat 5]

Each run accepts a different proposed task (so each one really writes a note, then re-syncs it). Prints the
best and median wall times against the target, and writes the results as JSON to benchmarks/out/.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from common import TASKS, bench_vault, environment, save_result, tasks, vault_arguments

TARGET = 0.5  # seconds, the whole `tasks accept ID` process


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    vault_arguments(parser, "use this existing vault (its proposed tasks get accepted!)", repeat=5)
    args = parser.parse_args(argv)
    if not Path(TASKS).exists():
        parser.error(f"no `tasks` executable next to {sys.executable}")

    work = Path(tempfile.mkdtemp(prefix="tasktrack-bench-triage-"))
    try:
        vault = bench_vault(args, work)
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
            if "\n+ " not in done.stdout:  # PATH:LINE, then the line before (-) and after (+)
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
    }
    save_result("bench_triage", result)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
