"""The one thread that touches the vault.

SQLite wants one writer, and a query or an Argon2 unlock on the GUI thread would freeze the
window; so every database call runs here, in order, and its result comes back to the GUI
thread through a queued signal. `ops.QueryOp`/`ops.ChangeOp` are the friendly way to use it.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QThread, Signal

from cmdesk.core.progress import Cancelled, CancelToken

_log = logging.getLogger(__name__)


@dataclass(eq=False)  # identity, so the session can keep a set of running jobs
class Job:
    """A long job's handle: progress goes to the GUI, the cancel token comes from it."""

    cancel: CancelToken = field(default_factory=CancelToken)
    _report: Callable[[int, int], None] | None = None
    _last: float = 0.0

    def progress(self, done: int, total: int = 0) -> None:
        """Reports progress; throttled to about 20 updates a second so the GUI stays free."""
        self.report(done, total)
        self.cancel.check()

    def report(self, done: int, total: int = 0) -> None:
        """Progress only, never raising: for core long work that checks `cancel` itself and
        returns what it finished (a batch print keeps its complete files)."""
        now = time.monotonic()
        if self._report is not None and (now - self._last >= 0.05 or done >= total > 0):
            self._last = now
            self._report(done, total)


@dataclass
class _Task:
    fn: Callable[[], Any]
    on_success: Callable[[Any], None]
    on_failure: Callable[[BaseException], None]


class _Bridge(QObject):
    """Lives on the GUI thread; signals emitted from the worker reach it queued."""

    delivered = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.delivered.connect(self._deliver)

    @staticmethod
    def _deliver(call: Callable[[], None]) -> None:
        call()


class Worker(QThread):
    """Runs submitted functions one at a time, in submission order."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cmdesk-db-worker")
        self._queue: queue.Queue[_Task | None] = queue.Queue()
        self._bridge = _Bridge()
        self._pending = 0
        self._lock = threading.Lock()

    # -- GUI thread ---------------------------------------------------------------------------
    def submit(
        self,
        fn: Callable[[], Any],
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None],
    ) -> None:
        if not self.isRunning():
            self.start()
        with self._lock:
            self._pending += 1
            first = self._pending == 1
        if first:
            self.busy_changed.emit(True)
        self._queue.put(_Task(fn, on_success, on_failure))

    def post(self, call: Callable[[], None]) -> None:
        """Runs `call` on the GUI thread soon (safe to use from the worker)."""
        self._bridge.delivered.emit(call)

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def stop(self) -> None:
        """Finishes the queued work, then ends the thread.

        Waits as long as that takes: the queue ends with locking the vault, and a save still
        queued must not be lost. Long jobs are cancelled by the lock before this is called.
        (A QThread object destroyed while its thread runs aborts the whole process, which is
        what a timed wait here led to on a busy machine.)"""
        if self.isRunning():
            self._queue.put(None)
            self.wait()

    # -- worker thread ------------------------------------------------------------------------
    def run(self) -> None:
        while True:
            task = self._queue.get()
            if task is None:
                return
            try:
                result = task.fn()
            except BaseException as exc:  # every failure goes back to the GUI, never lost
                log_failure(exc)
                self.post(_finish(self, task.on_failure, exc))
            else:
                self.post(_finish(self, task.on_success, result))

    def _done(self) -> None:
        with self._lock:
            self._pending -= 1
            idle = self._pending == 0
        if idle:
            self.busy_changed.emit(False)


def _finish(worker: Worker, callback: Callable[[Any], None], value: Any) -> Callable[[], None]:
    def call() -> None:
        try:
            # A widget's method whose widget was deleted while the job ran (the unlock page
            # replaced by the workspace, a dialog closed): nobody is left to tell.
            owner = getattr(callback, "__self__", None)
            if not isinstance(owner, QObject) or shiboken6.isValid(owner):
                callback(value)
        finally:
            worker._done()

    return call


def log_failure(exc: BaseException) -> None:
    """Logs where an unexpected error happened, without its message: database errors quote the
    statement's parameters, which can be a child's name."""
    from cmdesk.core.errors import CmdeskError

    if isinstance(exc, CmdeskError | Cancelled):
        return
    # File, line and function only: not even the source line, which can quote a literal.
    frames = "\n".join(
        f"  {frame.filename}:{frame.lineno} in {frame.name}"
        for frame in traceback.extract_tb(exc.__traceback__)
    )
    _log.error("unexpected %s in a background job\n%s", type(exc).__name__, frames)
    from cmdesk.core.crash import write_report

    write_report(exc, "cmdesk-gui worker")
