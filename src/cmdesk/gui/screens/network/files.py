"""The statistics files of the network screen: ours out as a sealed bundle for the compiling
organisation, a partner's in, and the figures shown saved as CSV, Excel or the PDF report.

Files are chosen in a dialog; reading, sealing, opening and writing them run on the worker
thread. What happened is said under the buttons, in the user's language.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QComboBox, QFileDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from cmdesk.core.i18n import Translator
from cmdesk.core.sync.stats_bundle import SHELTER
from cmdesk.core.vault.files import atomic_write
from cmdesk.gui.errors import friendly_message
from cmdesk.gui.ops import ChangeOp
from cmdesk.gui.screens.network.figures import period_name
from cmdesk.gui.session import Session
from cmdesk.gui.widgets.flow_layout import FlowLayout, flow_policy
from cmdesk.gui.widgets.labels import MessageLabel
from cmdesk.gui.widgets.push_button import name_buttons, push_button

if TYPE_CHECKING:
    from cmdesk.core.sync.engine import TrustedOrg
    from cmdesk.core.workspace import Workspace
    from cmdesk.gui.screens.network.screen import NetworkScreen

STATS_SUFFIX = ".cmstats"
# What each save button writes: file suffix, and how the figures become the file's bytes.
SAVES: dict[str, str] = {"csv": ".csv", "xlsx": ".xlsx", "pdf": ".pdf"}


class StatisticsFiles(QWidget):
    def __init__(self, session: Session, screen: NetworkScreen, parent: QWidget) -> None:
        super().__init__(parent)
        self._session = session
        self._screen = screen
        self._folder = Path.home()
        self._partners: list[TrustedOrg] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.recipient_label = QLabel(self)
        row.addWidget(self.recipient_label)
        self.recipient = QComboBox(self)
        self.recipient.setObjectName("stats-recipient")
        row.addWidget(self.recipient, 1)
        layout.addLayout(row)
        holder = QWidget(self)
        flow_policy(holder)
        buttons = FlowLayout(holder, spacing=8)
        self.buttons = {
            "export": push_button(holder, "make-stats-file", self._ask_export, "outbox"),
            "import": push_button(holder, "add-stats-file", self._ask_import, "inbox"),
            "csv": push_button(holder, "save-csv", lambda: self._ask_save("csv"), "save"),
            "xlsx": push_button(holder, "save-xlsx", lambda: self._ask_save("xlsx"), "save"),
            "pdf": push_button(holder, "save-pdf", lambda: self._ask_save("pdf"), "print"),
        }
        for button in self.buttons.values():
            buttons.addWidget(button)
        layout.addWidget(holder)
        self.message = MessageLabel(self)
        self.message.setObjectName("stats-file-message")
        layout.addWidget(self.message)

    def retranslate(self, tr: Translator) -> None:
        self.recipient_label.setText(tr.gettext("Our statistics file is for"))
        self.recipient.setAccessibleName(tr.gettext("Our statistics file is for"))
        name_buttons(
            self.buttons,
            {
                "export": tr.gettext("Make our statistics file…"),
                "import": tr.gettext("Add a partner's statistics file…"),
                "csv": tr.gettext("Save as CSV…"),
                "xlsx": tr.gettext("Save as Excel…"),
                "pdf": tr.gettext("Save PDF report…"),
            },
        )
        self._fill_recipients(tr)
        self.message.retranslate(tr)

    def _fill_recipients(self, tr: Translator) -> None:
        chosen = self.recipient.currentData() or SHELTER
        self.recipient.clear()
        for org in self._partners:
            name = org.name_th if tr.locale == "th" else org.name_en
            self.recipient.addItem(f"{org.code}: {name}", org.code)
        self.recipient.setCurrentIndex(max(self.recipient.findData(chosen), 0))

    def set_partners(self, partners: list[TrustedOrg]) -> None:
        self._partners = partners
        self._fill_recipients(self._session.lang.translator)

    def set_loaded(self, loaded: bool) -> None:
        """Our file and the saved figures are of the period shown: none before it is read."""
        for key in ("export", "csv", "xlsx", "pdf"):
            self.buttons[key].setEnabled(loaded)

    def clear(self) -> None:
        self._partners = []
        self.recipient.clear()
        self.message.clear_message()

    def failed(self, exc: BaseException) -> None:
        self.message.show_error(lambda t: friendly_message(exc, t), self._session.lang.translator)

    # -- choosing files ---------------------------------------------------------------------
    def _ask_path(self, title: str, name: str, kind: str, *, save: bool) -> Path | None:
        tr = self._session.lang.translator
        pattern = f"{kind};;{tr.gettext('All files (*)')}"
        start = str(self._folder / name)
        ask = QFileDialog.getSaveFileName if save else QFileDialog.getOpenFileName
        chosen, _ = ask(self, title, start, pattern)
        if not chosen:
            return None
        path = Path(chosen)
        self._folder = path.parent
        return path

    def _file_name(self, suffix: str) -> str:
        label = self._screen.period.replace("..", "_")
        return f"{self._screen.own_code() or 'cmdesk'}-{label}{suffix}"

    def _ask_export(self) -> None:
        tr = self._session.lang.translator
        path = self._ask_path(
            tr.gettext("Save our statistics file"),
            self._file_name(STATS_SUFFIX),
            tr.gettext("Statistics files") + f" (*{STATS_SUFFIX})",
            save=True,
        )
        if path is not None:
            self.export_to(path)

    def _ask_import(self) -> None:
        tr = self._session.lang.translator
        path = self._ask_path(
            tr.gettext("Choose a partner's statistics file"),
            "",
            tr.gettext("Statistics files") + f" (*{STATS_SUFFIX})",
            save=False,
        )
        if path is not None:
            self.import_from(path)

    def _ask_save(self, kind: str) -> None:
        tr = self._session.lang.translator
        if self._screen.network is None:
            return
        kinds = {
            "csv": tr.gettext("CSV files (*.csv)"),
            "xlsx": tr.gettext("Excel workbooks (*.xlsx)"),
            "pdf": tr.gettext("PDF documents (*.pdf)"),
        }
        path = self._ask_path(
            tr.gettext("Save the figures"), self._file_name(SAVES[kind]), kinds[kind], save=True
        )
        if path is not None:
            self.save(kind, path)

    # -- the work ---------------------------------------------------------------------------
    def _busy(
        self, key: str, work: Callable[[Workspace], Any], done: Callable[[Any], None]
    ) -> None:
        button = self.buttons[key]
        button.setEnabled(False)
        self.message.clear_message()

        def ok(result: Any) -> None:
            button.setEnabled(True)
            done(result)

        def failed(exc: BaseException) -> None:
            button.setEnabled(True)
            self.failed(exc)

        ChangeOp(self._session, parent=self, op=work, success=ok).failure(failed).run()

    def export_to(self, path: Path) -> None:
        """Seals this organisation's figures for the chosen period for the chosen recipient."""
        period, threshold = self._screen.period, self._screen.threshold
        recipient = self.recipient.currentData() or SHELTER

        def work(ws: Workspace) -> dict[str, Any]:
            data, figures = ws.stats_exchange.export(period, recipient, threshold)
            atomic_write(path, data)
            return figures

        def done(figures: dict[str, Any]) -> None:
            self.message.show_note(
                lambda tr: tr.format(
                    "Saved {file}: the statistics for {period}, sealed for {org}. It holds "
                    "counts only; counts below {n} are hidden. Give it to {org}.",
                    file=str(path),
                    period=period_name(str(figures["period"]), tr),
                    org=recipient,
                    n=threshold,
                ),
                self._session.lang.translator,
            )

        self._busy("export", work, done)

    def import_from(self, path: Path) -> None:
        """Checks and keeps a partner's statistics file; says whose figures for which period
        were kept, or why the file was refused."""

        def work(ws: Workspace) -> tuple[str, str]:
            return ws.stats_exchange.import_(path.read_bytes())

        def done(kept: tuple[str, str]) -> None:
            org, period = kept
            self.message.show_note(
                lambda tr: tr.format(
                    "Kept the statistics of {org} for {period}.",
                    org=org,
                    period=period_name(period, tr),
                ),
                self._session.lang.translator,
            )
            self._screen.after_import(period)

        self._busy("import", work, done)

    def save(self, kind: str, path: Path) -> None:
        """Writes the figures shown as CSV or Excel, in the user's language; the PDF report is
        made by the core for the period shown."""
        network, tr = self._screen.network, self._session.lang.translator
        period, threshold = self._screen.period, self._screen.threshold
        assert network is not None

        def work(ws: Workspace) -> None:
            # openpyxl is loaded when a file is first saved, not with the workspace.
            from cmdesk.core.stats.exports import to_csv, to_xlsx

            if kind == "csv":
                data = to_csv(network, tr)
            elif kind == "xlsx":
                data = to_xlsx(network, tr)
            else:
                data, _ = ws.stats_exchange.network_pdf(period, tr.locale, threshold)
            atomic_write(path, data)

        def done(_none: None) -> None:
            self.message.show_note(
                lambda t: t.format("Saved {file}.", file=str(path)), self._session.lang.translator
            )

        self._busy(kind, work, done)
