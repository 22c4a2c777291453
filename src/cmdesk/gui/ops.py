"""QueryOp (read) and ChangeOp (write): run a function with the workspace on the worker thread
and come back to the GUI thread with its result (the shape of Anki's QueryOp/CollectionOp).

    QueryOp(session, parent=self, op=lambda ws: ws.cases.search(q), success=self.show).run()

    ChangeOp(session, parent=self, op=lambda ws: ws.cases.close(case_id)).run()
        # after success, session.operation_did_execute(changes, parent) refreshes the views

Long work: `.with_progress(label)` shows a cancellable progress dialog and calls op(ws, job),
where `job.progress(done, total)` reports and `job.cancel` is the token to pass to the core.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from cmdesk.core.acting.changes import OpChanges
from cmdesk.core.errors import VaultLocked
from cmdesk.core.progress import Cancelled
from cmdesk.gui.errors import show_error
from cmdesk.gui.worker import Job

if TYPE_CHECKING:
    from typing import Self

    from cmdesk.core.workspace import Workspace
    from cmdesk.gui.session import Session

T = TypeVar("T")


class _Op(Generic[T]):
    def __init__(
        self,
        session: Session,
        *,
        parent: QWidget | None,
        op: Callable[..., T],
        success: Callable[[T], None] | None = None,
    ) -> None:
        self._session = session
        self._parent = parent
        self._op = op
        self._success = success
        self._failure: Callable[[BaseException], None] | None = None
        self._progress_label: str | None = None
        self.job = Job()

    def failure(self, callback: Callable[[BaseException], None]) -> Self:
        self._failure = callback
        return self

    def with_progress(self, label: str) -> Self:
        self._progress_label = label
        return self

    def run(self) -> Job:
        session, job = self._session, self.job
        dialog = self._progress_dialog() if self._progress_label is not None else None
        session.track(job)

        def work(ws: Workspace) -> T:
            job.cancel.check()
            if self._progress_label is not None:
                return self._op(ws, job)
            return self._op(ws)

        def finished() -> None:
            session.untrack(job)
            if dialog is not None:
                dialog.reset()
                dialog.deleteLater()

        def ok(result: T) -> None:
            finished()
            if not self._alive():
                return
            self._after_success(result)
            if self._success is not None:
                self._success(result)

        def failed(exc: BaseException) -> None:
            finished()
            if not self._alive():
                return
            if self._failure is not None:
                self._failure(exc)
            elif isinstance(exc, VaultLocked) and not session.is_unlocked:
                pass  # the user locked while it ran; nothing to say
            elif isinstance(exc, Cancelled):
                pass  # the user pressed Cancel
            else:
                show_error(self._parent, exc, session.lang.translator)

        session.run(work, ok, failed)
        return job

    def _after_success(self, result: T) -> None:
        pass

    def _alive(self) -> bool:
        # The window that asked may have closed meanwhile; its callbacks must not run then.
        return self._parent is None or shiboken6.isValid(self._parent)

    def _progress_dialog(self) -> QProgressDialog:
        tr = self._session.lang.translator
        dialog = QProgressDialog(
            self._progress_label or "", tr.gettext("Cancel"), 0, 0, self._parent
        )
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(400)  # quick jobs finish before a dialog would flash
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(self.job.cancel.cancel)
        worker = self._session.worker

        def report(done: int, total: int) -> None:
            def show() -> None:
                if shiboken6.isValid(dialog):
                    dialog.setMaximum(max(total, 0))
                    dialog.setValue(done if total else 0)

            worker.post(show)

        self.job._report = report
        return dialog


class QueryOp(_Op[T]):
    """Reads. Changes nothing, so no refresh signal."""


class ChangeOp(_Op[T]):
    """Writes. The result (an OpChanges, or a DTO carrying `.changes`) is announced through
    `session.operation_did_execute` so every view showing the changed records refreshes."""

    def _after_success(self, result: T) -> None:
        changes = changes_of(result)
        if changes is not None:
            self._session.operation_did_execute.emit(changes, self._parent)


def changes_of(result: Any) -> OpChanges | None:
    if isinstance(result, OpChanges):
        return result
    found = getattr(result, "changes", None)
    if isinstance(found, OpChanges):
        return found
    if isinstance(result, tuple):
        for item in result:
            if isinstance(item, OpChanges):
                return item
    return None
