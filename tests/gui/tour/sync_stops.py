"""The sync part of the tour (tests.gui.tour.walk): a second laptop of the organisation joins,
both change the same case, bundles go back and forth through the screen, a truncated bundle
is refused, and the conflict is decided.

The second laptop is driven through the core directly, on the tour's thread: it is not the
app's vault, just the colleague at the other desk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from cmdesk.gui.ops import ChangeOp

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from cmdesk.core.workspace import Workspace
    from cmdesk.gui.shell import Shell

Stop = tuple[str, "QWidget"]
T = TypeVar("T")

SECOND_USER = "somsak"
SECOND_PASS = "river stones under the bridge"
REASON = "แม่ไปทำงานที่กรุงเทพฯ เด็กอยู่กับยาย"


def on_worker(shell: Shell, op: Callable[[Workspace], T]) -> T:
    """Runs `op` with the app's workspace on its worker, as a screen would, and waits."""
    from tests.gui.tour.walk import wait_until

    box: list[Any] = []
    ChangeOp(shell.session, parent=None, op=op, success=box.append).failure(box.append).run()
    wait_until(lambda: bool(box))
    if isinstance(box[0], BaseException):
        raise box[0]
    return box[0]  # type: ignore[no-any-return]


def sync_tour(shell: Shell, folder: Path) -> Iterator[Stop]:
    """Starts signed in as the supervisor, with the tour's case open."""
    from cmdesk.core.workspace import Workspace
    from cmdesk.gui.screens.workspace import WorkspacePage
    from tests.gui.tour.walk import (
        SUPERVISOR,
        TOUR_PASS,
        TOUR_USER,
        settle,
        switch_user,
        wait_until,
    )

    page = shell.workspace_page()
    assert isinstance(page, WorkspacePage)
    assert page.case_page.bundle is not None
    case_id = page.case_page.bundle.case.id
    usb = folder.parent / "usb-stick"
    usb.mkdir(exist_ok=True)

    # The data manager enrols a second laptop for a supervisor at another desk.
    switch_user(shell, TOUR_USER, TOUR_PASS)
    enrolment, secret = on_worker(shell, lambda ws: ws.sync.enrolment_file("supervisor"))
    switch_user(shell, *SUPERVISOR)
    Workspace.join(
        folder.parent / "laptop-b",
        enrolment,
        secret,
        username=SECOND_USER,
        passphrase=SECOND_PASS,
    ).close()

    page = shell.workspace_page()  # a new one: another user signed in meanwhile
    assert isinstance(page, WorkspacePage)
    page.show_section("sync")
    screen = page.sync
    box = screen.exchange
    wait_until(lambda: box.recipient.count() > 0)
    box.export_path.setText(str(usb / "to-laptop-b.cmsync"))
    box.export()
    wait_until(lambda: box.export_message.isVisible())
    settle(shell)
    yield "sync-exported", shell.window

    # The other laptop imports it, changes the risk level and sends its bundle back, while
    # the supervisor here changes the same level differently.
    with Workspace.open(folder.parent / "laptop-b", SECOND_USER, SECOND_PASS) as other:
        other.sync.import_file(usb / "to-laptop-b.cmsync")
        other.cases.set_risk(case_id, "critical", REASON)
        other.sync.export_to(usb / "from-laptop-b.cmsync")
    on_worker(shell, lambda ws: ws.cases.set_risk(case_id, "medium", REASON))
    box.import_path.setText(str(usb / "from-laptop-b.cmsync"))
    box.import_bundle()
    wait_until(lambda: box.import_message.isVisible() and screen.open_conflicts > 0)
    settle(shell)
    yield "sync-imported", shell.window

    screen.show_conflicts()
    settle(shell)
    yield "sync-conflict", shell.window

    # A bundle cut short (the stick pulled out while copying) is refused.
    whole = (usb / "from-laptop-b.cmsync").read_bytes()
    (usb / "cut-short.cmsync").write_bytes(whole[: len(whole) // 2])
    screen.tabs.setCurrentIndex(0)
    box.import_path.setText(str(usb / "cut-short.cmsync"))
    box.import_bundle()
    wait_until(lambda: box.import_button.isEnabled() and box.import_message.isVisible())
    settle(shell)
    yield "sync-rejected", shell.window

    screen.show_conflicts()
    screen.conflicts.detail.cards[1].choose.click()
    wait_until(lambda: screen.open_conflicts == 0)
    settle(shell)
    yield "sync-decided", shell.window
