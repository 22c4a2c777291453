"""The field catalog describes every synced column, and what reads it agrees with it."""

from __future__ import annotations

import subprocess
import sys

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
    assert "school_name" in records_input.CHILD_TEXT and "languages" in records_input.CHILD_LISTS
    assert "birth" not in records_input.CHILD_TEXT  # the birth date has its own fields


def test_every_label_has_thai() -> None:
    from cmdesk.core.i18n import translator

    th = translator("th")
    for table, record in catalog.RECORDS.items():
        for name, info in record.fields.items():
            if info.label:
                assert th.gettext(info.label) != info.label, f"{table}.{name}"
