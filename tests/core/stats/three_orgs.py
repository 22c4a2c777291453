"""A network of real vaults for the trend over quarters: WVFT compiles; ECPAT sent its
figures for every quarter of fiscal year 2569; ADRA, a small organisation (small counts,
hidden), sent the first two quarters only (late); FOCUS is trusted and never sent any
(missing). Each organisation's own figures are kept, to check what the network shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cmdesk.core.demo.generate import generate
from cmdesk.core.vault import crypto
from cmdesk.core.workspace import Workspace
from tests.conftest import ADMIN, ADMIN_PASS

YEAR = "2569"
QUARTERS = tuple(f"{YEAR}-Q{q}" for q in range(1, 5))
AS_OF = date(2026, 11, 25)
COMPILER = "WVFT"
SENT = {"ECPAT": QUARTERS, "ADRA": QUARTERS[:2], "FOCUS": ()}
CASES = {"WVFT": 40, "ECPAT": 40, "ADRA": 8, "FOCUS": 0}


@dataclass(frozen=True)
class ThreeOrgs:
    root: Path
    # Each organisation's published cases ("all" of the area table) by quarter, read from its
    # own full figures; only the quarters it sent (the compiler: every quarter).
    own: dict[str, dict[str, int | None]]

    @property
    def compiler(self) -> Path:
        return self.root / COMPILER

    def network(self, quarter: str) -> int | None:
        """The network's cases in the quarter: hidden if any sender hid its count."""
        counts = [by_q[quarter] for by_q in self.own.values() if quarter in by_q]
        return None if any(c is None for c in counts) else sum(c or 0 for c in counts)


def build(root: Path) -> ThreeOrgs:
    kdf = crypto.weak_kdf_for_tests()
    vaults = {}
    for seed, code in enumerate(CASES, start=3):
        vaults[code] = Workspace.create(
            root / code, org_code=code, username=ADMIN, passphrase=ADMIN_PASS, kdf=kdf
        )
        if CASES[code]:
            generate(vaults[code], CASES[code], seed=seed, as_of=AS_OF, workers=0)
    compiler = vaults[COMPILER]
    own: dict[str, dict[str, int | None]] = {}
    try:
        for code, ws in vaults.items():
            if code == COMPILER:
                continue
            ws.sync.trust(compiler.sync.identity_file())
            compiler.sync.trust(ws.sync.identity_file())
        for code, ws in vaults.items():
            quarters = QUARTERS if code == COMPILER else SENT[code]
            for quarter in quarters:
                if code == COMPILER:
                    figures = ws.stats.own(quarter)
                else:
                    data, figures = ws.stats_exchange.export(quarter, COMPILER)
                    compiler.stats_exchange.import_(data)
                tables = figures["tables"]
                assert isinstance(tables, dict)
                own.setdefault(code, {})[quarter] = tables["area"]["cells"]["all"]
    finally:
        for ws in vaults.values():
            ws.close()
    return ThreeOrgs(root, own)
