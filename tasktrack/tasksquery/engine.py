"""Running a ``Query`` on a workspace: the store selects the tasks that can pass (in SQL: the statuses the
filters allow, and the SQL conditions of the filters that have one), the filters test each (Python: they decide),
then the tasks are sorted, limited and grouped."""

from __future__ import annotations

from dataclasses import dataclass

from tasktrack.model import Task
from tasktrack.store.query import Filters
from tasktrack.tasksquery.filters import ALL_STATUSES
from tasktrack.tasksquery.language import Query
from tasktrack.tasksquery.sorting import GroupKey, sort_tasks
from tasktrack.workspace import Workspace


@dataclass
class Result:
    tasks: list[Task]
    groups: list[tuple[str, list[Task]]] | None = None  # with ``group by``


def evaluate(ws: Workspace, query: Query) -> Result:
    statuses = query.statuses
    if not statuses:
        return Result([], [] if query.groups else None)
    every = statuses == ALL_STATUSES
    sql = [(f.sql, f.params) for f in query.filters if f.sql is not None]
    rows = ws.tasks(Filters(statuses=[] if every else sorted(statuses), sql=sql, sort="path"))
    return arrange([task for task in rows if query.keeps(task)], query)


def arrange(tasks: list[Task], query: Query) -> Result:
    """Sort, limit and group the tasks that passed the filters."""
    ordered = sort_tasks(tasks, [*query.sorts, *query.default_sorts])
    if query.limit is not None:
        ordered = ordered[: query.limit]
    if not query.groups:
        if query.limit_groups is not None:  # one group of every task
            ordered = ordered[: query.limit_groups]
        return Result(ordered)
    groups = nested_groups(ordered, query.groups)
    if query.limit_groups is not None:
        groups = [(name, members[: query.limit_groups]) for name, members in groups]
    return Result([task for _, members in groups for task in members], groups)


GROUP_SEPARATOR = " › "  # between the names of nested groups: ``2026-01-09 Friday › High priority``


def nested_groups(tasks: list[Task], keys: list[GroupKey]) -> list[tuple[str, list[Task]]]:
    """The groups of the first key, each split by the next key, and so on (as Tasks nests its headings); a group
    is named by its names at every level."""
    groups = [("", tasks)]
    for key in keys:
        groups = [(f"{outer}{GROUP_SEPARATOR}{name}" if outer else name, members)
                  for outer, within in groups for name, members in key.groups(within)]
    return groups
