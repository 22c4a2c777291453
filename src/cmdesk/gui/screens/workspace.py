"""The unlocked app: who is signed in, the main sections on the left, the section on the right.

This page is kept (hidden) while the vault is locked, so text typed into it and not yet saved
is still there after unlocking; the records it showed are dropped and fetched again.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.model.roles import ROLE_LABELS, Role
from cmdesk.core.stats.service import STATS_ROLES
from cmdesk.gui.icons import icon
from cmdesk.gui.screens.case.page import CasePage
from cmdesk.gui.screens.caseload import CaseloadScreen
from cmdesk.gui.screens.home.screen import HomeScreen
from cmdesk.gui.screens.mechanisms import MechanismsScreen
from cmdesk.gui.screens.network.screen import NetworkScreen
from cmdesk.gui.screens.referrals import ReferralsScreen
from cmdesk.gui.screens.sync_screen import SyncScreen
from cmdesk.gui.screens.tasks import TasksScreen
from cmdesk.gui.screens.users import UsersScreen
from cmdesk.gui.screens.vault_care import VaultScreen
from cmdesk.gui.session import Session
from cmdesk.gui.settings import GuiSettings
from cmdesk.gui.widgets.labels import WrapLabel
from cmdesk.gui.widgets.push_button import label_buttons, push_button

SECTIONS = (
    "home",
    "caseload",
    "tasks",
    "referrals",
    "network",
    "mechanisms",
    "users",
    "vault",
    "sync",
)
# Home first: it is the screen shown after unlocking.
CASEWORK_SECTIONS = ("home", "caseload", "tasks", "referrals", "sync")
MANAGER_SECTIONS = ("home", "network", "mechanisms", "users", "vault", "sync")
# Network figures: for the roles the core lets compute statistics (STATS_ROLES), who are also
# the roles that keep the community mechanisms (services.mechanisms.MANAGE_ROLES).
STATS_SECTIONS = ("network", "mechanisms")


# Narrower windows (a 1024 x 600 netbook) show the sections as icons.
COMPACT_BELOW = 1200


class _SectionList(QListWidget):
    """The sections on the left: as wide as `wanted` when there is room."""

    wanted = 0

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(self.wanted or super().sizeHint().width(), super().sizeHint().height())


class WorkspacePage(QWidget):
    lock_requested = Signal()
    settings_requested = Signal()
    recovery_key_requested = Signal()

    def __init__(
        self,
        session: Session,
        parent: QWidget | None = None,
        settings: GuiSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("workspace-page")
        self._session = session
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)

        bar = QFrame(self)
        bar.setObjectName("top-bar")
        bar.setStyleSheet("#top-bar { background: #2c4a6b; } #top-bar QLabel { color: white; }")
        top = QHBoxLayout(bar)
        logo = QLabel(bar)
        logo.setPixmap(icon("app").pixmap(QSize(28, 28)))
        top.addWidget(logo)
        self.who = QLabel(bar)
        self.who.setObjectName("user-name")
        self.who.setProperty("verbatim", True)  # a person's name, as typed by the administrator
        top.addWidget(self.who)
        self.role = QLabel(bar)
        self.role.setObjectName("user-role")
        top.addWidget(self.role, 1)
        self.register_button = push_button(bar, "register-child", self.open_register, "add-child")
        top.addWidget(self.register_button)
        self.passphrase_button = push_button(bar, "own-passphrase", self.open_own_passphrase, "key")
        top.addWidget(self.passphrase_button)
        self.settings_button = QPushButton(icon("settings"), "", bar)
        self.settings_button.clicked.connect(self.settings_requested)
        top.addWidget(self.settings_button)
        self.lock_button = push_button(bar, "lock", self.lock_requested, "lock")
        top.addWidget(self.lock_button)
        outer.addWidget(bar)

        self.banner = QFrame(self)
        self.banner.setStyleSheet("QFrame { background: #fff4ce; }")
        banner_row = QHBoxLayout(self.banner)
        warn = QLabel(self.banner)
        warn.setPixmap(icon("warning").pixmap(QSize(20, 20)))
        banner_row.addWidget(warn)
        self.banner_text = WrapLabel(parent=self.banner)
        banner_row.addWidget(self.banner_text, 1)
        self.banner_button = QPushButton(icon("key"), "", self.banner)
        self.banner_button.clicked.connect(self._banner_clicked)
        self._account_closed = False
        banner_row.addWidget(self.banner_button)
        self.banner.hide()
        outer.addWidget(self.banner)

        body = QHBoxLayout()
        body.setContentsMargins(8, 8, 8, 8)
        self.nav = _SectionList(self)
        self.nav.setObjectName("sections")
        self.nav.setIconSize(QSize(22, 22))
        self.nav.setSpacing(2)
        for name in SECTIONS:
            item = QListWidgetItem(icon(name), "")
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.nav.addItem(item)
        # Decided from the window it opens in, before it is shown: starting wide and turning
        # compact at the first resize was too late on a 1024-pixel screen (the window had
        # already grown to fit the section names, 1128 pixels in English).
        self.compact = parent is not None and parent.window().width() < COMPACT_BELOW
        self._compact_chosen: bool | None = None
        side = QVBoxLayout()
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.nav, 1)
        # On a small screen the sections shrink to their icons (names in tooltips), leaving
        # the width to the records; the user may widen or shrink them at any time.
        self.nav_toggle = QToolButton(self)
        self.nav_toggle.setObjectName("sections-toggle")
        self.nav_toggle.clicked.connect(lambda: self.set_compact(not self.compact, chosen=True))
        side.addWidget(self.nav_toggle)
        body.addLayout(side)
        self.sections = QStackedWidget(self)
        self.home = HomeScreen(session, self.sections)
        self.caseload = CaseloadScreen(session, self.sections, settings)
        self.tasks = TasksScreen(session, self.sections)
        self.referrals = ReferralsScreen(session, self.sections)
        self.network = NetworkScreen(session, self.sections)
        self.mechanisms = MechanismsScreen(session, self.sections)
        self.users = UsersScreen(session, self.sections)
        self.vault = VaultScreen(session, self.sections)
        self.sync = SyncScreen(session, self.sections)
        self.case_page = CasePage(session, self.sections)
        self._by_name: dict[str, QWidget] = {
            "home": self.home,
            "caseload": self.caseload,
            "tasks": self.tasks,
            "referrals": self.referrals,
            "network": self.network,
            "mechanisms": self.mechanisms,
            "users": self.users,
            "vault": self.vault,
            "sync": self.sync,
        }
        for screen in (*self._by_name.values(), self.case_page):
            self.sections.addWidget(screen)
        body.addWidget(self.sections, 1)
        outer.addLayout(body, 1)
        self.nav.currentRowChanged.connect(self._nav_changed)
        self.nav.setCurrentRow(0)
        self.caseload.open_case_requested.connect(self.open_case)
        self.caseload.register_requested.connect(self.open_register)
        self.tasks.open_case_requested.connect(self.open_case)
        self.home.open_tasks.connect(self._home_tasks)
        self.home.open_caseload.connect(self._home_caseload)
        self.home.open_referrals.connect(self._home_referrals)
        self.home.open_section.connect(self.show_section)
        self.referrals.open_referral_requested.connect(self.open_referral)
        self.case_page.back_requested.connect(self._back_from_case)
        self.vault.key_button.clicked.connect(self.recovery_key_requested)
        self.sync.attach_nav(self.nav.item(SECTIONS.index("sync")))
        session.lang.follow(self.retranslate)

    def set_compact(self, compact: bool, *, chosen: bool = False) -> None:
        if chosen:
            self._compact_chosen = compact
        self.compact = compact
        self._show_nav()

    def _show_nav(self) -> None:
        tr = self._session.lang.translator
        names: dict[str, str] = getattr(self, "_names", {})
        for row, key in enumerate(SECTIONS):
            item = self.nav.item(row)
            item.setText("" if self.compact else names.get(key, ""))
            item.setToolTip(names.get(key, ""))
        icons_only = self.nav.iconSize().width() + 30
        if self.compact:
            self.nav.wanted = icons_only
            self.nav.setFixedWidth(icons_only)
        else:
            # Wide enough for the longest section name in this language, no wider; but never
            # what keeps the window from being made narrower (below COMPACT_BELOW the names
            # give way to the icons anyway).
            metrics = self.nav.fontMetrics()
            widest = max((metrics.horizontalAdvance(t) for t in names.values()), default=0)
            self.nav.wanted = widest + self.nav.iconSize().width() + 48
            self.nav.setMinimumWidth(icons_only)
            self.nav.setMaximumWidth(self.nav.wanted)
        self.nav.updateGeometry()
        self.nav_toggle.setText("»" if self.compact else "«")
        self.nav_toggle.setToolTip(
            tr.gettext("Show the section names") if self.compact else tr.gettext("Icons only")
        )
        self.nav_toggle.setAccessibleName(self.nav_toggle.toolTip())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self._compact_chosen is None:
            compact = event.size().width() < COMPACT_BELOW
            if compact != self.compact:
                self.set_compact(compact)

    def screens(self) -> list[QWidget]:
        return [
            self.home,
            self.caseload,
            self.tasks,
            self.referrals,
            self.network,
            self.mechanisms,
            self.users,
            self.vault,
            self.sync,
        ]

    def visible_sections(self) -> tuple[str, ...]:
        actor = self._session.actor
        if actor is None:
            return CASEWORK_SECTIONS
        if actor.role == Role.DATA_MANAGER:
            return MANAGER_SECTIONS
        stats = actor.role in STATS_ROLES
        return tuple(
            s for s in SECTIONS if s in CASEWORK_SECTIONS or (stats and s in STATS_SECTIONS)
        )

    def _banner_clicked(self) -> None:
        if self._account_closed:
            self.show_section("sync")
        else:
            self.recovery_key_requested.emit()

    def show_section(self, name: str) -> None:
        self.nav.setCurrentRow(SECTIONS.index(name))

    def _nav_changed(self, row: int) -> None:
        if row < 0:
            return
        target = self._by_name[SECTIONS[row]]
        if self.sections.currentWidget() is self.case_page and self.case_page.has_unsaved():
            # Leaving a case with typed text: undo the click until the user has decided.
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(-1)
            self.nav.blockSignals(False)
            self.case_page.leave(lambda: self._go(row, target))
            return
        self.sections.setCurrentWidget(target)

    def _go(self, row: int, target: QWidget) -> None:
        self.nav.blockSignals(True)
        self.nav.setCurrentRow(row)
        self.nav.blockSignals(False)
        self.sections.setCurrentWidget(target)

    # -- what the home screen's figures open ------------------------------------------------------
    def _home_tasks(self, which: str) -> None:
        self.show_section("tasks")
        self.tasks.show_which(which)

    def _home_caseload(self, narrowing: dict[str, object]) -> None:
        self.show_section("caseload")
        self.caseload.show_only(**narrowing)  # type: ignore[arg-type]

    def _home_referrals(self, box: str) -> None:
        self.show_section("referrals")
        self.referrals.show_box(box)

    # -- a case ---------------------------------------------------------------------------------
    def open_case(self, case_id: str) -> None:
        page = self.case_page

        def show() -> None:
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(-1)
            self.nav.blockSignals(False)
            self.sections.setCurrentWidget(page)
            page.open_case(case_id)
            page.tabs.setFocus()

        if page.case_id not in (None, case_id):
            page.leave(show)
        else:
            show()

    def _back_from_case(self) -> None:
        self.show_section("caseload")
        self.sections.setCurrentWidget(self.caseload)
        self.caseload.table.setFocus()

    def open_register(self) -> None:
        from cmdesk.gui.screens.register.dialog import RegisterChildDialog

        dialog = RegisterChildDialog(self._session, self)
        dialog.case_opened.connect(self.open_case)
        dialog.open()

    def open_own_passphrase(self) -> QDialog:
        from cmdesk.gui.screens.own_passphrase import ChangeOwnPassphraseDialog

        dialog = ChangeOwnPassphraseDialog(self._session, self)
        dialog.accepted.connect(self._passphrase_changed)
        dialog.open()
        return dialog

    def _passphrase_changed(self) -> None:
        window = self.window()
        if isinstance(window, QMainWindow):
            note = self._session.lang.translator.gettext("Your passphrase is changed.")
            window.statusBar().showMessage(note, 10_000)

    def open_referral(self, referral_id: str) -> None:
        from cmdesk.gui.screens.referral_detail import ReferralDetailDialog

        ReferralDetailDialog.show_for(self._session, self, referral_id, on_case=self.open_case)

    def retranslate(self) -> None:
        tr = self._session.lang.translator
        names = {
            "home": tr.gettext("Home"),
            "caseload": tr.gettext("Caseload"),
            "tasks": tr.gettext("My work"),
            "referrals": tr.gettext("Referrals"),
            "network": tr.gettext("Network figures"),
            "mechanisms": tr.gettext("Community mechanisms"),
            "users": tr.gettext("Staff accounts"),
            "vault": tr.gettext("Backup and check"),
            "sync": tr.gettext("Exchange data"),
        }
        self._names: dict[str, str] = names
        self.nav.setAccessibleName(tr.gettext("Sections"))
        self._show_nav()
        label_buttons(
            {
                self.register_button: tr.gettext("Register a child"),
                self.passphrase_button: tr.gettext("My passphrase…"),
                self.settings_button: tr.gettext("Settings"),
                self.lock_button: tr.gettext("Lock"),
            }
        )
        self.passphrase_button.setToolTip(tr.gettext("Change my passphrase"))
        self.lock_button.setToolTip(tr.gettext("Lock now (Ctrl+L)"))
        if self._account_closed:
            # closed_accounts.py: the account closed at the office, this laptop's work unsent.
            self.banner_text.setText(
                tr.gettext(
                    "Your organisation has closed your account. Send this laptop's work to "
                    "your organisation now: once it has arrived, this laptop no longer opens "
                    "for you."
                )
            )
            self.banner_button.setText(tr.gettext("Exchange data…"))
            self.banner_button.setIcon(icon("sync"))
        else:
            self.banner_text.setText(
                tr.gettext(
                    "This vault has no recovery key yet. If every data manager forgets their "
                    "passphrase, the records would be lost. Make one now."
                )
            )
            self.banner_button.setText(tr.gettext("Make a recovery key…"))
            self.banner_button.setIcon(icon("key"))
        self.banner_button.setAccessibleName(self.banner_button.text())
        self._update_who()

    def _update_who(self) -> None:
        actor = self._session.actor
        self.who.setText(actor.name if actor else "")
        labels = {str(role): label for role, label in ROLE_LABELS.items()}
        role = labels.get(actor.role) if actor else None
        self.role.setText(f"· {self._session.lang.translator.gettext(role)}" if role else "")

    def on_unlocked(self, *, needs_recovery_key: bool, account_closed: bool = False) -> None:
        self._update_who()
        self.register_button.setVisible(self.caseload._can_register())
        self._account_closed = account_closed
        self.retranslate()
        self.banner.setVisible(needs_recovery_key or account_closed)
        visible = self.visible_sections()
        for row, name in enumerate(SECTIONS):
            self.nav.item(row).setHidden(name not in visible)
        current = self.sections.currentWidget()
        if current is not self.case_page and SECTIONS[max(self.nav.currentRow(), 0)] not in visible:
            self.show_section(visible[0])
        for name in visible:
            self._by_name[name].on_unlocked()  # type: ignore[attr-defined]
        self.case_page.on_unlocked()

    def on_locked(self) -> None:
        for screen in self.screens():
            screen.on_locked()  # type: ignore[attr-defined]
        self.case_page.on_locked()
