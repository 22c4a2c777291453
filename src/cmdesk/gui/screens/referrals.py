"""Referrals received from and sent to the other organisations of the network."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabBar, QWidget

from cmdesk.core.acting.changes import Kind
from cmdesk.core.i18n import N_, Translator, format_date
from cmdesk.core.model.referral import URGENCY_LABELS
from cmdesk.core.reference.partners import SERVICE_LABELS
from cmdesk.core.services.referrals import child_words, needs_attention, status_words
from cmdesk.gui.icons import icon
from cmdesk.gui.models.paged import Column, Fetch, Page, slice_page
from cmdesk.gui.screens.list_screen import ListScreen
from cmdesk.gui.session import Session

BOXES = ("inbox", "outbox")
_URGENCY = {str(k): v for k, v in URGENCY_LABELS.items()}
_SERVICE = {str(k): v for k, v in SERVICE_LABELS.items()}


def _when(r: Any, tr: Translator) -> str:
    moment = r.sent_at or r.created_at
    return format_date(moment, tr.locale) if moment else ""


def _label(labels: dict[str, str]) -> Any:
    return lambda value, tr: tr.gettext(labels.get(value, value))


# Who, where it stands and how urgent first, the case number last: a list wider than the
# screen still shows what a case manager scans an inbox for.
COLUMNS: list[Column[Any]] = [
    Column(N_("Date"), _when),
    Column(N_("Child"), child_words),
    Column(N_("Status"), status_words, alert=needs_attention),
    Column(
        N_("Urgency"),
        lambda r, tr: _label(_URGENCY)(r.urgency, tr),
        alert=lambda r: r.urgency != "routine",
    ),
    Column(N_("Service"), lambda r, tr: _label(_SERVICE)(r.service, tr)),
    Column(N_("From"), lambda r, tr: r.from_org_code),
    Column(N_("To"), lambda r, tr: r.to_org_code),
    Column(N_("Case number"), lambda r, tr: r.case_number),
]


class ReferralsScreen(ListScreen[Any]):
    open_referral_requested = Signal(str)
    REFRESH_ON = (Kind.REFERRAL,)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, COLUMNS, "referrals", parent)
        self.setObjectName("referrals")
        self.box = QTabBar(self)
        self.box.addTab(icon("inbox"), "")
        self.box.addTab(icon("outbox"), "")
        self.box.currentChanged.connect(lambda _i: self.reload())
        self.filters.addWidget(self.box)
        self.filters.addStretch(1)
        self.table.activated_row.connect(self._open_row)
        self.watch_changes()
        session.lang.follow(self.retranslate)

    @property
    def current_box(self) -> str:
        return BOXES[max(self.box.currentIndex(), 0)]

    def retranslate(self) -> None:
        tr = self._session.lang.translator
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

    def count_text(self, total: int, more: bool) -> str:
        return self._session.lang.translator.nformat("{n} referral", "{n} referrals", total)

    def show_box(self, box: str) -> None:
        """Received ("inbox") or sent ("outbox") referrals."""
        self.box.setCurrentIndex(BOXES.index(box) if box in BOXES else 0)

    def fetch(self) -> Fetch[Any] | None:
        if self._session.actor is None:
            return None
        incoming = self.current_box == "inbox"

        def run(ws: Any, offset: int, limit: int) -> Page[Any]:
            rows = ws.referrals.incoming() if incoming else ws.referrals.outgoing()
            return slice_page(rows, offset, limit)

        return run

    def reload(self) -> None:
        self.retranslate()
        super().reload()

    def _open_row(self, row: int) -> None:
        record = self.model.row(self.model.index(row, 0))
        referral_id = getattr(record, "id", None)
        if referral_id:
            self.open_referral_requested.emit(str(referral_id))
