"""Errors as a user sees them: one friendly sentence in their language, never a traceback."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox, QWidget

from cmdesk.core.errors import CmdeskError, ValidationError
from cmdesk.core.i18n import N_, Translator
from cmdesk.core.sync import rejections as rej

if TYPE_CHECKING:
    from cmdesk.gui.widgets.form import FormGrid
    from cmdesk.gui.widgets.labels import MessageLabel


# The core's messages that name a command of the `cmdesk` command line, as the GUI says them:
# a worker at the screen is told where to click, never what to type.
GUI_WORDING: dict[str, str] = {
    rej.NO_HUB: N_(
        "No network hub is set for this laptop. The data manager sets it in Exchange data."
    ),
    rej.UNKNOWN_SENDER: N_(
        "This sync bundle comes from an organisation this vault does not trust ({org}). "
        "Trust its identity file first (Sync data, then Trust a partner's identity file). "
        "Nothing was imported."
    ),
    rej.UNKNOWN_ORG: N_(
        "There is no identity for the organisation {org}. Trust its identity file first (Sync "
        "data, then Trust a partner's identity file)."
    ),
    rej.WITHDRAWN_SENDER: N_(
        "This sync bundle comes from {org}, an organisation your organisation no longer "
        "trusts. Nothing was imported. To trust it again, your data manager trusts its "
        "identity file (Sync data, then Trust a partner's identity file)."
    ),
    rej.WITHDRAWN_ORG: N_(
        "Your organisation no longer trusts {org}: nothing is sent to it. To trust it again, "
        "your data manager trusts its identity file (Sync data, then Trust a partner's "
        "identity file)."
    ),
    rej.UNKNOWN_DEVICE: N_(
        "No laptop or enrolment file {device} of this organisation is known here. Check the "
        "id in the audit trail."
    ),
    rej.STATS_NOT_SYNC: N_(
        "This file holds network statistics, not records. Your data manager imports it as "
        "statistics."
    ),
    rej.SYNC_NOT_STATS: N_(
        "This file holds records, not statistics. Import it in Sync data. Nothing was imported."
    ),
}


def friendly_message(exc: BaseException, tr: Translator) -> str:
    if isinstance(exc, CmdeskError):
        gui = GUI_WORDING.get(exc.text_id)
        return tr.format(gui, **exc.params) if gui else exc.message(tr)
    if isinstance(exc, PermissionError):
        return tr.gettext("cmdesk may not use this file or folder. Choose another one.")
    if isinstance(exc, OSError):
        if exc.errno == 28:  # ENOSPC
            return tr.gettext("The disk is full. Free some space, then try again.")
        return tr.gettext("A file could not be read or written. Check the disk, then try again.")
    return tr.gettext(
        "Something went wrong. Your saved work is safe. If this happens again, tell your "
        "data manager what you were doing."
    )


def field_messages(exc: ValidationError, tr: Translator) -> dict[str, str]:
    """One message per field name, for showing next to the fields."""
    out: dict[str, str] = {}
    for error in exc.errors:
        text = error.message(tr)
        out[error.field] = f"{out[error.field]}\n{text}" if error.field in out else text
    return out


def show_error(parent: QWidget | None, exc: BaseException, tr: Translator) -> QMessageBox:
    """A window-modal message box that does not block the event loop (tests and timers go on)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("cmdesk")
    box.setText(friendly_message(exc, tr))
    box.setObjectName("error-message")
    ok = box.addButton(QMessageBox.StandardButton.Ok)
    ok.setText(tr.gettext("OK"))
    box.open()
    return box


def show_failure(exc: BaseException, form: FormGrid, message: MessageLabel, tr: Translator) -> None:
    """A refused save as a form shows it: each field's problem under its field, what no field
    owns (or any other failure) in the form's message line."""
    if isinstance(exc, ValidationError):
        left = form.show_validation(exc, tr)
        if left:
            message.show_error("\n".join(left))
        else:
            message.clear_message()
        return
    message.show_error(friendly_message(exc, tr))
