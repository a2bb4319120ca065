"""The TUI's pieces that need no screen: views, filters, rows, the detail pane's text, prompts, launching."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import tasktrack.tui
from tasktrack.tui.detail import context_markdown, context_range, property_lines
from tasktrack.tui.keymap import ALL_KEYS, check_keymap, keymap_from_config
from tasktrack.tui.launch import editor_command
from tasktrack.tui.prompts import describe_date, read_date, read_owner
from tasktrack.tui.rows import Columns, due_cell
from tasktrack.tui.views import VIEW_BY_NAME, Context, TypedFilter, filters_for, next_sort, parse_filter

from tasktrack.errors import UsageError
from tasktrack.model import Task
from tasktrack.obsidian import obsidian_url

TODAY = date(2026, 11, 22)
CTX = Context(TODAY, ("Myself", "Jason"))


def test_parse_filter_splits_words_owners_tags_and_properties() -> None:
    typed = parse_filter('Louie @me #azure account:Microsoft path:Meetings "two words"', CTX.me)
    assert typed == TypedFilter("Louie two words", ("Myself", "Jason"), ("azure",), (("account", "Microsoft"),),
                                "Meetings")
    assert parse_filter("unbalanced 'quote", CTX.me).text == "unbalanced 'quote"


def test_views_build_their_filters() -> None:
    inbox = filters_for(VIEW_BY_NAME["inbox"], CTX, TypedFilter())
    assert inbox.statuses == ["proposed"] and inbox.sort == "note"
    today = filters_for(VIEW_BY_NAME["today"], CTX, TypedFilter(text="x"), sort="priority")
    assert today.due_before == date(2026, 11, 23) and today.text == "x" and today.sort == "priority"
    assert filters_for(VIEW_BY_NAME["waiting"], CTX, TypedFilter()).not_owners == ["Myself", "Jason"]
    assert filters_for(VIEW_BY_NAME["mine"], CTX, TypedFilter()).owners == ["Myself", "Jason"]
    assert [next_sort(s) for s in ("due", "priority", "note", "created")] == ["priority", "note", "due", "due"]


def test_due_cell_marks_overdue_today_and_inferred() -> None:
    def row(due: str | None, status: str = "open", inferred: str | None = None) -> Task:
        return Task("Note.md", 1, "- [ ] x", status, " ", "x", due=due, inferred_due=inferred)

    assert due_cell(row("2026-11-20"), TODAY) == ("2026-11-20", "bold red")
    assert due_cell(row("2026-11-22"), TODAY) == ("2026-11-22", "bold yellow")
    assert due_cell(row(None, inferred="2026-12-01"), TODAY) == ("~2026-12-01", "italic dim")
    assert due_cell(row("2026-11-20", "done", "2026-12-01"), TODAY)[1] == "dim"


def test_columns_leave_the_description_room() -> None:
    wide, narrow = Columns.fit(100), Columns.fit(60)
    assert wide.description >= 40 and narrow.note == 0 and narrow.description >= 25


LINES = ["---", "title: x", "---", "# X", "", "Long summary.", "## Action Items", "- [ ?] One @Me",
         "- [ ?] Two @Me", "- [ ] Three", "", "## Decisions", "- d"]


def test_context_stops_at_headings_and_bolds_the_task() -> None:
    assert context_range(LINES, 9) == (6, 11)
    text = context_markdown(LINES, 9, "Action Items")
    assert text.splitlines()[0] == "## Action Items"
    assert "- [ ?] **Two @Me**" in text
    assert context_range(LINES, 6, around=10) == (3, 6)  # never into the frontmatter
    assert context_range(["- [ ] a", "b", "c"], 1, around=10) == (0, 3)


def test_properties_account_and_attendees_first_without_wikilinks() -> None:
    props = {"type": "customer", "title": "t", "participants": ["A", "B"], "account": "[[Microsoft]]"}
    assert property_lines(props) == [("account", "Microsoft"), ("participants", "A, B"), ("type", "customer")]


def test_date_answers() -> None:
    assert read_date("next friday", TODAY).value == "2026-11-27"
    assert read_date("none", TODAY).clear
    with pytest.raises(UsageError):
        read_date("blorp", TODAY)
    assert describe_date(date(2026, 11, 23), TODAY) == "Monday 2026-11-23  (tomorrow)"
    assert read_owner("+@Jeff") is not None and read_owner("+@Jeff").value == "Jeff"  # type: ignore[union-attr]
    assert read_owner("") is None


def test_editor_and_obsidian_commands() -> None:
    path = Path("/v/Meetings/a b.md")
    assert editor_command("nvim", path, 12) == ["nvim", "+12", str(path)]
    assert editor_command("code --wait", path, 3) == ["code", "--wait", "--goto", f"{path}:3"]
    assert editor_command("ed", path, 3) == ["ed", str(path)]
    assert obsidian_url(Path("/x/My Vault"), "Meetings/a b.md") == \
        "obsidian://open?vault=My%20Vault&file=Meetings%2Fa%20b"


def test_keymap_from_config_keeps_known_ids() -> None:
    keymap, unknown = keymap_from_config({"accept": "y", "nonsense": "z", "due": "D, ctrl+d"})
    assert keymap == {"accept": "y", "due": "D,ctrl+d"} and unknown == ["nonsense"]
    ids = [k.id for k in ALL_KEYS]
    assert len(ids) == len(set(ids))
    keys = [k.key for k in ALL_KEYS]
    assert len(keys) == len(set(keys))


def test_the_cli_does_not_import_textual() -> None:
    code = ("import sys, tasktrack.cli.main as c; c.build_parser(); "
            "import json; print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'tui'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == []


def test_the_tui_imports_only_the_public_api() -> None:
    public = {"tasktrack.workspace", "tasktrack.model", "tasktrack.errors", "tasktrack.dates", "tasktrack.config",
              "tasktrack.tasksquery",
              "tasktrack.write.triage", "tasktrack.write.capture", "tasktrack.write.merge", "tasktrack.obsidian",
              "tasktrack.parse.structure"}
    imported: set[str] = set()
    for source in Path(tasktrack.tui.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    assert {name for name in imported if name.split(".")[0] == "tasktrack"} <= public


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ('accept = "y"\nreject = "y"', "tasks: config [keys]: the key 'y' is given to both accept and reject\n"),
        ('done = "a"', "tasks: config [keys]: the key 'a' is given to both accept and done\n"),
        ('undo = "D, ctrl+z"\ndue = "D"', "tasks: config [keys]: the key 'D' is given to both due and undo\n"),
    ],
)
def test_keys_given_to_two_actions_stop_the_tui_in_one_line(
        make_vault: Callable[..., Path], run_cli: Callable[..., Any], config_file: Callable[[str], Path], keys: str,
        message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tasktrack.tui.app.TaskTrackApp.run", lambda self: pytest.fail("the TUI started"))
    config_file(f"[keys]\n{keys}\n")
    result = run_cli("--vault", make_vault({"Note.md": "- [ ] Call\n"}), "tui")
    assert (result.code, result.out, result.err) == (2, "", message)


def test_a_key_moved_away_may_be_taken() -> None:
    check_keymap({"accept": "y", "done": "a", "reject": "x"})  # keys moved round: no collision
