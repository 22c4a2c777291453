"""Small parts: settings file, passphrase advice, Thai break hints, icons."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cmdesk.core.services.users import MIN_PASSPHRASE as CORE_MIN
from cmdesk.gui.i18n import ZWSP, plain, wrap_thai
from cmdesk.gui.icons import icon, icons_dir
from cmdesk.gui.passphrase_strength import MIN_PASSPHRASE, Level, assess
from cmdesk.gui.settings import GuiSettings


def test_settings_survive_a_restart_and_a_damaged_file(tmp_path: Path) -> None:
    path = tmp_path / "gui.json"
    s = GuiSettings.load(path)
    s.language, s.idle_lock_minutes, s.last_vault = "th", 10, "/v"
    s.save()
    again = GuiSettings.load(path)
    assert (again.language, again.idle_lock_minutes, again.last_vault) == ("th", 10, "/v")
    assert path.stat().st_mode & 0o077 == 0
    path.write_text("{not json")
    assert GuiSettings.load(path).language is None
    path.write_text(json.dumps({"language": "fr", "idle_lock_minutes": -3, "paper_size": "B9"}))
    odd = GuiSettings.load(path)
    assert (odd.language, odd.idle_lock_minutes, odd.paper_size) == (None, 5, "A4")


def test_the_meter_follows_the_cores_minimum() -> None:
    assert MIN_PASSPHRASE == CORE_MIN


@pytest.mark.parametrize(
    ("passphrase", "level"),
    [
        ("", Level.EMPTY),
        ("short", Level.TOO_SHORT),
        ("password2024", Level.WEAK),
        ("aaaaaaaaaaaa", Level.WEAK),
        ("hello1234world", Level.WEAK),
        ("somchai-river", Level.WEAK),  # contains the user name
        ("rice fields", Level.FAIR),
        ("mango river blue kettle", Level.STRONG),
        ("ข้าวเหนียว ทุ่งนา ฝนตก", Level.STRONG),
    ],
)
def test_passphrase_advice(passphrase: str, level: Level) -> None:
    assert assess(passphrase, username="somchai").level == level


def test_thai_display_text_gets_break_hints_between_words() -> None:
    text = "กรุณาปลดล็อกคลังข้อมูลเพื่อดำเนินการต่อ"
    wrapped = wrap_thai(text)
    assert ZWSP in wrapped and plain(wrapped) == text
    assert "ปลด\u200bล็อก" not in wrapped  # never inside a word
    # Marks stay with their consonant; English is untouched.
    assert not any(wrapped[i + 1] in "่้๊๋ิีึืุูั็์" for i, c in enumerate(wrapped[:-1]) if c == ZWSP)
    assert wrap_thai("Unlock the vault") == "Unlock the vault"


def test_every_icon_loads() -> None:
    names = [p.stem for p in icons_dir().glob("*.svg")]
    assert "lock" in names and "app" in names
    for name in names:
        assert not icon(name).isNull(), name


def test_many_qt_calls_do_not_exhaust_none(qtbot: object) -> None:
    """PySide6 6.12.0 on Python 3.11 dropped a reference to None per void call and per bool
    sent through a signal, until the interpreter aborted; pyproject.toml excludes it."""
    import sys

    from PySide6.QtCore import QObject, Signal
    from PySide6.QtWidgets import QLabel

    class Flag(QObject):
        changed = Signal(bool)

    label, flag = QLabel(), Flag()
    flag.changed.connect(lambda _on: None)
    before = [sys.getrefcount(x) for x in (None, True, False)]
    for i in range(20_000):
        label.setText(str(i))
        flag.changed.emit(i % 2 == 0)
    after = [sys.getrefcount(x) for x in (None, True, False)]
    assert all(a >= b - 100 for a, b in zip(after, before, strict=True)), (before, after)
