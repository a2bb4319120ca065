"""Where things are: the config file, the vault, the store."""

from __future__ import annotations

import hashlib
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tasktrack.errors import UsageError, VaultNotFound


@dataclass(frozen=True, slots=True)
class RepeatSettings:
    """``[repeats]``: when two tasks are taken for the same action item (see ``tasktrack.repeats``, which says
    how the defaults were chosen). ``threshold``: the lowest similarity (0 to 1) of a repeat; ``days``: how far
    apart (in note dates) two tasks may be and still be compared."""

    threshold: float = 0.75
    days: int = 120


@dataclass(slots=True)
class Config:
    """``config.toml``: ``vault = "..."``, ``me = ["Myself", ...]``, ``follow_external_links = true|false``,
    ``inbox = "Inbox.md"``,
    ``[statuses]`` symbol = status, ``[keys]`` action = key (for the TUI), ``[queries]`` name = Tasks query
    (the TUI's saved queries), ``[people]`` name = [aliases] (who a name stands for: ``tasks agenda``),
    ``[repeats]`` threshold = 0..1, days = N (see ``RepeatSettings``)."""

    me: tuple[str, ...] = ("Myself",)
    vault: str | None = None
    statuses: dict[str, str] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    follow_external_links: bool = False  # scan notes and folders that links lead to outside the vault
    inbox: str = "Inbox.md"  # where `tasks add` puts a task when no note is named
    queries: dict[str, str] = field(default_factory=dict)  # name: the text of an Obsidian Tasks query
    people: dict[str, tuple[str, ...]] = field(default_factory=dict)  # name: the other names of that person
    repeats: RepeatSettings = field(default_factory=RepeatSettings)
    path: Path | None = None
    given: frozenset[str] = frozenset()  # the keys the config file sets (the others are defaults)


# What config.toml may hold at its top level.
CONFIG_KEYS = ("vault", "me", "statuses", "keys", "follow_external_links", "inbox", "queries", "people", "repeats")


def _xdg(var: str, fallback: str) -> Path:
    value = os.environ.get(var)
    return Path(value) if value else Path.home() / fallback


def config_path() -> Path:
    return locate_config()[0]


def locate_config() -> tuple[Path, str]:
    """The config file's path, and where it came from: ``TASKTRACK_CONFIG`` or ``default``."""
    explicit = os.environ.get("TASKTRACK_CONFIG")
    if explicit:
        return Path(explicit), "TASKTRACK_CONFIG"
    return _xdg("XDG_CONFIG_HOME", ".config") / "tasktrack" / "config.toml", "default"


SMALL_FILE_BYTES = 1_000_000  # the most a config or query file may hold (``/dev/zero`` would never end)


def read_small_file(path: Path) -> str:
    """The UTF-8 text of a config, query or settings file. ``OSError`` if it cannot be read; ``ValueError`` if it
    is not UTF-8 or holds more than ``SMALL_FILE_BYTES`` (a device or a huge file is read no further than that).
    A pipe is read as what is written to it: one that nobody writes to reads as empty, without waiting."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # opening a pipe waits for a writer, reading it does not
    os.set_blocking(fd, True)
    with open(fd, "rb") as file:
        data = file.read(SMALL_FILE_BYTES + 1)
    if len(data) > SMALL_FILE_BYTES:
        raise ValueError(f"it is larger than {SMALL_FILE_BYTES:,} bytes")
    return data.decode("utf-8")


def load_config(path: Path | None = None) -> Config:
    path = path or config_path()
    try:
        text = read_small_file(path)
    except FileNotFoundError:
        return Config()
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read config {path}: {exc}") from None
    import tomllib  # only when there is a config file

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"config {path} is not valid TOML: {exc}") from None
    return _config_from(data, path)


def _config_from(data: dict[str, Any], path: Path) -> Config:
    for key in data:
        if key not in CONFIG_KEYS:
            sys.stderr.write(f"tasks: warning: unknown config key {key!r} in {path}\n")
    me = data.get("me", ["Myself"])
    if isinstance(me, str):
        me = [me]
    if not isinstance(me, list) or not all(isinstance(m, str) and m.strip() for m in me):
        raise UsageError(f"config {path}: `me` must be a list of names")
    names = tuple(m.strip().lstrip("@") for m in me)
    statuses = {str(k): str(v) for k, v in _table(data, "statuses", path, '[statuses] ">" = "deferred"').items()}
    keys = {str(k): str(v) for k, v in _table(data, "keys", path, '[keys] accept = "a"').items()}
    vault = data.get("vault")
    follow = data.get("follow_external_links", False)
    if not isinstance(follow, bool):
        raise UsageError(f"config {path}: `follow_external_links` must be true or false")
    inbox = data.get("inbox", "Inbox.md")
    if not isinstance(inbox, str) or not inbox.strip():
        raise UsageError(f"config {path}: `inbox` must be the path of a note in the vault")
    return Config(me=names, vault=str(vault) if vault else None, statuses=statuses, keys=keys,
                  follow_external_links=follow, inbox=inbox.strip(), queries=_queries(data, path),
                  people=_people(data, path), repeats=_repeats(data, path), path=path,
                  given=frozenset(key for key in data if key in CONFIG_KEYS))


def _table(data: dict[str, Any], key: str, path: Path, example: str) -> dict[str, Any]:
    """The table ``key`` of the config file (empty if it has none); ``UsageError`` if it is something else."""
    table = data.get(key, {})
    if not isinstance(table, dict):
        raise UsageError(f"config {path}: `{key}` must be a table: {example}")
    return table


def _queries(data: dict[str, Any], path: Path) -> dict[str, str]:
    """``[queries]``: name = the text of a Tasks query, in the order of the file."""
    table = _table(data, "queries", path, '[queries] name = """query"""')
    for name, text in table.items():
        if not isinstance(text, str):
            raise UsageError(f"config {path}: [queries] `{name}` must be the text of a query")
    return dict(table)


def _people(data: dict[str, Any], path: Path) -> dict[str, tuple[str, ...]]:
    """``[people]``: name = ["Other Name", ...] (or one name), in the order of the file."""
    table = _table(data, "people", path, '[people] Morty = ["Mordechai Blaunstein"]')
    people: dict[str, tuple[str, ...]] = {}
    for name, aliases in table.items():
        aliases = [aliases] if isinstance(aliases, str) else aliases
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            raise UsageError(f"config {path}: [people] `{name}` must be a list of names")
        people[name.strip()] = tuple(a.strip() for a in aliases)
    return people
def _repeats(data: dict[str, Any], path: Path) -> RepeatSettings:
    """``[repeats]``: ``threshold`` (a number from 0 to 1) and ``days`` (a whole number of days, 0 or more)."""
    table = _table(data, "repeats", path, "[repeats] threshold = 0.7")
    default = RepeatSettings()
    for key in table:
        if key not in ("threshold", "days"):
            sys.stderr.write(f"tasks: warning: unknown config key 'repeats.{key}' in {path}\n")
    threshold = table.get("threshold", default.threshold)
    if isinstance(threshold, bool) or not isinstance(threshold, int | float) or not 0 <= threshold <= 1:
        raise UsageError(f"config {path}: [repeats] `threshold` must be a number from 0 to 1")
    days = table.get("days", default.days)
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise UsageError(f"config {path}: [repeats] `days` must be a whole number of days (0 or more)")
    return RepeatSettings(float(threshold), days)


def resolve_vault(explicit: str | None, config: Config, cwd: Path | None = None) -> Path:
    """``--vault``, else ``TASKTRACK_VAULT``, else the config file, else the nearest folder upwards
    from the current directory that holds ``.obsidian``."""
    return locate_vault(explicit, config, cwd)[0]


def locate_vault(explicit: str | None, config: Config, cwd: Path | None = None) -> tuple[Path, str]:
    """The vault (see ``resolve_vault``), and where it came from: ``--vault``, ``TASKTRACK_VAULT``, ``config file``
    or ``.obsidian above the current folder``."""
    for source, value in (("--vault", explicit), ("TASKTRACK_VAULT", os.environ.get("TASKTRACK_VAULT")),
                          ("config", config.vault)):
        if value:
            path = Path(value).expanduser()
            if not path.is_dir():
                raise VaultNotFound(f"vault {value!r} (from {source}) is not a folder")
            try:
                with os.scandir(path):
                    pass
            except OSError as exc:
                raise VaultNotFound(f"vault {value!r} (from {source}) cannot be read: {exc.strerror or exc}") from None
            return path.resolve(), "config file" if source == "config" else source
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / ".obsidian").is_dir():
            return folder, ".obsidian above the current folder"
    raise VaultNotFound(
        "no vault found: pass --vault PATH, set TASKTRACK_VAULT, add `vault = ...` to "
        f"{config_path()}, or run inside a folder that has .obsidian"
    )


def resolve_store(explicit: str | None, vault: Path) -> Path:
    """``--db``, else ``TASKTRACK_DB``, else one store per vault in the user data folder."""
    return locate_store(explicit, vault)[0]


def locate_store(explicit: str | None, vault: Path) -> tuple[Path, str]:
    """The store (see ``resolve_store``), and where it came from: ``--db``, ``TASKTRACK_DB`` or ``default``."""
    for source, value in (("--db", explicit), ("TASKTRACK_DB", os.environ.get("TASKTRACK_DB"))):
        if value:
            return Path(value).expanduser(), source
    slug = re.sub(r"[^A-Za-z0-9]+", "-", vault.name).strip("-")[:40] or "vault"
    digest = hashlib.blake2b(os.fsencode(vault), digest_size=6).hexdigest()
    return _xdg("XDG_DATA_HOME", ".local/share") / "tasktrack" / f"{slug}-{digest}.sqlite", "default"
