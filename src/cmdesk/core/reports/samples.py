"""Generated sample data for the documents: tests, benchmarks and scripts/render_samples.py.

Every name is obviously made up ("ทดสอบ" = test, "ตัวอย่าง" = sample), every ID is
generated; no real person, case or place detail is used. Thai and English versions tell the
same story, so the English document is a fair baseline for the Thai one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Literal

from cmdesk.core.i18n import BirthDate
from cmdesk.core.reports.inputs import (
    Assessment,
    CaseloadCase,
    CaseloadData,
    CaseNote,
    CaseSummaryData,
    ChildProfile,
    ConsentFormData,
    ConsentPurpose,
    ConsentRecord,
    DomainAssessment,
    Organisation,
    PlanAction,
    PlanGoal,
    ReferralRecord,
    ReferralSlipData,
    Review,
    StageChange,
)
from cmdesk.core.reports.redaction import Section

Lang = Literal["th", "en"]

# Every tone mark, upper and lower vowel: a check on shaping and extraction.
THAI_MARKS = "ที่ น้ำ ผู้ใหญ่ ป่า ก๊ก ปิ่น กี๋ ฤๅษี เด็กๆ ไม่ได้ ชั้น ปู่ ญี่ปุ่น"

OPENED = date(2025, 11, 3)
PRINTED_AT = datetime(2026, 2, 14, 9, 30)


def record_id(n: int) -> str:
    """A UUIDv7-shaped, obviously generated record ID."""
    return f"0190a3b2-0000-7000-8000-{n:012d}"


def organisation(lang: Lang, logo: bytes | None = None) -> Organisation:
    if lang == "th":
        return Organisation(
            "มูลนิธิตัวอย่างเพื่อเด็ก (ข้อมูลทดสอบ)",
            "99 หมู่ 9 ตำบลตัวอย่าง อำเภอเมือง จังหวัดเชียงราย 57000",
            logo,
        )
    return Organisation(
        "Sample Children's Foundation (test data)",
        "99 Moo 9, Sample Subdistrict, Mueang District, Chiang Rai 57000",
        logo,
    )


def child(lang: Lang, n: int = 1) -> ChildProfile:
    if lang == "th":
        return ChildProfile(
            full_name=f"เด็กหญิงทดสอบ ตัวอย่างที่{n}",
            nickname="น้องตัวอย่าง",
            sex="หญิง",
            birth_date=BirthDate.year_only(2013),
            id_document="รหัส G (ออกโดยโรงเรียน)",
            id_number=f"G{n:012d}",
            address="บ้านตัวอย่าง หมู่ 9 ตำบลตัวอย่าง อำเภอเมือง จังหวัดเชียงราย",
            school="โรงเรียนบ้านตัวอย่าง ชั้นประถมศึกษาปีที่ 6",
            guardian_name="นางทดสอบ ผู้ปกครอง",
            guardian_relation="ยาย",
            guardian_phone="080-000-0000",
            ethnicity="อาข่า",
            legal_status="ยังไม่มีสถานะทางทะเบียน (อยู่ระหว่างยื่นคำร้อง)",
            health="ภาวะโภชนาการต่ำกว่าเกณฑ์ ได้รับการตรวจที่โรงพยาบาลส่งเสริมสุขภาพตำบล",
        )
    return ChildProfile(
        full_name=f"Sample Child {n}",
        nickname="Little Sample",
        sex="Female",
        birth_date=BirthDate.year_only(2013),
        id_document="G-code (issued by school)",
        id_number=f"G{n:012d}",
        address="Sample Village, Moo 9, Sample Subdistrict, Mueang District, Chiang Rai",
        school="Ban Sample School, Grade 6",
        guardian_name="Sample Guardian",
        guardian_relation="Grandmother",
        guardian_phone="080-000-0000",
        ethnicity="Akha",
        legal_status="No registration status (application pending)",
        health="Underweight for age; seen at the subdistrict health promotion hospital",
    )


def _pick(lang: Lang) -> Callable[[str, str], str]:
    """t(thai, english) -> the text in `lang`."""

    def t(th: str, en: str) -> str:
        return th if lang == "th" else en

    return t


def assessment(lang: Lang) -> Assessment:
    t = _pick(lang)
    return Assessment(
        assessed_on=OPENED + timedelta(days=9),
        assessor=t("นักสังคมสงเคราะห์ทดสอบ หนึ่ง", "Test Social Worker One"),
        overall=t("ความเสี่ยงสูง ต้องติดตามทุกสัปดาห์", "High risk: weekly follow-up"),
        domains=(
            DomainAssessment(
                t("ความปลอดภัย", "Safety"),
                t("น่ากังวลมาก", "High concern"),
                t(
                    "เด็กอยู่ลำพังในเวลากลางคืนบ่อยครั้ง ผู้ใหญ่ในบ้านไม่อยู่ " + THAI_MARKS,
                    "The child is often alone at night; no adult is at home.",
                ),
            ),
            DomainAssessment(
                t("สุขภาพ", "Health"),
                t("น่ากังวล", "Concern"),
                t(
                    "น้ำหนักต่ำกว่าเกณฑ์ ได้รับวัคซีนไม่ครบ",
                    "Underweight; vaccinations incomplete.",
                ),
            ),
            DomainAssessment(
                t("การศึกษา", "Education"),
                t("น่ากังวล", "Concern"),
                t(
                    "ขาดเรียนสามสัปดาห์ติดต่อกัน ครูประจำชั้นให้ความร่วมมือดี",
                    "Absent for three weeks in a row; the class teacher is cooperative.",
                ),
            ),
            DomainAssessment(
                t("ครอบครัวและการเลี้ยงดู", "Family and care"),
                t("พอใช้", "Moderate"),
                t(
                    "ยายเป็นผู้ดูแลหลัก สุขภาพไม่ดี มีรายได้จากการรับจ้างรายวัน",
                    "The grandmother is the main carer; poor health, daily wage income.",
                ),
            ),
        ),
    )


def plan_goals(lang: Lang) -> tuple[PlanGoal, ...]:
    t = _pick(lang)
    due = OPENED + timedelta(days=30)
    return (
        PlanGoal(
            t("เด็กปลอดภัยในเวลากลางคืน", "The child is safe at night"),
            t("ความปลอดภัย", "Safety"),
            (
                PlanAction(
                    t(
                        "ประสานผู้ใหญ่บ้านและอาสาสมัครในชุมชนให้ช่วยดูแลบ้านในเวลากลางคืน",
                        "Ask the village head and community volunteers to check the house at night",
                    ),
                    t("นักสังคมสงเคราะห์", "Social worker"),
                    due,
                    t("กำลังดำเนินการ", "In progress"),
                ),
                PlanAction(
                    t("จัดประชุมครอบครัวเพื่อวางแผนการดูแล", "Hold a family meeting on care"),
                    t("ทีมสหวิชาชีพ", "Multidisciplinary team"),
                    due + timedelta(days=7),
                    t("ยังไม่เริ่ม", "Not started"),
                ),
            ),
        ),
        PlanGoal(
            t("เด็กกลับไปเรียนอย่างสม่ำเสมอ", "The child attends school regularly"),
            t("การศึกษา", "Education"),
            (
                PlanAction(
                    t("เยี่ยมบ้านร่วมกับครูประจำชั้น", "Home visit with the class teacher"),
                    t("ครูประจำชั้น", "Class teacher"),
                    due,
                    t("เสร็จแล้ว", "Done"),
                ),
            ),
        ),
    )


def _note_text(lang: Lang, n: int) -> str:
    if lang == "th":
        return (
            f"บันทึกครั้งที่ {n}: เยี่ยมบ้านพบยายและเด็ก เด็กบอกว่าไม่ได้ไปโรงเรียนเพราะต้องช่วยยาย"
            "ทำงานในไร่ข้าวโพด ยายเล่าว่าพ่อแม่ของเด็กไปทำงานต่างจังหวัดและไม่ได้ติดต่อกลับมาหลายเดือน"
            "แล้ว เจ้าหน้าที่อธิบายสิทธิของเด็กในการได้รับการศึกษาและการดูแลสุขภาพ "
            "และนัดหมายพาเด็กไปตรวจสุขภาพที่โรงพยาบาลส่งเสริมสุขภาพตำบลในสัปดาห์หน้า "
            f"ผู้ใหญ่บ้านรับปากว่าจะช่วยดูแลบ้านในเวลากลางคืน {THAI_MARKS}"
        )
    return (
        f"Note {n}: Home visit; met the grandmother and the child. The child said she had not "
        "gone to school because she helps her grandmother in the maize field. The grandmother "
        "said the parents went to work in another province and have not been in touch for "
        "months. The worker explained the child's right to education and health care and "
        "booked a health check at the subdistrict health promotion hospital next week. The "
        "village head promised to look in on the house at night."
    )


def case_summary(lang: Lang, n: int = 1, *, notes: int = 6, canary: str = "") -> CaseSummaryData:
    """A full case; `canary` is appended to the case notes (internal only) for leak tests."""
    t = _pick(lang)
    stages = (
        StageChange(t("รับแจ้ง", "Intake"), OPENED, t("เจ้าหน้าที่รับแจ้ง", "Intake officer")),
        StageChange(
            t("ประเมิน", "Assessment"),
            OPENED + timedelta(days=2),
            t("นักสังคมสงเคราะห์ทดสอบ หนึ่ง", "Test Social Worker One"),
        ),
        StageChange(
            t("วางแผนช่วยเหลือ", "Case planning"),
            OPENED + timedelta(days=12),
            t("นักสังคมสงเคราะห์ทดสอบ หนึ่ง", "Test Social Worker One"),
            t("ประชุมทีมสหวิชาชีพ", "Multidisciplinary meeting"),
        ),
    )
    note_items = tuple(
        CaseNote(
            OPENED + timedelta(days=3 * i),
            t("นักสังคมสงเคราะห์ทดสอบ หนึ่ง", "Test Social Worker One"),
            _note_text(lang, i + 1) + (f" {canary}" if canary and i == 0 else ""),
        )
        for i in range(notes)
    )
    return CaseSummaryData(
        record_id=record_id(n),
        case_number=f"CR-2568-{n:04d}",
        organisation=organisation(lang),
        child=child(lang, n),
        status=t("เปิด", "Open"),
        stage=t("วางแผนช่วยเหลือ", "Case planning"),
        risk=t("สูง", "High"),
        worker=t("นักสังคมสงเคราะห์ทดสอบ หนึ่ง", "Test Social Worker One"),
        opened_on=OPENED,
        stage_history=stages,
        assessment=assessment(lang),
        plan_goals=plan_goals(lang),
        reviews=(
            Review(
                OPENED + timedelta(days=40),
                t("นักสังคมสงเคราะห์ ครูประจำชั้น ผู้ใหญ่บ้าน", "Social worker, teacher, village head"),
                t(
                    "เด็กกลับไปเรียนได้สามวันต่อสัปดาห์ ยังต้องติดตามเรื่องความปลอดภัยในเวลากลางคืน",
                    "The child is back at school three days a week; night-time safety still "
                    "needs follow-up.",
                ),
                OPENED + timedelta(days=70),
            ),
        ),
        referrals=(
            ReferralRecord(
                t("บ้านพักเด็กและครอบครัวจังหวัดเชียงราย", "Chiang Rai Children and Family Shelter"),
                t("ที่พักชั่วคราว", "Temporary shelter"),
                OPENED + timedelta(days=15),
                t("รับเรื่องแล้ว", "Accepted"),
            ),
            ReferralRecord(
                t("โรงพยาบาลส่งเสริมสุขภาพตำบลตัวอย่าง", "Sample Subdistrict Health Promotion Hospital"),
                t("ตรวจสุขภาพและวัคซีน", "Health check and vaccinations"),
                OPENED + timedelta(days=16),
                t("เสร็จสิ้น", "Completed"),
                t("ได้รับวัคซีนครบแล้ว", "Vaccinations completed"),
            ),
        ),
        consents=(
            ConsentRecord(
                t("เก็บและใช้ข้อมูลเพื่อการช่วยเหลือ", "Collect and use data for the case"),
                t("นางทดสอบ ผู้ปกครอง (ยาย)", "Sample Guardian (grandmother)"),
                OPENED,
            ),
            ConsentRecord(
                t("ส่งต่อข้อมูลให้หน่วยงานภาคี", "Share data with partner organisations"),
                t("นางทดสอบ ผู้ปกครอง (ยาย)", "Sample Guardian (grandmother)"),
                OPENED + timedelta(days=14),
            ),
        ),
        notes=note_items,
    )


def referral_slip(lang: Lang, n: int = 1, *, canary: str = "") -> ReferralSlipData:
    """A referral sharing identity, contact and the assessment; `canary` goes in the child's
    health field, which the referral does not share."""
    t = _pick(lang)
    base = child(lang, n)
    profile = replace(base, health=f"{base.health} {canary}".strip())
    return ReferralSlipData(
        record_id=record_id(1000 + n),
        case_number=f"CR-2568-{n:04d}",
        organisation=organisation(lang),
        child=profile,
        referred_on=OPENED + timedelta(days=15),
        to_organisation=t(
            "บ้านพักเด็กและครอบครัวจังหวัดเชียงราย", "Chiang Rai Children and Family Shelter"
        ),
        to_service=t("ที่พักชั่วคราวและการดูแลระยะสั้น", "Temporary shelter and short-term care"),
        reason=t(
            "เด็กอยู่ลำพังในเวลากลางคืน ผู้ดูแลหลักเจ็บป่วย ต้องการที่พักปลอดภัยระหว่างวางแผนระยะยาว",
            "The child is alone at night and the main carer is ill; a safe place to stay is "
            "needed while a long-term plan is made.",
        ),
        urgency=t("ด่วน (ภายใน 3 วัน)", "Urgent (within 3 days)"),
        from_worker=t("นักสังคมสงเคราะห์ทดสอบ หนึ่ง", "Test Social Worker One"),
        from_contact="080-000-0001",
        respond_by=OPENED + timedelta(days=18),
        shared_sections=frozenset({Section.IDENTITY, Section.CONTACT, Section.ASSESSMENT}),
        assessment=assessment(lang),
        plan_goals=plan_goals(lang),
        consents=case_summary(lang, n, notes=0).consents,
    )


def consent_form(lang: Lang, n: int = 1) -> ConsentFormData:
    t = _pick(lang)
    return ConsentFormData(
        record_id=record_id(2000 + n),
        case_number=f"CR-2568-{n:04d}",
        organisation=organisation(lang),
        child_name=child(lang, n).full_name,
        child_birth_date=BirthDate.year_only(2013),
        guardian_name=t("นางทดสอบ ผู้ปกครอง", "Sample Guardian"),
        guardian_relation=t("ยาย", "Grandmother"),
        worker=t("นักสังคมสงเคราะห์ทดสอบ หนึ่ง", "Test Social Worker One"),
        purposes=(
            ConsentPurpose(
                t("เก็บและใช้ข้อมูลเพื่อการช่วยเหลือเด็ก", "Collect and use data to help the child"),
                t(
                    "ข้อมูลส่วนตัว ครอบครัว สุขภาพ และการศึกษาของเด็ก ใช้เพื่อประเมินและวางแผนช่วยเหลือ",
                    "The child's personal, family, health and education details, used to "
                    "assess and plan help.",
                ),
            ),
            ConsentPurpose(
                t("ส่งต่อข้อมูลให้หน่วยงานภาคี", "Share data with partner organisations"),
                t(
                    "เฉพาะข้อมูลที่หน่วยงานนั้นต้องใช้ในการให้บริการ",
                    "Only what that organisation needs to provide its service.",
                ),
            ),
            ConsentPurpose(
                t("ถ่ายภาพเด็กเพื่อใช้ในแฟ้มคดี", "Photograph the child for the case file"),
                t("ไม่ใช้ภาพเพื่อการประชาสัมพันธ์", "Never used for publicity."),
            ),
        ),
        shared_with=(
            t("บ้านพักเด็กและครอบครัวจังหวัดเชียงราย", "Chiang Rai Children and Family Shelter"),
            t("โรงพยาบาลส่งเสริมสุขภาพตำบลตัวอย่าง", "Sample Subdistrict Health Promotion Hospital"),
            t("โรงเรียนบ้านตัวอย่าง", "Ban Sample School"),
        ),
        data_categories=(
            t("ชื่อ อายุ ที่อยู่", "Name, age, address"),
            t("ข้อมูลสุขภาพ", "Health information"),
            t("ข้อมูลการศึกษา", "Education"),
            t("ข้อมูลครอบครัว", "Family circumstances"),
        ),
        retention=t(
            "เก็บไว้ไม่เกิน 5 ปีหลังปิดแฟ้มคดี แล้วทำลาย",
            "Kept for up to 5 years after the case is closed, then destroyed.",
        ),
    )


def caseload(lang: Lang, cases: int = 40) -> CaseloadData:
    t = _pick(lang)
    stages = (
        t("รับแจ้ง", "Intake"),
        t("ประเมิน", "Assessment"),
        t("วางแผนช่วยเหลือ", "Case planning"),
        t("ติดตามผล", "Monitoring"),
        t("ปิดคดี", "Closing"),
    )
    risks = (t("ต่ำ", "Low"), t("ปานกลาง", "Medium"), t("สูง", "High"), t("วิกฤต", "Critical"))
    workers = (
        t("นักสังคมสงเคราะห์ทดสอบ หนึ่ง", "Test Social Worker One"),
        t("นักสังคมสงเคราะห์ทดสอบ สอง", "Test Social Worker Two"),
    )
    tambons = (t("ตำบลตัวอย่าง", "Sample Subdistrict"), t("ตำบลทดสอบ", "Test Subdistrict"))
    as_of = date(2026, 2, 14)
    items = tuple(
        CaseloadCase(
            case_number=f"CR-2568-{i:04d}",
            child_name=t(f"เด็กทดสอบ ตัวอย่างที่{i}", f"Sample Child {i}"),
            stage=stages[(i * 7) % len(stages)],
            risk=risks[(i * 3) % len(risks)],
            worker=workers[i % 2],
            subdistrict=tambons[(i // 2) % 2],
            last_contact_on=as_of - timedelta(days=(i * 5) % 40),
            # Every third case is overdue, by a different number of days.
            next_follow_up_on=as_of + timedelta(days=(-i if i % 3 == 0 else i % 11 + 1)),
        )
        for i in range(1, cases + 1)
    )
    return CaseloadData(
        record_id="team-sample-01",
        organisation=organisation(lang),
        scope="team",
        scope_name=t("ทีมทดสอบ อำเภอเมือง", "Test team, Mueang District"),
        as_of=as_of,
        cases=items,
        stage_order=stages,
        risk_order=risks,
    )
