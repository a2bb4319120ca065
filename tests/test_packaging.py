"""A regular (not editable) install carries every package: pyproject.toml lists them one by one."""

from __future__ import annotations

import tomllib

from conftest import REPO


def test_every_package_folder_is_listed_for_installs() -> None:
    settings = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    folders = {".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "tasktrack").rglob("__init__.py")}
    assert set(settings["packages"]) == folders | {"tasktrack.tui"}
    assert settings["package-dir"] == {"tasktrack.tui": "tui"}
    assert (REPO / "tui" / "__init__.py").is_file()
