"""``tasks dupes`` and ``tasks merge`` on a vault of meeting notes: the groups, the exact bytes a merge writes,
undo, refusals, and a merge across two notes that is all or nothing."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import CliResult

from tasktrack.workspace import Workspace

pytestmark = pytest.mark.usefixtures("fixed_today")  # 2026-11-22

RunCli = Callable[..., CliResult]
OLD_NOTE = "Meetings/2026-11-10 Acme sync.md"
NEW_NOTE = "Meetings/2026-11-20 Acme follow-up.md"
OTHER_NOTE = "Meetings/2026-11-18 Globex sync.md"
OLD_LINE = "- [ ] Send Dana the storage sizing worksheet for the Acme POC @Myself 📅 2026-11-30"
NEW_LINE = "- [ ?] Send Dana the Acme POC storage sizing worksheet. @Myself ⏫ 📅 2026-11-27 #task #proposed"


def _note(day: str, account: str, *tasks: str) -> str:
    return (f"---\ndate: '{day}'\naccount: {account}\nparticipants:\n- Jason Vallery\n- Dana Reyes\n---\n"
            "## Action Items\n" + "".join(t + "\n" for t in tasks))


NOTES = {
    OLD_NOTE: _note("2026-11-10", "Acme", OLD_LINE, "- [ ] Draft the Acme QBR agenda @Myself"),
    NEW_NOTE: _note("2026-11-20", "Acme", NEW_LINE, "- [ ?] Book the room for the Acme QBR. @Myself #task #proposed"),
    # the same words for another account: never a repeat
    OTHER_NOTE: _note("2026-11-18", "Globex",
                      "- [ ?] Send Dana the storage sizing worksheet for the POC. @Myself #task #proposed"),
}


@pytest.fixture
def vault(make_vault: Callable[..., Path]) -> Path:
    return make_vault(NOTES)


def ids(run_cli: RunCli, vault: Path) -> dict[tuple[str, int], str]:
    return {(t["path"], t["line"]): t["id"] for t in run_cli("--vault", vault, "list", "--json").json()}


def test_dupes_lists_the_newest_item_then_the_older_one(vault: Path, run_cli: RunCli) -> None:
    found = ids(run_cli, vault)
    new, old = found[(NEW_NOTE, 9)], found[(OLD_NOTE, 9)]
    result = run_cli("--vault", vault, "dupes")
    assert (result.code, result.err) == (0, "")
    assert result.out_lines == [
        f"{new}  2026-11-20  proposed    Send Dana the Acme POC storage sizing worksheet. @Myself  ({NEW_NOTE}:9)",
        f"  ≈ 0.99 {old}  2026-11-10  open        Send Dana the storage sizing worksheet for the Acme POC @Myself"
        f"  ({OLD_NOTE}:9)",
        "",
        "1 group of repeats; `tasks merge NEW OLD` closes NEW as a repeat of OLD",
    ]


def test_dupes_json_holds_list_objects_with_a_similarity(vault: Path, run_cli: RunCli) -> None:
    listed = {t["id"]: t for t in run_cli("--vault", vault, "list", "--json").json()}
    (group,) = run_cli("--vault", vault, "dupes", "--json").json()
    assert [t["path"] for t in group] == [NEW_NOTE, OLD_NOTE]
    assert [t["similarity"] for t in group] == [1.0, 0.992]
    for task in group:
        assert list(task) == [*listed[task["id"]], "similarity"]
        assert {k: v for k, v in task.items() if k != "similarity"} == listed[task["id"]]


def test_dupes_filters(vault: Path, run_cli: RunCli) -> None:
    assert len(run_cli("--vault", vault, "dupes", "--json", "--prop", "account=Acme").json()) == 1
    assert run_cli("--vault", vault, "dupes", "--json", "--prop", "account=Globex").json() == []
    assert run_cli("--vault", vault, "dupes", "--json", "--owner", "Dana").json() == []
    assert len(run_cli("--vault", vault, "dupes", "--json", "--owner", "me", "--path", "Meetings/*").json()) == 1
    assert run_cli("--vault", vault, "dupes", "--prop", "account=Globex").out == "No repeated action items.\n"


def test_the_threshold_comes_from_the_config(vault: Path, run_cli: RunCli,
                                             config_file: Callable[[str], Path]) -> None:
    config_file("[repeats]\nthreshold = 1.0\n")
    assert run_cli("--vault", vault, "dupes", "--json").json() == []
    config_file("[repeats]\ndays = 5\n")  # the two Acme meetings are 10 days apart
    assert run_cli("--vault", vault, "dupes", "--json").json() == []
    config_file("[repeats]\nthreshold = 2\n")
    result = run_cli("--vault", vault, "dupes")
    assert result.code == 2
    assert result.err.endswith("[repeats] `threshold` must be a number from 0 to 1\n")
    config_file("[repeats]\nthreshold = 0.8\ndays = 30\n")
    shown = run_cli("config", "--json").json()["repeats"]
    assert shown == {"value": {"threshold": 0.8, "days": 30}, "source": "config file"}


def test_merge_closes_the_new_item_with_a_link_to_the_older_block(vault: Path, run_cli: RunCli) -> None:
    found = ids(run_cli, vault)
    new, old = found[(NEW_NOTE, 9)], found[(OLD_NOTE, 9)]
    before = {p: (vault / p).read_bytes() for p in NOTES}
    result = run_cli("--vault", vault, "merge", new, old)
    assert (result.code, result.err) == (0, "")
    closed = ("- [-] Send Dana the Acme POC storage sizing worksheet. (repeat of [[Meetings/2026-11-10 Acme sync"
              f"#^{old}]]) @Myself ⏫ 📅 2026-11-27 #task ❌ 2026-11-22")
    assert (vault / NEW_NOTE).read_bytes() == before[NEW_NOTE].replace(NEW_LINE.encode(), closed.encode())
    assert (vault / OLD_NOTE).read_bytes() == before[OLD_NOTE].replace(OLD_LINE.encode(), f"{OLD_LINE} ^{old}".encode())
    assert result.out_lines == [f"{NEW_NOTE}:9", f"- {NEW_LINE}", f"+ {closed}",
                                f"{OLD_NOTE}:9", f"- {OLD_LINE}", f"+ {OLD_LINE} ^{old}"]
    shown = run_cli("--vault", vault, "show", old, "--json").json()
    assert shown["block_id"] == old
    assert run_cli("--vault", vault, "dupes", "--json").json() == []
    undone = run_cli("--vault", vault, "undo")
    assert undone.code == 0
    assert {p: (vault / p).read_bytes() for p in NOTES} == before


def test_merge_keep_new_and_carry(vault: Path, run_cli: RunCli) -> None:
    found = ids(run_cli, vault)
    new, old = found[(NEW_NOTE, 9)], found[(OLD_NOTE, 9)]
    result = run_cli("--vault", vault, "merge", new, old, "--carry", "--json")
    assert result.code == 0
    changes = result.json()
    assert [(c["path"], c["verb"], c["old"]) for c in changes] == [(NEW_NOTE, "merge", NEW_LINE),
                                                                  (OLD_NOTE, "merge", OLD_LINE)]
    kept = f"- [ ] Send Dana the storage sizing worksheet for the Acme POC @Myself 📅 2026-11-27 ⏫ ^{old}"
    assert changes[1]["new"] == [kept]
    assert changes[1]["task"]["due"] == "2026-11-27" and changes[1]["task"]["priority"] == "high"
    assert changes[0]["task"]["status"] == "cancelled"
    run_cli("--vault", vault, "undo")
    result = run_cli("--vault", vault, "merge", new, old, "--keep-new", "--dry-run")
    assert result.code == 0
    assert result.out_lines == [
        f"{OLD_NOTE}:9", f"- {OLD_LINE}",
        "+ - [-] Send Dana the storage sizing worksheet for the Acme POC (repeat of [[Meetings/2026-11-20 Acme "
        f"follow-up#^{new}]]) @Myself 📅 2026-11-30 ❌ 2026-11-22",
        f"{NEW_NOTE}:9", f"- {NEW_LINE}", f"+ {NEW_LINE} ^{new}",
        "(dry run: nothing written)"]
    assert (vault / OLD_NOTE).read_text(encoding="utf-8") == NOTES[OLD_NOTE]


def test_merge_refusals(vault: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    found = ids(run_cli, vault)
    new, old = found[(NEW_NOTE, 9)], found[(OLD_NOTE, 9)]
    same = run_cli("--vault", vault, "merge", new, new)
    assert (same.code, same.err) == (2, f"tasks: task {new} cannot be merged into itself\n")
    assert run_cli("--vault", vault, "merge", new, "zzzz").code == 5
    note = vault / OLD_NOTE
    edited = NOTES[OLD_NOTE].replace("for the Acme POC", "for the Acme pilot")
    real_sync = Workspace.sync

    def sync_then_edit(self: Workspace, rebuild: bool = False) -> Any:
        report = real_sync(self, rebuild)
        note.write_text(edited, encoding="utf-8")  # edited after the sync, before the write
        return report

    monkeypatch.setattr(Workspace, "sync", sync_then_edit)
    before_new = (vault / NEW_NOTE).read_bytes()
    refused = run_cli("--vault", vault, "merge", new, old)
    assert refused.code == 6
    assert refused.err.count("\n") == 1 and refused.err.startswith("tasks: ") and "changed" in refused.err
    assert (vault / NEW_NOTE).read_bytes() == before_new
    assert note.read_text(encoding="utf-8") == edited
    assert refused.out == ""


def test_a_merge_across_two_notes_is_all_or_nothing(vault: Path, run_cli: RunCli,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    found = ids(run_cli, vault)
    new, old = found[(NEW_NOTE, 9)], found[(OLD_NOTE, 9)]
    before = {p: (vault / p).read_bytes() for p in NOTES}
    real_mkstemp = tempfile.mkstemp
    calls: list[int] = []

    def failing_on_the_second(*args: Any, **kwargs: Any) -> tuple[int, str]:
        calls.append(1)
        if len(calls) == 2:
            raise PermissionError(13, "Permission denied")
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", failing_on_the_second)
    result = run_cli("--vault", vault, "merge", new, old)
    assert result.code == 8
    assert result.err.startswith("tasks: cannot write in ") and result.err.endswith("; nothing written\n")
    assert {p: (vault / p).read_bytes() for p in NOTES} == before
    assert sorted(p.name for p in (vault / "Meetings").iterdir()) == sorted(Path(p).name for p in NOTES)


def test_the_digest_says_possible_repeat_of(vault: Path, run_cli: RunCli) -> None:
    found = ids(run_cli, vault)
    old = found[(OLD_NOTE, 9)]
    text = run_cli("--vault", vault, "digest", "--format", "text").out_lines
    assert "  Send Dana the Acme POC storage sizing worksheet. ⏫ · due 2026-11-27 · " \
           f"{NEW_NOTE}:9 · possible repeat of {OLD_NOTE}:9" in text
    assert f"  Book the room for the Acme QBR. · {NEW_NOTE}:10" in text
    md = run_cli("--vault", vault, "digest").out_lines
    assert "- Send Dana the Acme POC storage sizing worksheet. ⏫ · due 2026-11-27 · " \
           "[[2026-11-20 Acme follow-up#Action Items]] · possible repeat of [[2026-11-10 Acme sync#Action Items]]" in md
    items = {i["line"]: i for s in run_cli("--vault", vault, "digest", "--format", "json").json()["sections"]
             for i in s["items"] if i["path"] == NEW_NOTE}
    assert items[9]["possible_repeat_of"] == {
        "id": old, "path": OLD_NOTE, "line": 9,
        "description": "Send Dana the storage sizing worksheet for the Acme POC", "similarity": 0.992,
        "link": "[[2026-11-10 Acme sync#Action Items]]"}
    assert items[10]["possible_repeat_of"] is None
