"""Reviews: how the plan went, and what happens next (continue, revise the plan, close)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.acting.case_actions import CaseAction
from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.i18n import N_, format_date
from cmdesk.core.model.labels import label_of
from cmdesk.gui.icons import icon
from cmdesk.gui.screens.case.base import CaseTab
from cmdesk.gui.screens.case.data import CaseBundle
from cmdesk.gui.widgets.choice import ChoiceCombo, kind_items
from cmdesk.gui.widgets.date_field import DateField
from cmdesk.gui.widgets.details import stretch_column
from cmdesk.gui.widgets.form import FormGrid
from cmdesk.gui.widgets.labels import Heading, WrapLabel
from cmdesk.gui.widgets.text_box import TextBox

if TYPE_CHECKING:
    from cmdesk.gui.screens.case.page import CasePage


class ReviewsTab(CaseTab):
    def __init__(self, page: CasePage) -> None:
        super().__init__(page)
        self.setObjectName("case-reviews")
        outer = QVBoxLayout(self)
        split = QSplitter(self)
        outer.addWidget(split)
        left = QWidget(split)
        box = QVBoxLayout(left)
        box.setContentsMargins(0, 0, 8, 0)
        self.form_title = Heading(parent=left, level=2)
        box.addWidget(self.form_title)
        self.hint = WrapLabel(parent=left)
        self.hint.setStyleSheet("color: #52606d;")
        box.addWidget(self.hint)
        self.form = FormGrid(left)
        self.date = DateField(lambda: self.translator, left, name="review_date", required=True)
        self.date.setObjectName("review-date")
        error = self.form.add("review_date", N_("Date of the review"), self.date, required=True)
        self.date.problem.connect(error.show_text)
        self.progress = TextBox(left, lines=5)
        self.progress.setObjectName("review-progress")
        self.form.add("progress", N_("Progress since the plan began"), self.progress, required=True)
        self.decision = ChoiceCombo(kind_items("review_decision"), left)
        self.decision.setObjectName("review-decision")
        self.form.add("decision", N_("Decision"), self.decision, required=True)
        box.addWidget(self.form)
        self.save = QPushButton(icon("save"), "", left)
        self.save.setObjectName("save-review")
        self.save.clicked.connect(self.submit)
        box.addWidget(self.save, 0, Qt.AlignmentFlag.AlignRight)
        box.addStretch(1)
        right = QWidget(split)
        rbox = QVBoxLayout(right)
        rbox.setContentsMargins(8, 0, 0, 0)
        self.list_title = Heading(parent=right, level=2)
        rbox.addWidget(self.list_title)
        self.table = QTreeWidget(right)
        self.table.setObjectName("reviews")
        self.table.setRootIsDecorated(False)
        self.table.setWordWrap(True)
        rbox.addWidget(self.table, 1)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        self.tracker.watch(self.date, self.progress, self.decision)

    def title(self) -> str:
        return self.translator.gettext("Reviews")

    def retranslate(self) -> None:
        tr = self.translator
        self.form_title.setText(tr.gettext("Record a review"))
        self.list_title.setText(tr.gettext("Reviews so far"))
        self.decision.retranslate(tr)
        self.form.retranslate(tr)
        self.date.retranslate(tr)
        self.save.setText(tr.gettext("Save the review"))
        self.save.setAccessibleName(self.save.text())
        self.table.setHeaderLabels(
            [tr.gettext("Date"), tr.gettext("Decision"), tr.gettext("Progress"), tr.gettext("By")]
        )
        self.table.setAccessibleName(self.list_title.text())
        stretch_column(self.table, 2)
        self._update_enabled()

    def _update_enabled(self) -> None:
        b = self.bundle
        allowed = b is not None and b.may(CaseAction.RECORD_REVIEW)
        for w in (self.date, self.progress, self.decision, self.save):
            w.setEnabled(allowed)
        self.hint.setText(
            self.translator.gettext(
                "Review the plan with the child and family at the review stage. After the "
                "review, continue the plan, revise it, or request closure."
            )
            if b is None or allowed
            else self.translator.gettext("Reviews are recorded at the review stage.")
        )
        if allowed and not self.date.text():
            with self.tracker.paused():
                self.date.set_value(thai_today())

    def clear(self) -> None:
        self.table.clear()

    def show_bundle(self, b: CaseBundle) -> None:
        tr = self.translator
        self.table.clear()
        for r in reversed(b.reviews):
            item = QTreeWidgetItem(
                self.table,
                [
                    format_date(r.review_date, tr.locale),
                    tr.gettext(label_of("review_decision", r.decision)),
                    r.progress,
                    b.who(r.by),
                ],
            )
            item.setToolTip(2, r.progress)
        self._update_enabled()

    def reset_forms(self) -> None:
        self.progress.clear()
        self.date.set_value(None)
        self.form.clear_errors()

    def submit(self) -> None:
        b = self.bundle
        if b is None or not self.date.check():
            return
        day = self.date.value()
        assert day is not None
        case_id, progress, decision = b.case.id, self.progress.text(), self.decision.code()

        def saved(_r: object) -> None:
            self.discard()
            self.page.message.show_note(
                lambda tr: tr.gettext("The review is saved."), self.translator
            )

        self.change(
            lambda ws: ws.casework.add_review(case_id, day, progress, decision),
            form=self.form,
            button=self.save,
            done=saved,
        )
