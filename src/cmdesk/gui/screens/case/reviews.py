"""Reviews: how the plan went, and what happens next (continue, revise the plan, close)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QTreeWidgetItem,
)

from cmdesk.core.acting.case_actions import CaseAction
from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.i18n import N_, format_date
from cmdesk.core.model.labels import label_of
from cmdesk.gui.screens.case.data import CaseBundle
from cmdesk.gui.screens.case.panes import FormBesideList
from cmdesk.gui.widgets.choice import ChoiceCombo, kind_items
from cmdesk.gui.widgets.date_field import DateField
from cmdesk.gui.widgets.text_box import TextBox

if TYPE_CHECKING:
    from cmdesk.gui.screens.case.page import CasePage


class ReviewsTab(FormBesideList):
    def __init__(self, page: CasePage) -> None:
        super().__init__(page, "case-reviews", "reviews", "save-review")
        self.date = DateField(lambda: self.translator, self.left, name="review_date", required=True)
        self.date.setObjectName("review-date")
        error = self.form.add("review_date", N_("Date of the review"), self.date, required=True)
        self.date.problem.connect(error.show_text)
        self.progress = TextBox(self.left, lines=5)
        self.progress.setObjectName("review-progress")
        self.form.add("progress", N_("Progress since the plan began"), self.progress, required=True)
        self.decision = ChoiceCombo(kind_items("review_decision"), self.left)
        self.decision.setObjectName("review-decision")
        self.form.add("decision", N_("Decision"), self.decision, required=True)
        self.finish(self.date, self.progress, self.decision)

    def title(self) -> str:
        return self.translator.gettext("Reviews")

    def retranslate(self) -> None:
        tr = self.translator
        self.decision.retranslate(tr)
        self.date.retranslate(tr)
        self.retranslate_panes(
            tr,
            form_title=N_("Record a review"),
            list_title=N_("Reviews so far"),
            save=N_("Save the review"),
            headers=[N_("Date"), N_("Decision"), N_("Progress"), N_("By")],
            stretch=2,
        )
        self._update_enabled()

    def _update_enabled(self) -> None:
        allowed = self.offer(
            CaseAction.RECORD_REVIEW,
            hint=N_(
                "Review the plan with the child and family at the review stage. After the "
                "review, continue the plan, revise it, or request closure."
            ),
            refused=N_("Reviews are recorded at the review stage."),
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
                    b.who(r.by, tr),
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

        self.change(
            lambda ws: ws.casework.add_review(case_id, day, progress, decision),
            form=self.form,
            button=self.save,
            done=self.saved(N_("The review is saved.")),
        )
