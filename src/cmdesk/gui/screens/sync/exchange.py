"""Sending and receiving changes: a bundle file written for an organisation onto a USB stick
or into a folder, and a bundle file imported, each with progress and Cancel, and what it did
said in plain words.

The core's cancel token is asked with `check()`; the progress dialog's token is the GUI's,
so a small adapter passes the press of Cancel on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.acting.changes import Kind, OpChanges
from cmdesk.core.errors import BundleRejected
from cmdesk.core.i18n import Translator
from cmdesk.core.sync import authority, texts
from cmdesk.core.sync.rejections import SyncCancelled
from cmdesk.gui.errors import friendly_message
from cmdesk.gui.ops import ChangeOp
from cmdesk.gui.session import Session
from cmdesk.gui.widgets.labels import MessageLabel, add_heading_and_text
from cmdesk.gui.widgets.path_row import path_row
from cmdesk.gui.widgets.push_button import push_button
from cmdesk.gui.worker import Job

if TYPE_CHECKING:
    from cmdesk.core.sync.engine import ExportResult, ImportResult, TrustedOrg
    from cmdesk.core.sync.exporting import Laptop
    from cmdesk.core.workspace import Workspace

BUNDLE_SUFFIX = ".cmsync"
# The recipient box's data for a team's laptop (an organisation's is its id).
LAPTOP = "laptop:"
# Whatever a bundle brings may touch any view.
IMPORTED = OpChanges(
    frozenset(
        {Kind.CASE, Kind.CHILD, Kind.TASK, Kind.NOTE, Kind.CONSENT, Kind.REFERRAL, Kind.SYNC}
    ),
    frozenset(),
)


@dataclass(frozen=True)
class Imported:
    result: ImportResult
    sender: str  # organisation code
    new_conflicts: int
    open_conflicts: int
    changes: OpChanges  # announced by ChangeOp, so every view refreshes


def bundle_name(own: str, device_id: str, recipient: str, when: datetime) -> str:
    """cmdesk-WVFT-3e40-for-ECPAT-2026-01-15-1405.cmsync: who made it, on which laptop, for
    whom and when, so bundles on a shared USB stick are told apart."""
    stamp = when.strftime("%Y-%m-%d-%H%M")
    return f"cmdesk-{own}-{device_id[-4:]}-for-{recipient}-{stamp}{BUNDLE_SUFFIX}"


def _import(ws: Workspace, path: Path, job: Job) -> Imported:
    before = {c.id for c in ws.conflicts.visible()}
    result = ws.sync.import_file(path, progress=job.report, cancel=job.cancel)
    after = {c.id for c in ws.conflicts.visible()}
    codes = {t.org_id: t.code for t in ws.sync.trusted()}
    return Imported(
        result, codes.get(result.sender_org, ""), len(after - before), len(after), IMPORTED
    )


class ExchangeBox(QWidget):
    """Export and import, one above the other."""

    exchanged = Signal()
    # A result or refusal was shown under the export or import (to scroll it into view).
    answered = Signal(QWidget)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._trusted: list[TrustedOrg] = []
        self._laptops: list[Laptop] = []
        self._tells = False
        self._device = ""
        self._folder = Path.home()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        self.export_title, self.export_body = add_heading_and_text(layout, self)
        row = QHBoxLayout()
        self.for_label = QLabel(self)
        row.addWidget(self.for_label)
        self.recipient = QComboBox(self)
        self.recipient.setObjectName("recipient")
        self.recipient.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.recipient.currentIndexChanged.connect(lambda _i: self._rename_export())
        row.addWidget(self.recipient)
        row.addStretch(1)
        layout.addLayout(row)
        row, self.export_path, self.export_choose = path_row(
            self, "export-path", self._ask_export_path
        )
        self.export_button = push_button(self, "export", self.export, "outbox")
        row.addWidget(self.export_button)
        layout.addLayout(row)
        self.export_message = MessageLabel(self)
        self.export_message.setObjectName("export-message")
        layout.addWidget(self.export_message)

        self.import_title, self.import_body = add_heading_and_text(layout, self)
        row, self.import_path, self.import_choose = path_row(
            self, "import-path", self._ask_import_path
        )
        self.import_button = push_button(self, "import", self.import_bundle, "inbox")
        row.addWidget(self.import_button)
        layout.addLayout(row)
        self.import_message = MessageLabel(self)
        self.import_message.setObjectName("import-message")
        layout.addWidget(self.import_message)

    # -- words --------------------------------------------------------------------------------
    def retranslate(self, tr: Translator) -> None:
        self.export_title.setText(tr.gettext("Send changes (export)"))
        self.export_body.setText(
            tr.gettext(
                "Writes what this laptop has and the other may lack into one encrypted "
                "bundle file. Save it on a USB stick, then import it on the other laptop. "
                "Only the organisation it is made for can open it."
            )
        )
        self.for_label.setText(tr.gettext("For"))
        self.recipient.setAccessibleName(tr.gettext("For which organisation"))
        self._fill_recipients(tr)
        self.export_path.setAccessibleName(tr.gettext("Bundle file to write"))
        self.export_choose.setText(tr.gettext("Choose…"))
        self.export_button.setText(tr.gettext("Export"))
        self.import_title.setText(tr.gettext("Receive changes (import)"))
        self.import_body.setText(
            tr.gettext(
                "Applies a bundle file made on another laptop. Changes already here are "
                "skipped, and a bundle cut short is refused before anything is changed."
            )
        )
        self.import_path.setAccessibleName(tr.gettext("Bundle file to import"))
        self.import_path.setPlaceholderText(tr.gettext("Choose the bundle file"))
        self.import_choose.setText(tr.gettext("Choose…"))
        self.import_button.setText(tr.gettext("Import"))
        for b in (self.export_choose, self.export_button, self.import_choose, self.import_button):
            b.setAccessibleName(b.text())
        self.export_message.retranslate(tr)
        self.import_message.retranslate(tr)

    def _fill_recipients(self, tr: Translator) -> None:
        chosen = self.recipient.currentData()
        self.recipient.blockSignals(True)
        self.recipient.clear()
        for org in self._trusted:
            if org.withdrew_at is not None or (org.withdrawn_at is not None and not self._tells):
                # Nothing is sent to a partner that withdrew its trust; to one whose trust
                # was withdrawn, only the data manager's notice (partners.decision_for).
                continue
            if org.own:
                text = tr.format("{code}: this organisation's other laptops", code=org.code)
            elif org.withdrawn_at is not None:
                text = tr.format(
                    "{code}: a notice that your organisation no longer trusts it", code=org.code
                )
            else:
                name = org.name_th if tr.locale == "th" else org.name_en
                text = f"{org.code}: {name}"
            self.recipient.addItem(text, org.org_id)
            if org.own:
                # A team's laptop opens only bundles sealed to it (issue 10).
                for laptop in self._laptops:
                    if laptop.team is not None:
                        said = tr.format(
                            "{code}: laptop {device} of team {team}",
                            code=org.code,
                            device=laptop.device_id[:8],
                            team=laptop.team,
                        )
                        self.recipient.addItem(said, LAPTOP + laptop.device_id)
        found = self.recipient.findData(chosen)
        self.recipient.setCurrentIndex(max(found, 0))
        self.recipient.blockSignals(False)

    # -- state ----------------------------------------------------------------------------------
    def set_partners(
        self,
        trusted: list[TrustedOrg],
        device_id: str,
        laptops: list[Laptop] | None = None,
        *,
        tells: bool = False,
    ) -> None:
        """`tells`: this laptop may decide trust, so it makes the notice for a partner whose
        trust was withdrawn."""
        self._trusted = trusted
        self._tells = tells
        self._laptops = laptops or []
        self._device = device_id
        self._fill_recipients(self._session.lang.translator)
        if not self.export_path.text():
            self._rename_export()

    def clear(self) -> None:
        self.export_message.clear_message()
        self.import_message.clear_message()
        self.import_path.clear()
        self.export_path.clear()
        self._trusted = []
        self._laptops = []
        self.recipient.clear()

    def _codes(self) -> tuple[str, str]:
        own = next((t.code for t in self._trusted if t.own), "")
        chosen = str(self.recipient.currentData() or "")
        if chosen.startswith(LAPTOP):
            return own, f"{own}-{chosen[len(LAPTOP) :][:8]}"
        recipient = next((t.code for t in self._trusted if t.org_id == chosen), own)
        return own, recipient

    def _rename_export(self) -> None:
        """A fresh default name, in the folder chosen last."""
        if not self._trusted:
            return
        current = self.export_path.text().strip()
        folder = Path(current).expanduser().parent if current else self._folder
        own, recipient = self._codes()
        name = bundle_name(own, self._device, recipient, datetime.now())
        self.export_path.setText(str(folder / name))

    def _ask_export_path(self) -> None:
        tr = self._session.lang.translator
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            tr.gettext("Save the bundle file"),
            self.export_path.text(),
            tr.gettext("Sync bundles") + f" (*{BUNDLE_SUFFIX})",
        )
        if chosen:
            self.export_path.setText(chosen)

    def _ask_import_path(self) -> None:
        tr = self._session.lang.translator
        start = self.import_path.text() or str(self._folder)
        chosen, _ = QFileDialog.getOpenFileName(
            self,
            tr.gettext("Choose the bundle file"),
            start,
            tr.gettext("Sync bundles") + f" (*{BUNDLE_SUFFIX});;" + tr.gettext("All files (*)"),
        )
        if chosen:
            self.import_path.setText(chosen)

    # -- export ---------------------------------------------------------------------------------
    def export(self) -> None:
        tr = self._session.lang.translator
        text = self.export_path.text().strip()
        if not text:
            self.export_message.show_error(tr.gettext("Choose where to save the bundle file."))
            return
        path = Path(text).expanduser()
        if path.is_dir():
            own, recipient = self._codes()
            path = path / bundle_name(own, self._device, recipient, datetime.now())
        if path.exists():
            self.export_message.show_error(
                tr.gettext("A file of this name is there already. Choose another name.")
            )
            return
        if not path.parent.is_dir():
            self.export_message.show_error(
                tr.gettext("This folder does not exist. Is the USB stick plugged in?")
            )
            return
        chosen = str(self.recipient.currentData() or "")
        laptop = chosen[len(LAPTOP) :] if chosen.startswith(LAPTOP) else None
        org_id = None if laptop is not None else chosen or None
        self.export_message.clear_message()
        self.export_button.setEnabled(False)

        def work(ws: Workspace, job: Job) -> ExportResult:
            return ws.sync.export_to(
                path, org_id, laptop=laptop, progress=job.report, cancel=job.cancel
            )

        def done(result: ExportResult) -> None:
            self.export_button.setEnabled(True)
            self._folder = path.parent
            self._show_exported(result, path)
            self._rename_export()
            self.answered.emit(self.export_message)
            self.exchanged.emit()

        def failed(exc: BaseException) -> None:
            self.export_button.setEnabled(True)
            if isinstance(exc, SyncCancelled):
                self.export_message.show_note(
                    lambda t: t.gettext("The export was stopped. No bundle file was written."),
                    self._session.lang.translator,
                )
            else:
                self.export_message.show_error(friendly_message(exc, self._session.lang.translator))
            self.answered.emit(self.export_message)

        ChangeOp(self._session, parent=self, op=work, success=done).failure(failed).with_progress(
            tr.gettext("Writing the bundle…")
        ).run()

    def _show_exported(self, result: ExportResult, path: Path) -> None:
        recipient = next((t.code for t in self._trusted if t.org_id == result.recipient_org), "")
        if result.recipient_device:
            recipient = f"{recipient} {result.recipient_device[:8]}"

        def words(tr: Translator) -> str:
            lines = [tr.format("Saved {file}.", file=str(path))]
            if result.notice:
                lines.append(
                    tr.format(
                        "Your organisation no longer trusts {org}, so the file carries no "
                        "records: only the decision, so that {org}'s laptops stop sending and "
                        "know that no answer will come to their referrals. Give it to {org}.",
                        org=recipient,
                    )
                )
                return "\n".join(lines)
            if result.operations:
                lines.append(
                    tr.ngettext(
                        "It carries {n} change for {org}.",
                        "It carries {n} changes for {org}.",
                        result.operations,
                    ).format(n=result.operations, org=recipient)
                )
            else:
                lines.append(
                    tr.format(
                        "There was nothing new for {org}: the file only tells the other "
                        "laptop what this one holds.",
                        org=recipient,
                    )
                )
            lines.append(tr.gettext("Now import this file on the other laptop."))
            return "\n".join(lines)

        self.export_message.show_note(words, self._session.lang.translator)

    # -- import ---------------------------------------------------------------------------------
    def import_bundle(self) -> None:
        tr = self._session.lang.translator
        text = self.import_path.text().strip()
        if not text:
            self.import_message.show_error(tr.gettext("Choose the bundle file to import."))
            return
        path = Path(text).expanduser()
        if not path.is_file():
            self.import_message.show_error(
                tr.gettext("There is no file here. Is the USB stick plugged in?")
            )
            return
        self.import_message.clear_message()
        self.import_button.setEnabled(False)

        def done(outcome: Imported) -> None:
            self.import_button.setEnabled(True)
            self._folder = path.parent
            self.import_message.show_note(
                lambda t: imported_words(outcome, t), self._session.lang.translator
            )
            self.answered.emit(self.import_message)
            self.exchanged.emit()

        def failed(exc: BaseException) -> None:
            self.import_button.setEnabled(True)
            if isinstance(exc, SyncCancelled):
                self.import_message.show_note(exc.message, self._session.lang.translator)
                self.exchanged.emit()
            elif isinstance(exc, BundleRejected):
                self.import_message.show_error(
                    lambda t: exc.message(t) + "\n" + t.gettext("Nothing was changed."),
                    self._session.lang.translator,
                )
            else:
                self.import_message.show_error(friendly_message(exc, self._session.lang.translator))
            self.answered.emit(self.import_message)

        ChangeOp(
            self._session, parent=self, op=lambda ws, job: _import(ws, path, job), success=done
        ).failure(failed).with_progress(tr.gettext("Importing the bundle…")).run()


def imported_words(outcome: Imported, tr: Translator) -> str:
    """What an import did, in a few plain lines."""
    r = outcome.result
    if r.replay:
        return tr.gettext("This bundle was imported before. Nothing changed.")
    lines = [
        tr.ngettext(
            "Imported the bundle from {org}: {n} new change.",
            "Imported the bundle from {org}: {n} new changes.",
            r.new,
        ).format(org=outcome.sender, n=r.new)
    ]
    if r.duplicates:
        lines.append(
            tr.ngettext(
                "{n} change was here already.", "{n} changes were here already.", r.duplicates
            ).format(n=r.duplicates)
        )
    if r.quarantined:
        lines.append(
            tr.ngettext(
                "{n} change came from a laptop whose clock is ahead. It is kept, and applied "
                "when that time comes; ask them to check the laptop's date and time.",
                "{n} changes came from a laptop whose clock is ahead. They are kept, and "
                "applied when that time comes; ask them to check the laptop's date and time.",
                r.quarantined,
            ).format(n=r.quarantined)
        )
    if r.waiting_for_upgrade:
        lines.append(
            tr.ngettext(
                "{n} change needs a newer cmdesk. It is kept, and applied after updating.",
                "{n} changes need a newer cmdesk. They are kept, and applied after updating.",
                r.waiting_for_upgrade,
            ).format(n=r.waiting_for_upgrade)
        )
    if r.removed_cases:
        lines.append(tr.format(texts.REMOVED_CASES_NOTE, n=r.removed_cases))
    if (told := texts.decision_words(r.partner_decision, outcome.sender, tr)) is not None:
        lines.append(told)
    if r.waiting_for_records:
        lines.append(tr.count(texts.WAITING_FOR_RECORDS_NOTE, r.waiting_for_records))
    if r.refused:
        lines.append(tr.count(authority.REFUSED_NOTE, sum(r.refused.values())))
        for reason, n in r.refused.items():
            lines.append(tr.format(authority.REFUSED_LINE, n=n, reason=tr.gettext(reason)))
    if outcome.new_conflicts:
        lines.append(
            tr.ngettext(
                "{n} new conflict: two laptops changed the same thing. See Conflicts.",
                "{n} new conflicts: two laptops changed the same thing. See Conflicts.",
                outcome.new_conflicts,
            ).format(n=outcome.new_conflicts)
        )
    else:
        lines.append(tr.gettext("No new conflicts."))
    return "\n".join(lines)
