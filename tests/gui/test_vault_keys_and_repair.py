"""The data manager removes an account and is told the vault is under a new key; a check
that finds a break in the audit trail offers to record it as known, and the next check
passes and still counts it (issue 10)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidgetItem
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from cmdesk.core.i18n import translator
from cmdesk.core.services.users import OWN_LAPTOP_CLOSES
from cmdesk.core.services.vault_check import BRANCHED
from cmdesk.core.vault.keyslots import KeySlots
from cmdesk.core.workspace import Workspace
from cmdesk.gui.i18n import plain
from cmdesk.gui.screens.users import AddUserDialog, UsersScreen
from cmdesk.gui.screens.workspace import WorkspacePage
from cmdesk.gui.settings import GuiSettings
from cmdesk.gui.shell import Shell
from tests.conftest import ADMIN, ADMIN_PASS
from tests.gui.conftest import CASE_MANAGER, CASE_MANAGER_PASS
from tests.gui.flow import answer, closed, dialog, press
from tests.gui.helpers import WAIT_MS, unlock

TWIN_ENTRY = (
    "INSERT INTO audit_entry (id, device_id, seq, at, actor, action, entity, entity_id, detail,"
    " prev_hash, hash) SELECT 'twin', device_id, max(seq) + 1, max(at), 'twin', 'unlock', '',"
    " '', '{}', '" + "1" * 64 + "', '" + "2" * 64 + "' FROM audit_entry"
    " WHERE device_id = (SELECT value FROM vault_meta WHERE key = 'device_id')"
)


def _staff_accounts(
    qtbot: QtBot, make_shell: Callable[[GuiSettings], Shell], settings: GuiSettings, lang: str
) -> tuple[WorkspacePage, UsersScreen]:
    """The data manager's staff accounts screen, in `lang`, its list arrived."""
    settings.language = lang
    shell = make_shell(settings)
    unlock(qtbot, shell, ADMIN, ADMIN_PASS)
    page = shell.workspace_page()
    page.show_section("users")
    users = page.users
    qtbot.waitUntil(lambda: users.table.topLevelItemCount() > 1, timeout=WAIT_MS)
    return page, users


def _row(users: UsersScreen, username: str) -> QTreeWidgetItem:
    return users.table.findItems(username, Qt.MatchFlag.MatchExactly, 0)[0]


@pytest.mark.parametrize("lang", ["th", "en"])
def test_removing_an_account_rekeys_and_a_known_break_is_recorded(
    qtbot: QtBot,
    make_shell: Callable[[GuiSettings], Shell],
    caseload_settings: GuiSettings,
    lang: str,
) -> None:
    vault = Path(str(caseload_settings.last_vault))
    old_key = KeySlots.load(vault / "keyslots.json").unlock(CASE_MANAGER, CASE_MANAGER_PASS)
    # An entry another laptop wrote under this laptop's id, as an older version let happen.
    with Workspace.open(vault, ADMIN, ADMIN_PASS) as ws, ws.ctx.write() as s:
        s.execute(text(TWIN_ENTRY))
    tr = translator(lang)
    page, users = _staff_accounts(qtbot, make_shell, caseload_settings, lang)
    users.table.setCurrentItem(_row(users, CASE_MANAGER))
    press(qtbot, users.remove_button)
    answer(qtbot, yes=True)
    said = " ".join(
        tr.gettext(text)
        for text in (
            "The account is removed.",
            OWN_LAPTOP_CLOSES,
            "The vault is now under a new key: an old copy of its key file no longer opens it.",
        )
    )
    qtbot.waitUntil(lambda: plain(users.message.text()) == said, timeout=WAIT_MS)
    assert KeySlots.load(vault / "keyslots.json").unlock(ADMIN, ADMIN_PASS) != old_key

    page.show_section("vault")
    care = page.vault
    press(qtbot, care.check_button)
    qtbot.waitUntil(lambda: care.last_check is not None, timeout=WAIT_MS)
    assert care.last_check is not None and care.last_check.audit_break is not None
    assert not care.repair_button.isHidden()
    assert tr.gettext("Record the break as known") == plain(care.repair_button.text())
    care.last_check = None
    press(qtbot, care.repair_button)
    qtbot.waitUntil(lambda: care.last_check is not None, timeout=WAIT_MS)
    assert care.last_check is not None and care.last_check.ok
    assert care.repair_button.isHidden()
    known = tr.nformat(
        "{n} earlier break of the audit trail was recorded as known.",
        "{n} earlier breaks of the audit trail were recorded as known.",
        1,
    )
    assert plain(care.check_message.text()).endswith(known)
    # A trail two copies of one laptop wrote (sync/audit_versions.py) is said, not a failure.
    care._show_check(replace(care.last_check, branched=("01a24c35-8b0f-71c7-bdc7-0609518dfaea",)))
    said = plain(care.check_message.text())
    assert said.endswith(tr.format(BRANCHED, device="01a24c35"))
    assert ("สองสาย" in said) == (lang == "th") and care.repair_button.isHidden()


def test_a_removed_account_is_opened_again_for_the_person_who_came_back(
    qtbot: QtBot,
    make_shell: Callable[[GuiSettings], Shell],
    caseload_settings: GuiSettings,
) -> None:
    vault = Path(str(caseload_settings.last_vault))
    with Workspace.open(vault, ADMIN, ADMIN_PASS) as ws:
        ws.users.remove(CASE_MANAGER)
        before = ws.users.get(CASE_MANAGER)
    tr = translator("th")
    _page, users = _staff_accounts(qtbot, make_shell, caseload_settings, "th")
    row = _row(users, CASE_MANAGER)
    assert row.text(4) == tr.gettext("Removed")
    users.table.setCurrentItem(row)
    assert not users.reset_button.isEnabled() and not users.remove_button.isEnabled()
    assert plain(users.reopen_button.text()) == "เปิดใช้บัญชีอีกครั้ง…"
    press(qtbot, users.reopen_button)

    form = dialog(qtbot, AddUserDialog)
    assert plain(form.title.text()) == "เปิดใช้บัญชีอีกครั้ง"
    assert form.username.text() == CASE_MANAGER and form.username.isReadOnly()
    assert form.role.code() == before.role and form.full_name.text() == before.display_name
    new_pass = "orchid lantern river mountain 42"
    form.passphrase.setText(new_pass)
    form.repeat.setText(new_pass)
    press(qtbot, form.save)
    qtbot.waitUntil(lambda: closed(form), timeout=WAIT_MS)
    said = "เปิดใช้บัญชีอีกครั้งแล้ว ด้วยรหัสผ่านใหม่ ประวัติและเคสของบัญชีนี้ยังอยู่ครบ"
    qtbot.waitUntil(lambda: plain(users.message.text()) == said, timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: _row(users, CASE_MANAGER).text(4) == tr.gettext("Active"),
        timeout=WAIT_MS,
    )
    assert KeySlots.load(vault / "keyslots.json").unlock(CASE_MANAGER, new_pass) is not None
