"""The open vault as the GUI sees it: the Workspace (or none while locked), the worker that
runs every call on it, and the signals screens listen to.

Screens never keep a Workspace: they ask the session to run a function with it on the worker
(see ops.py), so locking is one place: drop the reference, cancel long jobs, and queue
`ws.lock()` behind whatever is running.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, Signal

from cmdesk.core.errors import VaultLocked
from cmdesk.gui.i18n import Language
from cmdesk.gui.security import ClipboardGuard
from cmdesk.gui.worker import Job, Worker

if TYPE_CHECKING:
    from cmdesk.core.acting.context import Actor
    from cmdesk.core.workspace import Workspace
    from cmdesk.gui.settings import GuiSettings

T = TypeVar("T")


class Session(QObject):
    unlocked = Signal()
    locked = Signal()
    # (OpChanges, initiator): emitted after every successful change op (Anki's
    # operation_did_execute); views refresh from it instead of from each other.
    operation_did_execute = Signal(object, object)

    def __init__(self, lang: Language, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        # The laptop's GUI settings, for screens that remember a choice (set by the shell).
        self.settings: GuiSettings | None = None
        self.worker = Worker()
        self._ws: Workspace | None = None
        self.vault_path: Path | None = None
        self.actor: Actor | None = None
        self._jobs: set[Job] = set()
        # One guard for the whole app: any screen copying an identity number goes through it,
        # and locking clears it.
        self.clipboard = ClipboardGuard(self)

    # -- state ----------------------------------------------------------------------------------
    @property
    def is_unlocked(self) -> bool:
        return self._ws is not None

    def workspace(self) -> Workspace:
        """The open workspace; raises VaultLocked once locked (read on the worker thread)."""
        ws = self._ws
        if ws is None:
            raise VaultLocked
        return ws

    # -- running work ---------------------------------------------------------------------------
    def run(
        self,
        fn: Callable[[Workspace], T],
        on_success: Callable[[T], None],
        on_failure: Callable[[BaseException], None],
    ) -> None:
        # The workspace is looked up when the job runs, not now: a job queued before a lock
        # then fails with VaultLocked instead of using a vault the user just locked.
        self.worker.submit(lambda: fn(self.workspace()), on_success, on_failure)

    def track(self, job: Job) -> None:
        self._jobs.add(job)

    def untrack(self, job: Job) -> None:
        self._jobs.discard(job)

    # -- unlocking and locking ------------------------------------------------------------------
    def unlock(
        self,
        path: Path,
        username: str,
        passphrase: str,
        on_success: Callable[[], None],
        on_failure: Callable[[BaseException], None],
    ) -> None:
        """Argon2 takes about half a second by design, so it runs on the worker too."""

        def work() -> Workspace:
            from cmdesk.core.workspace import Workspace

            return Workspace.open(path, username, passphrase)

        self.worker.submit(work, lambda ws: self._opened(ws, path, on_success), on_failure)

    def create(
        self,
        path: Path,
        on_success: Callable[[], None],
        on_failure: Callable[[BaseException], None],
        **fields: Any,
    ) -> None:
        def work() -> Workspace:
            from cmdesk.core.workspace import Workspace

            return Workspace.create(path, **fields)

        self.worker.submit(work, lambda ws: self._opened(ws, path, on_success), on_failure)

    def join(
        self,
        path: Path,
        enrolment_file: Path,
        fields: dict[str, str],
        on_success: Callable[[tuple[str, ...] | None], None],
        on_failure: Callable[[BaseException], None],
    ) -> None:
        """A new laptop of the organisation, from the enrolment file the data manager made
        (`fields`: enrol_passphrase, username, passphrase, display_name). `on_success` hears
        whether the office's directory knows the user name (UserService.unknown_to_the_office)."""

        def work() -> tuple[Workspace, tuple[str, ...] | None]:
            from cmdesk.core.workspace import Workspace

            data = enrolment_file.read_bytes()
            ws = Workspace.join(
                path,
                data,
                fields["enrol_passphrase"],
                username=fields["username"],
                passphrase=fields["passphrase"],
                display_name=fields["display_name"],
            )
            return ws, ws.users.unknown_to_the_office(ws.actor.username)

        def opened(result: tuple[Workspace, tuple[str, ...] | None]) -> None:
            ws, unknown = result
            self._opened(ws, path, lambda: on_success(unknown))

        self.worker.submit(work, opened, on_failure)

    def recover(
        self,
        path: Path,
        key_file: Path,
        username: str,
        new_passphrase: str,
        on_success: Callable[[], None],
        on_failure: Callable[[BaseException], None],
    ) -> None:
        """Forgotten passphrase: the organisation's recovery key sets a new one and unlocks."""

        def work() -> Workspace:
            from cmdesk.core.vault.recovery_file import read_recovery_key
            from cmdesk.core.workspace import Workspace

            key = read_recovery_key(key_file)
            return Workspace.recover(path, key, username, new_passphrase)

        self.worker.submit(work, lambda ws: self._opened(ws, path, on_success), on_failure)

    def _opened(self, ws: Workspace, path: Path, then: Callable[[], None]) -> None:
        if self._ws is not None and self._ws is not ws:
            self.worker.submit(self._ws.lock, _ignore, _ignore)
        self._ws = ws
        self.vault_path = path
        self.actor = ws.actor
        self.unlocked.emit()
        then()

    def lock(self) -> None:
        ws, self._ws = self._ws, None
        if ws is None:
            return
        for job in list(self._jobs):
            job.cancel.cancel()
        # Behind the job now running (if any), so no query loses its engine mid-statement.
        self.worker.submit(ws.lock, _ignore, _ignore)
        self.locked.emit()

    def shutdown(self) -> None:
        self.lock()
        self.worker.stop()


def _ignore(_: object) -> None:
    pass
