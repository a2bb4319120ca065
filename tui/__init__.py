"""The tasktrack TUI (``tasks tui``). Importing this package imports Textual; tasktrack itself never does."""

from __future__ import annotations
