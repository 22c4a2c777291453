"""A team's laptop copied whole: the copy's bundle reaches the office first, the original's
note takes numbers the copy used too. Both laptops end with the note and the team's case as
the office holds it (found by the stateful model; the office's bundle for the copy, under its
new identity, left out the kept version of its old numbers)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from cmdesk.core.model import Case
from cmdesk.core.workspace import Workspace
from tests.core.sync.conftest import open_ws
from tests.core.sync.records import add_note, edit
from tests.core.sync.test_stateful import (
    fast_vaults,
    has_row,
    seeded_template,
    values,
    weeks_pass,
)

__all__ = ["fast_vaults", "seeded_template"]  # fixtures used below


def _up(office: Workspace, laptop: Workspace) -> None:
    office.sync.import_bundle(laptop.sync.export()[0])


def _down(office: Workspace, laptop: Workspace) -> None:
    laptop.sync.import_bundle(office.sync.export(laptop=laptop.device_id)[0])


@dataclass
class _Copies:
    """The seed case, and the office, the team's laptop and the copy, open."""

    case: str
    office: Workspace
    laptop: Workspace  # the team's laptop (the original, when it was the one copied)
    copy: Workspace

    def reopen(self, which: str, while_closed: Callable[[Path], None] | None = None) -> Workspace:
        """Laptop `which` closed and opened again (`while_closed` is given its folder in
        between): the laptop as now open."""
        ws: Workspace = getattr(self, which)
        root = ws.vault.paths.root
        ws.close()
        if while_closed is not None:
            while_closed(root)
        setattr(self, which, open_ws(root))
        return cast(Workspace, getattr(self, which))


@contextmanager
def _copied(template: Path, tmp_path: Path, of: str) -> Iterator[_Copies]:
    """The office ("a1") and the team's laptop ("t1") of the template, and laptop `of`'s
    folder copied; whatever is open at the end is closed."""
    case = str(json.loads((template / "seed.json").read_text())["case"])
    for name in ("a1", "t1"):
        shutil.copytree(template / name, tmp_path / name)
    shutil.copytree(template / of, tmp_path / "copy")
    copies = _Copies(case, *(open_ws(tmp_path / n) for n in ("a1", "t1", "copy")))
    try:
        yield copies
    finally:
        for ws in (copies.office, copies.laptop, copies.copy):
            ws.close()


def _trails_whole(*laptops: Workspace) -> None:
    """`check` finds each laptop's audit trail whole."""
    for ws in laptops:
        report = ws.check()
        assert report.ok, report.audit_break


def _rounds(office: Workspace, laptops: tuple[Workspace, Workspace]) -> None:
    """Three days of both laptops' sticks reaching the office, and the answers going back."""
    for _ in range(3):
        for laptop in laptops:
            _up(office, laptop)
        for laptop in laptops:
            _down(office, laptop)


def test_both_copies_of_a_team_laptop_end_with_the_original_s_note(
    seeded_template: Path, fast_vaults: None, tmp_path: Path
) -> None:
    with _copied(seeded_template, tmp_path, "t1") as c:
        case, office, original, copy = c.case, c.office, c.laptop, c.copy
        note = add_note(original, case, "เยี่ยมบ้าน")
        _up(office, copy)
        _rounds(office, (original, copy))
        assert original.device_id != copy.device_id
        assert has_row(office, "case_note", note)
        assert office.sync.import_trouble().refused == ()
        for laptop in (original, copy):
            assert has_row(laptop, "case_note", note)
            assert values(laptop, "case_file", case) == values(office, "case_file", case)


def test_a_team_laptop_gets_the_kept_version_when_the_office_was_copied(
    seeded_template: Path, fast_vaults: None, tmp_path: Path
) -> None:
    """The office's vault copied (a second office computer, not told apart yet): the copy
    hands the team's case to the south team while the office writes a note on it under the
    same numbers, and the team's laptop takes the office's version first. Once the two
    copies meet, the office keeps the copy's hand-over at those numbers; the team's laptop,
    "known to hold" them, must still be sent it (found by the stateful model: the case stayed
    in team north on the laptop for ever)."""
    with _copied(seeded_template, tmp_path, "a1") as c:
        case, office, laptop, copy = c.case, c.office, c.laptop, c.copy
        edit(copy, Case, case, team="south", risk_level="low", risk_reason="ย้ายไปทีมใต้")
        add_note(office, case, "บันทึกของสำนักงาน")
        _down(office, laptop)
        for _ in range(3):
            office.sync.import_bundle(copy.sync.export()[0])
            copy.sync.import_bundle(office.sync.export()[0])
            _up(office, laptop)
            _down(office, laptop)
        assert office.device_id != copy.device_id  # one of them took a new identity
        assert values(office, "case_file", case)["team"] == "south"
        assert values(laptop, "case_file", case) == values(office, "case_file", case)


def test_each_copy_s_note_reaches_the_other_when_the_copy_reported_first(
    seeded_template: Path, fast_vaults: None, tmp_path: Path
) -> None:
    """The copy reports to the office first (its export leaves an audit entry under the
    shared id), then each laptop writes a note on the team's case. The office keeps the
    copy's versions; the original holds some of those numbers under its own. The office's
    bundle for the original cut the copy's note down to the numbers it lacked, and the
    original refused it as altered on the way: its worker never saw the other note (found by
    the stateful model, seed 27)."""
    with _copied(seeded_template, tmp_path, "t1") as c:
        case, office, original, copy = c.case, c.office, c.laptop, c.copy
        _up(office, copy)
        notes = [add_note(original, case, "บันทึกหนึ่ง"), add_note(copy, case, "บันทึกสอง")]
        _rounds(office, (original, copy))
        for ws in (office, original, copy):
            assert [has_row(ws, "case_note", n) for n in notes] == [True, True]
            assert ws.sync.import_trouble().refused == ()


def test_both_copies_trails_check_whole_though_a_copy_holds_part_of_the_other_s(
    seeded_template: Path, fast_vaults: None, tmp_path: Path
) -> None:
    """The copy changes the case's risk; the original reports and hears back first. The copy
    then holds the original's next audit entry under the id they shared (sent to let it see
    it is a copy) but not the entries before it: a team's laptop holds only part of another
    laptop's trail. `check` took that for an altered trail (found by the stateful model once
    it checked every laptop's trail); it is the other copy's branch."""
    with _copied(seeded_template, tmp_path, "t1") as c:
        case, office, original, copy = c.case, c.office, c.laptop, c.copy
        edit(copy, Case, case, risk_level="high", risk_reason="ครอบครัวย้ายออก")
        _up(office, original)
        _down(office, original)
        _rounds(office, (original, copy))
        assert original.device_id != copy.device_id
        _trails_whole(office, original, copy)
        assert copy.check().branched != ()


def test_trails_check_whole_after_a_copy_is_put_back_from_its_disk_image(
    seeded_template: Path, fast_vaults: None, tmp_path: Path
) -> None:
    """The copy's disk is imaged; the original reports and hears back; the copy is put back
    from its image and reports. The office keeps the original's versions where their numbers
    met; the copy's entry there stays in the office's trail (an audit entry is never
    removed) though its change left the history. `check` took the next link for an altered
    trail (found by the stateful model); the history shows two copies wrote it."""
    with _copied(seeded_template, tmp_path, "t1") as c:
        office, original = c.office, c.laptop
        image = tmp_path / "image"
        c.reopen("copy", lambda root: shutil.copytree(root, image))
        _up(office, original)
        _down(office, original)

        def put_back(root: Path) -> None:
            shutil.rmtree(root)
            shutil.copytree(image, root)

        copy = c.reopen("copy", put_back)
        _up(office, copy)
        _down(office, copy)
        _rounds(office, (original, copy))
        _trails_whole(office, original, copy)


def test_trails_check_whole_when_a_copy_holds_the_other_s_later_entries_only(
    seeded_template: Path, fast_vaults: None, tmp_path: Path
) -> None:
    """The copy writes a note; the original is opened three times (each opening is in its
    trail). A laptop then holds the other copy's later entries under the id they shared,
    sent to let it see it is a copy, but not the ones between: `check` reported a gap
    (found by the stateful model)."""
    with _copied(seeded_template, tmp_path, "t1") as c:
        case, office, original, copy = c.case, c.office, c.laptop, c.copy
        add_note(copy, case, "บันทึก")
        for _ in range(3):
            original = c.reopen("laptop")
        _rounds(office, (original, copy))
        _trails_whole(office, original, copy)


def test_a_team_laptop_lets_go_of_a_case_whose_note_lost_its_numbers_to_a_copy(
    seeded_template: Path, fast_vaults: None, tmp_path: Path
) -> None:
    """The office's vault copied: the copy makes a bundle (an audit entry under the shared
    id), the office writes a note on the team's case under the same numbers and the team's
    laptop receives it. When the copies meet, the copy's entry keeps those numbers and the
    office sends its note again under its new identity. The case then goes to another team:
    the laptop, holding the note's first version, which the office now holds another version
    of, kept the case for ever (found by the stateful model, seed 48)."""
    with _copied(seeded_template, tmp_path, "a1") as c:
        case, office, laptop, copy = c.case, c.office, c.laptop, c.copy
        copy.sync.export()  # its audit entry travels in its next bundle
        note = add_note(office, case, "บันทึกของสำนักงาน")
        _down(office, laptop)
        office.sync.import_bundle(copy.sync.export()[0])
        edit(office, Case, case, team="south", risk_level="low", risk_reason="ย้ายไปทีมใต้")
        for _ in range(2):
            _up(office, laptop)
            _down(office, laptop)
        assert has_row(laptop, "case_note", note)  # still there: two weeks are not up
        weeks_pass(laptop)
        _up(office, laptop)
        _down(office, laptop)
        assert not has_row(laptop, "case_file", case)
        assert not has_row(laptop, "case_note", note)
        assert has_row(office, "case_note", note)
        assert office.sync.import_trouble().refused == ()


def test_a_copy_s_note_that_lost_its_numbers_to_the_other_copy_s_audit_entry_is_sent_again(
    seeded_template: Path, fast_vaults: None, tmp_path: Path
) -> None:
    """The original hears from the office first (its import is in its trail), then the copy
    writes a note under the same numbers and reports; the original is opened again and hears
    from the office twice more. The original's entry was made first, so every laptop keeps it
    there, and the office dropped the note for it once the original reported; the copy was never
    sent that entry (an audit entry is no team record), so it never learned that its note
    lost and never sent it again: lost everywhere but on the copy (found by the stateful
    model, seed 50)."""
    with _copied(seeded_template, tmp_path, "t1") as c:
        case, office, original, copy = c.case, c.office, c.laptop, c.copy
        _down(office, original)
        note = add_note(copy, case, "บันทึกของเครื่องที่คัดลอก")
        _up(office, copy)
        original = c.reopen("laptop")
        _down(office, original)
        _down(office, original)
        _rounds(office, (original, copy))
        assert original.device_id != copy.device_id
        assert [has_row(ws, "case_note", note) for ws in (office, original, copy)] == [True] * 3
        _trails_whole(office, original, copy)


def test_a_copy_s_late_note_is_not_taken_for_backdated_work(
    seeded_template: Path, fast_vaults: None, tmp_path: Path
) -> None:
    """The team's laptop copied whole; the original changes the case's risk, the office
    hands the case to the south team, the copy writes a note (late work: its worker could not
    know), then the original writes one. The original reports first. The copy's note is
    numbered after the original's (the copy was opened more often), but made before it: the
    office took it for work backdated to pass as late, and told the data manager, for ever,
    that a team laptop had changed a case outside its team (found by the stateful model)."""
    with _copied(seeded_template, tmp_path, "t1") as c:
        case, office, original, copy = c.case, c.office, c.laptop, c.copy
        edit(original, Case, case, risk_level="high", risk_reason="ต้นฉบับ")
        edit(office, Case, case, team="south")
        # The copy is opened twice more (each opening is written in its audit trail): its
        # note takes numbers after those of the original's note.
        c.reopen("copy")
        copy = c.reopen("copy")
        late = add_note(copy, case, "บันทึกของสำเนา")
        later = add_note(original, case, "บันทึกของต้นฉบับ")
        _up(office, original)
        _up(office, copy)
        _rounds(office, (original, copy))
        assert office.sync.import_trouble().refused == ()
        assert [has_row(office, "case_note", n) for n in (late, later)] == [True, True]
        assert has_row(original, "case_note", later) and has_row(copy, "case_note", late)
        assert original.device_id != copy.device_id
