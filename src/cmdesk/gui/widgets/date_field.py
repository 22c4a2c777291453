"""A date typed as people write it: day first, Buddhist Era in Thai (15/1/2568), or Gregorian.

What was typed is read when the field is left: a date it understands is rewritten in the
standard short form of the language (so a misread day/month is visible at once), anything
else gets a message under the field saying how to write it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Signal, SignalInstance
from PySide6.QtWidgets import QLineEdit, QWidget

from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.errors import ValidationError
from cmdesk.core.i18n import Locale, Translator, buddhist_year, parse_date
from cmdesk.core.i18n.date_input import EMPTY


def say_problem(read: Callable[[], object], tr: Translator, problem: SignalInstance) -> bool:
    """Reads a field's value; says what is wrong with it under the field (or clears that)."""
    try:
        read()
    except ValidationError as bad:
        problem.emit(bad.errors[0].message(tr))
        return False
    problem.emit("")
    return True


def short_date(value: date, locale: Locale) -> str:
    """15/1/2568 in Thai, 15/1/2025 in English: what the field shows and accepts back."""
    year = buddhist_year(value.year) if locale == "th" else value.year
    return f"{value.day}/{value.month}/{year}"


class DateField(QLineEdit):
    # The message to show under the field ("" when the date is fine or empty).
    problem = Signal(str)

    def __init__(
        self,
        tr: Callable[[], Translator],
        parent: QWidget | None = None,
        *,
        name: str = "date",
        required: bool = False,
    ) -> None:
        super().__init__(parent)
        self._tr = tr
        self._name = name
        self._required = required
        self._value: date | None = None
        self._problem = False
        self.editingFinished.connect(self.check)
        self.textEdited.connect(lambda _t: self.problem.emit(""))

    def retranslate(self, tr: Translator) -> None:
        self.setPlaceholderText(
            tr.format(
                "day/month/year, for example {example}", example=short_date(thai_today(), tr.locale)
            )
        )
        if self._value is not None:
            self.setText(short_date(self._value, tr.locale))
        elif self._problem:
            self.check()  # the message under the field, in the new language

    def check(self) -> bool:
        self._problem = not say_problem(self.value, self._tr(), self.problem)
        return not self._problem

    def value(self) -> date | None:
        """The date typed (None if empty and optional); ValidationError if unreadable."""
        text = self.text().strip()
        tr = self._tr()
        if not text:
            self._value = None
            if self._required:
                raise ValidationError.single(self._name, EMPTY)
            return None
        self._value = parse_date(text, tr.locale, field=self._name)
        shown = short_date(self._value, tr.locale)
        if shown != text:
            self.setText(shown)
        return self._value

    def set_value(self, value: date | None) -> None:
        self._value = value
        self.setText(short_date(value, self._tr().locale) if value else "")
