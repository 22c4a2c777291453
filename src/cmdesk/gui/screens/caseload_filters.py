"""The caseload's second row of filters (stage, risk, district, overdue, waiting for approval,
drafts not finished)
and its order (chosen by a click on a column's header), remembered between sessions.

The filters are what the core's CaseloadQuery takes; the core checks them again and applies
the user's scope, so a filter can only narrow what the user may see.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QWidget

from cmdesk.core.i18n import Translator
from cmdesk.core.model.case import RISK_LABELS, STAGE_LABELS, RiskLevel, Stage
from cmdesk.gui.settings import GuiSettings
from cmdesk.gui.widgets.flow_layout import FlowLayout, flow_policy

# The network's province (Chiang Rai): its districts are the place filter.
HOME_PROVINCE = "57"
MEMORY_KEY = "caseload"
# The core's search.Order values (not imported: the search module loads the index schema,
# which the first window does not need).
RISK_FIRST, DUE_FIRST, NEWEST = "risk", "due", "recent"
ORDERS = (RISK_FIRST, DUE_FIRST, NEWEST)


@dataclass
class CaseloadView:
    """What the user chose, as remembered in the settings file (codes only, no names)."""

    which: str = "open"  # open | all | closed
    mine_only: bool = False
    stage: str = ""
    risk: str = ""
    place: str = ""
    team: str = ""  # a team name: only the teams seen in the caseload are offered
    overdue_only: bool = False
    awaiting_approval: bool = False
    unfinished: bool = False  # a case plan being written or a referral still a draft
    staff_left: bool = False  # its field worker or case manager no longer works here
    order: str = RISK_FIRST

    @classmethod
    def load(cls, settings: GuiSettings | None) -> CaseloadView:
        raw = settings.extra.get(MEMORY_KEY) if settings is not None else None
        if not isinstance(raw, dict):
            return cls()
        view = cls()
        for f in fields(cls):
            value = raw.get(f.name)
            if isinstance(value, type(getattr(view, f.name))):
                setattr(view, f.name, value)
        return view.sane()

    def sane(self) -> CaseloadView:
        """Drops anything this version does not know (a settings file from elsewhere)."""
        if self.which not in ("open", "all", "closed"):
            self.which = "open"
        if self.stage not in {s.value for s in Stage}:
            self.stage = ""
        if self.risk not in {r.value for r in RiskLevel}:
            self.risk = ""
        if not (self.place.isdigit() and len(self.place) == 4):
            self.place = ""
        if self.order not in ORDERS:
            self.order = RISK_FIRST
        return self

    def save(self, settings: GuiSettings | None) -> None:
        if settings is None:
            return
        settings.extra[MEMORY_KEY] = {f.name: getattr(self, f.name) for f in fields(self)}
        settings.save()


class CaseloadFilters(QWidget):
    """Stage, risk, district, team, overdue, waiting for approval, drafts not finished."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Wraps like words on a narrow laptop screen (five filters and four boxes in Thai are
        # wider than 1024 pixels).
        flow_policy(self)
        row = FlowLayout(self, spacing=6)
        self.stage = self._combo("caseload-stage")
        self.risk = self._combo("caseload-risk")
        self.place = self._combo("caseload-district")
        # Districts have long names: this box may be narrower than the longest.
        self.place.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.place.setMinimumContentsLength(9)
        # Shown once the teams of the visible cases are known, and only when there are some.
        self.team = self._combo("caseload-team")
        self.team.hide()
        self._teams: list[str] = []
        self.overdue = QCheckBox(self)
        self.overdue.setObjectName("caseload-overdue")
        self.awaiting = QCheckBox(self)
        self.awaiting.setObjectName("caseload-awaiting-approval")
        self.unfinished = QCheckBox(self)
        self.unfinished.setObjectName("caseload-unfinished")
        self.staff_left = QCheckBox(self)
        self.staff_left.setObjectName("caseload-staff-left")
        for w in (self.stage, self.risk, self.place, self.team, *self._boxes()):
            row.addWidget(w)
        for box in self._boxes():
            box.toggled.connect(lambda _on: self.changed.emit())

    def _boxes(self) -> tuple[QCheckBox, ...]:
        return (self.overdue, self.awaiting, self.unfinished, self.staff_left)

    def _combo(self, name: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        return combo

    def retranslate(self, tr: Translator) -> None:
        from cmdesk.core.reference.geography import districts

        stage, risk, place = (
            self.stage.currentData(),
            self.risk.currentData(),
            self.place.currentData(),
        )
        _fill(
            self.stage,
            [("", tr.gettext("Every stage"))]
            + [(s.value, tr.gettext(STAGE_LABELS[s])) for s in Stage],
            stage,
        )
        _fill(
            self.risk,
            [("", tr.gettext("Every risk level"))]
            + [(r.value, tr.gettext(RISK_LABELS[r])) for r in RiskLevel],
            risk,
        )
        _fill(
            self.place,
            [("", tr.gettext("Every district"))]
            + [(d.code, d.name(tr.locale)) for d in districts(HOME_PROVINCE)],
            place,
        )
        self._fill_teams(tr)
        self.stage.setAccessibleName(tr.gettext("Stage"))
        self.risk.setAccessibleName(tr.gettext("Risk level"))
        self.place.setAccessibleName(tr.gettext("District"))
        self.overdue.setText(tr.gettext("Follow-up overdue"))
        self.awaiting.setText(tr.gettext("Waiting for approval"))
        self.unfinished.setText(tr.gettext("Drafts not finished"))
        self.staff_left.setText(tr.gettext("Worker no longer here"))
        self.staff_left.setToolTip(
            tr.gettext(
                "Cases whose field worker or case manager no longer works for the "
                "organisation: give them to someone else."
            )
        )
        for box in self._boxes():
            box.setAccessibleName(box.text())

    def set_teams(self, teams: list[str], tr: Translator, view: CaseloadView) -> None:
        """The teams to offer; a remembered team no longer seen is offered still (its cases
        may come back), so the filter never changes by itself."""
        self._teams = sorted({*teams, *([view.team] if view.team else [])})
        with _quiet(self):
            self._fill_teams(tr)
            _select(self.team, view.team)
        self.team.setVisible(bool(self._teams))

    def _fill_teams(self, tr: Translator) -> None:
        _fill(
            self.team,
            [("", tr.gettext("Every team"))] + [(t, t) for t in self._teams],
            self.team.currentData(),
        )
        self.team.setAccessibleName(tr.gettext("Team"))

    def show_view(self, view: CaseloadView) -> None:
        with _quiet(self):
            _select(self.stage, view.stage)
            _select(self.risk, view.risk)
            _select(self.place, view.place)
            _select(self.team, view.team)
            self.overdue.setChecked(view.overdue_only)
            self.awaiting.setChecked(view.awaiting_approval)
            self.unfinished.setChecked(view.unfinished)
            self.staff_left.setChecked(view.staff_left)

    def read_into(self, view: CaseloadView) -> None:
        view.stage = str(self.stage.currentData() or "")
        view.risk = str(self.risk.currentData() or "")
        view.place = str(self.place.currentData() or "")
        view.team = str(self.team.currentData() or "")
        view.overdue_only = self.overdue.isChecked()
        view.awaiting_approval = self.awaiting.isChecked()
        view.unfinished = self.unfinished.isChecked()
        view.staff_left = self.staff_left.isChecked()


def _fill(combo: QComboBox, items: list[tuple[str, str]], current: Any) -> None:
    combo.blockSignals(True)
    combo.clear()
    for code, text in items:
        combo.addItem(text, code)
    _select(combo, current if current is not None else items[0][0])
    # The open list shows each entry whole even when the box itself is narrow.
    combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)
    combo.blockSignals(False)


def _select(combo: QComboBox, code: str) -> None:
    index = combo.findData(code)
    combo.setCurrentIndex(max(index, 0))


@contextmanager
def _quiet(filters: CaseloadFilters) -> Iterator[None]:
    """Sets several filters at once without a `changed` for each (the caller reloads once)."""
    widgets = [filters, *filters.findChildren(QWidget)]
    for w in widgets:
        w.blockSignals(True)
    try:
        yield
    finally:
        for w in widgets:
            w.blockSignals(False)
