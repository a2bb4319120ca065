"""The tasktrack TUI (``tasks tui``). Its screens import Textual, which the rest of tasktrack never does;
``keymap`` (and the ``views`` it names) do not, so that `tasks config` can read and check the keys."""

from __future__ import annotations
