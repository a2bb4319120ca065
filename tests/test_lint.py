"""``tasks lint``: each rule on the lines of ``fixtures/lint-vault``, no false positives on the other fixture vaults,
``--fix`` through the write path (exact bytes, undo), and ``--obsidian-setup``."""

from __future__ import annotations

import collections
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURE_VAULT, REPO, SAMPLE_VAULT

from tasktrack.errors import EXIT_CODES
from tasktrack.lint.checks import lint_lines
from tasktrack.parse.grammar import parse_line
from tasktrack.parse.scanner import split_lines

LINT_VAULT = REPO / "fixtures" / "lint-vault"
MEETING = "Meetings/2026-01-12 Microsoft AI storage sync.md"
PROJECT = "Projects/SCO session.md"
LAMBDA = "Customers/Lambda.md"

EXPECTED = f"""\
{LAMBDA}:11: hidden-task: this task is indented code for Obsidian (indented 4 spaces or more after a blank line, \
outside a list): no checkbox, no Tasks or Dataview task (fix: remove the indentation, or indent it under a list item)
{LAMBDA}:28: hidden-task: the ``` code block opened on line 26 is never closed: Obsidian shows the rest of the note \
as code, this task included (fix: close the code block with ``` after its last line)
{MEETING}:29: proposed-checkbox: `[ ?]` holds two characters (a space and `?`) and Obsidian reads a checkbox only \
with one: Obsidian Tasks and Dataview do not see this item (tasktrack reads it as proposed) (fix: write `[?]` \
(tasktrack reads it as proposed too) and register `?` with `tasks lint --obsidian-setup`, or triage it with \
`tasks accept` or `tasks reject`)
{MEETING}:31: text-after-fields: `📅 2026-01-20` is followed by `@Jeff`: Obsidian Tasks reads fields only at the end \
of the line, so it reads none of these (tasktrack reads them) (fix: move `@Jeff` before the fields (`tasks lint --fix`))
{MEETING}:32: text-after-fields: `📅 2026-01-22` is followed by `for the Maia deep dive`: Obsidian Tasks reads fields \
only at the end of the line, so it reads none of these (tasktrack does not read them either) (fix: move `for the Maia \
deep dive` before the fields (`tasks lint --fix`))
{MEETING}:33: duplicate-field: `📅 2026-01-23` and `📅 2026-01-23` say the same twice; Obsidian Tasks keeps one when \
it rewrites the line (fix: drop `📅 2026-01-23` (`tasks lint --fix`))
{MEETING}:34: duplicate-field: `⏳ 2026-01-14` and `⏳ 2026-01-15` disagree: Obsidian Tasks and tasktrack use the \
first, `⏳ 2026-01-14`, and a Tasks rewrite drops the others (fix: keep the one that is right)
{PROJECT}:12: tag-between-fields: `#sco` stands between fields: Obsidian Tasks reads it, but moves it before the \
fields whenever it rewrites the line (completing the task, say) (fix: write `#sco` before the fields)
{PROJECT}:13: invalid-date: `📅 2026-02-30` is not a real date: Obsidian Tasks keeps it as an invalid date that no \
date search finds, and writes `Invalid date` in its place (the digits lost) when it rewrites the line (fix: correct \
the date)
{PROJECT}:14: invalid-date: `📅 2026-2-3` is not a date Obsidian Tasks reads (only YYYY-MM-DD): neither it nor \
tasktrack takes this as a date (fix: write `📅 2026-02-03`)
{PROJECT}:15: emoji-variant: ✔ (U+2714) looks like ✅ but is not the sign Obsidian Tasks reads (U+2705): neither it \
nor tasktrack reads this field (fix: write ✅ instead)
{PROJECT}:16: emoji-variant: 📅 is followed by a no-break space (U+00A0): Obsidian Tasks (and tasktrack) read no \
field there (fix: write 📅 followed by a plain space)
{PROJECT}:17: emoji-variant: 🔄 (U+1F504) looks like 🔁 but is not the sign Obsidian Tasks reads (U+1F501): neither \
it nor tasktrack reads this field (fix: write 🔁 instead)
{PROJECT}:18: block-id-not-last: `^quotes` is not at the end of the line: Obsidian does not take it for the block \
id, so links to `#^quotes` do not find this task (fix: move `^quotes` to the end of the line)
{PROJECT}:23: duplicate-block-id: `^sco-agenda` is also the block id of line 21: links to `#^sco-agenda` open line \
21, never this one (fix: give this line a block id of its own (and update the links meant for it))
"""

FIXED = {
    31: "- [ ] Share the tiering/offload one-pager with the Maia team @Jeff 📅 2026-01-20 #task",
    32: "- [ ] Book the Redmond briefing room for the Maia deep dive 📅 2026-01-22 #task",
    33: "- [ ] Confirm the flash allocation with Lior 📅 2026-01-23 ⏫ #task",
}


@pytest.fixture
def lint_vault(copy_vault: Callable[[Path, str], Path]) -> Path:
    return copy_vault(LINT_VAULT, "lint-vault")


def _fields(line: str) -> tuple[Any, ...]:
    task = parse_line(line)
    assert task is not None
    return task.dates, task.priority, task.owners, task.tags, task.recurrence, task.block_id


def test_every_rule_is_reported_with_its_fix_and_clean_lines_are_not(lint_vault: Path,
                                                                     run_cli: Callable[..., Any]) -> None:
    result = run_cli("--vault", lint_vault, "lint")
    assert (result.code, result.err) == (9, "")
    assert result.out == EXPECTED
    assert (9, "tasks lint found lines Obsidian reads otherwise than they say") in EXIT_CODES


def test_json_gives_path_line_rule_message_fix(lint_vault: Path, run_cli: Callable[..., Any]) -> None:
    result = run_cli("--vault", lint_vault, "lint", "--json", "Meetings")
    assert result.code == 9
    assert result.json()[1] == {
        "path": MEETING, "line": 31, "rule": "text-after-fields",
        "message": "`📅 2026-01-20` is followed by `@Jeff`: Obsidian Tasks reads fields only at the end of the line, "
                   "so it reads none of these (tasktrack reads them)",
        "fix": "move `@Jeff` before the fields (`tasks lint --fix`)",
    }
    assert [(f["line"], f["rule"]) for f in result.json()] == [
        (29, "proposed-checkbox"), (31, "text-after-fields"), (32, "text-after-fields"), (33, "duplicate-field"),
        (34, "duplicate-field")]


def test_a_clean_note_exits_0_and_a_path_outside_the_vault_is_one_line(make_vault: Callable[..., Path],
                                                                       run_cli: Callable[..., Any]) -> None:
    vault = make_vault({"Clean.md": "- [ ] Send Morty the deck @Morty ⏫️ 📅 2026-01-30 #task ^deck\n"})
    assert run_cli("--vault", vault, "lint", "--json").out == "[]\n"
    assert run_cli("--vault", vault, "lint").code == 0
    missing = run_cli("--vault", vault, "lint", "Nowhere.md")
    assert (missing.code, missing.out) == (2, "")
    assert missing.err == f"tasks: no note or folder 'Nowhere.md' in the vault {vault}\n"


def _lint_tree(root: Path) -> collections.Counter[str]:
    counts: collections.Counter[str] = collections.Counter()
    for path in sorted(root.rglob("*.md")):
        relative = path.relative_to(root)
        if not any(part.startswith(".") for part in relative.parts):
            text = path.read_bytes().removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace")
            counts.update(f"{f.rule}\t{f.path}:{f.line}" for f in lint_lines(relative.as_posix(), split_lines(text)))
    return counts


def test_no_false_positives_on_the_fixture_vault_and_the_obsidian_tasks_sample_vault() -> None:
    vault = _lint_tree(FIXTURE_VAULT)
    assert {key.split("\t")[0] for key in vault} == {"proposed-checkbox"}  # the transcript generator's [ ?] items
    assert len(vault) == 11
    sample = _lint_tree(SAMPLE_VAULT)
    by_rule = collections.Counter(key.split("\t")[0] for key in sample.elements())
    assert by_rule == {"invalid-date": 22, "text-after-fields": 1}
    # Each one is meant: the sample vault's own tests of impossible dates and of an emoji date mid-line.
    assert {key.split("\t")[1].rsplit(":", 1)[0] for key in sample} == {
        "Manual Testing/Invalid Dates and Happens.md", "Manual Testing/Invalid Dates.md",
        "Manual Testing/Invalid dates with Sorting and Grouping.md",
        "Manual Testing/Testing File Formats/Dataview Format - Tasks to Parse.md"}


def test_fix_moves_text_before_the_fields_drops_a_repeated_field_and_undo_restores_the_bytes(
        lint_vault: Path, run_cli: Callable[..., Any]) -> None:
    note = lint_vault / MEETING
    before = note.read_bytes()
    old = split_lines(before.decode("utf-8"))
    dry = run_cli("--vault", lint_vault, "lint", "--fix", "--dry-run", "Meetings")
    assert note.read_bytes() == before
    assert dry.out.startswith(f"{MEETING}:33\n- {old[32]}\n+ {FIXED[33]}\n{MEETING}:32\n- {old[31]}\n+ {FIXED[32]}\n"
                              f"{MEETING}:31\n- {old[30]}\n+ {FIXED[31]}\n(dry run: nothing written)\n")

    fixed = run_cli("--vault", lint_vault, "lint", "--fix", "Meetings")
    expected = old[:30] + [FIXED[31], FIXED[32], FIXED[33]] + old[33:]
    assert note.read_bytes() == "\n".join(expected).encode("utf-8")
    # What remains is what has no mechanical fix: the [ ?] item and the two scheduled dates that disagree.
    assert fixed.code == 9
    assert [line.split(": ")[:2] for line in fixed.out.splitlines() if line.startswith(MEETING + ":")][-2:] == [
        [f"{MEETING}:29", "proposed-checkbox"], [f"{MEETING}:34", "duplicate-field"]]
    assert _fields(FIXED[31]) == _fields(old[30])  # tasktrack read these fields before: the same now
    assert _fields(FIXED[33]) == _fields(old[32])
    assert _fields(FIXED[32])[0] == {"due": "2026-01-22"}  # written, but read by no one before the fix
    assert _fields(old[31])[0] == {}
    assert [f for f in lint_lines(MEETING, expected) if f.line in FIXED] == []

    undone = run_cli("--vault", lint_vault, "undo")
    assert undone.code == 0
    assert note.read_bytes() == before


def test_fix_refuses_a_line_changed_since_it_was_read(lint_vault: Path, run_cli: Callable[..., Any],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from tasktrack.workspace import Workspace

    note = lint_vault / MEETING
    sync = Workspace.sync

    def sync_then_edit(self: Workspace, rebuild: bool = False) -> Any:
        report = sync(self, rebuild)
        note.write_bytes(note.read_bytes().replace(b"Maia deep dive", b"Maia team"))
        return report

    monkeypatch.setattr(Workspace, "sync", sync_then_edit)
    before_edit = (LINT_VAULT / MEETING).read_bytes()
    result = run_cli("--vault", lint_vault, "lint", "--fix", "Meetings")
    assert result.code == 6
    assert result.err.startswith("tasks: ")
    assert note.read_bytes() == before_edit.replace(b"Maia deep dive", b"Maia team")


DATA_JSON = {"globalFilter": "#task", "taskFormat": "tasks",
             "statusSettings": {"coreStatuses": [{"symbol": " ", "name": "Todo", "nextStatusSymbol": "x",
                                                  "availableAsCommand": True, "type": "TODO"}],
                                "customStatuses": [{"symbol": ">", "name": "Deferred", "nextStatusSymbol": " ",
                                                    "availableAsCommand": True, "type": "ON_HOLD"}]}}


def test_obsidian_setup_prints_the_status_entry_and_the_snippet(make_vault: Callable[..., Path],
                                                                run_cli: Callable[..., Any]) -> None:
    vault = make_vault({})
    result = run_cli("--vault", vault, "lint", "--obsidian-setup")
    assert result.code == 0
    assert ('\n{"symbol": "?", "name": "Proposed", "nextStatusSymbol": " ", "availableAsCommand": true, '
            '"type": "TODO"}\n') in result.out
    assert 'li[data-task="?"] > input:checked::after' in result.out
    assert result.out.startswith("Obsidian reads a checkbox only when one character stands between the brackets: "
                                 "`[?]` is one, `[ ?]` (a space and `?`) is not")
    assert sorted(p.name for p in (vault / ".obsidian").iterdir()) == ["app.json"]  # nothing written


def test_obsidian_setup_write_merges_backs_up_and_enables_the_snippet(make_vault: Callable[..., Path],
                                                                      run_cli: Callable[..., Any]) -> None:
    vault = make_vault({})
    config = vault / ".obsidian"
    data = config / "plugins" / "obsidian-tasks-plugin" / "data.json"
    data.parent.mkdir(parents=True)
    data_before = json.dumps(DATA_JSON).encode()
    data.write_bytes(data_before)
    appearance_before = b'{"cssTheme": "Minimal", "enabledCssSnippets": ["wide"]}'
    (config / "appearance.json").write_bytes(appearance_before)

    result = run_cli("--vault", vault, "lint", "--obsidian-setup", "--write")
    assert result.code == 0
    merged = json.loads(data.read_text())
    assert merged["globalFilter"] == "#task"
    assert merged["statusSettings"]["coreStatuses"] == DATA_JSON["statusSettings"]["coreStatuses"]
    assert merged["statusSettings"]["customStatuses"] == [
        DATA_JSON["statusSettings"]["customStatuses"][0],
        {"symbol": "?", "name": "Proposed", "nextStatusSymbol": " ", "availableAsCommand": True, "type": "TODO"}]
    assert json.loads((config / "appearance.json").read_text()) == {
        "cssTheme": "Minimal", "enabledCssSnippets": ["wide", "tasktrack-proposed"]}
    assert (config / "snippets" / "tasktrack-proposed.css").read_text().startswith("/* tasktrack: draw a [?]")
    backups = sorted(p for p in config.rglob("*.bak-*"))
    assert [(p.name.split(".bak-")[0], p.read_bytes()) for p in backups] == [
        ("appearance.json", appearance_before), ("data.json", data_before)]

    again = run_cli("--vault", vault, "lint", "--obsidian-setup", "--write")
    assert "`?` is already a status (Proposed, TODO): kept" in again.out
    assert sorted(p for p in config.rglob("*.bak-*")) == backups  # nothing changed, nothing backed up


def test_obsidian_setup_refuses_a_broken_data_json_in_one_line(make_vault: Callable[..., Path],
                                                               run_cli: Callable[..., Any]) -> None:
    vault = make_vault({})
    data = vault / ".obsidian" / "plugins" / "obsidian-tasks-plugin" / "data.json"
    data.parent.mkdir(parents=True)
    data.write_text("{not json")
    result = run_cli("--vault", vault, "lint", "--obsidian-setup", "--write")
    assert result.code == 1
    assert result.err.startswith("tasks: data.json is not valid JSON (") and result.err.count("\n") == 1
    assert data.read_text() == "{not json"
    assert not (vault / ".obsidian" / "snippets").exists()


def test_the_help_names_every_rule(run_cli: Callable[..., Any]) -> None:
    from tasktrack.lint.checks import RULES

    assert f"rules: {', '.join(RULES)}. Exit code 9" in " ".join(run_cli("help", "lint").out.split())


def test_obsidian_setup_write_is_one_change_all_files_or_none_and_undone_whole(make_vault: Callable[..., Path],
                                                                               run_cli: Callable[..., Any],
                                                                               digest: Callable[[Path], Any]) -> None:
    vault = make_vault({})
    config = vault / ".obsidian"
    data = config / "plugins" / "obsidian-tasks-plugin" / "data.json"
    data.parent.mkdir(parents=True)
    data.write_bytes(json.dumps(DATA_JSON).encode())
    (config / "appearance.json").write_bytes(b'{"enabledCssSnippets": []}')
    (config / "snippets").write_text("a file where the snippets folder goes")  # the snippet cannot be written

    def files() -> dict[str, str]:
        return {path: content for path, (_, _, content) in digest(vault).items() if content}

    before = files()
    failed = run_cli("--vault", vault, "lint", "--obsidian-setup", "--write")
    assert failed.code != 0 and failed.err.startswith("tasks: ") and failed.err.count("\n") == 1
    assert files() == before  # the plugin settings come before the snippet: they are not changed either

    (config / "snippets").unlink()
    before = files()
    assert run_cli("--vault", vault, "lint", "--obsidian-setup", "--write").code == 0
    assert len(list(config.rglob("*.bak-*"))) == 2 and (config / "snippets" / "tasktrack-proposed.css").exists()
    undone = run_cli("--vault", vault, "undo")
    assert undone.code == 0, undone.err
    assert files() == before  # settings back, snippet and copies gone
