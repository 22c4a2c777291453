"""The recovery key file: the offline private half of the organisation's recovery key pair.

One format for every front end (the CLI writes it with `recovery-key new`, the GUI's first-run
wizard with a save dialog), so a key saved by either is read by both.
"""

from __future__ import annotations

import base64
from pathlib import Path

from cmdesk.core.errors import ValidationError
from cmdesk.core.i18n import N_
from cmdesk.core.vault.files import atomic_write

RECOVERY_HEADER = "cmdesk recovery key v1"
KEY_BYTES = 32


def recovery_key_text(private_key: bytes) -> str:
    return f"{RECOVERY_HEADER}\n{base64.b64encode(private_key).decode()}\n"


def write_recovery_key(path: Path, private_key: bytes) -> None:
    """Writes the key file atomically (mode 600); never over an existing file."""
    if path.exists():
        raise ValidationError.single(
            "output", N_("{path} exists already. Choose a new file name."), path=str(path)
        )
    atomic_write(path, recovery_key_text(private_key).encode())


def read_recovery_key(path: Path) -> bytes:
    lines = path.read_text("utf-8").split()
    try:
        if " ".join(lines[:4]) != RECOVERY_HEADER:
            raise ValueError
        key = base64.b64decode(lines[4], validate=True)
        if len(key) != KEY_BYTES:
            raise ValueError
        return key
    except (ValueError, IndexError):
        raise ValidationError.single("key", N_("This file is not a cmdesk recovery key.")) from None
