"""Progress reports and cancellation for long sync work (the GUI shows a bar, the CLI a line)."""

from __future__ import annotations

from collections.abc import Callable

from cmdesk.core.sync import rejections as rej

# (steps done, steps in all)
Progress = Callable[[int, int], None]


class CancelToken:
    """Set from any thread; long work checks it between steps."""

    def __init__(self) -> None:
        self._cancelled = False

    def cancel(self) -> None:
        self._cancelled = True

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def check(self) -> None:
        if self._cancelled:
            raise rej.SyncCancelled


def no_cancel() -> None:
    return None
