"""The assessment, one domain of the child's life at a time (safety, health, education...).

A later assessment of a domain supersedes the earlier one on screen; both are kept, so the
list shows every assessment, newest first, with the current one of each domain in bold.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QTreeWidgetItem,
)

from cmdesk.core.acting.case_actions import CaseAction
from cmdesk.core.i18n import N_, format_date
from cmdesk.core.model.labels import label_of
from cmdesk.gui.screens.case.data import CaseBundle
from cmdesk.gui.screens.case.panes import FormBesideList
from cmdesk.gui.widgets.choice import ChoiceCombo, kind_items
from cmdesk.gui.widgets.text_box import TextBox

if TYPE_CHECKING:
    from cmdesk.gui.screens.case.page import CasePage


class AssessmentTab(FormBesideList):
    def __init__(self, page: CasePage) -> None:
        super().__init__(page, "case-assessment", "assessments", "save-assessment")
        self.domain = ChoiceCombo(kind_items("domain"), self.left)
        self.domain.setObjectName("assessment-domain")
        self.form.add("domain", N_("Domain"), self.domain, required=True)
        self.rating = ChoiceCombo(kind_items("domain_rating"), self.left)
        self.rating.setObjectName("assessment-rating")
        self.form.add("rating", N_("Rating"), self.rating, required=True)
        self.findings = TextBox(self.left, lines=5)
        self.findings.setObjectName("assessment-findings")
        self.form.add("findings", N_("What you found"), self.findings, required=True)
        self.needs = TextBox(self.left, lines=3)
        self.needs.setObjectName("assessment-needs")
        self.form.add("needs", N_("What the child needs"), self.needs)
        self.finish(self.domain, self.rating, self.findings, self.needs)

    def title(self) -> str:
        return self.translator.gettext("Assessment")

    def retranslate(self) -> None:
        tr = self.translator
        self.domain.retranslate(tr)
        self.rating.retranslate(tr)
        self.retranslate_panes(
            tr,
            form_title=N_("Assess one domain"),
            list_title=N_("Assessments so far"),
            save=N_("Save the assessment"),
            headers=[N_("Domain"), N_("Rating"), N_("What you found"), N_("Date"), N_("By")],
            stretch=2,
        )
        self._update_hint()

    def _update_hint(self) -> None:
        self.offer(
            CaseAction.RECORD_ASSESSMENT,
            hint=N_(
                "Record each domain after talking with the child and the family. "
                "A new assessment of a domain replaces the old one on screen; both are kept."
            ),
            refused=N_("Move the case to the assessment stage first."),
        )

    def clear(self) -> None:
        self.table.clear()

    def show_bundle(self, b: CaseBundle) -> None:
        tr = self.translator
        self.table.clear()
        seen: set[str] = set()
        for a in b.assessments:
            item = QTreeWidgetItem(
                self.table,
                [
                    tr.gettext(label_of("domain", a.domain)),
                    tr.gettext(label_of("domain_rating", a.rating)),
                    a.findings,
                    format_date(a.at, tr.locale),
                    b.who(a.by, tr),
                ],
            )
            item.setToolTip(2, a.findings + (f"\n\n{a.needs}" if a.needs else ""))
            if a.domain not in seen:  # newest first: the first of a domain is current
                seen.add(a.domain)
                font = QFont(item.font(0))
                font.setBold(True)
                for col in range(2):
                    item.setFont(col, font)
        self._update_hint()

    def reset_forms(self) -> None:
        self.findings.clear()
        self.needs.clear()
        self.form.clear_errors()

    def submit(self) -> None:
        b = self.bundle
        if b is None:
            return
        case_id = b.case.id
        domain, rating = self.domain.code(), self.rating.code()
        findings, needs = self.findings.text(), self.needs.text()

        self.change(
            lambda ws: ws.casework.record_assessment(case_id, domain, rating, findings, needs),
            form=self.form,
            button=self.save,
            done=self.saved(N_("The assessment is saved.")),
        )
