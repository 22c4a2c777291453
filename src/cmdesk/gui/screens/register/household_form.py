"""One member of the child's household, named as the core names the fields so its messages
land under each one (the same form adds a member at registration and on the case)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QCheckBox, QLineEdit, QWidget

from cmdesk.core.i18n import N_, Locale, Translator, parse_year
from cmdesk.core.services.child_drafts import HouseholdMemberDraft
from cmdesk.gui.widgets.choice import ChoiceCombo, kind_items
from cmdesk.gui.widgets.form import FormGrid
from cmdesk.gui.widgets.text_box import TextBox

if TYPE_CHECKING:
    from cmdesk.core.services.children import HouseholdMemberDTO


class HouseholdMemberForm(FormGrid):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = QLineEdit(self)
        self.name.setObjectName("member-name")
        self.add("name", N_("Name"), self.name, required=True)
        self.relationship = ChoiceCombo(kind_items("relationship"), self)
        self.relationship.setObjectName("member-relationship")
        self.add("relationship", N_("Relationship"), self.relationship, required=True)
        self.caregiver = QCheckBox(self)
        self.caregiver.setObjectName("member-caregiver")
        self.add("is_caregiver", N_("Caregiver"), self.caregiver)
        self.lives_with = QCheckBox(self)
        self.lives_with.setObjectName("member-lives-with-child")
        self.lives_with.setChecked(True)
        self.add("lives_with_child", N_("Lives with the child"), self.lives_with)
        self.birth_year = QLineEdit(self)
        self.birth_year.setObjectName("member-birth-year")
        self.add("birth_year", N_("Year of birth"), self.birth_year)
        self.phone = QLineEdit(self)
        self.phone.setObjectName("member-phone")
        self.add("phone", N_("Phone"), self.phone)
        self.notes = TextBox(self, lines=2)
        self.notes.setObjectName("member-contact-notes")
        self.add("contact_notes", N_("How to reach them"), self.notes)

    def fields(self) -> list[QWidget]:
        """What the user types into or ticks, for the unsaved-changes guard."""
        return [self.name, self.birth_year, self.phone, self.notes, self.caregiver, self.lives_with]

    def retranslate(self, tr: Translator) -> None:
        super().retranslate(tr)
        self.relationship.retranslate(tr)
        self.birth_year.setPlaceholderText(tr.gettext("for example 2555 or 2012"))

    def fill(self, member: HouseholdMemberDTO, locale: Locale) -> None:
        self.name.setText(member.name)
        self.relationship.set_code(member.relationship)
        self.caregiver.setChecked(member.is_caregiver)
        self.lives_with.setChecked(member.lives_with_child)
        year = member.birth_year
        if year is not None:
            self.birth_year.setText(str(year + 543 if locale == "th" else year))
        self.phone.setText(member.phone)
        self.notes.setText(member.contact_notes)

    def draft(self, locale: Locale) -> HouseholdMemberDraft:
        """The member to save; ValidationError for a year that cannot be read."""
        typed = self.birth_year.text().strip()
        year = parse_year(typed, locale, field="birth_year") if typed else None
        return HouseholdMemberDraft(
            name=self.name.text(),
            relationship=self.relationship.code(),
            is_caregiver=self.caregiver.isChecked(),
            lives_with_child=self.lives_with.isChecked(),
            birth_year=year,
            phone=self.phone.text(),
            contact_notes=self.notes.text(),
        )
