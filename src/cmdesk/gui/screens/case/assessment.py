"""The assessment, one domain of the child's life at a time (safety, health, education...).

A later assessment of a domain supersedes the earlier one on screen; both are kept, so the
list shows every assessment, newest first, with the current one of each domain in bold.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.acting.case_actions import CaseAction
from cmdesk.core.i18n import N_, format_date
from cmdesk.core.model.labels import label_of
from cmdesk.gui.icons import icon
from cmdesk.gui.screens.case.base import CaseTab
from cmdesk.gui.screens.case.data import CaseBundle
from cmdesk.gui.widgets.choice import ChoiceCombo, kind_items
from cmdesk.gui.widgets.details import stretch_column
from cmdesk.gui.widgets.form import FormGrid
from cmdesk.gui.widgets.labels import Heading, WrapLabel
from cmdesk.gui.widgets.text_box import TextBox

if TYPE_CHECKING:
    from cmdesk.gui.screens.case.page import CasePage


class AssessmentTab(CaseTab):
    def __init__(self, page: CasePage) -> None:
        super().__init__(page)
        self.setObjectName("case-assessment")
        outer = QVBoxLayout(self)
        split = QSplitter(self)
        outer.addWidget(split)
        left = QWidget(split)
        form_box = QVBoxLayout(left)
        form_box.setContentsMargins(0, 0, 8, 0)
        self.form_title = Heading(parent=left, level=2)
        form_box.addWidget(self.form_title)
        self.hint = WrapLabel(parent=left)
        self.hint.setStyleSheet("color: #52606d;")
        form_box.addWidget(self.hint)
        self.form = FormGrid(left)
        self.domain = ChoiceCombo(kind_items("domain"), left)
        self.domain.setObjectName("assessment-domain")
        self.form.add("domain", N_("Domain"), self.domain, required=True)
        self.rating = ChoiceCombo(kind_items("domain_rating"), left)
        self.rating.setObjectName("assessment-rating")
        self.form.add("rating", N_("Rating"), self.rating, required=True)
        self.findings = TextBox(left, lines=5)
        self.findings.setObjectName("assessment-findings")
        self.form.add("findings", N_("What you found"), self.findings, required=True)
        self.needs = TextBox(left, lines=3)
        self.needs.setObjectName("assessment-needs")
        self.form.add("needs", N_("What the child needs"), self.needs)
        form_box.addWidget(self.form)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.save = QPushButton(icon("save"), "", left)
        self.save.setObjectName("save-assessment")
        self.save.clicked.connect(self.submit)
        buttons.addWidget(self.save)
        form_box.addLayout(buttons)
        form_box.addStretch(1)
        right = QWidget(split)
        list_box = QVBoxLayout(right)
        list_box.setContentsMargins(8, 0, 0, 0)
        self.list_title = Heading(parent=right, level=2)
        list_box.addWidget(self.list_title)
        self.table = QTreeWidget(right)
        self.table.setObjectName("assessments")
        self.table.setRootIsDecorated(False)
        self.table.setWordWrap(True)
        list_box.addWidget(self.table, 1)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        self.tracker.watch(self.domain, self.rating, self.findings, self.needs)

    def title(self) -> str:
        return self.translator.gettext("Assessment")

    def retranslate(self) -> None:
        tr = self.translator
        self.form_title.setText(tr.gettext("Assess one domain"))
        self.list_title.setText(tr.gettext("Assessments so far"))
        self.domain.retranslate(tr)
        self.rating.retranslate(tr)
        self.form.retranslate(tr)
        self.save.setText(tr.gettext("Save the assessment"))
        self.save.setAccessibleName(self.save.text())
        self.table.setHeaderLabels(
            [
                tr.gettext("Domain"),
                tr.gettext("Rating"),
                tr.gettext("What you found"),
                tr.gettext("Date"),
                tr.gettext("By"),
            ]
        )
        self.table.setAccessibleName(self.list_title.text())
        stretch_column(self.table, 2)
        self._update_hint()

    def _update_hint(self) -> None:
        b = self.bundle
        allowed = b is not None and b.may(CaseAction.RECORD_ASSESSMENT)
        for w in (self.domain, self.rating, self.findings, self.needs, self.save):
            w.setEnabled(allowed)
        if b is None or allowed:
            self.hint.setText(
                self.translator.gettext(
                    "Record each domain after talking with the child and the family. "
                    "A new assessment of a domain replaces the old one on screen; both are kept."
                )
            )
        else:
            self.hint.setText(
                self.translator.gettext("Move the case to the assessment stage first.")
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
                    b.who(a.by),
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

        def saved(_result: object) -> None:
            self.discard()
            self.page.message.show_note(
                lambda tr: tr.gettext("The assessment is saved."), self.translator
            )

        self.change(
            lambda ws: ws.casework.record_assessment(case_id, domain, rating, findings, needs),
            form=self.form,
            button=self.save,
            done=saved,
        )
