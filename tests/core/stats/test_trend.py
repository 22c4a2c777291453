"""Cases by quarter and who is late, from three organisations' real vaults
(three_orgs.py): each quarter's counts are what each organisation published for it, hidden
where any was; a quarter not yet begun is not counted; the partner that sent earlier quarters
is late, the one that never sent is missing; and the printed network report carries the trend
as a chart and a table, in Thai and English, hidden counts as the hidden mark."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from cmdesk.cli.main import main
from cmdesk.core.workspace import Workspace
from tests.conftest import ADMIN, ADMIN_PASS
from tests.core.reports.pdftools import nfkd, pdftotext_raw
from tests.core.stats.three_orgs import QUARTERS, ThreeOrgs, build

ORGS = ("WVFT", "ECPAT", "ADRA")


@pytest.fixture(scope="module")
def three_orgs(tmp_path_factory: pytest.TempPathFactory) -> ThreeOrgs:
    return build(tmp_path_factory.mktemp("three-orgs"))


def test_a_quarter_shows_the_four_quarters_of_its_fiscal_year(three_orgs: ThreeOrgs) -> None:
    with Workspace.open(three_orgs.compiler, ADMIN, ADMIN_PASS) as ws:
        quarters = ws.stats_exchange.quarters("ไตรมาส 3/2569")
        year = ws.stats_exchange.quarters("2569")
        dates = ws.stats_exchange.quarters("2569-01-01..2569-03-31")
        network = ws.stats_exchange.network("2569-Q3")
    assert [q["quarter"] for q in quarters] == list(QUARTERS)
    assert [q["chosen"] for q in quarters] == [False, False, True, False]
    assert not any(q["chosen"] for q in year) and dates == []
    for q in quarters:
        assert q["cases"] == three_orgs.network(q["quarter"])
        sent = {o: by_q[q["quarter"]] for o, by_q in three_orgs.own.items() if q["quarter"] in by_q}
        assert q["by_org"] == sent
    assert any(q["cases"] is None for q in quarters)  # ADRA's small counts, hidden
    # The trend's third quarter is the quarter's own figures.
    assert quarters[2]["cases"] == network["tables"]["area"]["all"]
    assert network["missing"] == ["ADRA", "FOCUS"]
    assert network["late"] == {"ADRA": "2569-Q2"} and network["ended"]


def test_a_quarter_that_has_not_begun_is_not_counted(three_orgs: ThreeOrgs) -> None:
    with Workspace.open(three_orgs.compiler, ADMIN, ADMIN_PASS) as ws:
        quarters = ws.stats.quarters("2570", today=date(2026, 12, 5))
        running = ws.stats.network("2570-Q1", ["ECPAT"], today=date(2026, 12, 5))
    assert [q["begun"] for q in quarters] == [True, False, False, False]
    assert list(quarters[0]["by_org"]) == ["WVFT"]  # nobody sent 2570-Q1 yet
    assert all(q["cases"] is None and q["by_org"] == {} for q in quarters[1:])
    # Figures for a quarter still running are not due: not late, though not there.
    assert running["late"] == {"ECPAT": "2569-Q4"} and not running["ended"]


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_printed_report_has_the_trend(three_orgs: ThreeOrgs, tmp_path: Path, lang: str) -> None:
    with Workspace.open(three_orgs.compiler, ADMIN, ADMIN_PASS) as ws:
        pdf, _network = ws.stats_exchange.network_pdf("2569-Q3", lang)
    text = nfkd(pdftotext_raw(pdf, tmp_path))
    lines = text.splitlines()
    title = {"th": "จำนวนเคสรายไตรมาส", "en": "Cases by quarter"}[lang]
    assert nfkd(title) in text
    # The trend comes before the tables by concern and area, the table of the same numbers
    # under the chart: one row per quarter, the network, then WVFT, ECPAT, ADRA.
    concern = {"th": "จำนวนเคสตามประเด็นปัญหา", "en": "Cases by concern"}[lang]
    assert text.index(nfkd(title)) < text.index(nfkd(concern))
    for q, quarter in enumerate(QUARTERS, start=1):
        name = {"th": f"ไตรมาส {q}/2569", "en": f"Q{q} FY2569"}[lang]
        cells = [three_orgs.network(quarter), *(three_orgs.own[o].get(quarter, "–") for o in ORGS)]
        expected = " ".join(["*" if c is None else str(c) for c in cells])
        assert f"{nfkd(name)} {expected}" in lines, (name, expected)
    # The chart's own numbers: hidden bars carry the mark, never a number.
    chart = text[text.index(nfkd(title)) : text.index(nfkd(title)) + 200]
    assert "*" in chart and re.search(rf"\b{three_orgs.network('2569-Q3')}\b", chart)
    late = {"th": "ส่งช้า", "en": "Late"}[lang]
    never = {"th": "ไม่เคยส่งสถิติ", "en": "Never sent statistics"}[lang]
    latest = {"th": "ADRA (ล่าสุด: ไตรมาส 2/2569)", "en": "ADRA (latest: Q2 FY2569)"}[lang]
    assert nfkd(late) in text and nfkd(latest) in text
    assert f"{nfkd(never)} FOCUS" in lines


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_command_line_report_names_the_late_partner_apart_from_the_one_that_never_sent(
    three_orgs: ThreeOrgs,
    lang: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CMDESK_PASSPHRASE", ADMIN_PASS)
    monkeypatch.setenv("CMDESK_LANG", lang)
    args = ["--vault", str(three_orgs.compiler), "--user", ADMIN, "stats", "report"]
    assert main([*args, "--period", "2569-Q3"]) == 0
    said = capsys.readouterr().out
    late, never = {
        "th": ("ส่งช้า: ส่งสถิติของช่วงเวลาอื่นแล้ว", "ไม่เคยส่งสถิติ: FOCUS"),
        "en": (
            "Late: sent figures for other periods, none for this one",
            "Never sent statistics: FOCUS",
        ),
    }[lang]
    latest = {
        "th": "ADRA (ล่าสุด: ไตรมาส 2 ปีงบประมาณ 2569)",
        "en": "ADRA (latest: Quarter 2 of fiscal year 2569)",
    }[lang]
    assert late in said and latest in said and never in said
    assert said.index("ADRA") > said.index(late.split(":")[0]) and "FOCUS (" not in said
