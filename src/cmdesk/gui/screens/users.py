"""Staff accounts, for the data manager: add colleagues, remove an account, set a new
passphrase for someone who forgot theirs.

Every account is a key slot as well as a row: adding or resetting takes about a second on the
worker (the passphrase is stretched with Argon2), the window stays usable meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.i18n import N_, Translator
from cmdesk.core.model.labels import label_of
from cmdesk.core.services.users import OWN_LAPTOP_CLOSES
from cmdesk.gui.errors import show_failure
from cmdesk.gui.ops import ChangeOp, QueryOp
from cmdesk.gui.screens.record_list_screen import RecordListScreen
from cmdesk.gui.session import Session
from cmdesk.gui.widgets.choice import ChoiceCombo, kind_items
from cmdesk.gui.widgets.dialog_buttons import ok_cancel_buttons, translate_ok_cancel
from cmdesk.gui.widgets.dialog_frame import dialog_title
from cmdesk.gui.widgets.form import FormGrid
from cmdesk.gui.widgets.labels import Heading, MessageLabel, WrapLabel
from cmdesk.gui.widgets.passphrase_meter import PassphraseMeter
from cmdesk.gui.widgets.prompts import ask
from cmdesk.gui.widgets.push_button import label_buttons, push_button

if TYPE_CHECKING:
    from cmdesk.core.services.users import Removal, UserDTO

USER_NAME = Qt.ItemDataRole.UserRole


class UsersScreen(RecordListScreen):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, "users", parent)
        self._users: list[UserDTO] = []
        self.place_list("user-list")
        row = QHBoxLayout()
        self.add_button = push_button(self, "add-user", self.open_add, "person")
        row.addWidget(self.add_button)
        row.addStretch(1)
        self.reset_button = push_button(self, "reset-passphrase", self.open_reset, "key")
        row.addWidget(self.reset_button)
        self.reopen_button = push_button(self, "reopen-user", self.open_reopen)
        row.addWidget(self.reopen_button)
        self.remove_button = push_button(self, "remove-user", self._remove)
        row.addWidget(self.remove_button)
        self.layout_.addLayout(row)
        session.lang.follow(self.retranslate)

    def retranslate(self) -> None:
        tr = self._session.lang.translator
        self.title.setText(tr.gettext("Staff accounts"))
        self.intro.setText(
            tr.gettext(
                "Everyone who uses this laptop's vault has their own account and passphrase. "
                "A removed account can no longer unlock; its work stays in the records, and "
                "it can be opened again if the person comes back."
            )
        )
        label_buttons(
            {
                self.add_button: tr.gettext("Add a staff member…"),
                self.reset_button: tr.gettext("Set a new passphrase…"),
                self.reopen_button: tr.gettext("Open the account again…"),
                self.remove_button: tr.gettext("Remove the account…"),
            }
        )
        self.table.setHeaderLabels(
            [
                tr.gettext("User name"),
                tr.gettext("Full name"),
                tr.gettext("Role"),
                tr.gettext("Team"),
                tr.gettext("Account"),
            ]
        )
        self.table.setAccessibleName(self.title.text())
        self.message.retranslate(tr)
        self._fill()

    def on_unlocked(self) -> None:
        self.reload()

    def on_locked(self) -> None:
        self._users = []
        self.table.clear()

    def reload(self) -> None:
        QueryOp(
            self._session, parent=self, op=lambda ws: ws.users.list(), success=self._arrived
        ).run()

    def _arrived(self, users: list[UserDTO]) -> None:
        self._users = users
        self._fill()

    def _fill(self) -> None:
        tr = self._session.lang.translator
        current = self._chosen()
        self.table.clear()
        for u in self._users:
            item = QTreeWidgetItem(
                self.table,
                [
                    u.username,
                    u.display_name,
                    tr.gettext(label_of("role", u.role)),
                    u.team,
                    tr.gettext("Active") if u.active else tr.gettext("Removed"),
                ],
            )
            item.setData(0, USER_NAME, u.username)
            if u.username == current:
                self.table.setCurrentItem(item)
        for column in range(5):
            self.table.resizeColumnToContents(column)
        self._update_buttons()

    def _chosen(self) -> str | None:
        item = self.table.currentItem()
        return str(item.data(0, USER_NAME)) if item is not None else None

    def _chosen_user(self) -> UserDTO | None:
        name = self._chosen()
        return next((u for u in self._users if u.username == name), None)

    def _update_buttons(self) -> None:
        name = self._chosen()
        me = self._session.actor.username if self._session.actor else ""
        user = self._chosen_user()
        active = user is not None and user.active
        self.reset_button.setEnabled(active)
        self.reopen_button.setEnabled(user is not None and not user.active)
        self.remove_button.setEnabled(active and name != me)

    def open_add(self) -> AddUserDialog:
        return self.opened(AddUserDialog(self._session, self, on_done=self._done))

    def open_reopen(self) -> AddUserDialog | None:
        """A removed account opened again for the person who came back: the add form, filled
        in from the account, its user name fixed (UserService.add reopens it)."""
        user = self._chosen_user()
        if user is None or user.active:
            return None
        return self.opened(AddUserDialog(self._session, self, on_done=self._done, removed=user))

    def open_reset(self) -> SetPassphraseDialog | None:
        name = self._chosen()
        if name is None:
            return None
        return self.opened(SetPassphraseDialog(self._session, self, name, on_done=self._done))

    def _remove(self) -> None:
        name = self._chosen()
        if name is None:
            return
        tr = self._session.lang.translator
        ask(
            self,
            tr.format(
                "Remove the account {name}? They will no longer be able to unlock this vault.",
                name=name,
            ),
            yes=tr.gettext("Remove the account"),
            no=tr.gettext("Cancel"),
            on_yes=lambda: ChangeOp(
                self._session,
                parent=self,
                op=lambda ws: ws.users.remove(name),
                success=lambda removal: self._done(lambda t: removed_note(removal, t)),
            ).run(),
        )


class PassphraseForm(QDialog):
    """What adding an account and setting a new passphrase share: a passphrase typed twice,
    with the strength meter, and saving on the worker."""

    def __init__(self, session: Session, parent: QWidget) -> None:
        super().__init__(parent)
        self._session = session
        self.layout_ = QVBoxLayout(self)
        self.title = Heading(parent=self, level=2)
        self.layout_.addWidget(self.title)
        self.form = FormGrid(self)
        self.passphrase = QLineEdit(self)
        self.passphrase.setObjectName("new-passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit(self)
        self.repeat.setObjectName("repeat-passphrase")
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.meter = PassphraseMeter(self)
        self.message = MessageLabel(self)
        self.buttons, self.save, self.cancel = ok_cancel_buttons(self, "save", self.submit)
        self.passphrase.textChanged.connect(lambda _t: self._meter())
        self.setMinimumWidth(520)
        self.finished.connect(self.deleteLater)

    def finish_form(self) -> None:
        """Adds the passphrase rows, the meter, the message and the buttons below the rows the
        dialog added of its own, then translates the dialog and keeps it translated."""
        self.form.add("passphrase", N_("Passphrase"), self.passphrase, required=True)
        self.form.add("repeat", N_("Type it again"), self.repeat, required=True)
        self.layout_.addWidget(self.form)
        self.layout_.addWidget(self.meter)
        self.layout_.addWidget(self.message)
        self.layout_.addWidget(self.buttons)
        self._session.lang.follow(self.retranslate)

    @property
    def translator(self) -> Translator:
        return self._session.lang.translator

    def user_name(self) -> str:
        raise NotImplementedError

    def retranslate(self) -> None:
        raise NotImplementedError

    def _meter(self) -> None:
        self.meter.update_for(self.passphrase.text(), self.user_name(), self.translator)

    def retranslate_common(self) -> None:
        self.form.retranslate(self.translator)
        translate_ok_cancel(
            self.translator, self.save, self.translator.gettext("Save"), self.cancel
        )
        self._meter()

    def passphrase_ok(self) -> bool:
        tr = self.translator
        self.form.clear_errors()
        if self.passphrase.text() != self.repeat.text():
            self.form.set_error("repeat", tr.gettext("The two passphrases are not the same."))
            return False
        if not self.meter.strength.acceptable:
            self.form.set_error(
                "passphrase",
                tr.gettext("Please choose a stronger passphrase. The advice under it says how."),
            )
            return False
        return True

    def submit(self) -> None:
        raise NotImplementedError

    def run(
        self,
        op: Callable[..., object],
        note: Callable[[Translator, Any], str],
        on_done: Callable[[Callable[[Translator], str]], None],
    ) -> None:
        """Runs `op` on the worker; then says `note(translator, what op returned)`."""
        self.save.setEnabled(False)
        self.message.show_note(self.translator.gettext("Saving… this takes a moment."))

        def ok(result: Any) -> None:
            self.passphrase.clear()
            self.repeat.clear()
            on_done(lambda tr: note(tr, result))
            self.accept()

        def failed(exc: BaseException) -> None:
            self.save.setEnabled(True)
            show_failure(exc, self.form, self.message, self.translator)

        ChangeOp(self._session, parent=self, op=op, success=ok).failure(failed).run()


class AddUserDialog(PassphraseForm):
    def __init__(
        self, session: Session, parent: QWidget, *, on_done: Any, removed: UserDTO | None = None
    ) -> None:
        super().__init__(session, parent)
        self.setObjectName("add-user-dialog")
        self._on_done = on_done
        self._removed = removed
        self.full_name = QLineEdit(self)
        self.full_name.setObjectName("full-name")
        self.form.add("display_name", N_("Full name"), self.full_name)
        self.username = QLineEdit(self)
        self.username.setObjectName("username")
        self.form.add("username", N_("User name"), self.username, required=True)
        self.role = ChoiceCombo(kind_items("role"), self)
        self.role.setObjectName("role")
        self.form.add("role", N_("Role"), self.role, required=True)
        self.team = QLineEdit(self)
        self.team.setObjectName("team")
        self.form.add("team", N_("Team (field workers who share cases)"), self.team)
        self.username.textChanged.connect(lambda _t: self._meter())
        self.finish_form()
        self.role.set_code(removed.role if removed else "field_worker")
        if removed is not None:
            self.full_name.setText(removed.display_name)
            self.username.setText(removed.username)
            self.username.setReadOnly(True)
            self.team.setText(removed.team)

    def user_name(self) -> str:
        return self.username.text()

    def retranslate(self) -> None:
        tr = self.translator
        title = N_("Open the account again") if self._removed else N_("Add a staff member")
        dialog_title(self, self.title, tr.gettext(title))
        self.role.retranslate(tr)
        self.username.setPlaceholderText(tr.gettext("for example somchai"))
        self.retranslate_common()

    def submit(self) -> None:
        if not self.passphrase_ok():
            return
        name, passphrase, role = self.username.text(), self.passphrase.text(), self.role.code()
        full, team = self.full_name.text(), self.team.text()

        def note(tr: Translator, user: UserDTO) -> str:
            if not user.reopened:
                return tr.gettext("The account is added.")
            return tr.gettext(
                "The account is open again, with the new passphrase. Its history and its "
                "cases are kept."
            )

        self.run(
            lambda ws: ws.users.add(name, passphrase, role, display_name=full, team=team),
            note,
            self._on_done,
        )


class AccountPassphraseForm(PassphraseForm):
    """A new passphrase for an account known beforehand (one's own, or a colleague's reset):
    the title and a paragraph saying what changes, from the subclass's TITLE and INTRO."""

    TITLE = ""
    INTRO = ""

    def __init__(self, session: Session, parent: QWidget, username: str) -> None:
        super().__init__(session, parent)
        self._username = username
        self.intro = WrapLabel(parent=self)

    def user_name(self) -> str:
        return self._username

    def retranslate(self) -> None:
        tr = self.translator
        dialog_title(self, self.title, tr.gettext(self.TITLE))
        self.intro.setText(tr.gettext(self.INTRO))
        self.retranslate_common()


class SetPassphraseDialog(AccountPassphraseForm):
    TITLE = N_("Set a new passphrase")
    INTRO = N_(
        "A new passphrase for this account. Give it to them in person; they should "
        "change it to one only they know."
    )

    def __init__(self, session: Session, parent: QWidget, username: str, *, on_done: Any) -> None:
        super().__init__(session, parent, username)
        self.setObjectName("set-passphrase-dialog")
        self._on_done = on_done
        self.who = QLabel(username, self)
        self.who.setObjectName("account-name")
        self.who.setProperty("verbatim", True)  # a user name, a-z
        self.layout_.addWidget(self.who)
        self.layout_.addWidget(self.intro)
        self.finish_form()

    def submit(self) -> None:
        if not self.passphrase_ok():
            return
        name, passphrase = self._username, self.passphrase.text()
        self.run(
            lambda ws: ws.users.change_passphrase(name, passphrase),
            lambda tr, _none: tr.gettext("The new passphrase is set."),
            self._on_done,
        )


def removed_note(removal: Removal, tr: Translator) -> str:
    """What removing an account did, including to the vault's key (UserService.remove)."""
    done = tr.gettext("The account is removed.") + " " + tr.gettext(OWN_LAPTOP_CLOSES)
    if removal.rekeyed:
        return (
            done
            + " "
            + tr.gettext(
                "The vault is now under a new key: an old copy of its key file no longer opens it."
            )
        )
    if removal.waiting_for:
        return (
            done
            + " "
            + tr.format(
                "The vault's key will change once these users have unlocked it: {users}.",
                users=", ".join(removal.waiting_for),
            )
        )
    return (
        done
        + " "
        + tr.gettext(
            "The vault's key will change at its next unlock: another cmdesk window had it open."
        )
    )
