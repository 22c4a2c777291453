"""My work: a field worker's overdue, today's and coming follow-ups with the child's name and
village; Done keeps what happened, Postpone needs a new date and a reason."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.vault import crypto
from cmdesk.core.workspace import Workspace
from cmdesk.gui.screens.postpone_dialog import PostponeDialog
from cmdesk.gui.settings import GuiSettings
from cmdesk.gui.shell import Shell
from cmdesk.gui.widgets.prompts import ReasonDialog
from tests.conftest import ADMIN, ADMIN_PASS
from tests.core.records.factories import child_draft
from tests.gui.flow import closed, dialog, press, type_text, workspace
from tests.gui.helpers import WAIT_MS, unlock
from tests.gui.screen_checks import clipped, english_left, shown_texts

CM, FW, PASS = "anong", "pim", "a passphrase for the tests"


@pytest.fixture(scope="session")
def week_template(template_vault: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("week") / "vault"
    shutil.copytree(template_vault, root)
    kdf = crypto.weak_kdf_for_tests()
    with Workspace.open(root, ADMIN, ADMIN_PASS) as ws:
        ws.users.add(CM, PASS, "case_manager", kdf=kdf)
        ws.users.add(FW, PASS, "field_worker", team="maesai", kdf=kdf)
    with Workspace.open(root, CM, PASS) as ws:
        pim = next(u.id for u in ws.users.list() if u.username == FW)
        child = ws.children.register_child(child_draft(), confirm_not_duplicate=True).value
        case = ws.cases.open_case(child.id, ["neglect"], "high", "alone", assigned_worker_id=pim)
        today = thai_today()
        for title, days in (("Visit the school", -3), ("Call the mother", 0), ("Home visit", 4)):
            ws.tasks.add(case.value.id, title, today + timedelta(days=days), pim)
    return root


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_field_worker_does_and_postpones_the_weeks_visits(
    qtbot: QtBot,
    make_shell: Callable[[GuiSettings], Shell],
    settings: GuiSettings,
    week_template: Path,
    tmp_path: Path,
    lang: str,
) -> None:
    root = tmp_path / "vault"
    shutil.copytree(week_template, root)
    settings.last_vault, settings.language = str(root), lang
    shell = make_shell(settings)
    unlock(qtbot, shell, FW, PASS)
    tr = shell.lang.translator
    page = workspace(shell)
    page.show_section("tasks")
    screen = page.tasks
    model = screen.model
    qtbot.waitUntil(lambda: model.rowCount() == 3, timeout=WAIT_MS)

    def cell(row: int, column: int) -> str:
        return str(model.data(model.index(row, column)))

    assert [cell(r, 3) for r in range(3)] == ["Visit the school", "Call the mother", "Home visit"]
    assert cell(1, 0) == tr.gettext("Today")
    assert tr.format("Overdue since {date}", date="").strip() in cell(0, 0)
    name = "มะลิ แสงทอง" if lang == "th" else "Mali Saengthong"
    assert cell(0, 1) == f"{name} (ลิ)" and cell(0, 2) == "บ้านป่าซาง"
    if lang == "th":
        problems = english_left(shown_texts(screen)) + clipped(screen)
        assert not problems, problems

    # Done, with what happened.
    screen.table.selectRow(1)
    press(qtbot, screen.done)
    ask = dialog(qtbot, ReasonDialog)
    type_text(qtbot, ask.text, "the mother will come to the school meeting")
    press(qtbot, ask.ok_button)
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=WAIT_MS)

    # Postpone: a reason is needed.
    screen.table.selectRow(0)
    press(qtbot, screen.postpone)
    later = dialog(qtbot, PostponeDialog)
    qtbot.wait(50)  # laid out as shown
    problems = clipped(later) + (english_left(shown_texts(later)) if lang == "th" else [])
    assert not problems, problems
    press(qtbot, later.save)
    qtbot.waitUntil(lambda: "reason" in later.form.errors(), timeout=WAIT_MS)
    type_text(qtbot, later.reason, "the school is closed this week")
    press(qtbot, later.save)
    qtbot.waitUntil(lambda: closed(later), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: cell(0, 3) == "Home visit", timeout=WAIT_MS)  # now the soonest
    with Workspace.open(root, CM, PASS) as ws:
        case_id = ws.cases.list()[0].id
        done = {t.title: t for t in ws.tasks.for_case(case_id)}
    assert done["Call the mother"].status == "done"
    assert done["Call the mother"].outcome == "the mother will come to the school meeting"
    assert done["Visit the school"].outcome == "the school is closed this week"
    assert done["Visit the school"].due_date > thai_today()
