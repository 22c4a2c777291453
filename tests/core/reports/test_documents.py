"""Each document in Thai and English, and what each redaction level leaves out of the bytes."""

from __future__ import annotations

import re
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from cmdesk.core.i18n import Locale, translator
from cmdesk.core.reports import (
    Level,
    RedactionPolicy,
    Section,
    build_case_summary,
    build_caseload_report,
    build_consent_form,
    build_referral_slip,
)
from cmdesk.core.reports import samples as fake

from .pdftools import every_byte, nfkd, pdftotext_raw, pypdf_pages, squash

CANARY = "CANARY7f3a91"  # ASCII: stored verbatim in content streams when drawn
THAI_CANARY = "คำลับทดสอบเจ็ดสาม"


def common(lang: Locale) -> dict[str, object]:
    return {"tr": translator(lang), "printed_by": "Test User", "printed_at": fake.PRINTED_AT}


def text_of(pdf: bytes, tmp_path: Path) -> str:
    return pdftotext_raw(pdf, tmp_path)


@pytest.mark.parametrize("lang", ["th", "en"])
def test_case_summary_shows_every_section_at_full_level(lang: Locale, tmp_path: Path) -> None:
    data = fake.case_summary(lang)
    text = squash(text_of(build_case_summary(data, level=Level.FULL, **common(lang)), tmp_path))
    tr = translator(lang)
    for label in ("Case summary", "Assessment", "Case plan", "Reviews", "Referrals", "Consent"):
        assert squash(tr.gettext(label)) in text
    for value in (
        data.child.full_name,
        data.child.ethnicity,
        data.assessment.domains[0].domain if data.assessment else "",
        data.plan_goals[0].actions[0].action,
        data.referrals[0].organisation,
        data.notes[-1].text,
    ):
        assert squash(value) in text, value


def test_thai_documents_use_thai_labels_and_buddhist_era(tmp_path: Path) -> None:
    pdf = build_case_summary(fake.case_summary("th"), level=Level.FULL, **common("th"))
    text = text_of(pdf, tmp_path)
    assert "สรุปข้อมูลเคส" in text
    assert "3 พฤศจิกายน 2568" in text  # opened 3 November 2025, in the Buddhist Era
    assert "2025" not in text
    english = text_of(
        build_case_summary(fake.case_summary("en"), level=Level.FULL, **common("en")), tmp_path
    )
    assert "3 November 2025" in english
    assert "2568" not in english.replace("CR-2568", "")


@pytest.mark.parametrize("level", [Level.PARTNER, Level.CASE_CONFERENCE])
def test_notes_canary_is_absent_from_every_stream_below_full(level: Level, tmp_path: Path) -> None:
    data = fake.case_summary("en", canary=CANARY)
    full = build_case_summary(data, level=Level.FULL, **common("en"))
    # The control: at full level the canary is in the text and in the decompressed bytes.
    assert CANARY in text_of(full, tmp_path)
    assert CANARY.encode() in every_byte(full)
    pdf = build_case_summary(data, level=level, **common("en"))
    assert CANARY.encode() not in every_byte(pdf)
    assert CANARY not in text_of(pdf, tmp_path)
    assert all(CANARY not in page for page in pypdf_pages(pdf))


def test_thai_canary_is_absent_below_full(tmp_path: Path) -> None:
    data = fake.case_summary("th", canary=THAI_CANARY)
    full = build_case_summary(data, level=Level.FULL, **common("th"))
    assert THAI_CANARY in text_of(full, tmp_path)
    for level in (Level.PARTNER, Level.CASE_CONFERENCE):
        pdf = build_case_summary(data, level=level, **common("th"))
        assert THAI_CANARY not in text_of(pdf, tmp_path)
        assert all(nfkd(THAI_CANARY) not in nfkd(page) for page in pypdf_pages(pdf))
        assert THAI_CANARY.encode("utf-16-be") not in every_byte(pdf)  # not in any ActualText


def test_case_conference_copy_names_nobody(tmp_path: Path) -> None:
    data = fake.case_summary("en")
    pdf = build_case_summary(data, level=Level.CASE_CONFERENCE, **common("en"))
    text = text_of(pdf, tmp_path)
    for secret in (
        data.child.full_name,
        data.child.nickname,
        data.child.guardian_name,
        data.child.guardian_phone,
        data.child.address,
        data.child.ethnicity,
    ):
        assert secret not in text
        assert secret.encode() not in every_byte(pdf)
    assert data.case_number in text
    assert data.assessment is not None and data.assessment.domains[0].summary in text.replace(
        "\n", " "
    )


def test_metadata_holds_no_personal_data() -> None:
    data = fake.case_summary("en")
    for level in Level:
        pdf = build_case_summary(data, level=level, **common("en"))
        meta = PdfReader(BytesIO(pdf)).metadata
        assert meta is not None
        values = " ".join(str(v) for v in meta.values())
        assert data.child.full_name not in values
        assert data.case_number in values


def test_a_section_can_be_hidden_by_policy(tmp_path: Path) -> None:
    data = fake.case_summary("en")
    policy = RedactionPolicy().with_section(Section.REFERRALS, [])
    pdf = build_case_summary(data, level=Level.FULL, policy=policy, **common("en"))
    text = text_of(pdf, tmp_path)
    assert data.referrals[0].organisation not in text
    assert "Not included in this copy: Referrals." in text


def test_referral_slip_carries_only_shared_sections(tmp_path: Path) -> None:
    data = fake.referral_slip("en", canary=CANARY)  # the canary is in health (not shared)
    assert Section.SENSITIVE not in data.shared_sections
    for level in Level:
        pdf = build_referral_slip(data, level=level, **common("en"))
        assert CANARY.encode() not in every_byte(pdf)
        assert data.child.ethnicity not in text_of(pdf, tmp_path)
    partner = text_of(build_referral_slip(data, level=Level.PARTNER, **common("en")), tmp_path)
    assert data.child.full_name in partner
    assert "Reply from the receiving organisation" in partner
    sharing_all = replace(data, shared_sections=frozenset(Section))
    full = build_referral_slip(sharing_all, level=Level.FULL, **common("en"))
    assert CANARY.encode() in every_byte(full)  # the control: shared and allowed, it is there


@pytest.mark.parametrize("lang", ["th", "en"])
def test_consent_form_is_prefilled_for_signature(lang: Locale, tmp_path: Path) -> None:
    data = fake.consent_form(lang)
    text = text_of(build_consent_form(data, **common(lang)), tmp_path)
    tr = translator(lang)
    flat = squash(text)
    assert squash(data.child_name) in flat
    assert squash(data.guardian_name) in flat
    for purpose in data.purposes:
        assert squash(purpose.title) in flat
    signature = re.escape(tr.gettext("Signature")) + "(?!s)"  # not the "Signatures" heading
    assert len(re.findall(signature, text)) == 4  # child, guardian, worker, witness
    assert text.count(tr.gettext("Date")) >= 4


@pytest.mark.parametrize("lang", ["th", "en"])
def test_caseload_counts_and_overdue(lang: Locale, tmp_path: Path) -> None:
    data = fake.caseload(lang, cases=30)
    pdf = build_caseload_report(data, level=Level.FULL, **common(lang))
    text = text_of(pdf, tmp_path)
    overdue = [c for c in data.cases if c.next_follow_up_on and c.next_follow_up_on < data.as_of]
    assert len(overdue) == 10
    tr = translator(lang)
    assert f"{tr.gettext('Overdue follow-ups')} {len(overdue)}" in text
    assert f"{tr.gettext('Total')} " in text and " 30 (10)" in text
    # The most overdue case comes first in its table.
    worst = max(overdue, key=lambda c: data.as_of - c.next_follow_up_on)  # type: ignore[operator]
    section = text.split(tr.gettext("Overdue follow-ups"))[2]
    assert section.index(worst.case_number) < min(
        section.index(c.case_number) for c in overdue if c is not worst
    )
    hidden = build_caseload_report(data, level=Level.CASE_CONFERENCE, **common(lang))
    names = [c.child_name for c in data.cases]
    assert not any(squash(n) in squash(text_of(hidden, tmp_path)) for n in names)
    assert all(squash(n) in squash(text) for n in names)


def test_a_cell_longer_than_a_page_splits_across_pages(tmp_path: Path) -> None:
    data = fake.case_summary("th", notes=0)
    long = " ".join(f"ประโยคทดสอบที่{i} เด็กๆ ไม่ได้ไปโรงเรียน ผู้ใหญ่บ้านช่วยดูแล" for i in range(160))
    data = replace(data, child=replace(data.child, address=long))
    pdf = build_case_summary(data, level=Level.FULL, **common("th"))
    pages = pdftotext_raw(pdf, tmp_path).split("\f")
    holding = [i for i, page in enumerate(pages) if "ประโยคทดสอบที่" in page]
    assert len(holding) >= 2  # the address row continues on the next page
    text = squash("".join(pages))
    assert all(f"ประโยคทดสอบที่{i}เด็กๆ" in text for i in range(160))
