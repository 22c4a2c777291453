"""Community mechanisms, for data managers and supervisors: the tambon child protection centres
and children and youth councils the organisation works with, by district, with their contact
and meetings; add or change one, record a meeting it held.

Everything is read and written on the worker (QueryOp, ChangeOp); the core checks the role
again and says field by field what it refuses.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLineEdit,
    QSizePolicy,
    QSpinBox,
    QTreeWidgetItem,
    QWidget,
)

from cmdesk.core.acting.changes import Kind, OpChanges
from cmdesk.core.i18n import N_, Translator, format_date
from cmdesk.core.services.mechanisms import MAX_ATTENDEES, MechanismDraft
from cmdesk.gui.ops import QueryOp
from cmdesk.gui.screens.case.case_edits import CaseEditDialog
from cmdesk.gui.screens.record_list_screen import RecordListScreen
from cmdesk.gui.session import Session
from cmdesk.gui.widgets.address_picker import CHIANG_RAI, AddressPicker, place_items
from cmdesk.gui.widgets.choice import ChoiceCombo, code_labels, kind_items
from cmdesk.gui.widgets.date_field import DateField
from cmdesk.gui.widgets.details import stretch_column
from cmdesk.gui.widgets.empty_state import EmptyState
from cmdesk.gui.widgets.labels import WrapLabel
from cmdesk.gui.widgets.push_button import push_button
from cmdesk.gui.widgets.text_box import TextBox

if TYPE_CHECKING:
    from cmdesk.core.services.mechanisms import MechanismDTO
    from cmdesk.core.workspace import Workspace

MECH_ID = Qt.ItemDataRole.UserRole
HEADERS = (
    N_("Name"),
    N_("Kind"),
    N_("Subdistrict"),
    N_("Contact person"),
    N_("Phone"),
    N_("Meetings"),
    N_("Last meeting"),
    N_("Cases"),
    N_("Status"),
)


def place_names(codes: list[str]) -> dict[str, dict[str, str]]:
    """Runs on the worker: each subdistrict code's name in Thai and English."""
    from cmdesk.core.reference.geography import area

    found = {}
    for code in codes:
        place = area(code)
        if place is not None:
            found[code] = {"th": place.name_th, "en": place.name_en}
    return found


class MechanismsScreen(RecordListScreen):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, "mechanisms", parent)
        self._rows: list[MechanismDTO] = []
        self._places: dict[str, dict[str, str]] = {}
        self._loaded = False
        layout = self.layout_
        filters = QHBoxLayout()
        self.district = ChoiceCombo((), self, placeholder=N_("All districts"))
        self.district.setObjectName("mechanism-district")
        self.district.setProperty("verbatim", True)  # place names in both scripts, as data
        self.district.currentIndexChanged.connect(lambda _i: self.reload())
        filters.addWidget(self.district)
        filters.addStretch(1)
        layout.addLayout(filters)
        self.place_list("mechanism-list")
        self.table.itemActivated.connect(lambda *_a: self.open_edit())
        # Instead of an empty table once the list has come back with nothing in it.
        self.empty = EmptyState("mechanisms", self)
        self.empty.setObjectName("mechanisms-empty")
        # Its wrapped text would otherwise ask, at the narrowest, for more height than a
        # 600-pixel screen has (the window grew to 623 with the list empty); it takes the
        # table's place and its room.
        policy = self.empty.sizePolicy()
        policy.setVerticalPolicy(QSizePolicy.Policy.Ignored)
        self.empty.setSizePolicy(policy)
        self.empty.hide()
        layout.addWidget(self.empty, 1)
        row = QHBoxLayout()
        self.add_button = push_button(self, "add-mechanism", self.open_add)
        self.edit_button = push_button(self, "edit-mechanism", self.open_edit)
        self.meeting_button = push_button(self, "record-meeting", self.open_meeting)
        for button in (self.add_button, self.edit_button, self.meeting_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        session.operation_did_execute.connect(self._changed)
        session.lang.language_changed.connect(self.retranslate)
        self.retranslate()

    def retranslate(self) -> None:
        tr = self._session.lang.translator
        self.title.setText(tr.gettext("Community mechanisms"))
        self.intro.setText(
            tr.gettext(
                "The tambon child protection centres and children and youth councils the "
                "organisation works with. The network figures count them by area."
            )
        )
        self.add_button.setText(tr.gettext("Add a mechanism…"))
        self.edit_button.setText(tr.gettext("Edit…"))
        self.meeting_button.setText(tr.gettext("Record a meeting…"))
        for b in (self.add_button, self.edit_button, self.meeting_button):
            b.setAccessibleName(b.text())
        self.district.retranslate(tr)
        self.district.setAccessibleName(tr.gettext("District"))
        self.table.setHeaderLabels([tr.gettext(h) for h in HEADERS])
        self.table.setAccessibleName(self.title.text())
        self.message.retranslate(tr)
        if self.district.code():
            self.empty.set_texts(
                tr.gettext("No community mechanism in this district"),
                tr.gettext("Choose All districts to see every one, or add one here."),
            )
        else:
            self.empty.set_texts(
                tr.gettext("No community mechanism yet"),
                tr.gettext(
                    "Add the tambon child protection centres and children and youth councils "
                    "the organisation works with: their contact person, phone and meetings."
                ),
            )
        self._fill()

    def on_unlocked(self) -> None:
        if self.district.count() <= 1:
            QueryOp(
                self._session,
                parent=self,
                op=lambda _ws: place_items(CHIANG_RAI),
                success=self.district.set_items,
            ).run()
        self.reload()

    def on_locked(self) -> None:
        self._rows = []
        self._loaded = False
        self.table.clear()
        self._show_empty()

    def reload(self) -> None:
        district = self.district.code()

        def read(ws: Workspace) -> tuple[list[MechanismDTO], dict[str, dict[str, str]]]:
            rows = ws.mechanisms.list(district_code=district)
            return rows, place_names([m.subdistrict_code for m in rows])

        QueryOp(self._session, parent=self, op=read, success=self._arrived).run()

    def _arrived(self, found: tuple[list[MechanismDTO], dict[str, dict[str, str]]]) -> None:
        self._rows, self._places = found
        self._loaded = True
        self.retranslate()  # the empty state's words depend on the district chosen

    def _changed(self, changes: OpChanges, _initiator: object) -> None:
        if changes.touches(Kind.MECHANISM) and self.isVisible():
            self.reload()

    def _fill(self) -> None:
        tr = self._session.lang.translator
        lab = code_labels(tr)
        current = self.chosen()
        self.table.clear()
        for m in self._rows:
            place = self._places.get(m.subdistrict_code, {}).get(tr.locale, m.subdistrict_code)
            last = format_date(m.last_meeting, tr.locale) if m.last_meeting else ""
            state = tr.gettext("Working now") if m.active else tr.gettext("Not working now")
            item = QTreeWidgetItem(
                self.table,
                [
                    m.name,
                    lab("mechanism_kind", m.kind),
                    place,
                    m.contact_name,
                    m.contact_phone,
                    str(m.meetings),
                    last,
                    str(m.cases),
                    state,
                ],
            )
            item.setData(0, MECH_ID, m.id)
            if m.id == current:
                self.table.setCurrentItem(item)
        for column in range(len(HEADERS)):
            self.table.resizeColumnToContents(column)
        stretch_column(self.table, 0)
        self._update_buttons()
        self._show_empty()

    def _show_empty(self) -> None:
        empty = self._loaded and not self._rows
        self.empty.setVisible(empty)
        self.table.setVisible(not empty)

    def chosen(self) -> str | None:
        item = self.table.currentItem()
        return str(item.data(0, MECH_ID)) if item is not None else None

    def _chosen_row(self) -> MechanismDTO | None:
        return next((m for m in self._rows if m.id == self.chosen()), None)

    def _update_buttons(self) -> None:
        picked = self._chosen_row() is not None
        self.edit_button.setEnabled(picked)
        self.meeting_button.setEnabled(picked)

    def open_add(self) -> MechanismDialog:
        return self.opened(MechanismDialog(self._session, self, None, on_done=self._done))

    def open_edit(self) -> MechanismDialog | None:
        row = self._chosen_row()
        if row is None:
            return None
        return self.opened(MechanismDialog(self._session, self, row, on_done=self._done))

    def open_meeting(self) -> MeetingDialog | None:
        row = self._chosen_row()
        if row is None:
            return None
        return self.opened(MeetingDialog(self._session, self, row, on_done=self._done))


Done = Callable[[Callable[[Translator], str]], None]


class MechanismDialog(CaseEditDialog):
    """Adds a mechanism, or changes one (`row`)."""

    def __init__(
        self, session: Session, parent: QWidget, row: MechanismDTO | None, *, on_done: Done
    ) -> None:
        self.title_msgid = N_("Change the mechanism") if row else N_("Add a mechanism")
        self.save_msgid = N_("Save")
        super().__init__(session, parent, "mechanism-dialog")
        self._row = row
        self._note = N_("The mechanism is saved.") if row else N_("The mechanism is added.")
        self.accepted.connect(lambda: on_done(lambda t: t.gettext(self._note)))
        self.kind = ChoiceCombo(kind_items("mechanism_kind"), self)
        self.kind.setObjectName("mechanism-kind")
        self.form.add("kind", N_("Kind of mechanism"), self.kind, required=True)
        self.name = QLineEdit(self)
        self.name.setObjectName("mechanism-name")
        self.form.add("name", N_("Name of the mechanism"), self.name, required=True)
        self.place = AddressPicker(session, self)
        self.form.add("subdistrict_code", N_("Subdistrict"), self.place, required=True)
        self.contact = QLineEdit(self)
        self.contact.setObjectName("mechanism-contact")
        self.form.add("contact_name", N_("Contact person"), self.contact)
        self.phone = QLineEdit(self)
        self.phone.setObjectName("mechanism-phone")
        self.form.add("contact_phone", N_("Contact phone"), self.phone)
        self.active = QCheckBox(self)
        self.active.setObjectName("mechanism-active")
        self.active.setChecked(True)
        self.form.add("active", N_("Working now"), self.active)
        self.tracker.watch(self.name, self.contact, self.phone)
        self.retranslate()
        if row is not None:
            self.kind.set_code(row.kind)
            self.name.setText(row.name)
            self.place.set_codes(row.subdistrict_code[:2], row.district_code, row.subdistrict_code)
            self.contact.setText(row.contact_name)
            self.phone.setText(row.contact_phone)
            self.active.setChecked(row.active)
            self.tracker.mark_clean()
        self.place.start()

    def retranslate(self) -> None:
        tr = self._session.lang.translator
        self.kind.retranslate(tr)
        self.place.retranslate(tr)
        self.active.setText(tr.gettext("It meets and works now"))
        super().retranslate()

    def operation(self) -> Callable[[Workspace], Any]:
        draft = MechanismDraft(
            self.kind.code(),
            self.name.text(),
            self.place.codes()[2],
            self.contact.text(),
            self.phone.text(),
            self.active.isChecked(),
        )
        row_id = self._row.id if self._row else None
        if row_id is None:
            return lambda ws: ws.mechanisms.add(draft)
        return lambda ws: ws.mechanisms.update(row_id, draft)


class MeetingDialog(CaseEditDialog):
    title_msgid = N_("Record a meeting")
    save_msgid = N_("Save the meeting")

    def __init__(
        self, session: Session, parent: QWidget, row: MechanismDTO, *, on_done: Done
    ) -> None:
        super().__init__(session, parent, "meeting-dialog")
        self._mechanism_id = row.id
        self.accepted.connect(lambda: on_done(lambda t: t.gettext("The meeting is recorded.")))
        self.which = WrapLabel(row.name, self)
        self.which.setProperty("verbatim", True)  # the mechanism's own name
        self.form.add("mechanism", N_("Community mechanism"), self.which)
        self.held_on = DateField(
            lambda: session.lang.translator, self, name="held_on", required=True
        )
        self.held_on.setObjectName("meeting-date")
        self.form.add("held_on", N_("Meeting date"), self.held_on, required=True)
        self.attendees = QSpinBox(self)
        self.attendees.setObjectName("meeting-attendees")
        self.attendees.setRange(0, MAX_ATTENDEES)
        self.form.add("attendees", N_("Attendees"), self.attendees, required=True)
        self.note = TextBox(self, lines=3)
        self.note.setObjectName("meeting-note")
        self.form.add("note", N_("Note"), self.note)
        self.held_on.problem.connect(lambda text: self.form.set_error("held_on", text))
        self.tracker.watch(self.held_on, self.note)
        self.retranslate()

    def retranslate(self) -> None:
        self.held_on.retranslate(self._session.lang.translator)
        super().retranslate()

    def operation(self) -> Callable[[Workspace], Any] | None:
        from cmdesk.core.errors import ValidationError

        try:
            held_on = self.held_on.value()
        except ValidationError as exc:
            self.form.show_validation(exc, self._session.lang.translator)
            return None
        assert held_on is not None  # required
        mech, count, note = self._mechanism_id, self.attendees.value(), self.note.text()
        return lambda ws: ws.mechanisms.record_meeting(mech, held_on, count, note)
