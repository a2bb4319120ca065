"""What the benchmarks share: how they run `tasks` (a whole process, with its own config, store and XDG
folders, never the user's) and where they write their results (benchmarks/out/, one JSON file a run)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from make_vault import make_vault

HERE = Path(__file__).resolve().parent
TASKS = str(Path(sys.executable).parent / "tasks")
TODAY = "2026-11-22"


def environment(work: Path) -> dict[str, str]:
    """The environment of the `tasks` processes: config, store and XDG folders under ``work``."""
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
    """Run `tasks --vault VAULT ARGS`: its wall time and what it printed (a failure ends the benchmark)."""
    started = time.perf_counter()
    done = subprocess.run([TASKS, "--vault", str(vault), *args], env=env, capture_output=True, text=True,
                          check=False)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"`tasks {' '.join(args)}` failed ({done.returncode}): {done.stderr.strip()}")
    return took, done


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def save_result(name: str, result: dict[str, Any]) -> Path:
    """Write ``result`` (with the CPU count and load average added) as benchmarks/out/NAME-NOTES-TIME.json."""
    result = {**result, "cpus": os.cpu_count(), "loadavg": load_average()}
    out_dir = HERE / "out"
    out_dir.mkdir(exist_ok=True)
    path = out_dir / f"{name}-{result['notes']}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(HERE.parent)}")
    return path


def vault_arguments(parser: argparse.ArgumentParser, vault_help: str, repeat: int) -> None:
    """``--notes``, ``--seed``, ``--vault`` and ``--repeat``: which vault the benchmark runs on, how many times."""
    parser.add_argument("--notes", type=int, default=10_000, help="notes to generate (default 10000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--vault", type=Path, help=vault_help)
    parser.add_argument("--repeat", type=int, default=repeat, help=f"timed runs (default {repeat})")


def bench_vault(args: argparse.Namespace, work: Path) -> Path:
    """The vault ``--vault`` names, else one of ``--notes`` notes generated into ``work``."""
    if args.vault:
        return Path(args.vault).resolve()
    vault = work / "vault"
    started = time.perf_counter()
    made = make_vault(vault, args.notes, args.seed)
    print(f"generated {made.notes} notes, {made.tasks} tasks in {time.perf_counter() - started:.1f} s")
    return vault
