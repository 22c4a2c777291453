"""The sync screen on two real laptops of one organisation: a bundle exported through the
screen on one and imported through it on the other, a conflict badged, reviewed and
decided, a truncated bundle refused in Thai with nothing changed."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from cmdesk.core.i18n import translator
from cmdesk.core.sync import authority, team_leaving
from cmdesk.core.sync import rejections as rej
from cmdesk.core.sync.importing import ImportResult
from cmdesk.core.sync.progress import stopper
from cmdesk.core.sync.rejections import SyncCancelled
from cmdesk.core.sync.resolution import open_conflicts
from cmdesk.gui.i18n import plain
from cmdesk.gui.screens.sync.exchange import IMPORTED, Imported, imported_words
from cmdesk.gui.screens.sync_screen import CONFLICTS_TAB, SyncScreen
from cmdesk.gui.screens.workspace import WorkspacePage
from cmdesk.gui.settings import GuiSettings
from cmdesk.gui.shell import Shell
from cmdesk.gui.worker import Job
from tests.conftest import ADMIN, ADMIN_PASS
from tests.core.laptops import (
    STAFF_PASS,
    SUPERVISOR,
    Laptops,
    concurrent_risk,
    make_laptops,
    open_as,
)
from tests.core.sync.conftest import network_template  # noqa: F401 (a fixture)
from tests.gui.flow import answer
from tests.gui.helpers import WAIT_MS, click, unlock, wait_idle

MakeShell = Callable[[GuiSettings], Shell]


def laptop_shell(
    make_shell: MakeShell,
    qtbot: QtBot,
    root: Path,
    language: str = "en",
    user: str = SUPERVISOR,
) -> tuple[Shell, SyncScreen]:
    settings = GuiSettings.load(root.parent / f"config-{root.name}" / "gui.json")
    settings.language = language
    settings.last_vault = str(root)
    shell = make_shell(settings)
    unlock(qtbot, shell, user, ADMIN_PASS if user == ADMIN else STAFF_PASS)
    page = shell.workspace_page()
    assert isinstance(page, WorkspacePage)
    page.show_section("sync")
    wait_idle(qtbot, shell)
    qtbot.waitUntil(lambda: page.sync.exchange.recipient.count() > 0, timeout=WAIT_MS)
    return shell, page.sync


def import_through(qtbot: QtBot, screen: SyncScreen, path: Path) -> str:
    box = screen.exchange
    box.import_path.setText(str(path))
    click(qtbot, box.import_button)
    qtbot.waitUntil(
        lambda: box.import_button.isEnabled() and box.import_message.isVisible(), timeout=WAIT_MS
    )
    return plain(box.import_message.text())


@pytest.fixture
def laptops(network_template: Path, tmp_path: Path) -> Laptops:  # noqa: F811
    return make_laptops(network_template, tmp_path)


def test_export_on_one_laptop_and_import_on_the_other_through_the_screen(
    qtbot: QtBot,
    make_shell: MakeShell,
    network_template: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    fresh = make_laptops(network_template, tmp_path, shared_case=False)
    usb = tmp_path / "usb"
    usb.mkdir()
    shell_a, screen_a = laptop_shell(make_shell, qtbot, fresh.a)
    box = screen_a.exchange
    # The default name says whose bundle it is, from which laptop, for whom, and when.
    default = Path(box.export_path.text()).name
    assert default.startswith("cmdesk-WVFT-") and "-for-WVFT-" in default
    assert default.endswith(".cmsync")
    box.export_path.setText(str(usb))  # a folder: the default name goes into it
    click(qtbot, box.export_button)
    qtbot.waitUntil(lambda: box.export_message.isVisible(), timeout=WAIT_MS)
    (bundle,) = usb.iterdir()
    said = plain(box.export_message.text())
    assert str(bundle) in said and "changes for WVFT" in said
    shell_a.shutdown()

    shell_b, screen_b = laptop_shell(make_shell, qtbot, fresh.b)
    said = import_through(qtbot, screen_b, bundle)
    assert said.startswith("Imported the bundle from WVFT: ")
    assert int(said.split(": ")[1].split()[0]) > 0
    assert "No new conflicts." in said
    page = shell_b.workspace_page()
    assert isinstance(page, WorkspacePage)
    qtbot.waitUntil(lambda: page.caseload.model.rowCount() == 1, timeout=WAIT_MS)
    # Importing it again changes nothing, and says so.
    assert import_through(qtbot, screen_b, bundle) == (
        "This bundle was imported before. Nothing changed."
    )
    # The laptop it came from is listed with the time of its bundle.
    qtbot.waitUntil(lambda: screen_b.laptops.table.topLevelItemCount() >= 1, timeout=WAIT_MS)
    rows = [screen_b.laptops.table.topLevelItem(i) for i in range(2)]
    assert any(r is not None and "No bundle" not in r.text(2) for r in rows)


def test_a_conflict_is_badged_shown_side_by_side_and_decided(
    qtbot: QtBot, make_shell: MakeShell, laptops: Laptops, tmp_path: Path
) -> None:
    concurrent_risk(laptops, on_a="high", on_b="critical")
    bundle = tmp_path / "from-a.cmsync"
    with open_as(laptops.a) as ws:
        ws.sync.export_to(bundle)
    shell, screen = laptop_shell(make_shell, qtbot, laptops.b)
    nav_item = screen._nav_item
    assert nav_item is not None and screen.open_conflicts == 0
    plain_icon = nav_item.icon().cacheKey()

    said = import_through(qtbot, screen, bundle)
    assert "1 new conflict: two laptops changed the same thing." in said
    qtbot.waitUntil(lambda: screen.open_conflicts == 1, timeout=WAIT_MS)
    assert nav_item.icon().cacheKey() != plain_icon
    assert nav_item.toolTip() == "1 conflict to decide"
    assert screen.tabs.tabText(CONFLICTS_TAB) == "Conflicts (1)"
    assert screen.review_button.isVisible()

    click(qtbot, screen.review_button)
    detail = screen.conflicts.detail
    assert plain(detail.heading.text()) == "Risk level"
    assert plain(detail.record.text()).startswith("Case WVFT-")
    cards = [c for c in detail.cards if c.isVisible()]
    values = {plain(c.value.text()): c for c in cards}
    assert set(values) == {"High risk", "Critical risk"}
    assert {plain(c.who.text()) for c in cards} == {SUPERVISOR}
    assert plain(values["Critical risk"].laptop.text()) == "This laptop"
    assert "JSON" not in detail.explain.text() and "{" not in detail.record.text()

    click(qtbot, values["High risk"].choose)
    qtbot.waitUntil(lambda: screen.open_conflicts == 0, timeout=WAIT_MS)
    assert screen.tabs.tabText(CONFLICTS_TAB) == "Conflicts"
    assert nav_item.toolTip() == ""
    assert "Decided." in plain(screen.conflicts.message.text())
    assert screen.conflicts.stack.currentWidget() is screen.conflicts.empty
    shell.shutdown()
    with open_as(laptops.b) as ws:
        assert ws.cases.get(laptops.case_id).risk_level == "high"
        assert open_conflicts(ws.sync) == []


def test_a_new_value_can_be_typed_for_a_text_field(
    qtbot: QtBot, make_shell: MakeShell, laptops: Laptops, tmp_path: Path
) -> None:
    with open_as(laptops.a) as ws:
        ws.cases.set_risk(laptops.case_id, "medium", "ยายดูแลตอนกลางคืน")
        ws.sync.export_to(tmp_path / "a.cmsync")
    with open_as(laptops.b) as ws:
        ws.cases.set_risk(laptops.case_id, "medium", "แม่กลับมาแล้ว")
    shell, screen = laptop_shell(make_shell, qtbot, laptops.b, language="th")
    import_through(qtbot, screen, tmp_path / "a.cmsync")
    qtbot.waitUntil(lambda: screen.open_conflicts == 1, timeout=WAIT_MS)
    screen.show_conflicts()
    detail = screen.conflicts.detail
    assert plain(detail.heading.text()) == translator("th").gettext("Why this risk level")
    editor = detail.editor
    assert editor is not None
    editor.setText("ยายดูแลตอนกลางคืน แม่กลับมาแล้ว")  # type: ignore[union-attr]
    click(qtbot, detail.save_typed)
    qtbot.waitUntil(lambda: screen.open_conflicts == 0, timeout=WAIT_MS)
    shell.shutdown()
    with open_as(laptops.b) as ws:
        assert ws.cases.get(laptops.case_id).risk_reason == "ยายดูแลตอนกลางคืน แม่กลับมาแล้ว"


def test_a_case_deleted_on_one_laptop_and_changed_on_the_other_can_be_restored(
    qtbot: QtBot, make_shell: MakeShell, laptops: Laptops, tmp_path: Path
) -> None:
    with open_as(laptops.a) as ws:
        ws.cases.soft_delete(laptops.case_id, "opened in error")
        ws.sync.export_to(tmp_path / "a.cmsync")
    with open_as(laptops.b) as ws:
        ws.cases.set_risk(laptops.case_id, "high", "the mother left")
    shell, screen = laptop_shell(make_shell, qtbot, laptops.b)
    import_through(qtbot, screen, tmp_path / "a.cmsync")
    qtbot.waitUntil(lambda: screen.open_conflicts == 1, timeout=WAIT_MS)
    screen.show_conflicts()
    detail = screen.conflicts.detail
    assert plain(detail.heading.text()) == "Deleted on one laptop, changed on another"
    deleted, *edits = (c for c in detail.cards if c.isVisible())
    assert plain(deleted.choose.text()) == "Keep it deleted"
    # The edit made meanwhile, field by field (the level and its reason).
    shown = {plain(c.value.text()): c for c in edits}
    assert set(shown) == {"Risk level: High risk", "Why this risk level: the mother left"}
    changed = shown["Risk level: High risk"]
    assert plain(changed.choose.text()) == "Restore it with this change"
    assert detail.editor is None and not detail.save_typed.isVisibleTo(detail)
    click(qtbot, changed.choose)
    qtbot.waitUntil(lambda: screen.open_conflicts == 0, timeout=WAIT_MS)
    shell.shutdown()
    with open_as(laptops.b) as ws:
        assert ws.cases.get(laptops.case_id).risk_level == "high"


def test_a_truncated_bundle_is_refused_in_thai_and_changes_nothing(
    qtbot: QtBot, make_shell: MakeShell, laptops: Laptops, tmp_path: Path
) -> None:
    with open_as(laptops.a) as ws:
        ws.cases.set_risk(laptops.case_id, "high", "the mother left")
        data, _ = ws.sync.export()
    cut = tmp_path / "cut-short.cmsync"
    cut.write_bytes(data[: len(data) // 2])
    with open_as(laptops.b) as ws:
        before = ws.sync.state_hash()
    shell, screen = laptop_shell(make_shell, qtbot, laptops.b, language="th")
    said = import_through(qtbot, screen, cut)
    th = translator("th")
    assert said == th.gettext(rej.TRUNCATED) + "\n" + th.gettext("Nothing was changed.")
    assert "ชุดข้อมูลซิงค์ไม่ครบ" in said
    assert screen.exchange.import_message.styleSheet() == "color: #a4262c;"  # an error
    shell.shutdown()
    with open_as(laptops.b) as ws:
        assert ws.sync.state_hash() == before


def test_the_data_manager_sees_organisations_and_saves_the_identity_file(
    qtbot: QtBot, make_shell: MakeShell, laptops: Laptops, tmp_path: Path
) -> None:
    shell, screen = laptop_shell(make_shell, qtbot, laptops.a, user=ADMIN)
    orgs = screen.organisations
    assert orgs.isVisible()
    codes = {orgs.table.topLevelItem(i).text(0) for i in range(orgs.table.topLevelItemCount())}
    assert codes == {"WVFT", "ECPAT"}
    recipients = [screen.exchange.recipient.itemText(i) for i in range(2)]
    assert recipients[0].startswith("WVFT: ") and recipients[1].startswith("ECPAT: ")
    target = tmp_path / "identity.cmid"
    orgs.save_identity(target)
    qtbot.waitUntil(lambda: orgs.message.isVisible(), timeout=WAIT_MS)
    assert target.is_file() and "Fingerprint" in orgs.message.text()
    # A supervisor's laptop does not offer it.
    shell.lock()
    wait_idle(qtbot, shell)
    shell.window.unlock_page.switch_button.click()
    unlock(qtbot, shell, SUPERVISOR, STAFF_PASS)
    page = shell.workspace_page()
    assert isinstance(page, WorkspacePage)
    assert not page.sync.organisations.isVisibleTo(page.sync)


def test_the_data_manager_withdraws_trust_in_a_partner_leaving_the_network(
    qtbot: QtBot, make_shell: MakeShell, laptops: Laptops
) -> None:
    shell, screen = laptop_shell(make_shell, qtbot, laptops.a, language="th", user=ADMIN)
    orgs = screen.organisations
    assert not orgs.withdraw_button.isEnabled()  # nothing chosen
    rows = {orgs.table.topLevelItem(i).text(0): i for i in range(orgs.table.topLevelItemCount())}
    orgs.table.setCurrentItem(orgs.table.topLevelItem(rows["WVFT"]))
    assert not orgs.withdraw_button.isEnabled()  # never this organisation
    orgs.table.setCurrentItem(orgs.table.topLevelItem(rows["ECPAT"]))
    assert orgs.withdraw_button.isEnabled()
    assert orgs.withdraw_button.text() == "ถอนความไว้วางใจองค์กรภาคีที่เลือก…"

    click(qtbot, orgs.withdraw_button)
    answer(qtbot, yes=False)  # asked first; "keep trusting it" changes nothing
    wait_idle(qtbot, shell)
    with open_as(laptops.a, ADMIN) as ws:
        assert [t.withdrawn_at for t in ws.sync.trusted() if t.code == "ECPAT"] == [None]
    click(qtbot, orgs.withdraw_button)
    answer(qtbot, yes=True)
    qtbot.waitUntil(lambda: orgs.message.isVisible(), timeout=WAIT_MS)
    said = plain(orgs.message.text())
    assert said.startswith("ถอนความไว้วางใจ ECPAT") and "sync" not in said
    # The list says since when, and the export offers it only the notice (no record).
    qtbot.waitUntil(
        lambda: "ถอนความไว้วางใจเมื่อ" in orgs.table.topLevelItem(rows["ECPAT"]).text(1),
        timeout=WAIT_MS,
    )
    recipients = [
        screen.exchange.recipient.itemText(i) for i in range(screen.exchange.recipient.count())
    ]
    assert [r for r in recipients if r.startswith("ECPAT")] == [
        "ECPAT: หนังสือแจ้งว่าองค์กรของคุณไม่ไว้วางใจองค์กรนี้แล้ว"
    ]
    orgs.table.setCurrentItem(orgs.table.topLevelItem(rows["ECPAT"]))
    assert not orgs.withdraw_button.isEnabled()
    shell.shutdown()
    with open_as(laptops.a, ADMIN) as ws:
        assert [t.withdrawn_at is not None for t in ws.sync.trusted() if t.code == "ECPAT"] == [
            True
        ]


def test_cancel_in_the_progress_dialog_reaches_the_core() -> None:
    # The dialog's job holds the core's own token: sync stops at it with its own message.
    job = Job()
    check = stopper(job.cancel)
    check()
    job.cancel.cancel()
    with pytest.raises(SyncCancelled):
        check()


def test_a_vault_opened_from_a_backup_says_it_went_on_as_a_new_laptop(
    qtbot: QtBot, make_shell: MakeShell, laptops: Laptops, tmp_path: Path
) -> None:
    import shutil

    from cmdesk.core.workspace import Workspace

    with Workspace.open(laptops.a, ADMIN, ADMIN_PASS) as ws:
        backup = ws.backup(tmp_path / "usb" / "backup")
    restored = tmp_path / "restored"
    shutil.copytree(backup, restored)
    shell, screen = laptop_shell(make_shell, qtbot, restored, language="th")
    said = plain(screen.summary.text())
    assert screen.summary.isVisibleTo(screen) and said.startswith("เมื่อ ")
    assert "ถูกเปิดจากสำเนาสำรองข้อมูล" in said
    shell.shutdown()


def test_a_bundle_left_on_the_hub_is_said_between_exchanges_with_where_to_click(
    qtbot: QtBot, make_shell: MakeShell, laptops: Laptops
) -> None:
    # An exchange refused ECPAT's bundle (not trusted yet) and left it on the hub; the data
    # manager opening Exchange data later reads why, and what lets it in, in the GUI's words.
    from cmdesk.core.errors import BundleRejected
    from cmdesk.core.sync import hub_waiting
    from cmdesk.core.workspace import Workspace
    from cmdesk.gui.errors import GUI_WORDING

    with Workspace.open(laptops.a, ADMIN, ADMIN_PASS) as ws, ws.sync.store.write() as db:
        opens = hub_waiting.what_opens(db)
        why = BundleRejected(rej.UNKNOWN_SENDER, org="ECPAT")
        hub_waiting.save(db, {sha: hub_waiting.Waiting(why, opens) for sha in ("a" * 64, "b" * 64)})
    shell, screen = laptop_shell(make_shell, qtbot, laptops.a, language="th")
    said = plain(screen.summary.text())
    th = translator("th")
    assert screen.summary.isVisibleTo(screen)
    assert "ชุดข้อมูลซิงค์ 2 ชุดรอที่ฮับ" in said
    assert th.format(GUI_WORDING[rej.UNKNOWN_SENDER], org="ECPAT") in said
    assert "sync trust" not in said
    shell.shutdown()


def test_the_office_writes_a_withdrawn_partner_a_notice_and_the_partner_is_told(
    qtbot: QtBot,
    make_shell: MakeShell,
    laptops: Laptops,
    network_template: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    from cmdesk.core.model.org import org_id_for
    from cmdesk.core.workspace import Workspace

    with Workspace.open(laptops.a, ADMIN, ADMIN_PASS) as ws:
        ws.sync.untrust("ECPAT")
    shell, screen = laptop_shell(make_shell, qtbot, laptops.a, language="th")
    box = screen.exchange
    qtbot.waitUntil(lambda: box.recipient.findData(org_id_for("ECPAT")) >= 0, timeout=WAIT_MS)
    box.recipient.setCurrentIndex(box.recipient.findData(org_id_for("ECPAT")))
    assert "หนังสือแจ้งว่าองค์กรของคุณไม่ไว้วางใจองค์กรนี้แล้ว" in box.recipient.currentText()
    usb = tmp_path / "usb"
    usb.mkdir()
    box.export_path.setText(str(usb))
    click(qtbot, box.export_button)
    qtbot.waitUntil(lambda: box.export_message.isVisible(), timeout=WAIT_MS)
    (notice,) = usb.iterdir()
    assert "ไฟล์นี้จึงไม่มีบันทึกใด" in plain(box.export_message.text())
    shell.shutdown()

    partner = tmp_path / "p1"
    shutil.copytree(network_template / "p1", partner)
    shell, screen = laptop_shell(make_shell, qtbot, partner, language="th", user=ADMIN)
    said = import_through(qtbot, screen, notice)
    assert "WVFT ถอนความไว้วางใจองค์กรของคุณแล้ว" in said
    table = screen.organisations.table

    def listed() -> str:
        rows = [table.topLevelItem(i) for i in range(table.topLevelItemCount())]
        return " ".join(r.text(1) for r in rows if r is not None)

    qtbot.waitUntil(lambda: "ถอนความไว้วางใจองค์กรของคุณเมื่อ" in listed(), timeout=WAIT_MS)
    # Said at the top of the screen too, for whoever opens it (not only the data manager).
    assert "WVFT ถอนความไว้วางใจองค์กรของคุณเมื่อ" in plain(screen.summary.text())
    # Nothing more can be sent to WVFT from this laptop.
    assert screen.exchange.recipient.findData(org_id_for("WVFT")) == -1
    shell.shutdown()


def test_the_office_makes_a_bundle_for_a_team_laptop_through_the_screen(
    qtbot: QtBot,
    make_shell: MakeShell,
    network_template: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    from cmdesk.core.vault import crypto
    from cmdesk.core.workspace import Workspace

    fresh = make_laptops(network_template, tmp_path, shared_case=False)
    with open_as(fresh.a) as ws:  # the office: the case goes to the team x field worker
        pim = next(u for u in ws.users.list() if u.username == "pim")
        ws.cases.assign_worker(fresh.case_id, pim.id)
    with Workspace.open(fresh.a, ADMIN, ADMIN_PASS) as ws:
        enrol, secret = ws.sync.enrolment_file("field_worker", team="x")
    team_root = tmp_path / "team-x"
    kdf = crypto.weak_kdf_for_tests()
    with Workspace.join(
        team_root, enrol, secret, username="dao", passphrase=STAFF_PASS, kdf=kdf
    ) as ws:
        first, _ = ws.sync.export()
        device = ws.device_id
    with Workspace.open(fresh.a, ADMIN, ADMIN_PASS) as ws:
        ws.sync.import_bundle(first)

    usb = tmp_path / "usb"
    usb.mkdir()
    shell, screen = laptop_shell(make_shell, qtbot, fresh.a, language="th")
    box = screen.exchange
    found = box.recipient.findData("laptop:" + device)
    assert found >= 0
    assert box.recipient.itemText(found) == f"WVFT: โน้ตบุ๊ก {device[:8]} ของทีม x"
    # The laptops heard from say which one holds a team's cases only.
    listed = [
        screen.laptops.table.topLevelItem(i)
        for i in range(screen.laptops.table.topLevelItemCount())
    ]
    assert "WVFT ทีม x" in [item.text(1) for item in listed if item is not None]
    shell.shutdown()
    shell, screen = laptop_shell(make_shell, qtbot, fresh.a)
    box = screen.exchange
    box.recipient.setCurrentIndex(box.recipient.findData("laptop:" + device))
    assert f"-for-WVFT-{device[:8]}-" in Path(box.export_path.text()).name
    box.export_path.setText(str(usb))
    click(qtbot, box.export_button)
    qtbot.waitUntil(lambda: box.export_message.isVisible(), timeout=WAIT_MS)
    (bundle,) = usb.iterdir()
    assert f"changes for WVFT {device[:8]}" in plain(box.export_message.text())
    shell.shutdown()

    with Workspace.open(team_root, "dao", STAFF_PASS) as ws:
        result = ws.sync.import_bundle(bundle.read_bytes())
        assert result.new > 0
        assert ws.cases.get(fresh.case_id).team == "x"
        report, _ = ws.sync.export()

    # The office takes the case off the team; two weeks after the office holds all the laptop
    # wrote on it, the laptop's import through the screen says the case left it, in Thai.
    with open_as(fresh.a) as ws:
        ws.sync.import_bundle(report)
        ws.cases.assign_worker(fresh.case_id, None)
        told, _ = ws.sync.export(laptop=device)
    with Workspace.open(team_root, "dao", STAFF_PASS) as ws:
        assert ws.sync.import_bundle(told).removed_cases == 0  # the two weeks start
        with ws.sync.store.write() as db:
            db.execute(
                "UPDATE vault_meta SET value = ? WHERE key = ?",
                (json.dumps({fresh.case_id: "2026-01-01T00:00:00+00:00"}), team_leaving.SINCE),
            )
    with open_as(fresh.a) as ws:
        (usb / "later.cmsync").write_bytes(ws.sync.export(laptop=device)[0])
    shell, screen = laptop_shell(make_shell, qtbot, team_root, language="th", user="dao")
    said = import_through(qtbot, screen, usb / "later.cmsync")
    assert "เคสที่ย้ายไปทีมอื่นแล้ว ถูกนำออกจากโน้ตบุ๊กเครื่องนี้: 1 เคส" in said, said
    shell.shutdown()
    with Workspace.open(team_root, "dao", STAFF_PASS) as ws, ws.sync.store.read() as db:
        held = db.execute("SELECT count(*) FROM case_file WHERE id = ?", (fresh.case_id,))
        assert held.fetchone()[0] == 0


@pytest.mark.parametrize("language", ["en", "th"])
def test_the_import_message_says_what_was_refused_and_what_waits_for_its_record(
    language: str,
) -> None:
    """A partner's bundle with a change its sender had no right to make, and answers to a
    referral this laptop has not received yet: the screen says both, in the person's
    language (before, it said neither: the refusals were in `sync status` only)."""
    result = ImportResult(
        bundle_id="b", sender_device="d", sender_org="o", operations=9, new=6, duplicates=0,
        quarantined=0, waiting_for_upgrade=0, segments=1, resumed_at=0, replay=False,
        refused={authority.FOREIGN_ORIGIN: 1}, waiting_for_records=2,
    )  # fmt: skip
    said = plain(imported_words(Imported(result, "ECPAT", 0, 0, IMPORTED), translator(language)))
    if language == "en":
        assert "2 changes are for records this laptop has not received yet" in said
        assert "Import your office's bundle first." in said
        assert "1 refused: made by a device of another organisation" in said
    else:
        assert "ยังไม่ได้รับ" in said and "นำเข้าชุดข้อมูลซิงค์จากสำนักงาน" in said
        assert "ปฏิเสธ 1 รายการ:" in said
        # Thai throughout: no English word but the partner's code.
        assert re.search(r"[A-Za-z]{3,}", said.replace("ECPAT", "")) is None, said


def test_one_change_is_said_in_the_singular() -> None:
    """One refused change, one waiting for its record, one conflict: English says "1 change
    ... was", not "1 changes ... were" (Thai has one form, and says the same as for many)."""
    result = ImportResult(
        bundle_id="b", sender_device="d", sender_org="o", operations=3, new=1, duplicates=0,
        quarantined=1, waiting_for_upgrade=1, segments=1, resumed_at=0, replay=False,
        refused={authority.FOREIGN_ORIGIN: 1}, waiting_for_records=1,
    )  # fmt: skip
    said = plain(imported_words(Imported(result, "ECPAT", 1, 1, IMPORTED), translator("en")))
    assert "1 change is for a record this laptop has not received yet" in said
    assert "1 change in this bundle was refused: the device that made it" in said
    assert re.search(r"\b1 (changes|conflicts|records)\b", said) is None, said
    th = plain(imported_words(Imported(result, "ECPAT", 1, 1, IMPORTED), translator("th")))
    assert "1 รายการ" in th
    assert re.search(r"[A-Za-z]{3,}", th.replace("ECPAT", "").replace("cmdesk", "")) is None, th


def test_the_sync_screen_says_what_imports_refused_lately(
    qtbot: QtBot,
    make_shell: MakeShell,
    network_template: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A partner's bundle that opens a case inside WVFT (a hostile copy of the app: its export
    would never select it) is refused on import; the sync screen says so, in Thai, with the
    sender, the reason and when (before, only `sync status` did)."""
    import shutil

    from cmdesk.core.model import Case, org_id_for
    from cmdesk.core.sync import engine as engine_module
    from cmdesk.core.sync.exporting import for_own_org
    from cmdesk.core.workspace import Workspace

    fresh = make_laptops(network_template, tmp_path, shared_case=False)
    partner = tmp_path / "p1"
    shutil.copytree(network_template / "p1", partner)
    with monkeypatch.context() as hostile:
        hostile.setattr(
            engine_module,
            "for_partner",
            lambda db, origins, _scope, known, check, *_: for_own_org(db, origins, known, check),
        )
        with Workspace.open(partner, ADMIN, ADMIN_PASS) as ws:
            with ws.ctx.write() as s:
                s.add(
                    Case(
                        org_id=org_id_for("WVFT"), child_id="x", case_number="X-1", risk_level="low"
                    )
                )
            data, _ = ws.sync.export("WVFT")
    with open_as(fresh.b) as ws:
        assert ws.sync.import_bundle(data).refused[authority.CREATED_INSIDE] == 1
    shell, screen = laptop_shell(make_shell, qtbot, fresh.b, language="th")
    said = plain(screen.summary.text())
    th = translator("th")
    assert screen.summary.isVisibleTo(screen)
    assert "ECPAT" in said and th.gettext(authority.CREATED_INSIDE) in said
    assert th.gettext(authority.CREATED_INSIDE) != authority.CREATED_INSIDE  # in Thai
    assert re.search(r"[A-Za-z]{3,}", said.replace("ECPAT", "")) is None, said
    shell.shutdown()
