"""One export as several bundles, each under a size a hub takes (issue 12).

A hub keeps each bundle whole in memory while it checks the sender's signature, so it takes
bundles up to a ceiling (64 MB unless its operator says otherwise). The first sync of a large
organisation is larger: about 15 MB per 10,000 cases. Rather than wait for a USB stick, the
export is cut into parts, each a whole bundle: signed, sealed, padded and imported on its own
like any other, so a part that arrives alone applies what it carries and the rest follows.

Parts are runs of the export's changes in the order a bundle carries them (HLC, origin), so an
organisation's first parts carry its oldest work: children before the cases opened for them,
cases before their notes. Each part carries only the signed batches (batches.py) that vouch
for its own changes; this laptop signs its own changes in runs of at most SIGN_RUN, so the
signatures of a first sync are spread over its parts instead of all riding in each.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from cmdesk.core.errors import BundleTooLarge
from cmdesk.core.sync.batches import Batch
from cmdesk.core.sync.oplog import Change

R = TypeVar("R")

# A part aims this far under the ceiling, so that most first cuts fit without another try.
_AIM = 0.8

# No export is cut into more parts than this: a ceiling that small is an operator's mistake.
MAX_PARTS = 512

# Nor into parts that together are more than twice the whole: each part carries the batches
# that sign its changes, and a vault that signed one batch of all its work before SIGN_RUN
# would send that batch in every part (a stick is then the better way).
_MAX_GROWTH = 2


def batches_for(signed: Sequence[Batch], changes: Sequence[Change]) -> list[Batch]:
    """The batches of `signed` that vouch for any of `changes`."""
    seqs: dict[str, set[int]] = {}
    for c in changes:
        seqs.setdefault(c.origin, set()).add(c.seq)
    out = []
    for batch in signed:
        wanted = seqs.get(batch.origin)
        if wanted and not wanted.isdisjoint(batch.seqs()):
            out.append(batch)
    return out


def split(
    changes: list[Change],
    seal: Callable[[list[Change]], tuple[bytes, R]],
    max_bytes: int,
    check: Callable[[], None],
) -> list[tuple[bytes, R]]:
    """Bundles of at most `max_bytes`, which together carry `changes`, in their order.

    The whole is sealed first (most exports fit); otherwise it is cut into as many runs of
    about equal operations as its size asks, and a run that still comes out too large is
    halved. Raises BundleTooLarge when a single change does not fit (with its signatures), or
    the cut would take more than MAX_PARTS or twice the whole's bytes."""
    whole = seal(changes)
    if len(whole[0]) <= max_bytes:
        return [whole]
    n = max(2, -(-len(whole[0]) // int(max_bytes * _AIM)))
    out: list[tuple[bytes, R]] = []
    waiting = list(reversed(_runs(changes, n)))
    sent = 0
    while waiting:
        check()
        run = waiting.pop()
        part = seal(run)
        if len(part[0]) <= max_bytes:
            out.append(part)
            sent += len(part[0])
            if sent > _MAX_GROWTH * len(whole[0]):
                raise BundleTooLarge(max_bytes, size=len(whole[0]))
            continue
        if len(run) == 1 or len(out) + len(waiting) + 2 > MAX_PARTS:
            raise BundleTooLarge(max_bytes, size=len(whole[0]))
        half = len(run) // 2
        waiting += [run[half:], run[:half]]
    return out


def _runs(changes: list[Change], n: int) -> list[list[Change]]:
    """`changes` in `n` consecutive runs of about equal operations."""
    total = sum(c.span for c in changes)
    runs: list[list[Change]] = [[]]
    done = 0
    for c in changes:
        if runs[-1] and done >= total * len(runs) / n:
            runs.append([])
        runs[-1].append(c)
        done += c.span
    return runs
