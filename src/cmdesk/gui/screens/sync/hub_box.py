"""Sending and receiving through the network hub (issue 12): one button that sends what waits
for each organisation and receives what waits for this laptop, with progress and Cancel; for
the data manager, the hub's address and pin (from the hub's operator) are set here.

While the vault is open and a hub is set, the same exchange runs by itself every few minutes,
quietly: whenever a connection appears, work leaves and arrives without anyone pressing
anything; a hub out of reach is a note with the time, not an error.

The exchange itself is the core's (sync/hub_exchange.py); bundles are the same as on USB.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.errors import HubTrouble
from cmdesk.core.i18n import Translator
from cmdesk.core.i18n.dates import THAI_TIME_SUFFIX
from cmdesk.core.progress import Cancelled
from cmdesk.core.sync import texts
from cmdesk.gui.errors import friendly_message
from cmdesk.gui.ops import ChangeOp
from cmdesk.gui.screens.sync.exchange import IMPORTED
from cmdesk.gui.session import Session
from cmdesk.gui.widgets.labels import MessageLabel, add_heading_and_text
from cmdesk.gui.widgets.push_button import push_button
from cmdesk.gui.worker import Job

if TYPE_CHECKING:
    from cmdesk.core.acting.changes import OpChanges
    from cmdesk.core.sync.hub_client import HubSetting
    from cmdesk.core.sync.hub_exchange import HubExchange
    from cmdesk.core.workspace import Workspace


class Exchanged:
    """What one exchange did; announced as IMPORTED so every view refreshes."""

    def __init__(self, report: HubExchange) -> None:
        self.report = report
        self.changes: OpChanges = IMPORTED


def _exchange(ws: Workspace, job: Job | None = None) -> Exchanged:
    """With a job when a progress dialog shows it (and its Cancel); quiet runs have none."""
    from cmdesk.core.sync.hub_exchange import exchange_through_hub

    if job is None:
        return Exchanged(exchange_through_hub(ws.sync, ws.vault.paths.root))
    return Exchanged(
        exchange_through_hub(ws.sync, ws.vault.paths.root, progress=job.report, cancel=job.cancel)
    )


def _save_hub(ws: Workspace, url: str, pin: str) -> None:
    from cmdesk.core.sync.hub_client import HubSetting, save_setting

    save_setting(ws.vault.paths.root, HubSetting(url, pin))


def exchanged_words(report: HubExchange, tr: Translator) -> str:
    """What an exchange through the hub did, a line per organisation."""
    from cmdesk.core.sync.hub_exchange import held_words, parts_words, refused_words

    lines = []
    for sent in report.sent:
        if (why := held_words(sent, tr)) is not None:
            lines.append(why)
        elif sent.notice:
            lines.append(tr.format(texts.NOTICE_SENT, org=sent.org))
        elif sent.operations:
            lines.append(
                tr.ngettext(
                    "Sent {n} change for {org}.", "Sent {n} changes for {org}.", sent.operations
                ).format(n=sent.operations, org=sent.org)
            )
            if (parts := parts_words(sent, tr)) is not None:
                lines.append(parts)
        else:
            lines.append(tr.format("Nothing new to send to {org}.", org=sent.org))
    for got in report.received:
        lines.append(
            tr.ngettext(
                "Received from {org}: {n} new change.",
                "Received from {org}: {n} new changes.",
                got.new,
            ).format(org=got.org, n=got.new)
        )
        if got.removed_cases:
            lines.append(tr.format(texts.REMOVED_CASES_NOTE, n=got.removed_cases))
        if (told := texts.decision_words(got.partner_decision, got.org, tr)) is not None:
            lines.append(told)
    lines += [
        refused_words(refused, tr, friendly_message(refused.reason, tr))
        for refused in report.refused
    ]
    if not report.received and not report.refused:
        lines.append(tr.gettext("Nothing was waiting on the hub for this laptop."))
    return "\n".join(lines)


# How often an open vault with a hub set tries the exchange by itself.
AUTO_MINUTES = 10
# The laptop's choice, in the GUI settings: no exchange by itself on a metered connection.
SKIP_METERED_KEY = "hub_skip_metered"


def metered_now() -> bool:
    """Whether the system says the connection is metered (a phone's hotspot, a data SIM), as
    far as Qt's network information backend knows; False where there is none."""
    from PySide6.QtNetwork import QNetworkInformation

    if QNetworkInformation.instance() is None and not QNetworkInformation.loadDefaultBackend():
        return False
    info = QNetworkInformation.instance()
    return bool(info is not None and info.isMetered())


class HubBox(QWidget):
    exchanged = Signal()
    answered = Signal(QWidget)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.metered: Callable[[], bool] = metered_now  # the tests put in their own
        self._setting: HubSetting | None = None
        self._running = False
        self.timer = QTimer(self)
        self.timer.setInterval(AUTO_MINUTES * 60 * 1000)
        self.timer.timeout.connect(self._auto)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title, self.body = add_heading_and_text(layout, self)
        row = QHBoxLayout()
        self.now_button = push_button(self, "hub-now", self.exchange, "sync")
        row.addWidget(self.now_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.skip_metered = QCheckBox(self)
        self.skip_metered.setObjectName("hub-skip-metered")
        settings = session.settings
        self.skip_metered.setChecked(
            bool(settings is not None and settings.extra.get(SKIP_METERED_KEY, False))
        )
        self.skip_metered.toggled.connect(self._remember_metered)
        self.skip_metered.hide()
        layout.addWidget(self.skip_metered)

        # The data manager's: where the hub is and the pin that proves it is ours.
        self.setting_box = QWidget(self)
        form = QFormLayout(self.setting_box)
        form.setContentsMargins(0, 0, 0, 0)
        self.url = QLineEdit(self.setting_box)
        self.url.setObjectName("hub-url")
        self.url.setProperty("verbatim", True)
        self.url.setPlaceholderText("https://")
        self.pin = QLineEdit(self.setting_box)
        self.pin.setObjectName("hub-pin")
        self.pin.setProperty("verbatim", True)
        self.save_button = push_button(self.setting_box, "hub-save", self.save_hub, "save")
        self.url_label = QLabel(self.setting_box)
        self.pin_label = QLabel(self.setting_box)
        form.addRow(self.url_label, self.url)
        form.addRow(self.pin_label, self.pin)
        form.addRow("", self.save_button)
        layout.addWidget(self.setting_box)
        self.setting_box.hide()
        self.message = MessageLabel(self)
        self.message.setObjectName("hub-message")
        layout.addWidget(self.message)

    def retranslate(self, tr: Translator) -> None:
        self.title.setText(tr.gettext("Through the network hub"))
        if self._setting is not None:
            self.body.setText(
                tr.format(
                    "When this laptop is online, it sends and receives through the hub at "
                    "{url}. Bundles are as encrypted as on a USB stick; the hub cannot read them.",
                    url=self._setting.url,
                )
            )
        else:
            self.body.setText(
                tr.gettext(
                    "No network hub is set for this laptop, so changes travel on USB sticks. "
                    "The data manager sets the hub's address and pin, as the hub's operator "
                    "gives them."
                )
            )
        self.skip_metered.setText(
            tr.gettext(
                "Not by itself on a metered connection (a phone's data); the button still works"
            )
        )
        self.skip_metered.setAccessibleName(self.skip_metered.text())
        self.now_button.setText(tr.gettext("Send and receive now"))
        self.now_button.setAccessibleName(self.now_button.text())
        for label, field, text in (
            (self.url_label, self.url, tr.gettext("Hub address")),
            (self.pin_label, self.pin, tr.gettext("Hub pin")),
        ):
            label.setText(text)
            field.setAccessibleName(text)
        self.save_button.setText(tr.gettext("Save the hub"))
        self.save_button.setAccessibleName(self.save_button.text())
        self.message.retranslate(tr)

    def set_hub(self, setting: HubSetting | None, manager: bool) -> None:
        self._setting = setting
        self.now_button.setEnabled(setting is not None and not self._running)
        if setting is None:
            self.timer.stop()
        elif not self.timer.isActive():
            self.timer.start()
        self.setting_box.setVisible(manager)
        self.skip_metered.setVisible(setting is not None)  # nothing runs by itself without one
        if setting is not None and not self.url.text():
            self.url.setText(setting.url)
            self.pin.setText(setting.pin)
        self.retranslate(self._session.lang.translator)

    def clear(self) -> None:
        self.timer.stop()
        self._setting = None
        self.skip_metered.hide()
        self.url.clear()
        self.pin.clear()
        self.message.clear_message()

    def save_hub(self) -> None:
        tr = self._session.lang.translator
        url, pin = self.url.text().strip(), self.pin.text().strip()
        if not url.startswith("https://"):
            self.message.show_error(
                lambda t: t.gettext("The hub's address starts with https://."), tr
            )
            return

        def done(_r: object) -> None:
            from cmdesk.core.sync.hub_client import HubSetting, normalise_pin

            self.message.show_note(
                lambda t: t.format("This laptop will sync through {url}.", url=url), tr
            )
            self.set_hub(HubSetting(url, normalise_pin(pin)), manager=True)

        def failed(exc: BaseException) -> None:
            self.message.show_error(friendly_message(exc, self._session.lang.translator))

        ChangeOp(
            self._session, parent=self, op=lambda ws: _save_hub(ws, url, pin), success=done
        ).failure(failed).run()

    def exchange(self) -> None:
        self._run(quiet=False)

    def _remember_metered(self, on: bool) -> None:
        settings = self._session.settings
        if settings is not None:
            settings.extra[SKIP_METERED_KEY] = on
            settings.save()

    def _auto(self) -> None:
        if self._setting is None or self._running or not self._session.is_unlocked:
            return
        if self.skip_metered.isChecked() and self.metered():
            self.message.show_note(
                lambda t: t.format(
                    "At {time} the connection is metered: nothing was sent or received by "
                    "itself. Press Send and receive now when you want to.",
                    time=clock(datetime.now(), t),
                ),
                self._session.lang.translator,
            )
            return
        self._run(quiet=True)

    def _run(self, *, quiet: bool) -> None:
        tr = self._session.lang.translator
        self._running = True
        self.now_button.setEnabled(False)
        if not quiet:
            self.message.clear_message()
        at = datetime.now()

        def finished() -> None:
            self._running = False
            self.now_button.setEnabled(self._setting is not None)

        def done(outcome: Exchanged) -> None:
            finished()
            self.message.show_note(
                lambda t: (
                    (t.format("At {time}:", time=clock(at, t)) + "\n" if quiet else "")
                    + exchanged_words(outcome.report, t)
                ),
                self._session.lang.translator,
            )
            if not quiet:
                self.answered.emit(self.message)
            self.exchanged.emit()

        def failed(exc: BaseException) -> None:
            finished()
            if quiet and isinstance(exc, HubTrouble):
                # Out of reach is the normal state in the hills: said, not alarmed.
                self.message.show_note(
                    lambda t: t.format(
                        "At {time} the hub could not be reached. This laptop tries again "
                        "every {minutes} minutes while it is open.",
                        time=clock(at, t),
                        minutes=AUTO_MINUTES,
                    ),
                    self._session.lang.translator,
                )
                return
            if isinstance(exc, Cancelled):
                self.message.show_note(
                    lambda t: t.gettext(
                        "Stopped. What was sent or received before stays; the rest waits for "
                        "the next time."
                    ),
                    self._session.lang.translator,
                )
            else:
                self.message.show_error(friendly_message(exc, self._session.lang.translator))
            self.answered.emit(self.message)
            self.exchanged.emit()

        op = ChangeOp(self._session, parent=self, op=_exchange, success=done).failure(failed)
        if not quiet:
            op = op.with_progress(tr.gettext("Sending and receiving through the hub…"))
        op.run()


def clock(when: datetime, tr: Translator) -> str:
    """A time of day as people read it: "14:05 น." in Thai (docs/thai-formats.md), "14:05"."""
    text = when.strftime("%H:%M")
    return f"{text} {THAI_TIME_SUFFIX}" if tr.locale == "th" else text
