"""Every stored code has a label, and every label has a Thai translation."""

from __future__ import annotations

import inspect
from enum import StrEnum

import pytest

import cmdesk.core.model.case as case_module
import cmdesk.core.model.casework as casework_module
import cmdesk.core.model.child as child_module
import cmdesk.core.model.consent as consent_module
import cmdesk.core.model.erasure as erasure_module
import cmdesk.core.model.note as note_module
import cmdesk.core.model.referral as referral_module
import cmdesk.core.model.task as task_module
from cmdesk.core.i18n import Translator
from cmdesk.core.model.case import Stage
from cmdesk.core.model.labels import TABLES, choices, label, label_of
from cmdesk.core.model.referral import ReferralEventKind

MODULES = [
    case_module,
    casework_module,
    child_module,
    consent_module,
    erasure_module,
    note_module,
    referral_module,
    task_module,
]
# Codes that are never shown as a choice (event kinds are rendered by their content).
UNLABELLED = {ReferralEventKind}


def test_every_enum_of_the_records_model_is_fully_labelled() -> None:
    labelled = {type(next(iter(t))) for t in TABLES.values()}
    for module in MODULES:
        for _, enum in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(enum, StrEnum)
                and enum is not StrEnum
                and enum.__module__ == module.__name__
            ):
                if enum in UNLABELLED:
                    continue
                assert enum in labelled, enum
    for kind, table in TABLES.items():
        enum = type(next(iter(table)))
        assert set(table) == set(enum), kind


@pytest.mark.parametrize("kind", sorted(TABLES))
def test_every_label_reads_in_thai(kind: str) -> None:
    th = Translator("th")
    untranslated = [msgid for _, msgid in choices(kind) if th.gettext(msgid) == msgid]
    assert untranslated == []


def test_lookups() -> None:
    assert label(Stage.CASE_PLAN) == "Case plan"
    assert label_of("risk", "critical") == "Critical risk"
    assert label_of("stage", "from_a_newer_version") == "from_a_newer_version"
    assert Translator("th").gettext(label_of("stage", "case_plan")) == "แผนการช่วยเหลือ"
