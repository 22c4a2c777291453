"""Case notes: a timeline, newest first, and the editor. Notes are never overwritten: an edit
adds a version, and every version can be read (the author edits only their own notes)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QSplitter,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.acting.case_actions import CaseAction
from cmdesk.core.i18n import N_, format_datetime
from cmdesk.core.model.labels import label_of
from cmdesk.core.services.referrals import NOTES_GO_TO, notes_go_to
from cmdesk.gui.ops import QueryOp
from cmdesk.gui.screens.case.base import CaseTab
from cmdesk.gui.screens.case.data import CaseBundle
from cmdesk.gui.widgets.choice import ChoiceCombo, kind_items
from cmdesk.gui.widgets.details import record_list, select_row, stretch_column
from cmdesk.gui.widgets.dialog_frame import dialog_title, one_use_dialog
from cmdesk.gui.widgets.form import FormGrid
from cmdesk.gui.widgets.labels import Heading, WrapLabel
from cmdesk.gui.widgets.push_button import label_buttons, push_button
from cmdesk.gui.widgets.text_box import TextBox

if TYPE_CHECKING:
    from cmdesk.core.i18n import Translator
    from cmdesk.core.services.notes import NoteDTO
    from cmdesk.gui.screens.case.page import CasePage

NOTE_ID = Qt.ItemDataRole.UserRole


def _first_line(text: str, limit: int = 90) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def note_written(n: NoteDTO, tr: Translator) -> str:
    """When the note's current version was written, and which version it is if edited."""
    written = format_datetime(n.written_at, tr.locale)
    if n.versions > 1:
        written += " · " + tr.format("version {n}", n=n.version)
    return written


def _headed_pane(
    split: QSplitter, *, top_margin: int = 0, bottom_margin: int = 0
) -> tuple[QWidget, QVBoxLayout, Heading]:
    """One side of the split: a column under its heading, kept apart from the other side."""
    pane = QWidget(split)
    column = QVBoxLayout(pane)
    column.setContentsMargins(0, top_margin, 0, bottom_margin)
    heading = Heading(parent=pane, level=2)
    column.addWidget(heading)
    return pane, column, heading


class NotesTab(CaseTab):
    def __init__(self, page: CasePage) -> None:
        super().__init__(page)
        self.setObjectName("case-notes")
        self._editing: str | None = None  # the note (version id) being edited, if any
        outer = QVBoxLayout(self)
        split = QSplitter(Qt.Orientation.Vertical, self)
        outer.addWidget(split)

        top, tbox, self.list_title = _headed_pane(split, bottom_margin=4)
        self.timeline = record_list(top, "notes-timeline")
        self.timeline.currentItemChanged.connect(lambda *_a: self._show_current())
        tbox.addWidget(self.timeline, 1)
        self.full_text = WrapLabel(parent=top)
        self.full_text.setObjectName("note-text")
        self.full_text.setProperty("verbatim", True)
        tbox.addWidget(self.full_text)
        row = QHBoxLayout()
        row.addStretch(1)
        self.versions_button = push_button(top, "note-versions", self._show_versions)
        row.addWidget(self.versions_button)
        self.edit_button = push_button(top, "edit-note", self._start_edit)
        row.addWidget(self.edit_button)
        tbox.addLayout(row)

        bottom, bbox, self.editor_title = _headed_pane(split, top_margin=4)
        self.editor = bottom
        # Who else will read what is written here: said before it is written.
        self.shared_with = WrapLabel(parent=bottom)
        self.shared_with.setObjectName("notes-shared-with")
        bbox.addWidget(self.shared_with)
        self.form = FormGrid(bottom)
        self.kind = ChoiceCombo(kind_items("note_kind"), bottom)
        self.kind.setObjectName("note-kind")
        self.form.add("kind", N_("Kind of note"), self.kind)
        self.body = TextBox(bottom, lines=6)
        self.body.setObjectName("note-body")
        self.form.add("body", N_("Text of the note"), self.body, required=True)
        bbox.addWidget(self.form)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel_edit = push_button(bottom, "cancel-edit", self.discard)
        self.cancel_edit.hide()
        buttons.addWidget(self.cancel_edit)
        self.save = push_button(bottom, "save-note", self.submit, "save")
        buttons.addWidget(self.save)
        bbox.addLayout(buttons)
        self.body.submit_requested.connect(self.submit)
        self.tracker.watch(self.kind, self.body)
        self._notes: dict[str, NoteDTO] = {}

    def title(self) -> str:
        count = len(self.bundle.notes) if self.bundle else 0
        base = self.translator.gettext("Notes")
        return f"{base} ({count})" if count else base

    def retranslate(self) -> None:
        tr = self.translator
        self.list_title.setText(tr.gettext("Notes, newest first"))
        self.kind.retranslate(tr)
        self.form.retranslate(tr)
        label_buttons(
            {
                self.versions_button: tr.gettext("Show every version"),
                self.edit_button: tr.gettext("Edit this note"),
                self.cancel_edit: tr.gettext("Stop editing"),
                self.save: tr.gettext("Save the note"),
            }
        )
        self.save.setToolTip(tr.gettext("Save the note (Ctrl+Enter)"))
        self.timeline.setHeaderLabels(
            [tr.gettext("Written"), tr.gettext("Kind"), tr.gettext("By"), tr.gettext("Text")]
        )
        self.timeline.setAccessibleName(self.list_title.text())
        stretch_column(self.timeline, 3)
        self._update_editor_title()

    def _update_editor_title(self) -> None:
        tr = self.translator
        editing = self._editing is not None
        self.editor_title.setText(
            tr.gettext("Edit the note") if editing else tr.gettext("New note")
        )
        self.cancel_edit.setVisible(editing)

    def clear(self) -> None:
        self.timeline.clear()
        self.full_text.setText("")
        self._notes = {}

    def show_bundle(self, b: CaseBundle) -> None:
        tr = self.translator
        current = self.timeline.currentItem()
        keep = current.data(0, NOTE_ID) if current is not None else None
        self.timeline.clear()
        self._notes = {}
        for n in b.notes:
            item = QTreeWidgetItem(
                self.timeline,
                [
                    note_written(n, tr),
                    tr.gettext(label_of("note_kind", n.kind)),
                    b.who(n.author_id, tr),
                    _first_line(n.body),
                ],
            )
            item.setData(0, NOTE_ID, n.id)
            self._notes[n.id] = n
            if n.thread_id == keep or n.id == keep:
                self.timeline.setCurrentItem(item)
        if self.timeline.currentItem() is None and self.timeline.topLevelItemCount():
            select_row(self.timeline, 0)
        # A case only read here (handed to another team, on a team's laptop) takes no note.
        self.editor.setVisible(b.may(CaseAction.ADD_NOTE))
        partners = notes_go_to(b.referrals)
        self.shared_with.setVisible(bool(partners))
        self.shared_with.setText(tr.format(NOTES_GO_TO, orgs=", ".join(partners)))
        self._show_current()

    def _current(self) -> NoteDTO | None:
        item = self.timeline.currentItem()
        return self._notes.get(str(item.data(0, NOTE_ID))) if item is not None else None

    def _show_current(self) -> None:
        note = self._current()
        self.full_text.setText(note.body if note else "")
        me = self.bundle.actor.user_id if self.bundle and self.bundle.actor else ""
        # Only the author edits a note: it is their record of what they saw.
        writable = self.bundle is not None and self.bundle.may(CaseAction.ADD_NOTE)
        self.edit_button.setEnabled(writable and note is not None and note.author_id == me)
        self.versions_button.setEnabled(note is not None and note.versions > 1)

    # -- writing ----------------------------------------------------------------------------
    def reset_forms(self) -> None:
        self.body.clear()
        self.form.clear_errors()
        self._editing = None
        self._update_editor_title()

    def _start_edit(self) -> None:
        note = self._current()
        if note is None:
            return
        self._editing = note.id
        with self.tracker.paused():
            self.kind.set_code(note.kind)
            self.body.setText(note.body)
        self.body.moveCursor(QTextCursor.MoveOperation.End)  # go on writing where it ended
        self._update_editor_title()
        self.body.setFocus()

    def submit(self) -> None:
        b = self.bundle
        if b is None:
            return
        body, kind, editing, case_id = self.body.text(), self.kind.code(), self._editing, b.case.id

        def saved(_r: object) -> None:
            self.discard()
            self.page.message.show_note(
                lambda tr: tr.gettext("The note is saved."), self.translator
            )

        if editing is None:
            op = lambda ws: ws.notes.add(case_id, body, kind)  # noqa: E731
        else:
            op = lambda ws: ws.notes.edit(editing, body, kind)  # noqa: E731
        self.change(op, form=self.form, button=self.save, done=saved)

    def _show_versions(self) -> None:
        note = self._current()
        if note is None:
            return
        QueryOp(
            self.session,
            parent=self,
            op=lambda ws: ws.notes.history(note.id),
            success=lambda versions: NoteVersionsDialog(self, versions).open(),
        ).run()


class NoteVersionsDialog(QDialog):
    def __init__(self, tab: NotesTab, versions: list[NoteDTO]) -> None:
        super().__init__(tab)
        self.setObjectName("note-versions-dialog")
        self._tab = tab
        self._versions = versions
        layout = QVBoxLayout(self)
        self.title = Heading(parent=self, level=2)
        layout.addWidget(self.title)
        self.list = record_list(self)
        layout.addWidget(self.list)
        self.text = WrapLabel(parent=self)
        self.text.setProperty("verbatim", True)  # the worker's own words
        layout.addWidget(self.text, 1)
        self.list.currentItemChanged.connect(self._picked)
        buttons = QDialogButtonBox(self)
        self.close_button = buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        one_use_dialog(self, tab.session.lang, self.retranslate)
        if versions:
            select_row(self.list, -1)
        self.resize(620, 460)

    def retranslate(self) -> None:
        tr, b = self._tab.translator, self._tab.bundle
        dialog_title(self, self.title, tr.gettext("Every version of the note"))
        self.list.setHeaderLabels([tr.gettext("Version"), tr.gettext("Written"), tr.gettext("By")])
        stretch_column(self.list, 2)
        self.list.setAccessibleName(self.title.text())
        self.close_button.setText(tr.gettext("Close"))
        self.close_button.setAccessibleName(self.close_button.text())
        shown = self.list.currentItem()
        current = self.list.indexOfTopLevelItem(shown) if shown is not None else -1
        self.list.clear()
        for v in self._versions:
            QTreeWidgetItem(
                self.list,
                [
                    str(v.version),
                    format_datetime(v.written_at, tr.locale),
                    b.who(v.author_id, tr) if b else "",
                ],
            )
        if current >= 0:
            select_row(self.list, current)

    def _picked(self, item: QTreeWidgetItem | None, _previous: object) -> None:
        if item is None:
            return
        index = self.list.indexOfTopLevelItem(item)
        self.text.setText(self._versions[index].body)
