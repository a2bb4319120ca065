"""Running a ``Query`` on a workspace: the store selects the tasks that can pass (in SQL: the statuses the
filters allow, and the SQL conditions of the filters that have one), the filters test each (Python: they decide),
then the tasks are sorted, limited and grouped."""

from __future__ import annotations

from dataclasses import dataclass

from tasktrack.model import Task
from tasktrack.store.query import Filters
from tasktrack.tasksquery.filters import ALL_STATUSES
from tasktrack.tasksquery.language import Query
from tasktrack.tasksquery.sorting import sort_tasks
from tasktrack.workspace import Workspace


@dataclass
class Result:
    tasks: list[Task]
    groups: list[tuple[str, list[Task]]] | None = None  # with ``group by``


def evaluate(ws: Workspace, query: Query) -> Result:
    statuses = query.statuses
    if not statuses:
        return Result([], [] if query.group else None)
    every = statuses == ALL_STATUSES
    sql = [(f.sql, f.params) for f in query.filters if f.sql is not None]
    rows = ws.tasks(Filters(statuses=[] if every else sorted(statuses), sql=sql, sort="path"))
    return arrange([task for task in rows if query.keeps(task)], query)


def arrange(tasks: list[Task], query: Query) -> Result:
    """Sort, limit and group the tasks that passed the filters."""
    ordered = sort_tasks(tasks, [*query.sorts, *query.default_sorts])
    if query.limit is not None:
        ordered = ordered[: query.limit]
    if query.group is None:
        if query.limit_groups is not None:  # one group of every task
            ordered = ordered[: query.limit_groups]
        return Result(ordered)
    groups = query.group.groups(ordered)
    if query.limit_groups is not None:
        groups = [(name, members[: query.limit_groups]) for name, members in groups]
    return Result([task for _, members in groups for task in members], groups)
