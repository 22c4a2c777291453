"""Printing from the GUI: a case summary made on the worker, previewed, saved as a real PDF;
the batch of the whole caseload with progress and Cancel; a lock drops the document."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QProgressDialog
from pytestqt.qtbot import QtBot

from cmdesk.gui.screens.batch_print import BatchPrintDialog
from cmdesk.gui.screens.print_dialog import PrintDialog
from cmdesk.gui.settings import GuiSettings
from cmdesk.gui.shell import Shell
from tests.gui.conftest import CASE_MANAGER, CASE_MANAGER_PASS, CASES
from tests.gui.flow import case_page, closed, dialog, lock, pick, press, workspace
from tests.gui.helpers import WAIT_MS, unlock, wait_idle

SLOW_MS = 60_000  # the first document loads fonts and the Thai dictionary


def _open_first_case(qtbot: QtBot, shell: Shell) -> None:
    caseload = workspace(shell).caseload
    qtbot.waitUntil(lambda: caseload.model.rowCount() > 0, timeout=WAIT_MS)
    caseload.table.selectRow(0)
    caseload.table.activated_row.emit(0)
    qtbot.waitUntil(lambda: case_page(shell).bundle is not None, timeout=WAIT_MS)
    wait_idle(qtbot, shell)


def test_a_case_summary_is_previewed_and_saved_as_pdf(
    qtbot: QtBot,
    make_shell: Callable[[GuiSettings], Shell],
    caseload_settings: GuiSettings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shell = make_shell(caseload_settings)
    unlock(qtbot, shell, CASE_MANAGER, CASE_MANAGER_PASS)
    _open_first_case(qtbot, shell)
    press(qtbot, case_page(shell).print_button)
    printing = dialog(qtbot, PrintDialog)
    assert not printing.save_button.isEnabled()  # nothing made yet
    # A PDF password must be long enough: said under the field, nothing is made.
    printing.password.setText("short")
    press(qtbot, printing.make_button)
    qtbot.waitUntil(lambda: "password" in printing.form.errors(), timeout=SLOW_MS)
    assert printing.made is None
    printing.password.clear()
    pick(printing.language, "th")
    press(qtbot, printing.make_button)
    qtbot.waitUntil(lambda: printing.made is not None, timeout=SLOW_MS)
    made = printing.made
    assert made is not None and made.pdf.startswith(b"%PDF") and made.pages >= 1
    if shutil.which("pdftoppm"):
        assert made.images and not made.images[0].isNull()
    if shutil.which("pdftoppm"):
        # Straight to a printer (here one that writes a file): every page, nothing kept.
        from pypdf import PdfReader
        from PySide6.QtPrintSupport import QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printed = tmp_path / "printer-output.pdf"
        printer.setOutputFileName(str(printed))
        assert printing.print_button.isEnabled()
        printing.print_to(printer)
        qtbot.waitUntil(lambda: printing.print_button.isEnabled(), timeout=SLOW_MS)
        assert len(PdfReader(printed).pages) == made.pages
        assert str(made.pages) in printing.message.text()
        assert printing.saved_to is None  # printing saved no PDF of the record
    target = tmp_path / "out" / "summary"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    press(qtbot, printing.save_button)
    saved = target.with_suffix(".pdf")
    qtbot.waitUntil(lambda: printing.saved_to == saved, timeout=WAIT_MS)
    assert saved.read_bytes() == made.pdf  # what was previewed is what was saved: one copy
    assert str(saved) in printing.message.text().replace("\u200b", "")
    press(qtbot, printing.open_button)
    assert opened == [str(saved)]
    # Locking closes the dialog and drops the document; unlocking does not bring it back.
    lock(qtbot, shell)
    assert closed(printing)
    unlock(qtbot, shell, CASE_MANAGER, CASE_MANAGER_PASS)
    assert not any(
        isinstance(w, PrintDialog) and w.isVisible() for w in shell.window.findChildren(PrintDialog)
    )


def test_the_caseload_is_printed_in_a_batch_that_can_be_stopped(
    qtbot: QtBot,
    make_shell: Callable[[GuiSettings], Shell],
    caseload_settings: GuiSettings,
    tmp_path: Path,
) -> None:
    shell = make_shell(caseload_settings)
    unlock(qtbot, shell, CASE_MANAGER, CASE_MANAGER_PASS)
    page = workspace(shell)
    page.show_section("caseload")  # Home comes first after unlocking
    press(qtbot, page.caseload.batch_button)
    batch = dialog(qtbot, BatchPrintDialog)
    out = tmp_path / "print"
    batch.folder.setText(str(out))
    press(qtbot, batch.start)
    qtbot.waitUntil(lambda: out.is_dir() and len(list(out.glob("*.pdf"))) >= 3, timeout=SLOW_MS)
    progress = batch.findChild(QProgressDialog)
    assert progress is not None
    # The worker's progress reaches the GUI thread as a queued call, after the files it counts.
    qtbot.waitUntil(lambda: progress.maximum() == CASES, timeout=WAIT_MS)
    progress.canceled.emit()  # what its Cancel button does (it may not have shown yet)
    qtbot.waitUntil(lambda: batch.outcome is not None, timeout=SLOW_MS)
    result = batch.outcome
    assert result is not None and result.cancelled
    assert 3 <= len(result.written) < CASES
    files = sorted(out.glob("*.pdf"))
    assert files == sorted(result.written)  # only complete files, no half-written one
    for path in files:
        data = path.read_bytes()
        assert data.startswith(b"%PDF") and b"%%EOF" in data[-64:]
        assert ".en.full.pdf" in path.name  # named by case number, never by a child's name
    assert str(len(result.written)) in batch.message.text()
    assert batch.open_folder.isEnabled()
