"""`cmdesk stats` in this process (the network test runs it as separate processes): a
partner's sealed figures reach WVFT, whose report adds them up, in JSON, CSV, XLSX and PDF."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from cmdesk.cli.main import main
from cmdesk.core.demo.generate import generate
from tests.conftest import ADMIN, ADMIN_PASS
from tests.core.reports.pdftools import pdftotext_raw
from tests.core.sync.conftest import copy_network, network_template  # noqa: F401


def test_stats_export_import_and_report(
    network_template: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    net = copy_network(network_template, tmp_path / "net")
    generate(net.a1, 30, seed=3, as_of=date(2026, 11, 25), workers=0)
    generate(net.p1, 30, seed=4, as_of=date(2026, 11, 25), workers=0)
    net.close()
    monkeypatch.setenv("CMDESK_PASSPHRASE", ADMIN_PASS)
    monkeypatch.setenv("CMDESK_LANG", "en")

    def cmdesk(laptop: str, *args: str) -> int:
        return main(["--vault", str(tmp_path / "net" / laptop), "--user", ADMIN, *args])

    sealed = tmp_path / "ecpat.cmstats"
    assert (
        cmdesk("p1", "stats", "export", "--period", "2569", "--for", "WVFT", "-o", str(sealed)) == 0
    )
    assert cmdesk("a1", "stats", "import", str(sealed)) == 0
    capsys.readouterr()
    assert cmdesk("a1", "--json", "stats", "report", "--period", "2569") == 0
    combined = json.loads(capsys.readouterr().out)
    assert "ECPAT" in json.dumps(combined) and "WVFT" in json.dumps(combined)
    # Community mechanisms: both organisations' counted together, never hidden.
    centres = combined["tables"]["mechanism_centre"]
    by_org = [t["mechanism_centre"]["all"] for t in combined["by_org"].values()]
    assert centres["all"] == sum(by_org) and len(by_org) == 2 and min(by_org) > 0
    assert None not in centres.values()
    gaps = combined["tables"]["mechanism_gaps"]
    assert all(combined["tables"]["mechanism_council"].get(k, 0) == 0 for k in gaps)
    assert cmdesk("a1", "stats", "report", "--period", "2569") == 0
    assert f"no active community mechanism: {len(gaps)}" in capsys.readouterr().out
    files = {k: tmp_path / f"net-report.{k}" for k in ("csv", "xlsx", "pdf")}
    args = ["--csv", str(files["csv"]), "--xlsx", str(files["xlsx"]), "-o", str(files["pdf"])]
    assert cmdesk("a1", "stats", "report", "--period", "2569", *args) == 0
    assert files["csv"].read_bytes().startswith(b"\xef\xbb\xbf")
    assert files["pdf"].read_bytes().startswith(b"%PDF")
    text = pdftotext_raw(files["pdf"].read_bytes(), tmp_path)
    assert "Active community child protection centres" in text
    if gaps:
        assert "Subdistricts with cases but no active mechanism" in text
    assert files["xlsx"].stat().st_size > 0
    # A period nobody can read is refused with a message, not a traceback.
    assert cmdesk("a1", "stats", "report", "--period", "someday") == 1
    assert "period" in capsys.readouterr().err.lower()
