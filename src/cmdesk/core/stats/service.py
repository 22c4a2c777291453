"""Statistics for the network (ws.stats): an organisation's own figures, the sealed file that
carries them to the organisation that compiles the province's figures, and the combined view
there. Data managers make and receive the files; supervisors and data managers read figures.

Received figures are kept in the vault's own (never synced) key-value table, one entry per
organisation and period; a newer file for the same ones replaces the older."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import select

from cmdesk import __version__
from cmdesk.core.acting.access import Guard
from cmdesk.core.acting.audit import AuditService
from cmdesk.core.acting.context import Context
from cmdesk.core.model import Organisation
from cmdesk.core.model.meta import VaultMeta
from cmdesk.core.model.roles import Role
from cmdesk.core.stats.figures import KIND, compute
from cmdesk.core.stats.period import Period, parse_period
from cmdesk.core.stats.suppression import DEFAULT_THRESHOLD
from cmdesk.core.sync import bundle_format, keystore
from cmdesk.core.sync import rejections as rej
from cmdesk.core.sync.importing import STATISTICS_MARK, open_checked
from cmdesk.core.sync.tables import SCHEMA_VERSION

if TYPE_CHECKING:
    from cmdesk.core.sync.engine import SyncEngine

PREFIX: Final = "stats:"
READERS: Final = (Role.DATA_MANAGER, Role.SUPERVISOR)
# The provincial Children and Family Shelter compiles the network's figures unless told.
COMPILER: Final = "CRSHELTER"


class StatsService:
    def __init__(self, ctx: Context, audit: AuditService, sync: SyncEngine) -> None:
        self._ctx = ctx
        self._audit = audit
        self._guard = Guard(ctx)
        self._sync = sync

    # -- own figures ---------------------------------------------------------------------------
    def figures(self, period: str, threshold: int = DEFAULT_THRESHOLD) -> dict[str, Any]:
        """This organisation's figures for the period, suppressed."""
        chosen = parse_period(period)
        with self._guard.read() as s:
            self._guard.require(*READERS, entity="stats")
            return self._own(s, chosen, threshold)

    def _own(self, s: Any, period: Period, threshold: int) -> dict[str, Any]:
        org_id = self._ctx.actor.org_id
        code = s.scalar(select(Organisation.code).where(Organisation.id == org_id)) or ""
        found = compute(s, org_id, period, max(2, threshold))
        found["org"] = {"id": org_id, "code": code}
        found["made_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        return found

    # -- the file ------------------------------------------------------------------------------
    def export(
        self, period: str, for_org: str | None = None, threshold: int = DEFAULT_THRESHOLD
    ) -> tuple[bytes, dict[str, Any]]:
        """The figures sealed for the compiling organisation (the shelter unless named) and
        signed by this laptop, as any bundle is."""
        chosen = parse_period(period)
        keys = self._sync.keys()
        with self._guard.write() as s:
            self._guard.require(Role.DATA_MANAGER, entity="stats")
            figures = self._own(s, chosen, threshold)
        with self._sync.store.read() as db:
            trusted = keystore.trusted(db)
        recipient = self._recipient(for_org or COMPILER, trusted)
        payload = STATISTICS_MARK + json.dumps(figures, sort_keys=True).encode()
        bundle_id = str(uuid.uuid4())
        data = bundle_format.write(
            {
                "format": bundle_format.FORMAT,
                "schema": SCHEMA_VERSION,
                "app": __version__,
                "bundle_id": bundle_id,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "sender_device": self._ctx.device_id,
                "sender_org": keys.org.identity.org_id,
                "cert": keys.device.cert,
                "chain": keys.device.chain,
                "recipient_org": recipient,
                "vector_from": {},
                "vector_to": {},
                "segments": 0,
                "operations": 0,
            },
            payload,
            trusted[recipient][0].box_public,
            keys.device,
        )
        with self._guard.write() as s:
            self._audit.record(
                s, "stats.export", "stats", bundle_id, {"period": chosen.name, "to": recipient}
            )
        return data, figures

    def _recipient(self, key: str, trusted: dict[str, Any]) -> str:
        wanted = key.strip().upper()
        for org_id, (ident, _own) in trusted.items():
            if wanted in (org_id.upper(), ident.code.upper()):
                return str(org_id)
        raise rej.invalid("org", rej.UNKNOWN_ORG, org=key.strip())

    def import_bundle(self, data: bytes) -> dict[str, Any]:
        """Checks the file as a bundle is checked, then keeps the figures it carries."""
        with self._guard.read():
            self._guard.require(Role.DATA_MANAGER, entity="stats")
        header, plain = open_checked(self._sync, data)
        if not plain.startswith(STATISTICS_MARK):
            raise rej.reject(rej.NOT_STATISTICS)
        try:
            figures = json.loads(plain[len(STATISTICS_MARK) :])
            period = str(figures["period"]["name"])
            valid = figures["kind"] == KIND and isinstance(figures["tables"], dict)
        except (ValueError, KeyError, TypeError):
            valid = False
        if not valid:
            raise rej.reject(rej.NOT_STATISTICS)
        # The sender is who signed the file, whatever the figures say about themselves.
        figures["org"]["id"] = header.sender_org
        with self._guard.write() as s:
            key = f"{PREFIX}{header.sender_org}:{period}"
            row = s.get(VaultMeta, key)
            text = json.dumps(figures, sort_keys=True)
            if row is None:
                s.add(VaultMeta(key=key, value=text))
            else:
                row.value = text
            self._audit.record(
                s,
                "stats.import",
                "stats",
                header.bundle_id,
                {"period": period, "from": header.sender_org},
            )
        return dict(figures)

    # -- the network ---------------------------------------------------------------------------
    def combined(self, period: str, threshold: int = DEFAULT_THRESHOLD) -> dict[str, Any]:
        """Every organisation's figures for the period (this one's computed now, the others'
        as received), summed cell by cell. A cell any organisation hid stays hidden (None)."""
        chosen = parse_period(period)
        with self._guard.read() as s:
            self._guard.require(*READERS, entity="stats")
            own = self._own(s, chosen, threshold)
            received = [
                json.loads(row.value)
                for row in s.scalars(
                    select(VaultMeta).where(VaultMeta.key.like(f"{PREFIX}%:{chosen.name}"))
                )
            ]
        with self._sync.store.read() as db:
            trusted = keystore.trusted(db)
        parts = [own, *(r for r in received if r["org"]["id"] != own["org"]["id"])]
        reported = {p["org"]["id"] for p in parts}
        missing = sorted(
            ident.code for org_id, (ident, _own) in trusted.items() if org_id not in reported
        )
        return {
            "kind": KIND,
            "period": own["period"],
            "organisations": sorted(p["org"]["code"] for p in parts),
            "missing": missing,
            "tables": _sum_tables([p["tables"] for p in parts]),
        }


def _sum_tables(parts: list[dict[str, Any]]) -> dict[str, Any]:
    names = sorted({name for tables in parts for name in tables})
    out: dict[str, Any] = {}
    for name in names:
        cells: dict[str, int | None] = {}
        keys = sorted({k for t in parts for k in t.get(name, {}).get("cells", {})})
        for key in keys:
            values = [t.get(name, {}).get("cells", {}).get(key, 0) for t in parts]
            cells[key] = None if any(v is None for v in values) else sum(values)
        totals = [t.get(name, {}).get("total", 0) for t in parts]
        out[name] = {
            "cells": cells,
            "total": None if any(v is None for v in totals) else sum(totals),
        }
    return out
