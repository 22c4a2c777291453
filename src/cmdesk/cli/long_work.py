"""Long commands (demo data, batch printing): one progress line on stderr, and Ctrl+C that
asks the work to stop after its current step instead of killing it half-way."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from cmdesk.core.i18n import Translator
from cmdesk.core.progress import CancelToken


class ProgressLine:
    """One line on stderr, rewritten in place on a terminal (a line per step in a log).
    `text` is a message id with {done} and {total}."""

    def __init__(self, tr: Translator, text: str) -> None:
        self._tr = tr
        self._text = text
        self._tty = sys.stderr.isatty()
        self._shown = False

    def __call__(self, done: int, total: int) -> None:
        text = self._tr.format(self._text, done=done, total=total)
        if self._tty:
            sys.stderr.write(f"\r{text}")
            sys.stderr.flush()
        elif done:
            print(text, file=sys.stderr)
        self._shown = True

    def end(self) -> None:
        if self._tty and self._shown:
            sys.stderr.write("\n")


@contextmanager
def ctrl_c_cancels(token: CancelToken, tr: Translator, stopping: str) -> Iterator[None]:
    """The first Ctrl+C cancels `token` and says `stopping` (a message id); a second stops at
    once (the work writes whole steps only, so nothing half-made is left either way)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)

    def stop(_signum: int, _frame: object) -> None:
        token.cancel()
        print("\n" + tr.gettext(stopping), file=sys.stderr)
        signal.signal(signal.SIGINT, signal.default_int_handler)

    signal.signal(signal.SIGINT, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.SIG_DFL)
