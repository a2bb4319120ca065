"""``tasks config``: every resolved setting, and where it came from."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

RunCli = Callable[..., Any]

PLUGIN = {"statusSettings": {"coreStatuses": [], "customStatuses": [
    {"symbol": "!", "type": "TODO"}, {"symbol": ">", "type": "CANCELLED"},
]}}


@pytest.fixture
def vault(make_vault: Callable[..., Path]) -> Path:
    root = make_vault({"Note.md": "- [ ] a task\n"})
    plugin = root / ".obsidian" / "plugins" / "obsidian-tasks-plugin"
    plugin.mkdir(parents=True)
    (plugin / "data.json").write_text(json.dumps(PLUGIN), encoding="utf-8")
    return root


def _settings(result: Any) -> dict[str, Any]:
    assert (result.code, result.err) == (0, "")
    settings: dict[str, Any] = result.json()
    return settings


def test_defaults_and_flags(run_cli: RunCli, vault: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("TASKTRACK_DB")
    db = tmp_path / "mine.sqlite"
    got = _settings(run_cli("--vault", vault, "--db", db, "config", "--json"))
    assert list(got) == ["config", "vault", "store", "me", "inbox", "follow_external_links", "statuses", "keys",
                         "people", "repeats"]
    assert got["config"] == {"value": os.environ["TASKTRACK_CONFIG"], "source": "TASKTRACK_CONFIG",
                             "exists": False}
    assert got["vault"] == {"value": str(vault.resolve()), "source": "--vault"}
    assert got["store"] == {"value": str(db), "source": "--db"}
    assert got["me"] == {"value": ["Myself"], "source": "default"}
    assert got["inbox"] == {"value": "Inbox.md", "source": "default"}
    assert got["follow_external_links"] == {"value": False, "source": "default"}
    statuses = {s["symbol"]: (s["status"], s["source"]) for s in got["statuses"]}
    assert statuses[" "] == ("open", "default")
    assert statuses["!"] == ("open", "Obsidian Tasks plugin settings")
    assert statuses[">"] == ("cancelled", "Obsidian Tasks plugin settings")
    assert not (tmp_path / "mine.sqlite").exists()  # the command reads settings only: no store is made


def test_config_file_and_environment(run_cli: RunCli, vault: Path, config_file: Callable[[str], Path],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    path = config_file(f'vault = "{vault}"\nme = ["Jason", "@Me"]\ninbox = "In.md"\nfollow_external_links = true\n'
                       '[statuses]\n">" = "deferred"\n')
    got = _settings(run_cli("config", "--json"))
    assert got["config"] == {"value": str(path), "source": "TASKTRACK_CONFIG", "exists": True}
    assert got["vault"] == {"value": str(vault.resolve()), "source": "config file"}
    assert got["store"] == {"value": os.environ["TASKTRACK_DB"], "source": "TASKTRACK_DB"}
    assert got["me"] == {"value": ["Jason", "Me"], "source": "config file"}
    assert got["inbox"] == {"value": "In.md", "source": "config file"}
    assert got["follow_external_links"] == {"value": True, "source": "config file"}
    assert {"symbol": ">", "status": "deferred", "source": "config file"} in got["statuses"]
    monkeypatch.setenv("TASKTRACK_VAULT", str(vault))
    assert _settings(run_cli("config", "--json"))["vault"]["source"] == "TASKTRACK_VAULT"


def test_found_vault_and_default_store(run_cli: RunCli, vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TASKTRACK_DB")
    monkeypatch.delenv("TASKTRACK_CONFIG")
    (vault / "Sub").mkdir()
    got = _settings(run_cli("config", "--json", cwd=vault / "Sub"))
    assert got["config"]["source"] == "default"
    assert got["config"]["value"] == str(Path(os.environ["XDG_CONFIG_HOME"]) / "tasktrack" / "config.toml")
    assert got["vault"] == {"value": str(vault.resolve()), "source": ".obsidian above the current folder"}
    assert got["store"]["source"] == "default"
    assert got["store"]["value"].startswith(str(Path(os.environ["XDG_DATA_HOME"]) / "tasktrack" / "vault-"))


def test_text_output(run_cli: RunCli, vault: Path) -> None:
    result = run_cli("--vault", vault, "config")
    assert result.code == 0
    lines = result.out_lines
    assert lines[0] == f"config                 {os.environ['TASKTRACK_CONFIG']}  (TASKTRACK_CONFIG; not found)"
    assert lines[1] == f"vault                  {vault.resolve()}  (--vault)"
    assert lines[3] == "me                     Myself  (default)"
    assert lines[6] == "statuses"
    assert '  "!"   open         (Obsidian Tasks plugin settings)' in lines


def test_no_vault_still_shows_the_rest(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("config", "--json", cwd=tmp_path)
    assert result.code == 3
    got = result.json()
    assert got["vault"]["value"] is None
    assert got["vault"]["source"].startswith("no vault found: ")
    assert got["store"] == {"value": None, "source": "no vault"}
    assert result.err.startswith("tasks: no vault found: ")


def test_bad_config_is_one_line(run_cli: RunCli, vault: Path, config_file: Callable[[str], Path]) -> None:
    config_file('me = 3\n')
    result = run_cli("--vault", vault, "config")
    assert (result.code, result.out) == (2, "")
    assert result.err.endswith("`me` must be a list of names\n")
    assert result.err.count("\n") == 1


def test_unknown_key_warns(run_cli: RunCli, vault: Path, config_file: Callable[[str], Path]) -> None:
    path = config_file('colour = "red"\n')
    result = run_cli("--vault", vault, "config", "--json")
    assert result.code == 0
    assert result.err == f"tasks: warning: unknown config key 'colour' in {path}\n"


def test_saved_queries_are_read_without_a_warning(run_cli: RunCli, vault: Path,
                                                  config_file: Callable[[str], Path]) -> None:
    config_file('[queries]\nurgent = """\nnot done\npriority is high\n"""\nmine = "owner is me"\n')
    result = run_cli("--vault", vault, "config", "--json")
    assert (result.code, result.err) == (0, "")
    from tasktrack.config import load_config

    assert load_config().queries == {"urgent": "not done\npriority is high\n", "mine": "owner is me"}


def test_a_saved_query_that_is_not_text_is_one_line(run_cli: RunCli, vault: Path,
                                                    config_file: Callable[[str], Path]) -> None:
    config_file('[queries]\nurgent = 3\n')
    result = run_cli("--vault", vault, "config")
    assert (result.code, result.out) == (2, "")
    assert result.err.endswith("config.toml: [queries] `urgent` must be the text of a query\n")
    assert result.err.count("\n") == 1
