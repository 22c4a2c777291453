"""A field worker's home says how much of the work made on the laptop has reached no other
laptop of the organisation yet, and leads to Exchange data (sync/unsent.py); the office's
home says nothing of the kind."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

from cmdesk.gui.i18n import plain
from cmdesk.gui.screens.workspace import WorkspacePage
from cmdesk.gui.settings import GuiSettings
from cmdesk.gui.shell import Shell
from tests.gui.field_laptop import PASS, USER, exchange, office_and_field_laptop
from tests.gui.flow import workspace
from tests.gui.helpers import WAIT_MS, click, unlock, wait_idle


def _home(qtbot: QtBot, shell: Shell) -> WorkspacePage:
    unlock(qtbot, shell, USER, PASS)
    page = workspace(shell)
    qtbot.waitUntil(lambda: page.home.figures is not None, timeout=WAIT_MS)
    wait_idle(qtbot, shell)
    return page


def test_the_home_says_what_only_this_laptop_holds_until_the_office_has_it(
    qtbot: QtBot,
    make_shell: Callable[[GuiSettings], Shell],
    settings: GuiSettings,
    template_vault: Path,
    tmp_path: Path,
) -> None:
    office_root, laptop = office_and_field_laptop(template_vault, tmp_path)
    settings.language, settings.last_vault = "th", str(laptop)
    shell = make_shell(settings)
    page = _home(qtbot, shell)
    button = page.home.buttons["only_here"]
    assert button.isVisibleTo(page.home)
    figures = page.home.figures
    assert figures is not None and figures.only_here
    assert button.text() == f"การเปลี่ยนแปลงที่อยู่ในเครื่องนี้เท่านั้น: {figures.only_here} รายการ"
    assert "หากเครื่องนี้สูญหาย" in button.toolTip()
    click(qtbot, button)
    assert page.sections.currentWidget() is page.sync
    # Exchange data says it too, beside the ways to send.
    summary = page.sync.summary
    qtbot.waitUntil(lambda: "ยังไม่ได้ส่ง" in plain(summary.text()), timeout=WAIT_MS)
    assert f"การเปลี่ยนแปลง {figures.only_here} รายการ" in plain(summary.text())
    click(qtbot, page.lock_button)

    exchange(office_root, laptop, first="laptop")
    page = _home(qtbot, shell)
    assert page.home.buttons["only_here"].text() == "งานทั้งหมดในเครื่องนี้ไปถึงองค์กรแล้ว"
