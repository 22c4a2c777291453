"""Who may print what, the audit of every print, passwords, threads, and batch printing with
cancel: `ws.reports` on a real vault."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

import cmdesk.core.reports as reports_layer
from cmdesk.core.errors import (
    ConsentRequired,
    NotFound,
    PermissionDenied,
    TransitionNotAllowed,
    ValidationError,
)
from cmdesk.core.model import AuditEntry
from cmdesk.core.progress import CancelToken
from cmdesk.core.services.referrals import ReferralDraft
from cmdesk.core.workspace import Workspace
from tests.conftest import ADMIN
from tests.core.records.factories import undocumented

from .test_from_vault import (
    HEALTH_CANARY,
    LATIN_SURNAME,
    NOTE_CANARY,
    Open,
    Printed,
    as_user,
    open_as,
    printed,
    printed_template,
    records_template,
    rvault,
)

__all__ = ["as_user", "open_as", "printed", "printed_template", "records_template", "rvault"]


def prints(ws: Workspace) -> list[AuditEntry]:
    with ws.ctx.read() as s:
        return list(
            s.scalars(
                select(AuditEntry)
                .where(AuditEntry.action == "report.print")
                .order_by(AuditEntry.seq)
            )
        )


def refusals(ws: Workspace) -> int:
    with ws.ctx.read() as s:
        return len(s.scalars(select(AuditEntry).where(AuditEntry.action == "access.denied")).all())


# -- permissions -----------------------------------------------------------------------------
def test_field_worker_prints_their_own_case_at_every_level(open_as: Open, printed: Printed) -> None:
    ws = open_as("pim")
    for level in ("full", "partner", "case_conference"):
        assert ws.reports.case_summary(printed.case_id, lang="th", level=level).startswith(b"%PDF")


def test_a_case_the_user_cannot_see_is_refused_and_the_refusal_audited(
    open_as: Open, printed: Printed, tmp_path: Path
) -> None:
    ws = open_as("pim")  # team maesai; the hidden case is team chiangsaen's
    before = refusals(ws)
    with pytest.raises(PermissionDenied):
        ws.reports.case_summary(printed.hidden_case_id, lang="en", level="partner")
    with pytest.raises(PermissionDenied):
        ws.reports.consent_form(printed.hidden_case_id, lang="en")
    with pytest.raises(PermissionDenied):
        ws.reports.batch_case_summaries(
            [printed.case_id, printed.hidden_case_id], tmp_path / "out", lang="en", level="full"
        )
    assert not (tmp_path / "out").exists()  # refused before the first file
    assert refusals(ws) == before + 3
    assert prints(ws) == []


def test_partner_staff_print_only_the_partner_slip(open_as: Open, printed: Printed) -> None:
    receiver = open_as("ecpat_cm")
    assert receiver.reports.referral_slip(printed.referral_id, lang="en").startswith(b"%PDF")
    with pytest.raises(ValidationError):
        receiver.reports.referral_slip(printed.referral_id, lang="en", level="full")
    with pytest.raises(PermissionDenied):  # the full internal record is the owning org's
        receiver.reports.case_summary(printed.case_id, lang="en", level="partner")
    with pytest.raises(PermissionDenied):  # a partner's field worker does not receive referrals
        open_as("ecpat_fw").reports.referral_slip(printed.referral_id, lang="en")


def test_data_managers_print_nothing(open_as: Open, printed: Printed) -> None:
    admin = open_as(ADMIN)
    with pytest.raises(PermissionDenied):
        admin.reports.case_summary(printed.case_id, lang="en", level="full")
    with pytest.raises(PermissionDenied):
        admin.reports.caseload(lang="en")


def test_unknown_records_are_not_found(open_as: Open) -> None:
    ws = open_as("anong")
    with pytest.raises(NotFound):
        ws.reports.case_summary("WVFT-2569-000000-9999", lang="en", level="full")
    with pytest.raises(NotFound):
        ws.reports.referral_slip("no-such-referral", lang="en")


def test_no_slip_for_a_draft_or_without_a_standing_consent(open_as: Open, printed: Printed) -> None:
    cm = open_as("anong")
    draft = cm.referrals.draft(
        printed.case_id, ReferralDraft("CRSHELTER", "shelter", "a safe place", ("identity",))
    ).value
    with pytest.raises(TransitionNotAllowed):
        cm.reports.referral_slip(draft.id, lang="en")
    consent = cm.consents.for_child(printed.child_id)[0]
    cm.consents.withdraw(consent.id, "the mother changed her mind")
    with pytest.raises(ConsentRequired):
        cm.reports.referral_slip(printed.referral_id, lang="en")


def test_caseload_scopes(open_as: Open, printed: Printed) -> None:
    pim = open_as("pim")
    assert pim.reports.caseload(lang="en").startswith(b"%PDF")  # own caseload
    assert pim.reports.caseload(lang="en", team="maesai").startswith(b"%PDF")  # own team
    with pytest.raises(PermissionDenied):
        pim.reports.caseload(lang="en", team="chiangsaen")
    with pytest.raises(PermissionDenied):
        pim.reports.caseload(lang="en", worker="anong")
    with pytest.raises(PermissionDenied):
        pim.reports.caseload(lang="en", subdistrict="570101")
    sup = open_as("malee")
    assert sup.reports.caseload(lang="th", worker="pim").startswith(b"%PDF")
    assert sup.reports.caseload(lang="th", subdistrict="570101").startswith(b"%PDF")
    with pytest.raises(ValidationError):
        sup.reports.caseload(lang="en", level="partner")
    with pytest.raises(ValidationError):
        sup.reports.caseload(lang="en", worker="nobody-here")
    with pytest.raises(ValidationError):
        sup.reports.caseload(lang="en", subdistrict="999999")


def test_bad_language_level_and_password_change_nothing(open_as: Open, printed: Printed) -> None:
    ws = open_as("anong")
    for kwargs in (
        {"lang": "fr", "level": "full"},
        {"lang": "en", "level": "secret"},
        {"lang": "en", "level": "full", "password": "short"},
    ):
        with pytest.raises(ValidationError):
            ws.reports.case_summary(printed.case_id, **kwargs)
    assert prints(ws) == []


# -- audit -------------------------------------------------------------------------------------
def test_every_print_is_audited_without_names(open_as: Open, printed: Printed) -> None:
    ws = open_as("anong")
    ws.reports.case_summary(printed.case_id, lang="th", level="full", include_notes=True)
    ws.reports.case_summary(printed.case_id, lang="en", level="partner", include_notes=True)
    ws.reports.referral_slip(printed.referral_id, lang="en")
    ws.reports.consent_form(printed.case_id, lang="th")
    open_as("malee").reports.caseload(lang="en", team="maesai")
    entries = prints(ws)
    seen = [(e.entity, e.entity_id, json.loads(e.detail)) for e in entries]
    assert [(entity, d["document"], d["level"], d["lang"]) for entity, _, d in seen] == [
        ("case", "case_summary", "full", "th"),
        ("case", "case_summary", "partner", "en"),
        ("referral", "referral_slip", "partner", "en"),
        ("case", "consent_form", "full", "th"),
        ("caseload", "caseload", "full", "en"),
    ]
    assert seen[0][1] == printed.case_id and seen[2][1] == printed.referral_id
    assert seen[0][2]["notes"] is True
    assert seen[1][2]["notes"] is False  # asked for, but the partner level never carries notes
    assert [e.actor for e in entries] == ["anong"] * 4 + ["malee"]
    for entry in entries:
        for name in ("มะลิ", "Mali", LATIN_SURNAME, "บัวคำ", HEALTH_CANARY, NOTE_CANARY):
            assert name not in entry.detail and name not in entry.entity_id
    assert ws.check().ok  # the chain still verifies


# -- passwords and threads ---------------------------------------------------------------------
def test_password_protects_the_pdf(open_as: Open, printed: Printed) -> None:
    pdf = open_as("anong").reports.referral_slip(
        printed.referral_id, lang="th", password="slip password 1"
    )
    reader = PdfReader(BytesIO(pdf))
    assert reader.is_encrypted
    assert reader.decrypt("wrong password") == 0
    assert reader.decrypt("slip password 1") != 0
    assert len(reader.pages) >= 1
    entry = json.loads(prints(open_as("anong"))[-1].detail)
    assert entry["password"] is True


def test_rendering_holds_no_connection_and_runs_on_a_worker_thread(
    open_as: Open, printed: Printed, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = open_as("anong")
    real = reports_layer.build_case_summary
    seen: dict[str, object] = {}

    def spy(*args: object, **kwargs: object) -> bytes:
        # While the PDF is laid out: no pooled connection is checked out (so no transaction,
        # read or write, is open) and another user can write at once.
        seen["checked_out"] = ws.vault.engine.pool.checkedout()
        seen["thread"] = threading.current_thread().name
        open_as("malee").notes.add(printed.case_id, "written while printing")
        return real(*args, **kwargs)

    monkeypatch.setattr(reports_layer, "build_case_summary", spy)
    with ThreadPoolExecutor(1, thread_name_prefix="db-worker") as pool:
        pdf = pool.submit(ws.reports.case_summary, printed.case_id, lang="th", level="full").result(
            timeout=120
        )
    assert pdf.startswith(b"%PDF")
    assert seen["checked_out"] == 0
    assert str(seen["thread"]).startswith("db-worker")


# -- batch -------------------------------------------------------------------------------------
def more_cases(open_as: Open, n: int) -> list[str]:
    cm = open_as("anong")
    ids = []
    for i in range(n):
        child = cm.children.register_child(
            undocumented(given_name_latin=f"Batch{chr(65 + i)}"),
            confirm_not_duplicate=True,
        ).value
        ids.append(cm.cases.open_case(child.id, ["neglect"], "medium", "batch").value.id)
    return ids


def test_batch_writes_one_complete_pdf_per_case(
    open_as: Open, printed: Printed, tmp_path: Path
) -> None:
    ws = open_as("anong")
    ids = [printed.case_id, *more_cases(open_as, 2)]
    steps: list[tuple[int, int]] = []
    out = tmp_path / "print" / "batch"
    result = ws.reports.batch_case_summaries(
        ids, out, lang="en", level="partner", progress=lambda d, t: steps.append((d, t))
    )
    assert not result.cancelled and result.total == 3
    assert steps == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in result.written)
    assert f"{printed.case_number}.en.partner.pdf" in {p.name for p in result.written}
    assert out.stat().st_mode & 0o777 == 0o700
    for path in result.written:
        assert path.stat().st_mode & 0o777 == 0o600
        assert len(PdfReader(path).pages) >= 1
    batch = [json.loads(e.detail) for e in prints(ws)]
    assert len(batch) == 3 and all(d["batch"] for d in batch)


def test_cancelled_batch_leaves_only_complete_files(
    open_as: Open, printed: Printed, tmp_path: Path
) -> None:
    ws = open_as("anong")
    ids = more_cases(open_as, 4)
    cancel = CancelToken()

    def progress(done: int, total: int) -> None:
        if done == 2:
            cancel.cancel()  # as the GUI's button or the CLI's Ctrl+C would, mid-batch

    out = tmp_path / "out"
    result = ws.reports.batch_case_summaries(
        ids, out, lang="th", level="full", progress=progress, cancel=cancel
    )
    assert result.cancelled and len(result.written) == 2 and result.total == 4
    files = sorted(out.iterdir())
    assert files == sorted(result.written)  # no temp files, nothing half-written
    for path in files:
        data = path.read_bytes()
        assert data.rstrip().endswith(b"%%EOF")
        PdfReader(BytesIO(data), strict=True)
    assert len(prints(ws)) == 2  # only the copies made are recorded


def test_a_failed_write_leaves_no_file(
    open_as: Open, printed: Printed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = open_as("anong")
    real_replace = Path.replace

    def interrupted(self: Path, target: Path) -> Path:
        raise KeyboardInterrupt  # a second Ctrl+C while the file is being written

    monkeypatch.setattr(Path, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        ws.reports.batch_case_summaries(
            [printed.case_id], tmp_path / "out", lang="en", level="full"
        )
    monkeypatch.setattr(Path, "replace", real_replace)
    assert list((tmp_path / "out").iterdir()) == []
