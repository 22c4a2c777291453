"""Per-origin signatures: a relay can forward another device's changes but not alter or invent
them.

A bundle's signature proves who carried it. Each change also needs proof that its origin made
it: when an origin exports, it signs every change of its own not yet signed as one batch, an
Ed25519 signature (the device key, keys.py) over (origin, first and last sequence number, and
per change its sequence number and a 16-byte BLAKE2b digest of exactly what is applied:
origin, seq, HLC, table, row id, seen, schema and the stored operations text, which is the
same on every replica, oplog.py). Erasures and audit entries are changes like any other.

The batch is stored (sync_batch) and relayed unchanged with any of its changes, together with
the origin's certificate chain (sync_cert), so a laptop that never met the origin can check
it. One signature per export and one digest per change keep the bundle small; a receiver
checks each relayed change's digest and each batch's signature once.

Rules on import, per change whose origin is not the bundle's sender and is not held here yet:
no batch covers it, the digest differs, the signature fails, or the origin's certificate does
not verify (unknown, revoked, another organisation) -> refused into the quarantine with the
reason. A change cut down to the fields shared with a partner (sharing.py) cannot match its
digest; a partner accepts it under the authority rules alone (authority.py), this
organisation's laptops never (they always receive whole changes). Changes made before
signatures existed are signed by their origin at its next export; until then they travel only
directly from their origin (docs/sync-identities.md).
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import json
import struct
import sys
from array import array
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from cmdesk.core.i18n import N_
from cmdesk.core.sync.certs import (
    ChainRefused,
    DeviceCert,
    Link,
    chain_from_json,
    chain_to_json,
    verify_chain,
)
from cmdesk.core.sync.db import Db
from cmdesk.core.sync.keycodec import canonical
from cmdesk.core.sync.keys import verify_signature
from cmdesk.core.sync.oplog import Change, Origins, dump_ops
from cmdesk.core.sync.vectors import RangeSet

UNSIGNED = N_("relayed without its origin device's signature")
ALTERED = N_("differs from what its origin device signed: changed or invented on the way")
UNCERTIFIED_ORIGIN = N_(
    "signed by a device that is not certified here (unknown, revoked or of another organisation)"
)
REASONS = (UNSIGNED, ALTERED, UNCERTIFIED_ORIGIN)

DOMAIN = b"cmdesk-origin-batch-1\n"
_ENTRY = struct.Struct(">Q16s")
_MAX_ENTRIES = 1 << 24

# A batch signs at most this many changes (196 KiB of entries): a bundle cut into parts for a
# hub (parts.py) then carries only the batches of its own changes, not one batch of all.
SIGN_RUN = 8192


def change_digest(c: Change) -> bytes:
    text = c.text if c.text is not None else dump_ops(c.ops)
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{c.origin}\0{c.seq}\0{c.hlc}\0{c.tbl}\0{c.row_id}\0{c.seen}\0{c.schema}\0".encode())
    h.update(text.encode("utf-8"))
    return h.digest()


@dataclass
class Batch:
    origin: str
    first: int
    last: int
    entries: bytes
    signature: bytes
    _seqs: array[int] | None = field(default=None, repr=False)

    def message(self) -> bytes:
        head = self.origin.encode() + b"\0" + struct.pack(">QQ", self.first, self.last)
        return DOMAIN + head + self.entries

    def seqs(self) -> array[int]:
        """The sequence numbers of the changes in the batch, ascending (from_json checks it):
        8 bytes each beside the entries, where a dict of them took ten times as much (a
        10k-case organisation's first bundle signs 210k changes)."""
        if self._seqs is None:
            seqs = array("Q", memoryview(self.entries).cast("Q")[:: _ENTRY.size // 8])
            if sys.byteorder == "little":
                seqs.byteswap()  # the entries are big-endian
            self._seqs = seqs
        return self._seqs

    def entry(self, seq: int) -> tuple[bytes, int] | None:
        """(digest, span) of the change `seq` in the batch, or None when it is not there."""
        seqs = self.seqs()
        i = bisect.bisect_left(seqs, seq)
        if i == len(seqs) or seqs[i] != seq:
            return None
        at = i * _ENTRY.size + 8
        end = seqs[i + 1] if i + 1 < len(seqs) else self.last + 1
        return self.entries[at : at + 16], end - seq

    def to_json(self, dev: Callable[[str], int]) -> list[Any]:
        return [
            dev(self.origin),
            self.first,
            self.last,
            base64.b64encode(self.entries).decode(),
            base64.b64encode(self.signature).decode(),
        ]

    @classmethod
    def from_json(cls, v: Any, devices: list[str]) -> Batch:
        if type(v) is not list or len(v) != 5:
            raise ValueError("batch")
        d, first, last, entries, signature = v
        if not (type(d) is int and type(first) is int and type(last) is int):
            raise ValueError("batch")
        if not 1 <= first <= last < (1 << 62):
            raise ValueError("batch")
        raw = base64.b64decode(entries, validate=True)
        sig = base64.b64decode(signature, validate=True)
        if len(raw) % _ENTRY.size or len(raw) > _MAX_ENTRIES * _ENTRY.size or len(sig) != 64:
            raise ValueError("batch")
        batch = cls(devices[d], first, last, raw, sig)
        # Ascending, in range: checked without a list, set and sorted copy of them (a
        # 30k-case bundle's batch of 630k changes took 60 MB for them).
        seqs = batch.seqs()
        if seqs and (seqs[0] < first or seqs[-1] > last or any(a >= b for a, b in pairwise(seqs))):
            raise ValueError("batch")
        return batch


def sign_own(
    db: Db,
    origins: Origins,
    device: str,
    sign: Callable[[bytes], bytes],
    skip: Container[int] = (),
) -> list[Batch]:
    """Signs this device's changes not signed yet (new ones, and those made before signatures
    existed), stored for relaying: one batch per run of consecutive sequence numbers, at most
    SIGN_RUN changes each (a batch's entries give each change's span by the next one's
    number). `skip`: sequence numbers not to sign (a restored vault's versions that the
    network holds with other content)."""
    me = origins.idx(db, device)
    # How far this vault has signed is its own count, not the highest batch held of its id: a
    # copy of this vault signs its own versions under the same id, and its batches reach past
    # this vault's own unsigned changes, which were then never signed and refused by every
    # relay (found by the stateful test with two pairs of copies at once).
    key = f"signed:{me}"
    row = db.execute("SELECT value FROM sync_local WHERE key = ?", (key,)).fetchone()
    if row is None:  # a vault that has not counted yet: the batches are its own so far
        row = db.execute("SELECT max(last) FROM sync_batch WHERE origin = ?", (me,)).fetchone()
    signed = _sign_runs(db, origins, device, sign, int(row[0] or 0) + 1, 1 << 62, skip)
    if signed:
        db.execute(
            "INSERT INTO sync_local (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, max(b.last for b in signed)),
        )
    return signed


def _sign_runs(
    db: Db,
    origins: Origins,
    device: str,
    sign: Callable[[bytes], bytes],
    lo: int,
    hi: int,
    skip: Container[int],
) -> list[Batch]:
    me = origins.idx(db, device)
    runs: list[list[Change]] = []
    for seq, span, hlc, tbl, row_id, seen, schema, ops in db.execute(
        "SELECT seq, span, hlc, tbl, row_id, seen, schema, ops FROM sync_change "
        "WHERE origin = ? AND seq BETWEEN ? AND ? ORDER BY seq",
        (me, lo, hi),
    ):
        if seq in skip:
            continue
        change = Change(device, seq, hlc, tbl, row_id, seen, schema, None, ops, span)
        if runs and runs[-1][-1].seq + runs[-1][-1].span == seq and len(runs[-1]) < SIGN_RUN:
            runs[-1].append(change)
        else:
            runs.append([change])
    signed = [sign_changes(device, run, sign) for run in runs]
    _store(db, origins, signed)
    return signed


def sign_changes(origin: str, changes: Sequence[Change], sign: Callable[[bytes], bytes]) -> Batch:
    """One batch over `changes` (the origin's own, in sequence order)."""
    body = b"".join(_ENTRY.pack(c.seq, change_digest(c)) for c in changes)
    last = changes[-1].seq + changes[-1].span - 1
    batch = Batch(origin, changes[0].seq, last, body, b"")
    batch.signature = sign(batch.message())
    return batch


def _store(db: Db, origins: Origins, batches: Iterable[Batch]) -> None:
    """Keeps every batch not held yet. Two batches of one origin from one number are two
    copies of a vault signing under one id and key (reidentify.py): both are genuine, and a
    relay holding some of each copy's versions needs both to vouch for each change it relays
    on (found by the stateful test: a relay kept one batch per first number, relayed the
    changes only the other one signed without a signature, and they were refused)."""
    db.executemany(
        "INSERT OR IGNORE INTO sync_batch (origin, first, last, entries, signature) "
        "VALUES (?, ?, ?, ?, ?)",
        [(origins.idx(db, b.origin), b.first, b.last, b.entries, b.signature) for b in batches],
    )


def for_changes(db: Db, origins: Origins, changes: Sequence[Change], me: str) -> list[Batch]:
    """The stored batches that sign any of `changes`."""
    seqs: dict[str, list[int]] = {}
    for c in changes:
        seqs.setdefault(c.origin, []).append(c.seq)
    out: list[Batch] = []
    for origin, wanted in seqs.items():
        low, high = min(wanted), max(wanted)
        want = set(wanted)
        for first, last, entries, signature in db.execute(
            "SELECT first, last, entries, signature FROM sync_batch "
            "WHERE origin = ? AND last >= ? AND first <= ? ORDER BY first",
            (origins.idx(db, origin), low, high),
        ):
            batch = Batch(origin, first, last, bytes(entries), bytes(signature))
            if want.intersection(batch.seqs()):
                out.append(batch)
    return out


def rank(c: Change) -> tuple[int, bytes]:
    """Which of two versions of one origin's numbers every replica keeps (two copies of a vault
    worked under one device id, reidentify.py): the lower rank, that is the change made first
    (its stamp, taken once at commit), then the smaller digest. A rule that each replica applies
    alone, whatever order the versions arrive in, so laptops that received different copies'
    versions first still end with the same one. The version made first is the one the network
    may already hold from before a copy or a restore; the later one's vault sends its work again
    under its new identity (reidentify.reissue_forked)."""
    return c.hlc, change_digest(c)


def outranks(c: Change, held: Sequence[Change]) -> bool:
    """Does `c` take the place of the held changes it lies over (it ranks below each)?"""
    mine = rank(c)
    return bool(held) and all(mine < rank(r) for r in held)


def vouches(db: Db, origins: Origins, c: Change, own_org: str | None) -> bool:
    """Does a stored batch (verified when it was stored) sign exactly this whole change, and is
    its origin certified in `own_org` (None: one of this vault's own ids)? Only such a change
    may take another version's place: a change at numbers held already is a duplicate to the
    checks on import (check(), authority), so nothing else has vouched for it."""
    digest = (change_digest(c), c.span)
    found = False
    for first, last, entries, signature in db.execute(
        "SELECT first, last, entries, signature FROM sync_batch "
        "WHERE origin = ? AND first <= ? AND last >= ?",
        (origins.idx(db, c.origin), c.seq, c.seq),
    ):
        batch = Batch(c.origin, first, last, bytes(entries), bytes(signature))
        if batch.entry(c.seq) == digest:
            found = True
            break
    if not found:
        return False
    if own_org is None:
        return True
    row = db.execute("SELECT cert FROM sync_cert WHERE device_id = ?", (c.origin,)).fetchone()
    return row is not None and DeviceCert.from_json(json.loads(row[0])).org_id == own_org


def contested(db: Db, origins: Origins) -> dict[str, RangeSet]:
    """Per origin, the numbers where stored batches overlap: two copies of a vault signed runs
    from the same numbers. Bundles for the organisation carry the changes held there whatever
    the recipient is known to hold (exporting.for_own_org): a laptop's vector says which numbers
    it holds, not which version, and one holding the version that loses (rank) must receive the
    other to replace it."""
    out: dict[str, RangeSet] = {}
    current, lo, hi, count = -1, 0, 0, 0
    rows = db.execute("SELECT origin, first, last FROM sync_batch ORDER BY origin, first, last")
    for origin, first, last in [*rows, (None, 0, 0)]:
        if origin == current and first <= hi:
            hi, count = max(hi, last), count + 1
            continue
        if count > 1:
            out.setdefault(origins.device(db, current), RangeSet()).add(lo, hi)
        if origin is not None:
            current, lo, hi, count = origin, first, last, 1
    return out


def certs_for(db: Db, origins: Iterable[str]) -> dict[str, tuple[DeviceCert, tuple[Link, ...]]]:
    """Stored certificates of these origin devices (those met in earlier bundles)."""
    out: dict[str, tuple[DeviceCert, tuple[Link, ...]]] = {}
    for device in origins:
        row = db.execute(
            "SELECT cert, chain FROM sync_cert WHERE device_id = ?", (device,)
        ).fetchone()
        if row is not None:
            out[device] = (
                DeviceCert.from_json(json.loads(row[0])),
                chain_from_json(json.loads(row[1])),
            )
    return out


def remember(
    db: Db,
    origins: Origins,
    batches: Iterable[Batch],
    certs: dict[str, tuple[DeviceCert, tuple[Link, ...]]],
) -> None:
    """Keeps verified batches and certificates, to relay them unchanged."""
    _store(db, origins, batches)
    db.executemany(
        "INSERT INTO sync_cert (device_id, cert, chain) VALUES (?, ?, ?) "
        "ON CONFLICT (device_id) DO UPDATE SET cert = excluded.cert, chain = excluded.chain",
        [
            (d, canonical(c.to_json()).decode(), canonical(chain_to_json(chain)).decode())
            for d, (c, chain) in certs.items()
        ],
    )


@dataclass
class OriginKeys:
    """Where an origin's verifying key comes from: this vault's certified devices, then the
    certificates the bundle carries, checked against the origin organisation's trusted key."""

    known: dict[str, bytes]
    carried: dict[str, tuple[DeviceCert, tuple[Link, ...]]]
    org_keys: dict[str, bytes]
    revoked: dict[str, frozenset[str]]
    # Revoked devices' changes that stay valid (certs.Revocation.kept): for these sequence
    # numbers, and only these, the revoked device's own key still vouches.
    kept: dict[str, RangeSet] = field(default_factory=dict)
    verified: dict[str, tuple[DeviceCert, tuple[Link, ...]]] = field(default_factory=dict)

    def key(self, origin: str) -> bytes | None:
        if origin in self.known:
            return self.known[origin]
        carried = self.carried.get(origin)
        if carried is None or carried[0].device_id != origin:
            return None
        cert, chain = carried
        # The certificate's own organisation, checked with that organisation's trusted key:
        # it outranks what this vault believed of the device by hearsay.
        org = cert.org_id
        org_key = self.org_keys.get(org)
        if org_key is None:
            return None
        revoked = self.revoked.get(org, frozenset())
        if origin in self.kept:
            # Its kept changes only (_reason checks the numbers), whoever certified it: a copy
            # that went on under a new identity has the revoked laptop it was copied from in
            # its chain, and what the organisation held of it when revoking stays too.
            before = {link.device_id for link in chain if isinstance(link, DeviceCert)}
            revoked -= {origin, *before}
        try:
            verify_chain(chain, cert, org, org_key, revoked)
        except ChainRefused:
            return None
        self.verified[origin] = carried
        return cert.sign_public


@dataclass
class Checked:
    segments: list[list[Change]]
    refused: list[tuple[Change, str]]
    batches: list[Batch]


@dataclass
class OriginCheck:
    """Relayed changes checked one at a time against their origins' signed batches, so an
    import can check a bundle segment by segment without holding its changes (importing.py)."""

    batches: Sequence[Batch]
    sender: str
    held: Callable[[str, int], bool]
    origin_org: Callable[[str], str]
    own_org: str
    keys: OriginKeys
    by_origin: dict[str, list[Batch]] = field(init=False, default_factory=dict)
    # id(batch) -> None when its signature verified, else the reason its changes are refused
    good: dict[int, str | None] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        for b in self.batches:
            self.by_origin.setdefault(b.origin, []).append(b)

    def reason(self, c: Change) -> str | None:
        """Why the change is refused, or None."""
        if c.origin == self.sender or self.held(c.origin, c.seq):
            return None
        return _reason(
            c, self.by_origin.get(c.origin, ()), self.good, self.origin_org, self.own_org, self.keys
        )

    def verified(self) -> list[Batch]:
        """The batches whose signatures hold, kept to relay on (the sender's own and those of
        changes held already included)."""
        for b in self.batches:
            if id(b) not in self.good:
                public = self.keys.key(b.origin)
                ok = public is not None and verify_signature(public, b.message(), b.signature)
                self.good[id(b)] = None if ok else ALTERED
        return [b for b in self.batches if self.good[id(b)] is None]


def check(segments: Sequence[Sequence[Change]], origins: OriginCheck) -> Checked:
    """Each relayed change against its origin's signed batch; refused ones with the reason."""
    out = Checked([], [], [])
    for segment in segments:
        kept: list[Change] = []
        for c in segment:
            reason = origins.reason(c)
            if reason is None:
                kept.append(c)
            else:
                out.refused.append((c, reason))
        out.segments.append(kept)
    out.batches = origins.verified()
    return out


def _reason(
    c: Change,
    candidates: Iterable[Batch],
    good: dict[int, str | None],
    origin_org: Callable[[str], str],
    own_org: str,
    keys: OriginKeys,
) -> str | None:
    covering = [(b, e) for b in candidates if (e := b.entry(c.seq)) is not None]
    if not covering:
        return UNSIGNED
    batch, (digest, span) = covering[0]
    if len(covering) > 1:
        # Two copies of one vault each signed their own version of this number (_store):
        # the batch that signs this very change vouches for it.
        own = change_digest(c)
        batch, (digest, span) = next((b for b in covering if b[1][0] == own), covering[0])
    org = origin_org(c.origin)
    if id(batch) not in good:
        public = keys.key(c.origin)
        if public is None:
            good[id(batch)] = UNCERTIFIED_ORIGIN
        elif not verify_signature(public, batch.message(), batch.signature):
            good[id(batch)] = ALTERED
        else:
            good[id(batch)] = None
    if (refused := good[id(batch)]) is not None:
        return refused
    kept = keys.kept.get(c.origin)
    if kept is not None and not kept.covers(c.seq, c.seq + span - 1):
        return UNCERTIFIED_ORIGIN  # signed by a revoked device after what its revocation keeps
    whole = (len(c.values) if c.values is not None else len(c.ops)) == span
    if not whole:
        # A partner's copy of the fields shared with it (module docstring).
        return None if org != own_org else ALTERED
    return None if change_digest(c) == digest else ALTERED
