"""Progress and cancellation for long work, one kind for the whole core: sync, batch printing
and demo data report progress through a `Progress` callback and stop at a `CancelToken`; the
CLI draws a line and turns Ctrl+C into a cancel, the GUI draws a bar and has a Cancel button,
both handing the same token to the core.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from cmdesk.core.errors import CmdeskError
from cmdesk.core.text_ids import N_

# (steps done, steps in all; 0 when not known)
Progress = Callable[[int, int], None]


class Cancelled(CmdeskError):
    """Long work stopped at a cancel; each kind of work says what it kept."""

    msgid = N_("Stopped. Nothing was changed.")


class CancelToken:
    """Cancelled from any thread (a Cancel button, Ctrl+C); the work checks it between steps,
    so whatever it stops after is whole."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self, error: type[Cancelled] = Cancelled) -> None:
        """Raises `error` once cancelled."""
        if self._event.is_set():
            raise error


def no_progress(done: int, total: int) -> None:
    return None
