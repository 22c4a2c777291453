"""The buttons at the foot of a form dialog: the one that goes ahead (Save, Send, Add...) and
Cancel, with their texts and accessible names in the reader's language."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton

from cmdesk.core.i18n import Translator


def ok_cancel_buttons(
    dialog: QDialog, ok_name: str, on_ok: Callable[[], object]
) -> tuple[QDialogButtonBox, QPushButton, QPushButton]:
    """The button box, its go-ahead button (`ok_name` for the tests; it runs `on_ok`) and
    Cancel (it rejects the dialog); the texts come with `translate_ok_cancel`."""
    buttons = QDialogButtonBox(dialog)
    ok = buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
    ok.setObjectName(ok_name)
    cancel = buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    return buttons, ok, cancel


def translate_ok_cancel(tr: Translator, ok: QPushButton, ok_text: str, cancel: QPushButton) -> None:
    """`ok_text` (already translated) and Cancel, each also the button's accessible name."""
    ok.setText(ok_text)
    cancel.setText(tr.gettext("Cancel"))
    for button in (ok, cancel):
        button.setAccessibleName(button.text())
