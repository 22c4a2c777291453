"""Exchanging data with other laptops by USB stick or folder, and deciding conflicts.

Two tabs: sending and receiving bundles (with the laptops and organisations known), and the
conflicts to decide. The number of open conflicts this user may decide is drawn on the
section's icon in the navigation and refreshed after every change (an import, a decision,
an edit).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.i18n import format_datetime
from cmdesk.core.model.roles import Role
from cmdesk.core.sync import texts
from cmdesk.core.sync.texts import NEW_IDENTITY, refused_line
from cmdesk.gui.errors import friendly_message
from cmdesk.gui.icons import icon
from cmdesk.gui.ops import QueryOp
from cmdesk.gui.screens.conflicts import ConflictsView
from cmdesk.gui.screens.sync.badge import badge_icon
from cmdesk.gui.screens.sync.exchange import ExchangeBox
from cmdesk.gui.screens.sync.hub_box import HubBox
from cmdesk.gui.screens.sync.partners import LaptopsBox, OrganisationsBox
from cmdesk.gui.session import Session
from cmdesk.gui.widgets.labels import Heading, WrapLabel
from cmdesk.gui.widgets.push_button import push_button
from cmdesk.gui.widgets.scroll_body import scroll_body

if TYPE_CHECKING:
    from cmdesk.core.acting.changes import OpChanges
    from cmdesk.core.services.conflict_review import ConflictReview
    from cmdesk.core.sync.engine import TrustedOrg
    from cmdesk.core.sync.exporting import Laptop
    from cmdesk.core.sync.hub_client import HubSetting
    from cmdesk.core.sync.status import SyncStatus
    from cmdesk.core.workspace import Workspace

EXCHANGE_TAB, CONFLICTS_TAB = 0, 1


# How long the sync screen says that this laptop went on as a new one.
RECENT = timedelta(days=30)


@dataclass(frozen=True)
class Overview:
    status: SyncStatus
    trusted: list[TrustedOrg]
    hub: HubSetting | None
    laptops: list[Laptop]  # of this organisation, heard from


def _overview(ws: Workspace) -> Overview:
    from cmdesk.core.sync.hub_client import load_setting

    return Overview(
        ws.sync.status(),
        ws.sync.trusted(),
        load_setting(ws.vault.paths.root),
        ws.sync.laptops(),
    )


class SyncScreen(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sync")
        self._session = session
        self._nav_item: QListWidgetItem | None = None
        self._status: SyncStatus | None = None
        self._withdrew: list[TrustedOrg] = []  # partners that told they withdrew their trust
        self._stale = True  # the status (a hash over every record) is read when shown
        self.open_conflicts = 0
        outer = QVBoxLayout(self)
        self.title = Heading(parent=self)
        outer.addWidget(self.title)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("sync-tabs")
        outer.addWidget(self.tabs, 1)

        scroll, body = scroll_body(self.tabs)
        self.scroll_area = scroll  # (QWidget.scroll is a method)
        layout = QVBoxLayout(body)
        self.summary = WrapLabel(parent=body)
        self.summary.setObjectName("sync-summary")
        self.summary.setStyleSheet("color: #8a4b00;")
        row = QHBoxLayout()
        row.addWidget(self.summary, 1)
        self.review_button = push_button(body, "review-conflicts", self.show_conflicts, "warning")
        row.addWidget(self.review_button)
        layout.addLayout(row)
        self.hub = HubBox(session, body)
        layout.addWidget(self.hub)
        self.exchange = ExchangeBox(session, body)
        layout.addWidget(self.exchange)
        self.laptops = LaptopsBox(session, body)
        layout.addWidget(self.laptops)
        self.organisations = OrganisationsBox(session, body)
        self.organisations.hide()
        layout.addWidget(self.organisations)
        layout.addStretch(1)
        self.tabs.addTab(scroll, icon("sync"), "")
        self.conflicts = ConflictsView(session, self.tabs)
        self.tabs.addTab(self.conflicts, icon("warning"), "")

        for box in (self.hub, self.exchange):
            box.exchanged.connect(self._after_exchange)
            box.answered.connect(self.scroll_area.ensureWidgetVisible)
        self.organisations.trusted_changed.connect(self.reload_status)
        session.operation_did_execute.connect(self._changed)
        session.lang.language_changed.connect(self.retranslate)
        self.retranslate()

    # -- navigation badge -----------------------------------------------------------------------
    def attach_nav(self, item: QListWidgetItem) -> None:
        """The navigation entry whose icon carries the count of open conflicts."""
        self._nav_item = item
        self._show_count()

    def _show_count(self) -> None:
        tr = self._session.lang.translator
        n = self.open_conflicts
        self.tabs.setTabText(
            CONFLICTS_TAB,
            tr.format("Conflicts ({n})", n=n) if n else tr.gettext("Conflicts"),
        )
        item = self._nav_item
        if item is not None:
            list_widget = item.listWidget()
            size = list_widget.iconSize() if list_widget is not None else self.tabs.iconSize()
            item.setIcon(badge_icon(icon("sync"), n, size))
            note = (
                tr.ngettext("{n} conflict to decide", "{n} conflicts to decide", n).format(n=n)
                if n
                else ""
            )
            item.setToolTip(note)
        self._show_summary()

    # -- words ----------------------------------------------------------------------------------
    def retranslate(self) -> None:
        tr = self._session.lang.translator
        self.title.setText(tr.gettext("Exchange data"))
        self.tabs.setTabText(EXCHANGE_TAB, tr.gettext("Send and receive"))
        self.review_button.setText(tr.gettext("Review the conflicts"))
        self.review_button.setAccessibleName(self.review_button.text())
        self.hub.retranslate(tr)
        self.exchange.retranslate(tr)
        self.laptops.retranslate(tr)
        self.organisations.retranslate(tr)
        self.conflicts.retranslate()
        self._show_count()

    def _show_summary(self) -> None:
        tr = self._session.lang.translator
        lines = []
        n = self.open_conflicts
        if n:
            lines.append(
                tr.ngettext(
                    "{n} conflict needs a decision: two laptops changed the same thing.",
                    "{n} conflicts need a decision: two laptops changed the same thing.",
                    n,
                ).format(n=n)
            )
        waiting = len(self._status.quarantined) if self._status else 0
        if waiting:
            lines.append(
                tr.ngettext(
                    "{n} change came from a laptop whose clock is ahead. It waits until that "
                    "time comes.",
                    "{n} changes came from a laptop whose clock is ahead. They wait until that "
                    "time comes.",
                    waiting,
                ).format(n=waiting)
            )
        team = self._status.team if self._status else None
        if team is not None:
            lines.append(
                tr.format(
                    "This laptop holds only team {team}'s cases. It opens only bundles made "
                    "for it: the data manager's computer makes them once it has received a "
                    "bundle from this laptop.",
                    team=team,
                )
            )
        for org in self._withdrew:  # told by the partner (core/sync/partners.py)
            at = datetime.fromisoformat(str(org.withdrew_at)).astimezone(UTC)
            lines.append(
                tr.format(
                    "{org} withdrew its trust in your organisation on {at}: nothing is sent to "
                    "it, and no answer will come to referrals still open with it.",
                    org=org.code,
                    at=format_datetime(at, tr.locale),
                )
            )
        here = self._status.only_here if self._status else None
        if here is not None:  # what losing this laptop would lose (sync/unsent.py)
            lines.append(tr.count(texts.ONLY_HERE, here) if here else tr.gettext(texts.ALL_SENT))
        lines += [
            tr.count(texts.WAITING_ON_HUB, w.count, reason=friendly_message(w.rejection(), tr))
            for w in (self._status.waiting_on_hub if self._status else ())
        ]
        changes = self._status.identity_changes if self._status else ()
        change = changes[-1] if changes else None
        if change is not None and datetime.now(UTC) - change.when < RECENT:
            said = NEW_IDENTITY.get(change.reason)
            if said:
                lines.append(tr.format(said, date=format_datetime(change.when, tr.locale)))
        # What imports refused lately, per sender and reason (all of it: `sync status`).
        refused = self._status.trouble.refused if self._status else ()
        lines += [refused_line(r, tr) for r in refused if datetime.now(UTC) - r.when < RECENT]
        self.summary.setText("\n".join(lines))
        self.summary.setVisible(bool(lines))
        self.review_button.setVisible(n > 0)

    # -- data -----------------------------------------------------------------------------------
    def on_unlocked(self) -> None:
        actor = self._session.actor
        self.organisations.setVisible(actor is not None and actor.role == Role.DATA_MANAGER)
        self._stale = True
        self.reload_conflicts()
        if self.isVisible():
            self.reload_status()

    def on_locked(self) -> None:
        self._status = None
        self._withdrew = []
        self._stale = True
        self.open_conflicts = 0
        self.hub.clear()
        self.exchange.clear()
        self.laptops.clear()
        self.organisations.clear()
        self.conflicts.set_review(None)
        self._show_count()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if self._stale and self._session.is_unlocked:
            self.reload_status()

    def reload_status(self) -> None:
        self._stale = False
        QueryOp(self._session, parent=self, op=_overview, success=self._overview).run()

    def _overview(self, overview: Overview) -> None:
        self._status = overview.status
        self.exchange.set_partners(
            overview.trusted,
            overview.status.device_id,
            overview.laptops,
            tells=overview.status.decides_trust,
        )
        actor = self._session.actor
        self.hub.set_hub(overview.hub, actor is not None and actor.role == Role.DATA_MANAGER)
        self.laptops.set_peers(overview.status.device_id, overview.status.peers)
        self.organisations.set_trusted(overview.trusted)
        self._withdrew = [t for t in overview.trusted if t.withdrew_at is not None]
        self._show_summary()

    def reload_conflicts(self) -> None:
        QueryOp(
            self._session, parent=self, op=lambda ws: ws.conflicts.review(), success=self._reviewed
        ).run()

    def _reviewed(self, review: ConflictReview) -> None:
        self.open_conflicts = len(review.conflicts)
        self.conflicts.set_review(review)
        self._show_count()

    def _changed(self, _changes: OpChanges, _initiator: object) -> None:
        if self._session.is_unlocked:
            self.reload_conflicts()

    def _after_exchange(self) -> None:
        self.reload_status()
        self.reload_conflicts()

    def show_conflicts(self) -> None:
        self.tabs.setCurrentIndex(CONFLICTS_TAB)
