"""Conflict review: what two laptops changed differently before they exchanged, side by side
with who changed it and when, and a decision: keep one value, type the right one, or, for a
record deleted on one laptop and changed on another, keep it deleted or restore it.

A decision is an ordinary edit made on the worker (`ws.conflicts.decide`); it reaches the other
laptops with the next exchange.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.errors import ValidationError
from cmdesk.core.i18n import N_, Translator, format_datetime
from cmdesk.gui.errors import friendly_message
from cmdesk.gui.ops import ChangeOp
from cmdesk.gui.screens.sync.fields import (
    codes_of,
    describe_value,
    editable,
    field_label,
    record_label,
)
from cmdesk.gui.screens.sync.partners import laptop_name
from cmdesk.gui.session import Session
from cmdesk.gui.widgets.choice import ChoiceCombo, kind_items
from cmdesk.gui.widgets.date_field import DateField
from cmdesk.gui.widgets.details import record_list, select_row
from cmdesk.gui.widgets.empty_state import EmptyState
from cmdesk.gui.widgets.labels import Heading, MessageLabel, WrapLabel
from cmdesk.gui.widgets.push_button import push_button
from cmdesk.gui.widgets.text_box import TextBox

if TYPE_CHECKING:
    from cmdesk.core.acting.changes import OpChanges
    from cmdesk.core.services.conflict_review import ConflictReview, ConflictView, SideView
    from cmdesk.core.workspace import Workspace

CONFLICT_ID = Qt.ItemDataRole.UserRole
Editor = QLineEdit | TextBox | ChoiceCombo | DateField


def record_words(c: ConflictView, tr: Translator) -> str:
    """Case WVFT-2569-0001 · มะลิ แสงทอง (Mali Saengthong)"""
    names = c.child_name_th or c.child_name_latin
    if c.child_name_th and c.child_name_latin:
        names = f"{c.child_name_th} ({c.child_name_latin})"
    parts = [tr.gettext(record_label(c.table))]
    if c.case_number:
        parts.append(c.case_number)
    head = " ".join(parts)
    return f"{head} · {names}" if names else head


class SideCard(QFrame):
    """One of the values in conflict: what it is, who made it, on which laptop, when."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conflict-side")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#conflict-side { background: #f7f9fb; }")
        layout = QVBoxLayout(self)
        self.title = QLabel(self)
        bold = QFont(self.title.font())
        bold.setWeight(QFont.Weight.DemiBold)
        self.title.setFont(bold)
        layout.addWidget(self.title)
        self.value = WrapLabel(parent=self)
        self.value.setObjectName("side-value")
        self.value.setProperty("verbatim", True)  # what someone typed, in any script
        big = QFont(self.value.font())
        big.setPointSizeF(big.pointSizeF() * 1.2)
        self.value.setFont(big)
        layout.addWidget(self.value)
        facts = QFormLayout()
        facts.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.who_label, self.laptop_label, self.when_label = (
            QLabel(self),
            QLabel(self),
            QLabel(self),
        )
        self.who, self.laptop, self.when = WrapLabel(parent=self), QLabel(self), QLabel(self)
        for value in (self.who, self.laptop):
            value.setProperty("verbatim", True)  # a user name (a-z), a laptop's id
        facts.addRow(self.who_label, self.who)
        facts.addRow(self.laptop_label, self.laptop)
        facts.addRow(self.when_label, self.when)
        layout.addLayout(facts)
        layout.addStretch(1)
        self.choose = QPushButton(self)
        self.choose.setObjectName("choose-side")
        layout.addWidget(self.choose)

    def show_side(
        self, c: ConflictView, side: SideView, review: ConflictReview, tr: Translator
    ) -> None:
        delete = c.kind == "delete"
        if delete and side.index == 0:
            self.title.setText(tr.gettext("Deleted"))
            self.value.setText(tr.gettext("The record was deleted."))
            self.choose.setText(tr.gettext("Keep it deleted"))
        else:
            shown = describe_value(
                c.table, side.field, side.value, tr, users=review.users, orgs=review.orgs
            )
            if delete:
                self.title.setText(tr.gettext("Changed"))
                self.value.setText(f"{field_label(c.table, side.field, tr)}: {shown}")
                self.choose.setText(tr.gettext("Restore it with this change"))
            else:
                first = side.index == 0
                self.title.setText(
                    tr.gettext("Shown in the record now") if first else tr.gettext("Other value")
                )
                self.value.setText(shown)
                self.choose.setText(tr.gettext("Keep this value"))
        self.who_label.setText(tr.gettext("Who"))
        self.who.setText(side.author or tr.gettext("Not known"))
        self.laptop_label.setText(tr.gettext("Laptop"))
        self.laptop.setText(
            tr.gettext("This laptop") if side.this_device else laptop_name(side.device_id)
        )
        self.when_label.setText(tr.gettext("When"))
        self.when.setText(format_datetime(side.stamped_at, tr.locale))
        self.choose.setAccessibleName(f"{self.choose.text()}: {self.value.text()}")


class ConflictDetail(QWidget):
    """One conflict, its values side by side, and the ways to decide it."""

    def __init__(
        self,
        session: Session,
        decide: Callable[[str, str | None, int | None], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._decide = decide
        self._conflict: ConflictView | None = None
        self._review: ConflictReview | None = None
        layout = QVBoxLayout(self)
        self.heading = Heading(parent=self, level=2)
        self.heading.setObjectName("conflict-field")
        layout.addWidget(self.heading)
        self.record = WrapLabel(parent=self)
        self.record.setObjectName("conflict-record")
        self.record.setProperty("verbatim", True)  # a case number and a child's names
        layout.addWidget(self.record)
        self.explain = WrapLabel(parent=self)
        layout.addWidget(self.explain)
        self.sides_row = QHBoxLayout()
        layout.addLayout(self.sides_row)
        self.cards: list[SideCard] = []
        self.typed_row = QHBoxLayout()
        self.typed_label = QLabel(self)
        self.typed_row.addWidget(self.typed_label)
        self.editor: Editor | None = None
        self.save_typed = push_button(self, "save-typed-value", self._save_typed)
        self.typed_row.addWidget(self.save_typed)
        layout.addLayout(self.typed_row)
        self.message = MessageLabel(self)
        layout.addWidget(self.message)
        layout.addStretch(1)

    def show_conflict(self, c: ConflictView | None, review: ConflictReview) -> None:
        same = c is not None and self._conflict is not None and c.id == self._conflict.id
        self._conflict, self._review = c, review
        if not same:
            self.message.clear_message()
            self._build_editor()
        self.retranslate(self._session.lang.translator)

    def _build_editor(self) -> None:
        if self.editor is not None:
            self.typed_row.removeWidget(self.editor)
            self.editor.deleteLater()
            self.editor = None
        c = self._conflict
        how = None
        if c is not None and c.kind == "edit":
            how = editable(c.table, c.field)
        editor: Editor | None = None
        codes = codes_of(c.table, c.field) if c is not None else None
        if how == "choice" and codes is not None:
            items = kind_items(codes)
            editor = ChoiceCombo(items, self, placeholder=N_("Choose…"))
        elif how == "date":
            editor = DateField(lambda: self._session.lang.translator, self)
        elif how == "long_text":
            editor = TextBox(self, lines=2)
        elif how == "text":
            editor = QLineEdit(self)
        if editor is not None:
            editor.setObjectName("typed-value")
            self.typed_row.insertWidget(1, editor, 1)
        self.editor = editor
        for w in (self.typed_label, self.save_typed):
            w.setVisible(editor is not None)

    def retranslate(self, tr: Translator) -> None:
        c, review = self._conflict, self._review
        if c is None or review is None:
            return
        self.heading.setText(
            tr.gettext("Deleted on one laptop, changed on another")
            if c.kind == "delete"
            else field_label(c.table, c.field, tr)
        )
        self.record.setText(record_words(c, tr))
        self.explain.setText(
            tr.gettext(
                "This record was deleted on one laptop while someone changed it on another. "
                "Keep it deleted, or restore it with the change."
            )
            if c.kind == "delete"
            else tr.gettext(
                "Two laptops changed this before they exchanged data. The record shows the "
                "first value for now. Keep the right one, or type what is right."
            )
        )
        while len(self.cards) < len(c.sides):
            card = SideCard(self)
            index = len(self.cards)
            card.choose.clicked.connect(lambda _c=False, i=index: self._choose(i))
            self.sides_row.addWidget(card, 1)
            self.cards.append(card)
        for i, card in enumerate(self.cards):
            card.setVisible(i < len(c.sides))
            if i < len(c.sides):
                card.show_side(c, c.sides[i], review, tr)
        self.typed_label.setText(tr.gettext("Or type the right value"))
        self.save_typed.setText(tr.gettext("Save this value"))
        self.save_typed.setAccessibleName(self.save_typed.text())
        if isinstance(self.editor, ChoiceCombo | DateField):
            self.editor.retranslate(tr)
        if self.editor is not None:
            self.editor.setAccessibleName(self.typed_label.text())
        self.message.retranslate(tr)

    def _choose(self, index: int) -> None:
        if self._conflict is not None:
            self._decide(self._conflict.id, None, index)

    def _save_typed(self) -> None:
        c, editor, tr = self._conflict, self.editor, self._session.lang.translator
        if c is None or editor is None:
            return
        value: str
        if isinstance(editor, ChoiceCombo):
            value = editor.code()
        elif isinstance(editor, DateField):
            try:
                day: date | None = editor.value()
            except ValidationError as bad:
                self.message.show_error(bad.errors[0].message(tr))
                return
            value = day.isoformat() if day else ""
        else:
            value = editor.text()
        if not value.strip():
            self.message.show_error(tr.gettext("Type or choose the value to keep first."))
            return
        self._decide(c.id, value, None)


class ConflictsView(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conflicts")
        self._session = session
        self._review: ConflictReview | None = None
        layout = QVBoxLayout(self)
        self.hidden_note = WrapLabel(parent=self)
        self.hidden_note.setObjectName("hidden-conflicts")
        self.hidden_note.setStyleSheet("color: #52606d;")
        self.hidden_note.hide()
        layout.addWidget(self.hidden_note)
        self.message = MessageLabel(self)
        self.message.setObjectName("decided")
        layout.addWidget(self.message)
        self.stack = QStackedWidget(self)
        layout.addWidget(self.stack, 1)
        self.empty = EmptyState("sync", self.stack)
        self.stack.addWidget(self.empty)
        split = QSplitter(Qt.Orientation.Vertical, self.stack)
        self.table = record_list(split, "conflict-list")
        self.table.currentItemChanged.connect(lambda *_a: self._show_current())
        scroll = QScrollArea(split)
        scroll.setWidgetResizable(True)
        self.detail = ConflictDetail(session, self.decide, scroll)
        scroll.setWidget(self.detail)
        split.addWidget(self.table)
        split.addWidget(scroll)
        self.table.setMinimumHeight(60)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 4)
        split.setSizes([90, 400])
        self.stack.addWidget(split)
        self.content = split
        self.retranslate()

    def retranslate(self) -> None:
        tr = self._session.lang.translator
        self.empty.set_texts(
            tr.gettext("No conflicts to decide"),
            tr.gettext(
                "When two laptops change the same thing before they exchange data, both "
                "values are kept and shown here for a person to decide."
            ),
        )
        self.table.setHeaderLabels([tr.gettext("Record"), tr.gettext("What"), tr.gettext("Values")])
        self.table.setAccessibleName(tr.gettext("Conflicts to decide"))
        self.message.retranslate(tr)
        self._fill()

    def set_review(self, review: ConflictReview | None) -> None:
        self._review = review
        self._fill()

    def _fill(self) -> None:
        tr, review = self._session.lang.translator, self._review
        current = self.current_id()
        self.table.blockSignals(True)
        self.table.clear()
        conflicts = review.conflicts if review else ()
        for c in conflicts:
            what = (
                tr.gettext("Deleted and changed")
                if c.kind == "delete"
                else field_label(c.table, c.field, tr)
            )
            item = QTreeWidgetItem(self.table, [record_words(c, tr), what, str(len(c.sides))])
            item.setData(0, CONFLICT_ID, c.id)
        for column in range(3):
            self.table.resizeColumnToContents(column)
        self.table.blockSignals(False)
        hidden = review.hidden if review else 0
        self.hidden_note.setText(
            tr.ngettext(
                "{n} more conflict is about a case you do not work on; a colleague who "
                "works on it will decide it.",
                "{n} more conflicts are about cases you do not work on; a colleague who "
                "works on them will decide them.",
                hidden,
            ).format(n=hidden)
        )
        self.hidden_note.setVisible(hidden > 0)
        self.stack.setCurrentWidget(self.content if conflicts else self.empty)
        if conflicts:
            self.select(current or conflicts[0].id)
        elif review is not None:
            self.detail.show_conflict(None, review)

    def current_id(self) -> str | None:
        item = self.table.currentItem()
        return str(item.data(0, CONFLICT_ID)) if item is not None else None

    def select(self, conflict_id: str) -> None:
        for i in range(self.table.topLevelItemCount()):
            item = self.table.topLevelItem(i)
            if item is not None and item.data(0, CONFLICT_ID) == conflict_id:
                self.table.setCurrentItem(item)
                break
        else:
            select_row(self.table, 0)
        self._show_current()

    def _show_current(self) -> None:
        review, chosen = self._review, self.current_id()
        if review is None:
            return
        found = next((c for c in review.conflicts if c.id == chosen), None)
        self.detail.show_conflict(found, review)

    def decide(self, conflict_id: str, value: str | None, choose: int | None) -> None:
        review = self._review
        found = next((c for c in review.conflicts if c.id == conflict_id), None) if review else None
        if found is None:
            return
        self.message.clear_message()

        def work(ws: Workspace) -> OpChanges:
            return ws.conflicts.decide(conflict_id, value, choose=choose)

        def done(_changes: OpChanges) -> None:
            self.message.show_note(
                lambda tr: tr.gettext(
                    "Decided. The other laptops get the decision with the next exchange."
                ),
                self._session.lang.translator,
            )

        def failed(exc: BaseException) -> None:
            tr = self._session.lang.translator
            if isinstance(exc, ValidationError) and exc.errors[0].field == "value":
                text = tr.gettext("This value does not fit this field.")
            elif isinstance(exc, ValidationError):
                text = exc.errors[0].message(tr)
            else:
                text = friendly_message(exc, tr)
            self.detail.message.show_error(text)

        ChangeOp(self._session, parent=self, op=work, success=done).failure(failed).run()
