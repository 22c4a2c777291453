"""Backoff after wrong passphrases, and audit events waiting for the next unlock.

Kept beside the vault so it survives restarts. Failed attempts cannot be written to the audit
trail while the vault is locked (the key is missing), and a passphrase change must not touch
the database, so both wait here and are moved into the trail at the next successful unlock.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cmdesk.core.vault.files import atomic_write

MAX_DELAY_SECONDS = 300


def delay_after(failures: int) -> float:
    """Each failure doubles the wait: 1 s, 2 s, 4 s, … up to five minutes."""
    if failures <= 0:
        return 0.0
    return float(min(2 ** (failures - 1), MAX_DELAY_SECONDS))


@dataclass
class UnlockState:
    failures: int = 0
    last_failure: float = 0.0
    pending: list[dict[str, object]] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> UnlockState:
        try:
            raw = json.loads(path.read_text("utf-8"))
            return cls(int(raw["failures"]), float(raw["last_failure"]), list(raw["pending"]))
        except (FileNotFoundError, ValueError, KeyError, TypeError):
            return cls()

    def save(self, path: Path) -> None:
        raw = {
            "failures": self.failures,
            "last_failure": self.last_failure,
            "pending": self.pending,
        }
        atomic_write(path, json.dumps(raw).encode("utf-8"))

    def wait_seconds(self, now: float) -> float:
        return max(0.0, self.last_failure + delay_after(self.failures) - now)

    def record_failure(self, user: str, now: float) -> None:
        self.failures += 1
        self.last_failure = now
        self.defer("unlock.failed", user, now)

    def defer(self, action: str, user: str, now: float, by: str = "") -> None:
        """`user`: whose account the event is about; `by`: who did it, when not that user
        (a data manager resetting a colleague's passphrase)."""
        event: dict[str, object] = {"action": action, "user": user, "at": now}
        if by and by != user:
            event["by"] = by
        # Bounded, so a guessing script cannot grow the file without limit.
        self.pending = [*self.pending, event][-200:]


Clock = Callable[[], float]
wall_clock: Clock = time.time
