"""A referral for a service the partner does not list: offered only on request, sent only
with a reason, which is kept; a refused sending leaves no draft behind (issue 10, 5d and 5e)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from cmdesk.core.model.labels import label_of
from cmdesk.core.model.org import org_id_for
from cmdesk.core.services.consents import ConsentDraft
from cmdesk.core.sync.keys import OrgKeys
from cmdesk.core.vault import crypto
from cmdesk.core.workspace import Workspace
from cmdesk.gui.i18n import plain
from cmdesk.gui.screens.referral_dialog import ReferralDialog
from cmdesk.gui.settings import GuiSettings
from cmdesk.gui.shell import Shell
from tests.conftest import ADMIN, ADMIN_PASS
from tests.core.records.factories import child_draft
from tests.core.sync.records import rows
from tests.gui.flow import closed, dialog, open_case_from_caseload, pick, press, type_text
from tests.gui.helpers import WAIT_MS, unlock
from tests.gui.screen_checks import clipped, english_left, shown_texts

CM, PASS = "anong", "case manager passphrase"


@pytest.fixture(scope="session")
def consented_template(template_vault: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("services") / "vault"
    shutil.copytree(template_vault, root)
    with Workspace.open(root, ADMIN, ADMIN_PASS) as ws:
        ws.users.add(CM, PASS, "case_manager", kdf=crypto.weak_kdf_for_tests())
    with Workspace.open(root, CM, PASS) as ws:
        child = ws.children.register_child(child_draft(), confirm_not_duplicate=True).value
        ws.cases.open_case(child.id, ["neglect"], "high", "alone at night")
        ws.consents.record(
            child.id,
            ConsentDraft(
                purpose="sharing",
                given_on=date(2025, 1, 15),
                given_by="parent",
                giver_name="นางบัวคำ แสงทอง",
                method="written",
                shared_with_org="ECPAT",
            ),
        )
    return root


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_service_the_partner_does_not_list_needs_a_reason(
    qtbot: QtBot,
    make_shell: Callable[[GuiSettings], Shell],
    settings: GuiSettings,
    consented_template: Path,
    tmp_path: Path,
    lang: str,
) -> None:
    root = tmp_path / "vault"
    shutil.copytree(consented_template, root)
    settings.last_vault, settings.language = str(root), lang
    shell = make_shell(settings)
    unlock(qtbot, shell, CM, PASS)
    with Workspace.open(root, CM, PASS) as ws:
        number = ws.cases.list()[0].case_number
    tr = shell.lang.translator
    case = open_case_from_caseload(qtbot, shell, number)
    case.show_tab(case.referrals)
    press(qtbot, case.referrals.refer)
    referral = dialog(qtbot, ReferralDialog)
    pick(referral.partner, "ECPAT")
    qtbot.waitUntil(lambda: referral.send.isEnabled(), timeout=WAIT_MS)
    # ECPAT's own list first: no shelter in it.
    services = [referral.service.itemData(i) for i in range(referral.service.count())]
    assert "shelter" not in services and "legal_aid" in services
    assert referral.any_service.isVisible()
    assert "ECPAT" in plain(referral.any_service.toolTip())
    referral.any_service.setChecked(True)
    pick(referral.service, "shelter")
    assert referral.service_reason.isVisibleTo(referral)
    if lang == "th":
        # (a label re-wraps after its text changes: give the layout its turn first)
        qtbot.waitUntil(lambda: not clipped(referral), timeout=WAIT_MS)
        problems = english_left(shown_texts(referral)) + clipped(referral)
        assert not problems, problems
    type_text(qtbot, referral.reason, "no safe place tonight")
    press(qtbot, referral.send)  # without the reason: refused, said under the service
    qtbot.waitUntil(lambda: bool(referral.form.errors()), timeout=WAIT_MS)
    assert "ECPAT" in referral.form.errors()["service"]
    with Workspace.open(root, CM, PASS) as ws:
        assert ws.referrals.for_case(ws.cases.list()[0].id) == []  # no draft left behind
    type_text(qtbot, referral.service_reason, "the shelter is full; ECPAT will place her")
    press(qtbot, referral.send)
    qtbot.waitUntil(lambda: closed(referral), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: case.referrals.table.topLevelItemCount() == 1, timeout=WAIT_MS)
    assert case.referrals.table.topLevelItem(0).text(4) == tr.gettext(
        label_of("referral_status", "sent")
    )
    with Workspace.open(root, ADMIN, ADMIN_PASS) as ws:
        actions = {a["action"]: a for a in rows(ws, "audit_entry").values()}
    assert "the shelter is full" in actions["referral.service_override"]["detail"]


def test_a_partner_whose_trust_was_withdrawn_is_not_offered(
    qtbot: QtBot,
    make_shell: Callable[[GuiSettings], Shell],
    settings: GuiSettings,
    consented_template: Path,
    tmp_path: Path,
) -> None:
    root = tmp_path / "vault"
    shutil.copytree(consented_template, root)
    with Workspace.open(root, ADMIN, ADMIN_PASS) as ws:
        ecpat = OrgKeys.generate(org_id_for("ECPAT"), "ECPAT", "", "")
        ws.sync.trust(ecpat.identity_file())
        ws.sync.untrust("ECPAT")
    with Workspace.open(root, CM, PASS) as ws:
        number = ws.cases.list()[0].case_number
    settings.last_vault, settings.language = str(root), "th"
    shell = make_shell(settings)
    unlock(qtbot, shell, CM, PASS)
    case = open_case_from_caseload(qtbot, shell, number)
    case.show_tab(case.referrals)
    press(qtbot, case.referrals.refer)
    referral = dialog(qtbot, ReferralDialog)
    offered = {referral.partner.itemData(i) for i in range(referral.partner.count())}
    assert "ADRA" in offered and "ECPAT" not in offered
    referral.reject()
