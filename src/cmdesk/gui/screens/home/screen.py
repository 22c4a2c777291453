"""Home: the first screen after unlocking, with what waits for the signed-in user.

Field workers and case managers see today's visits, overdue follow-ups and referrals waiting
for an answer; a supervisor also sees the approvals queue and the team's open cases by risk,
stage and worker; a data manager sees users, open conflicts and each laptop's last bundle.
Every number is a button opening the list it counts. The figures come from the core
(`ws.home.figures()`, scoped by the core's permission rules), read on the worker thread.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.acting.changes import Kind, OpChanges
from cmdesk.core.i18n import Translator, format_date, format_datetime
from cmdesk.core.model.case import RiskLevel, Stage
from cmdesk.core.model.labels import label_of
from cmdesk.core.model.roles import Role
from cmdesk.core.services.home import Approval, HomeFigures
from cmdesk.core.vault.files import atomic_write
from cmdesk.gui.ops import QueryOp
from cmdesk.gui.screens.caseload_sheet import KINDS, sheet_path
from cmdesk.gui.screens.home.approval_dialog import ApprovalDialog
from cmdesk.gui.screens.home.bar_chart import BarChart
from cmdesk.gui.session import Session
from cmdesk.gui.widgets.details import record_list
from cmdesk.gui.widgets.flow_layout import FlowLayout, flow_policy
from cmdesk.gui.widgets.labels import Heading, MessageLabel, WrapLabel
from cmdesk.gui.widgets.push_button import push_button
from cmdesk.gui.widgets.scroll_body import scrolling_page

# The figure buttons, in the order shown; which ones a role sees is in _FOR_ROLE.
FIGURES = (
    "visits_today",
    "overdue",
    "referrals_waiting",
    "referrals_unanswerable",
    "referrals_in",
    "unfinished",
    "only_here",
    "approvals",
    "staff_left",
    "users",
    "open_conflicts",
    "backup",
    "recovery",
)
_CASEWORK = (
    "visits_today",
    "overdue",
    "referrals_waiting",
    "referrals_unanswerable",
    "only_here",
)
# Shown only when there is something: an alarm, not a figure to watch.
_WHEN_ANY = ("referrals_unanswerable",)
# Shown where the figure applies (not on the office's laptop: it is what the others send to).
_WHEN_KNOWN = ("only_here",)
_FOR_ROLE = {
    Role.FIELD_WORKER.value: (*_CASEWORK, "unfinished"),
    Role.CASE_MANAGER.value: (*_CASEWORK, "referrals_in", "unfinished"),
    Role.SUPERVISOR.value: ("approvals", *_CASEWORK, "referrals_in", "staff_left"),
    Role.DATA_MANAGER.value: ("open_conflicts", "users", "backup", "recovery"),
}


def _when(value: str | None, tr: Translator) -> str:
    if not value:
        return tr.gettext("Never")
    try:
        return format_datetime(datetime.fromisoformat(value), tr.locale)
    except ValueError:
        return value


class HomeScreen(QWidget):
    # What a figure opens; the workspace page shows the section narrowed accordingly.
    open_tasks = Signal(str)  # "mine" or "all"
    # CaseloadQuery fields: risks, stages, worker_id, overdue_only, unfinished, staff_left
    open_caseload = Signal(object)
    open_referrals = Signal(str)  # "inbox" or "outbox"
    open_section = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("home")
        self._session = session
        self.figures: HomeFigures | None = None
        self._stale = True
        _scroll, body, box = scrolling_page(self)
        self.title = Heading(parent=body)
        box.addWidget(self.title)
        self.today = WrapLabel(parent=body)
        box.addWidget(self.today)
        holder = QWidget(body)
        flow_policy(holder)
        row = FlowLayout(holder, spacing=8)
        self.buttons: dict[str, QPushButton] = {}
        for name in FIGURES:
            button = QPushButton(holder)
            button.setObjectName(f"home-{name.replace('_', '-')}")
            button.setMinimumHeight(44)
            button.clicked.connect(lambda _c=False, n=name: self._figure_clicked(n))
            button.hide()
            row.addWidget(button)
            self.buttons[name] = button
        box.addWidget(holder)

        self.approvals_title = Heading(parent=body, level=2)
        box.addWidget(self.approvals_title)
        self.approvals = QListWidget(body)
        self.approvals.setObjectName("approvals-queue")
        self.approvals.setProperty("verbatim", True)  # children's names and case numbers
        self.approvals.setMinimumHeight(60)
        self.approvals.setMaximumHeight(150)  # a long queue scrolls; the charts stay in view
        self.approvals.itemActivated.connect(self._open_approval)
        box.addWidget(self.approvals)
        self.read_button = push_button(
            body, "approval-read", lambda: self._open_approval(self.approvals.currentItem())
        )
        box.addWidget(self.read_button, 0, Qt.AlignmentFlag.AlignLeft)

        # Risk and stage side by side (short lists), the workers' overdue below.
        self.charts: dict[str, tuple[Heading, BarChart]] = {}
        pair = QHBoxLayout()
        for name in ("by_risk", "by_stage", "overdue_by_worker"):
            holder = QWidget(body)
            column = QVBoxLayout(holder)
            column.setContentsMargins(0, 0, 0, 0)
            heading = Heading(parent=holder, level=2)
            chart = BarChart(holder)
            chart.setObjectName(f"chart-{name.replace('_', '-')}")
            chart.row_clicked.connect(lambda key, n=name: self._bar_clicked(n, key))
            column.addWidget(heading)
            column.addWidget(chart)
            if name == "overdue_by_worker":
                # Said in words when nobody's follow-up is late: an empty chart looks broken.
                self.none_overdue = WrapLabel(parent=holder)
                self.none_overdue.setObjectName("none-overdue")
                self.none_overdue.hide()
                column.addWidget(self.none_overdue)
            column.addStretch(1)  # the heading stays on top when its neighbour is taller
            if name == "overdue_by_worker":
                box.addLayout(pair)
                box.addWidget(holder)
            else:
                pair.addWidget(holder, 1)
            self.charts[name] = (heading, chart)

        self.sheet_button = push_button(body, "home-sheet", self.save_spreadsheet)
        box.addWidget(self.sheet_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.sheet_message = MessageLabel(body)
        box.addWidget(self.sheet_message)

        self.laptops_title = Heading(parent=body, level=2)
        box.addWidget(self.laptops_title)
        self.laptops = record_list(body, "home-laptops", min_height=90)
        box.addWidget(self.laptops)
        self.sent_title = Heading(parent=body, level=2)
        box.addWidget(self.sent_title)
        self.sent = record_list(body, "home-sent", min_height=60)
        box.addWidget(self.sent)
        box.addStretch(1)
        self._show_parts()
        session.operation_did_execute.connect(self._changed)
        session.lang.language_changed.connect(self.retranslate)
        self.retranslate()

    # -- loading -----------------------------------------------------------------------------
    def reload(self) -> None:
        if not self._session.is_unlocked:
            return
        self._stale = False
        QueryOp(
            self._session, parent=self, op=lambda ws: ws.home.figures(), success=self.show_figures
        ).run()

    def on_unlocked(self) -> None:
        self.reload()

    def on_locked(self) -> None:
        self.figures = None
        self._stale = True
        self.approvals.clear()
        self.laptops.clear()
        self.sent.clear()
        self._show_parts()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if self._stale:
            self.reload()

    def _changed(self, changes: OpChanges, _initiator: object) -> None:
        if changes.touches(Kind.CASE, Kind.TASK, Kind.CHILD) or changes.touches(Kind.REFERRAL):
            self._stale = True
            if self.isVisible():
                self.reload()

    def show_figures(self, figures: HomeFigures) -> None:
        self.figures = figures
        self._show_parts()
        self.retranslate()

    # -- showing -----------------------------------------------------------------------------
    def _role(self) -> str:
        if self.figures is not None:
            return self.figures.role
        actor = self._session.actor
        return actor.role if actor is not None else ""

    def _show_parts(self) -> None:
        role, loaded = self._role(), self.figures is not None
        shown = _FOR_ROLE.get(role, ()) if loaded else ()
        f = self.figures
        for name, button in self.buttons.items():
            button.setVisible(
                name in shown
                and (name not in _WHEN_ANY or bool(getattr(f, name)))
                and (name not in _WHEN_KNOWN or getattr(f, name) is not None)
            )
        supervisor = loaded and role == Role.SUPERVISOR
        for widget in (self.approvals_title, self.approvals, self.read_button, self.sheet_button):
            widget.setVisible(supervisor)
        for heading, chart in self.charts.values():
            heading.setVisible(supervisor)
            chart.setVisible(supervisor)
        manager = loaded and role == Role.DATA_MANAGER
        for part in (self.laptops_title, self.laptops, self.sent_title, self.sent):
            part.setVisible(manager)

    def retranslate(self) -> None:
        tr = self._session.lang.translator
        self.title.setText(tr.gettext("Home"))
        f = self.figures
        self.today.setText(
            tr.format("Today is {date}", date=format_date(f.today, tr.locale, "long")) if f else ""
        )
        counts = {
            "visits_today": (tr.gettext("Visits today: {n}"), f.visits_today if f else 0),
            "overdue": (tr.gettext("Overdue follow-ups: {n}"), f.overdue if f else 0),
            "referrals_waiting": (
                tr.gettext("Referrals sent, waiting for an answer: {n}"),
                f.referrals_waiting if f else 0,
            ),
            "referrals_unanswerable": (
                tr.gettext("Referrals to a partner no longer trusted, no answer coming: {n}"),
                f.referrals_unanswerable if f else 0,
            ),
            "referrals_in": (
                tr.gettext("Referrals received, waiting for your answer: {n}"),
                f.referrals_in if f else 0,
            ),
            "unfinished": (
                tr.gettext("Drafts not finished: {n}"),
                f.unfinished if f else 0,
            ),
            "staff_left": (
                tr.gettext("Open cases of staff no longer here: {n}"),
                f.staff_left if f else 0,
            ),
            "approvals": (
                tr.gettext("Waiting for your approval: {n}"),
                f.approvals_waiting if f else 0,
            ),
            "users": (tr.gettext("Staff accounts: {n}"), f.users if f else 0),
            "open_conflicts": (
                tr.gettext("Conflicts to decide: {n}"),
                f.open_conflicts if f else 0,
            ),
        }
        for name, (text, n) in counts.items():
            button = self.buttons[name]
            button.setText(text.format(n=n))
            button.setAccessibleName(button.text())
        here = f.only_here if f else None
        # Only as far as the bundles received tell: work sent a moment ago counts until a
        # bundle comes back saying it arrived (sync/unsent.py).
        self.buttons["only_here"].setText(
            tr.nformat(
                "Changes on this laptop only: {n} change",
                "Changes on this laptop only: {n} changes",
                here,
            )
            if here
            else tr.gettext("Everything made on this laptop has reached your organisation")
        )
        self.buttons["only_here"].setToolTip(
            tr.gettext(
                "Made on this laptop and not yet known to be on any other laptop of your "
                "organisation: losing this laptop would lose them. Exchange data sends them; the "
                "count goes down once a bundle from your organisation comes back."
            )
        )
        self.buttons["only_here"].setAccessibleName(self.buttons["only_here"].text())
        backup = f.last_backup_at if f else None
        self.buttons["backup"].setText(
            tr.format("Last backup: {when}", when=format_datetime(backup, tr.locale))
            if backup
            else tr.gettext("No backup made on this laptop yet")
        )
        self.buttons["recovery"].setText(
            tr.gettext("Recovery key: made")
            if f and f.recovery_key
            else tr.gettext("No recovery key yet: make one")
        )
        for name in ("backup", "recovery"):
            self.buttons[name].setAccessibleName(self.buttons[name].text())
        self.read_button.setText(tr.gettext("Read and decide…"))
        self.sheet_button.setText(tr.gettext("Save these figures as a spreadsheet…"))
        self.sheet_button.setAccessibleName(self.sheet_button.text())
        self.read_button.setAccessibleName(self.read_button.text())
        self._fill_approvals(tr)
        titles = {
            "by_risk": tr.gettext("Open cases by risk level"),
            "by_stage": tr.gettext("Open cases by stage"),
            "overdue_by_worker": tr.gettext("Overdue follow-ups by worker"),
        }
        for name, (heading, chart) in self.charts.items():
            heading.setText(titles[name])
            chart.setAccessibleName(titles[name])
        self._fill_charts(tr)
        self.laptops_title.setText(tr.gettext("Laptops and their last bundle received"))
        self.laptops.setHeaderLabels(
            [tr.gettext("Laptop"), tr.gettext("Organisation"), tr.gettext("Last bundle received")]
        )
        self.laptops.setAccessibleName(self.laptops_title.text())
        self.laptops.clear()
        for laptop in f.laptops if f else ():
            item = QTreeWidgetItem(
                [laptop.device_id[:8], laptop.org_code, _when(laptop.last_bundle_at, tr)]
            )
            self.laptops.addTopLevelItem(item)
        self.sent_title.setText(tr.gettext("Bundles sent from this laptop"))
        self.sent.setHeaderLabels([tr.gettext("Organisation"), tr.gettext("Last bundle sent")])
        self.sent.setAccessibleName(self.sent_title.text())
        self.sent.clear()
        for code, when in f.last_sent if f else ():
            self.sent.addTopLevelItem(QTreeWidgetItem([code, format_datetime(when, tr.locale)]))

    def _fill_approvals(self, tr: Translator) -> None:
        self.approvals.clear()
        for approval in self.figures.approvals if self.figures else ():
            kind = tr.gettext("Case plan") if approval.kind == "plan" else tr.gettext("Closure")
            name = approval.child_name_th if tr.locale == "th" else approval.child_name_latin
            name = name or approval.child_name_th or approval.child_name_latin
            since = format_date(approval.since, tr.locale) if approval.since else ""
            text = " · ".join(p for p in (kind, name, approval.case_number, since) if p)
            item = QListWidgetItem(text)
            item.setData(256, approval)
            self.approvals.addItem(item)
        if self.approvals.count():
            self.approvals.setCurrentRow(0)
        self.read_button.setEnabled(self.approvals.count() > 0)
        # The queue lists the ones waiting longest (home.QUEUE_SHOWN); say so when more wait.
        shown, waiting = (
            self.approvals.count(),
            self.figures.approvals_waiting if self.figures else 0,
        )
        title = tr.gettext("Waiting for your approval")
        if waiting > shown:
            title = tr.format(
                "Waiting for your approval: the {shown} waiting longest of {n}",
                shown=shown,
                n=waiting,
            )
        self.approvals_title.setText(title)
        self.approvals.setAccessibleName(self.approvals_title.text())

    def _fill_charts(self, tr: Translator) -> None:
        f = self.figures
        if f is None:
            return
        risks = [
            (r.value, tr.gettext(label_of("risk", r.value)), f.by_risk.get(r.value, 0), r in _HIGH)
            for r in RiskLevel
        ]
        self.charts["by_risk"][1].set_rows(risks)
        stages = [
            (s.value, tr.gettext(label_of("stage", s.value)), f.by_stage.get(s.value, 0), False)
            for s in Stage
            if s is not Stage.CLOSURE
        ]
        self.charts["by_stage"][1].set_rows(stages)
        workers = [(uid, name, n, False) for uid, name, n in f.overdue_by_worker]
        chart = self.charts["overdue_by_worker"][1]
        chart.set_rows(workers)
        chart.setVisible(bool(workers))
        self.none_overdue.setText(tr.gettext("No follow-up is overdue."))
        self.none_overdue.setVisible(not workers)

    # -- what a click opens --------------------------------------------------------------------
    def _figure_clicked(self, name: str) -> None:
        actor = self._session.actor
        supervisor = actor is not None and actor.role == Role.SUPERVISOR
        me = None if actor is None or supervisor else actor.user_id
        if name == "visits_today":
            self.open_tasks.emit("all" if supervisor else "mine")
        elif name == "overdue":
            self.open_caseload.emit({"overdue_only": True, "worker_id": me})
        elif name == "unfinished":
            self.open_caseload.emit({"unfinished": True, "worker_id": me})
        elif name == "staff_left":
            self.open_caseload.emit({"staff_left": True})
        elif name in ("referrals_waiting", "referrals_unanswerable"):
            self.open_referrals.emit("outbox")
        elif name == "referrals_in":
            self.open_referrals.emit("inbox")
        elif name == "approvals":
            self.approvals.setFocus()
            self._open_approval(self.approvals.currentItem())
        elif name == "users":
            self.open_section.emit("users")
        elif name in ("open_conflicts", "only_here"):
            self.open_section.emit("sync")
        elif name in ("backup", "recovery"):
            self.open_section.emit("vault")

    def save_spreadsheet(self) -> None:
        """The figures on screen (counts and staff names, no child) as Excel or CSV."""
        figures = self.figures
        if figures is None:
            return
        tr = self._session.lang.translator
        chosen, kind = QFileDialog.getSaveFileName(
            self,
            tr.gettext("Save these figures as a spreadsheet…"),
            tr.gettext("figures") + ".xlsx",
            ";;".join(KINDS.values()),
        )
        if not chosen:
            return
        path, fmt = sheet_path(chosen, kind)
        lang = tr.locale

        def work(_ws: object) -> Path:
            from cmdesk.core.services.sheets import figures_sheet

            atomic_write(path, figures_sheet(figures, lang, fmt))
            return path

        QueryOp(self._session, parent=self, op=work, success=self._saved).run()

    def _saved(self, path: Path) -> None:
        self.sheet_message.show_note(
            lambda tr: tr.format("Saved {path}.", path=str(path)), self._session.lang.translator
        )

    def _bar_clicked(self, chart: str, key: str) -> None:
        choices: dict[str, dict[str, Any]] = {
            "by_risk": {"risks": (key,)},
            "by_stage": {"stages": (key,)},
            "overdue_by_worker": {"worker_id": key or None, "overdue_only": True},
        }
        self.open_caseload.emit(choices[chart])

    def _open_approval(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        approval = item.data(256)
        if isinstance(approval, Approval):
            ApprovalDialog.show_for(
                self._session, self, approval.case_id, approval.kind, on_decided=self.reload
            )


_HIGH = (RiskLevel.HIGH, RiskLevel.CRITICAL)
