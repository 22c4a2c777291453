"""The child's details, named as the core names them so its messages land under each field.

Identity numbers are checked for their document type as soon as the field is left (the
13-digit check digit, the G-code's shape), and dates are read as typed (Buddhist Era in Thai).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLineEdit, QWidget

from cmdesk.core.errors import ValidationError
from cmdesk.core.i18n import N_, Translator
from cmdesk.core.model import catalog
from cmdesk.core.reference.ethnicity import ETHNIC_GROUPS
from cmdesk.core.reference.identity import IdDocumentType, validate_document
from cmdesk.core.services.child_drafts import ChildDraft
from cmdesk.gui.session import Session
from cmdesk.gui.widgets.address_picker import AddressPicker
from cmdesk.gui.widgets.birth_date import BirthDateInput
from cmdesk.gui.widgets.choice import CheckList, ChoiceCombo, Item, Label, kind_items
from cmdesk.gui.widgets.form import FormGrid
from cmdesk.gui.widgets.text_box import TextBox

if TYPE_CHECKING:
    from cmdesk.core.services.children import ChildDTO


def ethnicity_items() -> list[Item]:
    def label(th: str, en: str) -> Label:
        return lambda tr: th if tr.locale == "th" else en

    return [(g.code, label(g.label_th, g.label_en)) for g in ETHNIC_GROUPS]


class ChildForm(FormGrid):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.plain: dict[str, QLineEdit | TextBox] = {}
        self.given_th = self._line("given_name_th", N_("Given name in Thai"))
        self.family_th = self._line("family_name_th", N_("Family name in Thai"))
        self.given_latin = self._line("given_name_latin", N_("Given name in Latin letters"))
        self.family_latin = self._line("family_name_latin", N_("Family name in Latin letters"))
        self.nickname = self._line("nickname", N_("Nickname"))
        self.other_names = self._line("other_names", N_("Other names, separated by commas"))
        self.sex = ChoiceCombo(kind_items("sex"), self)
        self.sex.setObjectName("sex")
        self.add("sex", N_("Sex"), self.sex)
        self.birth = BirthDateInput(lambda: self._session.lang.translator, self)
        self.birth.setObjectName("birth")
        birth_error = self.add("birth", N_("Date of birth"), self.birth, aliases=("birth_date",))
        self.birth.problem.connect(birth_error.show_text)
        self.ethnicity = ChoiceCombo(ethnicity_items(), self, placeholder=N_("Not recorded"))
        self.ethnicity.setObjectName("ethnicity")
        self.add("ethnicity", N_("Ethnic group"), self.ethnicity)
        self.nationality = ChoiceCombo(kind_items("nationality"), self)
        self.nationality.setObjectName("nationality")
        self.add("nationality", N_("Nationality"), self.nationality)
        self.legal_status = ChoiceCombo(kind_items("legal_status"), self)
        self.legal_status.setObjectName("legal-status")
        self.add("legal_status", N_("Legal status"), self.legal_status)
        self.document = ChoiceCombo(kind_items("document_type"), self)
        self.document.setObjectName("id-document-type")
        self.add("id_document_type", N_("Identity document"), self.document)
        self.id_number = QLineEdit(self)
        self.id_number.setObjectName("id-number")
        self.id_error = self.add("id_number", N_("Document number"), self.id_number)
        self.id_number.editingFinished.connect(self.check_id)
        self.id_number.textEdited.connect(lambda _t: self.id_error.show_text(""))
        self.document.currentIndexChanged.connect(lambda _i: self._document_changed())
        self.address = AddressPicker(session, self)
        self.address.setObjectName("address")
        self.add(
            "address",
            N_("Province, district and subdistrict"),
            self.address,
            aliases=("province_code", "district_code", "subdistrict_code"),
        )
        self.village = self._line("village", N_("Village"))
        self.languages = CheckList(kind_items("language"), self, columns=3)
        self.languages.setObjectName("languages")
        self.add("languages", N_("Languages the child speaks"), self.languages)
        self.school = ChoiceCombo(kind_items("school_status"), self)
        self.school.setObjectName("school-status")
        self.add("school_status", N_("School"), self.school)
        self.school_name = self._plain("school_name")
        self.disability = ChoiceCombo(kind_items("disability"), self)
        self.disability.setObjectName("disability")
        self.add("disability", N_("Disability"), self.disability)
        self.disability_details = self._plain("disability_details")
        # Every other plain text of the child (model.field_info.plain_text), under its label.
        for name in catalog.plain_texts("child"):
            if name not in self.plain:
                self._plain(name)
        self.disability.set_code("unknown")
        self.sex.set_code("unknown")
        self.nationality.set_code("unknown")
        self.legal_status.set_code("unknown")
        self.document.set_code("none")
        self.school.set_code("unknown")
        self._document_changed()

    def _plain(self, name: str) -> QLineEdit | TextBox:
        """A plain text of the child: one line, or a box for a long text; labelled and
        bounded as the field catalog says."""
        limit = catalog.max_length("child", name)
        edit: QLineEdit | TextBox
        if limit is None:
            edit = TextBox(self, lines=2)
        else:
            edit = QLineEdit(self)
            edit.setMaxLength(limit)
        edit.setObjectName(name.replace("_", "-"))
        self.add(name, catalog.label_of("child", name), edit)
        self.plain[name] = edit
        return edit

    def _line(self, name: str, msgid: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name.replace("_", "-"))
        self.add(name, msgid, edit)
        return edit

    def fields(self) -> list[QWidget]:
        """What the user types into, for the unsaved-changes guard."""
        return [
            self.given_th,
            self.family_th,
            self.given_latin,
            self.family_latin,
            self.nickname,
            self.other_names,
            self.id_number,
            self.village,
            *self.plain.values(),
            self.birth.day,
            self.birth.year,
        ]

    def start(self) -> None:
        self.address.start()

    def retranslate(self, tr: Translator) -> None:
        super().retranslate(tr)
        for combo in (
            self.sex,
            self.ethnicity,
            self.nationality,
            self.legal_status,
            self.document,
            self.school,
            self.disability,
        ):
            combo.retranslate(tr)
        self.birth.retranslate(tr)
        self.address.retranslate(tr)
        self.languages.retranslate(tr)
        self._document_changed()

    def _document_changed(self) -> None:
        tr = self._session.lang.translator
        kind = self.document.code()
        self.set_row_visible("id_number", kind != IdDocumentType.NONE)
        hints: dict[str, str] = {
            IdDocumentType.THAI_ID: tr.gettext("13 digits, for example 1 2345 67890 12 1"),
            IdDocumentType.NON_THAI_ID: tr.gettext("13 digits, starting with 0, 6, 7 or 8"),
            IdDocumentType.G_CODE: tr.gettext("G and 12 digits"),
            IdDocumentType.OTHER: tr.gettext("The number as written on the document"),
        }
        self.id_number.setPlaceholderText(hints.get(kind, ""))
        if self.id_number.text():
            self.check_id()

    def check_id(self) -> bool:
        """The number's own rules for its document type, checked as soon as it is typed."""
        kind = self.document.code()
        if kind == IdDocumentType.NONE or not self.id_number.text().strip():
            self.id_error.show_text("")
            return True
        try:
            validate_document(IdDocumentType(kind), self.id_number.text())
        except ValidationError as bad:
            self.id_error.show_text(bad.errors[0].message(self._session.lang.translator))
            return False
        self.id_error.show_text("")
        return True

    def draft(self) -> ChildDraft:
        """The draft to check and register; ValidationError for a date that cannot be read."""
        province, district, subdistrict = self.address.codes()
        number = self.id_number.text() if self.document.code() != IdDocumentType.NONE else ""
        return ChildDraft(
            given_name_th=self.given_th.text(),
            family_name_th=self.family_th.text(),
            given_name_latin=self.given_latin.text(),
            family_name_latin=self.family_latin.text(),
            nickname=self.nickname.text(),
            sex=self.sex.code(),
            birth=self.birth.value(),
            ethnicity=self.ethnicity.code(),
            nationality=self.nationality.code(),
            legal_status=self.legal_status.code(),
            id_document_type=self.document.code(),
            id_number=number,
            village=self.village.text(),
            province_code=province,
            district_code=district,
            subdistrict_code=subdistrict,
            languages=self.languages.codes(),
            school_status=self.school.code(),
            disability=self.disability.code(),
            texts={name: edit.text() for name, edit in self.plain.items()},
            other_names=tuple(n.strip() for n in self.other_names.text().split(",") if n.strip()),
        )

    def fill(self, child: ChildDTO | ChildDraft) -> None:
        """Shows a child's details (from code: not the user typing): a registered child's, to
        edit them, or what a referral shares, to register the child here."""
        self.given_th.setText(child.given_name_th)
        self.family_th.setText(child.family_name_th)
        self.given_latin.setText(child.given_name_latin)
        self.family_latin.setText(child.family_name_latin)
        self.nickname.setText(child.nickname)
        self.other_names.setText(", ".join(child.other_names))
        self.sex.set_code(child.sex)
        self.birth.set_value(child.birth)
        self.ethnicity.set_code(child.ethnicity)
        self.nationality.set_code(child.nationality)
        self.legal_status.set_code(child.legal_status)
        self.document.set_code(child.id_document_type)
        self.id_number.setText(child.id_number or "")
        self.address.set_codes(child.province_code, child.district_code, child.subdistrict_code)
        self.village.setText(child.village)
        self.languages.set_codes(child.languages)
        self.school.set_code(child.school_status)
        self.disability.set_code(child.disability)
        for name, edit in self.plain.items():
            edit.setText(child.texts.get(name, ""))
        self._document_changed()
