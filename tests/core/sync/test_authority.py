"""The authority rules over decoded changes: what a partner may write (its answer on a
referral addressed to it, its own feedback) and what it may not (anything else of ours, or
another organisation's operations relayed)."""

from __future__ import annotations

from cmdesk.core.sync import authority
from cmdesk.core.sync.authority import Facts, Owner
from cmdesk.core.sync.oplog import Change
from cmdesk.core.sync.vectors import RangeSet

OWN, PARTNER = "org-wvft", "org-frc"
OFFICE, FRC_LAPTOP = "dev-office", "dev-frc"
HELD = {
    ("referral", "ref-1"): Owner(OWN, PARTNER),
    ("case_file", "case-1"): Owner(OWN),
}


def change(origin: str, seq: int, tbl: str, row_id: str, **values: object) -> Change:
    return Change(
        origin, seq, 1, tbl, row_id, 0, 1, None, names=tuple(values), values=[*values.values()]
    )


def facts(held: dict[str, RangeSet] | None = None) -> Facts:
    return Facts(
        own_org=OWN,
        sender_org=PARTNER,
        sender_device=FRC_LAPTOP,
        device_orgs={OFFICE: OWN, FRC_LAPTOP: PARTNER},
        held=held or {},
        owner=lambda tbl, row_id: HELD.get((tbl, row_id)),
    )


def reasons(*changes: Change, held: dict[str, RangeSet] | None = None) -> list[str | None]:
    verdict = authority.check([list(changes)], facts(held))
    refused = {(r.origin, r.seq): r.reason for r in verdict.refused}
    return [refused.get((c.origin, c.seq)) for c in changes]


def test_a_partner_answers_a_referral_addressed_to_it_and_nothing_more() -> None:
    answer = change(FRC_LAPTOP, 1, "referral", "ref-1", status="accepted")
    widened = change(FRC_LAPTOP, 2, "referral", "ref-1", shared_sections='["legal_status"]')
    feedback = change(
        FRC_LAPTOP, 3, "referral_event", "ev-1", org_id=PARTNER, referral_id="ref-1",
        case_id="case-1", kind="feedback",
    )  # fmt: skip
    note_on_case = change(FRC_LAPTOP, 4, "case_note", "n-1", org_id=PARTNER, case_id="case-1")
    risk = change(FRC_LAPTOP, 5, "case_file", "case-1", risk_level="low")
    assert reasons(answer, widened, feedback, note_on_case, risk) == [
        None,
        authority.REFERRAL_FIELDS,
        None,
        authority.CREATED_INSIDE,
        authority.NOT_OWNER,
    ]


def test_a_partner_cannot_relay_our_operations_unless_we_already_hold_them() -> None:
    ours = change(OFFICE, 7, "case_file", "case-1", risk_level="low")
    assert reasons(ours) == [authority.FOREIGN_ORIGIN]
    assert reasons(ours, held={OFFICE: RangeSet([(1, 10)])}) == [None]


def test_a_partner_creates_only_its_own_records() -> None:
    own_child = change(FRC_LAPTOP, 1, "child", "c-9", org_id=PARTNER, nickname="x")
    then_edit = change(FRC_LAPTOP, 2, "child", "c-9", nickname="y")
    nameless = change(FRC_LAPTOP, 3, "child", "c-10", nickname="z")
    assert reasons(own_child, then_edit, nameless) == [None, None, authority.CREATED_INSIDE]
