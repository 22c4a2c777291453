"""Every user changes their own passphrase from the top bar: the current one first, then the
new one twice; the next unlock takes the new one and not the old."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from cmdesk.core.errors import WrongPassphrase
from cmdesk.core.i18n import translator
from cmdesk.gui.i18n import plain
from cmdesk.gui.screens.own_passphrase import WRONG_CURRENT, ChangeOwnPassphraseDialog
from cmdesk.gui.settings import GuiSettings
from cmdesk.gui.shell import Shell
from tests.gui.conftest import CASE_MANAGER, CASE_MANAGER_PASS
from tests.gui.flow import closed, dialog, lock, press, type_text
from tests.gui.helpers import WAIT_MS, unlock

NEW_PASS = "monsoon rain on the tea hills"


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_worker_changes_their_own_passphrase(
    qtbot: QtBot,
    make_shell: Callable[[GuiSettings], Shell],
    caseload_settings: GuiSettings,
    lang: str,
) -> None:
    caseload_settings.language = lang
    tr = translator(lang)
    shell = make_shell(caseload_settings)
    unlock(qtbot, shell, CASE_MANAGER, CASE_MANAGER_PASS)
    page = shell.workspace_page()
    press(qtbot, page.passphrase_button)
    box = dialog(qtbot, ChangeOwnPassphraseDialog)
    assert plain(box.title.text()) == tr.gettext("Change my passphrase")

    # A wrong current passphrase is said under its field; nothing changes.
    type_text(qtbot, box.current, "not my passphrase at all")
    type_text(qtbot, box.passphrase, NEW_PASS)
    type_text(qtbot, box.repeat, NEW_PASS)
    press(qtbot, box.save)
    qtbot.waitUntil(lambda: "current" in box.form.errors(), timeout=WAIT_MS)
    assert plain(box.form.errors()["current"]) == tr.gettext(WRONG_CURRENT)
    assert box.isVisible()

    box.current.clear()
    type_text(qtbot, box.current, CASE_MANAGER_PASS)
    press(qtbot, box.save)
    qtbot.waitUntil(lambda: closed(box), timeout=WAIT_MS)
    assert shell.window.statusBar().currentMessage() == tr.gettext("Your passphrase is changed.")

    # The old passphrase no longer opens the vault; the new one does.
    lock(qtbot, shell)
    unlock_page = shell.window.unlock_page
    unlock_page.passphrase.setText(CASE_MANAGER_PASS)
    press(qtbot, unlock_page.unlock_button)
    wrong = WrongPassphrase().message(tr)
    qtbot.waitUntil(lambda: wrong in plain(unlock_page.message.text()), timeout=WAIT_MS)
    assert not shell.session.is_unlocked
    # The wait after a wrong passphrase counts down before the next try is taken.
    again = tr.gettext("You can try again now.")
    qtbot.waitUntil(lambda: plain(unlock_page.message.text()) == again, timeout=WAIT_MS)
    unlock(qtbot, shell, CASE_MANAGER, NEW_PASS)
    assert shell.session.is_unlocked
