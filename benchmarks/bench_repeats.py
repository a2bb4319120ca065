"""Time repeated-item detection on a synthetic vault, after a warm sync.

    python benchmarks/bench_repeats.py [--notes 10000] [--seed 1] [--vault PATH] [--repeat 3]

Two measurements:

* ``tasks dupes --json`` as a whole process (every proposed item against the unfinished tasks of its
  account within the ``[repeats]`` days): target 3 s at 10,000 notes;
* checking the 20 newest proposed items (what one sync of new meeting notes brings) against the whole store,
  in process, as the digest and the TUI's Inbox do (``Workspace.repeats(new)``): target 0.1 s. ``tasks scan``
  itself computes no repeats, so it is not slower at all.

Prints the best and median times against the targets and writes the results as JSON to benchmarks/out/.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import bench_vault, environment, save_result, tasks, vault_arguments

DUPES_TARGET = 3.0  # seconds, the whole `tasks dupes --json` process at 10,000 notes
NEW_TARGET = 0.1  # seconds, 20 new items against the store
NEW_ITEMS = 20


def check_new(vault: Path, env: dict[str, str], repeat: int) -> tuple[list[float], int, int]:
    """Time ``Workspace.repeats`` for the 20 newest proposed items; the store's task count; repeats found."""
    os.environ.update(env)
    from tasktrack.workspace import Filters, Workspace

    ws = Workspace.open(str(vault))
    ws.sync()
    everything = ws.count(Filters(statuses=[]))
    new = ws.tasks(Filters(statuses=["proposed"], sort="note", limit=NEW_ITEMS))
    runs, found = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        result = ws.repeats(new)
        runs.append(time.perf_counter() - started)
        found = sum(bool(result.of(t.id)) for t in new)
    ws.close()
    return runs, everything, found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    vault_arguments(parser, "use this existing vault (read only)", repeat=3)
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="tasktrack-bench-repeats-"))
    try:
        vault = bench_vault(args, work)
        env = environment(work)
        scan_time, _ = tasks(vault, env, "scan")
        runs, groups = [], []
        for _ in range(args.repeat):
            took, done = tasks(vault, env, "dupes", "--json")
            runs.append(took)
            groups = json.loads(done.stdout)
        new_runs, store_tasks, found = check_new(vault, env, args.repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    best, median = min(runs), statistics.median(runs)
    new_best, new_median = min(new_runs), statistics.median(new_runs)
    ok = median <= DUPES_TARGET and new_median <= NEW_TARGET
    in_groups = sum(len(g) for g in groups)
    print(f"cold scan {scan_time:.2f} s; {store_tasks} tasks in the store")
    print(f"tasks dupes --json  best {best:.3f} s  median {median:.3f} s  (target <= {DUPES_TARGET} s: "
          f"{'ok' if median <= DUPES_TARGET else 'SLOW'}); {len(groups)} groups, {in_groups} tasks in them")
    print(f"{NEW_ITEMS} new items vs the store  best {new_best:.3f} s  median {new_median:.3f} s  (target <= "
          f"{NEW_TARGET} s: {'ok' if new_median <= NEW_TARGET else 'SLOW'}); {found} have a likely repeat")
    result = {
        "notes": args.notes if not args.vault else -1, "store_tasks": store_tasks, "dupes_runs": runs,
        "dupes_best": best, "dupes_median": median, "dupes_target": DUPES_TARGET, "groups": len(groups),
        "tasks_in_groups": in_groups, "new_items": NEW_ITEMS, "new_runs": new_runs, "new_median": new_median,
        "new_target": NEW_TARGET, "new_with_repeat": found, "ok": ok, "cold_scan": scan_time
    }
    save_result("bench_repeats", result)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
