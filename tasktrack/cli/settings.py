"""``tasks config``: the settings tasktrack resolved, and where each came from."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from tasktrack.cli.common import Command
from tasktrack.config import Config, load_config, locate_config, locate_store, locate_vault
from tasktrack.errors import VaultNotFound
from tasktrack.model import DEFAULT_SYMBOLS
from tasktrack.parse.statuses import StatusMap, plugin_statuses

DEFAULT = "default"
CONFIG_FILE = "config file"
PLUGIN = "Obsidian Tasks plugin settings"


def _config_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true",
                   help="a JSON object: config, vault, store, me, inbox, follow_external_links (each {value, "
                        "source}), statuses (each {symbol, status, source}), keys (each {action, key, source}), "
                        "people ({value: {name: [aliases]}, source}), repeats ({value, source})")


def run_config(args: argparse.Namespace) -> int:
    from tasktrack.tui.keymap import check_keymap, unknown_key_warnings  # no Textual in it

    path, path_source = locate_config()
    config = load_config(path)
    sys.stderr.writelines(line + "\n" for line in unknown_key_warnings(config.keys, config.path))
    settings: dict[str, Any] = {"config": {"value": str(path), "source": path_source, "exists": path.is_file()}}
    problem: VaultNotFound | None = None
    plugin: dict[str, str] = {}
    try:
        vault, vault_source = locate_vault(getattr(args, "vault", None), config)
    except VaultNotFound as exc:
        problem = exc
        settings["vault"] = {"value": None, "source": str(exc)}
        settings["store"] = {"value": None, "source": "no vault"}
    else:
        store, store_source = locate_store(getattr(args, "db", None), vault)
        settings["vault"] = {"value": str(vault), "source": vault_source}
        settings["store"] = {"value": str(store), "source": store_source}
        plugin = plugin_statuses(vault)
    for key in ("me", "inbox", "follow_external_links"):
        value = getattr(config, key)
        settings[key] = {"value": list(value) if isinstance(value, tuple) else value, "source": _source(config, key)}
    settings["statuses"] = _statuses(config, plugin)
    settings["keys"] = _keys(config)
    settings["people"] = {"value": {name: list(aliases) for name, aliases in config.people.items()},
                          "source": _source(config, "people")}
    repeats = config.repeats
    settings["repeats"] = {"value": {"threshold": repeats.threshold, "days": repeats.days},
                           "source": _source(config, "repeats")}
    if args.json:
        sys.stdout.write(json.dumps(settings, ensure_ascii=False) + "\n")
    else:
        sys.stdout.writelines(line + "\n" for line in _text(settings))
    if problem is not None:
        raise problem
    check_keymap(config.keys)
    return 0


def _source(config: Config, key: str) -> str:
    return CONFIG_FILE if key in config.given else DEFAULT


def _statuses(config: Config, plugin: dict[str, str]) -> list[dict[str, str]]:
    """Each checkbox symbol with a status: the defaults, then the plugin's settings, then the config file's
    ``[statuses]`` (which wins); an unknown status in them is an error, as everywhere."""
    StatusMap({**plugin, **config.statuses})
    found: dict[str, tuple[str, str]] = {symbol: (status, DEFAULT) for symbol, status in DEFAULT_SYMBOLS.items()}
    found.update({symbol: (status, PLUGIN) for symbol, status in plugin.items()})
    found.update({symbol: (status, CONFIG_FILE) for symbol, status in config.statuses.items()})
    return [{"symbol": symbol, "status": status, "source": source} for symbol, (status, source) in found.items()]


def _keys(config: Config) -> list[dict[str, str]]:
    """Each action of the TUI with its key(s): the default, or the config file's ``[keys]``."""
    from tasktrack.tui.keymap import resolved_keys

    return [{"action": action, "key": key, "source": CONFIG_FILE if remapped else DEFAULT}
            for action, key, remapped in resolved_keys(config.keys)]


def _text(settings: dict[str, Any]) -> list[str]:
    lines = []
    for key, setting in settings.items():
        if key in ("statuses", "keys", "people", "repeats"):
            continue
        value = setting["value"]
        if isinstance(value, list):
            value = ", ".join(value)
        elif isinstance(value, dict):
            value = ", ".join(f"{k} = {v}" for k, v in value.items())
        elif isinstance(value, bool):
            value = "true" if value else "false"
        source = setting["source"] + ("" if setting.get("exists", True) else "; not found")
        lines.append(f"{key:<22} {'' if value is None else value}  ({source})")
    lines.append("statuses")
    lines += [f"  {json.dumps(s['symbol'], ensure_ascii=False):<5} {s['status']:<12} ({s['source']})"
              for s in settings["statuses"]]
    lines.append("keys (the TUI)")
    lines += [f"  {k['action']:<16} {k['key']:<16} ({k['source']})" for k in settings["keys"]]
    people = settings["people"]
    lines.append(f"people{'' if people['value'] else '  (none)'}")
    lines += [f"  {name} = {', '.join(aliases)}  ({people['source']})" for name, aliases in people["value"].items()]
    repeats = settings["repeats"]
    lines.append(f"repeats  {', '.join(f'{k} = {v}' for k, v in repeats['value'].items())}  ({repeats['source']})")
    return lines


COMMANDS = (Command("config", "the settings in use (vault, store, config file, names, statuses, keys) and where each "
                              "came from", _config_args, run_config),)
