"""The scanner: which files are notes, how they are read, the note context of each task, incremental sync."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tasktrack.model import Note
from tasktrack.parse.scanner import (
    FileStat,
    decode_note,
    scan_file,
    scan_text,
    split_lines,
    walk_vault,
)
from tasktrack.parse.statuses import StatusMap
from tasktrack.workspace import Workspace


def note_paths(vault: Path) -> list[str]:
    return sorted(f.path for f in walk_vault(vault))


def scan(text: str, path: str = "Note.md") -> Note:
    note = Note(path=path, size=len(text), mtime_ns=0, title=Path(path).stem)
    scan_text(note, text, StatusMap())
    return note


def open_ws(vault: Path, tmp_path: Path) -> Workspace:
    return Workspace.open(str(vault), str(tmp_path / "ws.sqlite"))


# -- which files --------------------------------------------------------------------------------


def test_walk_skips_hidden_trash_config_and_non_markdown(make_vault: Callable[..., Path]) -> None:
    vault = make_vault({
        "Inbox.md": "- [ ] a",
        "Projects/Plan.md": "- [ ] b",
        "Projects/Deep/Deeper/Notes.md": "- [ ] c",
        ".trash/Old.md": "- [ ] trashed",
        ".obsidian/Snippet.md": "- [ ] config",
        ".git/README.md": "- [ ] git",
        "Projects/.hidden/Secret.md": "- [ ] hidden",
        ".Hidden note.md": "- [ ] hidden file",
        "Board.canvas": '{"nodes":[{"text":"- [ ] canvas"}]}',
        "Export.txt": "- [ ] text",
        "Notes.markdown": "- [ ] other extension",
        "Image.md.png": "not text",
    })
    assert note_paths(vault) == ["Inbox.md", "Projects/Deep/Deeper/Notes.md", "Projects/Plan.md"]


def test_walk_survives_a_symlink_loop(make_vault: Callable[..., Path]) -> None:
    vault = make_vault({"Inbox.md": "- [ ] a", "Projects/Plan.md": "- [ ] b"})
    os.symlink("..", vault / "Projects" / "Up")
    os.symlink(".", vault / "Projects" / "Self")
    assert note_paths(vault) == ["Inbox.md", "Projects/Plan.md"]


def test_walk_follows_a_symlinked_folder_once(make_vault: Callable[..., Path], tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    (outside / "Sub").mkdir(parents=True)
    (outside / "Sub" / "Shared.md").write_text("- [ ] shared", encoding="utf-8")
    vault = make_vault({"Inbox.md": "- [ ] a"})
    os.symlink(outside, vault / "Linked")
    os.symlink(outside / "Sub", vault / "Again")
    paths = sorted(f.path for f in walk_vault(vault, follow_external_links=True))
    assert len(paths) == 2
    assert "Inbox.md" in paths
    assert {"Again/Shared.md", "Linked/Sub/Shared.md"} & set(paths)


def test_walk_skips_broken_symlinks(make_vault: Callable[..., Path]) -> None:
    vault = make_vault({"Inbox.md": "- [ ] a"})
    os.symlink("missing-folder", vault / "Dangling")
    os.symlink("missing.md", vault / "Dangling.md")
    assert note_paths(vault) == ["Inbox.md"]


def test_scan_of_a_symlink_loop_counts_each_task_once(make_vault: Callable[..., Path],
                                                       run_cli: Callable[..., Any]) -> None:
    vault = make_vault({"Projects/Plan.md": "- [ ] Only once"})
    os.symlink("..", vault / "Projects" / "Loop")
    result = run_cli("--vault", vault, "list", "--json")
    assert result.code == 0
    assert [(t["path"], t["description"]) for t in result.json()] == [("Projects/Plan.md", "Only once")]


# -- how files are read -------------------------------------------------------------------------


def test_decode_note() -> None:
    assert decode_note(b"\xef\xbb\xbf- [ ] a") == "- [ ] a"
    assert decode_note("- [ ] é".encode()) == "- [ ] é"
    with pytest.raises(UnicodeDecodeError):
        decode_note(b"- [ ] caf\xe9")


def test_split_lines() -> None:
    assert split_lines("a\r\nb\nc\r\n") == ["a", "b", "c", ""]
    assert split_lines("a\nb") == ["a", "b"]
    assert split_lines("a\rb\r\n") == ["a", "b", ""]
    assert split_lines("a\r\rb\n\rc\r\r\n") == ["a", "", "b", "", "c", "", ""]


def test_bare_cr_line_endings_are_line_breaks(make_vault: Callable[..., Path], run_cli: Callable[..., Any]) -> None:
    vault = make_vault({"Old Mac.md": b"---\rtitle: Classic\r---\r# Head\r\r- [ ] First\r- [x] Second\r\n"
                                      b"\t- [ ] Child\rText\r"})
    listed = run_cli("--vault", vault, "list", "--all", "--json").json()
    assert [(t["line"], t["description"], t["heading"], t["note_title"], t["status"]) for t in listed] == [
        (6, "First", "Head", "Classic", "open"),
        (7, "Second", "Head", "Classic", "done"),
        (8, "Child", "Head", "Classic", "open"),
    ]
    assert [t["parent"] for t in listed] == [None, None, listed[1]["id"]]


def test_bom_and_crlf(make_vault: Callable[..., Path], tmp_path: Path) -> None:
    text = ("---\r\ntitle: Windows note\r\naccount: Contoso\r\n---\r\n# Head\r\n"
            "- [ ] First 📅 2026-12-02\r\n- [x] Second ^b1\r\n")
    vault = make_vault({"Win.md": b"\xef\xbb\xbf" + text.encode("utf-8")})
    note = scan_file(vault, next(iter(walk_vault(vault))), StatusMap())
    assert note.error is None
    assert note.warnings == []
    assert note.title == "Windows note"
    assert note.properties == {"title": "Windows note", "account": "Contoso"}
    assert [(t.line, t.raw, t.description, t.due, t.block_id, t.heading) for t in note.tasks] == [
        (6, "- [ ] First 📅 2026-12-02", "First", "2026-12-02", None, "Head"),
        (7, "- [x] Second ^b1", "Second", None, "b1", "Head"),
    ]


NOT_UTF8 = ("not valid UTF-8 (byte {}): read with replacement characters; tasktrack will not write to this note")


def latin1_vault(make_vault: Callable[..., Path]) -> Path:
    return make_vault({
        "Good.md": "- [ ] Readable task\n",
        "Legacy/Latin-1.md": "- [ ] Caf\u00e9 task\n- [ ] Second\n".encode("latin-1"),
    })


def test_not_utf8_is_read_with_replacement_characters(make_vault: Callable[..., Path],
                                                      run_cli: Callable[..., Any]) -> None:
    vault = latin1_vault(make_vault)
    result = run_cli("--vault", vault, "scan")
    assert result.code == 0
    assert result.err == ""
    assert "notes  2 (2 read now, 0 gone)" in result.out_lines
    assert "tasks  3" in result.out_lines
    assert "warnings  1" in result.out_lines
    assert f"  Legacy/Latin-1.md: {NOT_UTF8.format(9)}" in result.out_lines
    listed = run_cli("--vault", vault, "list", "--json")
    assert listed.err == "tasks: 1 note could not be read fully: `tasks scan` lists them\n"
    tasks = sorted(listed.json(), key=lambda t: (t["path"], t["line"]))
    assert [(t["path"], t["line"], t["description"]) for t in tasks] == [
        ("Good.md", 1, "Readable task"),
        ("Legacy/Latin-1.md", 1, "Caf\ufffd task"),
        ("Legacy/Latin-1.md", 2, "Second"),
    ]
    assert list(tasks[1]) == list(tasks[0])  # the same keys


def test_list_marks_tasks_of_a_note_read_with_replacement(make_vault: Callable[..., Path],
                                                          run_cli: Callable[..., Any]) -> None:
    vault = latin1_vault(make_vault)
    result = run_cli("--vault", vault, "list", "--sort", "path")
    assert result.err == "tasks: 1 note could not be read fully: `tasks scan` lists them\n"
    rows = [line.split("  ")[-1] for line in result.out_lines[1:]]
    assert rows == ["Readable task", "\u26a0 Caf\ufffd task", "\u26a0 Second"]


def test_a_bom_counts_in_the_bad_byte_offset(make_vault: Callable[..., Path]) -> None:
    vault = make_vault({"Bom.md": b"\xef\xbb\xbf- [ ] caf\xe9\n"})
    note = scan_file(vault, next(iter(walk_vault(vault))), StatusMap())
    assert (note.error, note.partial, note.warnings) == (None, True, [(None, NOT_UTF8.format(12))])
    assert [t.description for t in note.tasks] == ["caf\ufffd"]


def test_unreadable_lists_notes_not_read_fully(make_vault: Callable[..., Path], tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    vault = latin1_vault(make_vault)
    (vault / "Locked.md").write_text("- [ ] secret\n", encoding="utf-8")
    refuse_to_open(monkeypatch, "Locked.md")
    ws = open_ws(vault, tmp_path)
    ws.sync()
    assert ws.unreadable() == [("Legacy/Latin-1.md", NOT_UTF8.format(9)),
                               ("Locked.md", "cannot read: Permission denied")]
    flags = ws.store.db.execute("SELECT path, partial FROM notes ORDER BY path").fetchall()
    assert [tuple(r) for r in flags] == [("Good.md", 0), ("Legacy/Latin-1.md", 1), ("Locked.md", 0)]
    ws.close()


def test_list_says_how_many_notes_could_not_be_read(make_vault: Callable[..., Path], run_cli: Callable[..., Any],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    vault = latin1_vault(make_vault)
    (vault / "Locked.md").write_text("- [ ] secret\n", encoding="utf-8")
    refuse_to_open(monkeypatch, "Locked.md")
    for args in (["list"], ["list", "--json"]):
        assert run_cli("--vault", vault, *args).err == (
            "tasks: 2 notes could not be read fully: `tasks scan` lists them\n")
    (vault / "Legacy/Latin-1.md").unlink()
    monkeypatch.undo()
    assert run_cli("--vault", vault, "list").err == ""


def test_a_note_that_could_not_be_opened_is_tried_again_on_every_sync(make_vault: Callable[..., Path],
                                                                     run_cli: Callable[..., Any],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault({"A.md": "- [ ] a\n", "B.md": "- [ ] b\n", "Locked.md": "- [ ] secret\n"})
    refuse_to_open(monkeypatch, "Locked.md")
    first = run_cli("--vault", vault, "scan").out_lines
    assert first[2] == "notes  2 (2 read now, 0 gone, 1 unreadable)"
    assert "  Locked.md: cannot read: Permission denied" in first
    assert run_cli("--vault", vault, "scan").out_lines[2] == "notes  2 (0 read now, 0 gone, 1 unreadable)"
    monkeypatch.undo()  # readable again, with the same size and mtime
    listed = run_cli("--vault", vault, "list", "--json")
    assert (listed.err, sorted(t["path"] for t in listed.json())) == ("", ["A.md", "B.md", "Locked.md"])
    assert run_cli("--vault", vault, "scan").out_lines[2:4] == ["notes  3 (0 read now, 0 gone)", "tasks  3"]


def refuse_to_open(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Opening the note ``name`` fails as if permission were denied (tests run as root, where chmod cannot)."""
    real_open = Path.open

    def refuse(path: Path, *args: Any, **kwargs: Any) -> Any:
        if str(path).endswith(name):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)


def test_broken_yaml_warns_and_tasks_still_count(make_vault: Callable[..., Path], run_cli: Callable[..., Any]) -> None:
    vault = make_vault({"Broken.md": "---\ntitle: Broken: yes\naccount: [Contoso\n---\n# Head\n- [ ] Still here\n"})
    result = run_cli("--vault", vault, "scan")
    assert result.code == 0
    assert "tasks  1" in result.out_lines
    assert [ln for ln in result.out_lines if ln.startswith("  Broken.md")] == [
        "  Broken.md:2: frontmatter YAML is broken (mapping values are not allowed in this context); "
        "its tasks still count"
    ]
    [task] = run_cli("--vault", vault, "list", "--json").json()
    assert (task["description"], task["note_title"], task["properties"], task["line"]) == (
        "Still here", "Broken", {}, 6)


def test_frontmatter_that_is_not_a_mapping(make_vault: Callable[..., Path]) -> None:
    note = scan("---\n- just\n- a list\n---\n- [ ] Task\n")
    assert note.warnings == [(1, "frontmatter is not a set of properties; ignored")]
    assert [t.description for t in note.tasks] == ["Task"]


def test_unclosed_frontmatter_is_text() -> None:
    note = scan("---\ntitle: x\n- [ ] Task after an unclosed frontmatter\n")
    assert [(t.line, t.description) for t in note.tasks] == [(3, "Task after an unclosed frontmatter")]
    assert note.properties == {}


def test_tasks_inside_frontmatter_are_not_tasks() -> None:
    note = scan("---\nnotes: |\n  - [ ] not a task\n---\n- [ ] Task\n")
    assert [(t.line, t.description) for t in note.tasks] == [(5, "Task")]
    assert note.properties == {"notes": "- [ ] not a task\n"}  # a YAML block scalar keeps its final newline


# -- note context -------------------------------------------------------------------------------


def test_title_and_date_from_frontmatter() -> None:
    note = scan("---\ntitle: Contoso QBR\ndate: 2026-02-10\naccount: Contoso\ntags: [a, b]\n---\n- [ ] x\n",
                path="Meetings/2026-01-01 QBR.md")
    assert (note.title, note.note_date) == ("Contoso QBR", "2026-02-10")
    assert note.properties == {"title": "Contoso QBR", "date": "2026-02-10", "account": "Contoso", "tags": ["a", "b"]}


@pytest.mark.parametrize(
    ("path", "frontmatter", "title", "note_date"),
    [
        ("Meetings/2025-12-19 Microsoft.md", "", "2025-12-19 Microsoft", "2025-12-19"),
        ("Daily/2025-06-19.md", "", "2025-06-19", "2025-06-19"),
        ("Notes/Plan.md", "", "Plan", None),
        ("Notes/2025-02-30 Not a day.md", "", "2025-02-30 Not a day", None),
        ("Notes/Plan v2025-01-02.md", "", "Plan v2025-01-02", "2025-01-02"),
        ("2025-12-19 Sync.md", "date: '2025-12-20'\n", "2025-12-19 Sync", "2025-12-20"),
        ("2025-12-19 Sync.md", "date: 2025-12-21T10:30:00\n", "2025-12-19 Sync", "2025-12-21"),
        ("2025-12-19 Sync.md", "date: soon\n", "2025-12-19 Sync", "2025-12-19"),
        ("Plan.md", "title: '  '\n", "Plan", None),
        ("Plan.md", "title: 2026\n", "2026", None),
    ],
)
def test_title_and_date_fallbacks(path: str, frontmatter: str, title: str, note_date: str | None) -> None:
    text = f"---\n{frontmatter}---\n- [ ] x\n" if frontmatter else "- [ ] x\n"
    note = scan(text, path=path)
    assert (note.title, note.note_date) == (title, note_date)


def test_headings() -> None:
    text = "- [ ] before\n# One\n- [ ] a\n## Two ##\n- [ ] b\n\nSetext\n===\n\n- [ ] c\n#tag line\n\n- [ ] d\n"
    assert [(t.description, t.heading) for t in scan(text).tasks] == [
        ("before", None), ("a", "One"), ("b", "Two"), ("c", "Setext"), ("d", "Setext"),
    ]


def test_positions_are_1_based_and_posix(make_vault: Callable[..., Path], run_cli: Callable[..., Any]) -> None:
    vault = make_vault({"A/B/C.md": "# Title\n\n- [ ] third line\n"})
    [task] = run_cli("--vault", vault, "list", "--json").json()
    assert (task["path"], task["line"], task["heading"], task["note_title"]) == ("A/B/C.md", 3, "Title", "C")


def test_parents_are_the_nearest_enclosing_task() -> None:
    text = (
        "- [ ] root\n"
        "    - plain\n"
        "        - [ ] grandchild\n"
        "    - [ ] child\n"
        "- plain root\n"
        "    - [ ] orphan\n"
    )
    assert [(t.line, t.parent_line) for t in scan(text).tasks] == [(1, None), (3, 1), (4, 1), (6, None)]


# -- incremental sync ---------------------------------------------------------------------------


def test_rescan_reads_only_changed_files(make_vault: Callable[..., Path], tmp_path: Path) -> None:
    vault = make_vault({"A.md": "- [ ] a\n", "B.md": "- [ ] b\n", "C.md": "- [ ] c\n", "D.md": "- [ ] d\n"})
    ws = open_ws(vault, tmp_path)
    first = ws.sync()
    assert (first.notes, sorted(first.read), first.deleted) == (4, ["A.md", "B.md", "C.md", "D.md"], [])
    assert ws.sync().read == []

    a, b = vault / "A.md", vault / "B.md"
    info = a.stat()
    a.write_text("- [x] a\n", encoding="utf-8")  # same size, new mtime
    os.utime(a, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000))
    info_b = b.stat()
    b.write_text("- [ ] bb\n", encoding="utf-8")  # new size, same mtime
    os.utime(b, ns=(info_b.st_atime_ns, info_b.st_mtime_ns))
    (vault / "C.md").unlink()
    (vault / "E.md").write_text("- [ ] e\n", encoding="utf-8")

    second = ws.sync()
    assert (second.notes, sorted(second.read), second.deleted) == (4, ["A.md", "B.md", "E.md"], ["C.md"])
    rows = ws.store.db.execute("SELECT n.path, t.description, t.status FROM tasks t JOIN notes n ON n.id = t.note_id "
                               "ORDER BY n.path").fetchall()
    assert [tuple(r) for r in rows] == [("A.md", "a", "done"), ("B.md", "bb", "open"), ("D.md", "d", "open"),
                                         ("E.md", "e", "open")]
    assert ws.sync().read == []


def test_unchanged_content_with_new_mtime_is_reread(make_vault: Callable[..., Path], tmp_path: Path) -> None:
    vault = make_vault({"A.md": "- [ ] a\n"})
    ws = open_ws(vault, tmp_path)
    ws.sync()
    info = (vault / "A.md").stat()
    os.utime(vault / "A.md", ns=(info.st_atime_ns, info.st_mtime_ns + 5))
    assert ws.sync().read == ["A.md"]


def test_deleting_every_note_drops_every_task(make_vault: Callable[..., Path], run_cli: Callable[..., Any]) -> None:
    vault = make_vault({"A.md": "- [ ] a\n", "Sub/B.md": "- [ ] b\n"})
    assert len(run_cli("--vault", vault, "list", "--json").json()) == 2
    (vault / "A.md").unlink()
    (vault / "Sub" / "B.md").unlink()
    result = run_cli("--vault", vault, "scan")
    assert "notes  0 (0 read now, 2 gone)" in result.out_lines
    assert "tasks  0" in result.out_lines
    assert run_cli("--vault", vault, "list", "--all", "--json").json() == []


def test_a_file_becoming_unreadable_drops_its_tasks(make_vault: Callable[..., Path], run_cli: Callable[..., Any],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault({"A.md": "- [ ] a\n", "B.md": "- [ ] b\n"})
    assert len(run_cli("--vault", vault, "list", "--json").json()) == 2
    (vault / "A.md").write_text("- [ ] a\n- [ ] more\n", encoding="utf-8")
    refuse_to_open(monkeypatch, "A.md")
    assert [t["path"] for t in run_cli("--vault", vault, "list", "--json").json()] == ["B.md"]


def test_the_vault_is_never_written(edge_vault: Path, run_cli: Callable[..., Any],
                                    digest: Callable[[Path], Any]) -> None:
    os.symlink("..", edge_vault / "Tricky" / "Loop")
    (edge_vault / "Tricky" / "Latin-1.md").write_bytes("- [ ] caf\u00e9\n".encode("latin-1"))
    before = digest(edge_vault)
    for args in (["scan"], ["scan", "--rebuild"], ["list"], ["list", "--all", "--json"]):
        assert run_cli("--vault", edge_vault, *args).code == 0
    task_id = run_cli("--vault", edge_vault, "list", "--json").json()[0]["id"]
    assert run_cli("--vault", edge_vault, "show", task_id).code == 0
    assert digest(edge_vault) == before


def test_scan_file_reports_a_file_that_vanished(make_vault: Callable[..., Path]) -> None:
    vault = make_vault({})
    note = scan_file(vault, FileStat("Gone.md", 1, 1), StatusMap())
    assert note.tasks == []
    assert note.error is not None
    assert note.error.startswith("cannot read: ")


def test_a_note_that_cannot_be_opened_keeps_its_size_and_mtime(make_vault: Callable[..., Path],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A first scan names notes without stat; one it cannot open (say, permission denied) still gets the
    size and mtime it has, so later syncs try it again only once it changes."""
    vault = make_vault({"Locked.md": "- [ ] secret\n"})
    refuse_to_open(monkeypatch, "Locked.md")
    note = scan_file(vault, FileStat("Locked.md", -1, -1), StatusMap())
    info = (vault / "Locked.md").stat()
    assert (note.error, note.size, note.mtime_ns) == ("cannot read: Permission denied", info.st_size, info.st_mtime_ns)
    assert scan_file(vault, FileStat("Gone.md", -1, -1), StatusMap()).size == -1  # nothing to stat either


@pytest.mark.parametrize("told", [0, 5, 4999, 5000, 5001, 70_000])
def test_a_note_is_read_whole_whatever_size_it_was_said_to_have(tmp_path: Path, told: int) -> None:
    """The size comes from the open file, whatever the walk said."""
    data = b"- [ ] first\n" + b"x" * (5000 - 24) + b"\n- [ ] last"
    (tmp_path / "n.md").write_bytes(data)
    note = scan_file(tmp_path, FileStat("n.md", told, 0), StatusMap())
    assert (note.size, note.tail) == (len(data), data[-64:])
    assert [(t.line, t.description) for t in note.tasks] == [(1, "first"), (3, "last")]


def test_walking_without_stat_names_the_same_notes(edge_vault: Path) -> None:
    named = list(walk_vault(edge_vault, stat=False))
    assert [f.path for f in named] == [f.path for f in walk_vault(edge_vault)]
    assert {(f.size, f.mtime_ns) for f in named} == {(-1, -1)}
    note = scan_file(edge_vault, named[0], StatusMap())
    info = (edge_vault / named[0].path).stat()
    assert (note.size, note.mtime_ns) == (info.st_size, info.st_mtime_ns)


def _laughs(levels: int = 9, width: int = 9) -> str:
    """The "billion laughs": each level a list of ``width`` aliases of the level before (9**9 values)."""
    names = "abcdefghijklmnop"
    lines = [f"a: &a [{', '.join(['lol'] * width)}]"]
    lines += [f"{names[n]}: &{names[n]} [{', '.join([f'*{names[n - 1]}'] * width)}]" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_a_yaml_alias_bomb_is_broken_yaml_and_the_scan_stays_fast(make_vault: Callable[..., Path],
                                                                  run_cli: Callable[..., Any], tmp_path: Path) -> None:
    small = "---\naccount: &acc Contoso\ncustomer: *acc\nbase: &b {x: 1}\nmore:\n  <<: *b\n  y: 2\n---\n- [ ] x\n"
    vault = make_vault({"Bomb.md": f"---\n{_laughs()}---\n- [ ] Still counted\n", "Small aliases.md": small})
    env = {**os.environ, "TASKTRACK_DB": str(tmp_path / "bomb.sqlite")}
    done = subprocess.run([sys.executable, "-m", "tasktrack", "--vault", str(vault), "scan"], env=env,
                          capture_output=True, text=True, timeout=20)
    assert (done.returncode, done.stderr) == (0, "")
    lines = done.stdout.splitlines()
    assert "tasks  2" in lines
    assert ("  Bomb.md:6: frontmatter YAML is broken (its aliases expand to more than 10000 values); "
            "its tasks still count") in lines
    listed = run_cli("--vault", vault, "list", "--json", "--sort", "path").json()
    assert [t["properties"] for t in listed] == [
        {}, {"account": "Contoso", "customer": "Contoso", "base": {"x": 1}, "more": {"x": 1, "y": 2}}]


@pytest.mark.parametrize("yaml_text", ["a: &a [*a]\n", "a: &a {b: *a}\n", "a: &a [x, [y, *a]]\n"])
def test_frontmatter_that_contains_itself_is_broken_yaml(yaml_text: str) -> None:
    note = scan(f"---\n{yaml_text}---\n- [ ] Still counted\n")
    assert note.properties == {}
    assert note.warnings == [(2, "frontmatter YAML is broken (a value contains itself); its tasks still count")]
    assert [t.description for t in note.tasks] == ["Still counted"]


# -- hostile file names and links ---------------------------------------------------------------


def _bad_names_vault(make_vault: Callable[..., Path]) -> Path:
    vault = make_vault({"Good.md": "- [ ] Readable task 📅 2026-11-22\n"})
    root = os.fsencode(vault)
    with open(os.path.join(root, b"bad\xff.md"), "wb") as f:
        f.write(b"- [ ] hidden by its name\n")
    os.mkdir(os.path.join(root, b"folder\xfe"))
    with open(os.path.join(root, b"folder\xfe", b"Inside.md"), "wb") as f:
        f.write(b"- [ ] inside a badly named folder\n")
    with open(os.path.join(root, b"picture\xff.png"), "wb") as f:
        f.write(b"not a note")
    return vault


def test_names_that_are_not_utf8_are_skipped_with_one_warning(make_vault: Callable[..., Path],
                                                              run_cli: Callable[..., Any]) -> None:
    vault = _bad_names_vault(make_vault)
    scanned = run_cli("--vault", vault, "scan")
    assert (scanned.code, scanned.err) == (0, "")
    assert scanned.out_lines[2:] == [
        "notes  1 (1 read now, 0 gone)", "tasks  1", "  open              1", "warnings  1",
        "  2 file names are not valid UTF-8 and were skipped: b'bad\\xff.md', b'folder\\xfe'"]
    for args in (["list"], ["list", "--all", "--json"], ["digest"], ["digest", "--format", "json"], ["scan"]):
        result = run_cli("--vault", vault, *args)
        assert (result.code, result.err) == (0, ""), args
    assert [t["path"] for t in run_cli("--vault", vault, "list", "--json").json()] == ["Good.md"]


def test_one_name_that_is_not_utf8_is_said_in_the_singular(make_vault: Callable[..., Path],
                                                           run_cli: Callable[..., Any]) -> None:
    vault = make_vault({"Sub/Good.md": "- [ ] fine\n"})
    with open(os.path.join(os.fsencode(vault), b"Sub", b"caf\xe9.md"), "wb") as f:
        f.write(b"- [ ] x\n")
    assert run_cli("--vault", vault, "scan").out_lines[-1] == (
        "  1 file name is not valid UTF-8 and was skipped: b'Sub/caf\\xe9.md'")


def _linked_vault(make_vault: Callable[..., Path], tmp_path: Path) -> Path:
    vault = make_vault({"Inside/Plan.md": "- [ ] inside\n"})
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "Elsewhere.md").write_text("- [ ] from outside\n", encoding="utf-8")
    os.symlink(outside, vault / "Linked folder")
    os.symlink(outside / "Elsewhere.md", vault / "Linked note.md")
    os.symlink(vault / "Inside" / "Plan.md", vault / "Alias.md")  # stays in the vault: followed
    os.symlink(outside / "Elsewhere.md", vault / "Linked text.txt")  # not a note: not a concern
    return vault


def test_links_out_of_the_vault_are_followed_only_when_the_config_says_so(
        make_vault: Callable[..., Path], run_cli: Callable[..., Any], tmp_path: Path,
        config_file: Callable[[str], Path]) -> None:
    vault = _linked_vault(make_vault, tmp_path)
    scanned = run_cli("--vault", vault, "scan")
    assert scanned.out_lines[-2:] == [
        "warnings  1", "  2 links point outside the vault and were not followed: Linked folder, Linked note.md"]
    paths = sorted(t["path"] for t in run_cli("--vault", vault, "list", "--json").json())
    assert paths == ["Alias.md", "Inside/Plan.md"]
    config_file("follow_external_links = true\n")
    scanned = run_cli("--vault", vault, "scan")
    assert "warnings" not in scanned.out
    paths = sorted(t["path"] for t in run_cli("--vault", vault, "list", "--json").json())
    assert paths == ["Alias.md", "Inside/Plan.md", "Linked folder/Elsewhere.md", "Linked note.md"]


def test_one_link_out_of_the_vault_is_said_in_the_singular(make_vault: Callable[..., Path],
                                                           run_cli: Callable[..., Any], tmp_path: Path) -> None:
    vault = make_vault({"A.md": "- [ ] a\n"})
    os.symlink("/usr", vault / "usr")
    assert run_cli("--vault", vault, "scan").out_lines[-1] == (
        "  1 link points outside the vault and was not followed: usr")


# -- lines built to be slow ---------------------------------------------------------------------


@pytest.mark.parametrize("unit", ["[due:: ", "(due:: ", "[x:: ", "[due:: 2026-01-01 ["])
def test_a_megabyte_of_unclosed_fields_scans_fast(unit: str, make_vault: Callable[..., Path],
                                                  tmp_path: Path) -> None:
    """Each unclosed ``[key:: `` once made the reader look to the end of the line again (a 56 KB line took
    seconds; a megabyte, hours). The subprocess's timeout is generous: the scan takes well under a second."""
    line = "- [ ] Task " + unit * (1_000_000 // len(unit))
    vault = make_vault({"Slow.md": f"# Head\n{line}\n- [ ] after #tag @Ann [due:: 2026-12-01]\n"})
    env = {**os.environ, "TASKTRACK_DB": str(tmp_path / "slow.sqlite")}
    code = ("import json, sys; from tasktrack.cli.main import main; main(sys.argv[1:])")
    done = subprocess.run([sys.executable, "-c", code, "--vault", str(vault), "list", "--json"], env=env,
                          capture_output=True, text=True, timeout=20)
    assert (done.returncode, done.stderr) == (0, "")
    tasks = sorted(json.loads(done.stdout), key=lambda t: t["line"])
    assert [(t["line"], t["heading"]) for t in tasks] == [(2, "Head"), (3, "Head")]
    assert tasks[0]["description"] == line[6:].strip()
    assert (tasks[1]["description"], tasks[1]["due"], tasks[1]["tags"], tasks[1]["owners"]) == (
        "after", "2026-12-01", ["#tag"], ["Ann"])


MANY_TOKENS_BYTES = 250_000


@pytest.mark.parametrize("unit", ["#a ", "@a "])
def test_a_line_of_many_tags_or_owners_then_a_word_scans_fast(unit: str, make_vault: Callable[..., Path],
                                                              tmp_path: Path) -> None:
    """Tags or owners followed by a word are all description: finding that once took time quadratic in their
    number (12 KB took most of a second; these 250 KB, minutes, well past the subprocess's timeout)."""
    line = "- [ ] Task " + unit * (MANY_TOKENS_BYTES // len(unit)) + "x"
    vault = make_vault({"Slow.md": f"{line}\n- [ ] after #tag @Ann\n"})
    env = {**os.environ, "TASKTRACK_DB": str(tmp_path / "slow.sqlite")}
    code = "import sys; from tasktrack.cli.main import main; sys.exit(main(sys.argv[1:]))"
    done = subprocess.run([sys.executable, "-c", code, "--vault", str(vault), "list", "--json"], env=env,
                          capture_output=True, text=True, timeout=20)
    assert (done.returncode, done.stderr) == (0, "")
    tasks = sorted(json.loads(done.stdout), key=lambda t: t["line"])
    count = MANY_TOKENS_BYTES // len(unit)
    assert tasks[0]["description"] == line[6:]
    assert (tasks[0]["tags"], tasks[0]["owners"]) == ((["#a"] * count, []) if unit == "#a " else ([], ["a"]))
    assert (tasks[1]["description"], tasks[1]["tags"], tasks[1]["owners"]) == ("after", ["#tag"], ["Ann"])
