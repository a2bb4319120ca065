"""``tasks query``: the Obsidian Tasks query language (```` ```tasks ```` blocks) and the Dataview TASK subset,
evaluated on the store.

``language`` reads a query into a ``Query`` (its filters from ``filters``, its order from ``sorting``),
``dataview`` does the same for a Dataview TASK query, ``blocks`` finds both kinds of block in a note, and
``engine`` runs a ``Query`` on a workspace.
"""

from tasktrack.tasksquery.engine import Result, arrange, evaluate
from tasktrack.tasksquery.filters import Context
from tasktrack.tasksquery.language import Query, parse_query, read_filter

__all__ = ["Context", "Query", "Result", "arrange", "evaluate", "parse_query", "read_filter"]
