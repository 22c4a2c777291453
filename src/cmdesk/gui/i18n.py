"""Runtime language switching and Thai line breaking for display strings.

The core `Translator` is the only source of strings. `Language` holds the current one and
emits `language_changed`; every screen connects it to its `retranslate()`, which sets every
visible string again, so a switch never needs a restart.

Thai has no spaces between words, and Qt finds Thai word breaks only through libthai (which
Windows and macOS lack): a long Thai label then never wraps. `wrap_thai()` inserts U+200B
ZERO WIDTH SPACE between words for *display* only (labels that wrap), never in stored data.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
from collections.abc import Callable
from functools import lru_cache

from PySide6.QtCore import QLocale, QObject, Signal

from cmdesk.core.i18n import LOCALES, Locale, Translator
from cmdesk.core.i18n import translator as translator_for

_log = logging.getLogger(__name__)

ZWSP = "\u200b"
_WHITESPACE = re.compile(r"(\s+)")
_segmenter_ready = threading.Event()
_warm_lock = threading.Lock()
_warm_started = False
_listeners: list[Callable[[], None]] = []


def system_locale() -> Locale:
    """th on a Thai system, else en. CMDESK_LANG (as for the CLI) overrides."""
    chosen = os.environ.get("CMDESK_LANG")
    if chosen in LOCALES:
        return "th" if chosen == "th" else "en"
    return "th" if QLocale.system().language() == QLocale.Language.Thai else "en"


def warm_up_segmenter(on_ready: Callable[[], None] | None = None) -> None:
    """Loads pythainlp's dictionary (about 0.5 s) on a background thread, once per process.

    Until it is ready, `wrap_thai` returns text unchanged; `on_ready` (called from the loader
    thread) then lets the screens retranslate so their labels gain break points. Start-up
    does not wait for it.
    """
    global _warm_started
    with _warm_lock:
        if _segmenter_ready.is_set():
            return
        if on_ready is not None:
            _listeners.append(on_ready)
        if _warm_started:
            return
        _warm_started = True

    def load() -> None:
        try:
            from cmdesk.core.reports.thai_wrap import warm_up

            warm_up()
        except Exception:  # a missing dictionary must not stop the app: no breaks, that's all
            _log.warning("Thai word segmenter unavailable; Thai labels will not wrap")
            return
        with _warm_lock:
            _segmenter_ready.set()
            waiting = list(_listeners)
            _listeners.clear()
        for listener in waiting:
            # RuntimeError: its Qt object is gone (a closed window, a finished test).
            with contextlib.suppress(RuntimeError):
                listener()

    threading.Thread(target=load, name="thai-segmenter", daemon=True).start()


def segmenter_ready() -> bool:
    return _segmenter_ready.is_set()


def wait_for_segmenter(timeout: float = 30.0) -> bool:
    warm_up_segmenter()
    return _segmenter_ready.wait(timeout)


@lru_cache(maxsize=4096)
def _wrap_chunk(chunk: str) -> str:
    from cmdesk.core.reports.thai_wrap import chunk_pieces

    return ZWSP.join(chunk_pieces(chunk))


def wrap_thai(text: str) -> str:
    """`text` with U+200B at Thai word boundaries, where a line may break."""
    if not _segmenter_ready.is_set() or not any("\u0e01" <= ch <= "\u0e7f" for ch in text):
        return text
    return "".join(
        part if not part or part.isspace() else _wrap_chunk(part)
        for part in _WHITESPACE.split(text)
    )


def plain(text: str) -> str:
    """A display string without the break hints (for comparisons and the clipboard)."""
    return text.replace(ZWSP, "")


class Language(QObject):
    """The current language. Screens read `translator` and `follow` the language.

    (Not `tr`: that name is QObject.tr, Qt's own translation call, which this would shadow.)
    """

    language_changed = Signal(str)
    _segmenter_loaded = Signal()

    def __init__(self, locale: Locale, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._locale: Locale = locale
        # Emitted from the loader thread; the queued connection runs retranslation on the GUI
        # thread.
        self._segmenter_loaded.connect(self._refresh)
        warm_up_segmenter(self._segmenter_loaded.emit)

    @property
    def locale(self) -> Locale:
        return self._locale

    @property
    def translator(self) -> Translator:
        return translator_for(self._locale)

    def set_locale(self, locale: Locale) -> None:
        if locale not in LOCALES or locale == self._locale:
            return
        self._locale = locale
        self.language_changed.emit(locale)

    def follow(self, retranslate: Callable[[], None]) -> None:
        """Calls `retranslate` now and at each switch of language: how a screen keeps its
        words in the reader's language."""
        self.language_changed.connect(retranslate)
        retranslate()

    def _refresh(self) -> None:
        self.language_changed.emit(self._locale)
