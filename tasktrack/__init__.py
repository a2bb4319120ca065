"""tasktrack: the action items of an Obsidian vault, in one list you can triage and trust.

The package is headless: importing it never imports Textual or dateparser.
"""

from __future__ import annotations

__version__ = "0.1.0"
