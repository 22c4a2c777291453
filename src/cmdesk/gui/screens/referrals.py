"""Referrals received from and sent to the other organisations of the network."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabBar, QWidget

from cmdesk.core.services.changes import OpChanges
from cmdesk.gui.icons import icon
from cmdesk.gui.models.paged import Column, Fetch, Page
from cmdesk.gui.screens.list_screen import ListScreen
from cmdesk.gui.session import Session

BOXES = ("inbox", "outbox")


def _no_referrals(_ws: Any, _offset: int, _limit: int) -> Page[Any]:
    return Page([], 0)


class ReferralsScreen(ListScreen[Any]):
    open_referral_requested = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        columns: list[Column[Any]] = []
        super().__init__(session, columns, "referrals", parent)
        self.setObjectName("referrals")
        self.box = QTabBar(self)
        self.box.addTab(icon("inbox"), "")
        self.box.addTab(icon("outbox"), "")
        self.box.currentChanged.connect(lambda _i: self.reload())
        self.filters.addWidget(self.box)
        self.filters.addStretch(1)
        self.table.activated_row.connect(self._open_row)
        session.operation_did_execute.connect(self._changed)
        session.lang.language_changed.connect(self.retranslate)
        self.retranslate()

    @property
    def current_box(self) -> str:
        return BOXES[max(self.box.currentIndex(), 0)]

    def retranslate(self) -> None:
        tr = self._session.lang.tr
        self.title.setText(tr.gettext("Referrals"))
        self.box.setTabText(0, tr.gettext("Received"))
        self.box.setTabText(1, tr.gettext("Sent"))
        self.box.setAccessibleName(tr.gettext("Received or sent referrals"))
        if self.current_box == "inbox":
            self.empty.set_texts(
                tr.gettext("No referrals received"),
                tr.gettext(
                    "When a partner organisation refers a child to you, the referral "
                    "appears here for you to accept or decline."
                ),
            )
        else:
            self.empty.set_texts(
                tr.gettext("No referrals sent"),
                tr.gettext(
                    "Refer a child from their case when another organisation can help, "
                    "for example with shelter, legal aid or documents."
                ),
            )
        super().retranslate()

    def count_text(self, total: int) -> str:
        return self._session.lang.tr.format("{n} referrals", n=total)

    def fetch(self) -> Fetch[Any]:
        return _no_referrals

    def reload(self) -> None:
        self.retranslate()
        self.model.set_fetch(self.fetch())

    def on_unlocked(self) -> None:
        self.reload()

    def on_locked(self) -> None:
        self.model.clear()

    def _changed(self, changes: OpChanges, _initiator: object) -> None:
        if changes.touches("referral"):
            self.model.refresh()

    def _open_row(self, row: int) -> None:
        record = self.model.row(self.model.index(row, 0))
        referral_id = getattr(record, "id", None)
        if referral_id:
            self.open_referral_requested.emit(str(referral_id))
