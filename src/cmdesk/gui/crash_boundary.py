"""The GUI's one boundary for failures nobody foresaw: an exception escaping a slot on the GUI
thread is shown as one friendly sentence in the user's language (never a traceback), and a
crash report without personal data is saved (cmdesk.core.crash). The window stays open; work
already saved is safe, because every change is one transaction."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from cmdesk.core.crash import write_report
from cmdesk.core.i18n import N_, Translator
from cmdesk.gui.errors import friendly_message

_log = logging.getLogger(__name__)
_shown: list[QMessageBox] = []


def install(translator: Callable[[], Translator]) -> None:
    """Sets sys.excepthook; `translator` gives the language the user works in now."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        report = write_report(exc.with_traceback(tb), "cmdesk-gui")
        _log.error("unexpected %s on the GUI thread; report: %s", kind.__name__, report)
        tr = translator()
        text = friendly_message(exc, tr)
        if report is not None:
            text += "\n\n" + tr.format(REPORT_SAVED, path=str(report))
        parent = QApplication.activeWindow()
        box = QMessageBox(QMessageBox.Icon.Warning, "cmdesk", text, parent=parent)
        # Kept alive until closed (with no window open it has no parent to hold it).
        _shown.append(box)
        box.finished.connect(lambda _result: _shown.remove(box))
        box.open()  # non-blocking: the GUI thread goes on

    sys.excepthook = hook


REPORT_SAVED = N_(
    "A report for the developers, with no personal data in it, was saved to {path}. "
    "Please send it to your data manager."
)
