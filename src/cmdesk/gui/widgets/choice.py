"""Pick lists whose labels follow the language: stored codes stay, the words change.

Enums take their labels from cmdesk.core.model.labels (one msgid per code, translated once in
the model catalog), so a screen never invents its own wording for a stored value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QWidget

from cmdesk.core.i18n import Translator
from cmdesk.core.model.labels import choices, label_of

# A label is an msgid (translated with gettext) or a function of the translator (names that
# come with their own Thai and English, e.g. places and organisations).
Label = str | Callable[[Translator], str]
Item = tuple[str, Label]


def label_text(label: Label, tr: Translator) -> str:
    return label(tr) if callable(label) else tr.gettext(label)


def code_labels(tr: Translator) -> Callable[[str, str | None], str]:
    """Stored codes in the reader's words: `lab = code_labels(tr)`, then `lab(kind, code)`
    for a code of a field kind, "" where there is no code."""

    def lab(kind: str, code: str | None) -> str:
        return tr.gettext(label_of(kind, code)) if code else ""

    return lab


def kind_items(kind: str, *, skip: Iterable[str] = ()) -> list[Item]:
    """The pick list of a stored field kind (model.labels), minus codes in `skip`."""
    left_out = set(skip)
    return [(code, msgid) for code, msgid in choices(kind) if code not in left_out]


class ChoiceCombo(QComboBox):
    """A combo box of codes. `placeholder` adds a first "choose" entry whose code is ""."""

    def __init__(
        self,
        items: Sequence[Item] = (),
        parent: QWidget | None = None,
        *,
        placeholder: str | None = None,
    ) -> None:
        super().__init__(parent)
        # Long Thai labels (organisation names) must not widen the whole form: the list that
        # drops down is as wide as it needs, the closed box is not.
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(14)
        self._items: list[Item] = []
        self._placeholder = placeholder
        self._tr: Translator | None = None
        # A code chosen before the labels are filled in (first retranslate) or before its item
        # arrived (a list loaded on the worker): selected as soon as it is there.
        self._pending = ""
        self.set_items(items)

    def set_items(self, items: Sequence[Item]) -> None:
        current = self.code()
        self._items = list(items)
        if self._tr is not None:
            self._fill(self._tr, current)

    def retranslate(self, tr: Translator) -> None:
        self._tr = tr
        self._fill(tr, self.code())

    def _fill(self, tr: Translator, keep: str) -> None:
        keep = self._pending or keep
        self.blockSignals(True)
        self.clear()
        if self._placeholder is not None:
            self.addItem(tr.gettext(self._placeholder), "")
        for code, label in self._items:
            self.addItem(label_text(label, tr), code)
        index = self.findData(keep)
        if index >= 0:
            self._pending = ""
        self.setCurrentIndex(max(index, 0))
        self.blockSignals(False)

    def code(self) -> str:
        data = self.currentData()
        return str(data) if data is not None else ""

    def set_code(self, code: str) -> None:
        index = self.findData(code)
        self._pending = "" if index >= 0 else code
        self.setCurrentIndex(max(index, 0))


class CheckList(QWidget):
    """Several codes at once (concerns, sections to share), as check boxes in columns."""

    changed = Signal()

    def __init__(
        self, items: Sequence[Item], parent: QWidget | None = None, *, columns: int = 2
    ) -> None:
        super().__init__(parent)
        self._items = list(items)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(16)
        self.boxes: dict[str, QCheckBox] = {}
        for i, (code, _label) in enumerate(self._items):
            box = QCheckBox(self)
            box.setObjectName(f"choice-{code}")
            box.toggled.connect(lambda _on: self.changed.emit())
            grid.addWidget(box, i // columns, i % columns)
            self.boxes[code] = box
        for column in range(columns):
            grid.setColumnStretch(column, 1)

    def retranslate(self, tr: Translator) -> None:
        for code, label in self._items:
            text = label_text(label, tr)
            self.boxes[code].setText(text)
            self.boxes[code].setAccessibleName(text)

    def codes(self) -> tuple[str, ...]:
        return tuple(code for code, _label in self._items if self.boxes[code].isChecked())

    def set_codes(self, codes: Iterable[str]) -> None:
        wanted = set(codes)
        for code, box in self.boxes.items():
            box.setChecked(code in wanted)
