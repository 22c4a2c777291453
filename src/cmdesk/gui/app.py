"""The one module that holds the Qt details needing care: high-DPI, the bundled fonts, the
style, and start-up. Windows elsewhere stay thin and never touch these.

`main()` is the `cmdesk-gui` entry point.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import fontpkg_sarabun
from PySide6.QtCore import QCoreApplication, Qt
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


def configure(app: QApplication) -> None:
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
    args = list(argv if argv is not None else sys.argv)
    parser = argparse.ArgumentParser(prog="cmdesk-gui", add_help=True)
    parser.add_argument("--vault", metavar="DIR", help="open this vault (default: the last one)")
    # Qt's own options (-platform, -style, …) pass through untouched.
    options, qt_args = parser.parse_known_args(args[1:])
    app = make_app([args[0] if args else "cmdesk-gui", *qt_args])
    # Imported after the QApplication exists: screens build QPixmaps and fonts at import.
    from cmdesk.gui.settings import GuiSettings
    from cmdesk.gui.shell import Shell

    settings = GuiSettings.load()
    if options.vault:
        settings.last_vault = str(Path(options.vault).expanduser().resolve())
    shell = Shell.start(settings)
    from cmdesk.gui import crash_boundary

    crash_boundary.install(lambda: shell.lang.translator)
    code = app.exec()
    shell.shutdown()
    return int(code)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
