"""Cases by quarter on the network screen (issue 13), read from three organisations' real
vaults (tests/core/stats/three_orgs.py): WVFT compiles, ECPAT sent every quarter of fiscal
year 2569, ADRA (small, its counts hidden) the first two, FOCUS none. The chart shows each
quarter's network and organisation counts as each vault published them, hidden counts as
hidden and never as a number, and no bar for a quarter an organisation did not send; the
screen tells the late partner from the one that never sent figures. Thai and English, on a
1024 x 600 netbook, nothing clipped.

Set CMDESK_SHOTS=DIR to keep the screenshots (the chart and the whole screen) to look at."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from cmdesk.core.charts import NOT_SENT
from cmdesk.core.i18n import Translator
from cmdesk.gui.screens.network.screen import NetworkScreen
from cmdesk.gui.settings import GuiSettings
from cmdesk.gui.shell import Shell
from tests.conftest import ADMIN, ADMIN_PASS
from tests.core.stats.three_orgs import QUARTERS, ThreeOrgs, build
from tests.gui.flow import workspace
from tests.gui.helpers import WAIT_MS, unlock, wait_idle
from tests.gui.screen_checks import clipped, english_left, shown_texts


@pytest.fixture(scope="session")
def three_orgs(tmp_path_factory: pytest.TempPathFactory) -> ThreeOrgs:
    return build(tmp_path_factory.mktemp("three-orgs"))


def open_period(qtbot: QtBot, shell: Shell, period: str) -> NetworkScreen:
    unlock(qtbot, shell, ADMIN, ADMIN_PASS)
    page = workspace(shell)
    page.show_section("network")
    screen = page.network
    wait_idle(qtbot, shell)
    screen.set_period(period)
    qtbot.waitUntil(
        lambda: screen.network is not None and screen.network["period"] == period,
        timeout=WAIT_MS,
    )
    wait_idle(qtbot, shell)
    return screen


def keep_shot(screen: NetworkScreen, name: str) -> None:
    folder = os.environ.get("CMDESK_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        screen.trend.grab().save(str(Path(folder) / f"{name}-chart.png"))
        screen.scroll_area.ensureWidgetVisible(screen.trend, 0, 0)
        screen.window().grab().save(str(Path(folder) / f"{name}-screen.png"))
        screen.scroll_area.ensureWidgetVisible(screen.missing)
        screen.window().grab().save(str(Path(folder) / f"{name}-senders.png"))


@pytest.mark.parametrize("lang", ["th", "en"])
def test_cases_by_quarter_for_a_quarter_show_its_fiscal_year(
    qtbot: QtBot,
    make_shell: Any,
    settings: GuiSettings,
    three_orgs: ThreeOrgs,
    tmp_path: Path,
    lang: str,
) -> None:
    tr = Translator(lang)
    settings.language = lang
    settings.last_vault = str(tmp_path / "WVFT")
    shutil.copytree(three_orgs.compiler, tmp_path / "WVFT")
    shell = make_shell(settings)
    shell.window.resize(1024, 600)
    screen = open_period(qtbot, shell, "2569-Q3")
    chart = screen.trend
    screen.scroll_area.ensureWidgetVisible(chart)
    chart.grab()  # painted: its bars are laid out as shown
    assert chart.isVisibleTo(screen)
    trend = chart.trend
    assert trend is not None

    # The four quarters of fiscal year 2569, the chosen third one marked, named in B.E.
    assert [c.quarter for c in trend.columns] == list(QUARTERS)
    assert [c.chosen for c in trend.columns] == [False, False, True, False]
    names = {"th": "ไตรมาส 3/2569", "en": "Q3 FY2569"}[lang]
    assert trend.columns[2].name == names
    assert trend.series == (tr.gettext("Network"), "WVFT", "ECPAT", "ADRA")

    # Every bar is the count its organisation published for the quarter (the network's: the
    # sum, hidden where any was); ADRA sent no figures for Q3 and Q4: no bar, a dash.
    drawn = {(b.quarter, b.series): b for b in chart.bars}
    hidden_word = tr.gettext("hidden")
    seen_hidden = 0
    for quarter in QUARTERS:
        expected = {tr.gettext("Network"): three_orgs.network(quarter)}
        for org in ("WVFT", "ECPAT", "ADRA"):
            expected[org] = three_orgs.own[org].get(quarter, NOT_SENT)  # type: ignore[assignment]
        for series, value in expected.items():
            bar = drawn[(quarter, series)]
            assert bar.cell == value, (quarter, series)
            if value is None:
                seen_hidden += 1
                assert bar.text == hidden_word and not any(ch.isdigit() for ch in bar.text)
                assert bar.rect.height() > 0
            elif value == NOT_SENT:
                assert bar.text == NOT_SENT and bar.rect.height() == 0
            else:
                assert bar.text == str(value) and bar.rect.height() > 0
    assert seen_hidden >= 2, "ADRA's small counts should be hidden"
    taller = drawn[("2569-Q4", "WVFT")].rect.height() > drawn[("2569-Q1", "WVFT")].rect.height()
    assert taller == (three_orgs.own["WVFT"]["2569-Q4"] > three_orgs.own["WVFT"]["2569-Q1"])  # type: ignore[operator]

    # Late (sent earlier quarters, not this one) apart from never sent.
    missing = screen.missing.text().replace("\u200b", "")
    late_line, never_line = missing.splitlines()
    assert "ADRA" in late_line and "FOCUS" in never_line and "ADRA" not in never_line
    quarter_two = {"th": "ไตรมาส 2 ปีงบประมาณ 2569", "en": "Quarter 2 of fiscal year 2569"}
    assert quarter_two[lang] in late_line
    assert {"th": "ส่งช้า", "en": "Late"}[lang] in late_line

    qtbot.wait(50)
    assert clipped(screen) == []
    if lang == "th":
        assert english_left(shown_texts(screen.trend_text)) == []
    assert chart.width() >= chart.minimumSizeHint().width()
    keep_shot(screen, f"trend-{lang}")


def test_a_date_range_has_no_chart_by_quarter(
    qtbot: QtBot,
    make_shell: Any,
    settings: GuiSettings,
    three_orgs: ThreeOrgs,
    tmp_path: Path,
) -> None:
    shutil.copytree(three_orgs.compiler, tmp_path / "WVFT")
    settings.last_vault = str(tmp_path / "WVFT")
    shell = make_shell(settings)
    screen = open_period(qtbot, shell, "2569")
    assert screen.trend.isVisibleTo(screen)
    assert not any(c.chosen for c in screen.trend.trend.columns)  # type: ignore[union-attr]
    screen.set_period("2569-01-01..2569-03-31")
    qtbot.waitUntil(lambda: screen.network["period"] == "2026-01-01..2026-03-31", timeout=WAIT_MS)
    wait_idle(qtbot, shell)
    assert not screen.trend.isVisibleTo(screen) and screen.trend.trend is None
