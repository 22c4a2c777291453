"""The duplicate warning: children already in the vault who may be this one, and why.

Registering a child twice splits their history in two (a second worker never sees the first
worker's notes), so the candidates are shown before anything is created: the worker compares,
then goes back, or confirms that this is a different child.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QTreeWidgetItem, QVBoxLayout, QWidget

from cmdesk.core.i18n import N_, Translator, buddhist_year
from cmdesk.core.model.child import full_name
from cmdesk.core.services.duplicates import DuplicateCandidate
from cmdesk.gui.widgets.details import record_list, stretch_column
from cmdesk.gui.widgets.labels import add_heading_and_text

REASONS = {
    "id_number": N_("Same identity number"),
    "name_th": N_("Similar Thai name, same birth year and subdistrict"),
    "name_latin": N_("Similar Latin name, same birth year and subdistrict"),
}


@dataclass(frozen=True)
class Candidate:
    found: DuplicateCandidate
    place_th: str
    place_en: str


def with_places(found: list[DuplicateCandidate]) -> list[Candidate]:
    """Runs on the worker: subdistrict names for the codes."""
    from cmdesk.core.reference import geography

    out = []
    for c in found:
        area = geography.subdistrict(c.subdistrict_code) if c.subdistrict_code else None
        out.append(Candidate(c, area.name_th if area else "", area.name_en if area else ""))
    return out


class DuplicatesPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title, self.body = add_heading_and_text(layout, self)
        self.table = record_list(self, "duplicate-candidates", wrap=True)
        layout.addWidget(self.table, 1)
        self.candidates: list[Candidate] = []

    def retranslate(self, tr: Translator) -> None:
        self.title.setText(tr.gettext("This child may already be registered"))
        self.body.setText(
            tr.gettext(
                "Compare these children with the one you are registering. If one of them is "
                "the same child, do not register again: ask the worker on their case to add "
                "you, or go back and correct the details."
            )
        )
        self.table.setHeaderLabels(
            [
                tr.gettext("Name"),
                tr.gettext("Nickname"),
                tr.gettext("Born"),
                tr.gettext("Subdistrict"),
                tr.gettext("Case numbers"),
                tr.gettext("Why it may be the same child"),
            ]
        )
        self.table.setAccessibleName(self.title.text())
        stretch_column(self.table, 5)
        self.show_candidates(self.candidates, tr)

    def show_candidates(self, candidates: list[Candidate], tr: Translator) -> None:
        self.candidates = candidates
        self.table.clear()
        th = tr.locale == "th"
        for item in candidates:
            c = item.found
            name_th = full_name(c.given_name_th, c.family_name_th)
            name_latin = full_name(c.given_name_latin, c.family_name_latin)
            names = [n for n in ((name_th, name_latin) if th else (name_latin, name_th)) if n]
            year = ""
            if c.birth_year is not None:
                year = str(buddhist_year(c.birth_year) if th else c.birth_year)
            QTreeWidgetItem(
                self.table,
                [
                    " / ".join(names),
                    c.nickname,
                    year,
                    (item.place_th if th else item.place_en) or c.subdistrict_code,
                    ", ".join(c.case_numbers),
                    "; ".join(tr.gettext(REASONS.get(r, r)) for r in c.reasons),
                ],
            )
