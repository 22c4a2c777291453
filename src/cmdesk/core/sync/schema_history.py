"""The version of the synced data model, derived from the model instead of bumped by hand.

Every operation and bundle carries a small integer `schema`. It used to be a constant someone
had to remember to raise; forgetting meant a replica could not tell data written by a newer
app (fields it does not know yet: kept and applied after its upgrade) from damaged data. Now
the version is read off the model: a fingerprint of what sync carries (each synced table's
columns, with their kind and nullability) is looked up in `SCHEMA_HISTORY`, and the version is
its position, counted from 1. An integer, not the fingerprint itself, because an old replica
must be able to order versions it has never seen ("newer than mine") without knowing them.

Appending is the one manual step, and a test (tests/core/vault/test_migrations_sync_version.py)
fails naming the exact line to append when the model's fingerprint is not the last entry.
Never edit or remove an entry: released bundles carry these numbers. The first entry is the
model that shipped as version 1, so bundles made before the version was derived still match.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Final

from sqlalchemy import JSON, Boolean, Column, Date, Integer, LargeBinary, Numeric, Table

from cmdesk.core.model.base import UtcDateTime

SCHEMA_HISTORY: Final[tuple[str, ...]] = (
    # 1: the synced model of the first release (children, cases, casework, referrals, audit).
    "f495d5a51ccec4516d7bb3e8dd545b63b2485880aebd4b51e70f01a587b5e3c7",
    # 2: a follow-up task keeps what happened (case_task.outcome).
    "989eedecc32b1cf61bda1b3995a92d26a83135130cd233c5f80f34db11d32e29",
    # 3: community mechanisms (tambon centres, youth councils), their meetings, and the case's
    # referred_by_mechanism_id / referred_to_mechanism_id.
    "49b2c4c8199904c7be11a22d8f1baa7ed7c4ce081ebc74a94ea02ef2633c9021",
    # 4: a partner's case opened for a referral it accepted (case_file.from_referral_id).
    "8ce3b8a041eb75af36a7d512fce720cc5d4a6f59af7c435229e53a61b9b84dda",
)


def column_kind(col: Column[object]) -> str:
    """What a column's values look like on the wire. Lengths are left out: SQLite does not
    enforce them and a longer name field does not change what a replica can read."""
    kind = col.type
    for cls, name in (
        (Boolean, "boolean"),
        (Integer, "integer"),
        (Numeric, "number"),
        (JSON, "json"),
        (UtcDateTime, "utc_datetime"),
        (Date, "date"),
        (LargeBinary, "bytes"),
    ):
        if isinstance(kind, cls):
            return name
    return "text"


def fingerprint(tables: Mapping[str, Table]) -> str:
    """sha256 over the synced tables' names and their columns' names, kinds and nullability,
    sorted, so declaration order and unrelated model changes leave it alone."""
    shape = {
        name: sorted(
            [c.name, column_kind(c), bool(c.nullable)] for c in table.columns if c.name != "id"
        )
        for name, table in sorted(tables.items())
    }
    canonical = json.dumps(shape, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def version_of(fp: str, history: tuple[str, ...] = SCHEMA_HISTORY) -> int:
    """The version for a model with fingerprint `fp`: its last position in `history`, from 1.

    A fingerprint not registered yet is a model newer than every release: the next version.
    (The app still runs while a developer works on it; the test tells them what to append.)"""
    for index in range(len(history) - 1, -1, -1):
        if history[index] == fp:
            return index + 1
    return len(history) + 1
