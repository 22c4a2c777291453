"""A table model over a paged query: rows arrive a page at a time from the worker as the view
scrolls (canFetchMore/fetchMore), so a caseload of thousands costs one page of memory and no
widget per row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from cmdesk.core.i18n import Translator
from cmdesk.gui.ops import QueryOp

if TYPE_CHECKING:
    from cmdesk.core.workspace import Workspace
    from cmdesk.gui.session import Session

R = TypeVar("R")
PAGE_SIZE = 100
AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column(Generic[R]):
    title: str  # msgid, translated when shown
    value: Callable[[R, Translator], str]
    # Rows this returns True for are drawn in the warning colour (overdue, urgent).
    alert: Callable[[R], bool] | None = None
    align_right: bool = False


@dataclass(frozen=True)
class Page(Generic[R]):
    rows: list[R]
    total: int | None = None  # None when the query does not count (it says has_more instead)
    has_more: bool = False


def slice_page(rows: list[R], offset: int, limit: int) -> Page[R]:
    """A page of a list a service returns whole."""
    return Page(rows[offset : offset + limit], len(rows), offset + limit < len(rows))


Fetch = Callable[["Workspace", int, int], Page[R]]  # (ws, offset, limit) -> page


@dataclass
class _State(Generic[R]):
    rows: list[R] = field(default_factory=list)
    total: int | None = 0
    has_more: bool = False
    loading: bool = False


class PagedTableModel(QAbstractTableModel, Generic[R]):
    loading_changed = Signal(bool)
    total_changed = Signal(int)
    failed = Signal(object)

    def __init__(
        self,
        session: Session,
        columns: list[Column[R]],
        parent: QObject | None = None,
        page_size: int = PAGE_SIZE,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._columns = columns
        self._page_size = page_size
        self._fetch: Fetch[R] | None = None
        self._state: _State[R] = _State()
        # Bumped on every new query; a page that arrives for an older query is dropped, so
        # fast typing in the search box never shows stale results.
        self._generation = 0
        self.loaded_once = False

    # -- queries --------------------------------------------------------------------------------
    def set_fetch(self, fetch: Fetch[R] | None) -> None:
        self._fetch = fetch
        self.refresh()

    def refresh(self) -> None:
        self._generation += 1
        self._set_loading(False)
        if self._fetch is None or not self._session.is_unlocked:
            return
        self._load(0, reset=True)

    def clear(self) -> None:
        """Drops every loaded row (on lock: nothing of a child stays on screen)."""
        self._generation += 1
        self.beginResetModel()
        self._state = _State()
        self.endResetModel()
        self.loaded_once = False
        self.total_changed.emit(0)

    def mark_empty(self) -> None:
        """Nothing to query (e.g. this role has no caseload): show the empty state at once."""
        self.clear()
        self.loaded_once = True
        self.total_changed.emit(0)

    def _load(self, offset: int, *, reset: bool) -> None:
        fetch = self._fetch
        if fetch is None:
            return
        generation = self._generation
        limit = self._page_size
        self._set_loading(True)

        def arrived(page: Page[R]) -> None:
            # The screen (and this model with it) may be gone: a user switch or lock while
            # the page was read.
            if not shiboken6.isValid(self) or generation != self._generation:
                return
            self._set_loading(False)
            self.loaded_once = True
            if reset:
                self.beginResetModel()
                self._state.rows = list(page.rows)
                self._state.total, self._state.has_more = page.total, page.has_more
                self.endResetModel()
            elif page.rows:
                first = len(self._state.rows)
                self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
                self._state.rows.extend(page.rows)
                self._state.total, self._state.has_more = page.total, page.has_more
                self.endInsertRows()
            else:
                self._state.has_more = False
            self.total_changed.emit(self.total)

        def failed(exc: BaseException) -> None:
            if shiboken6.isValid(self) and generation == self._generation:
                self._set_loading(False)
                self.failed.emit(exc)

        QueryOp(
            self._session,
            parent=None,
            op=lambda ws: fetch(ws, offset, limit),
            success=arrived,
        ).failure(failed).run()

    def _set_loading(self, loading: bool) -> None:
        if self._state.loading != loading:
            self._state.loading = loading
            self.loading_changed.emit(loading)

    @property
    def loading(self) -> bool:
        return self._state.loading

    @property
    def total(self) -> int:
        """The number of matching rows if known, else the number loaded so far."""
        known = self._state.total
        return known if known is not None else len(self._state.rows)

    @property
    def has_more(self) -> bool:
        """More rows exist than `total` says (the query did not count them)."""
        return self._state.total is None and self._state.has_more

    def row(self, index: AnyIndex) -> R | None:
        if not index.isValid() or index.row() >= len(self._state.rows):
            return None
        return self._state.rows[index.row()]

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._columns) - 1)
        if self._state.rows:
            last = self.index(len(self._state.rows) - 1, len(self._columns) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    # -- Qt model -------------------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._state.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._columns)

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: N802, B008
        state = self._state
        more = state.has_more if state.total is None else len(state.rows) < state.total
        return not parent.isValid() and not state.loading and more

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: N802, B008
        if self.canFetchMore(parent):
            self._load(len(self._state.rows), reset=False)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row(index)
        if row is None:
            return None
        column = self._columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return column.value(row, self._session.lang.translator)
        if role == Qt.ItemDataRole.ForegroundRole and column.alert is not None:
            return QBrush(QColor("#a4262c")) if column.alert(row) else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._columns)
        ):
            return self._session.lang.translator.gettext(self._columns[section].title)
        return None
