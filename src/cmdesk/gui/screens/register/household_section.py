"""The household part of registration: the people the child lives with, written down before
anything is saved and registered with the child in one step.

Each member is checked by the core's own rules when added (check_household_member), so a slip
shows under its field at once instead of after the whole registration is sent.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.errors import FieldError, ValidationError
from cmdesk.core.i18n import Translator
from cmdesk.core.model.labels import label_of
from cmdesk.core.services.child_drafts import HouseholdMemberDraft, check_household_member
from cmdesk.gui.i18n import Language
from cmdesk.gui.screens.register.household_form import HouseholdMemberForm
from cmdesk.gui.widgets.details import record_list, stretch_column
from cmdesk.gui.widgets.dialog_buttons import ok_cancel_buttons, translate_ok_cancel
from cmdesk.gui.widgets.dialog_frame import dialog_title, one_use_dialog
from cmdesk.gui.widgets.labels import Heading
from cmdesk.gui.widgets.push_button import label_buttons, push_button
from cmdesk.gui.widgets.unsaved import DirtyTracker, confirm_discard


class NewMemberDialog(QDialog):
    """One member written down for a child not yet registered: nothing is saved here."""

    def __init__(
        self, parent: QWidget, lang: Language, on_ok: Callable[[HouseholdMemberDraft], None]
    ) -> None:
        super().__init__(parent)
        self.setObjectName("new-household-member")
        self._lang = lang
        self._on_ok = on_ok
        layout = QVBoxLayout(self)
        self.title = Heading(parent=self, level=2)
        layout.addWidget(self.title)
        self.form = HouseholdMemberForm(self)
        layout.addWidget(self.form)
        self.buttons, self.ok_button, self.cancel_button = ok_cancel_buttons(
            self, "ok", self.accept
        )
        layout.addWidget(self.buttons)
        self.tracker = DirtyTracker(self)
        self.tracker.watch(*self.form.fields(), self.form.relationship)
        one_use_dialog(self, lang, self.retranslate)
        self.setMinimumWidth(480)

    def retranslate(self) -> None:
        tr = self._lang.translator
        dialog_title(self, self.title, tr.gettext("Add a household member"))
        self.form.retranslate(tr)
        translate_ok_cancel(tr, self.ok_button, tr.gettext("Add a member"), self.cancel_button)

    def accept(self) -> None:
        tr = self._lang.translator
        try:
            draft = self.form.draft(tr.locale)
            errors: list[FieldError] = []
            check_household_member(draft, errors)
            if errors:
                raise ValidationError(errors)
        except ValidationError as bad:
            self.form.show_validation(bad, tr)
            return
        super().accept()
        self._on_ok(draft)

    def reject(self) -> None:
        if self.tracker.dirty and self.isVisible():
            confirm_discard(self, self._lang.translator, super().reject)
        else:
            super().reject()


class HouseholdSection(QWidget):
    """A list of the members written down so far, with Add and Remove."""

    changed = Signal()

    def __init__(self, lang: Language, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("household-section")
        self._lang = lang
        self.members: list[HouseholdMemberDraft] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.heading = Heading(parent=self, level=2)
        layout.addWidget(self.heading)
        self.list = record_list(self, "new-household", max_height=110)
        layout.addWidget(self.list)
        row = QHBoxLayout()
        self.add_button = push_button(self, "add-member", self.open_add)
        row.addWidget(self.add_button)
        self.remove_button = push_button(self, "remove-member", self._remove)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.list.itemSelectionChanged.connect(self._chosen)
        self._chosen()

    def retranslate(self, tr: Translator) -> None:
        self.heading.setText(tr.gettext("Household and caregivers"))
        label_buttons(
            {self.add_button: tr.gettext("Add a member"), self.remove_button: tr.gettext("Remove")}
        )
        self.list.setHeaderLabels(
            [tr.gettext("Name"), tr.gettext("Relationship"), tr.gettext("Caregiver")]
        )
        self.list.setAccessibleName(self.heading.text())
        stretch_column(self.list, 0)
        self._show(tr)

    def drafts(self) -> tuple[HouseholdMemberDraft, ...]:
        return tuple(self.members)

    def set_members(self, members: tuple[HouseholdMemberDraft, ...]) -> None:
        """Members written down already (what a referral shares), before the user adds more."""
        self.members = list(members)
        self._show(self._lang.translator)

    def open_add(self) -> None:
        NewMemberDialog(self, self._lang, self._added).open()

    def _added(self, draft: HouseholdMemberDraft) -> None:
        self.members.append(draft)
        self._show(self._lang.translator)
        self.changed.emit()

    def _remove(self) -> None:
        item = self.list.currentItem()
        row = self.list.indexOfTopLevelItem(item) if item is not None else -1
        if 0 <= row < len(self.members):
            del self.members[row]
            self._show(self._lang.translator)
            self.changed.emit()

    def _chosen(self) -> None:
        self.remove_button.setEnabled(self.list.currentItem() is not None)

    def _show(self, tr: Translator) -> None:
        self.list.clear()
        yes, no = tr.gettext("Yes"), tr.gettext("No")
        for m in self.members:
            QTreeWidgetItem(
                self.list,
                [
                    m.name,
                    tr.gettext(label_of("relationship", m.relationship)),
                    yes if m.is_caregiver else no,
                ],
            )
        self._chosen()
