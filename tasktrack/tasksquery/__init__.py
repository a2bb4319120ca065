"""``tasks query``: the Obsidian Tasks query language (```` ```tasks ```` blocks) and the Dataview TASK subset,
evaluated on the store.

``language`` reads a query into a ``Query`` (its filters from ``filters``, its order from ``sorting``),
``dataview`` does the same for a Dataview TASK query, ``blocks`` finds both kinds of block in a note, and
``engine`` runs a ``Query`` on a workspace.
"""
