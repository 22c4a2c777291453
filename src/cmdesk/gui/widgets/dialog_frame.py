"""What the app's dialogs share around their content: the title, in the window bar and as the
heading, and their life (they follow the language, and each is deleted once closed: it is made
for one use, and a closed one must not go on translating)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QLabel

from cmdesk.gui.i18n import Language


def one_use_dialog(dialog: QDialog, lang: Language, retranslate: Callable[[], None]) -> None:
    """Translates `dialog` now and at each switch of language, and deletes it when it closes."""
    lang.follow(retranslate)
    dialog.finished.connect(dialog.deleteLater)


def dialog_title(dialog: QDialog, heading: QLabel, title: str) -> None:
    """The dialog's title (already translated), in its window bar and as its heading."""
    dialog.setWindowTitle(title)
    heading.setText(title)
