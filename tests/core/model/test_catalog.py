"""The field catalog describes every synced column, and what reads it agrees with it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from cmdesk.cli import records_input
from cmdesk.core.model import catalog
from cmdesk.core.model.catalog import Kind
from cmdesk.core.sync import sharing


def test_every_synced_column_is_in_the_catalog_and_nothing_else() -> None:
    assert catalog.uncatalogued() == [], "describe these in cmdesk.core.model.catalog"
    assert catalog.stale() == [], "the model no longer has these; drop them from the catalog"


def test_a_new_column_is_named_until_the_catalog_decides_what_it_is() -> None:
    # In a separate interpreter: the column is added to the live model, as a developer's
    # change to model/child.py would.
    probe = (
        "from sqlalchemy import Column, String\n"
        "import cmdesk.core.model as m\n"
        "from cmdesk.core.model import catalog\n"
        "m.Child.__table__.append_column(Column('favourite_food', String(100)))\n"
        "print(catalog.uncatalogued())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "['child.favourite_food']"


def test_kinds_come_from_the_column_and_the_catalog() -> None:
    assert catalog.kind_of("child", "languages") is Kind.CODES
    assert catalog.kind_of("child", "other_names") is Kind.TEXTS
    assert catalog.kind_of("child", "sex") is Kind.CODE
    assert catalog.kind_of("child", "birth_day") is Kind.DATE
    assert catalog.kind_of("child", "disability_details") is Kind.LONG_TEXT
    assert catalog.kind_of("case_file", "assigned_worker_id") is Kind.USER
    assert catalog.kind_of("referral", "to_org_id") is Kind.ORGANISATION
    assert catalog.kind_of("household_member", "is_caregiver") is Kind.BOOLEAN
    assert catalog.kind_of("case_task", "done_at") is Kind.DATETIME
    assert catalog.kind_of("case_file", "child_id") is Kind.RECORD


def test_a_code_field_takes_only_its_codes() -> None:
    assert catalog.allowed("case_file", "risk_level", "high")
    assert not catalog.allowed("case_file", "risk_level", "purple")
    assert catalog.allowed("child", "languages", '["akha", "thai"]')
    assert not catalog.allowed("child", "languages", '["akha", "klingon"]')
    assert not catalog.allowed("child", "languages", "not json")
    assert catalog.allowed("child", "nickname", "anything at all")


def test_sharing_and_the_command_line_read_the_catalog() -> None:
    assert catalog.shared_by_section() == sharing.SECTIONS
    identity = sharing.SECTIONS["identity"]["child"]
    assert "given_name_th" in identity and "id_number" not in identity
    assert sharing.SECTIONS["household"] == {"household_member": catalog.ALL}
    assert set(sharing.CASE_BASE) == {
        "org_id",
        "created_at",
        "deleted_at",
        "case_number",
        "child_id",
    }
    assert "school_name" in records_input.CHILD_PLAIN and "languages" in records_input.CHILD_LISTS
    assert "nickname" in records_input.CHILD_TEXT
    assert "birth" not in records_input.CHILD_TEXT  # the birth date has its own fields


def test_every_label_has_thai() -> None:
    from cmdesk.core.i18n import translator

    th = translator("th")
    for table in catalog.RECORDS:
        for name, info in catalog.fields_of(table).items():
            if info.label:
                assert th.gettext(info.label) != info.label, f"{table}.{name}"


# A developer's new plain text on a child, as the README's "Adding a field" describes: the
# column (with its label), and the migration's ALTER TABLE; nothing else is changed.
NEW_FIELD_PROBE = """
import json, sys
from pathlib import Path
from sqlalchemy import Column, String, text
import cmdesk.core.model as m
from cmdesk.core.model.field_info import plain_text
m.Child.school_grade = Column("school_grade", String(20), nullable=False, default="",
                              info=plain_text("School grade"))

from cmdesk.cli import records_input
from cmdesk.core.errors import ValidationError
from cmdesk.core.services.child_drafts import ChildDraft
from cmdesk.core.vault import crypto
from cmdesk.core.workspace import Workspace

out = {}
root, secret, kdf = Path(sys.argv[1]), "a long enough passphrase", crypto.weak_kdf_for_tests()
with Workspace.create(root, org_code="WVFT", username="admin", passphrase=secret, kdf=kdf) as ws:
    ws.users.add("anong", secret, "case_manager", kdf=kdf)
    with ws.ctx.write() as s:
        s.execute(text("ALTER TABLE child ADD COLUMN school_grade VARCHAR(20) NOT NULL DEFAULT ''"))
with Workspace.open(root, "anong", secret) as ws:
    draft = records_input.child_draft(
        {"given_name_th": "มะลิ", "school_grade": "  ป.5  "}, typed=False, locale="th"
    )
    child = ws.children.register_child(draft, confirm_not_duplicate=True).value
    out["stored"] = ws.children.get(child.id).texts["school_grade"]
    try:
        ws.children.update_child(child.id, ChildDraft(given_name_th="มะลิ",
                                                      texts={"school_grade": "x" * 21}))
    except ValidationError as e:
        out["refused"] = [(f.field, f.params) for f in e.errors]
    out["unchanged"] = ws.children.get(child.id).texts["school_grade"]
print(json.dumps(out, ensure_ascii=False))
"""


def test_a_new_plain_text_on_a_child_needs_no_service_code(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", NEW_FIELD_PROBE, str(tmp_path / "vault")],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    found = json.loads(out.stdout)
    # The command line accepts it by name, the services trim, bound and store it, and the
    # child's details carry it back; too long is refused under its own name.
    assert found == {
        "stored": "ป.5",
        "refused": [["school_grade", {"max": 20}]],
        "unchanged": "ป.5",
    }
