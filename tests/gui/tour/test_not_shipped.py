"""The tour signs in with demo passphrases written in its source: none may ship in the app."""

from __future__ import annotations

from pathlib import Path

import cmdesk
from tests.gui.tour import sync_stops, walk

ROOT = Path(__file__).resolve().parents[3]
# What the wheel and the packaged app are made of (pyproject: src/cmdesk and resources).
SHIPPED = (Path(cmdesk.__file__).parent, ROOT / "resources")


def test_no_tour_passphrase_is_in_what_ships() -> None:
    secrets = {walk.TOUR_PASS, walk.CASE_MANAGER[1], walk.SUPERVISOR[1], sync_stops.SECOND_PASS}
    # (Bytecode left by an older checkout is not what ships: the build compiles the sources.)
    files = [
        p for top in SHIPPED for p in top.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    ]
    assert len(files) > 100  # the app's sources and catalogs were found
    carrying = sorted(
        str(p.relative_to(ROOT))
        for p in files
        if any(secret.encode() in p.read_bytes() for secret in secrets)
    )
    assert carrying == []
