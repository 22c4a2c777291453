"""What the caseload, task and referral screens share: a title, a row of filters, a count,
and a table that turns into a helpful empty state when there is nothing to show; loading it
again when a filter changes, emptying it on lock, refreshing it when a change touches it."""

from __future__ import annotations

from typing import Generic, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.acting.changes import Kind, OpChanges
from cmdesk.gui.errors import friendly_message
from cmdesk.gui.models.paged import Column, Fetch, PagedTableModel
from cmdesk.gui.session import Session
from cmdesk.gui.widgets.empty_state import EmptyState
from cmdesk.gui.widgets.labels import Heading, MessageLabel

R = TypeVar("R")
MAX_COLUMN = 280


class RecordTable(QTableView):
    """A read-only table of records: whole rows selected, Enter or double-click opens one."""

    activated_row = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)  # Tab leaves the table, arrows move inside it
        self.verticalHeader().hide()
        self.horizontalHeader().setStretchLastSection(True)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.doubleClicked.connect(lambda index: self.activated_row.emit(index.row()))

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated_row.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)


class ListScreen(QWidget, Generic[R]):
    # The kinds of record whose change makes the screen refresh (see `watch_changes`).
    REFRESH_ON: tuple[Kind, ...] = ()

    def __init__(
        self,
        session: Session,
        columns: list[Column[R]],
        empty_icon: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        layout = QVBoxLayout(self)
        header = QHBoxLayout()
        self.title = Heading(parent=self)
        header.addWidget(self.title, 1)
        self.count_label = QLabel(self)
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        header.addWidget(self.count_label)
        layout.addLayout(header)
        self._header = header
        self.filters = QHBoxLayout()
        layout.addLayout(self.filters)
        self._layout = layout
        self.message = MessageLabel(self)
        layout.addWidget(self.message)
        self.stack = QStackedWidget(self)
        self.model: PagedTableModel[R] = PagedTableModel(session, columns, self)
        self.table = RecordTable(self.stack)
        self.table.setModel(self.model)
        self.stack.addWidget(self.table)
        self.empty = EmptyState(empty_icon, self.stack)
        self.stack.addWidget(self.empty)
        layout.addWidget(self.stack, 1)
        self.model.total_changed.connect(self._update_count)
        self.model.loading_changed.connect(lambda _busy: self._update_count())
        self.model.failed.connect(self._failed)
        self.model.modelReset.connect(self._fit_columns)
        self._update_count()

    def add_to_header(self, widget: QWidget) -> None:
        """A button beside the count, at the title's height (the filter rows are full)."""
        self._header.addWidget(widget)

    def add_filter_row(self, row: QWidget) -> None:
        """A second row of filters, under the first."""
        self._layout.insertWidget(self._layout.indexOf(self.message), row)

    def _failed(self, exc: BaseException) -> None:
        if self._session.is_unlocked:
            self.message.show_error(friendly_message(exc, self._session.lang.translator))

    def _update_count(self, _total: int = 0) -> None:
        self.message.clear_message() if self.model.loading else None
        total = self.model.total
        loaded = self.model.loaded_once
        self.count_label.setText(self.count_text(total, self.model.has_more) if loaded else "")
        showing_empty = self.model.loaded_once and total == 0 and not self.model.loading
        self.stack.setCurrentWidget(self.empty if showing_empty else self.table)
        if not self.model.loaded_once:
            self.stack.setCurrentWidget(self.empty)

    def _fit_columns(self) -> None:
        # Thai headers and values are long; fit each column once per new result (a page of
        # rows at most), capped so one long village name does not push the others away.
        if self.model.rowCount() == 0:
            return
        header = self.table.horizontalHeader()
        for column in range(self.model.columnCount() - 1):
            self.table.resizeColumnToContents(column)
            header.resizeSection(column, min(header.sectionSize(column), MAX_COLUMN))

    def count_text(self, total: int, more: bool) -> str:
        return f"{total}+" if more else str(total)

    def fetch(self) -> Fetch[R] | None:
        """How the rows are read for the signed-in user; None shows the empty state."""
        raise NotImplementedError

    def reload(self) -> None:
        """Reads the rows again from the first, as `fetch` now says."""
        fetch = self.fetch()
        self.model.set_fetch(fetch)
        if fetch is None:
            self.model.mark_empty()

    def on_unlocked(self) -> None:
        self.reload()

    def on_locked(self) -> None:
        self.model.clear()

    def watch_changes(self) -> None:
        """Refreshes the rows after every change that touches a kind in `REFRESH_ON`."""
        self._session.operation_did_execute.connect(self._changed)

    def _changed(self, changes: OpChanges, _initiator: object) -> None:
        if changes.touches(*self.REFRESH_ON):
            self.model.refresh()

    def retranslate(self) -> None:
        self.model.retranslate()
        self._fit_columns()
        self._update_count()
        self.table.setAccessibleName(self.title.text())
