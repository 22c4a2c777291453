"""GUI tests: offscreen Qt, the app's own fonts and style, real vaults, and no Qt warnings.

Every test here fails if Qt logs a warning (a broken signal, a layout problem, a missing
font), except the offscreen platform's own notices that mean nothing on a real screen.
"""

from __future__ import annotations

import os

from tests.gui.screen_size import platform_for, screen_size

# Before anything imports Qt: offscreen, on a screen of the field laptops' size (or the one
# a test asked for when it runs itself on another: screen_size.py).
os.environ["QT_QPA_PLATFORM"] = platform_for(screen_size())

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from cmdesk.gui.app import configure
from cmdesk.gui.i18n import wait_for_segmenter
from cmdesk.gui.settings import GuiSettings
from cmdesk.gui.shell import Shell

HERE = Path(__file__).parent
# Notices of the offscreen platform plugin itself (no window manager, no real screen).
OFFSCREEN_NOISE = (
    r"This plugin does not support propagateSizeHints\(\)",
    r"This plugin does not support raise\(\)",
    r"This plugin does not support grabbing the keyboard",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
            item.add_marker(pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE))


@pytest.fixture(scope="session", autouse=True)
def _configured_app(qapp: object) -> None:
    configure(qapp)  # type: ignore[arg-type]
    # Thai break hints appear once the segmenter is loaded; tests should not race it.
    assert wait_for_segmenter()


@pytest.fixture(autouse=True)
def _private_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CMDESK_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("CMDESK_LANG", raising=False)


@pytest.fixture
def settings(tmp_path: Path) -> GuiSettings:
    s = GuiSettings.load(tmp_path / "config" / "gui.json")
    s.language = "en"
    return s


@pytest.fixture
def make_shell(qtbot: QtBot) -> Iterator[Callable[[GuiSettings], Shell]]:
    shells: list[Shell] = []

    def make(settings: GuiSettings) -> Shell:
        shell = Shell(settings)
        qtbot.addWidget(shell.window)
        shell.window.resize(1280, 720)
        shell.begin()
        shell.window.show()
        qtbot.waitExposed(shell.window)
        shells.append(shell)
        return shell

    yield make
    for shell in shells:
        shell.shutdown()


@pytest.fixture
def vault_settings(settings: GuiSettings, vault_dir: Path) -> GuiSettings:
    settings.last_vault = str(vault_dir)
    return settings


CASE_MANAGER = "anong"
CASE_MANAGER_PASS = "case manager passphrase"
CASES = 110  # more than one page of the caseload table
_TH = "กขคงจฉชซฌญฎฏฐฑฒณดตถทธนบปผฝพฟภมยรลวศษสหฬอฮ"


def child_names(i: int) -> tuple[str, str]:
    """Distinct Thai and Latin given names for the i-th test child."""
    return "มะลิ" + _TH[i % 40] + _TH[i // 40], "Mali" + chr(97 + i % 26) + chr(97 + i // 26)


@pytest.fixture(scope="session")
def caseload_template(template_vault: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A vault with a case manager and more cases than one page, made once per session."""
    import shutil

    from cmdesk.core.vault import crypto
    from cmdesk.core.workspace import Workspace
    from tests.conftest import ADMIN, ADMIN_PASS
    from tests.core.records.factories import child_draft

    root = tmp_path_factory.mktemp("caseload") / "vault"
    shutil.copytree(template_vault, root)
    kdf = crypto.weak_kdf_for_tests()
    with Workspace.open(root, ADMIN, ADMIN_PASS) as ws:
        ws.users.add(CASE_MANAGER, CASE_MANAGER_PASS, "case_manager", kdf=kdf)
    with Workspace.open(root, CASE_MANAGER, CASE_MANAGER_PASS) as ws:
        for i in range(CASES):
            th, latin = child_names(i)
            draft = child_draft(
                given_name_th=th,
                given_name_latin=latin,
                id_number="",
                id_document_type="none",
                nationality="unknown",
                legal_status="undocumented",
            )
            child = ws.children.register_child(draft, confirm_not_duplicate=True).value
            risk = "critical" if i == 7 else "medium"
            ws.cases.open_case(child.id, ["neglect"], risk, "left alone at night")
    return root


@pytest.fixture
def caseload_settings(
    settings: GuiSettings, caseload_template: Path, tmp_path: Path
) -> GuiSettings:
    import shutil

    dest = tmp_path / "caseload-vault"
    shutil.copytree(caseload_template, dest)
    settings.last_vault = str(dest)
    return settings
