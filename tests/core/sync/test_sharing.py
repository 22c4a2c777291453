"""A partner receives only what is shared with it, and only while the sharing holds."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from cmdesk.core.errors import ConsentRequired
from cmdesk.core.i18n import translator
from cmdesk.core.model import AuditEntry, Child, Referral, org_id_for
from cmdesk.core.model.referral import SharedSection
from cmdesk.core.sync.resolution import open_conflicts
from cmdesk.core.sync.sharing import CASE_LINKED, CHILD_LINKED, SECTIONS
from cmdesk.core.vault.crypto import weak_kdf_for_tests
from cmdesk.core.workspace import Workspace
from tests.core.sync.conftest import Net, exchange, sync
from tests.core.sync.records import (
    PARTNER,
    add_case,
    add_child,
    add_consent,
    add_note,
    add_referral,
    edit,
    field,
    rows,
    withdraw_consent,
)
from tests.core.sync.test_stateful import expand


def test_sections_share_only_records_the_filter_can_link_to_the_case() -> None:
    # What each column is (shared by which section, or never) is decided in the field catalog,
    # which a test keeps complete (tests/core/model/test_catalog.py).
    for section, tables in SECTIONS.items():
        for name in tables:
            assert name in CHILD_LINKED + CASE_LINKED + ("child", "case_file"), (section, name)
    assert set(SECTIONS) <= {s.value for s in SharedSection}
    shared = {f for tables in SECTIONS.values() for fields in tables.values() for f in fields}
    # School and health stay with the organisation, and so does its workflow.
    assert not shared & {"school_status", "disability", "disability_details", "stage", "team"}


def as_partner_case_manager(net: Net) -> None:
    """ECPAT's laptop opened by its case manager, som, who reads what referrals share."""
    net.p1.users.add("som", "partner's passphrase", "case_manager", kdf=weak_kdf_for_tests())
    net.p1.close()
    net.p1 = Workspace.open(net.root / "p1", "som", "partner's passphrase")


def known_fields(ws: Any, table: str, row_id: str) -> set[str]:
    import json

    from sqlalchemy import text

    with ws.ctx.read() as s:
        clocks = s.execute(
            text("SELECT clocks FROM sync_row WHERE tbl = :t AND row_id = :r"),
            {"t": table, "r": row_id},
        ).scalar()
    return expand(table, json.loads(clocks)) if clocks else set()


def test_a_referral_with_consent_shares_only_its_sections(net: Net) -> None:
    child = add_child(net.a1, nickname="Fah", disability_details="private health note")
    case = add_case(net.a1, child, risk_reason="why", team="north")
    note = add_note(net.a1, case, "home visit notes")
    other_child = add_child(net.a1, nickname="Not referred")
    consent = add_consent(net.a1, child, case)
    ref = add_referral(net.a1, case, child, ["identity", "concerns_and_risk"], consent)
    exchange(net.a1, net.p1, PARTNER)
    assert field(net.p1, "child", child, "nickname") == "Fah"
    assert field(net.p1, "case_file", case, "risk_reason") == "why"
    assert field(net.p1, "referral", ref, "status") == "sent"
    got = known_fields(net.p1, "child", child)
    assert "nickname" in got and "disability_details" not in got and "village" not in got
    assert "team" not in known_fields(net.p1, "case_file", case)
    assert field(net.p1, "child", child, "disability_details") == ""  # never sent
    assert note not in rows(net.p1, "case_note")
    assert other_child not in rows(net.p1, "child")
    assert rows(net.p1, "audit_entry").keys().isdisjoint(rows(net.a1, "audit_entry").keys())


def test_a_referral_without_consent_shares_nothing(net: Net) -> None:
    child = add_child(net.a1)
    case = add_case(net.a1, child)
    add_referral(net.a1, case, child, ["identity", "notes"], None)
    exchange(net.a1, net.p1, PARTNER)
    assert child not in rows(net.p1, "child")
    assert case not in rows(net.p1, "case_file")


def test_withdrawn_consent_stops_further_sharing(net: Net) -> None:
    child = add_child(net.a1, nickname="before")
    case = add_case(net.a1, child)
    consent = add_consent(net.a1, child, case)
    add_referral(net.a1, case, child, ["identity"], consent)
    exchange(net.a1, net.p1, PARTNER)
    withdraw_consent(net.a1, consent)
    edit(net.a1, Child, child, nickname="after")
    exchange(net.a1, net.p1, PARTNER)
    assert field(net.p1, "child", child, "nickname") == "before"
    # The withdrawal itself reaches the partner, when but not why.
    assert field(net.p1, "consent", consent, "withdrawn_at") is not None
    assert field(net.p1, "consent", consent, "withdrawn_reason") == ""


def test_a_consent_withdrawn_before_the_first_bundle_reaches_the_partner_as_withdrawn(
    net: Net,
) -> None:
    child = add_child(net.a1, nickname="never sent")
    case = add_case(net.a1, child)
    consent = add_consent(net.a1, child, case)
    add_referral(net.a1, case, child, ["identity"], consent)
    withdraw_consent(net.a1, consent)
    data, _ = sync(net.a1).export(PARTNER)
    result = sync(net.p1).import_bundle(data)
    # Nothing waits at the partner for a record that will never come.
    assert result.waiting_for_records == 0 and not result.refused
    held = rows(net.p1, "consent")[consent]
    assert held["withdrawn_at"] is not None and held["child_id"] == child
    assert held["giver_name"] == "" and held["withdrawn_reason"] == ""  # who and why stay
    assert child not in rows(net.p1, "child")
    assert net.p1.vault_check.check().ok  # a consent of a child it does not hold is no fault


def test_a_consent_given_again_to_that_partner_resumes_the_referral_s_sharing(
    net: Net,
) -> None:
    child = add_child(net.a1, nickname="before")
    case = add_case(net.a1, child)
    consent = add_consent(net.a1, child, case)
    ref = add_referral(net.a1, case, child, ["identity"], consent)
    exchange(net.a1, net.p1, PARTNER)
    as_partner_case_manager(net)
    withdraw_consent(net.a1, consent)
    edit(net.a1, Child, child, nickname="between")
    # Consent to share with another organisation is no basis for sharing with ECPAT.
    add_consent(net.a1, child, case, to_org=org_id_for("ADRA"))
    exchange(net.a1, net.p1, PARTNER)
    assert field(net.p1, "child", child, "nickname") == "before"
    assert net.p1.referrals.get(ref).consent_withdrawn_at is not None

    again = add_consent(net.a1, child, case)
    exchange(net.a1, net.p1, PARTNER)
    assert field(net.p1, "child", child, "nickname") == "between"
    assert field(net.p1, "consent", again, "withdrawn_at") is None
    assert net.p1.referrals.get(ref).consent_withdrawn_at is None  # the basis stands again


def test_the_partner_stops_showing_what_a_withdrawn_consent_shared(net: Net) -> None:
    child = add_child(net.a1, nickname="Fah")
    case = add_case(net.a1, child, risk_reason="alone at home")
    consent = add_consent(net.a1, child, case)
    ref = add_referral(net.a1, case, child, ["identity", "concerns_and_risk"], consent)
    exchange(net.a1, net.p1, PARTNER)
    as_partner_case_manager(net)

    facts = {
        label: text for g in net.p1.reports.referral_facts(ref, lang="en") for label, text in g.rows
    }
    assert facts["Nickname"] == "Fah" and facts["Why this risk level"] == "alone at home"
    assert net.p1.referrals.get(ref).consent_withdrawn_at is None

    withdraw_consent(net.a1, consent)
    exchange(net.a1, net.p1, PARTNER)
    assert net.p1.referrals.get(ref).consent_withdrawn_at is not None
    for read in (
        lambda: net.p1.reports.referral_facts(ref, lang="th"),
        lambda: net.p1.reports.referral_slip(ref, lang="th"),
    ):
        with pytest.raises(ConsentRequired) as refused:
            read()
        assert refused.value.message(translator("th")) == (
            "ครอบครัวถอนความยินยอมให้ส่งข้อมูลเคสนี้ให้ ECPAT แล้ว ข้อมูลที่ส่งต่อมาจึงไม่แสดงและพิมพ์อีก"
        )


def test_the_partner_opens_its_case_from_what_this_referral_shares_while_consent_stands(
    net: Net,
) -> None:
    child = add_child(net.a1, nickname="Fah", legal_status="stateless", id_number="G123")
    case = add_case(net.a1, child, risk_reason="alone at home")
    consent = add_consent(net.a1, child, case)
    ref = add_referral(net.a1, case, child, ["identity"], consent)
    # Another referral gives ECPAT the legal status: not this referral's to pass on.
    other = add_referral(net.a1, case, child, ["legal_status"], consent)
    exchange(net.a1, net.p1, PARTNER)
    as_partner_case_manager(net)
    assert field(net.p1, "child", child, "id_number") == "G123"
    assert "open_case" not in net.p1.referrals.get(ref).actions  # not accepted yet
    net.p1.referrals.accept(ref)
    assert "open_case" in net.p1.referrals.get(ref).actions
    assert "open_case" not in net.p1.referrals.get(other).actions

    intake = net.p1.referrals.intake(ref)
    assert (intake.child.nickname, intake.child.given_name_th) == ("Fah", "มะลิ")
    assert intake.child.id_number == "" and intake.child.legal_status == "unknown"
    assert intake.child.village == "" and intake.risk_reason == ""  # not shared either
    with net.p1.ctx.read() as s:
        read = s.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == ref)).all()
    assert "referral.intake.read" in read

    withdraw_consent(net.a1, consent)
    exchange(net.a1, net.p1, PARTNER)
    assert "open_case" not in net.p1.referrals.get(ref).actions
    with pytest.raises(ConsentRequired) as refused:
        net.p1.referrals.intake(ref)
    assert "ครอบครัวถอนความยินยอม" in refused.value.message(translator("th"))
    with pytest.raises(ConsentRequired):
        net.p1.children.register_child(intake.child, for_referral=ref)


def test_the_partner_reads_the_notes_a_referral_shares_audited_while_consent_stands(
    net: Net,
) -> None:
    child = add_child(net.a1, nickname="Fah")
    case = add_case(net.a1, child)
    add_note(net.a1, case, "grandmother cares well")
    consent = add_consent(net.a1, child, case)
    with_notes = add_referral(net.a1, case, child, ["identity", "notes"], consent)
    without = add_referral(net.a1, case, child, ["identity"], consent)
    exchange(net.a1, net.p1, PARTNER)
    as_partner_case_manager(net)

    assert [n.body for n in net.p1.reports.referral_notes(with_notes)] == ["grandmother cares well"]
    assert net.p1.reports.referral_notes(without) == []  # held, but not shared by this one
    with net.p1.ctx.read() as s:
        reads = s.scalars(select(AuditEntry).where(AuditEntry.action == "referral.notes.read"))
        assert [(e.actor, e.entity_id) for e in reads] == [("som", with_notes)]

    withdraw_consent(net.a1, consent)
    exchange(net.a1, net.p1, PARTNER)
    with pytest.raises(ConsentRequired):
        net.p1.reports.referral_notes(with_notes)


def test_withdrawn_referral_stops_sharing_and_a_relay_cannot_widen_it(net: Net) -> None:
    child = add_child(net.a1, nickname="x")
    case = add_case(net.a1, child)
    consent = add_consent(net.a1, child, case)
    ref = add_referral(net.a1, case, child, ["identity"], consent)
    exchange(net.a1, net.a2)
    edit(net.a1, Referral, ref, status="withdrawn")
    exchange(net.a1, net.a2)
    edit(net.a2, Child, child, nickname="y")
    # a2 exports for the partner: the referral is withdrawn there too.
    exchange(net.a2, net.p1, PARTNER)
    assert child not in rows(net.p1, "child")


def test_partner_work_on_a_referral_comes_back(net: Net) -> None:
    child = add_child(net.a1)
    case = add_case(net.a1, child)
    consent = add_consent(net.a1, child, case)
    ref = add_referral(net.a1, case, child, ["identity"], consent)
    exchange(net.a1, net.p1, PARTNER)
    edit(net.p1, Referral, ref, status="accepted")
    # A partner cannot relay WVFT's own operations (authority.py): a3 that has not yet
    # heard of the referral does not get it from the partner...
    exchange(net.p1, net.a3, "WVFT")
    assert ref not in rows(net.a3, "referral")
    # ...but once it holds it from its own organisation, the partner's answer arrives.
    exchange(net.a1, net.a3)
    exchange(net.p1, net.a3, "WVFT")
    assert field(net.a3, "referral", ref, "status") == "accepted"
    # The partner's own records never travel to us unless referred.
    theirs = add_child(net.p1)
    exchange(net.p1, net.a3, "WVFT")
    assert theirs not in rows(net.a3, "child")
    assert open_conflicts(sync(net.a3)) == []


def test_sections_shared_over_several_referrals_arrive_in_either_order(net: Net) -> None:
    """A partner holds some fields of a change and then receives others of the same change:
    whether they lie after (address after identity) or before (identity after address) those
    held, the import applies them and later bundles still import (issue 10, 5a: the second
    referral's bundle failed on the change log's unique key, and so did every later one)."""
    first = add_child(net.a1, nickname="Fah", village="บ้านป่า")
    second = add_child(net.a1, nickname="Dao", village="บ้านดอย")
    for child, order in ((first, ["identity", "address"]), (second, ["address", "identity"])):
        case = add_case(net.a1, child, risk_reason="why")
        consent = add_consent(net.a1, child, case)
        for section in order:
            add_referral(net.a1, case, child, [section], consent)
            exchange(net.a1, net.p1, PARTNER)
            # The partner's bundle back tells a1 what it holds: a1 then sends only the rest.
            exchange(net.p1, net.a1, "WVFT")
    for child, nickname, village in ((first, "Fah", "บ้านป่า"), (second, "Dao", "บ้านดอย")):
        assert field(net.p1, "child", child, "nickname") == nickname
        assert field(net.p1, "child", child, "village") == village
    edit(net.a1, Child, second, nickname="Dao Dao")
    exchange(net.a1, net.p1, PARTNER)
    assert field(net.p1, "child", second, "nickname") == "Dao Dao"
