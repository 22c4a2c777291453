"""Statistics bundles: a sealed, signed file of one organisation's published figures for the
organisation that compiles the network's statistics.

The same header, signature, certificate chain and encryption as a sync bundle
(bundle_format.py, bundle_crypto.py), under a magic of its own: a statistics bundle is not a
sync bundle (`sync import` refuses it and says what it is) and a sync bundle is not a
statistics bundle. The payload is the figures' JSON; nothing in it is applied to the vault's
records.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from cmdesk import __version__
from cmdesk.core.model.base import new_id
from cmdesk.core.sync import bundle_format, keystore
from cmdesk.core.sync import rejections as rej
from cmdesk.core.sync.importing import check_sender, opening_key
from cmdesk.core.sync.keys import canonical
from cmdesk.core.sync.tables import SCHEMA_VERSION

if TYPE_CHECKING:
    from cmdesk.core.sync.engine import SyncEngine

STATS_MAGIC = bundle_format.STATS_MAGIC
# The compiling organisation unless the sender names another: the provincial shelter.
SHELTER = "CRSHELTER"
MAX_FIGURES = 16 << 20  # figures of a whole province are a few hundred kilobytes


@dataclass(frozen=True)
class OpenedStatistics:
    bundle_id: str
    sender_org: str  # the sending organisation's id
    sender_code: str
    figures: dict[str, Any]


def seal_statistics(engine: SyncEngine, figures: dict[str, Any], for_org: str | None) -> bytes:
    """The bundle of `figures` for `for_org` (id or code; default: the shelter)."""
    keys = engine.keys()
    own = keys.org.identity.org_id
    with engine.store.read() as db:
        trusted = keystore.trusted(db)
        revocations = keystore.revocations(db)
        recipient = engine._recipient(for_org or SHELTER, trusted, own, db)
    fields = {
        "format": bundle_format.FORMAT,
        "schema": SCHEMA_VERSION,
        "app": __version__,
        "bundle_id": new_id(),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "sender_device": engine.store.ctx.device_id,
        "sender_org": own,
        "cert": keys.device.cert,
        "chain": keys.device.chain,
        "revocations": revocations,
        "recipient_org": recipient,
    }
    return bundle_format.write(
        fields,
        canonical(figures),
        trusted[recipient][0].box_public,
        keys.device,
        magic=STATS_MAGIC,
    )


def _parse(data: bytes) -> bundle_format.Parsed:
    """A statistics bundle's structure; a sync bundle is refused by name."""
    if data.startswith(bundle_format.MAGIC):
        raise rej.reject(rej.SYNC_NOT_STATS)
    if not data.startswith(STATS_MAGIC):
        raise rej.reject(rej.NOT_STATS)
    # The rest is laid out as a sync bundle's: read it with the sync parser, then restore
    # the statistics magic so the signature and the associated data are checked over it.
    parsed = bundle_format.parse(bundle_format.MAGIC + data[len(STATS_MAGIC) :])
    if parsed.header.segments or parsed.header.payload_bytes > MAX_FIGURES:
        raise rej.reject(rej.ALTERED)
    shift = len(STATS_MAGIC) - len(bundle_format.MAGIC)
    return bundle_format.Parsed(
        parsed.header, data[: -bundle_format.SIG_BYTES], parsed.prefix_len + shift, parsed.signature
    )


def open_statistics(engine: SyncEngine, data: bytes) -> OpenedStatistics:
    """The figures of a statistics bundle addressed to this organisation, after its sender's
    certificate chain, signature and encryption are checked as for a sync bundle."""
    keys = engine.keys()
    parsed = _parse(data)
    h = parsed.header
    with engine.store.read() as db:
        trusted = keystore.trusted(db)
        withdrawn = keystore.withdrawn(db)
    sender = check_sender(engine, parsed, trusted, withdrawn)
    plain = bundle_format.decrypt(parsed, opening_key(engine, h, keys), MAX_FIGURES)
    try:
        figures = json.loads(plain.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise rej.reject(rej.UNREADABLE) from None
    if not isinstance(figures, dict):
        raise rej.reject(rej.UNREADABLE)
    return OpenedStatistics(h.bundle_id, h.sender_org, sender[0].code, figures)
