"""The views on single keys, and the filter typed in the filter bar, turned into tasktrack Filters; a saved
Obsidian Tasks query, and a Tasks instruction typed in the filter bar, into a ``Query``."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from tasktrack.errors import UsageError
from tasktrack.tasksquery import Context as QueryContext
from tasktrack.tasksquery import Query, parse_query, read_filter
from tasktrack.workspace import Filters

SORT_CYCLE = ("due", "priority", "note")


@dataclass(frozen=True, slots=True)
class Context:
    """What a view needs to know: today's date, who ``me`` is, and what an Obsidian Tasks query is read with (the
    vault's global filter, presets and dependencies; today and ``me`` alone when not given)."""

    today: date
    me: tuple[str, ...]
    query: QueryContext | None = None


@dataclass(frozen=True, slots=True)
class View:
    name: str
    key: str
    title: str
    sort: str
    build: Callable[[Context], Filters]
    empty: str


def _inbox(ctx: Context) -> Filters:
    return Filters(statuses=["proposed"])


def _mine(ctx: Context) -> Filters:
    return Filters(owners=list(ctx.me))


def _today(ctx: Context) -> Filters:
    return Filters(due_before=ctx.today + timedelta(days=1))


def _open(ctx: Context) -> Filters:
    return Filters()


def _done(ctx: Context) -> Filters:
    return Filters(statuses=["done"])


def _waiting(ctx: Context) -> Filters:
    return Filters(not_owners=list(ctx.me))


def _every(ctx: Context) -> Filters:
    return Filters(statuses=[])  # every status: the saved query chooses


VIEWS: tuple[View, ...] = (
    View("inbox", "1", "Inbox", "note", _inbox, "Nothing awaits triage."),
    View("mine", "2", "Mine", "due", _mine, "Nothing open is yours."),
    View("today", "3", "Today & overdue", "due", _today, "Nothing is due today or overdue."),
    View("open", "4", "All open", "due", _open, "No open tasks."),
    View("done", "5", "Recently done", "done", _done, "Nothing done yet."),
    View("waiting", "6", "Waiting on others", "due", _waiting, "Nobody else owns an open task."),
    View("queries", "7", "Saved queries", "path", _every, "No saved query: add [queries] to the config file."),
)
SAVED = "queries"  # the view of the saved queries
VIEW_BY_NAME = {view.name: view for view in VIEWS}


@dataclass(frozen=True, slots=True)
class TypedFilter:
    """The filter bar: words of text, ``@owner``, ``#tag``, ``key:value`` (``path:`` for the note path)."""

    text: str | None = None
    owners: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    props: tuple[tuple[str, str], ...] = ()
    path: str | None = None
    query: str | None = None  # one Obsidian Tasks instruction, instead of all of the above


def tasks_context(ctx: Context) -> QueryContext:
    return ctx.query or QueryContext(ctx.today, ctx.me)


def tasks_instruction(text: str, ctx: Context) -> str | None:
    """``text`` if it reads as one Obsidian Tasks filter (``due before tomorrow``, ``priority is high``)."""
    try:
        read_filter(text.strip(), tasks_context(ctx))
    except UsageError:
        return None
    return text.strip() or None


def typed_filter(text: str, ctx: Context) -> TypedFilter:
    """The filter bar: one Tasks instruction if it reads as one, else words, ``@owner``, ``#tag``, ``key:value``."""
    line = tasks_instruction(text, ctx)
    return TypedFilter(query=line) if line else parse_filter(text, ctx.me)


def query_for(view: View, saved: str | None, typed: TypedFilter, ctx: Context) -> Query | None:
    """What narrows the view in Python after the store chose its tasks: the saved query ``saved`` (in the saved
    queries view) and the typed Tasks instruction; None when nothing does. A ``UsageError`` when ``saved``
    does not parse."""
    if view.name != SAVED and typed.query is None:
        return None
    if view.name != SAVED:
        query = Query()  # no sort keys: the view's order
    elif saved is None:
        raise UsageError("no saved query: add [queries] to the config file")
    else:
        query = parse_query(saved, tasks_context(ctx))
    if typed.query is not None:
        query.filters.append(read_filter(typed.query, tasks_context(ctx)))
    return query


def _words(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def parse_filter(text: str, me: tuple[str, ...]) -> TypedFilter:
    words: list[str] = []
    owners: list[str] = []
    tags: list[str] = []
    props: list[tuple[str, str]] = []
    path: str | None = None
    for word in _words(text):
        key, sep, value = word.partition(":")
        if word.startswith("@") and len(word) > 1:
            owners += list(me) if word[1:].lower() == "me" else [word[1:]]
        elif word.startswith("#") and len(word) > 1:
            tags.append(word[1:])
        elif sep and key and value and key.lower() == "path":
            path = value
        elif sep and key and value and "/" not in key:
            props.append((key, value))
        else:
            words.append(word)
    return TypedFilter(" ".join(words) or None, tuple(owners), tuple(tags), tuple(props), path)


def filters_for(view: View, ctx: Context, typed: TypedFilter, sort: str | None = None) -> Filters:
    """The view's filters, narrowed by what was typed, in the chosen sort order."""
    base = view.build(ctx)
    return replace(
        base,
        owners=base.owners + list(typed.owners),
        tags=base.tags + list(typed.tags),
        props=base.props + list(typed.props),
        text=typed.text,
        path=typed.path,
        sort=sort or view.sort,
    )


def next_sort(current: str) -> str:
    if current not in SORT_CYCLE:
        return SORT_CYCLE[0]
    return SORT_CYCLE[(SORT_CYCLE.index(current) + 1) % len(SORT_CYCLE)]
