"""The two layouts the case tabs share, built once.

- `ListTab`: a heading, a line saying what the list is for, the list, and a row of buttons
  under it (consent, referrals, history).
- `FormBesideList`: a form to record one more item on the left (title, hint, fields, a save
  button), and the items so far on the right (assessment, reviews).

Both keep the tab's own words in the tab: the base sets them through `retranslate_panes`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.acting.case_actions import CaseAction
from cmdesk.core.i18n import Translator
from cmdesk.gui.screens.case.base import CaseTab
from cmdesk.gui.widgets.details import record_list, stretch_column
from cmdesk.gui.widgets.form import FormGrid
from cmdesk.gui.widgets.labels import Heading, WrapLabel
from cmdesk.gui.widgets.push_button import label_buttons, push_button

if TYPE_CHECKING:
    from cmdesk.gui.screens.case.page import CasePage

HINT_STYLE = "color: #52606d;"


def hint_label(parent: QWidget) -> WrapLabel:
    """A grey line under a heading saying what the part of the screen is for."""
    label = WrapLabel(parent=parent)
    label.setStyleSheet(HINT_STYLE)
    return label


class ListTab(CaseTab):
    """Heading, what the list is for, the list; the tab adds its controls to `layout_`, its
    buttons (widgets.push_button) with `add_button_row`, and enables them in
    `update_buttons`."""

    def __init__(self, page: CasePage, name: str, list_name: str) -> None:
        super().__init__(page)
        self.setObjectName(name)
        self.layout_ = QVBoxLayout(self)
        self.heading = Heading(parent=self, level=2)
        self.layout_.addWidget(self.heading)
        self.intro = hint_label(self)
        self.layout_.addWidget(self.intro)
        self.table = record_list(self, list_name)

    def add_list(self) -> None:
        """Places the list where the tab wants it (after any controls above it)."""
        self.layout_.addWidget(self.table, 1)

    def add_button_row(self, start: Sequence[QPushButton], end: Sequence[QPushButton]) -> None:
        """A row of buttons under the list: `start` on the left, `end` on the right."""
        row = QHBoxLayout()
        for button in start:
            row.addWidget(button)
        row.addStretch(1)
        for button in end:
            row.addWidget(button)
        self.layout_.addLayout(row)

    def update_buttons(self) -> None:
        """Enables the tab's buttons for the case shown and the chosen row."""

    def clear(self) -> None:
        self.table.clear()
        self.update_buttons()

    def retranslate_panes(
        self,
        tr: Translator,
        heading: str,
        intro: str,
        headers: Sequence[str],
        buttons: Mapping[QPushButton, str] | None = None,
        *,
        stretch: int = -1,
    ) -> None:
        """The tab's words: `heading`, `intro` and `headers` as msgids, `buttons` translated.
        The columns fit their contents but `stretch` (the last unless said), which takes the
        room left: a short column is never cut while the list has room to spare."""
        self.heading.setText(tr.gettext(heading))
        self.intro.setText(tr.gettext(intro))
        self.table.setHeaderLabels([tr.gettext(h) for h in headers])
        stretch_column(self.table, stretch % len(headers))
        self.table.setAccessibleName(self.heading.text())
        label_buttons(buttons or {})
        self.update_buttons()


class FormBesideList(CaseTab):
    """A form for one more record on the left, the records so far on the right.

    The tab adds its fields to `self.form`, then calls `finish(*watched)`.
    """

    def __init__(self, page: CasePage, name: str, list_name: str, save_name: str) -> None:
        super().__init__(page)
        self.setObjectName(name)
        outer = QVBoxLayout(self)
        split = QSplitter(self)
        outer.addWidget(split)
        self.left = QWidget(split)
        self._form_box = QVBoxLayout(self.left)
        self._form_box.setContentsMargins(0, 0, 8, 0)
        self.form_title = Heading(parent=self.left, level=2)
        self._form_box.addWidget(self.form_title)
        self.hint = hint_label(self.left)
        self._form_box.addWidget(self.hint)
        self.form = FormGrid(self.left)
        self.save = push_button(self.left, save_name, self.submit, "save")
        right = QWidget(split)
        list_box = QVBoxLayout(right)
        list_box.setContentsMargins(8, 0, 0, 0)
        self.list_title = Heading(parent=right, level=2)
        list_box.addWidget(self.list_title)
        self.table = record_list(right, list_name, wrap=True)
        list_box.addWidget(self.table, 1)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        self.inputs: tuple[QWidget, ...] = ()

    def finish(self, *inputs: QWidget) -> None:
        """Places the form and its save button; `inputs` are enabled only when the action is
        offered, and their unsaved text is guarded."""
        self._form_box.addWidget(self.form)
        self._form_box.addWidget(self.save, 0, Qt.AlignmentFlag.AlignRight)
        self._form_box.addStretch(1)
        self.inputs = inputs
        self.tracker.watch(*inputs)

    def submit(self) -> None:
        raise NotImplementedError

    def retranslate_panes(
        self,
        tr: Translator,
        *,
        form_title: str,
        list_title: str,
        save: str,
        headers: Sequence[str],
        stretch: int,
    ) -> None:
        self.form_title.setText(tr.gettext(form_title))
        self.list_title.setText(tr.gettext(list_title))
        self.form.retranslate(tr)
        self.save.setText(tr.gettext(save))
        self.save.setAccessibleName(self.save.text())
        self.table.setHeaderLabels([tr.gettext(h) for h in headers])
        self.table.setAccessibleName(self.list_title.text())
        stretch_column(self.table, stretch)

    def offer(self, action: CaseAction, *, hint: str, refused: str) -> bool:
        """Enables the form when the core offers `action` on the case; the hint says what to
        do, or why the form is closed now. Returns whether it is offered."""
        b = self.bundle
        allowed = b is not None and b.may(action)
        for w in (*self.inputs, self.save):
            w.setEnabled(allowed)
        self.hint.setText(self.translator.gettext(hint if b is None or allowed else refused))
        return allowed

    def saved(self, note: str) -> Callable[[object], None]:
        """What happens when the record is saved: the form empties and `note` says so."""

        def done(_result: object) -> None:
            self.discard()
            self.page.message.show_note(lambda tr: tr.gettext(note), self.translator)

        return done
