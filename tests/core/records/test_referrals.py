"""Referrals: consent before sending, each lifecycle step by the right side, every step an
attributed event and an audit entry."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.errors import (
    ConsentRequired,
    PermissionDenied,
    TransitionNotAllowed,
    ValidationError,
)
from cmdesk.core.i18n import translator
from cmdesk.core.model import AuditEntry
from cmdesk.core.services.consents import ConsentDraft
from cmdesk.core.services.referrals import STEPS, ReferralDraft, notes_go_to
from tests.core.records.conftest import Open
from tests.core.records.flows import new_case


def to_ecpat(**changes: object) -> ReferralDraft:
    base: dict[str, object] = {
        "to_org": "ECPAT",
        "service": "legal_aid",
        "reason": "needs a lawyer for the court hearing",
        "shared_sections": ("identity", "concerns_and_risk"),
        "urgency": "urgent",
        "due_date": thai_today() + timedelta(days=14),
    }
    base.update(changes)
    return ReferralDraft(**base)  # type: ignore[arg-type]


def consent_for(as_user: Open, child_id: str, org: str = "ECPAT") -> str:
    draft = ConsentDraft(
        purpose="sharing",
        given_on=thai_today(),
        given_by="guardian",
        giver_name="ผู้ปกครอง",
        method="written",
        shared_with_org=org,
    )
    return as_user("anong").consents.record(child_id, draft).value.id


def sent_referral(as_user: Open) -> str:
    case = new_case(as_user)
    consent_for(as_user, case.child_id)
    referral = as_user("anong").referrals.draft(case.id, to_ecpat()).value
    as_user("anong").referrals.send(referral.id)
    return referral.id


def test_a_referral_cannot_be_sent_without_consent_to_share(as_user: Open) -> None:
    anong = as_user("anong")
    case = new_case(as_user)
    referral = anong.referrals.draft(case.id, to_ecpat()).value
    assert referral.status == "draft" and referral.to_org_code == "ECPAT"
    with pytest.raises(ConsentRequired):
        anong.referrals.send(referral.id)
    assert anong.referrals.get(referral.id).status == "draft"
    # Consent to share with another organisation does not count, nor a withdrawn one.
    consent_for(as_user, case.child_id, "SOS")
    withdrawn = consent_for(as_user, case.child_id)
    anong.consents.withdraw(withdrawn, "changed their mind")
    with pytest.raises(ConsentRequired):
        anong.referrals.send(referral.id)
    consent = consent_for(as_user, case.child_id)
    sent = anong.referrals.send(referral.id).value
    assert sent.status == "sent" and sent.consent_id == consent and sent.override_reason == ""
    assert sent.sent_at is not None


def test_sending_without_consent_needs_a_recorded_override(as_user: Open) -> None:
    anong = as_user("anong")
    case = new_case(as_user)
    referral = anong.referrals.draft(case.id, to_ecpat(urgency="emergency")).value
    sent = anong.referrals.send(referral.id, "child in danger tonight, guardian unreachable")
    assert sent.value.consent_id is None
    assert sent.value.override_reason == "child in danger tonight, guardian unreachable"
    with anong.ctx.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "referral.send")).one()
    assert json.loads(entry.detail)["override"] is True
    assert "danger" not in entry.detail


def test_the_whole_lifecycle_is_timestamped_attributed_and_audited(as_user: Open) -> None:
    referral_id = sent_referral(as_user)
    cm, sup = as_user("ecpat_cm"), as_user("ecpat_sup")
    assert [r.id for r in cm.referrals.incoming()] == [referral_id]
    cm.referrals.acknowledge(referral_id)
    sup.referrals.accept(referral_id, "a lawyer is assigned")
    cm.referrals.add_feedback(referral_id, "first meeting held at the shelter")
    done = sup.referrals.complete(referral_id, "hearing attended").value
    assert done.status == "completed"
    steps = [(e.kind, e.from_status, e.to_status) for e in done.events]
    assert steps == [
        ("transition", None, "draft"),
        ("transition", "draft", "sent"),
        ("transition", "sent", "acknowledged"),
        ("transition", "acknowledged", "accepted"),
        ("feedback", None, None),
        ("transition", "accepted", "completed"),
    ]
    ecpat = cm.actor.org_id
    assert [e.by_org_id for e in done.events][2:] == [ecpat] * 4
    assert done.events[3].by == sup.actor.user_id and done.events[4].text.startswith("first")
    times = [e.at for e in done.events]
    assert times == sorted(times)
    with cm.ctx.read() as s:
        actions = s.scalars(
            select(AuditEntry.action).where(AuditEntry.entity_id == referral_id)
        ).all()
    for action in ("draft", "send", "acknowledge", "accept", "feedback", "complete"):
        assert f"referral.{action}" in actions
    # The sending side sees the answer.
    assert as_user("anong").referrals.get(referral_id).status == "completed"


def test_declining_records_the_reason(as_user: Open) -> None:
    referral_id = sent_referral(as_user)
    with pytest.raises(ValidationError):
        as_user("ecpat_cm").referrals.decline(referral_id, " ")
    declined = as_user("ecpat_cm").referrals.decline(referral_id, "outside our mandate").value
    assert declined.status == "declined" and declined.closing_reason == "outside our mandate"
    with pytest.raises(TransitionNotAllowed):
        as_user("ecpat_cm").referrals.complete(referral_id)


def test_each_side_only_takes_its_own_steps(as_user: Open) -> None:
    referral_id = sent_referral(as_user)
    # The sender cannot answer its own referral...
    for step in ("acknowledge", "accept", "complete"):
        with pytest.raises(PermissionDenied):
            getattr(as_user("anong").referrals, step)(referral_id)
    # ...nor can the receiver's field worker, or an organisation it was not sent to.
    with pytest.raises(PermissionDenied):
        as_user("ecpat_fw").referrals.acknowledge(referral_id)
    assert as_user("ecpat_fw").referrals.incoming() == []
    # The receiver cannot withdraw it; the sender's field worker cannot either.
    with pytest.raises(PermissionDenied):
        as_user("ecpat_cm").referrals.withdraw(referral_id, "x")
    with pytest.raises(PermissionDenied):
        as_user("pim").referrals.withdraw(referral_id, "x")
    withdrawn = as_user("anong").referrals.withdraw(referral_id, "family moved").value
    assert withdrawn.status == "withdrawn"
    with pytest.raises(TransitionNotAllowed):
        as_user("ecpat_cm").referrals.accept(referral_id)


def test_a_draft_is_invisible_to_the_receiver(as_user: Open) -> None:
    case = new_case(as_user)
    draft = as_user("pim").referrals.draft(case.id, to_ecpat()).value  # a field worker drafts
    with pytest.raises(PermissionDenied):
        as_user("ecpat_sup").referrals.get(draft.id)
    assert as_user("ecpat_sup").referrals.incoming() == []
    with pytest.raises(PermissionDenied):
        as_user("pim").referrals.send(draft.id, "override")  # but does not send
    changed = as_user("anong").referrals.update_draft(draft.id, to_ecpat(service="shelter"))
    assert changed.value.service == "shelter"


@pytest.mark.parametrize("step", sorted(STEPS))
def test_steps_from_the_wrong_state_are_refused(as_user: Open, step: str) -> None:
    referral_id = sent_referral(as_user)
    as_user("ecpat_cm").referrals.acknowledge(referral_id)
    as_user("ecpat_cm").referrals.accept(referral_id)
    as_user("ecpat_cm").referrals.complete(referral_id)
    user = "ecpat_cm" if STEPS[step][2] else "anong"
    method = getattr(as_user(user).referrals, step)
    args = ("reason",) if step in ("decline", "withdraw") else ()
    with pytest.raises(TransitionNotAllowed):
        method(referral_id, *args)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"to_org": "WVFT"}, "to_org"),  # its own organisation
        ({"to_org": "NOBODY"}, "to_org"),
        ({"service": "magic"}, "service"),
        ({"urgency": "yesterday"}, "urgency"),
        ({"reason": " "}, "reason"),
        ({"shared_sections": ()}, "shared_sections"),
        ({"shared_sections": ("diary",)}, "shared_sections"),
        ({"due_date": thai_today() - timedelta(days=1)}, "due_date"),
    ],
)
def test_referral_drafts_are_checked(as_user: Open, changes: dict[str, object], field: str) -> None:
    case = new_case(as_user)
    with pytest.raises(ValidationError) as refused:
        as_user("anong").referrals.draft(case.id, to_ecpat(**changes))
    assert {e.field for e in refused.value.errors} == {field}
    assert as_user("anong").referrals.for_case(case.id) == []


def test_every_problem_of_a_draft_is_said_at_once_in_thai(as_user: Open) -> None:
    case = new_case(as_user)
    draft = to_ecpat(to_org="NOBODY", service="magic", shared_sections=())
    for send in (
        lambda: as_user("anong").referrals.draft(case.id, draft),
        lambda: as_user("anong").referrals.draft_and_send(case.id, draft, "court tomorrow"),
    ):
        with pytest.raises(ValidationError) as refused:
            send()
        said = {e.field: e.message(translator("th")) for e in refused.value.errors}
        assert said == {
            "to_org": "กรุณาเลือกหน่วยงานในเครือข่าย",
            "service": "กรุณาเลือกจากรายการที่กำหนด",
            "shared_sections": "กรุณาเลือกข้อมูลที่จะเปิดเผย",
        }
    assert as_user("anong").referrals.for_case(case.id) == []


def test_outgoing_lists_referrals_of_visible_cases(as_user: Open) -> None:
    referral_id = sent_referral(as_user)
    assert [r.id for r in as_user("pim").referrals.outgoing()] == [referral_id]
    assert as_user("ton").referrals.outgoing() == []
    assert [r.id for r in as_user("anong").referrals.outgoing("sent")] == [referral_id]


def test_each_side_is_offered_only_the_steps_it_may_take_now(as_user: Open) -> None:
    rid = sent_referral(as_user)
    answering = {"acknowledge", "accept", "decline", "feedback"}
    assert as_user("ecpat_cm").referrals.get(rid).actions == answering
    assert as_user("anong").referrals.get(rid).actions == {"withdraw"}
    assert as_user("pim").referrals.get(rid).actions == frozenset()  # sees it, cannot act
    as_user("ecpat_cm").referrals.accept(rid, "")
    # Accepted: the partner may take the child into its own caseload (referral_intake).
    assert as_user("ecpat_sup").referrals.get(rid).actions == {"complete", "feedback", "open_case"}
    # every step offered is one the service takes
    as_user("ecpat_sup").referrals.complete(rid, "back in school")
    assert as_user("ecpat_cm").referrals.get(rid).actions == {"feedback"}
    assert as_user("anong").referrals.get(rid).actions == frozenset()
    as_user("ecpat_cm").referrals.add_feedback(rid, "doing well")
    with pytest.raises(TransitionNotAllowed):
        as_user("anong").referrals.withdraw(rid, "no longer needed")


def test_notes_go_to_the_partners_whose_open_referrals_share_them_on_a_standing_basis(
    as_user: Open,
) -> None:
    anong = as_user("anong")
    case = new_case(as_user)
    consent = consent_for(as_user, case.child_id)

    def go_to() -> list[str]:
        return notes_go_to(anong.referrals.for_case(case.id))

    notes = to_ecpat(shared_sections=("identity", "notes"))
    draft = anong.referrals.draft(case.id, notes).value
    anong.referrals.draft(case.id, to_ecpat())  # sent later, without the notes
    assert go_to() == []  # a draft sends nothing yet
    anong.referrals.send(draft.id)
    assert go_to() == ["ECPAT"]
    override = anong.referrals.draft(case.id, to_ecpat(to_org="SOS", shared_sections=("notes",)))
    anong.referrals.send(override.value.id, "the hearing is tomorrow, the family unreachable")
    assert go_to() == ["ECPAT", "SOS"]
    anong.consents.withdraw(consent, "the mother changed her mind")
    assert go_to() == ["SOS"]  # the override stands on its own
    anong.referrals.withdraw(override.value.id, "SOS found no place for her")
    assert go_to() == []
