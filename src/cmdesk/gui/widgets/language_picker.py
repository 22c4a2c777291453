"""Choosing the language: each name is written in its own language, so anyone finds theirs."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QWidget

from cmdesk.core.i18n import Translator
from cmdesk.gui.i18n import Language

if TYPE_CHECKING:
    # Only the type: the choice widgets load the records model (SQLAlchemy and every table),
    # which the unlock window must not wait for (it doubled the time to the unlock window).
    from cmdesk.gui.widgets.choice import Item

# Endonyms: never translated (a Thai speaker looking at an English screen must still find
# "ภาษาไทย", and the reverse).
LANGUAGE_NAMES = (("th", "ภาษาไทย"), ("en", "English"))


def language_items() -> list[Item]:
    """The languages for a pick list (of a document's language), each named in itself."""

    def endonym(name: str) -> Callable[[Translator], str]:
        return lambda _tr: name

    return [(code, endonym(name)) for code, name in LANGUAGE_NAMES]


class LanguagePicker(QComboBox):
    def __init__(self, lang: Language, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lang = lang
        self.setProperty("verbatim", True)  # endonyms, exempt from the "all Thai" check
        for code, name in LANGUAGE_NAMES:
            self.addItem(name, code)
        self._sync(lang.locale)
        lang.language_changed.connect(self._sync)
        self.currentIndexChanged.connect(self._picked)

    def _sync(self, locale: str) -> None:
        index = self.findData(locale)
        if index >= 0 and index != self.currentIndex():
            self.blockSignals(True)
            self.setCurrentIndex(index)
            self.blockSignals(False)
        self.setAccessibleName(self._lang.translator.gettext("Language"))
        self.setToolTip(self._lang.translator.gettext("Language"))

    def _picked(self, index: int) -> None:
        code = self.itemData(index)
        if code in ("th", "en"):
            self._lang.set_locale(code)
