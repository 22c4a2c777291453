"""The one module that holds the Qt details needing care: high-DPI, the bundled fonts, the
style, and start-up. Windows elsewhere stay thin and never touch these.

`main()` is the `cmdesk-gui` entry point.
"""

from __future__ import annotations

import ctypes
import logging
import os
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import fontpkg_sarabun
from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QApplication

APP_NAME = "cmdesk"
FONT_FAMILY = "Sarabun"
# Sarabun's letters are small for their em size (11 pt Sarabun ~ 16 pt TH Sarabun New), and
# Thai marks stack above and below: 11 pt reads well on a 1366x768 laptop without crowding.
FONT_POINT_SIZE = 11.0
_FONT_FILES = (
    "Sarabun-Regular.ttf",
    "Sarabun-Bold.ttf",
    "Sarabun-Italic.ttf",
    "Sarabun-BoldItalic.ttf",
    "Sarabun-SemiBold.ttf",
)

_log = logging.getLogger(__name__)


def font_files() -> list[Path]:
    root = Path(fontpkg_sarabun.ROOT) / "files"
    return [root / name for name in _FONT_FILES]


@cache
def register_fonts() -> str:
    """Registers Sarabun with Qt once per process and returns the family name.

    Many machines (Windows in Thai offices included) have no Thai font that matches, and some
    have none at all; then Thai shows as boxes. The app always brings its own.
    """
    for path in font_files():
        if QFontDatabase.addApplicationFont(str(path)) < 0:
            _log.warning("could not load the bundled font %s", path.name)
    return FONT_FAMILY


def app_font() -> QFont:
    font = QFont(register_fonts())
    font.setPointSizeF(FONT_POINT_SIZE)
    # Full hinting distorts Thai marks at small sizes on Windows; vertical hinting keeps them.
    font.setHintingPreference(QFont.HintingPreference.PreferVerticalHinting)
    return font


def make_app(argv: Sequence[str] | None = None) -> QApplication:
    """The QApplication, configured; reuses an existing one (tests create theirs first)."""
    existing = QApplication.instance()
    if existing is None:
        # Must be set before the application exists. PassThrough keeps 125 %/150 % Windows
        # scaling sharp instead of rounding it to 100 % or 200 %.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
        QCoreApplication.setApplicationName(APP_NAME)
        QCoreApplication.setOrganizationName(APP_NAME)
        app = QApplication(list(argv if argv is not None else sys.argv))
    else:
        app = existing  # type: ignore[assignment]
    configure(app)
    return app


def shiboken_leaks_singletons() -> bool:
    """True when this PySide6 build drops a reference to None (and True/False) on calls.

    PySide6 6.12.0's abi3 wheels return None from void methods, and pass bools through
    signals, without taking a reference: harmless on Python 3.12+, where these objects are
    immortal, but on 3.11 every `label.setText(...)` lowers None's count by one, and after
    about five thousand calls the interpreter aborts ("deallocating None"). 6.11 is fine.
    """
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(16):
        probe.setObjectName("probe")
    return sys.getrefcount(None) <= before - 8


_CUSHION = 1 << 40


def guard_singleton_refcounts() -> bool:
    """Works around `shiboken_leaks_singletons` by raising the reference counts of None, True
    and False far beyond what a process can leak (2**40 calls). Returns whether it did.

    The proper fix is a PySide6 version without the bug (pin `PySide6-Essentials!=6.12.0`);
    this keeps the app alive on machines that already have 6.12.0.
    """
    if not shiboken_leaks_singletons():
        return False
    for singleton in (None, True, False):
        if sys.getrefcount(singleton) < _CUSHION // 2:
            # ob_refcnt is the first field of every CPython object (3.11, non-debug build).
            ctypes.c_ssize_t.from_address(id(singleton)).value += _CUSHION
    _log.warning("PySide6 %s leaks references on Python 3.11; guarded", _pyside_version())
    return True


def _pyside_version() -> str:
    import PySide6

    return str(PySide6.__version__)


def configure(app: QApplication) -> None:
    guard_singleton_refcounts()
    # Fusion looks and measures the same on Windows, macOS and Linux, so what we test offscreen
    # (text fitting its buttons) holds on the field laptops too.
    app.setStyle("Fusion")
    app.setFont(app_font())
    app.setApplicationDisplayName(APP_NAME)
    app.setDesktopFileName(APP_NAME)
    from cmdesk.gui.icons import icon

    app.setWindowIcon(icon("app"))


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=os.environ.get("CMDESK_LOG", "WARNING"))
    app = make_app(argv)
    # Imported after the QApplication exists: screens build QPixmaps and fonts at import.
    from cmdesk.gui.shell import Shell

    shell = Shell.start()
    code = app.exec()
    shell.shutdown()
    return int(code)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
