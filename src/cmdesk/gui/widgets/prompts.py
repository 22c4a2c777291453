"""Questions that do not block: window-modal boxes opened with open(), answered by callback.

A nested exec() loop would stop timers and the worker's deliveries from being handled the way
the rest of the app expects; open() keeps one event loop, and tests can answer by clicking.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.i18n import Translator
from cmdesk.gui.i18n import Language
from cmdesk.gui.widgets.choice import ChoiceCombo, Item
from cmdesk.gui.widgets.dialog_buttons import ok_cancel_buttons, translate_ok_cancel
from cmdesk.gui.widgets.dialog_frame import dialog_title, one_use_dialog
from cmdesk.gui.widgets.form import FormGrid
from cmdesk.gui.widgets.labels import add_heading_and_text
from cmdesk.gui.widgets.text_box import TextBox


def ask(
    parent: QWidget,
    text: str,
    *,
    yes: str,
    no: str,
    on_yes: Callable[[], object],  # what it returns is not used
) -> QMessageBox:
    box = QMessageBox(parent)
    box.setObjectName("question")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("cmdesk")
    box.setText(text)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    yes_button.setObjectName("yes")
    no_button = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    no_button.setObjectName("no")
    box.setDefaultButton(no_button)  # Enter by habit must not discard or delete anything

    def answered(button: object) -> None:
        if button is yes_button:
            on_yes()

    box.buttonClicked.connect(answered)
    box.finished.connect(box.deleteLater)
    box.open()
    return box


Render = Callable[[Translator], str]


class ReasonDialog(QDialog):
    """Asks for the reason of a step that needs one (decline, withdraw, return a plan...),
    optionally with a pick list before it (the closure reason). Empty text is refused here
    already; the core checks again. Its words are given per language, so it follows a switch."""

    def __init__(
        self,
        parent: QWidget,
        lang: Language,
        *,
        title: Render,
        prompt: Render,
        ok: Render,
        on_ok: Callable[[str, str], None],
        choices: list[Item] | None = None,
        choice_label: Render | None = None,
        text_label: Render,
        text_required: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reason-dialog")
        self._lang = lang
        self._texts = (title, prompt, ok)
        self._on_ok = on_ok
        self._text_required = text_required
        layout = QVBoxLayout(self)
        self.heading, self.prompt = add_heading_and_text(layout, self)
        self.form = FormGrid(self)
        self.choice: ChoiceCombo | None = None
        if choices is not None:
            self.choice = ChoiceCombo(choices, self)
            self.choice.setObjectName("reason-choice")
            self.form.add("choice", choice_label or (lambda _tr: ""), self.choice)
        self.text = TextBox(self, lines=4)
        self.text.setObjectName("reason-text")
        self.form.add("reason", text_label, self.text, required=text_required)
        layout.addWidget(self.form)
        self.buttons, self.ok_button, self.cancel_button = ok_cancel_buttons(
            self, "ok", self.accept
        )
        layout.addWidget(self.buttons)
        one_use_dialog(self, lang, self.retranslate)
        self.setMinimumWidth(480)

    def retranslate(self) -> None:
        tr = self._lang.translator
        title, prompt, ok = self._texts
        dialog_title(self, self.heading, title(tr))
        self.prompt.setText(prompt(tr))
        if self.choice is not None:
            self.choice.retranslate(tr)
        self.form.retranslate(tr)
        translate_ok_cancel(tr, self.ok_button, ok(tr), self.cancel_button)

    def accept(self) -> None:
        reason = self.text.text().strip()
        if self._text_required and not reason:
            self.form.set_error("reason", lambda tr: tr.gettext("This field is required."))
            self.text.setFocus()
            return
        choice = self.choice.code() if self.choice is not None else ""
        super().accept()
        self._on_ok(choice, reason)
