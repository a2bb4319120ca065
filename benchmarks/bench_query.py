"""Time `tasks query` as a whole process on a synthetic vault, after a warm sync.

    python benchmarks/bench_query.py [--notes 10000] [--seed 1] [--vault PATH] [--repeat 5]

Three typical queries (three to five filters, a sort, a group) run `--repeat` times each. Prints the best and
median wall times of each against the target, and writes the results as JSON to benchmarks/out/.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from common import bench_vault, environment, save_result, tasks, vault_arguments

TARGET = 0.4  # seconds, the whole `tasks query '...'` process

QUERIES = {
    "due-meetings": "not done\ndue after 2026-09-30\ndue before next month\npath includes Meetings\n"
                    "priority is above low\nsort by due\ngroup by filename",
    "mine-tagged": "status.type is TODO\nhas due date\ntags include #task\ndescription includes pricing\n"
                   "owner is me\nsort by priority\ngroup by folder",
    "recently-done": "done\ndone after 2026-01-01\nfolder includes customers\nno scheduled date\n"
                     "sort by done reverse\ngroup by root",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    vault_arguments(parser, "use this existing vault (read only)", repeat=5)
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="tasktrack-bench-query-"))
    results: dict[str, dict[str, object]] = {}
    try:
        vault = bench_vault(args, work)
        env = environment(work)
        tasks(vault, env, "scan")
        tasks(vault, env, "scan")
        for name, text in QUERIES.items():
            runs = []
            shown = 0
            for _ in range(args.repeat):
                took, done = tasks(vault, env, "query", "--json", text)
                runs.append(took)
                shown = sum(len(group["tasks"]) for group in json.loads(done.stdout))
            results[name] = {"query": text, "runs": runs, "best": min(runs), "median": statistics.median(runs),
                             "tasks": shown}
    finally:
        shutil.rmtree(work, ignore_errors=True)

    ok = all(float(str(r["median"])) < TARGET for r in results.values())
    for name, r in results.items():
        median = float(str(r["median"]))
        print(f"{name:14} best {float(str(r['best'])):.3f} s  median {median:.3f} s  {r['tasks']} tasks  "
              f"(target < {TARGET} s: {'ok' if median < TARGET else 'SLOW'})")
    result = {"notes": args.notes if not args.vault else -1, "queries": results, "target": TARGET, "ok": ok}
    save_result("bench_query", result)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
