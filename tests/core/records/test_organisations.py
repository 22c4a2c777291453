"""The partner network is in every vault, with the same ids everywhere; the own one is marked."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from cmdesk.core.acting.changes import Kind
from cmdesk.core.errors import PermissionDenied, ValidationError
from cmdesk.core.model import Organisation, org_id_for
from cmdesk.core.reference.partners import PARTNERS
from cmdesk.core.vault import crypto, migrate
from cmdesk.core.vault.engine import make_engine
from cmdesk.core.workspace import Workspace
from tests.conftest import ORG


def test_every_partner_is_seeded_and_the_own_organisation_is_marked(ws: Workspace) -> None:
    orgs = ws.organisations.list()
    assert {p.code for p in PARTNERS} <= {o.code for o in orgs}
    own = ws.organisations.own()
    assert own.code == ORG and orgs[0] == own
    # WVFT is a known partner: the vault uses its real names, not the bare code.
    assert own.name_en == "World Vision Foundation of Thailand"
    assert own.name_th == "มูลนิธิศุภนิมิตแห่งประเทศไทย"
    assert sum(o.is_own for o in orgs) == 1


def test_organisation_ids_follow_from_codes_on_every_device(ws: Workspace, tmp_path: Path) -> None:
    kdf = crypto.weak_kdf_for_tests()
    with Workspace.create(
        tmp_path / "other", org_code="newngo", username="dm", passphrase="x" * 12, kdf=kdf
    ) as other:
        theirs = {o.code: o.id for o in other.organisations.list()}
        assert other.organisations.own().name_en == "NEWNGO"
    ours = {o.code: o.id for o in ws.organisations.list()}
    for p in PARTNERS:
        assert ours[p.code] == theirs[p.code] == org_id_for(p.code)


def test_partners_offering_a_service_exclude_the_own_organisation(ws: Workspace) -> None:
    codes = {o.code for o in ws.organisations.offering("shelter")}
    assert "CRSHELTER" in codes and ORG not in codes
    assert "MAEKHAMCOOP" not in codes


def test_data_manager_sets_services_and_adds_partners(ws: Workspace) -> None:
    out = ws.organisations.set_services("ECPAT", ["legal_aid", "medical"])
    assert out.value.services == ("legal_aid", "medical") and out.changes.touches(Kind.ORGANISATION)
    with pytest.raises(ValidationError) as bad:
        ws.organisations.set_services("ECPAT", ["teleportation"])
    assert bad.value.errors[0].field == "services"
    assert ws.organisations.get("ECPAT").services == ("legal_aid", "medical")
    added = ws.organisations.add(
        "HOSP-CR", "โรงพยาบาลเชียงรายประชานุเคราะห์", "Chiang Rai Hospital", "government", ["medical"]
    ).value
    assert added.id == org_id_for("HOSP-CR")
    with pytest.raises(ValidationError):
        ws.organisations.add("HOSP-CR", "x", "y")


def test_field_worker_cannot_change_organisations(vault_dir: Path) -> None:
    from tests.conftest import WORKER, WORKER_PASS

    with Workspace.open(vault_dir, WORKER, WORKER_PASS) as fw, pytest.raises(PermissionDenied):
        fw.organisations.set_services("ECPAT", [])


def test_upgrading_a_foundation_vault_seeds_the_partner_network(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "old.db", crypto.new_data_key(), create=True)
    revisions = [r.revision for r in migrate.script().walk_revisions()]
    foundation = revisions[-1]
    with engine.begin() as conn:
        command.upgrade(migrate.alembic_config(conn), foundation)
        conn.execute(
            text(
                "INSERT INTO organisation (id, code, name_th, name_en, kind, services, created_at)"
                " VALUES ('random-id', 'ECPAT', 'x', 'y', 'ngo', '[]', "
                "'2026-01-01T00:00:00.000000Z')"
            )
        )
    migrate.upgrade(engine)
    with Session(engine) as s:
        rows = {o.code: o for o in s.scalars(select(Organisation))}
    engine.dispose()
    assert {p.code for p in PARTNERS} == set(rows)
    assert rows["ECPAT"].id == "random-id"  # an existing row is left alone
    assert rows["SOS"].id == org_id_for("SOS")
