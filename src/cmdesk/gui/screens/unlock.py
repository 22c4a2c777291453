"""The unlock screen: who you are and your passphrase. Also the lock screen after Ctrl+L or
idle time, in which case unlocking returns to exactly where the user was."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.errors import NoSuchVault, UnlockThrottled, VaultDamaged, WrongPassphrase
from cmdesk.gui.errors import friendly_message
from cmdesk.gui.icons import icon
from cmdesk.gui.session import Session
from cmdesk.gui.widgets.busy_bar import busy_bar
from cmdesk.gui.widgets.labels import Heading, MessageLabel, WrapLabel
from cmdesk.gui.widgets.language_picker import LanguagePicker
from cmdesk.gui.widgets.push_button import label_buttons


@dataclass(frozen=True)
class VaultProbe:
    """What can be known about a vault before unlocking (read on the worker)."""

    users: tuple[str, ...]
    wait_seconds: float
    error: BaseException | None = None


def probe_vault(path: Path) -> VaultProbe:
    from cmdesk.core.vault.keyslots import KeySlots
    from cmdesk.core.vault.store import VaultPaths

    paths = VaultPaths(path)
    if not paths.slots.is_file():
        return VaultProbe((), 0.0, NoSuchVault())
    try:
        users = tuple(slot.user for slot in KeySlots.load(paths.slots).slots)
    except (ValueError, KeyError, TypeError, OSError):
        return VaultProbe((), 0.0, VaultDamaged())
    from cmdesk.core.vault.store import unlock_wait_for

    wait = unlock_wait_for(path, time.time())
    # Warm the workspace modules now, while the user types, so unlocking feels instant.
    import cmdesk.core.workspace  # noqa: F401

    return VaultProbe(users, wait)


class UnlockPage(QWidget):
    open_other_requested = Signal()
    create_requested = Signal()
    recover_requested = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unlock-page")
        self._session = session
        self._path: Path | None = None
        self._locked_user: str | None = None  # set when this is the lock screen
        self._wait_until = 0.0
        self._first_error: BaseException | None = None
        self._build()
        self._countdown = QTimer(self)
        self._countdown.setInterval(250)
        self._countdown.timeout.connect(self._tick)
        session.lang.follow(self.retranslate)

    # -- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addStretch(1)
        self.language = LanguagePicker(self._session.lang, self)
        top.addWidget(self.language)
        outer.addLayout(top)
        outer.addStretch(1)

        card = QWidget(self)
        card.setMaximumWidth(520)
        card.setMinimumWidth(380)
        column = QVBoxLayout(card)
        logo = QLabel(card)
        logo.setPixmap(icon("app").pixmap(QSize(64, 64)))
        logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        column.addWidget(logo)
        self.title = Heading(parent=card)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        column.addWidget(self.title)
        self.subtitle = WrapLabel(parent=card)
        self.subtitle.setAlignment(Qt.AlignmentFlag.AlignCenter)
        column.addWidget(self.subtitle)
        self.vault_label = WrapLabel(parent=card)
        self.vault_label.setProperty("verbatim", True)  # a folder path
        self.vault_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.vault_label.setStyleSheet("color: #52606d;")
        column.addWidget(self.vault_label)

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.user_label = QLabel(card)
        self.user = QLineEdit(card)
        self.user.setObjectName("username")
        self.user.setProperty("verbatim", True)
        self.user_label.setBuddy(self.user)
        form.addRow(self.user_label, self.user)
        self.pass_label = QLabel(card)
        self.passphrase = QLineEdit(card)
        self.passphrase.setObjectName("passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.pass_label.setBuddy(self.passphrase)
        form.addRow(self.pass_label, self.passphrase)
        column.addLayout(form)

        self.message = MessageLabel(card)
        column.addWidget(self.message)
        self.busy = busy_bar(card)
        column.addWidget(self.busy)

        self.unlock_button = QPushButton(icon("unlock"), "", card)
        self.unlock_button.setObjectName("unlock")
        self.unlock_button.setDefault(True)
        self.unlock_button.setAutoDefault(True)
        self.unlock_button.clicked.connect(self.unlock)
        column.addWidget(self.unlock_button)
        self.passphrase.returnPressed.connect(self.unlock)
        self.user.returnPressed.connect(self.passphrase.setFocus)

        links = QHBoxLayout()
        self.forgot_button = _link_button(card)
        self.forgot_button.clicked.connect(self.recover_requested)
        links.addWidget(self.forgot_button)
        links.addStretch(1)
        column.addLayout(links)
        links2 = QHBoxLayout()
        self.other_button = _link_button(card)
        self.other_button.clicked.connect(self.open_other_requested)
        links2.addWidget(self.other_button)
        links2.addStretch(1)
        self.create_button = _link_button(card)
        self.create_button.clicked.connect(self.create_requested)
        links2.addWidget(self.create_button)
        self.switch_button = _link_button(card)
        self.switch_button.clicked.connect(self._switch_user)
        links2.addWidget(self.switch_button)
        column.addLayout(links2)

        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 3)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

    def retranslate(self) -> None:
        tr = self._session.lang.translator
        if self._locked_user:
            self.title.setText(tr.gettext("cmdesk is locked"))
            self.subtitle.setText(
                tr.gettext(
                    "The screen was cleared to protect the children's records. Type your "
                    "passphrase to continue where you were."
                )
            )
        else:
            self.title.setText(tr.gettext("Unlock the vault"))
            self.subtitle.setText(tr.gettext("Type your user name and passphrase."))
        self.user_label.setText(tr.gettext("User name"))
        self.pass_label.setText(tr.gettext("Passphrase"))
        self.user.setAccessibleName(tr.gettext("User name"))
        self.passphrase.setAccessibleName(tr.gettext("Passphrase"))
        label_buttons(
            {
                self.unlock_button: tr.gettext("Unlock"),
                self.forgot_button: tr.gettext("Forgot your passphrase?"),
                self.other_button: tr.gettext("Open another vault…"),
                self.create_button: tr.gettext("Create a new vault…"),
                self.switch_button: tr.gettext("Sign in as someone else"),
            }
        )
        if self._path is not None:
            self.vault_label.setText(str(self._path))
        self._tick()

    # -- state ----------------------------------------------------------------------------------
    def prepare(self, path: Path, username: str = "", *, locked_user: str | None = None) -> None:
        """Shows the page for the vault at `path`; `locked_user` makes it the lock screen."""
        self._path = path
        self._locked_user = locked_user
        self.user.setText(locked_user or username)
        self.user.setReadOnly(locked_user is not None)
        self.passphrase.clear()
        self.message.clear_message()
        for button in (self.other_button, self.forgot_button, self.create_button):
            button.setVisible(locked_user is None)
        self.switch_button.setVisible(locked_user is not None)
        self._set_busy(False)
        self.retranslate()
        self._session.worker.submit(lambda: probe_vault(path), self._probed, lambda _e: None)
        self.focus_first()

    def focus_first(self) -> None:
        (self.passphrase if self.user.text() else self.user).setFocus()

    def _probed(self, probe: VaultProbe) -> None:
        if probe.error is not None:
            self.message.show_error(friendly_message(probe.error, self._session.lang.translator))
            return
        if not self.user.text() and len(probe.users) == 1:
            self.user.setText(probe.users[0])
            self.focus_first()
        if probe.wait_seconds > 0:
            self._start_countdown(probe.wait_seconds, None)

    def unlock(self) -> None:
        if self._path is None or not self.unlock_button.isEnabled():
            return
        tr = self._session.lang.translator
        user, secret = self.user.text().strip(), self.passphrase.text()
        if not user or not secret:
            self.message.show_error(tr.gettext("Type your user name and passphrase."))
            self.focus_first()
            return
        self._set_busy(True)
        self.message.show_note(tr.gettext("Unlocking…"))
        self._session.unlock(self._path, user, secret, self._unlocked, self._failed)

    def _switch_user(self) -> None:
        # Whoever unlocks now starts afresh: the locked user's unsaved text is not theirs to see.
        self.user.setReadOnly(False)
        self.user.clear()
        self.passphrase.clear()
        self.user.setFocus()

    def _unlocked(self) -> None:
        self._set_busy(False)
        self.passphrase.clear()
        self.message.clear_message()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        tr = self._session.lang.translator
        self.passphrase.clear()
        self.passphrase.setFocus()
        if isinstance(exc, UnlockThrottled):
            self._start_countdown(float(exc.seconds), None)
            return
        self.message.show_error(friendly_message(exc, tr))
        if isinstance(exc, WrongPassphrase) and self._path is not None:
            # The next try will have to wait: say so now, with the count going down.
            path = self._path
            self._session.worker.submit(
                lambda: probe_vault(path),
                lambda probe: self._after_wrong(probe, exc),
                lambda _e: None,
            )

    def _after_wrong(self, probe: VaultProbe, exc: BaseException) -> None:
        if probe.wait_seconds > 0:
            self._start_countdown(probe.wait_seconds, exc)

    def _start_countdown(self, seconds: float, first: BaseException | None) -> None:
        self._wait_until = time.monotonic() + seconds
        self._first_error = first
        self.unlock_button.setEnabled(False)
        self._countdown.start()
        self._tick()

    def _tick(self) -> None:
        if not self._countdown.isActive():
            return
        tr = self._session.lang.translator
        remaining = math.ceil(self._wait_until - time.monotonic())
        if remaining <= 0:
            self._countdown.stop()
            self.unlock_button.setEnabled(True)
            self.message.show_note(tr.gettext("You can try again now."))
            return
        lines = []
        if self._first_error is not None:
            lines.append(friendly_message(self._first_error, tr))
        lines.append(UnlockThrottled(remaining).message(tr))
        self.message.show_error("\n".join(lines))

    @property
    def waiting(self) -> bool:
        return self._countdown.isActive()

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        for w in (self.user, self.passphrase, self.unlock_button):
            w.setEnabled(not busy and not (w is self.unlock_button and self.waiting))


def _link_button(parent: QWidget) -> QPushButton:
    button = QPushButton(parent)
    button.setFlat(True)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    button.setStyleSheet("QPushButton { color: #1d5fa8; text-decoration: underline; border: 0; }")
    return button
