"""How much the hub holds and for how long (set by the operator at `serve`)."""

from __future__ import annotations

from dataclasses import dataclass

# Requests a minute per laptop (signing in counts under the laptop's id too), in bursts of as
# many.
RATE_PER_MINUTE = 240
# Signing in, an address may make this many times a laptop's requests: a field office's or a
# province's laptops share one public address behind NAT (a hundred laptops signing in at once
# after the connection comes back), while a flood of made-up laptop ids from one address stops.
ADDRESS_FACTOR = 25


@dataclass(frozen=True)
class Limits:
    """What the hub holds at most. Held means sent and not yet expired; a laptop over its
    quota keeps its bundles and sends them once earlier ones have been fetched or expired."""

    device_bytes: int = 512 << 20
    org_bytes: int = 8 << 30
    retention_days: int = 60  # when the recipient organisation set no retention of its own
    # One bundle, checked before a byte of it is taken. The hub checks a bundle's signature
    # over the whole of it, held in memory: an operator with more memory may raise it. A
    # 10,000-case organisation's first bundle is about 15 MB.
    bundle_bytes: int = 64 << 20
