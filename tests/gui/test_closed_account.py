"""A worker who left opens their laptop (Thai): the workspace says the organisation closed
the account and takes them to Sync data to send the laptop's work; once it has arrived, the
laptop no longer opens for them and the unlock screen says why (sync/closed_accounts.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

from cmdesk.core.workspace import Workspace
from cmdesk.gui.i18n import plain
from cmdesk.gui.settings import GuiSettings
from cmdesk.gui.shell import Shell
from tests.conftest import ADMIN, ADMIN_PASS
from tests.gui.field_laptop import PASS, USER, exchange, office_and_field_laptop
from tests.gui.flow import workspace
from tests.gui.helpers import WAIT_MS, click, type_and_unlock, unlock


def test_a_worker_who_left_is_asked_to_send_the_laptop_s_work_then_it_closes(
    qtbot: QtBot,
    make_shell: Callable[[GuiSettings], Shell],
    settings: GuiSettings,
    template_vault: Path,
    tmp_path: Path,
) -> None:
    office_root, laptop = office_and_field_laptop(template_vault, tmp_path)
    with Workspace.open(office_root, ADMIN, ADMIN_PASS) as office:
        office.users.remove(USER)
    with (
        Workspace.open(office_root, ADMIN, ADMIN_PASS) as office,
        Workspace.open(laptop, USER, PASS) as ws,
    ):
        data, _ = office.sync.export()
        ws.sync.import_bundle(data)

    settings.language, settings.last_vault = "th", str(laptop)
    shell = make_shell(settings)
    unlock(qtbot, shell, USER, PASS)
    page = workspace(shell)
    qtbot.waitUntil(lambda: page.banner.isVisible(), timeout=WAIT_MS)
    said = plain(page.banner_text.text())
    assert "ปิดบัญชีของคุณแล้ว" in said and "ส่งงาน" in said
    click(qtbot, page.banner_button)
    assert page.sections.currentWidget() is page.sync
    click(qtbot, page.lock_button)

    # The laptop's work reaches the office, and the office's next bundle comes back.
    exchange(office_root, laptop, first="laptop")
    unlock_page = shell.window.unlock_page
    type_and_unlock(qtbot, shell, USER, PASS)
    qtbot.waitUntil(lambda: "ไม่มีข้อมูลสูญหาย" in plain(unlock_page.message.text()), timeout=WAIT_MS)
    assert "ปิดบัญชีของคุณแล้ว" in plain(unlock_page.message.text())
    assert not shell.session.is_unlocked
