"""The data manager answers a child's personal data requests: a protected copy for one
child, and an erasure of another witnessed by a supervisor, after which the erased child's
name is on no decrypted page of the vault."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from cmdesk.core.i18n import translator
from cmdesk.core.services.pdpa import WITNESS_REFUSED
from cmdesk.core.vault import crypto
from cmdesk.core.workspace import Workspace
from cmdesk.gui.i18n import plain
from cmdesk.gui.screens.pdpa_dialog import ERASURE_EXPLAINED, PdpaDialog
from cmdesk.gui.settings import GuiSettings
from cmdesk.gui.shell import Shell
from tests.conftest import ADMIN, ADMIN_PASS
from tests.core.records.sqlcipher_pages import plaintext
from tests.gui.conftest import child_names
from tests.gui.flow import answer, dialog, press, type_text
from tests.gui.helpers import WAIT_MS, unlock, wait_idle

SUPERVISOR, SUPERVISOR_PASS = "kasem", "the supervisor's own passphrase"
FILE_PASSWORD = "river of ten stones"


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_copy_for_one_child_and_a_witnessed_erasure_of_another(
    qtbot: QtBot,
    make_shell: Callable[[GuiSettings], Shell],
    caseload_settings: GuiSettings,
    tmp_path: Path,
    lang: str,
) -> None:
    vault = Path(str(caseload_settings.last_vault))
    with Workspace.open(vault, ADMIN, ADMIN_PASS) as ws:
        ws.users.add(SUPERVISOR, SUPERVISOR_PASS, "supervisor", kdf=crypto.weak_kdf_for_tests())
        key = ws.vault.data_key
    caseload_settings.language = lang
    tr = translator(lang)
    shell = make_shell(caseload_settings)
    unlock(qtbot, shell, ADMIN, ADMIN_PASS)
    page = shell.workspace_page()
    page.show_section("vault")
    press(qtbot, page.vault.pdpa_button)
    box = dialog(qtbot, PdpaDialog)

    # A copy for the child who asked: found by name, saved only as a protected file.
    _th, kept = child_names(3)
    type_text(qtbot, box.search, kept)
    qtbot.waitUntil(lambda: box.found.count() == 1, timeout=WAIT_MS)
    box.found.setCurrentRow(0)
    type_text(qtbot, box.password, "short")
    press(qtbot, box.export_button)
    assert "password" in box.export_form.errors()  # too short: said under the field
    box.password.clear()
    type_text(qtbot, box.password, FILE_PASSWORD)
    copy = tmp_path / "copy.pdf"
    child_id = str(box.found.currentItem().data(0x0100))
    box.save_copy(child_id, copy, FILE_PASSWORD)
    qtbot.waitUntil(copy.exists, timeout=WAIT_MS)
    reader = PdfReader(BytesIO(copy.read_bytes()))
    assert reader.is_encrypted and reader.decrypt(FILE_PASSWORD)
    assert kept.encode() not in copy.read_bytes()

    # Erasing another child needs a witness who types their own passphrase.
    gone_th, gone = child_names(5)
    box.search.clear()
    type_text(qtbot, box.search, gone)
    qtbot.waitUntil(lambda: box.found.count() == 1, timeout=WAIT_MS)
    box.found.setCurrentRow(0)
    assert plain(box.erase_text.text()) == tr.gettext(ERASURE_EXPLAINED)
    type_text(qtbot, box.witness, SUPERVISOR)
    type_text(qtbot, box.witness_passphrase, "not the supervisor's passphrase")
    press(qtbot, box.erase_button)
    answer(qtbot, yes=True)
    qtbot.waitUntil(lambda: "witness" in box.erase_form.errors(), timeout=WAIT_MS)
    assert plain(box.erase_form.errors()["witness"]) == tr.gettext(WITNESS_REFUSED)
    assert box.found.count() == 1  # nothing erased
    type_text(qtbot, box.witness_passphrase, SUPERVISOR_PASS)
    press(qtbot, box.erase_button)
    assert gone in dialog(qtbot, QMessageBox).text()  # the question names the child
    answer(qtbot, yes=True)
    qtbot.waitUntil(lambda: box.found.count() == 0, timeout=WAIT_MS)
    wait_idle(qtbot, shell)
    shell.lock()
    wait_idle(qtbot, shell)

    pages = plaintext(key, vault / "cmdesk.db")
    assert kept.encode() in pages  # the scan sees names, so the next line can fail
    assert gone.encode() not in pages and gone_th.encode() not in pages
