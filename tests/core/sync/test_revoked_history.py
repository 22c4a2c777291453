"""A revoked laptop's work made before it was revoked, already delivered to the organisation,
stays and travels on (found by the stateful test: relays refused it as "signed by a device
that is not certified here", so laptops that had not met the revoked one never received it and
the organisation never converged). What it signs after the revocation is refused."""

from __future__ import annotations

from pathlib import Path

from cmdesk.core.sync import batches
from tests.core.sync.conftest import Net, exchange, sync
from tests.core.sync.records import add_child, add_note
from tests.core.sync.test_stateful import has_row


def test_work_delivered_before_a_revocation_reaches_the_other_laptops(net: Net) -> None:
    exchange(net.a2, net.a1)
    exchange(net.a3, net.a1)
    before = add_child(net.a2)
    exchange(net.a2, net.a1)  # delivered to the data manager's computer, not to a3
    sync(net.a1).revoke(sync(net.a2).keys().device.device_id)
    exchange(net.a1, net.a3)
    assert has_row(net.a3, "child", before)
    assert sync(net.a1).state_hash() == sync(net.a3).state_hash()
    assert sync(net.a3).status().trouble.refused == ()


def test_what_a_revoked_laptop_signs_later_is_refused_from_relays(net: Net) -> None:
    exchange(net.a2, net.a1)
    exchange(net.a3, net.a1)
    sync(net.a1).revoke(sync(net.a2).keys().device.device_id)
    after = add_child(net.a2)  # the lost laptop goes on, and reaches a3 before the news does
    exchange(net.a2, net.a3)
    assert has_row(net.a3, "child", after)
    exchange(net.a3, net.a1)
    assert not has_row(net.a1, "child", after)
    refused = sync(net.a1).status().trouble.refused
    assert [r.reason for r in refused] == [batches.UNCERTIFIED_ORIGIN]


def test_the_kept_changes_are_part_of_what_the_organisation_signed(net: Net) -> None:
    import dataclasses

    from cmdesk.core.sync.certs import Revocation

    org = sync(net.a1).keys().org
    assert org.sign_secret is not None
    revocation = Revocation.issue(org.sign_secret, org.identity.org_id, "d", (1, 5))
    assert Revocation.from_json(revocation.to_json()).signed_by(org.identity.sign_public)
    for kept in ((1, 9), ()):
        widened = dataclasses.replace(revocation, kept=kept)
        assert not widened.signed_by(org.identity.sign_public)


def test_the_office_cannot_revoke_an_identity_it_continues(net: Net) -> None:
    """The office vault copied (a VM snapshot): the office took a new identity and the copy
    goes on under the old id. Revoking that id would revoke the office itself (its chain
    passes through it), so it is refused like revoking this laptop's own id."""
    import pytest

    from cmdesk.core.errors import ValidationError
    from cmdesk.core.sync import reidentify
    from cmdesk.core.sync import rejections as rej

    old = sync(net.a1).keys().device.device_id
    exchange(net.a1, net.a2)
    exchange(net.a2, net.a1)
    reidentify.take_successor_identity(sync(net.a1), reidentify.FORKED)
    with pytest.raises(ValidationError) as exc:
        sync(net.a1).revoke(old)
    assert exc.value.errors[0].msgid == rej.REVOKE_SELF


def test_a_copy_s_work_under_its_new_identity_stays_when_the_original_is_revoked(
    net: Net, tmp_path: Path
) -> None:
    """Found by the stateful model copying field laptops: a3's vault was copied, the copy met
    a3's later work, took a new identity (certified by a3's key) and reported to the office;
    then a3 was lost and revoked, with the copy's identity. What the office held of the copy's
    new identity was kept by the revocation, but laptops that had not met the copy refused it
    for ever: its certificate chain passes through a3, revoked, and only the copy itself was
    let through for its kept changes. The organisation never converged."""
    from tests.core.sync.test_copied_vault import case_on_three_laptops, copy_laptop

    _child, case = case_on_three_laptops(net)
    copy = copy_laptop(net, "a3", tmp_path / "copy")
    try:
        note = add_note(net.a3, case, "relayed")
        exchange(net.a3, copy)  # the copy sees its own id go further: a new identity
        assert copy.device_id != net.a3.device_id
        exchange(copy, net.a1)
        exchange(net.a2, net.a1)
        sync(net.a1).revoke(sync(net.a3).keys().device.device_id)
        exchange(net.a1, net.a2)
        assert has_row(net.a2, "case_note", note)
        assert sync(net.a2).status().trouble.refused == ()
        assert sync(net.a1).state_hash() == sync(net.a2).state_hash()
    finally:
        copy.close()
