"""Certificate chains (organisation → enrolment key → device → successor) and the refusals a
user would meet: a forged chain on import, an expired enrolment file, a joined laptop asked to
do what only the organisation's own computer can, an identity file that would hijack a
partner."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from nacl.signing import SigningKey

from cmdesk.core.errors import BundleRejected, PermissionDenied, ValidationError
from cmdesk.core.model.base import new_id
from cmdesk.core.model.org import org_id_for
from cmdesk.core.sync import bundle_format, keystore, payload
from cmdesk.core.sync import rejections as rej
from cmdesk.core.sync.certs import (
    ChainRefused,
    DeviceCert,
    EnrolCert,
    Link,
    now_text,
    verify_chain,
)
from cmdesk.core.sync.keys import (
    DeviceKeys,
    Enrolment,
    OrgIdentity,
    OrgKeys,
    b64,
    open_enrolment,
    seal_enrolment,
    successor_identity,
    unseal_enrolment,
)
from cmdesk.core.sync.tables import SCHEMA_VERSION
from cmdesk.core.workspace import Workspace
from tests.core.sync.conftest import Net, sync
from tests.core.sync.records import add_child

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def org_keys(code: str = "WVFT") -> OrgKeys:
    return OrgKeys.generate(org_id_for(code), code, "", "")


def enrolment(org: OrgKeys, role: str = "field_worker", at: datetime = NOW) -> Enrolment:
    return Enrolment.issue(org, new_id(), role, (), now=at)


def verify(org: OrgKeys, device: DeviceKeys, revoked: frozenset[str] = frozenset()) -> str | None:
    ident = org.identity
    return verify_chain(device.chain, device.cert, ident.org_id, ident.sign_public, revoked).role


def refusal(org: OrgKeys, chain: tuple[Link, ...], cert: DeviceCert) -> str:
    with pytest.raises(ChainRefused) as exc:
        verify_chain(chain, cert, org.identity.org_id, org.identity.sign_public)
    return exc.value.reason


# -- chains ------------------------------------------------------------------------------


def test_two_laptops_joining_with_one_enrolment_get_their_own_certified_identities() -> None:
    org = org_keys()
    enrol = enrolment(org, "case_manager")
    b, c = enrol.new_device(NOW), enrol.new_device(NOW)
    assert b.device_id != c.device_id and b.cert.sign_public != c.cert.sign_public
    assert verify(org, b) == verify(org, c) == "case_manager"
    # The organisation's own laptop: a chain of one, no role limit.
    assert verify(org, DeviceKeys.generate(org, new_id())) is None


def test_a_device_signed_by_an_enrolment_key_the_organisation_never_certified_is_refused() -> None:
    org, other = org_keys(), org_keys()
    stranger = enrolment(other)  # same organisation id, but certified by another key
    device = stranger.new_device(NOW)
    assert refusal(org, device.chain, device.cert) == "signature"
    # The genuine enrolment certificate with a device signed by a different (unknown) key.
    genuine = enrolment(org)
    forged = DeviceCert.issue(
        SigningKey.generate().encode(),
        new_id(),
        org.identity.org_id,
        bytes(SigningKey.generate().verify_key),
        role=genuine.role,
        issuer=genuine.enrol_cert.enrol_id,
    )
    assert refusal(org, (genuine.enrol_cert,), forged) == "signature"


def test_an_enrolment_certificate_not_signed_by_the_organisation_is_refused() -> None:
    org = org_keys()
    key = SigningKey.generate()
    self_signed = EnrolCert.issue(
        bytes(key),
        new_id(),
        org.identity.org_id,
        bytes(key.verify_key),
        role="data_manager",
        issued_at=NOW,
        expires_at=NOW + timedelta(days=14),
    )
    device = Enrolment(org, bytes(key), self_signed, ()).new_device(NOW)
    assert refusal(org, device.chain, device.cert) == "signature"


def test_a_device_certified_after_its_enrolment_expired_is_refused() -> None:
    org = org_keys()
    enrol = enrolment(org, at=NOW)
    late = enrol.new_device(NOW + timedelta(days=15))
    assert refusal(org, late.chain, late.cert) == "expired"
    early = enrol.new_device(NOW - timedelta(days=1))
    assert refusal(org, early.chain, early.cert) == "expired"
    assert verify(org, enrol.new_device(NOW + timedelta(days=13))) == "field_worker"


def test_a_role_cannot_be_raised_along_the_chain() -> None:
    org = org_keys()
    enrol = enrolment(org, "field_worker")
    upgraded = DeviceCert.issue(
        enrol.enrol_secret,
        new_id(),
        org.identity.org_id,
        bytes(SigningKey.generate().verify_key),
        role="data_manager",
        issuer=enrol.enrol_cert.enrol_id,
        issued_at=NOW.isoformat(),
    )
    assert refusal(org, (enrol.enrol_cert,), upgraded) == "order"


def test_successor_identities_chain_from_the_current_device_without_the_organisation_key() -> None:
    org = org_keys()
    joined = enrolment(org, "supervisor").new_device(NOW)
    first = successor_identity(joined)
    second = successor_identity(first)
    assert len({joined.device_id, first.device_id, second.device_id}) == 3
    assert verify(org, second) == "supervisor"
    assert [link.org_id for link in second.chain] == [org.identity.org_id] * 3
    # Any revoked link above it refuses the successor too.
    with pytest.raises(ChainRefused) as exc:
        verify(org, second, revoked=frozenset({joined.device_id}))
    assert exc.value.reason == "revoked"
    # The organisation's own laptop can re-identify as well.
    assert verify(org, successor_identity(DeviceKeys.generate(org, new_id()))) is None
    # A successor signed by a key that is not its predecessor's is refused.
    impostor = DeviceKeys(first.device_id, SigningKey.generate().encode(), first.cert, first.chain)
    forged = successor_identity(impostor)
    assert refusal(org, forged.chain, forged.cert) == "signature"


def test_chains_survive_their_json_form() -> None:
    from cmdesk.core.sync.certs import chain_from_json, chain_to_json

    org = org_keys()
    device = successor_identity(enrolment(org).new_device(NOW))
    again = chain_from_json(json.loads(json.dumps(chain_to_json((*device.chain, device.cert)))))
    assert again == (*device.chain, device.cert)


# -- enrolment files ------------------------------------------------------------------------


@pytest.fixture
def cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    from cmdesk.core.sync import keys

    monkeypatch.setattr(keys, "ENROL_OPS", 1)
    monkeypatch.setattr(keys, "ENROL_MEM", 8192)


def test_an_enrolment_file_holds_no_organisation_certification_key(cheap_kdf: None) -> None:
    org = org_keys()
    data = seal_enrolment(enrolment(org), "AAAAA-BBBBB")
    plain = unseal_enrolment(data, "aaaaa bbbbb")
    assert org.sign_secret is not None
    assert b64(org.sign_secret).encode() not in plain
    assert open_enrolment(data, "AAAAABBBBB", now=NOW).org.sign_secret is None


def test_an_expired_enrolment_file_is_refused(cheap_kdf: None) -> None:
    data = seal_enrolment(enrolment(org_keys(), at=NOW), "AAAAA-BBBBB")
    with pytest.raises(ValidationError) as exc:
        open_enrolment(data, "AAAAA-BBBBB", now=NOW + timedelta(days=15))
    assert exc.value.errors[0].msgid == rej.ENROL_EXPIRED


# -- on the vaults of a network ---------------------------------------------------------


def test_a_joined_laptop_holds_no_organisation_certification_key(net: Net) -> None:
    for ws in (net.a2, net.a3):
        with sync(ws).store.read() as db:
            held = keystore.held_key_names(db)
        assert held == {
            "device": True,
            "device_cert": False,
            "device_chain": False,
            "org_box": True,
            "org_sign": False,
        }
        assert not sync(ws).holds_org_certifying_key()
        for action in (sync(ws).identity_file, sync(ws).enrolment_file):
            with pytest.raises(PermissionDenied) as exc:
                action()
            assert exc.value.text_id == rej.ORG_KEY_ELSEWHERE
    assert sync(net.a1).holds_org_certifying_key()
    assert sync(net.a2).keys().device.device_id != sync(net.a3).keys().device.device_id


def bundle_from(net: Net, device: DeviceKeys, **extra: object) -> bytes:
    """An empty bundle to WVFT made outside the engine by `device`."""
    ident = sync(net.a1).keys().org.identity
    fields = {
        "format": bundle_format.FORMAT,
        "schema": SCHEMA_VERSION,
        "app": "test",
        "bundle_id": new_id(),
        "created_at": "2026-12-01T00:00:00+00:00",
        "sender_device": device.device_id,
        "sender_org": ident.org_id,
        "cert": device.cert,
        "chain": device.chain,
        "recipient_org": ident.org_id,
        "vector_from": {},
        "vector_to": {},
        "segments": 0,
        "operations": 0,
        **extra,
    }
    body = payload.encode(payload.Payload({}, {}, []))
    return bundle_format.write(fields, body, ident.box_public, device)


def test_forged_chains_are_refused_on_import_and_change_nothing(net: Net) -> None:
    add_child(net.a1)
    org = sync(net.a1).keys().org
    impostor_org = OrgKeys.generate(org.identity.org_id, org.identity.code, "", "")
    forged_enrol = Enrolment.issue(impostor_org, new_id(), "data_manager", ())
    before = sync(net.a2).state_hash()
    with sync(net.a2).store.read() as db:
        devices_before = db.execute("SELECT count(*) FROM sync_device").fetchone()[0]
    for device in (
        forged_enrol.new_device(),
        successor_identity(forged_enrol.new_device()),
        DeviceKeys.generate(impostor_org, new_id()),
    ):
        with pytest.raises(BundleRejected) as exc:
            sync(net.a2).import_bundle(bundle_from(net, device))
        assert exc.value.text_id == rej.UNCERTIFIED_DEVICE
    assert sync(net.a2).state_hash() == before
    with sync(net.a2).store.read() as db:
        assert db.execute("SELECT count(*) FROM sync_device").fetchone()[0] == devices_before
    # A genuine successor of a joined laptop is accepted on its chain alone.
    successor = successor_identity(sync(net.a3).keys().device)
    assert not sync(net.a2).import_bundle(bundle_from(net, successor)).replay


def test_the_real_bundles_of_joined_laptops_carry_their_chain(net: Net) -> None:
    add_child(net.a2)
    data, _ = sync(net.a2).export()
    header = bundle_format.parse(data).header
    assert [type(link) for link in header.chain] == [EnrolCert]
    assert sync(net.a1).import_bundle(data).new > 0
    assert sync(net.a1).state_hash() == sync(net.a2).state_hash()


# -- trust -----------------------------------------------------------------------------


def identity_file(ident: OrgIdentity, keys: OrgKeys) -> bytes:
    return OrgKeys(ident, keys.box_secret, keys.sign_secret).identity_file()


def trusted_rows(ws: Workspace) -> list[tuple[str, str, str]]:
    return sorted((t.org_id, t.code, t.fingerprint) for t in sync(ws).trusted())


def test_an_identity_that_would_take_over_a_trusted_partner_is_refused(net: Net) -> None:
    ecpat = sync(net.p1).keys().org.identity
    before = trusted_rows(net.a1)
    new = org_keys("ECPAT")
    cases = {
        # Same code and id, other keys: a forged ECPAT.
        rej.IDENTITY_CONFLICT: new.identity,
        # ECPAT's id under another code: the id does not follow from the code.
        rej.IDENTITY_ID_MISMATCH: OrgIdentity(
            ecpat.org_id, "EVIL", "", "", new.identity.box_public, new.identity.sign_public
        ),
    }
    for msgid, ident in cases.items():
        with pytest.raises(ValidationError) as exc:
            sync(net.a1).trust(identity_file(ident, new))
        assert exc.value.errors[0].msgid == msgid
        assert "fingerprints" in msgid
    assert trusted_rows(net.a1) == before
    # Trusting the genuine file again changes nothing and is not refused.
    sync(net.a1).trust(sync(net.p1).identity_file())
    assert trusted_rows(net.a1) == before


# -- revocation ----------------------------------------------------------------------------


def test_a_revoked_laptop_is_refused_everywhere_once_the_revocation_arrives(net: Net) -> None:
    from tests.core.sync.conftest import exchange

    lost = sync(net.a2).keys().device.device_id
    exchange(net.a2, net.a1)  # the office has heard from the laptop that is later lost
    exchange(net.a3, net.a1)  # and from the one that stays (it will get the new key)
    with pytest.raises(ValidationError) as bad:
        sync(net.a1).revoke("not-a-device")
    assert bad.value.errors[0].msgid == rej.UNKNOWN_DEVICE
    with pytest.raises(PermissionDenied):
        sync(net.a3).revoke(lost)  # only the organisation's own computer can
    assert sync(net.a1).revoke(lost) == lost

    add_child(net.a2)
    from_lost, _ = sync(net.a2).export()
    for_partner, _ = sync(net.a2).export("ECPAT")
    exchange(net.a1, net.a3)
    exchange(net.a1, net.p1, "ECPAT")
    # Once the revocation has arrived, the lost laptop's bundles are refused by its own
    # organisation and by partners, and change nothing.
    for ws, data in ((net.a1, from_lost), (net.a3, from_lost), (net.p1, for_partner)):
        state = sync(ws).state_hash()
        with pytest.raises(BundleRejected) as exc:
            sync(ws).import_bundle(data)
        assert exc.value.text_id == rej.REVOKED_DEVICE
        assert sync(ws).state_hash() == state
    # A successor identity does not escape its revoked predecessor.
    escaped = successor_identity(sync(net.a2).keys().device)
    with pytest.raises(BundleRejected) as exc:
        sync(net.a3).import_bundle(bundle_from(net, escaped))
    assert exc.value.text_id == rej.REVOKED_DEVICE


def test_a_revocation_not_signed_by_the_organisation_is_ignored(net: Net) -> None:
    from cmdesk.core.sync.certs import Revocation

    victim = sync(net.a3).keys().device
    impostor = org_keys()
    assert impostor.sign_secret is not None
    forged = Revocation.issue(impostor.sign_secret, impostor.identity.org_id, victim.device_id)
    sender = sync(net.a2).keys().device
    data = bundle_from(net, sender, revocations=(forged,))
    assert not sync(net.a1).import_bundle(data).replay
    with sync(net.a1).store.read() as db:
        assert keystore.revocations(db) == ()
    add_child(net.a3)
    data, _ = sync(net.a3).export()
    assert sync(net.a1).import_bundle(data).new > 0


def test_after_a_revocation_new_bundles_are_closed_to_the_revoked_laptop(net: Net) -> None:
    from tests.core.sync.conftest import exchange

    exchange(net.a2, net.a1)
    exchange(net.a3, net.a1)
    add_child(net.a1)
    made_before, _ = sync(net.a1).export()
    old_fingerprint = sync(net.a1).keys().org.identity.fingerprint()
    sync(net.a1).revoke(sync(net.a2).keys().device.device_id)
    assert sync(net.a1).keys().org.identity.fingerprint() != old_fingerprint

    add_child(net.a1)
    made_after, _ = sync(net.a1).export()
    # The laptop still in the organisation receives the new key in the bundle and reads it…
    assert sync(net.a3).import_bundle(made_after).new > 0
    assert sync(net.a3).keys().org.box_secret == sync(net.a1).keys().org.box_secret
    # …and a bundle sealed before the rotation still opens there.
    assert not sync(net.a3).import_bundle(made_before).replay
    # The revoked laptop cannot open bundles made after the rotation, by anyone.
    state = sync(net.a2).state_hash()
    add_child(net.a3)
    from_a3, _ = sync(net.a3).export()
    for data in (made_after, from_a3):
        with pytest.raises(BundleRejected) as exc:
            sync(net.a2).import_bundle(data)
        assert exc.value.text_id == rej.NO_NEW_ORG_KEY
    assert sync(net.a2).state_hash() == state
    assert sync(net.a1).import_bundle(from_a3).new > 0

    # A partner learns the new key from a bundle and seals its next bundles to it.
    exchange(net.a1, net.p1, "ECPAT")
    assert sync(net.p1).trusted()[1].fingerprint == sync(net.a1).keys().org.identity.fingerprint()
    from_partner, _ = sync(net.p1).export("WVFT")
    assert not sync(net.a3).import_bundle(from_partner).replay
    with pytest.raises(BundleRejected) as exc:
        sync(net.a2).import_bundle(from_partner)
    assert exc.value.text_id == rej.NO_NEW_ORG_KEY
    # The identity file made before the rotation does not take the partner back to the old key.
    sync(net.p1).trust(identity_before := sync(net.a1).identity_file())
    assert identity_before
    assert sync(net.p1).trusted()[1].fingerprint == sync(net.a1).keys().org.identity.fingerprint()


def test_a_laptop_joining_later_receives_everything_in_its_first_bundle(
    net: Net, cheap_kdf: None
) -> None:
    from cmdesk.core.vault import crypto
    from cmdesk.core.workspace import Workspace
    from tests.conftest import ADMIN, ADMIN_PASS
    from tests.core.sync.conftest import exchange

    add_child(net.a1)
    for ws in (net.a2, net.a3):
        exchange(ws, net.a1)
        exchange(net.a1, ws)
    # Every laptop the office knows holds everything: a bundle for them alone would be empty.
    data, passphrase = sync(net.a1).enrolment_file("case_manager")
    late = Workspace.join(
        net.root / "a4",
        data,
        passphrase,
        username=ADMIN,
        passphrase=ADMIN_PASS,
        kdf=crypto.weak_kdf_for_tests(),
    )
    try:
        exchange(net.a1, late)
        assert sync(late).state_hash() == sync(net.a1).state_hash()
        # Once it has reported, bundles for the organisation are back to what is missing.
        exchange(late, net.a1)
        with sync(net.a1).store.read() as db:
            assert not keystore.enrolments_waiting(db, now_text())
    finally:
        late.close()


def test_after_the_organisation_key_is_rotated_the_old_key_opens_no_new_bundle(net: Net) -> None:
    from cmdesk.core.sync import bundle_crypto
    from tests.core.sync.conftest import exchange

    exchange(net.a2, net.a1)
    leaked = sync(net.a2).keys().org.box_secret  # as in every enrolment file made so far
    with pytest.raises(PermissionDenied):
        sync(net.a2).rotate_org_key()
    assert sync(net.a1).rotate_org_key() == 1
    add_child(net.a1)
    data, _ = sync(net.a1).export()
    assert bundle_crypto.open_key(leaked, bundle_format.parse(data).header.sealed_key) is None
    assert sync(net.a2).import_bundle(data).new > 0
    assert sync(net.a2).keys().org.box_secret != leaked
    assert sync(net.a2).state_hash() == sync(net.a1).state_hash()


def test_more_laptops_than_an_enrolment_file_was_made_for_are_shown_to_the_data_manager(
    net: Net, cheap_kdf: None
) -> None:
    from cmdesk.core.vault import crypto
    from cmdesk.core.workspace import Workspace
    from tests.conftest import ADMIN, ADMIN_PASS
    from tests.core.sync.conftest import exchange

    data, passphrase = sync(net.a1).enrolment_file("field_worker", laptops=1)
    joined = [
        Workspace.join(
            net.root / n,
            data,
            passphrase,
            username=ADMIN,
            passphrase=ADMIN_PASS,
            kdf=crypto.weak_kdf_for_tests(),
        )
        for n in ("a4", "a5")
    ]
    try:
        exchange(joined[0], net.a1)
        assert sync(net.a1).status().overused_enrolments == ()
        exchange(joined[1], net.a1)  # accepted (its own identity), but shown
        (overused,) = sync(net.a1).status().overused_enrolments
        assert overused.laptops == 1
        assert set(overused.devices) == {ws.device_id for ws in joined}
        sync(net.a1).revoke(overused.enrol_id)  # every laptop joined with the file
        assert sync(net.a1).status().overused_enrolments == ()
        with sync(net.a1).store.read() as db:
            named = {r.subject for r in keystore.revocations(db)}
        assert named == {overused.enrol_id, *overused.devices}
        with pytest.raises(BundleRejected) as exc:
            exchange(joined[1], net.a1)
        assert exc.value.text_id == rej.REVOKED_DEVICE
    finally:
        for ws in joined:
            ws.close()
