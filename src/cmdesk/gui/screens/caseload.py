"""The caseload: every case the signed-in worker may see, searchable, a page at a time."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QWidget

from cmdesk.core.acting.case_actions import does_casework
from cmdesk.core.acting.changes import Kind
from cmdesk.core.i18n import N_, Translator, format_date
from cmdesk.core.model.case import RISK_LABELS, STAGE_LABELS, Stage
from cmdesk.gui.models.paged import Column, Fetch, Page
from cmdesk.gui.ops import QueryOp
from cmdesk.gui.screens.caseload_filters import (
    DUE_FIRST,
    NEWEST,
    RISK_FIRST,
    CaseloadFilters,
    CaseloadView,
)
from cmdesk.gui.screens.list_screen import ListScreen
from cmdesk.gui.session import Session
from cmdesk.gui.settings import GuiSettings
from cmdesk.gui.widgets.push_button import label_buttons, push_button
from cmdesk.gui.widgets.search_box import SearchBox

if TYPE_CHECKING:
    from cmdesk.core.search.service import CaseloadQuery, CaseloadRow

FILTERS = ("open", "all", "closed")
_STAGES = {str(k): v for k, v in STAGE_LABELS.items()}
_RISKS = {str(k): v for k, v in RISK_LABELS.items()}


def child_name(row: Any, tr: Translator) -> str:
    """The name in the reader's script when there is one; the nickname helps recognise a child."""
    th, latin = row.child_name_th, row.child_name_en
    first, second = (th, latin) if tr.locale == "th" else (latin, th)
    name = first or second
    return f"{name} ({row.child_nickname})" if row.child_nickname else name


def _due(row: CaseloadRow, tr: Translator) -> str:
    return format_date(row.next_due, tr.locale) if row.next_due else ""


COLUMNS: list[Column[Any]] = [
    Column(N_("Child"), child_name),
    Column(N_("Case number"), lambda r, tr: r.case_number),
    Column(N_("Stage"), lambda r, tr: tr.gettext(_STAGES.get(r.stage, r.stage))),
    Column(
        N_("Risk"),
        lambda r, tr: tr.gettext(_RISKS.get(r.risk, r.risk)),
        alert=lambda r: r.risk in ("high", "critical"),
    ),
    Column(N_("Next follow-up"), _due, alert=lambda r: bool(r.overdue)),
    Column(N_("Field worker"), lambda r, tr: r.assigned_worker),
    Column(N_("Village"), lambda r, tr: r.village),
]


class CaseloadScreen(ListScreen[Any]):
    open_case_requested = Signal(str)
    register_requested = Signal()
    REFRESH_ON = (Kind.CASE, Kind.CHILD, Kind.TASK)

    def __init__(
        self,
        session: Session,
        parent: QWidget | None = None,
        settings: GuiSettings | None = None,
    ) -> None:
        super().__init__(session, COLUMNS, "caseload", parent)
        self.setObjectName("caseload")
        self._settings = settings
        self.view = CaseloadView.load(settings)
        self.search = SearchBox(self)
        self.search.setObjectName("caseload-search")
        self.search.search_requested.connect(lambda _text: self._user_filtered())
        # Set by show_only (a home screen figure); the user's next own filter replaces it.
        self.narrowing: dict[str, Any] = {}
        self.filters.addWidget(self.search, 1)
        self.status_filter = QComboBox(self)
        self.status_filter.currentIndexChanged.connect(lambda _i: self._filters_changed())
        self.filters.addWidget(self.status_filter)
        self.mine_only = QCheckBox(self)
        self.mine_only.toggled.connect(lambda _on: self._filters_changed())
        self.filters.addWidget(self.mine_only)
        self.batch_button = push_button(self, "batch-print", self.open_batch_print, "print")
        self.filters.addWidget(self.batch_button)
        self.report_button = push_button(self, "caseload-report", self.open_caseload_report)
        self.filters.addWidget(self.report_button)
        self.sheet_button = push_button(self, "caseload-sheet", self.save_spreadsheet)
        self.add_to_header(self.sheet_button)
        self.more = CaseloadFilters(self)
        self.more.changed.connect(self._filters_changed)
        self.add_filter_row(self.more)
        # A click on the risk or follow-up header orders by it (the orders the core keeps
        # fast at any size), on any other by the newest case; the arrow shows which.
        header = self.table.horizontalHeader()
        header.setSectionsClickable(True)
        header.sectionClicked.connect(self._header_clicked)
        self.empty.action.clicked.connect(self.register_requested)
        self.table.activated_row.connect(self._open_row)
        self.watch_changes()
        session.lang.follow(self.retranslate)

    def retranslate(self) -> None:
        tr = self._session.lang.translator
        self.title.setText(tr.gettext("Caseload"))
        self.search.setPlaceholderText(tr.gettext("Search by name, ID number or village"))
        self.search.setAccessibleName(tr.gettext("Search cases"))
        labels = {
            "open": tr.gettext("Open cases"),
            "all": tr.gettext("Open and closed cases"),
            "closed": tr.gettext("Closed cases"),
        }
        current = self.status_filter.currentData() or self.view.which
        self.status_filter.blockSignals(True)
        self.status_filter.clear()
        for key in FILTERS:
            self.status_filter.addItem(labels[key], key)
        self.status_filter.setCurrentIndex(FILTERS.index(current))
        self.status_filter.blockSignals(False)
        self.status_filter.setAccessibleName(tr.gettext("Which cases"))
        self.more.retranslate(tr)
        self._show_view()
        label_buttons(
            {
                self.mine_only: tr.gettext("Only my cases"),
                self.batch_button: tr.gettext("Print summaries…"),
                self.report_button: tr.gettext("Caseload report…"),
                self.sheet_button: tr.gettext("Save as spreadsheet…"),
            }
        )
        self.batch_button.setToolTip(
            tr.gettext("One PDF case summary for each case, into a folder")
        )
        self.sheet_button.setToolTip(
            tr.gettext("The cases shown, every page of them, as an Excel or CSV file")
        )
        self._update_empty()
        super().retranslate()

    def _update_empty(self) -> None:
        tr = self._session.lang.translator
        if not self._does_casework():
            self.empty.set_texts(
                tr.gettext("Casework is not part of the data manager's role"),
                tr.gettext(
                    "Case managers, field workers and supervisors see their cases here. As "
                    "data manager you look after user accounts, backups and the recovery key."
                ),
            )
        elif self.search.text().strip():
            self.empty.set_texts(
                tr.gettext("No case matches your search"),
                tr.gettext("Check the spelling, or search by ID number or village instead."),
            )
        else:
            self.empty.set_texts(
                tr.gettext("No cases yet"),
                tr.gettext(
                    "When you register a child who needs protection, their case appears "
                    "here. Cases assigned to you by a colleague appear here too."
                ),
                tr.gettext("Register a child") if self._can_register() else None,
            )

    def count_text(self, total: int, more: bool) -> str:
        tr = self._session.lang.translator
        if more:
            return tr.format("More than {n} cases", n=total)
        return tr.nformat("{n} case", "{n} cases", total)

    def _does_casework(self) -> bool:
        actor = self._session.actor
        return actor is None or does_casework(actor)

    def _can_register(self) -> bool:
        actor = self._session.actor
        return actor is not None and does_casework(actor)

    def open_batch_print(self) -> None:
        from cmdesk.gui.screens.batch_print import BatchPrintDialog

        BatchPrintDialog(self._session, self).open()

    def open_caseload_report(self) -> None:
        from cmdesk.gui.screens.print_dialog import PrintDialog, PrintJob

        PrintDialog.show_for(self._session, self, PrintJob.caseload())

    def save_spreadsheet(self) -> None:
        from cmdesk.gui.screens.caseload_sheet import save_caseload_sheet

        query = self.current_query()
        if query is not None:
            save_caseload_sheet(self, self._session, query, self.message)

    def fetch(self) -> Fetch[Any] | None:
        query = self.current_query()
        if query is None:
            return None

        def run(ws: Any, offset: int, limit: int) -> Page[Any]:
            page = ws.search.caseload(replace(query, offset=offset, limit=limit))
            return Page(list(page.rows), None, page.has_more)

        return run

    def current_query(self) -> CaseloadQuery | None:
        """What the caseload shows now: the user's filters, or a home figure's narrowing."""
        actor = self._session.actor
        if actor is None or not self._does_casework():
            return None
        from cmdesk.core.search.service import CaseloadQuery, Order

        v = self.view
        if v.stage:
            stages: tuple[str, ...] = (v.stage,)
        else:
            stages = (Stage.CLOSURE.value,) if v.which == "closed" else ()
        query = CaseloadQuery(
            text=self.search.text().strip(),
            include_closed=v.which != "open",
            stages=stages,
            risks=(v.risk,) if v.risk else (),
            worker_id=actor.user_id if v.mine_only else None,
            overdue_only=v.overdue_only,
            awaiting_approval=v.awaiting_approval,
            unfinished=v.unfinished,
            staff_left=v.staff_left,
            place=v.place,
            team=v.team,
            order=Order(v.order),
        )
        return replace(query, **self.narrowing)

    def _show_view(self) -> None:
        """Puts the remembered choices into the controls (without reloading for each)."""
        self.status_filter.blockSignals(True)
        self.status_filter.setCurrentIndex(FILTERS.index(self.view.which))
        self.status_filter.blockSignals(False)
        self.mine_only.blockSignals(True)
        self.mine_only.setChecked(self.view.mine_only)
        self.mine_only.blockSignals(False)
        self.more.show_view(self.view)
        self._show_sort()

    def _show_sort(self) -> None:
        header = self.table.horizontalHeader()
        column = {RISK_FIRST: 3, DUE_FIRST: 4}.get(self.view.order, 1)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(column, Qt.SortOrder.AscendingOrder)

    def _filters_changed(self) -> None:
        self.narrowing = {}  # the user's own filter replaces a home screen figure's
        v = self.view
        v.which = str(self.status_filter.currentData() or "open")
        v.mine_only = self.mine_only.isChecked()
        self.more.read_into(v)
        v.save(self._settings)
        self._show_sort()
        self.reload()

    def _header_clicked(self, column: int) -> None:
        self.view.order = {3: RISK_FIRST, 4: DUE_FIRST}.get(column, NEWEST)
        self._filters_changed()

    def reload(self) -> None:
        self._update_empty()
        controls = (
            self.search,
            self.status_filter,
            self.mine_only,
            self.more,
            self.count_label,
            self.batch_button,
            self.report_button,
        )
        for control in controls:
            control.setVisible(self._does_casework())  # nothing to filter for a data manager
        super().reload()

    def show_only(
        self,
        *,
        risks: tuple[str, ...] = (),
        stages: tuple[str, ...] = (),
        worker_id: str | None = None,
        overdue_only: bool = False,
        unfinished: bool = False,
        staff_left: bool = False,
    ) -> None:
        """Open cases narrowed to what a home screen figure counts (a risk level, a stage,
        a worker's overdue follow-ups); the search box and the filters start from scratch."""
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.status_filter.blockSignals(True)
        self.status_filter.setCurrentIndex(FILTERS.index("open"))
        self.status_filter.blockSignals(False)
        self.mine_only.blockSignals(True)
        self.mine_only.setChecked(False)
        self.mine_only.blockSignals(False)
        self.view.which, self.view.mine_only = "open", False  # shown, not remembered
        # The second row shows what the figure counts: nothing else narrows it.
        self.more.show_view(
            CaseloadView(
                risk=risks[0] if len(risks) == 1 else "",
                stage=stages[0] if len(stages) == 1 else "",
                overdue_only=overdue_only,
                unfinished=unfinished,
                staff_left=staff_left,
            )
        )
        self.narrowing = {
            "risks": risks,
            "stages": stages,
            "worker_id": worker_id,
            "overdue_only": overdue_only,
            "place": "",
            "team": "",
            "awaiting_approval": False,
            "unfinished": unfinished,
            "staff_left": staff_left,
        }
        self.reload()

    def _user_filtered(self) -> None:
        self.narrowing = {}
        self.reload()

    def on_unlocked(self) -> None:
        self.narrowing = {}
        super().on_unlocked()
        if self._does_casework():
            QueryOp(
                self._session,
                parent=self,
                op=lambda ws: ws.search.teams(),
                success=lambda teams: self.more.set_teams(
                    teams, self._session.lang.translator, self.view
                ),
            ).run()

    def _open_row(self, row: int) -> None:
        record = self.model.row(self.model.index(row, 0))
        if record is not None:
            self.open_case_requested.emit(str(record.id))
