"""Shared fixtures: every test runs away from the real home folder, config and store.

- ``make_vault``: write notes (``str`` or ``bytes``) into a fresh vault under ``tmp_path``.
- ``run_cli``: run ``tasks ...`` in-process and get its exit code, stdout and stderr.
- ``fixture_vault``: a temporary copy of ``fixtures/vault`` (the small vault the README's first command lists).
- ``edge_vault``: a temporary copy of ``fixtures/edge-vault`` (the user's real notes plus ``Tricky/``).
- ``fixed_today``: pins today to 2026-11-22 through ``TASKTRACK_TODAY``.

Temporary vaults and stores live in memory (``/dev/shm``) where the machine has it, unless ``$TMPDIR`` says
otherwise: every write syncs its files to disk before it renames them, and on a disk those waits were most
of the suite's time. A killed writer leaves the same files behind either way (the kill tests need no disk).
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tasktrack.cli.main import main

MEMORY = Path("/dev/shm")

REPO = Path(__file__).resolve().parents[1]
FIXTURE_VAULT = REPO / "fixtures" / "vault"  # the README's first command lists it
EDGE_VAULT = REPO / "fixtures" / "edge-vault"  # the user's real notes and one tricky note per rule
SAMPLE_VAULT = REPO / "fixtures" / "obsidian-tasks-sample-vault"  # the Obsidian Tasks demo vault (MIT)
ORACLE = REPO / "fixtures" / "obsidian-tasks-metadata-cache-oracle"  # what real Obsidian reported for its notes
TODAY = "2026-11-22"

Notes = Mapping[str, str | bytes]


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    @property
    def out_lines(self) -> list[str]:
        return self.out.splitlines()


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: two workers a core. The terminal UI tests wait on Textual's idle checks and timers, and the
    fault tests on the processes they kill, about half of their time: one worker a core left the cores idle."""
    return 2 * (os.cpu_count() or 1)


def pytest_collection_finish(session: pytest.Session) -> None:
    """What collection made (modules, test items) lives to the end: leave it out of every later garbage
    collection, which otherwise walks it again each time the terminal UI tests fill the young generations.
    Those tests make objects by the hundred thousand (Textual's rendered lines, most kept in its caches): a
    collection every 10,000 new objects rather than every 700 cuts the full collections from about 38 to 7
    in a run of the UI tests, and their processor time by about an eighth, for some 10 MB more memory."""
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """One full collection now (the finalizers it runs still report to pytest), then what is left out of the
    five that pytest makes on its way out: each walked Textual's caches again, in every worker at once."""
    gc.collect()
    gc.freeze()


def pytest_configure(config: pytest.Config) -> None:
    """Temporary files in memory (see above); set before the first temporary folder is made."""
    if "TMPDIR" not in os.environ and MEMORY.is_dir() and os.access(MEMORY, os.W_OK | os.X_OK):
        os.environ["TMPDIR"] = str(MEMORY)  # for pytest's tmp_path, tempfile, and the processes tests start
        tempfile.tempdir = None  # tempfile reads $TMPDIR again


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Config, store and XDG folders in a temporary home; no vault and no fixed today from the outside."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("TASKTRACK_CONFIG", str(home / "config" / "tasktrack" / "config.toml"))
    monkeypatch.setenv("TASKTRACK_DB", str(home / "store.sqlite"))
    monkeypatch.setenv("TASKTRACK_SETTLE_SECONDS", "0")  # notes a test just wrote are not being written still
    for name in ("TASKTRACK_VAULT", "TASKTRACK_TODAY", "NO_COLOR", "TASKTRACK_CRASH_AT"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def config_file(isolated_env: Path) -> Callable[[str], Path]:
    """Write the TOML config file that ``TASKTRACK_CONFIG`` points to."""

    def write(text: str) -> Path:
        path = Path(os.environ["TASKTRACK_CONFIG"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("TASKTRACK_TODAY", TODAY)
    return TODAY


def write_notes(root: Path, notes: Notes) -> None:
    for relative, content in notes.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))


@pytest.fixture
def make_vault(tmp_path: Path) -> Callable[..., Path]:
    """``make_vault({"Note.md": "- [ ] x"}, name="vault", obsidian=True)`` -> the vault folder.

    Text is written as UTF-8 exactly as given (no newline translation); bytes are written as they are.
    """
    made: list[Path] = []

    def make(notes: Notes | None = None, name: str | None = None, obsidian: bool = True) -> Path:
        root = tmp_path / (name or ("vault" if not made else f"vault{len(made) + 1}"))
        root.mkdir(parents=True, exist_ok=True)
        if obsidian:
            (root / ".obsidian").mkdir(exist_ok=True)
            (root / ".obsidian" / "app.json").write_text("{}", encoding="utf-8")
        write_notes(root, notes or {})
        made.append(root)
        return root

    return make


def copy_tree(source: Path, target: Path) -> Path:
    """Copy a folder and make the copy writable (the anchors are read-only)."""
    shutil.copytree(source, target, symlinks=True)
    for folder, dirs, files in os.walk(target):
        for name in [*dirs, *files]:
            path = Path(folder) / name
            if not path.is_symlink():
                path.chmod(path.stat().st_mode | stat.S_IWUSR)
    Path(target).chmod(Path(target).stat().st_mode | stat.S_IWUSR)
    return target


@pytest.fixture
def copy_vault(tmp_path: Path) -> Callable[[Path, str], Path]:
    """``copy_vault(source, name)``: a writable copy of ``source`` under ``tmp_path``."""
    return lambda source, name: copy_tree(source, tmp_path / name)


@pytest.fixture
def fixture_vault(tmp_path: Path) -> Path:
    """A private copy of ``fixtures/vault``."""
    return copy_tree(FIXTURE_VAULT, tmp_path / "fixture-vault")


@pytest.fixture
def edge_vault(tmp_path: Path) -> Path:
    """A private copy of ``fixtures/edge-vault``."""
    return copy_tree(EDGE_VAULT, tmp_path / "edge-vault")


@pytest.fixture(scope="session")
def sample_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A session-wide writable copy of the Obsidian Tasks sample vault (never scan the original in place)."""
    return copy_tree(SAMPLE_VAULT, tmp_path_factory.mktemp("sample") / "Tasks-Demo")


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., CliResult]:
    """``run_cli("--vault", vault, "list", "--json")`` (or one list of arguments) -> ``CliResult``.

    ``cwd=`` runs the command from another folder.
    """

    def run(*args: str | os.PathLike[str] | list[Any], cwd: Path | None = None) -> CliResult:
        argv = list(args[0]) if len(args) == 1 and isinstance(args[0], list) else list(args)
        capsys.readouterr()
        with monkeypatch.context() as m:
            if cwd is not None:
                m.chdir(cwd)
            code = main([os.fspath(a) for a in argv])
        out, err = capsys.readouterr()
        return CliResult(code, out, err)

    return run


def tree_digest(root: Path) -> dict[str, tuple[int, int, str]]:
    """Every file and folder below ``root``: mode, mtime_ns and a hash of the bytes (to prove nothing changed)."""
    found: dict[str, tuple[int, int, str]] = {}
    for folder, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            path = Path(folder) / name
            info = path.lstat()
            content = hashlib.sha256(path.read_bytes()).hexdigest() if name in files else ""
            found[path.relative_to(root).as_posix()] = (info.st_mode, info.st_mtime_ns, content)
    return found


@pytest.fixture
def digest() -> Callable[[Path], dict[str, tuple[int, int, str]]]:
    """``digest(folder)``: see ``tree_digest``."""
    return tree_digest
