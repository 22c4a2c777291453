"""The caseload as a case manager sees it: pages from the worker, search, refresh."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from cmdesk.gui.models.paged import PAGE_SIZE
from cmdesk.gui.settings import GuiSettings
from cmdesk.gui.shell import Shell
from tests.core.records.factories import SUBDISTRICT
from tests.gui.conftest import CASE_MANAGER, CASE_MANAGER_PASS, CASES, child_names
from tests.gui.helpers import WAIT_MS, unlock, wait_idle


def test_the_caseload_pages_in_as_the_table_scrolls(
    qtbot: QtBot, make_shell: Callable[[GuiSettings], Shell], caseload_settings: GuiSettings
) -> None:
    shell = make_shell(caseload_settings)
    unlock(qtbot, shell, CASE_MANAGER, CASE_MANAGER_PASS)
    shell.workspace_page().show_section("caseload")  # after Home, the first screen
    caseload = shell.workspace_page().caseload
    model = caseload.model
    qtbot.waitUntil(lambda: model.rowCount() == PAGE_SIZE, timeout=WAIT_MS)
    assert caseload.table.isVisible() and model.has_more
    assert "100" in caseload.count_label.text()
    # Highest risk first: the one critical case leads.
    assert model.data(model.index(0, 3)) == "Critical risk"
    assert model.data(model.index(0, 3), Qt.ItemDataRole.ForegroundRole) is not None
    caseload.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() == CASES, timeout=WAIT_MS)
    assert not model.canFetchMore()
    assert str(CASES) in caseload.count_label.text()


def test_search_waits_for_a_pause_and_finds_the_child(
    qtbot: QtBot, make_shell: Callable[[GuiSettings], Shell], caseload_settings: GuiSettings
) -> None:
    shell = make_shell(caseload_settings)
    unlock(qtbot, shell, CASE_MANAGER, CASE_MANAGER_PASS)
    caseload = shell.workspace_page().caseload
    qtbot.waitUntil(lambda: caseload.model.rowCount() > 0, timeout=WAIT_MS)
    _th, latin = child_names(33)
    qtbot.keyClicks(caseload.search, latin)
    qtbot.waitUntil(lambda: caseload.model.rowCount() == 1, timeout=WAIT_MS)
    wait_idle(qtbot, shell)
    row = caseload.model.row(caseload.model.index(0, 0))
    assert row is not None and row.child_name_en.startswith(latin)
    caseload.search.clear()
    qtbot.keyClicks(caseload.search, "nobody-has-this-name")
    qtbot.waitUntil(lambda: caseload.stack.currentWidget() is caseload.empty, timeout=WAIT_MS)
    assert "search" in caseload.empty.title.text().lower()


def test_a_data_manager_is_told_casework_is_not_theirs(
    qtbot: QtBot, make_shell: Callable[[GuiSettings], Shell], caseload_settings: GuiSettings
) -> None:
    from tests.conftest import ADMIN, ADMIN_PASS

    shell = make_shell(caseload_settings)
    unlock(qtbot, shell, ADMIN, ADMIN_PASS)
    caseload = shell.workspace_page().caseload
    assert caseload.stack.currentWidget() is caseload.empty
    assert "data manager" in caseload.empty.title.text()


def test_clearing_the_search_shows_every_case_again(
    qtbot: QtBot, make_shell: Callable[[GuiSettings], Shell], caseload_settings: GuiSettings
) -> None:
    shell = make_shell(caseload_settings)
    unlock(qtbot, shell, CASE_MANAGER, CASE_MANAGER_PASS)
    caseload = shell.workspace_page().caseload
    _th, latin = child_names(12)
    qtbot.keyClicks(caseload.search, latin)
    qtbot.waitUntil(lambda: caseload.model.rowCount() == 1, timeout=WAIT_MS)
    caseload.search.clear()
    qtbot.waitUntil(lambda: caseload.model.rowCount() == PAGE_SIZE, timeout=WAIT_MS)
    qtbot.keyClicks(caseload.search, latin)  # the same search again still runs
    qtbot.waitUntil(lambda: caseload.model.rowCount() == 1, timeout=WAIT_MS)


def test_filters_narrow_the_caseload_and_are_remembered_next_time(
    qtbot: QtBot, make_shell: Callable[[GuiSettings], Shell], caseload_settings: GuiSettings
) -> None:
    shell = make_shell(caseload_settings)
    unlock(qtbot, shell, CASE_MANAGER, CASE_MANAGER_PASS)
    caseload = shell.workspace_page().caseload
    model = caseload.model
    qtbot.waitUntil(lambda: model.rowCount() == PAGE_SIZE, timeout=WAIT_MS)
    more = caseload.more
    # Only the critical case.
    more.risk.setCurrentIndex(more.risk.findData("critical"))
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=WAIT_MS)
    assert "1" in caseload.count_label.text()
    # Children of another district: none here, and the list says so.
    more.place.setCurrentIndex(more.place.findData("5703"))
    qtbot.waitUntil(lambda: caseload.stack.currentWidget() is caseload.empty, timeout=WAIT_MS)
    more.place.setCurrentIndex(more.place.findData(SUBDISTRICT[:4]))
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=WAIT_MS)
    # A click on the follow-up header orders by the next follow-up; the arrow says so.
    caseload.table.horizontalHeader().sectionClicked.emit(4)
    assert caseload.view.order == "due"
    assert caseload.table.horizontalHeader().sortIndicatorSection() == 4
    wait_idle(qtbot, shell)
    shell.lock()

    # The next time the app starts, the same choices are there and applied.
    again = make_shell(GuiSettings.load(caseload_settings.path))
    unlock(qtbot, again, CASE_MANAGER, CASE_MANAGER_PASS)
    caseload = again.workspace_page().caseload
    qtbot.waitUntil(lambda: caseload.model.rowCount() == 1, timeout=WAIT_MS)
    assert caseload.more.risk.currentData() == "critical"
    assert caseload.more.place.currentData() == SUBDISTRICT[:4]
    assert caseload.view.order == "due"
    assert caseload.table.horizontalHeader().sortIndicatorSection() == 4
    # Every case again when the filters are cleared.
    caseload.more.risk.setCurrentIndex(0)
    caseload.more.place.setCurrentIndex(0)
    qtbot.waitUntil(lambda: caseload.model.rowCount() == PAGE_SIZE, timeout=WAIT_MS)


def test_a_team_filter_offers_the_teams_seen_and_a_home_figure_clears_it(
    qtbot: QtBot, make_shell: Callable[[GuiSettings], Shell], caseload_settings: GuiSettings
) -> None:
    from pathlib import Path

    from sqlalchemy import text

    from cmdesk.core.workspace import Workspace
    from tests.conftest import ADMIN, ADMIN_PASS

    vault = Path(str(caseload_settings.last_vault))
    with Workspace.open(vault, ADMIN, ADMIN_PASS) as ws, ws.ctx.write() as s:
        ids = [r[0] for r in s.execute(text("SELECT id FROM case_file ORDER BY id LIMIT 5"))]
        for n, case_id in enumerate(ids):
            team = "north" if n < 3 else "south"
            s.execute(
                text("UPDATE case_file SET team = :t WHERE id = :i"), {"t": team, "i": case_id}
            )
    shell = make_shell(caseload_settings)
    unlock(qtbot, shell, CASE_MANAGER, CASE_MANAGER_PASS)
    caseload = shell.workspace_page().caseload
    more, model = caseload.more, caseload.model
    qtbot.waitUntil(lambda: more.team.count() == 3, timeout=WAIT_MS)
    assert [more.team.itemText(i) for i in range(3)] == ["Every team", "north", "south"]
    assert more.team.isVisibleTo(caseload)
    more.team.setCurrentIndex(more.team.findData("north"))
    qtbot.waitUntil(lambda: model.rowCount() == 3, timeout=WAIT_MS)
    assert caseload.view.team == "north"
    # A home screen figure shows what it counts: the team filter is cleared, not remembered.
    caseload.show_only(overdue_only=False)  # "open cases": every one of them
    qtbot.waitUntil(lambda: model.rowCount() == PAGE_SIZE, timeout=WAIT_MS)
    assert more.team.currentData() == ""
    assert caseload.view.team == "north"
