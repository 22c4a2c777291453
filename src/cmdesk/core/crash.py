"""Crash reports without personal data, for the one boundary in each front end.

An unexpected exception's message may quote stored data (a name in a constraint error, a value
in a decoding error), and its frames' locals certainly do. A report therefore holds only what
a developer needs to find the place: the exception's type, and for each frame the module's
file name (no folders: they name the user's home), the function and the line number. Plus the
app's version, Python's and the platform. It is written atomically with mode 600, one file per
crash, into the user's log folder (or CMDESK_CRASH_DIR).
"""

from __future__ import annotations

import os
import platform
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

from cmdesk import __version__
from cmdesk.core.vault.files import atomic_write


def crash_dir() -> Path:
    chosen = os.environ.get("CMDESK_CRASH_DIR")
    if chosen:
        return Path(chosen)
    return Path(platformdirs.user_log_dir("cmdesk", appauthor=False)) / "crash"


def report_text(exc: BaseException, where: str) -> str:
    """The report: types, file names, functions and line numbers; never a message or value."""
    lines = [
        f"cmdesk {__version__} crash report ({where})",
        f"python {platform.python_version()} on {platform.system()} {platform.machine()}",
        f"at {datetime.now(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}",
    ]
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        kind = type(current)
        lines.append(f"{kind.__module__}.{kind.__qualname__}")
        for frame in traceback.extract_tb(current.__traceback__):
            lines.append(f"  {Path(frame.filename).name}:{frame.lineno} in {frame.name}")
        current = current.__cause__ or current.__context__
        if current is not None:
            lines.append("while handling or caused by:")
    return "\n".join(lines) + "\n"


def write_report(exc: BaseException, where: str) -> Path | None:
    """Writes a report for `exc`; None if even that failed (a full disk must not hide the
    original error behind a second one)."""
    folder = crash_dir()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"crash-{stamp}-{os.getpid()}.txt"
    try:
        atomic_write(path, report_text(exc, where).encode())
    except OSError:
        return None
    return path


def excepthook_report(where: str) -> None:
    """For sys.excepthook-style callers: the exception being handled now."""
    exc = sys.exc_info()[1]
    if exc is not None:
        write_report(exc, where)
