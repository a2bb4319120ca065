"""Checking a few new items reads the note properties it needs in SQL (the account and participants values, in any
case of their keys, of any type): it must give exactly what comparing every pair gives."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from test_repeats_reference import _plain, _reference

from tasktrack.config import Config, RepeatSettings
from tasktrack.workspace import Filters, Workspace

ITEMS = "- [ ?] Send Dana the Acme storage sizing worksheet #proposed\n- [ ] Book the room for the Acme QBR @Louie\n"
NOTES = {
    "Meetings/2025-03-10 Acme sync.md": "---\ndate: 2025-03-10\nAccount: Acme\nPARTICIPANTS: [Dana Reyes, 42, null,"
                                        " {lead: Zed}, 1.5e300, [Zed, Quill]]\n---\n" + ITEMS
    + "- [ ?] Review the tiering roadmap with Zed #proposed\n",
    "Meetings/2025-03-03 Acme.md": "---\ndate: 2025-03-03\naccount: '[[Acme|ACME]]'\nparticipantſ: Louie Chen\n---\n"
                                   "- [ ] Send the Acme POC storage sizing worksheet to Dana\n"
                                   "- [/] Book a room for the Acme QBR\n",
    "Meetings/2025-02-20 Acme list.md": "---\ndate: 2025-02-20\nACCOUNT: [Acme]\nparticipants: Priya Shah, Jason\n---\n"
                                        "- [ ] Send Dana the storage sizing worksheet for Acme\n",
    "Meetings/2025-02-24 two accounts.md": "---\ndate: 2025-02-24\naccount: [Acme, Globex]\nParticipants: []\n---\n"
                                           "- [ ] Send Dana the Acme storage sizing worksheet\n",
    "Meetings/2025-02-26 empty account.md": "---\ndate: 2025-02-26\naccount: ''\nAccount: ' '\n---\n"
                                            "- [ ] Send Dana the Acme storage sizing worksheet\n",
    "Meetings/2025-02-27 number.md": "---\ndate: 2025-02-27\naccount: 12345678901234567890123\n"
                                     "participants: [true, 1e400]\n---\n"
                                     "- [ ] Send Dana the Acme storage sizing worksheet\n",
    "Meetings/2025-03-04 Globex.md": "---\ndate: 2025-03-04\naccount: Globex\n---\n"
                                     "- [ ] Send Dana the Acme storage sizing worksheet\n",
    "Meetings/2025-03-05 ACME.md": "---\ndate: 2025-03-05\nAccount: ACME\nparticipants: [Zed Quill]\n---\n"
                                   "- [x] Review the tiering roadmap with Zed\n",
    "Meetings/2024-06-01 Acme old.md": "---\ndate: 2024-06-01\naccount: Acme\n---\n"
                                       "- [ ] Send Dana the Acme storage sizing worksheet\n",
    "Projects/Acme POC.md": "---\nproject: Acme POC\naccount: Acme\n---\n"
                            "- [ ] Send Dana the storage sizing worksheet ➕ 2025-01-15\n"
                            "- [ ] Review the tiering roadmap with Zed\n",
}


def test_new_items_get_what_every_pair_compared_gives(make_vault: Callable[..., Path], tmp_path: Path) -> None:
    vault = make_vault(NOTES)
    for settings in (RepeatSettings(), RepeatSettings(threshold=0.6, days=30)):
        ws = Workspace.open(str(vault), str(tmp_path / "store.sqlite"), config=Config(repeats=settings))
        ws.sync()
        everything = ws.tasks(Filters(statuses=[], sort="path"))
        proposed = ws.tasks(Filters(statuses=["proposed"], sort="note"))
        assert [t.path for t in proposed] == ["Meetings/2025-03-10 Acme sync.md"] * 2
        for new in (proposed, proposed[:1], proposed[1:]):
            expected = _plain(_reference(everything, settings, {t.id for t in new}))
            assert _plain(ws.repeats(new)) == expected
        ws.close()
    # the sizing item's repeats: not those of another account (Globex, the number), nor the one too long ago
    ws = Workspace.open(str(vault), str(tmp_path / "store.sqlite"))
    sizing = next(t for t in proposed if "sizing" in t.description)
    assert {(t.path, t.line): score for t, score in ws.repeats([sizing]).of(sizing.id)} == {
        ("Meetings/2025-02-24 two accounts.md", 6): 0.938, ("Meetings/2025-02-20 Acme list.md", 6): 0.935,
        ("Meetings/2025-03-03 Acme.md", 6): 0.934, ("Projects/Acme POC.md", 5): 0.891,
        ("Meetings/2025-02-26 empty account.md", 6): 0.84}
    ws.close()
