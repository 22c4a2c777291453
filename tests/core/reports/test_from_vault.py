"""Documents printed from a real vault through `ws.reports`: what the PDFs say, in Thai and
English, against the records made through the services, and what each level leaves out."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.i18n import Locale, format_date, translator
from cmdesk.core.model.case import RISK_LABELS, STAGE_LABELS
from cmdesk.core.model.consent import CONSENT_PURPOSE_LABELS
from cmdesk.core.reference.partners import partner
from cmdesk.core.services.consents import ConsentDraft
from cmdesk.core.services.referrals import ReferralDraft
from cmdesk.core.workspace import Workspace
from tests.conftest import ADMIN, ADMIN_PASS
from tests.core.records.conftest import PASS, as_user, records_template, rvault
from tests.core.records.factories import child_draft, mother, undocumented

from .pdftools import every_byte, pdftotext_raw, pypdf_pages, squash

__all__ = ["as_user", "records_template", "rvault"]  # fixtures used here and by other modules

Open = Callable[[str], Workspace]

# ASCII canaries are drawn verbatim into content streams, so a byte search finds them.
HEALTH_CANARY = "CANARY7f3a91"  # the child's health (sensitive: full level only)
NOTE_CANARY = "NOTECANARY42"  # a case note (full level, and only when asked for)
LATIN_SURNAME = "Qanarysurname"  # the child's name: left out at case conference level
PHONE = "081-234-5678"  # the mother's phone (contact)
THAI_NAME = "มะลิ แสงทอง"
VILLAGE = "บ้านป่าซาง"
FINDINGS = "alone at night while the mother works in Mae Sai"
GOAL = "an adult present every night"
ACTION = "family meeting with the aunt"
REVIEW = "the aunt moved in"
REASON = "needs counselling after the events"


@dataclasses.dataclass(frozen=True)
class Printed:
    case_id: str
    case_number: str
    child_id: str
    referral_id: str
    hidden_case_id: str  # a chiangsaen team case pim (maesai) may not see


def build_records(open_as: Open) -> Printed:
    """A case at the review stage with every section filled in, through the services."""
    cm, sup = open_as("anong"), open_as("malee")
    child = cm.children.register_child(
        child_draft(
            family_name_latin=LATIN_SURNAME,
            disability="yes",
            texts={
                "disability_details": f"epilepsy {HEALTH_CANARY}",
                "school_name": "Ban Pa Sang School",
            },
            household=(mother(phone=PHONE),),
        ),
        confirm_not_duplicate=True,
    ).value
    case = cm.cases.open_case(
        child.id,
        ["trafficking", "neglect"],
        "high",
        "left alone for days",
        assigned_worker_id=open_as("pim").actor.user_id,
    ).value
    cm.workflow.advance(case.id, "assessment")
    cm.casework.record_assessment(case.id, "safety", "serious_concern", FINDINGS, "a carer")
    cm.casework.record_assessment(case.id, "education", "some_concern", "misses school")
    cm.workflow.advance(case.id, "case_plan")
    goal = cm.casework.add_goal(case.id, "safety", GOAL).value.goals[0]
    cm.casework.add_action(goal.id, ACTION, "ECPAT", thai_today() + timedelta(days=30))
    cm.workflow.submit_plan(case.id)
    sup.workflow.approve_plan(case.id)
    cm.workflow.advance(case.id, "implementation")
    cm.workflow.advance(case.id, "review")
    cm.casework.add_review(case.id, thai_today(), REVIEW, "continue")
    cm.notes.add(case.id, f"home visit {NOTE_CANARY}", "home_visit")
    cm.tasks.add(case.id, "follow-up visit", thai_today() - timedelta(days=5))
    cm.consents.record(
        child.id,
        ConsentDraft(
            purpose="sharing",
            given_on=thai_today(),
            given_by="parent",
            giver_name="นางบัวคำ แสงทอง",
            method="written",
            shared_with_org="ECPAT",
            case_id=case.id,
        ),
    )
    referral = cm.referrals.draft(
        case.id,
        ReferralDraft("ECPAT", "psychosocial", REASON, ("identity", "assessment")),
    ).value
    cm.referrals.send(referral.id)
    other = (
        open_as("boon")
        .children.register_child(
            undocumented(given_name_latin="Other", given_name_th="อื่น"),
            confirm_not_duplicate=True,
        )
        .value
    )
    hidden = (
        open_as("boon")
        .cases.open_case(
            other.id, ["neglect"], "low", "checks", assigned_worker_id=open_as("ton").actor.user_id
        )
        .value
    )
    return Printed(case.id, case.case_number, child.id, referral.id, hidden.id)


def opener(root: Path) -> tuple[Open, Callable[[], None]]:
    opened: dict[str, Workspace] = {}

    def open_as(name: str) -> Workspace:
        if name not in opened:
            opened[name] = Workspace.open(root, name, ADMIN_PASS if name == ADMIN else PASS)
        return opened[name]

    def close() -> None:
        for ws in opened.values():
            ws.close()

    return open_as, close


@pytest.fixture(scope="module")
def printed_template(
    records_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Printed]:
    root = tmp_path_factory.mktemp("printed") / "vault"
    shutil.copytree(records_template, root)
    open_as, close = opener(root)
    try:
        return root, build_records(open_as)
    finally:
        close()


@pytest.fixture
def printed(printed_template: tuple[Path, Printed]) -> Printed:
    return printed_template[1]


@pytest.fixture
def open_as(printed_template: tuple[Path, Printed], tmp_path: Path) -> Iterator[Open]:
    dest = tmp_path / "vault"
    shutil.copytree(printed_template[0], dest)
    open_fn, close = opener(dest)
    yield open_fn
    close()


def text(pdf: bytes, tmp_path: Path) -> str:
    return squash(pdftotext_raw(pdf, tmp_path))


# -- what the case summary says ---------------------------------------------------------------
@pytest.mark.parametrize("lang", ["th", "en"])
def test_case_summary_carries_the_record(
    lang: Locale, open_as: Open, printed: Printed, tmp_path: Path
) -> None:
    pdf = open_as("anong").reports.case_summary(printed.case_id, lang=lang, level="full")
    got = text(pdf, tmp_path)
    tr = translator(lang)
    ecpat = partner("ECPAT")
    assert ecpat is not None
    expected = [
        printed.case_number,
        THAI_NAME,
        f"Mali{LATIN_SURNAME}",
        tr.gettext(STAGE_LABELS["review"]),
        tr.gettext(RISK_LABELS["high"]),
        FINDINGS,
        GOAL,
        ACTION,
        REVIEW,
        ecpat.name(lang),
        tr.gettext(CONSENT_PURPOSE_LABELS["sharing"]),
        format_date(thai_today(), lang, "long"),
        HEALTH_CANARY,
        VILLAGE,
        PHONE,
        "Anong",  # the case manager's display name, also as "printed by"
    ]
    for value in expected:
        assert squash(value) in got, value
    assert NOTE_CANARY not in got  # notes only when asked for


def test_thai_copy_has_buddhist_era_dates_and_english_copy_does_not(
    open_as: Open, printed: Printed, tmp_path: Path
) -> None:
    ws = open_as("anong")
    today = thai_today()
    thai = pdftotext_raw(
        ws.reports.case_summary(printed.case_id, lang="th", level="full"), tmp_path
    )
    english = pdftotext_raw(
        ws.reports.case_summary(printed.case_id, lang="en", level="full"), tmp_path
    )
    assert str(today.year + 543) in thai
    assert str(today.year) not in thai
    assert str(today.year) in english
    assert "สรุปข้อมูลเคส" in thai and "Case summary" in english
    assert "ลับ / CONFIDENTIAL" in thai and "ลับ / CONFIDENTIAL" in english


def test_every_page_has_furniture_with_the_vault_org_and_the_printing_user(
    open_as: Open, printed: Printed, tmp_path: Path
) -> None:
    pdf = open_as("anong").reports.case_summary(
        printed.case_id, lang="en", level="full", include_notes=True
    )
    pages = pypdf_pages(pdf)
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        flat = squash(page)
        assert f"Page{number}of{len(pages)}" in flat
        assert "PrintedbyAnong" in flat
        assert squash(f"Record ID {printed.case_id}") in flat
        assert "CONFIDENTIAL" in flat


# -- redaction: canaries absent from every decompressed stream ----------------------------------
def test_full_level_notes_are_in_only_when_asked_for(
    open_as: Open, printed: Printed, tmp_path: Path
) -> None:
    ws = open_as("anong")
    with_notes = ws.reports.case_summary(
        printed.case_id, lang="en", level="full", include_notes=True
    )
    assert NOTE_CANARY.encode() in every_byte(with_notes)  # the control
    without = ws.reports.case_summary(printed.case_id, lang="en", level="full")
    assert NOTE_CANARY.encode() not in every_byte(without)


@pytest.mark.parametrize("level", ["partner", "case_conference"])
def test_sensitive_data_and_notes_never_reach_lower_levels(
    level: str, open_as: Open, printed: Printed, tmp_path: Path
) -> None:
    pdf = open_as("anong").reports.case_summary(
        printed.case_id, lang="en", level=level, include_notes=True
    )
    everything = every_byte(pdf)
    assert HEALTH_CANARY.encode() not in everything
    assert NOTE_CANARY.encode() not in everything
    assert FINDINGS not in text(pdf, tmp_path) or level == "case_conference"


def test_case_conference_copy_names_no_one(open_as: Open, printed: Printed, tmp_path: Path) -> None:
    ws = open_as("anong")
    for lang in ("en", "th"):
        pdf = ws.reports.case_summary(printed.case_id, lang=lang, level="case_conference")
        everything, got = every_byte(pdf), text(pdf, tmp_path)
        assert LATIN_SURNAME.encode() not in everything
        assert PHONE.encode() not in everything
        assert squash(THAI_NAME) not in got and squash(VILLAGE) not in got
        assert THAI_NAME.encode("utf-16-be") not in everything
        assert squash(FINDINGS) in got  # what the conference discusses is there
        assert printed.case_number in got
    partner_copy = ws.reports.case_summary(printed.case_id, lang="en", level="partner")
    assert LATIN_SURNAME.encode() in every_byte(partner_copy)  # the control: partners see it


def test_concerns_are_on_copies_that_show_the_assessment_only(
    open_as: Open, printed: Printed, tmp_path: Path
) -> None:
    ws = open_as("anong")
    concern = squash("Trafficking or exploitation")
    for level, shown in (("full", True), ("case_conference", True), ("partner", False)):
        pdf = ws.reports.case_summary(printed.case_id, lang="en", level=level)
        assert (concern in text(pdf, tmp_path)) is shown, level


# -- the referral slip ------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["th", "en"])
def test_referral_slip_carries_only_what_the_referral_shares(
    lang: Locale, open_as: Open, printed: Printed, tmp_path: Path
) -> None:
    pdf = open_as("anong").reports.referral_slip(printed.referral_id, lang=lang)
    got, everything = text(pdf, tmp_path), every_byte(pdf)
    # Shared: identity (names, ethnicity) and the assessment; the reason and the consent.
    for value in (THAI_NAME, f"Mali{LATIN_SURNAME}", FINDINGS, REASON, printed.case_number):
        assert squash(value) in got, value
    assert squash("อาข่า" if lang == "th" else "Akha") in got
    # Not shared: address, household, legal status and id number, the plan, notes, health.
    assert squash(VILLAGE) not in got
    for secret in (PHONE, "1112034563562", "1-1120-34563-56-2", HEALTH_CANARY, NOTE_CANARY):
        assert secret.encode() not in everything, secret
    assert squash(GOAL) not in got and squash(ACTION) not in got
    assert squash("นางบัวคำ") not in got
    assert "Ban Pa Sang School".replace(" ", "") not in got


# -- the consent form and the caseload report ---------------------------------------------------
@pytest.mark.parametrize("lang", ["th", "en"])
def test_consent_form_is_filled_in_from_the_record(
    lang: Locale, open_as: Open, printed: Printed, tmp_path: Path
) -> None:
    pdf = open_as("anong").reports.consent_form(printed.case_number, lang=lang)
    got = text(pdf, tmp_path)
    tr = translator(lang)
    ecpat = partner("ECPAT")
    assert ecpat is not None
    for value in (
        THAI_NAME,
        "นางบัวคำ แสงทอง",
        printed.case_number,
        ecpat.name(lang),  # named by the plan and the referral
        tr.gettext(CONSENT_PURPOSE_LABELS["photographs"]),
    ):
        assert squash(value) in got, value


def test_consent_form_asks_only_the_purposes_chosen(
    open_as: Open, printed: Printed, tmp_path: Path
) -> None:
    pdf = open_as("anong").reports.consent_form(
        printed.case_id, lang="en", purposes=["services"], share_with=["CRSHELTER"]
    )
    got = text(pdf, tmp_path)
    assert squash("Receiving services") in got
    assert squash("Taking and keeping photographs") not in got
    assert squash("ECPAT Foundation") not in got  # no sharing purpose: no organisations


@pytest.mark.parametrize("lang", ["th", "en"])
def test_caseload_lists_the_team_with_overdue_follow_ups(
    lang: Locale, open_as: Open, printed: Printed, tmp_path: Path
) -> None:
    pdf = open_as("malee").reports.caseload(lang=lang, team="maesai")
    got = text(pdf, tmp_path)
    tr = translator(lang)
    assert printed.case_number in got
    assert squash(THAI_NAME) in got
    assert squash(tr.gettext("Overdue follow-ups")) in got
    due = format_date(thai_today() - timedelta(days=5), lang, "medium")
    assert squash(due) in got
    # The other team's case is not in this team's report.
    hidden = open_as("malee").cases.get(printed.hidden_case_id).case_number
    assert hidden not in got


def test_caseload_for_a_case_conference_names_no_child(
    open_as: Open, printed: Printed, tmp_path: Path
) -> None:
    pdf = open_as("pim").reports.caseload(lang="en", level="case_conference")
    got, everything = text(pdf, tmp_path), every_byte(pdf)
    assert printed.case_number in got  # pim's own caseload
    assert LATIN_SURNAME.encode() not in everything
