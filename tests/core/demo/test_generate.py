"""Generated demo data: deterministic, covering every state, passing the records core's own
rules, readable through the services, and written with the audit trail intact."""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from cmdesk.core.demo.generate import NotADemoVault, dataset_hash, generate
from cmdesk.core.errors import PermissionDenied
from cmdesk.core.model import (
    Case,
    Child,
    Consent,
    HouseholdMember,
    Mechanism,
    MechanismMeeting,
    Note,
    Referral,
)
from cmdesk.core.model.case import RiskLevel, Stage
from cmdesk.core.model.child import birth_of
from cmdesk.core.model.referral import ReferralStatus
from cmdesk.core.progress import CancelToken
from cmdesk.core.services.child_drafts import ChildDraft, HouseholdMemberDraft, check_child
from cmdesk.core.vault import crypto
from cmdesk.core.workspace import Workspace
from tests.conftest import ADMIN, ADMIN_PASS, WORKER, WORKER_PASS

AS_OF = date(2026, 11, 25)
N = 300
STAFF_PASS = "demo test passphrase"


@pytest.fixture(scope="module")
def staffed(tmp_path_factory: pytest.TempPathFactory, template_vault: Path) -> Path:
    root = tmp_path_factory.mktemp("demo") / "vault"
    shutil.copytree(template_vault, root)
    kdf = crypto.weak_kdf_for_tests()
    with Workspace.open(root, ADMIN, ADMIN_PASS) as ws:
        ws.users.add("sup", STAFF_PASS, "supervisor", kdf=kdf)
        ws.users.add("cm", STAFF_PASS, "case_manager", kdf=kdf)
        ws.users.add("fw", STAFF_PASS, "field_worker", team="north", kdf=kdf)
    return root


@pytest.fixture(scope="module")
def demo(staffed: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo300") / "vault"
    shutil.copytree(staffed, root)
    with Workspace.open(root, ADMIN, ADMIN_PASS) as ws:
        generate(ws, N, seed=1, as_of=AS_OF, workers=0)
    return root


def copy(src: Path, tmp_path: Path, name: str) -> Path:
    dest = tmp_path / name
    shutil.copytree(src, dest)
    return dest


def hashed(root: Path, **kw: object) -> str:
    with Workspace.open(root, ADMIN, ADMIN_PASS) as ws:
        options: dict[str, object] = {"workers": 0, **kw}
        generate(ws, 60, as_of=AS_OF, **options)  # type: ignore[arg-type]
        return dataset_hash(ws)


def test_same_seed_same_dataset_other_seed_other_dataset(staffed: Path, tmp_path: Path) -> None:
    first = hashed(copy(staffed, tmp_path, "a"), seed=7, batch=25)
    again = hashed(copy(staffed, tmp_path, "b"), seed=7, batch=60)  # batching does not matter
    other = hashed(copy(staffed, tmp_path, "c"), seed=8)
    assert first == again
    assert first != other


def test_worker_processes_build_the_same_dataset(staffed: Path, tmp_path: Path) -> None:
    inline = hashed(copy(staffed, tmp_path, "a"), seed=3, batch=15)
    pooled = hashed(copy(staffed, tmp_path, "b"), seed=3, batch=15, workers=1)
    assert inline == pooled


def counts(root: Path, column: object) -> Counter[str]:
    with Workspace.open(root, ADMIN, ADMIN_PASS) as ws, ws.ctx.read() as s:
        return Counter(str(v) for v in s.scalars(select(column)))  # type: ignore[call-overload]


def test_every_stage_risk_and_referral_state_is_present(demo: Path) -> None:
    assert counts(demo, Case.stage).keys() == {s.value for s in Stage}
    assert counts(demo, Case.risk_level).keys() == {r.value for r in RiskLevel}
    assert counts(demo, Referral.status).keys() == {s.value for s in ReferralStatus}
    assert sum(counts(demo, Case.id).values()) == N
    referred_to = counts(demo, Referral.to_org_id)
    assert len(referred_to) >= 5  # spread over the partner network
    bases = counts(demo, Consent.basis)
    assert {"consent", "vital_interest"} <= bases.keys()
    assert len(counts(demo, Note.kind)) == 5


def test_children_are_bilingual_highland_and_in_chiang_rai(demo: Path) -> None:
    groups = counts(demo, Child.ethnicity)
    assert {"akha", "lahu", "hmong", "tai_yai", "northern_thai"} <= groups.keys()
    with Workspace.open(demo, ADMIN, ADMIN_PASS) as ws, ws.ctx.read() as s:
        children = s.scalars(select(Child)).all()
    assert all(c.subdistrict_code.startswith("57") for c in children)
    assert all(c.given_name_th and c.given_name_latin for c in children)
    statuses = Counter(c.legal_status for c in children)
    assert statuses["thai"] > 0 and statuses["non_thai_registered"] + statuses["undocumented"] > 0


def test_every_child_passes_the_records_rules(demo: Path) -> None:
    with Workspace.open(demo, ADMIN, ADMIN_PASS) as ws, ws.ctx.read() as s:
        children = s.scalars(select(Child)).all()
        members = s.scalars(select(HouseholdMember)).all()
    by_child: dict[str, list[HouseholdMember]] = {}
    for m in members:
        by_child.setdefault(m.child_id, []).append(m)
    for c in children:
        household = tuple(
            HouseholdMemberDraft(
                m.name, m.relationship, m.is_caregiver, m.lives_with_child, m.birth_year, m.phone
            )
            for m in by_child.get(c.id, [])
        )
        draft = ChildDraft(
            given_name_th=c.given_name_th,
            family_name_th=c.family_name_th,
            given_name_latin=c.given_name_latin,
            family_name_latin=c.family_name_latin,
            nickname=c.nickname,
            other_names=tuple(c.other_names),
            sex=c.sex,
            birth=birth_of(c),
            ethnicity=c.ethnicity,
            nationality=c.nationality,
            legal_status=c.legal_status,
            id_document_type=c.id_document_type,
            id_number=c.id_number or "",
            village=c.village,
            province_code=c.province_code,
            district_code=c.district_code,
            subdistrict_code=c.subdistrict_code,
            languages=tuple(c.languages),
            school_status=c.school_status,
            disability=c.disability,
            texts={"school_name": c.school_name, "disability_details": c.disability_details},
            household=household,
        )
        check_child(draft, with_household=True, today=AS_OF)


def test_records_read_back_through_the_services(demo: Path, tmp_path: Path) -> None:
    root = copy(demo, tmp_path, "v")
    with Workspace.open(root, "sup", STAFF_PASS) as ws:
        page = ws.search.caseload()
        assert len(page.rows) == 50 and page.has_more
        for row in page.rows[:10]:
            case = ws.cases.get(row.id)
            assert case.stage_history and case.stage_history[-1].to_stage == case.stage
            assert case.risk_history[-1].level == case.risk_level
            ws.notes.list(row.id)
            ws.referrals.for_case(row.id)
        child = ws.children.get(page.rows[0].child_id)
        assert child.household and child.case_ids
        # New cases continue the vault's own numbering after the generated ones.
        opened = ws.cases.open_case(child.id, ["neglect"], "low", "New report.").value
        assert opened.case_number not in {r.case_number for r in page.rows}
        assert ws.check().ok


def test_the_audit_trail_records_each_batch(staffed: Path, tmp_path: Path) -> None:
    root = copy(staffed, tmp_path, "v")
    with Workspace.open(root, ADMIN, ADMIN_PASS) as ws:
        generate(ws, 50, seed=2, as_of=AS_OF, batch=20, workers=0)
        with ws.ctx.read() as s:
            actions = list(s.scalars(text("SELECT action FROM audit_entry")))
        assert actions.count("demo.generate") == 3
        assert ws.check().ok


def test_progress_is_reported_and_cancelling_keeps_whole_batches(
    staffed: Path, tmp_path: Path
) -> None:
    root = copy(staffed, tmp_path, "v")
    token = CancelToken()
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        if done >= 40:
            token.cancel()

    with Workspace.open(root, ADMIN, ADMIN_PASS) as ws:
        result = generate(
            ws, 100, seed=1, as_of=AS_OF, batch=20, workers=0, progress=progress, cancel=token
        )
        assert result.cancelled and result.cases == 40
        assert seen == [(20, 100), (40, 100)]
        with ws.ctx.read() as s:
            assert s.scalar(select(func.count()).select_from(Case)) == 40
            assert s.scalar(select(func.count()).select_from(Child)) == 40


def test_a_second_run_adds_more_without_clashing(demo: Path, tmp_path: Path) -> None:
    root = copy(demo, tmp_path, "v")
    mechanisms = sum(counts(root, Mechanism.id).values())
    with Workspace.open(root, ADMIN, ADMIN_PASS) as ws:
        generate(ws, 30, seed=1, as_of=AS_OF, workers=0)
    assert sum(counts(root, Case.id).values()) == N + 30
    assert len(counts(root, Case.case_number)) == N + 30
    assert sum(counts(root, Mechanism.id).values()) == mechanisms  # made once


def test_community_mechanisms_meet_and_refer_cases_of_their_subdistrict(demo: Path) -> None:
    with Workspace.open(demo, ADMIN, ADMIN_PASS) as ws, ws.ctx.read() as s:
        mechanisms = {m.id: m for m in s.scalars(select(Mechanism))}
        meetings = s.scalars(select(MechanismMeeting)).all()
        linked = s.execute(
            select(Case.referred_by_mechanism_id, Case.referred_to_mechanism_id, Child)
            .join(Child, Child.id == Case.child_id)
            .where(Case.referred_by_mechanism_id.is_not(None))
        ).all()
    kinds = Counter(m.kind for m in mechanisms.values())
    assert kinds["centre"] > kinds["council"] > 20  # of Chiang Rai's 124 subdistricts
    assert all(m.subdistrict_code.startswith("57") and m.contact_phone for m in mechanisms.values())
    assert any(not m.active for m in mechanisms.values())
    assert len(meetings) > 5 * len(mechanisms) and all(m.held_on <= AS_OF for m in meetings)
    assert len(linked) >= 20
    for by, to, child in linked:
        assert mechanisms[by].subdistrict_code == child.subdistrict_code
        assert to is None or mechanisms[to].subdistrict_code == child.subdistrict_code


def test_refused_beside_real_records_and_for_other_roles(vault_dir: Path) -> None:
    with Workspace.open(vault_dir, WORKER, WORKER_PASS) as ws:
        with pytest.raises(PermissionDenied):
            generate(ws, 5, workers=0)
        ws.children.register_child(
            ChildDraft(given_name_th="มะลิ", sex="female"), confirm_not_duplicate=True
        )
    with Workspace.open(vault_dir, ADMIN, ADMIN_PASS) as ws, pytest.raises(NotADemoVault):
        generate(ws, 5, workers=0)


def test_demo_rows_are_local_unless_asked_to_sync(staffed: Path, tmp_path: Path) -> None:
    def captured(root: Path, syncable: bool) -> int:
        with Workspace.open(root, ADMIN, ADMIN_PASS) as ws:
            generate(ws, 5, seed=1, as_of=AS_OF, workers=0, syncable=syncable)
            with ws.ctx.read() as s:
                query = "SELECT count(*) FROM sync_change WHERE tbl = 'case_file'"
                return int(s.scalar(text(query)) or 0)

    assert captured(copy(staffed, tmp_path, "a"), syncable=False) == 0
    assert captured(copy(staffed, tmp_path, "b"), syncable=True) == 5
