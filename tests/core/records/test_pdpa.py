"""PDPA: a complete export of one child, and an erasure that leaves nothing readable, proved on
the decrypted bytes of every page of the vault and its WAL."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

import cmdesk.core.model as model
from cmdesk.core.acting.changes import Kind
from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.errors import NotFound, PermissionDenied, ValidationError
from cmdesk.core.model import AuditEntry, Child, Erasure, catalog
from cmdesk.core.model.base import is_synced
from cmdesk.core.services.child_drafts import ChildDraft
from cmdesk.core.services.consents import ConsentDraft
from cmdesk.core.services.pdpa import ErasedRecords, PdpaService, Witness
from cmdesk.core.services.referrals import ReferralDraft
from tests.core.records.conftest import PASS, Open
from tests.core.records.factories import mother, undocumented
from tests.core.records.sqlcipher_pages import PAGE, database_pages, plaintext

# A supervisor of the organisation confirms each erasure with their own passphrase.
WITNESS = Witness("malee", PASS)

# Every free-text field of the child's record carries one of these; each is found in the
# decrypted pages before erasure (so the scan works) and nowhere after it.
CANARY = "QZCANARY"
CANARY_TH = "ขมิ้นนกทดสอบ"
# Another child's canary: still there after the erasure, proving the scan still sees data.
OTHER = "WKSURVIVOR"


def full_record(as_user: Open, latin: str, thai: str) -> tuple[str, str]:
    """A child with every kind of record, every text field carrying the canary."""
    anong, malee = as_user("anong"), as_user("malee")
    draft = undocumented(
        given_name_th=thai,
        family_name_th="แสง" + thai,
        given_name_latin=latin.title(),
        family_name_latin=latin.title() + "son",
        nickname=f"{latin} nick",
        other_names=(f"{latin} alias",),
        village=f"{latin} village {thai}",
        texts={"school_name": f"{latin} school", "disability_details": f"{latin} details"},
        household=(mother(name=f"{latin} mother", contact_notes=f"{latin} contact"),),
    )
    child = anong.children.register_child(draft, confirm_not_duplicate=True).value
    # An earlier version of the name, replaced: the old cell must not survive either.
    anong.children.update_child(
        child.id, ChildDraft(**{**draft.__dict__, "household": (), "nickname": f"{latin} nick2"})
    )
    case = anong.cases.open_case(
        child.id,
        ["trafficking", "other"],
        "high",
        f"{latin} risk reason",
        concern_other=f"{latin} concern",
        assigned_worker_id=as_user("pim").actor.user_id,
    ).value
    anong.cases.set_risk(case.id, "critical", f"{latin} risk raised")
    anong.workflow.advance(case.id, "assessment")
    anong.casework.record_assessment(case.id, "safety", "serious_concern", f"{latin} findings")
    anong.workflow.advance(case.id, "case_plan")
    goal = anong.casework.add_goal(case.id, "safety", f"{latin} goal").value.goals[0]
    anong.casework.add_action(goal.id, f"{latin} action", "ECPAT", thai_today())
    anong.workflow.submit_plan(case.id)
    malee.workflow.approve_plan(case.id)
    anong.workflow.advance(case.id, "implementation")
    anong.workflow.advance(case.id, "review")
    anong.casework.add_review(case.id, thai_today(), f"{latin} progress", "continue")
    # A long note (overflow pages) and an edit of it.
    note = anong.notes.add(case.id, f"{latin} note " + "x" * 6000).value
    anong.notes.edit(note.id, f"{latin} note edited {thai}")
    anong.tasks.add(case.id, f"{latin} task", thai_today() + timedelta(days=3))
    anong.consents.record(
        child.id,
        ConsentDraft(
            purpose="sharing",
            given_on=thai_today(),
            given_by="parent",
            giver_name=f"{latin} giver",
            method="written",
            shared_with_org="ECPAT",
        ),
    )
    referral = anong.referrals.draft(
        case.id,
        ReferralDraft("ECPAT", "legal_aid", f"{latin} referral", ("identity", "notes")),
    ).value
    anong.referrals.send(referral.id)
    as_user("ecpat_cm").referrals.acknowledge(referral.id)
    as_user("ecpat_cm").referrals.add_feedback(referral.id, f"{latin} feedback")
    return child.id, case.id


def vault_plaintext(as_user: Open, vault: Path) -> bytes:
    return plaintext(as_user("admin").vault.data_key, vault / "cmdesk.db")


def test_the_page_reader_really_decrypts_the_vault(as_user: Open, rvault: Path) -> None:
    pages = database_pages(as_user("admin").vault.data_key, rvault / "cmdesk.db")
    # Page 1 after the salt is the SQLite header from byte 16: the page size comes first.
    assert int.from_bytes(pages[0][:2], "big") == PAGE
    assert b"CREATE TABLE" in b"".join(pages)


def test_erasure_leaves_no_readable_trace(as_user: Open, rvault: Path) -> None:
    erased_child, erased_case = full_record(as_user, CANARY.lower(), CANARY_TH)
    kept_child, _ = full_record(as_user, OTHER.lower(), "ต้นไม้ยังอยู่")
    before = vault_plaintext(as_user, rvault)
    assert CANARY.lower().encode() in before and CANARY_TH.encode() in before

    out = as_user("admin").pdpa.erase_child(erased_child, "data_subject_request", witness=WITNESS)
    erased = out.value
    assert erased_case in erased.rows["case_file"] and erased.child_id == erased_child
    assert out.changes.touches(Kind.CHILD) and erased_child in out.changes.ids

    # The WAL was emptied, so no old page image is left there.
    wal = rvault / "cmdesk.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0
    after = vault_plaintext(as_user, rvault)
    for needle in (CANARY.lower(), CANARY.title(), CANARY_TH):
        assert needle.encode("utf-8") not in after, needle
        assert needle.encode("utf-16-le") not in after, needle
    # The other child's record is untouched and still readable by the same scan.
    assert OTHER.lower().encode() in after
    assert as_user("anong").children.get(kept_child).given_name_latin == OTHER.lower().title()
    with pytest.raises(NotFound):
        as_user("anong").cases.get(erased_case)


def test_erasure_is_recorded_with_ids_only_for_sync_and_audit(as_user: Open) -> None:
    child_id, case_id = full_record(as_user, CANARY.lower(), CANARY_TH)
    erased = as_user("admin").pdpa.erase_child(child_id, "entered_in_error", witness=WITNESS).value
    admin = as_user("admin")
    with admin.ctx.read() as s:
        record = s.scalars(select(Erasure)).one()
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "pdpa.erase")).one()
        assert s.scalar(select(func.count()).select_from(Child)) == 0
    assert record.child_id == child_id and record.reason == "entered_in_error"
    assert {t: tuple(ids) for t, ids in record.erased.items()} == erased.rows
    detail = json.loads(entry.detail)
    assert detail["rows"]["case_note"] == 2 and entry.entity_id == child_id
    assert CANARY.lower() not in entry.detail
    # The audit trail itself is intact (erasure never edits it).
    assert admin.check().audit_break is None
    assert case_id in erased.ids()


def test_erasure_hooks_see_every_erased_id(as_user: Open) -> None:
    child_id, case_id = full_record(as_user, CANARY.lower(), CANARY_TH)
    seen: list[ErasedRecords] = []

    def hook(_session: object, erased: ErasedRecords) -> None:
        seen.append(erased)

    admin = as_user("admin")
    # The hooks are handed to the service (the Workspace hands it the search index's).
    service = PdpaService(admin.ctx, admin.audit, (hook,), lambda name, secret: secret == PASS)
    service.erase_child(child_id, "data_subject_request", witness=WITNESS)
    assert len(seen) == 1 and {child_id, case_id} <= seen[0].ids()


def test_only_the_data_manager_exports_and_erases(as_user: Open) -> None:
    child_id, _ = full_record(as_user, CANARY.lower(), CANARY_TH)
    for name in ("pim", "anong", "malee"):
        with pytest.raises(PermissionDenied):
            as_user(name).pdpa.export_child(child_id)
        with pytest.raises(PermissionDenied):
            as_user(name).pdpa.erase_child(child_id, "data_subject_request", witness=WITNESS)
        with pytest.raises(PermissionDenied):
            as_user(name).pdpa.find_children(CANARY.lower())
    with pytest.raises(ValidationError):
        as_user("admin").pdpa.erase_child(child_id, "because", witness=WITNESS)
    assert as_user("anong").children.get(child_id).id == child_id


def test_the_export_holds_every_record_of_the_child(as_user: Open) -> None:
    child_id, case_id = full_record(as_user, CANARY.lower(), CANARY_TH)
    full_record(as_user, OTHER.lower(), "ต้นไม้ยังอยู่")
    as_user("dao").cases.get(case_id)  # a read, which the export must show
    admin = as_user("admin")
    found = admin.pdpa.find_children(CANARY.lower())
    assert [c.id for c in found] == [child_id]
    exported = json.loads(admin.pdpa.export_child_json(child_id))
    records = exported["records"]
    # Every synced table that holds case data is in the export, none of them empty.
    case_tables = {
        t.name
        for mapper in model.Base.registry.mappers
        if is_synced(mapper.class_)
        for t in mapper.tables
    } - {"erasure", *catalog.ORGANISATION_RECORDS}
    assert set(records) == case_tables
    assert all(records[t] for t in case_tables), [t for t in case_tables if not records[t]]
    assert records["child"][0]["id"] == child_id and len(records["case_note"]) == 2
    # Every column is there, including soft-delete and attribution fields.
    assert {"deleted_at", "created_by", "updated_by", "birth_year"} <= set(records["child"][0])
    text = json.dumps(records, ensure_ascii=False)
    assert CANARY.lower() in text and CANARY_TH in text and OTHER.lower() not in text
    # Who read and changed the record.
    actions = {(e["actor"], e["action"]) for e in exported["audit"]}
    assert ("dao", "case.read") in actions and ("anong", "child.register") in actions
    with admin.ctx.read() as s:
        assert s.scalars(select(AuditEntry).where(AuditEntry.action == "pdpa.export")).one()


def test_an_erasure_needs_a_second_person_who_proves_it_with_their_passphrase(
    as_user: Open,
) -> None:
    child_id, _ = full_record(as_user, CANARY.lower(), CANARY_TH)
    admin = as_user("admin")
    refused = [
        Witness("malee", "not malee's passphrase"),  # the right person, a wrong passphrase
        Witness("pim", PASS),  # a field worker cannot witness
        Witness("admin", "whatever"),  # nor the one who erases
        Witness("nobody", PASS),
    ]
    for witness in refused:
        with pytest.raises(ValidationError) as bad:
            admin.pdpa.erase_child(child_id, "data_subject_request", witness=witness)
        assert bad.value.errors[0].field == "witness"
        assert as_user("anong").children.get(child_id).id == child_id  # nothing erased
    admin.pdpa.erase_child(child_id, "data_subject_request", witness=WITNESS)
    with admin.ctx.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "pdpa.erase")).one()
    assert json.loads(entry.detail)["witness"] == "malee" and entry.actor == "admin"


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_export_a_person_receives_is_readable_and_locked_with_a_password(
    as_user: Open, tmp_path: Path, lang: str
) -> None:
    from io import BytesIO

    from pypdf import PdfReader

    from cmdesk.core.i18n import translator
    from tests.core.reports.pdftools import pdftotext_raw

    child_id, _ = full_record(as_user, CANARY.lower(), CANARY_TH)
    admin = as_user("admin")
    password = "a password given by phone"
    pdf = admin.pdpa.export_child_pdf(child_id, password, lang)
    # Without the password nothing is readable.
    assert CANARY.lower().encode() not in pdf and CANARY_TH.encode() not in pdf
    reader = PdfReader(BytesIO(pdf))
    assert reader.is_encrypted and not reader.decrypt("wrong password")
    # With it: the child's details under their names in the reader's language, codes in words.
    text = pdftotext_raw(pdf, tmp_path, password=password)
    tr = translator(lang)
    assert CANARY_TH in text and tr.gettext("Given name in Thai") in text
    assert tr.gettext("Nickname") in text and tr.gettext("Personal data held about a child") in text
    # The same data as JSON inside the file, for any program.
    reader.decrypt(password)
    attached = json.loads(reader.attachments["personal-data.json"][0])
    assert attached["child_id"] == child_id
    assert attached["records"] == json.loads(admin.pdpa.export_child_json(child_id))["records"]
    # A password too short is refused before anything is made; only the data manager may.
    with pytest.raises(ValidationError):
        admin.pdpa.export_child_pdf(child_id, "short", lang)
    with pytest.raises(PermissionDenied):
        as_user("anong").pdpa.export_child_pdf(child_id, password, lang)
