"""Saving the caseload as a spreadsheet from the GUI: a warning first, then the file with every
case the caseload shows (not just the first page), read back as a spreadsheet reader would."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from cmdesk.gui.settings import GuiSettings
from cmdesk.gui.shell import Shell
from tests.gui.conftest import CASE_MANAGER, CASE_MANAGER_PASS, CASES
from tests.gui.flow import answer, dialog, press, workspace
from tests.gui.helpers import WAIT_MS, unlock, wait_idle
from tests.gui.screen_checks import english_left, shown_texts


@pytest.mark.parametrize(("lang", "name"), [("th", "รายการ.csv"), ("en", "caseload")])
def test_the_caseload_is_saved_as_a_spreadsheet_after_a_warning(
    qtbot: QtBot,
    make_shell: Callable[[GuiSettings], Shell],
    caseload_settings: GuiSettings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
    name: str,
) -> None:
    caseload_settings.language = lang
    shell = make_shell(caseload_settings)
    unlock(qtbot, shell, CASE_MANAGER, CASE_MANAGER_PASS)
    page = workspace(shell)
    page.show_section("caseload")
    caseload = page.caseload
    qtbot.waitUntil(lambda: caseload.model.rowCount() > 0, timeout=WAIT_MS)
    wait_idle(qtbot, shell)
    tr = shell.lang.translator
    target = tmp_path / name
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "Excel (*.xlsx)")
    )

    # Said No: nothing written, nothing asked.
    press(qtbot, caseload.sheet_button)
    answer(qtbot, yes=False)
    assert not list(tmp_path.glob("*.*"))

    press(qtbot, caseload.sheet_button)
    box = dialog(qtbot, QMessageBox)
    assert "not encrypted" in box.text() or "ไม่ได้เข้ารหัส" in box.text()
    if lang == "th":
        assert not english_left(shown_texts(box)), english_left(shown_texts(box))
    answer(qtbot, yes=True)
    saved = target if target.suffix else target.with_name(f"{target.name}.xlsx")
    qtbot.waitUntil(lambda: caseload.message.text() != "", timeout=WAIT_MS)
    note = caseload.message.text().replace("\u200b", "")
    assert str(saved) in note and str(CASES) in note
    if saved.suffix == ".csv":
        lines = list(csv.reader(io.StringIO(saved.read_bytes().decode("utf-8-sig"))))
        header, body = lines[1], lines[2:]
        assert header[0] == tr.gettext("Case number") == "เลขที่เคส"
    else:
        sheet = load_workbook(saved).active
        rows = list(sheet.iter_rows(values_only=True))
        header, body = list(rows[2]), rows[3:]
        assert header[0] == "Case number"
    # Every case the caseload shows, though the table has loaded one page of them.
    assert len(body) == CASES > caseload.model.rowCount()
