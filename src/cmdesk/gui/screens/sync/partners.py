"""Who this laptop exchanges with: the laptops it has heard from (and when it last got a
bundle from each), and, for the data manager, the organisations it trusts, with the
identity file to give a partner and a partner's identity file to trust."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.i18n import N_, Translator, format_datetime
from cmdesk.core.sync import texts
from cmdesk.core.vault.files import atomic_write
from cmdesk.gui.errors import friendly_message
from cmdesk.gui.ops import ChangeOp, QueryOp
from cmdesk.gui.session import Session
from cmdesk.gui.widgets.details import record_list
from cmdesk.gui.widgets.labels import Heading, MessageLabel, WrapLabel, add_heading_and_text
from cmdesk.gui.widgets.prompts import ask
from cmdesk.gui.widgets.push_button import push_button

if TYPE_CHECKING:
    from cmdesk.core.sync.engine import TrustedOrg
    from cmdesk.core.sync.status import PeerDTO
    from cmdesk.core.workspace import Workspace

IDENTITY_SUFFIX = ".cmid"
# texts.UNTRUSTED as the GUI says it: where to click, not what to type.
UNTRUSTED = N_(
    "Trust in {org} ({name}) withdrawn. This laptop sends it nothing more and takes no bundle "
    "from it; your organisation's other laptops learn it from this laptop's next bundle for "
    "them. What {org} holds already stays with it. {org} is told at this laptop's next "
    "exchange through the hub, or by the notice you can write for it under Send changes. To "
    "trust it again, trust its identity file."
)


_WITHDRAWN = N_("{name} (trust withdrawn on {at})")
_WITHDREW = N_("{name} (withdrew its trust in your organisation on {at})")


def laptop_name(device_id: str) -> str:
    """A laptop as people can tell it apart: the end of its id (the CLI prints the whole)."""
    return f"…{device_id[-6:]}"


class LaptopsBox(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._peers: tuple[PeerDTO, ...] = ()
        self._device = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = Heading(parent=self, level=2)
        layout.addWidget(self.title)
        row = QHBoxLayout()
        self.this_label = QLabel(self)
        row.addWidget(self.this_label)
        self.this_laptop = QLabel(self)
        self.this_laptop.setObjectName("this-laptop")
        self.this_laptop.setProperty("verbatim", True)  # the end of a device id
        row.addWidget(self.this_laptop)
        row.addStretch(1)
        layout.addLayout(row)
        self.table = record_list(self, "laptops", min_height=90, max_height=160)
        layout.addWidget(self.table)
        self.none_yet = WrapLabel(parent=self)
        self.none_yet.setObjectName("no-laptops")
        self.none_yet.setStyleSheet("color: #52606d;")
        layout.addWidget(self.none_yet)

    def retranslate(self, tr: Translator) -> None:
        self.title.setText(tr.gettext("Laptops this one knows"))
        self.none_yet.setText(
            tr.gettext(
                "No other laptop is known yet. Export a bundle here and import it on the "
                "other laptop; then export there and import here."
            )
        )
        self.table.setHeaderLabels(
            [tr.gettext("Laptop"), tr.gettext("Organisation"), tr.gettext("Last bundle from it")]
        )
        self.table.setAccessibleName(self.title.text())
        self._fill(tr)

    def set_peers(self, device_id: str, peers: tuple[PeerDTO, ...]) -> None:
        self._device, self._peers = device_id, peers
        self._fill(self._session.lang.translator)

    def clear(self) -> None:
        self._peers, self._device = (), ""
        self._fill(self._session.lang.translator)

    def _fill(self, tr: Translator) -> None:
        self.this_label.setText(tr.gettext("This laptop:") if self._device else "")
        self.this_laptop.setText(laptop_name(self._device) if self._device else "")
        self.table.clear()
        for peer in self._peers:
            if peer.last_bundle_at:
                at = datetime.fromisoformat(peer.last_bundle_at.replace("Z", "+00:00"))
                when = format_datetime(at.astimezone(UTC), tr.locale)
            else:
                when = tr.gettext("No bundle from it yet")
            org = peer.org_code
            if peer.team is not None:
                org = tr.format("{org}, team {team}", org=org, team=peer.team)
            QTreeWidgetItem(self.table, [laptop_name(peer.device_id), org, when])
        for column in range(3):
            self.table.resizeColumnToContents(column)
        self.table.setVisible(bool(self._peers))
        self.none_yet.setVisible(not self._peers)


class OrganisationsBox(QWidget):
    """For the data manager: identity files, so two organisations can exchange bundles."""

    trusted_changed = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._trusted: list[TrustedOrg] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title, self.body = add_heading_and_text(layout, self)
        self.table = record_list(self, "organisations", min_height=90, max_height=160)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        self.save_button = push_button(self, "save-identity", self._ask_save, "save")
        row.addWidget(self.save_button)
        self.trust_button = push_button(self, "trust-identity", self._ask_trust, "key")
        row.addWidget(self.trust_button)
        self.withdraw_button = push_button(self, "withdraw-trust", self._ask_withdraw)
        self.withdraw_button.setEnabled(False)
        row.addWidget(self.withdraw_button)
        self.table.itemSelectionChanged.connect(self._chosen_changed)
        row.addStretch(1)
        layout.addLayout(row)
        self.message = MessageLabel(self)
        layout.addWidget(self.message)

    def retranslate(self, tr: Translator) -> None:
        self.title.setText(tr.gettext("Organisations and identity files"))
        self.body.setText(
            tr.gettext(
                "Two organisations exchange bundles only after each has trusted the other's "
                "identity file. Check the fingerprint with the other data manager by phone."
            )
        )
        self.table.setHeaderLabels(
            [tr.gettext("Code"), tr.gettext("Organisation"), tr.gettext("Fingerprint")]
        )
        self.table.setAccessibleName(self.title.text())
        self.save_button.setText(tr.gettext("Save our identity file…"))
        self.trust_button.setText(tr.gettext("Trust a partner's identity file…"))
        self.withdraw_button.setText(tr.gettext("Withdraw trust in the chosen partner…"))
        for b in (self.save_button, self.trust_button, self.withdraw_button):
            b.setAccessibleName(b.text())
        self.message.retranslate(tr)
        self._fill(tr)

    def set_trusted(self, trusted: list[TrustedOrg]) -> None:
        self._trusted = trusted
        self._fill(self._session.lang.translator)

    def clear(self) -> None:
        self._trusted = []
        self.message.clear_message()
        self._fill(self._session.lang.translator)

    def _fill(self, tr: Translator) -> None:
        chosen = self.chosen()
        self.table.clear()
        for org in self._trusted:
            name = org.name_th if tr.locale == "th" else org.name_en
            # Trust withdrawn here, or by the partner (it told): since when.
            since = org.withdrawn_at or org.withdrew_at
            if org.own:
                name = tr.format("{name} (this organisation)", name=name)
            elif since is not None:
                at = datetime.fromisoformat(since).astimezone(UTC)
                name = tr.format(
                    _WITHDRAWN if org.withdrawn_at else _WITHDREW,
                    name=name,
                    at=format_datetime(at, tr.locale),
                )
            item = QTreeWidgetItem(self.table, [org.code, name, org.fingerprint])
            item.setData(0, Qt.ItemDataRole.UserRole, org.org_id)
            if chosen is not None and org.org_id == chosen.org_id:
                self.table.setCurrentItem(item)
        for column in range(3):
            self.table.resizeColumnToContents(column)
        self._chosen_changed()

    def chosen(self) -> TrustedOrg | None:
        """The partner chosen in the list (never this organisation)."""
        item = self.table.currentItem()
        if item is None or not item.isSelected():
            return None
        org_id = item.data(0, Qt.ItemDataRole.UserRole)
        return next((t for t in self._trusted if t.org_id == org_id and not t.own), None)

    def _chosen_changed(self) -> None:
        chosen = self.chosen()
        self.withdraw_button.setEnabled(chosen is not None and chosen.withdrawn_at is None)

    def _ask_withdraw(self) -> None:
        chosen = self.chosen()
        if chosen is None:
            return
        tr = self._session.lang.translator
        ask(
            self,
            tr.format(
                "Withdraw trust in {org}? This laptop, then your organisation's other laptops, "
                "will send it nothing more and take no bundle from it. What it holds already "
                "stays with it.",
                org=chosen.code,
            ),
            yes=tr.gettext("Withdraw trust"),
            no=tr.gettext("Keep trusting it"),
            on_yes=lambda: self.withdraw(chosen.code),
        )

    def withdraw(self, code: str) -> None:
        def work(ws: Workspace) -> tuple[TrustedOrg, int]:
            org = ws.sync.untrust(code)
            return org, ws.organisations.open_referrals_to(org.org_id)

        def said(tr: Translator, org: TrustedOrg, waiting: int) -> str:
            name = org.name_th if tr.locale == "th" else org.name_en
            text = tr.format(UNTRUSTED, org=org.code, name=name)
            if waiting:
                text += " " + tr.count(texts.OPEN_REFERRALS, waiting, org=org.code)
            return text

        def done(found: tuple[TrustedOrg, int]) -> None:
            org, waiting = found
            self.message.show_note(lambda tr: said(tr, org, waiting), self._session.lang.translator)
            self.trusted_changed.emit()

        ChangeOp(self._session, parent=self, op=work, success=done).failure(self._failed).run()

    def _ask_save(self) -> None:
        tr = self._session.lang.translator
        own = next((t.code for t in self._trusted if t.own), "")
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            tr.gettext("Save our identity file"),
            str(Path.home() / f"cmdesk-identity-{own}{IDENTITY_SUFFIX}"),
        )
        if chosen:
            self.save_identity(Path(chosen))

    def _ask_trust(self) -> None:
        tr = self._session.lang.translator
        chosen, _ = QFileDialog.getOpenFileName(
            self, tr.gettext("Choose the partner's identity file"), str(Path.home())
        )
        if chosen:
            self.trust_file(Path(chosen))

    def save_identity(self, path: Path) -> None:
        def work(ws: Workspace) -> tuple[str, str]:
            atomic_write(path, ws.sync.identity_file())
            ident = ws.sync.keys().org.identity
            return ident.code, ident.fingerprint()

        def done(found: tuple[str, str]) -> None:
            code, fingerprint = found
            self.message.show_note(
                lambda tr: tr.format(
                    texts.WROTE_IDENTITY, org=code, path=str(path), fingerprint=fingerprint
                ),
                self._session.lang.translator,
            )

        QueryOp(self._session, parent=self, op=work, success=done).failure(self._failed).run()

    def trust_file(self, path: Path) -> None:
        def work(ws: Workspace) -> TrustedOrg:
            return ws.sync.trust(path.read_bytes())

        def done(org: TrustedOrg) -> None:
            self.message.show_note(
                lambda tr: tr.format(
                    texts.TRUSTED,
                    org=org.code,
                    name=org.name_th if tr.locale == "th" else org.name_en,
                    fingerprint=org.fingerprint,
                ),
                self._session.lang.translator,
            )
            self.trusted_changed.emit()

        ChangeOp(self._session, parent=self, op=work, success=done).failure(self._failed).run()

    def _failed(self, exc: BaseException) -> None:
        self.message.show_error(friendly_message(exc, self._session.lang.translator))
