"""Network figures (issue 13) as a data manager of WVFT uses them: the period, our statistics
file for a partner, a partner's file added, the province map equal to the core's combined
figures with hidden counts shown as hidden (never 0), a district's subdistricts, and the
figures saved as CSV and Excel; in Thai with no English left and nothing clipped on a
1024 x 600 netbook. A field worker has no such section; a supervisor does."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QTreeWidget
from pytestqt.qtbot import QtBot

from cmdesk.core.demo.generate import generate
from cmdesk.core.i18n import Translator
from cmdesk.core.reference.geography import subdistricts
from cmdesk.core.stats.tables import rows
from cmdesk.core.vault import crypto
from cmdesk.core.workspace import Workspace
from cmdesk.gui.screens.network.screen import NetworkScreen
from cmdesk.gui.settings import GuiSettings
from cmdesk.gui.shell import Shell
from tests.conftest import ADMIN, ADMIN_PASS
from tests.core.sync.conftest import network_template  # noqa: F401
from tests.gui.flow import workspace
from tests.gui.helpers import WAIT_MS, unlock, wait_idle
from tests.gui.screen_checks import clipped, english_left, shown_texts

PERIOD = "2569"  # fiscal year 2569: 1 October 2025 to 30 September 2026
AS_OF = date(2026, 11, 25)
SUP, FW, PASS = "kasem", "pim", "a passphrase for the tests"
PARTNER_FILE = "ecpat-2569.cmstats"


@pytest.fixture(scope="session")
def stats_network(
    network_template: Path,  # noqa: F811
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    """WVFT's vault (a1: 40 cases, a supervisor, a field worker) and ECPAT's statistics file
    for fiscal year 2569, sealed for WVFT."""
    root = tmp_path_factory.mktemp("stats-net")
    for name in ("a1", "p1"):
        shutil.copytree(network_template / name, root / name)
    kdf = crypto.weak_kdf_for_tests()
    with Workspace.open(root / "a1", ADMIN, ADMIN_PASS) as ws:
        generate(ws, 40, seed=3, as_of=AS_OF, workers=0)
        ws.users.add(SUP, PASS, "supervisor", kdf=kdf)
        ws.users.add(FW, PASS, "field_worker", kdf=kdf)
    with Workspace.open(root / "p1", ADMIN, ADMIN_PASS) as ws:
        generate(ws, 40, seed=4, as_of=AS_OF, workers=0)
        data, _ = ws.stats_exchange.export(PERIOD, "WVFT")
    (root / PARTNER_FILE).write_bytes(data)
    return root


@pytest.fixture
def net_copy(stats_network: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "net"
    shutil.copytree(stats_network, dest)
    return dest


def combined(vault: Path, partner_file: Path) -> dict[str, Any]:
    """The network's figures as the core combines them, in a copy of the vault."""
    copy = vault.parent / "expected"
    shutil.copytree(vault, copy)
    with Workspace.open(copy, ADMIN, ADMIN_PASS) as ws:
        ws.stats_exchange.import_(partner_file.read_bytes())
        return ws.stats_exchange.network(PERIOD)


def open_network(qtbot: QtBot, shell: Shell, user: str, passphrase: str) -> NetworkScreen:
    unlock(qtbot, shell, user, passphrase)
    page = workspace(shell)
    page.show_section("network")
    screen = page.network
    loaded(qtbot, shell, screen, PERIOD)
    return screen


def loaded(qtbot: QtBot, shell: Shell, screen: NetworkScreen, period: str, label: str = "") -> None:
    """Types the period and waits for its figures (`label`: the core's name for it)."""
    wait_idle(qtbot, shell)
    screen.set_period(period)
    qtbot.waitUntil(
        lambda: screen.network is not None and screen.network["period"] == (label or period),
        timeout=WAIT_MS,
    )
    wait_idle(qtbot, shell)


def choose_file(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """The next file dialog answers `path`."""
    for name in ("getSaveFileName", "getOpenFileName"):
        monkeypatch.setattr(QFileDialog, name, staticmethod(lambda *_a, **_k: (str(path), "")))


def press(qtbot: QtBot, shell: Shell, screen: NetworkScreen, key: str) -> str:
    message = screen.files.message
    qtbot.mouseClick(screen.files.buttons[key], Qt.MouseButton.LeftButton)
    wait_idle(qtbot, shell)
    qtbot.waitUntil(lambda: screen.files.buttons[key].isEnabled(), timeout=WAIT_MS)
    return message.text().replace("\u200b", "")


def tree_rows(tree: QTreeWidget) -> list[list[str]]:
    return [
        [tree.topLevelItem(i).text(c) for c in range(tree.columnCount())]
        for i in range(tree.topLevelItemCount())
    ]


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_data_manager_exchanges_statistics_files_and_reads_the_province_map(
    qtbot: QtBot,
    make_shell: Any,
    settings: GuiSettings,
    net_copy: Path,
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
) -> None:
    tr = Translator(lang)
    partner_file = net_copy / PARTNER_FILE
    expected = combined(net_copy / "a1", partner_file)
    settings.language = lang
    settings.last_vault = str(net_copy / "a1")
    shell = make_shell(settings)
    screen = open_network(qtbot, shell, ADMIN, ADMIN_PASS)
    assert screen.network is not None and screen.network["organisations"] == ["WVFT"]
    assert "ECPAT" in screen.missing.text() and screen.missing.isVisible()

    # Our file, sealed for the partner this laptop trusts; ECPAT can open it.
    ours = net_copy / "wvft.cmstats"
    choose_file(monkeypatch, ours)
    said = press(qtbot, shell, screen, "export")
    assert str(ours) in said and "ECPAT" in said
    with Workspace.open(net_copy / "p1", ADMIN, ADMIN_PASS) as ecpat:
        assert ecpat.stats_exchange.import_(ours.read_bytes()) == ("WVFT", PERIOD)

    # The partner's file: whose figures for which period were kept, in the user's language.
    choose_file(monkeypatch, partner_file)
    said = press(qtbot, shell, screen, "import")
    kept = {"th": "เก็บสถิติของ ECPAT", "en": "Kept the statistics of ECPAT"}[lang]
    assert kept in said and PERIOD in said
    qtbot.waitUntil(lambda: screen.network["organisations"] == ["WVFT", "ECPAT"], timeout=WAIT_MS)
    wait_idle(qtbot, shell)
    assert not screen.missing.isVisible()

    # The map: every district's count is the core's combined count; hidden is never 0.
    area = expected["tables"]["area"]
    tiles = screen.map.tiles
    assert len(tiles) == 18
    assert {c: t.value for c, t in tiles.items()} == {
        c: area.get(f"district:{c}", 0) for c in tiles
    }
    hidden = [t for t in tiles.values() if t.value is None]
    assert hidden, "the demo data should leave some district below the threshold"
    assert all(t.text == tr.gettext("hidden") and t.text != "0" for t in hidden)
    assert any(t.value for t in tiles.values())
    place = {"th": "แม่สาย", "en": "Mae Sai"}[lang]
    assert tiles["5709"].name == place

    # A click on a district lists its subdistricts with their combined counts.
    district = max(tiles.values(), key=lambda t: t.value or 0).code
    centre = screen.map.tile_rect(district).center()
    screen.scroll_area.ensureWidgetVisible(screen.map)
    qtbot.mouseClick(screen.map, Qt.MouseButton.LeftButton, pos=centre)
    assert screen.map.selected == district
    assert tiles[district].name in screen.district_title.text().replace("\u200b", "")
    listed = tree_rows(screen.subdistricts)
    names = [s.name(lang) for s in subdistricts(district)]
    assert [r[0] for r in listed[: len(names)]] == names
    for row, sub in zip(listed, subdistricts(district), strict=False):
        value = area.get(f"subdistrict:{sub.code}", 0)
        assert row[1] == (tr.gettext("hidden") if value is None else str(value))

    # CSV and Excel of the figures shown, in the user's language.
    csv_file = net_copy / "network.csv"
    choose_file(monkeypatch, csv_file)
    assert str(csv_file) in press(qtbot, shell, screen, "csv")
    data = csv_file.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    read = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert read[0][:4] == [tr.gettext(h) for h in ("Table", "Category", "Code", "Network")]
    assert read[0][4:] == ["WVFT", "ECPAT"]
    assert len(read) == 1 + len(rows(expected, tr))
    by_code = {r[2]: r for r in read[1:] if r[0] == tr.gettext("Cases by area")}
    for code, tile in tiles.items():
        assert by_code.get(f"district:{code}", [""] * 4)[3] == (
            "" if tile.value is None else str(tile.value) if f"district:{code}" in area else ""
        )
    xlsx_file = net_copy / "network.xlsx"
    choose_file(monkeypatch, xlsx_file)
    assert str(xlsx_file) in press(qtbot, shell, screen, "xlsx")
    sheet = load_workbook(xlsx_file).active
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert [tr.gettext("Table"), tr.gettext("Category")] in [v[:2] for v in values]

    # Referrals by partner, with each sending organisation's days to reply and complete.
    screen.table_box.setCurrentIndex(screen.table_box.findData("referral_partner"))
    partners = tree_rows(screen.table)
    assert partners and partners[0][0] == tr.gettext("All")
    assert screen.times.isVisibleTo(screen) and {r[0] for r in tree_rows(screen.times)} <= {
        "WVFT",
        "ECPAT",
    }
    if lang == "th":
        assert english_left(shown_texts(screen)) == []
    else:
        pdf_file = net_copy / "network.pdf"
        choose_file(monkeypatch, pdf_file)
        assert str(pdf_file) in press(qtbot, shell, screen, "pdf")
        assert pdf_file.read_bytes().startswith(b"%PDF")


def test_thai_fits_a_netbook_screen(
    qtbot: QtBot, make_shell: Any, settings: GuiSettings, net_copy: Path
) -> None:
    settings.language = "th"
    settings.last_vault = str(net_copy / "a1")
    shell = make_shell(settings)
    shell.window.resize(1024, 600)
    screen = open_network(qtbot, shell, ADMIN, ADMIN_PASS)
    qtbot.wait(50)
    assert english_left(shown_texts(screen)) == []
    assert clipped(screen) == []
    assert screen.map.width() >= screen.map.minimumSizeHint().width()


def test_a_period_that_cannot_be_read_and_a_wrong_file_are_explained_in_thai(
    qtbot: QtBot,
    make_shell: Any,
    settings: GuiSettings,
    net_copy: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.language = "th"
    settings.last_vault = str(net_copy / "a1")
    shell = make_shell(settings)
    screen = open_network(qtbot, shell, ADMIN, ADMIN_PASS)
    screen.set_period("someday")
    message = screen.period_message
    assert message.isVisible() and "ไม่ใช่ช่วงเวลา" in message.text().replace("\u200b", "")
    assert screen.network is not None and screen.network["period"] == PERIOD  # still shown
    # A date range is accepted as typed.
    loaded(qtbot, shell, screen, "2569-01-01..2569-03-31", "2026-01-01..2026-03-31")
    assert not message.isVisible()

    wrong = net_copy / "not-statistics.cmstats"
    wrong.write_bytes(b"hello")
    choose_file(monkeypatch, wrong)
    said = press(qtbot, shell, screen, "import")
    assert said and english_left([shown_texts(screen.files.message)[0]]) == []


@pytest.mark.parametrize(("user", "sees"), [(SUP, True), (FW, False)])
def test_the_section_is_for_the_roles_the_core_allows(
    qtbot: QtBot, make_shell: Any, settings: GuiSettings, net_copy: Path, user: str, sees: bool
) -> None:
    settings.last_vault = str(net_copy / "a1")
    shell = make_shell(settings)
    unlock(qtbot, shell, user, PASS)
    page = workspace(shell)
    assert ("network" in page.visible_sections()) is sees
    from cmdesk.gui.screens.workspace import SECTIONS

    assert page.nav.item(SECTIONS.index("network")).isHidden() is not sees
    if sees:
        page.show_section("network")
        loaded(qtbot, shell, page.network, PERIOD)
        assert page.network.map.tiles
