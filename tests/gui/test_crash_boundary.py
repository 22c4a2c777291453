"""An exception nobody foresaw on the GUI thread: one friendly sentence in the user's language
and a crash report without personal data; never a traceback, and the app goes on."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from cmdesk.core.i18n import translator
from cmdesk.gui import crash_boundary

CANARY = "มะลิแก้วใจ"


def test_unexpected_error_on_the_gui_thread(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CMDESK_CRASH_DIR", str(tmp_path))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    crash_boundary.install(lambda: translator("th"))
    try:
        raise ValueError(f"no such child {CANARY}")
    except ValueError:
        sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
    assert len(boxes) == 1
    text = boxes[0].text()
    assert "ข้อมูลที่บันทึกไว้แล้วยังปลอดภัย" in text or "ปลอดภัย" in text
    assert "ผู้พัฒนา" in text and CANARY not in text and "Traceback" not in text
    reports = list(tmp_path.glob("crash-*.txt"))
    assert len(reports) == 1 and str(reports[0]) in text
    report = reports[0].read_text()
    assert "builtins.ValueError" in report and CANARY not in report
    boxes[0].close()
