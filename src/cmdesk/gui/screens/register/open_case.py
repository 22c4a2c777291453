"""Opening the child's case: the protection concerns, and the risk with its reason."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWidget

from cmdesk.core.i18n import N_, Translator
from cmdesk.gui.widgets.choice import CheckList, ChoiceCombo, kind_items
from cmdesk.gui.widgets.form import FormGrid
from cmdesk.gui.widgets.text_box import TextBox


class OpenCaseForm(FormGrid):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.concerns = CheckList(kind_items("concern"), self, columns=2)
        self.concerns.setObjectName("concerns")
        self.add("concerns", N_("Protection concerns"), self.concerns, required=True)
        self.concern_other = QLineEdit(self)
        self.concern_other.setObjectName("concern-other")
        self.add("concern_other", N_("The other concern"), self.concern_other, required=True)
        self.risk = ChoiceCombo(kind_items("risk"), self)
        self.risk.setObjectName("risk-level")
        self.add("risk_level", N_("Risk level"), self.risk, required=True)
        self.risk_reason = TextBox(self, lines=3)
        self.risk_reason.setObjectName("risk-reason")
        self.add("risk_reason", N_("Why this risk level"), self.risk_reason, required=True)
        self.risk.set_code("medium")
        self.concerns.changed.connect(self._other_shown)
        self._other_shown()

    def retranslate(self, tr: Translator) -> None:
        super().retranslate(tr)
        self.concerns.retranslate(tr)
        self.risk.retranslate(tr)

    def _other_shown(self) -> None:
        self.set_row_visible("concern_other", "other" in self.concerns.codes())

    def fields(self) -> list[QWidget]:
        return [self.concern_other, self.risk_reason]
