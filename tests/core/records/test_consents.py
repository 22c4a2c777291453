"""Consent and lawful basis: who agreed to what and when, and withdrawal."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.errors import PermissionDenied, TransitionNotAllowed, ValidationError
from cmdesk.core.services.consents import ConsentDraft
from tests.core.records.conftest import Open
from tests.core.records.flows import new_case


def sharing(org: str = "ECPAT", **changes: object) -> ConsentDraft:
    base = {
        "purpose": "sharing",
        "given_on": thai_today(),
        "given_by": "parent",
        "giver_name": "นางบัวคำ แสงทอง",
        "method": "thumbprint",
        "shared_with_org": org,
    }
    base.update(changes)
    return ConsentDraft(**base)  # type: ignore[arg-type]


def test_consent_to_share_names_the_organisation(as_user: Open) -> None:
    case = new_case(as_user)
    pim = as_user("pim")
    out = pim.consents.record(case.child_id, sharing(case_id=case.id))
    consent = out.value
    assert consent.shared_with_org_code == "ECPAT" and consent.active
    assert consent.recorded_by == pim.actor.user_id
    assert pim.consents.sharing_basis(case.id, "ECPAT") == consent
    assert pim.consents.sharing_basis(case.id, "SOS") is None


def test_withdrawal_is_recorded_and_ends_the_basis(as_user: Open) -> None:
    case = new_case(as_user)
    pim = as_user("pim")
    consent = pim.consents.record(case.child_id, sharing()).value
    withdrawn = pim.consents.withdraw(consent.id, "mother changed her mind").value
    assert not withdrawn.active and withdrawn.withdrawn_reason == "mother changed her mind"
    assert pim.consents.sharing_basis(case.id, "ECPAT") is None
    assert [c.id for c in pim.consents.for_child(case.child_id)] == [consent.id]
    with pytest.raises(TransitionNotAllowed):
        pim.consents.withdraw(consent.id, "again")


def test_a_lawful_basis_stands_in_for_impossible_consent(as_user: Open) -> None:
    case = new_case(as_user)
    anong = as_user("anong")
    with pytest.raises(ValidationError) as refused:
        anong.consents.record(
            case.child_id,
            sharing(basis="vital_interest", given_by=None, method=None, giver_name=""),
        )
    assert {e.field for e in refused.value.errors} == {"basis_reason"}
    basis = anong.consents.record(
        case.child_id,
        sharing(
            org="CRSHELTER",
            basis="vital_interest",
            given_by=None,
            method=None,
            giver_name="",
            basis_reason="child found alone at the border; parents unknown",
        ),
    ).value
    assert anong.consents.sharing_basis(case.id, "CRSHELTER") == basis


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"purpose": "gossip"}, {"purpose"}),
        ({"given_by": None}, {"given_by"}),
        ({"method": "telepathy"}, {"method"}),
        ({"giver_name": ""}, {"giver_name"}),  # a parent is named
        ({"shared_with_org": None}, {"shared_with_org"}),
        ({"purpose": "photographs"}, {"shared_with_org"}),  # only sharing names an org
        ({"given_on": thai_today() + timedelta(days=2)}, {"given_on"}),
        ({"basis": "legal_duty", "basis_reason": "Child Protection Act s.29"}, {"given_by"}),
    ],
)
def test_consent_rules(as_user: Open, changes: dict[str, object], fields: set[str]) -> None:
    case = new_case(as_user)
    with pytest.raises(ValidationError) as refused:
        as_user("pim").consents.record(case.child_id, sharing(**changes))
    assert {e.field for e in refused.value.errors} == fields
    assert as_user("pim").consents.for_child(case.child_id) == []


def test_the_child_consents_without_a_separate_name(as_user: Open) -> None:
    case = new_case(as_user)
    draft = ConsentDraft(
        purpose="photographs", given_on=thai_today(), given_by="child", method="verbal"
    )
    assert as_user("pim").consents.record(case.child_id, draft).value.given_by == "child"


def test_unknown_organisation_and_other_childrens_cases_are_refused(as_user: Open) -> None:
    case, other = new_case(as_user), new_case(as_user)
    with pytest.raises(ValidationError):
        as_user("pim").consents.record(case.child_id, sharing(org="NOWHERE"))
    with pytest.raises(ValidationError):
        as_user("pim").consents.record(case.child_id, sharing(case_id=other.id))


def test_consents_follow_who_may_see_the_child(as_user: Open) -> None:
    case = new_case(as_user)
    with pytest.raises(PermissionDenied):
        as_user("ton").consents.record(case.child_id, sharing())
    with pytest.raises(PermissionDenied):
        as_user("admin").consents.for_child(case.child_id)
