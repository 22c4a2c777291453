"""How sync stops at a cancel: between steps, with SyncCancelled (whose message says that what
was already imported is kept). The token and progress callback are the core's own
(cmdesk.core.progress)."""

from __future__ import annotations

from collections.abc import Callable

from cmdesk.core.progress import CancelToken
from cmdesk.core.sync import rejections as rej


def stopper(cancel: CancelToken | None) -> Callable[[], None]:
    """What sync calls between steps: raises SyncCancelled once `cancel` is cancelled."""
    if cancel is None:
        return nothing
    return lambda: cancel.check(rej.SyncCancelled)


def nothing() -> None:
    return None
