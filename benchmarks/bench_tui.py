"""Time the TUI on a synthetic vault: time to first paint, and time to apply one accept.

    python benchmarks/bench_tui.py [--notes 10000] [--seed 1] [--vault PATH] [--repeat 5] [--keep]

- first paint, headless: a whole process (`python -c` that imports the TUI, opens the store, runs the app
  headless at 160x45) from its start until the first frame with the Inbox's rows is drawn.
- first paint, tmux: ``tasks tui`` in a real terminal (tmux, 160x45) from launch until the Inbox's count
  shows on the screen (polled every 10 ms). Skipped without tmux.
- accept: in one app (``run_test``), run the ``a`` key's action on the current Inbox row and wait until
  the note is rewritten, the store re-synced and the row redrawn. One run per row.

The store is filled first (``tasks scan``), so these are the times of a user who already has one.
Prints a table and writes the results as JSON to benchmarks/out/.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from make_vault import make_vault

HERE = Path(__file__).resolve().parent
TASKS = str(Path(sys.executable).parent / "tasks")
FIRST_PAINT_MAX = 1.0  # seconds, the whole process
ACCEPT_MAX = 0.25  # seconds, key press to redrawn row

CHILD = r"""
import json, sys, time
started = time.time()
from textual import on
from tasktrack.workspace import Workspace
from tasktrack.tui.app import TaskTrackApp, ViewRead

class Timed(TaskTrackApp):
    @on(ViewRead)
    def painted(self) -> None:
        self.call_after_refresh(self.report)

    def report(self) -> None:
        self.exit(result=None)
        print(json.dumps({"ready": time.time(), "started": started, "total": self.source.total}))

ws = Workspace.open(sys.argv[1], sys.argv[2])
Timed(ws, live_interval=None).run(headless=True, size=(160, 45))
"""


def env_for(store: Path, home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(TASKTRACK_DB=str(store), TASKTRACK_CONFIG=str(home / "none.toml"),
               XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"))
    return env


def first_paint_headless(vault: Path, store: Path, env: dict[str, str]) -> tuple[float, int]:
    launched = time.time()
    done = subprocess.run([sys.executable, "-c", CHILD, str(vault), str(store)], env=env, capture_output=True,
                          text=True, check=True, timeout=60)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return report["ready"] - launched, int(report["total"])


def first_paint_tmux(vault: Path, store: Path, env: dict[str, str]) -> float:
    socket = store.with_name(f"tmux-{uuid.uuid4().hex[:10]}")
    tmux = ["tmux", "-S", str(socket), "-f", os.devnull]
    exports = " ".join(f"{k}={shlex.quote(env[k])}" for k in ("TASKTRACK_DB", "TASKTRACK_CONFIG", "XDG_CONFIG_HOME",
                                                               "XDG_DATA_HOME"))
    command = f"env {exports} TERM=xterm-256color {TASKS} --vault {shlex.quote(str(vault))} tui --no-live"
    launched = time.perf_counter()
    subprocess.run([*tmux, "new-session", "-d", "-x", "160", "-y", "45", command], check=True)
    try:
        while time.perf_counter() - launched < 30:
            shown = subprocess.run([*tmux, "capture-pane", "-p"], capture_output=True, text=True).stdout
            if "await triage" in shown and "[?]" in shown:
                return time.perf_counter() - launched
            time.sleep(0.01)
        raise RuntimeError("the TUI never showed the Inbox")
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)


async def accept_times(vault: Path, store: Path, repeat: int) -> list[float]:
    """From the ``a`` key's action to the row redrawn with the note rewritten and the store re-synced.

    (Pilot's ``press`` also waits for the whole app to go idle, which says more about its heuristics than
    about the accept, so the time is taken around the action itself.)"""
    from tasktrack.tui.app import TaskTrackApp
    from tasktrack.tui.reading import Written

    from tasktrack.workspace import Workspace

    app = TaskTrackApp(Workspace.open(str(vault), str(store)), live_interval=None)
    show_written = app.after_write
    times: list[float] = []
    async with app.run_test(size=(160, 45)) as pilot:
        while app.pending or app.table.current() is None:
            await pilot.pause()
        for _ in range(repeat):
            row = app.table.current()
            assert row is not None and row.status == "proposed", "the Inbox ran out of proposed items"
            note = vault / row.path
            before = note.read_bytes()
            painted: asyncio.Future[float] = asyncio.get_running_loop().create_future()

            def after(written: Written, done: asyncio.Future[float] = painted) -> None:
                show_written(written)
                app.call_after_refresh(lambda: done.set_result(time.perf_counter()))

            app.after_write = after  # type: ignore[method-assign]
            started = time.perf_counter()
            app.call_later(app.action_verb, "accept")
            times.append(await asyncio.wait_for(painted, 10) - started)
            await app.workers.wait_for_complete()
            await pilot.pause(0.2)
            assert note.read_bytes() != before, "the accept did not write"
    return times


def measure(name: str, runs: list[float], target: float | None) -> dict[str, Any]:
    median = statistics.median(runs)
    return {"name": name, "runs": [round(r, 4) for r in runs], "best": round(min(runs), 4),
            "median": round(median, 4), "target": target, "ok": None if target is None else median <= target}


def prepare(args: argparse.Namespace, work: Path) -> Path:
    if args.vault:
        vault = work / "vault"
        shutil.copytree(args.vault, vault)
        return vault
    vault = work / "vault"
    make_vault(vault, args.notes, args.seed)
    return vault


def run(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    vault = prepare(args, work)
    store = work / "store.sqlite"
    env = env_for(store, work)
    os.environ.update({k: env[k] for k in ("TASKTRACK_DB", "TASKTRACK_CONFIG", "XDG_CONFIG_HOME", "XDG_DATA_HOME")})
    subprocess.run([TASKS, "--vault", str(vault), "scan"], env=env, check=True, capture_output=True)
    counts = subprocess.run([TASKS, "--vault", str(vault), "list", "--all", "--json"], env=env, check=True,
                            capture_output=True, text=True).stdout
    total_tasks = len(json.loads(counts))
    first_paint_headless(vault, store, env)  # warm the bytecode and the page cache
    headless = [first_paint_headless(vault, store, env) for _ in range(args.repeat)]
    results = [measure("first paint, headless process", [h[0] for h in headless], FIRST_PAINT_MAX)]
    if shutil.which("tmux"):
        results.append(measure("first paint, tmux terminal", [first_paint_tmux(vault, store, env)
                                                               for _ in range(args.repeat)], FIRST_PAINT_MAX))
    results.append(measure("accept one item", asyncio.run(accept_times(vault, store, args.repeat)), ACCEPT_MAX))
    return {"notes": sum(1 for _ in vault.rglob("*.md")), "tasks": total_tasks, "inbox": headless[0][1],
            "results": results}


def report(data: dict[str, Any]) -> None:
    print(f"{data['notes']} notes, {data['tasks']} tasks, {data['inbox']} in the Inbox")
    print(f"{'measurement':<32}{'best':>9}{'median':>9}{'target':>9}  ok")
    for r in data["results"]:
        target = f"{r['target']:.2f}" if r["target"] is not None else "-"
        print(f"{r['name']:<32}{r['best']:>9.3f}{r['median']:>9.3f}{target:>9}  {'yes' if r['ok'] else 'NO'}")


def save(data: dict[str, Any], notes: int) -> Path:
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    data["environment"] = {"python": platform.python_version(), "cpus": os.cpu_count(),
                           "load": os.getloadavg() if hasattr(os, "getloadavg") else None}
    path = out / f"bench_tui-{notes}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--vault", type=Path, help="use a copy of this vault instead of generating one")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the vault and store; print the folder")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-tui-"))
    try:
        data = run(args, work)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    report(data)
    print(f"written {save(data, data['notes'])}")
    return 0 if all(r["ok"] is not False for r in data["results"]) else 1


if __name__ == "__main__":
    sys.exit(main())
