"""A date of birth as the family knows it: the exact day, only the year, or an age someone
gave on some day ("about 12"). Nothing is invented: a year alone is never stored as 1 January.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QWidget,
)

from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.errors import ValidationError
from cmdesk.core.i18n import N_, BirthDate, Translator, parse_year
from cmdesk.core.i18n.birthdate import MAX_AGE
from cmdesk.gui.widgets.choice import ChoiceCombo
from cmdesk.gui.widgets.date_field import DateField, say_problem

KINDS = (
    ("exact", N_("Exact date")),
    ("year", N_("Only the year")),
    ("estimated", N_("Age as told")),
    ("unknown", N_("Not known")),
)


class BirthDateInput(QWidget):
    problem = Signal(str)

    def __init__(self, tr: Callable[[], Translator], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tr = tr
        self._problem = False
        # An age told on an earlier day, kept as told while the age shown is not changed
        # (editing a child must not move the estimate to today).
        self._told: BirthDate | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.kind = ChoiceCombo(KINDS, self)
        self.kind.setObjectName("birth-kind")
        row.addWidget(self.kind)
        self.pages = QStackedWidget(self)
        self.day = DateField(tr, self.pages, name="birth", required=True)
        self.day.setObjectName("birth-day")
        self.day.problem.connect(self.problem)
        self.pages.addWidget(self.day)
        self.year = QLineEdit(self.pages)
        self.year.setObjectName("birth-year")
        self.year.editingFinished.connect(self.check)
        self.pages.addWidget(self.year)
        age_page = QWidget(self.pages)
        age_row = QHBoxLayout(age_page)
        age_row.setContentsMargins(0, 0, 0, 0)
        self.age = QSpinBox(age_page)
        self.age.setObjectName("birth-age")
        self.age.setRange(0, MAX_AGE)
        self.age.setValue(10)
        age_row.addWidget(self.age)
        self.years_label = QLabel(age_page)
        age_row.addWidget(self.years_label)
        age_row.addStretch(1)
        self.pages.addWidget(age_page)
        self.pages.addWidget(QWidget(self.pages))
        row.addWidget(self.pages, 1)
        # One line high whatever the page: the stack would otherwise grow into spare room.
        self.pages.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.pages.setFixedHeight(self.day.sizeHint().height())
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.kind.currentIndexChanged.connect(self._kind_changed)

    def retranslate(self, tr: Translator) -> None:
        self.kind.retranslate(tr)
        # A value set before the first translation (a form filled in as it opens) waited in
        # the empty list for its items; show the page of the kind it picked now.
        self.pages.setCurrentIndex(max(self.kind.currentIndex(), 0))
        self.kind.setAccessibleName(tr.gettext("How the birth date is known"))
        self.day.retranslate(tr)
        self.year.setPlaceholderText(tr.gettext("for example 2555 or 2012"))
        self.year.setAccessibleName(tr.gettext("Year of birth"))
        self.years_label.setText(tr.gettext("years old, as told today"))
        self.age.setAccessibleName(tr.gettext("Age in years"))
        if self._problem and self.kind.code() != "exact":
            self.check()  # the message under the field, in the new language

    def set_value(self, birth: BirthDate | None) -> None:
        """Shows a stored birth date as it was told (a year in the reader's era)."""
        self._told = None
        if birth is None:
            self.kind.set_code("unknown")
        elif birth.precision == "exact":
            self.kind.set_code("exact")
            self.day.set_value(birth.day)
        elif birth.precision == "year":
            self.kind.set_code("year")
            shown = birth.year + 543 if self._tr().locale == "th" else birth.year
            self.year.setText(str(shown))
        else:
            self.kind.set_code("estimated")
            self.age.setValue(birth.stated_age or 0)
            self._told = birth
        self.pages.setCurrentIndex(max(self.kind.currentIndex(), 0))

    def _kind_changed(self, index: int) -> None:
        self.pages.setCurrentIndex(max(index, 0))
        self.problem.emit("")

    def check(self) -> bool:
        self._problem = not say_problem(self.value, self._tr(), self.problem)
        return not self._problem

    def value(self) -> BirthDate | None:
        """What was told, or None if not known; ValidationError(field "birth") if unreadable."""
        kind = self.kind.code()
        if kind == "exact":
            day = self.day.value()
            return BirthDate.exact(day) if day else None
        if kind == "year":
            year = parse_year(self.year.text(), self._tr().locale, field="birth")
            return BirthDate.year_only(year)
        if kind == "estimated":
            told = self._told
            if told is not None and told.stated_age == self.age.value():
                return told
            try:
                return BirthDate.from_age(self.age.value(), on=thai_today())
            except ValidationError as bad:
                raise ValidationError([replace(e, field="birth") for e in bad.errors]) from None
        return None
