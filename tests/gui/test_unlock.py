"""Unlocking: right and wrong passphrases, waiting after wrong ones, missing vaults."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

from cmdesk.core.errors import NoSuchVault, UnlockThrottled, WrongPassphrase
from cmdesk.core.i18n import translator
from cmdesk.gui.i18n import plain
from cmdesk.gui.settings import GuiSettings
from cmdesk.gui.shell import Shell
from tests.conftest import ADMIN, ADMIN_PASS
from tests.gui.helpers import WAIT_MS, click, unlock


def test_the_last_vault_opens_at_its_unlock_screen(
    make_shell: Callable[[GuiSettings], Shell], vault_settings: GuiSettings
) -> None:
    shell = make_shell(vault_settings)
    assert shell.window.current_page() is shell.window.unlock_page


def test_unlock_opens_the_caseload(
    qtbot: QtBot, make_shell: Callable[[GuiSettings], Shell], vault_settings: GuiSettings
) -> None:
    shell = make_shell(vault_settings)
    unlock(qtbot, shell, ADMIN, ADMIN_PASS)
    assert shell.session.actor is not None and shell.session.actor.username == ADMIN
    page = shell.window.unlock_page
    assert page.passphrase.text() == ""  # never left in a field after use


def test_a_wrong_passphrase_says_so_and_the_wait_counts_down(
    qtbot: QtBot, make_shell: Callable[[GuiSettings], Shell], vault_settings: GuiSettings
) -> None:
    vault_settings.language = "th"
    shell = make_shell(vault_settings)
    page = shell.window.unlock_page
    qtbot.waitUntil(lambda: page.user.text() != "" or page.isVisible(), timeout=WAIT_MS)
    page.user.setText(ADMIN)
    page.passphrase.setText("not the passphrase")
    click(qtbot, page.unlock_button)
    th = translator("th")
    wrong = WrongPassphrase().message(th)
    qtbot.waitUntil(lambda: wrong in plain(page.message.text()), timeout=WAIT_MS)
    assert page.message.isVisible()
    assert not shell.session.is_unlocked
    # One failure means a one-second wait, shown as a countdown with the button disabled.
    qtbot.waitUntil(lambda: page.waiting, timeout=WAIT_MS)
    assert not page.unlock_button.isEnabled()
    assert UnlockThrottled(1).message(th) in plain(page.message.text())
    qtbot.waitUntil(lambda: page.unlock_button.isEnabled(), timeout=5_000)
    unlock(qtbot, shell, ADMIN, ADMIN_PASS)


def test_a_missing_vault_is_explained(
    qtbot: QtBot,
    make_shell: Callable[[GuiSettings], Shell],
    settings: GuiSettings,
    vault_dir: Path,
) -> None:
    settings.last_vault = str(vault_dir)
    shell = make_shell(settings)
    shell.show_unlock(vault_dir.parent / "nowhere")
    page = shell.window.unlock_page
    expected = NoSuchVault().message(translator("en"))
    qtbot.waitUntil(lambda: plain(page.message.text()) == expected, timeout=WAIT_MS)
