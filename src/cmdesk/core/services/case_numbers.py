"""Case numbers people can read aloud, unique across devices without asking any of them:

    WVFT-2569-3F9A2C-0007
    org  B.E.  device sequence (this device, this year)

The device part is the last six hex digits of the device id (a UUIDv7, whose last 62 bits are
random), so two devices share it with odds of about one in 16.7 million per pair; the sequence
is kept on the device (vault_meta, which never syncs) and moves only forward, inside the same
transaction that creates the case.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Final

from sqlalchemy.orm import Session

from cmdesk.core.acting.thai_time import thai_be_year
from cmdesk.core.model import VaultMeta

DEVICE_PART_LENGTH: Final = 6
CASE_NUMBER_RE: Final = re.compile(r"^[A-Z0-9_-]{1,32}-\d{4}-[0-9A-F]{6}-\d{4,}$")


def device_part(device_id: str) -> str:
    return device_id.replace("-", "")[-DEVICE_PART_LENGTH:].upper()


def next_case_number(
    session: Session, org_code: str, device_id: str, now: datetime | None = None
) -> str:
    """Takes the next number of this device's sequence for the current Buddhist-Era year."""
    year = thai_be_year(now)
    key = f"case_seq:{year}"
    row = session.get(VaultMeta, key)
    if row is None:
        row = VaultMeta(key=key, value="0")
        session.add(row)
    seq = int(row.value) + 1
    row.value = str(seq)
    session.flush()
    return f"{org_code}-{year}-{device_part(device_id)}-{seq:04d}"
