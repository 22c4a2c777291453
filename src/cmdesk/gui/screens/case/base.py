"""What every tab of the case workspace shares: the session, the case shown, and one way to
run a change whose field errors land under the fields of the form that sent it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QAbstractButton, QWidget

from cmdesk.core.i18n import Translator
from cmdesk.gui.ops import ChangeOp
from cmdesk.gui.widgets.form import FormGrid
from cmdesk.gui.widgets.prompts import ReasonDialog, Render
from cmdesk.gui.widgets.unsaved import DirtyTracker

if TYPE_CHECKING:
    from cmdesk.core.workspace import Workspace
    from cmdesk.gui.screens.case.data import CaseBundle
    from cmdesk.gui.screens.case.page import CasePage
    from cmdesk.gui.session import Session


class CaseTab(QWidget):
    def __init__(self, page: CasePage) -> None:
        super().__init__(page.tabs)
        self.page = page
        self.session: Session = page.session
        self.tracker = DirtyTracker(self)

    @property
    def translator(self) -> Translator:
        return self.session.lang.translator

    @property
    def bundle(self) -> CaseBundle | None:
        return self.page.bundle

    # -- to implement ---------------------------------------------------------------------
    def title(self) -> str:
        raise NotImplementedError

    def show_bundle(self, bundle: CaseBundle) -> None:
        raise NotImplementedError

    def clear(self) -> None:
        """Drops every record shown (on lock); typed, unsaved text stays."""
        raise NotImplementedError

    def retranslate(self) -> None:
        raise NotImplementedError

    def reset_forms(self) -> None:
        """Empties the tab's forms (after saving, or when the user chose to discard)."""

    def discard(self) -> None:
        with self.tracker.paused():
            self.reset_forms()
        self.tracker.mark_clean()

    # -- shared -----------------------------------------------------------------------------
    def change(
        self,
        op: Callable[[Workspace], Any],
        *,
        form: FormGrid | None = None,
        button: QAbstractButton | None = None,
        done: Callable[[Any], None] | None = None,
    ) -> None:
        """Runs a write on the worker; on success the page reloads from the change signal."""
        self.page.message.clear_message()
        if form is not None:
            form.clear_errors()
        if button is not None:
            button.setEnabled(False)

        def ok(result: Any) -> None:
            if button is not None:
                button.setEnabled(True)
            if done is not None:
                done(result)

        def failed(exc: BaseException) -> None:
            if button is not None:
                button.setEnabled(True)
            self.page.show_failure(exc, form)

        ChangeOp(self.session, parent=self, op=op, success=ok).failure(failed).run()

    def ask_reason(
        self,
        *,
        title: Render,
        prompt: Render,
        ok: Render,
        change: Callable[[Workspace, str], Any],
    ) -> None:
        """Asks why (withdrawing a consent, removing a record...), then makes the change with
        the reason given."""
        ReasonDialog(
            self.page,
            self.session.lang,
            title=title,
            prompt=prompt,
            ok=ok,
            text_label=lambda t: t.gettext("Reason"),
            on_ok=lambda _c, why: self.change(lambda ws: change(ws, why)),
        ).open()
