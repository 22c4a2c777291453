"""Saving the caseload as a spreadsheet: a warning first (the file holds children's names and
is not encrypted), then where to save it and which kind (Excel or CSV, from the file name or
the chosen filter), then the core makes it on the worker with progress and Cancel."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog, QWidget

from cmdesk.core.vault.files import atomic_write
from cmdesk.gui.ops import ChangeOp
from cmdesk.gui.session import Session
from cmdesk.gui.widgets.labels import MessageLabel
from cmdesk.gui.widgets.prompts import ask

if TYPE_CHECKING:
    from cmdesk.core.search.service import CaseloadQuery
    from cmdesk.core.services.sheets import SheetFile

KINDS = {"xlsx": "Excel (*.xlsx)", "csv": "CSV (*.csv)"}


def save_caseload_sheet(
    parent: QWidget, session: Session, query: CaseloadQuery, message: MessageLabel
) -> None:
    tr = session.lang.translator
    ask(
        parent,
        tr.gettext(
            "The spreadsheet will hold the names, case numbers and villages of every case "
            "shown with these filters, on every page. It is not encrypted: keep it on this "
            "laptop, do not send it by e-mail or chat, and delete it when you are done. "
            "Saving it is recorded in the audit trail."
        ),
        yes=tr.gettext("Choose where to save…"),
        no=tr.gettext("Cancel"),
        on_yes=lambda: _choose_file(parent, session, query, message),
    )


def _choose_file(
    parent: QWidget, session: Session, query: CaseloadQuery, message: MessageLabel
) -> None:
    tr = session.lang.translator
    chosen, kind = QFileDialog.getSaveFileName(
        parent,
        tr.gettext("Save the caseload as a spreadsheet"),
        tr.gettext("caseload") + ".xlsx",
        ";;".join(KINDS.values()),
    )
    if chosen:
        write(parent, session, query, *sheet_path(chosen, kind), message)


def sheet_path(chosen: str, kind: str) -> tuple[Path, str]:
    """Where to write and which format: from the name's ending, else from the chosen filter
    (a name given without an ending gets it)."""
    path = Path(chosen)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in KINDS:
        fmt = "csv" if kind == KINDS["csv"] else "xlsx"
        path = path.with_name(f"{path.name}.{fmt}")
    return path, fmt


def write(
    parent: QWidget,
    session: Session,
    query: CaseloadQuery,
    path: Path,
    fmt: str,
    message: MessageLabel,
) -> None:
    lang = session.lang.translator.locale

    def work(ws: Any, job: Any) -> SheetFile:
        made: SheetFile = ws.sheets.caseload(
            query, lang=lang, fmt=fmt, progress=job.report, cancel=job.cancel
        )
        atomic_write(path, made.data)
        return made

    def saved(made: SheetFile) -> None:
        message.show_note(
            lambda tr: tr.ngettext(
                "Saved {n} case to {path}. The file is not encrypted.",
                "Saved {n} cases to {path}. The file is not encrypted.",
                made.rows,
            ).format(n=made.rows, path=str(path)),
            session.lang.translator,
        )

    tr = session.lang.translator
    ChangeOp(session, parent=parent, op=work, success=saved).with_progress(
        tr.gettext("Making the spreadsheet…")
    ).run()
