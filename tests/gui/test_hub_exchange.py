"""Sending and receiving through a real `cmdesk-hub` process from the sync screen (issue 12):
the data manager sets the hub's address and pin, one laptop sends with one button, the other
receives by itself while open; a hub out of reach is a quiet note; Thai and English."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from cmdesk.core.i18n import translator
from cmdesk.core.sync.hub_client import HubSetting, save_setting
from cmdesk.core.workspace import Workspace
from cmdesk.gui.i18n import plain
from cmdesk.gui.settings import GuiSettings
from cmdesk.gui.shell import Shell
from tests.conftest import ADMIN, ADMIN_PASS
from tests.core.laptops import Laptops, make_laptops
from tests.core.sync.conftest import network_template  # noqa: F401 (a fixture)
from tests.gui.flow import type_text
from tests.gui.helpers import WAIT_MS, click
from tests.gui.test_sync_screen import laptop_shell
from tests.network.hub_process import HubProcess, hub_command, running_hub

MakeShell = Callable[[GuiSettings], Shell]


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[HubProcess]:
    with running_hub(tmp_path) as running:
        yield running


def state_hash(root: Path) -> str:
    with Workspace.open(root, ADMIN, ADMIN_PASS) as ws:
        return ws.sync.state_hash()


def test_one_button_sends_on_one_laptop_and_receives_on_the_other(
    qtbot: QtBot,
    make_shell: MakeShell,
    network_template: Path,  # noqa: F811
    tmp_path: Path,
    hub: HubProcess,
) -> None:
    laptops: Laptops = make_laptops(network_template, tmp_path, shared_case=False)
    with Workspace.open(laptops.a, ADMIN, ADMIN_PASS) as ws:
        identity = tmp_path / "wvft.identity"
        identity.write_bytes(ws.sync.identity_file())
    hub_command("org", "add", str(identity), "--data", str(hub.data))
    pin = hub.pin()

    # The data manager's laptop, in Thai: no hub yet, then the address and pin from the operator.
    tr = translator("th")
    shell_a, screen_a = laptop_shell(make_shell, qtbot, laptops.a, language="th", user=ADMIN)
    box = screen_a.hub
    qtbot.waitUntil(lambda: box.setting_box.isVisible(), timeout=WAIT_MS)
    assert not box.now_button.isEnabled()
    type_text(qtbot, box.url, "http://not-encrypted.example")
    click(qtbot, box.save_button)
    assert plain(box.message.text()) == tr.gettext("The hub's address starts with https://.")
    box.url.clear()
    type_text(qtbot, box.url, hub.url)
    type_text(qtbot, box.pin, pin)
    click(qtbot, box.save_button)
    qtbot.waitUntil(lambda: box.now_button.isEnabled(), timeout=WAIT_MS)
    assert hub.url in plain(box.body.text())

    click(qtbot, box.now_button)
    qtbot.waitUntil(lambda: box.now_button.isEnabled() and box.message.isVisible(), timeout=WAIT_MS)
    said = plain(box.message.text())
    assert said.startswith("ส่งการเปลี่ยนแปลง ") and "รายการให้ WVFT แล้ว" in said, said
    shell_a.shutdown()

    # A supervisor's laptop of the same organisation, in English: the hub set for it, no form.
    save_setting(laptops.b, HubSetting(hub.url, pin))
    shell_b, screen_b = laptop_shell(make_shell, qtbot, laptops.b)
    box_b = screen_b.hub
    qtbot.waitUntil(lambda: box_b.now_button.isEnabled(), timeout=WAIT_MS)
    assert not box_b.setting_box.isVisible()
    # Nobody presses anything: while the vault is open the exchange runs by itself.
    assert box_b.timer.isActive()
    box_b.timer.setInterval(200)
    qtbot.waitUntil(lambda: "Received from WVFT: " in plain(box_b.message.text()), timeout=WAIT_MS)
    said = plain(box_b.message.text())
    assert said.startswith("At ") and "new change" in said, said
    assert state_hash(laptops.a) == state_hash(laptops.b)

    # On a phone's data, when the laptop is told so: nothing by itself, said with the time,
    # and the choice is kept for the next time the app opens.
    box_b.timer.stop()
    # An exchange the timer started may still be running (a busy machine): let it end.
    qtbot.waitUntil(lambda: not box_b._running, timeout=WAIT_MS)
    box_b.metered = lambda: True
    click(qtbot, box_b.skip_metered)
    assert shell_b.settings.extra["hub_skip_metered"] is True
    box_b._auto()
    assert "connection is metered" in plain(box_b.message.text())
    assert not box_b._running and box_b.now_button.isEnabled()
    click(qtbot, box_b.skip_metered)
    assert shell_b.settings.extra["hub_skip_metered"] is False

    # Out of reach: a note with the time, tried again later, nothing lost.
    hub.stop()
    box_b._auto()
    qtbot.waitUntil(lambda: "could not be reached" in plain(box_b.message.text()), timeout=WAIT_MS)
    assert box_b.now_button.isEnabled()
    shell_b.shutdown()


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_full_hub_is_said_as_work_waiting_on_the_laptop(lang: str) -> None:
    from cmdesk.core.sync.hub_exchange import HubExchange, Received, Sent
    from cmdesk.gui.screens.sync.hub_box import exchanged_words

    tr = translator(lang)
    words = exchanged_words(
        HubExchange((Sent("WVFT", 3, 0, held=True),), (Received("WVFT", 2, 0),), ()), tr
    )
    held, got = words.splitlines()
    assert "WVFT" in held and "WVFT" in got
    if lang == "th":
        assert "ฮับซิงค์ไม่มีพื้นที่" in held and "ไม่มีข้อมูลสูญหาย" in held
    else:
        assert held.startswith("Not sent to WVFT") and "nothing is lost" in held


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_bundle_sent_in_parts_says_so(lang: str) -> None:
    from cmdesk.core.sync.hub_exchange import HubExchange, Sent
    from cmdesk.gui.screens.sync.hub_box import exchanged_words

    tr = translator(lang)
    whole = HubExchange((Sent("WVFT", 300, 9 << 20),), (), ())
    parts = HubExchange((Sent("WVFT", 300, 9 << 20, parts=3),), (), ())
    sent, note = exchanged_words(parts, tr).splitlines()[:2]
    assert sent == exchanged_words(whole, tr).splitlines()[0]
    assert "WVFT" in note and "3" in note
    if lang == "th":
        assert "3 ส่วน" in note and "ฮับซิงค์" in note
    else:
        assert note.startswith("The sync hub takes smaller bundles") and "3 parts" in note


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_bundle_still_refused_says_where_to_click_and_that_it_was_not_downloaded(
    lang: str,
) -> None:
    from cmdesk.core.errors import BundleRejected
    from cmdesk.core.sync import rejections as rej
    from cmdesk.core.sync.hub_exchange import HubExchange, Refused
    from cmdesk.gui.errors import GUI_WORDING
    from cmdesk.gui.screens.sync.hub_box import exchanged_words

    tr = translator(lang)
    why = BundleRejected(rej.UNKNOWN_SENDER, org="ECPAT")
    first, again = exchanged_words(
        HubExchange((), (), (Refused("b1", why), Refused("b2", why, again=True))), tr
    ).splitlines()
    gui = tr.format(GUI_WORDING[rej.UNKNOWN_SENDER], org="ECPAT")
    assert gui in first and gui in again  # the GUI's wording: where to click, no command
    assert "sync trust" not in first + again
    if lang == "th":
        assert "ถูกปฏิเสธ" in first and "ไม่ได้ดาวน์โหลดอีก" in again
    else:
        assert "was refused" in first and "not downloaded again" in again
