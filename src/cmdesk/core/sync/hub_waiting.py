"""Bundles on the hub that this laptop refused, so that a field connection does not download
them again at every exchange (hub_exchange.py).

A refusal that the same bytes can never get past on this laptop (`FINAL`: damaged, addressed to
someone else, from a revoked laptop or a partner whose trust was withdrawn) takes the bundle off
the hub for this laptop (marked fetched). Nothing is lost by it: a damaged or misaddressed
bundle holds nothing this laptop could ever read, a revoked laptop's changes are refused by
design, and a partner trusted again sends what this laptop did not take in its next bundle.

Any other refusal may pass later: a partner not trusted yet, a laptop not yet certified as far as
this one knows, a bundle made by a newer cmdesk or closed with a key this laptop has not
received. Such a bundle stays on the hub, and this laptop remembers it (in its encrypted vault,
`vault_meta`, never synced) with a digest of what decides it (`what_opens`): this version of
cmdesk, the organisations trusted here with their keys and withdrawals, and this organisation's
own public keys. It is downloaded again only once that digest changed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from cmdesk import __version__
from cmdesk.core.errors import BundleRejected
from cmdesk.core.sync import bundle_format
from cmdesk.core.sync import rejections as rej
from cmdesk.core.sync.db import Db

KEY = "hub_waiting"
# Bundles remembered at the most: a hostile partner filling the mailbox cannot grow the vault.
MOST = 512

FINAL = frozenset(
    {
        rej.DAMAGED_ON_HUB,
        rej.NOT_A_BUNDLE,
        rej.STATS_NOT_SYNC,
        rej.TRUNCATED,
        rej.ALTERED,
        rej.WRONG_RECIPIENT,
        rej.FOR_ANOTHER_LAPTOP,
        rej.TEAM_LAPTOP_ORG_BUNDLE,
        rej.REVOKED_DEVICE,
        rej.WITHDRAWN_SENDER,
    }
)
# The reasons a remembered refusal is said again with (anything else is downloaded again).
_LATER = frozenset(
    {
        rej.UNKNOWN_SENDER,
        rej.UNCERTIFIED_DEVICE,
        rej.TOO_NEW,
        rej.NO_NEW_ORG_KEY,
        rej.UNREADABLE,
    }
)


@dataclass(frozen=True)
class Waiting:
    reason: BundleRejected
    opens: str  # what_opens() when it was refused


@dataclass(frozen=True)
class WaitingOnHub:
    """Bundles on the hub this laptop refused for one reason that nothing has changed since,
    for `sync status` and the Exchange data screen to say between exchanges."""

    reason: str  # the refusal's message id (English)
    params: dict[str, str]
    count: int

    def rejection(self) -> BundleRejected:
        return rej.reject(self.reason, **self.params)


def is_final(exc: BundleRejected) -> bool:
    return exc.text_id in FINAL


def what_opens(db: Db) -> str:
    """A digest of what decides whether a bundle refused for a reason that may pass later
    would import now (public keys only: nothing secret is hashed)."""
    digest = hashlib.sha256(f"{__version__}\n{bundle_format.FORMAT}".encode())
    for query in (
        "SELECT org_id, box_public, sign_public, withdrawn_at FROM sync_org ORDER BY org_id",
        "SELECT name, public FROM sync_key ORDER BY name",
    ):
        for row in db.execute(query):
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def load(db: Db) -> dict[str, Waiting]:
    """The bundles remembered, by their SHA-256 on the hub. An entry this version cannot read
    is left out: that bundle is downloaded again, nothing more."""
    row = db.execute("SELECT value FROM vault_meta WHERE key = ?", (KEY,)).fetchone()
    try:
        doc = json.loads(row[0]) if row else {}
    except ValueError:
        return {}
    out: dict[str, Waiting] = {}
    for sha, entry in doc.items() if isinstance(doc, dict) else ():
        try:
            text_id, params, opens = entry
            if text_id not in _LATER or not isinstance(params, dict) or not isinstance(opens, str):
                continue
            reason = rej.reject(text_id, **{str(k): str(v) for k, v in params.items()})
        except (ValueError, TypeError, KeyError, IndexError):
            continue
        out[str(sha)] = Waiting(reason, opens)
    return out


def save(db: Db, waiting: dict[str, Waiting]) -> None:
    kept = list(waiting.items())[-MOST:]
    doc = {
        sha: [w.reason.text_id, {k: str(v) for k, v in w.reason.params.items()}, w.opens]
        for sha, w in kept
        if w.reason.text_id in _LATER
    }
    db.execute(
        "INSERT INTO vault_meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (KEY, json.dumps(doc, separators=(",", ":"))),
    )


def still_waiting(db: Db) -> tuple[WaitingOnHub, ...]:
    """The remembered refusals nothing has changed since (the others are downloaded again at
    the next exchange), counted per reason."""
    opens = what_opens(db)
    counts: dict[tuple[str, tuple[tuple[str, str], ...]], int] = {}
    for w in load(db).values():
        if w.opens == opens:
            key = (w.reason.text_id, tuple(sorted((k, str(v)) for k, v in w.reason.params.items())))
            counts[key] = counts.get(key, 0) + 1
    return tuple(
        WaitingOnHub(text_id, dict(params), n) for (text_id, params), n in sorted(counts.items())
    )
