"""The office vault copied whole (no backup mark): both copies go on under one device id
until a bundle shows one of them its own id with other content (reidentify.py). Found by the
stateful test: the office took the copy's version of its changes but kept its own signature
over that run (a second batch starting at the same number was ignored), so it relayed the
copy's version unsigned; laptops that had not met the copy refused it at every exchange."""

from __future__ import annotations

import shutil
from pathlib import Path

from cmdesk.core.workspace import Workspace
from tests.core.sync.conftest import Net, open_ws, sync
from tests.core.sync.records import (
    add_case,
    add_child,
    add_consent,
    add_note,
    add_referral,
    edit,
)
from tests.core.sync.test_stateful import Case, data_ops, fsck, has_row, values


def test_a_copied_office_vault_converges_with_nothing_refused(net: Net, tmp_path: Path) -> None:
    copy = copy_office(net, tmp_path / "copy")
    laptops = [net.a2, net.a3, copy]
    try:
        for _ in range(2):
            for ws in laptops:
                sync(net.a1).import_bundle(sync(ws).export()[0])
            for ws in laptops:
                result = sync(ws).import_bundle(sync(net.a1).export()[0])
                assert result.refused == {}
        assert copy.device_id != net.a1.device_id
        all_alike(net, laptops)
    finally:
        copy.close()


def test_copies_that_cut_their_history_differently_still_converge(net: Net, tmp_path: Path) -> None:
    """Found by the stateful test: after the copy, the office records a child (one change
    spanning many numbers) while the copy records audit entries under some of those numbers.
    The fork was looked for by each change's first number only, so the copy kept its audit
    entry under a number of the office's child and lacked part of the child for ever."""
    copy = copy_office(net, tmp_path / "copy")
    try:
        add_child(net.a1)
        sync(net.a1).import_bundle(sync(net.a2).export()[0])
        sync(net.a1).import_bundle(sync(copy).export()[0])  # the office sees the fork first
        converged(net, [net.a2, copy])
    finally:
        copy.close()


def test_the_office_keeps_a_signature_over_each_of_its_changes_after_a_fork(
    net: Net, tmp_path: Path
) -> None:
    """Found by the stateful test: the office had signed a run of its changes (relaying to
    a3) when the copy's bundle showed it other content under one number of that run. It took
    the copy's batch for the run and so lost the signature over its changes after that number:
    relays refused them at every exchange. The office now signs its run again around the
    forked numbers, and a batch is replaced only by one that signs all it signed."""
    copy = copy_office(net, tmp_path / "copy")
    try:
        add_child(net.a2)
        sync(net.a1).import_bundle(sync(net.a2).export()[0])
        sync(net.a3).import_bundle(sync(net.a1).export()[0])
        laptops = [net.a2, net.a3, copy]
        for _ in range(3):
            for ws in laptops:
                sync(net.a1).import_bundle(sync(ws).export()[0])
            for ws in laptops:
                assert sync(ws).import_bundle(sync(net.a1).export()[0]).refused == {}
        all_alike(net, laptops)
    finally:
        copy.close()


def test_three_copies_of_the_office_converge(net: Net, tmp_path: Path) -> None:
    """Found by the stateful test (clone twice before either copy exchanged). A laptop that
    took one copy's version of some numbers before any copy knew of the others kept it, while
    the rest held another copy's version: every replica now keeps the version made first
    (batches.rank), whichever it received first."""
    from tests.core.sync.records import soft_delete
    from tests.core.sync.test_stateful import Case

    root = net.a1.vault.paths.root
    net.a1.close()
    for name in ("c1", "c2"):
        shutil.copytree(root, tmp_path / name)
    net.a1 = open_ws(root)
    c1, c2 = open_ws(tmp_path / "c1"), open_ws(tmp_path / "c2")
    try:
        child = add_child(net.a1)
        exchange_all = [net.a2, net.a3, c1, c2]
        sync(net.a2).import_bundle(sync(net.a1).export()[0])
        case = add_case(net.a2, child)
        for ws in exchange_all[2:]:
            sync(ws).import_bundle(sync(net.a2).export()[0])
        add_note(c2, case, "c2")
        soft_delete(c1, Case, case)
        add_child(c2)
        for _ in range(3):
            for ws in exchange_all:
                sync(net.a1).import_bundle(sync(ws).export()[0])
            for ws in exchange_all:
                sync(ws).import_bundle(sync(net.a1).export()[0])
        all_alike(net, exchange_all)
    finally:
        c1.close()
        c2.close()


def copy_office(net: Net, dest: Path) -> Workspace:
    return copy_laptop(net, "a1", dest)


def copy_laptop(net: Net, name: str, dest: Path) -> Workspace:
    """Laptop `name`'s vault folder copied whole to `dest` (no backup mark), both open."""
    ws: Workspace = getattr(net, name)
    root = ws.vault.paths.root
    ws.close()
    shutil.copytree(root, dest)
    setattr(net, name, open_ws(root))
    return open_ws(dest)


def case_on_three_laptops(net: Net) -> tuple[str, str]:
    """A child and case recorded at the office and received by both field laptops."""
    child = add_child(net.a1)
    case = add_case(net.a1, child)
    for ws in (net.a2, net.a3):
        sync(ws).import_bundle(sync(net.a1).export()[0])
    return child, case


def converged(net: Net, laptops: list[Workspace]) -> None:
    """Every laptop reports to the office and hears back, three times over; then all hold one
    state, the same operations, nothing refused, and every record is what its history says."""
    for _ in range(3):
        for ws in laptops:
            sync(net.a1).import_bundle(sync(ws).export()[0])
        for ws in laptops:
            sync(ws).import_bundle(sync(net.a1).export()[0])
    all_alike(net, laptops)


def all_alike(net: Net, laptops: list[Workspace]) -> None:
    """The office and the laptops hold one state, the same operations, nothing refused, and
    every record is what its history says."""
    everyone = [net.a1, *laptops]
    assert len({sync(ws).state_hash() for ws in everyone}) == 1
    assert all(data_ops(ws) == data_ops(net.a1) for ws in everyone)
    for ws in everyone:
        assert sync(ws).import_trouble().refused == ()
        fsck(ws)


def test_a_laptop_that_got_the_office_version_first_takes_the_one_every_laptop_keeps(
    net: Net, tmp_path: Path
) -> None:
    """Two copies, one laptop each way: a3 receives the office's version of the numbers both
    copies used before the copy reports; the office then sees the copy's version. Every
    replica kept the first version it received, so a3 kept the office's while the others
    (the office having given way to the copy) held the copy's: never converged, and a3 never
    had the copy's child and case. Now each keeps the version made first (batches.rank), and
    the copy sends its own again under its new identity."""
    copy = copy_office(net, tmp_path / "copy")
    try:
        case = add_case(net.a1, add_child(net.a1))
        sync(net.a3).import_bundle(sync(net.a1).export()[0])
        mine = add_case(copy, add_child(copy))
        add_note(copy, mine, "the copy's")
        sync(net.a1).import_bundle(sync(copy).export()[0])
        converged(net, [net.a2, net.a3, copy])
        assert all(has_row(ws, "case_file", c) for ws in (net.a3, copy) for c in (case, mine))
    finally:
        copy.close()


def test_the_copy_relays_its_later_work_under_the_old_id_after_the_office_moved_on(
    net: Net, tmp_path: Path
) -> None:
    """Found by the stateful test (issue 10): the office is copied; it records a referral,
    then sees the copy's bundle and takes a new identity over the first numbers both used. The
    copy, not told yet, goes on under the old id over the numbers of the office's referral,
    and its work reaches a2 through the copy itself, before a2 ever hears from the office. a2
    kept the copy's version of those numbers and the others the office's: a2 never had the
    referral, and never converged. The office's referral was made first: everyone keeps it,
    and the copy's work comes again under its new identity."""
    copy = copy_office(net, tmp_path / "copy")
    try:
        child = add_child(net.a1)
        case = add_case(net.a1, child)
        referral = add_referral(net.a1, case, child, [], add_consent(net.a1, child, case))
        sync(net.a1).import_bundle(sync(copy).export()[0])  # the office takes a new identity
        assert net.a1.device_id != copy.device_id
        sync(copy).import_bundle(sync(net.a3).export()[0])
        theirs = add_case(copy, add_child(copy))
        note = add_note(copy, theirs, "the copy's")
        sync(net.a2).import_bundle(sync(copy).export()[0])  # the copy relays to a2 directly
        converged(net, [net.a2, net.a3, copy])
        for ws in (net.a1, net.a2, net.a3, copy):
            assert has_row(ws, "referral", referral) and has_row(ws, "case_note", note)
    finally:
        copy.close()


def test_a_copied_field_laptop_converges_with_nothing_refused(net: Net, tmp_path: Path) -> None:
    """Found by the stateful test: the laptop and its copy each signed a run from the same
    number (the copy's over its deletion of the case). The office had the laptop's batch and
    kept only one batch per origin and first number, so it relayed the copy's deletion with no
    batch that signed it: refused as unsigned by the laptops that had not met the copy. Every
    genuine batch is kept now, and the receiver picks the one that signs the change."""
    from tests.core.sync.records import soft_delete
    from tests.core.sync.test_stateful import Case

    _child, case = case_on_three_laptops(net)
    copy = copy_laptop(net, "a3", tmp_path / "copy")
    try:
        soft_delete(copy, Case, case)
        sync(net.a1).import_bundle(sync(net.a2).export()[0])
        converged(net, [net.a2, net.a3, copy])
    finally:
        copy.close()


def test_a_change_of_the_copy_over_numbers_the_office_used_is_not_merged_into_its_own(
    net: Net, tmp_path: Path
) -> None:
    """Found by the stateful test: after the copy, the office edited a case (a change of a
    few numbers) and the copy recorded a new case (one change over many numbers, the
    office's edit and audit entry among them). Received by the office, the copy's change was
    taken for one held in part and its other operations were merged into the office's edit:
    a change neither vault made, which the other laptops refused at every exchange as
    altered on the way, so they never converged."""
    child = add_child(net.a1)
    case = add_case(net.a1, child)
    for ws in (net.a2, net.a3):
        sync(ws).import_bundle(sync(net.a1).export()[0])
    root = net.a1.vault.paths.root
    net.a1.close()
    shutil.copytree(root, tmp_path / "copy")
    net.a1 = open_ws(root)
    copy = open_ws(tmp_path / "copy")
    try:
        sync(net.a1).export()  # signs the office's changes since the copy; never delivered
        edit(net.a1, Case, case, risk_level="low", risk_reason="office")
        sync(net.a1).import_bundle(sync(copy).export()[0])  # the office sees the fork
        add_case(copy, child)  # still under the old id, over the numbers of the edit
        converged(net, [net.a2, net.a3, copy])
        everyone = [net.a1, net.a2, net.a3, copy]
        assert all(values(ws, "case_file", case)["risk_reason"] == "office" for ws in everyone)
    finally:
        copy.close()


def test_the_copys_later_work_is_relayed_with_the_copys_own_signature(
    net: Net, tmp_path: Path
) -> None:
    """Found by the stateful test: the office found the fork and went on as a new laptop;
    the copy, not knowing yet, recorded a case under the old id and signed it in a run with
    its own version of a forked number. The office kept only its own batch from that number
    and relayed the copy's case without a signature: refused by every other laptop (and shown
    to their users as trouble) until the copy, told of the fork, signed it again."""
    child = add_child(net.a1)
    for ws in (net.a2, net.a3):
        sync(ws).import_bundle(sync(net.a1).export()[0])
    root = net.a1.vault.paths.root
    net.a1.close()
    shutil.copytree(root, tmp_path / "copy")
    net.a1 = open_ws(root)
    copy = open_ws(tmp_path / "copy")
    try:
        sync(net.a1).import_bundle(sync(net.a3).export()[0])
        assert sync(net.a1).import_bundle(sync(copy).export()[0]).new_identity
        case = add_case(copy, child)
        sync(net.a1).import_bundle(sync(copy).export()[0])
        for ws in (net.a2, net.a3):
            result = sync(ws).import_bundle(sync(net.a1).export()[0])
            assert result.refused == {}
            assert has_row(ws, "case_file", case)
    finally:
        copy.close()


def test_two_laptops_copied_at_once_converge_with_nothing_refused(net: Net, tmp_path: Path) -> None:
    """Found by the stateful test, widened to copy any laptop, two pairs at once: a field
    laptop backed up (audit entries under its id) while its copy recorded a case under the
    same numbers, and the office's copy said nothing. The laptop took its copy's batch as its
    own signing: it signed only after that batch's last number, so its own audit entry inside
    the range was never signed, and every laptop the office relayed it to refused it."""
    child, case = case_on_three_laptops(net)
    field_copy = copy_laptop(net, "a2", tmp_path / "field-copy")
    office_copy = copy_office(net, tmp_path / "office-copy")
    try:
        for n, ws in enumerate((net.a2, net.a2, net.a2, net.a3, net.a3, net.a3)):
            ws.backup(tmp_path / f"backup-{n}" / "vault")
        add_case(field_copy, child)
        add_referral(net.a1, case, child, [], None)
        converged(net, [net.a2, net.a3, field_copy, office_copy])
    finally:
        field_copy.close()
        office_copy.close()
