"""``tasks query``: the Obsidian Tasks query language (```` ```tasks ```` blocks) and the Dataview TASK subset,
evaluated on the store.

``language`` reads a query into a ``Query`` (its filters from ``filters``, its order from ``sorting``),
``dataview`` does the same for a Dataview TASK query, ``blocks`` finds both kinds of block in a note, and
``engine`` runs a ``Query`` on a workspace.
"""

from functools import cache

from tasktrack.dates import today
from tasktrack.parse.statuses import plugin_settings
from tasktrack.tasksquery.dataview import is_task_query, parse_dataview
from tasktrack.tasksquery.engine import Result, arrange, evaluate
from tasktrack.tasksquery.filters import Context
from tasktrack.tasksquery.language import Query, parse_query, read_filter
from tasktrack.workspace import Workspace

__all__ = ["Context", "Query", "Result", "arrange", "context", "evaluate", "parse_query", "read_filter",
           "read_query"]


def context(ws: Workspace) -> Context:
    """What a query on this workspace is read with: today, the names ``me`` stands for, and the global filter,
    the presets and the global query of the vault's Obsidian Tasks settings."""
    settings = plugin_settings(ws.vault)
    global_filter, presets = settings.get("globalFilter"), settings.get("presets")
    global_query = settings.get("globalQuery")
    return Context(today(), ws.me(), global_filter.strip() if isinstance(global_filter, str) else "",
                   cache(ws.dependencies),
                   {str(k): v for k, v in presets.items() if isinstance(v, str)} if isinstance(presets, dict) else None,
                   global_query if isinstance(global_query, str) else "")


def read_query(text: str, ctx: Context, first_line: int = 1, note: str | None = None) -> Query:
    """A query in the Obsidian Tasks language (in the note ``note``), or a Dataview one when it starts with TASK."""
    if is_task_query(text):
        return parse_dataview(text, ctx, first_line)
    return parse_query(text, ctx, first_line, note)
