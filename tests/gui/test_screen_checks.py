"""The checks of test_thai_screens can fail: they see English, and they see cut-off text."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.screen_checks import clipped, english_left, shown_texts


def test_english_in_a_thai_screen_is_found(qtbot: QtBot) -> None:
    root = QWidget()
    qtbot.addWidget(root)
    layout = QVBoxLayout(root)
    layout.addWidget(QLabel("ปลดล็อกคลังข้อมูล"))
    layout.addWidget(QLabel("บันทึกไว้ที่ /media/usb/key.txt แล้ว (WVFT) cmdesk"))
    layout.addWidget(QPushButton("Unlock"))
    verbatim = QLabel("Somchai Saelee")
    verbatim.setProperty("verbatim", True)
    layout.addWidget(verbatim)
    root.show()
    problems = english_left(shown_texts(root))
    assert len(problems) == 1 and "Unlock" in problems[0]


def test_text_cut_off_by_its_widget_is_found(qtbot: QtBot) -> None:
    root = QWidget()
    qtbot.addWidget(root)
    root.resize(400, 300)
    label = QLabel("ข้อความยาวมากที่ไม่มีทางใส่ในพื้นที่แคบ ๆ นี้ได้", root)
    label.setGeometry(0, 0, 60, 20)
    button = QPushButton("สร้างคลังข้อมูลใหม่", root)
    button.setGeometry(0, 40, 50, 30)
    wrapped = QLabel("ข้อความ\u200bยาว\u200bมาก\u200bที่\u200bต้อง\u200bตัด\u200bบรรทัด " * 6, root)
    wrapped.setWordWrap(True)
    wrapped.setGeometry(0, 80, 120, 20)
    fits = QPushButton("ตกลง", root)
    fits.setGeometry(0, 200, 200, 30)
    root.show()
    problems = clipped(root)
    assert len(problems) == 3, problems
