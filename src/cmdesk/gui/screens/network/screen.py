"""Network figures, for data managers and supervisors (the core's STATS_ROLES): the period,
the statistics files (ours out, a partner's in), the province map, the tables, and the same
figures saved as CSV, Excel or the PDF report.

Every figure comes from the core (`ws.stats_exchange.network`), read on the worker thread;
this screen only lays the published figures out, so it shows nothing an organisation hid.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.acting.thai_time import thai_today
from cmdesk.core.errors import ValidationError
from cmdesk.core.i18n import N_
from cmdesk.core.reference.geography import CHIANG_RAI, districts
from cmdesk.core.stats.periods import parse_period
from cmdesk.core.stats.suppression import DEFAULT_THRESHOLD
from cmdesk.core.stats.tables import TABLE_TITLES, label
from cmdesk.core.stats.trend import TITLE as TREND_TITLE
from cmdesk.core.stats.trend import trend
from cmdesk.gui.errors import friendly_message
from cmdesk.gui.ops import QueryOp
from cmdesk.gui.screens.home.bar_chart import BarChart
from cmdesk.gui.screens.network import figures as fig
from cmdesk.gui.screens.network.cartogram import DistrictMap, Tile
from cmdesk.gui.screens.network.files import StatisticsFiles
from cmdesk.gui.screens.network.trend_chart import TrendChart, Words
from cmdesk.gui.session import Session
from cmdesk.gui.widgets.details import record_list, stretch_column
from cmdesk.gui.widgets.labels import Heading, MessageLabel, WrapLabel, add_heading_and_text
from cmdesk.gui.widgets.push_button import push_button
from cmdesk.gui.widgets.scroll_body import scrolling_page

if TYPE_CHECKING:
    from cmdesk.core.sync.engine import TrustedOrg
    from cmdesk.core.workspace import Workspace

# The network's figures, the partners this laptop trusts, and cases by quarter.
Loaded = tuple[dict[str, Any], list["TrustedOrg"], list[dict[str, Any]]]
TIME_HEADERS = (
    N_("Sent by"),
    N_("Category"),
    N_("Referrals"),
    N_("Days to reply (median)"),
    N_("Days to reply (90%)"),
    N_("Days to complete (median)"),
    N_("Days to complete (90%)"),
)


def fill(
    tree: QTreeWidget,
    headers: list[str],
    rows: list[tuple[str, ...]],
    counts_from: int,
    hidden: str,
) -> None:
    """A read-only table: the headers, then one row per tuple; the columns from `counts_from`
    on are counts (right-aligned), a hidden count greyed."""
    tree.clear()
    tree.setColumnCount(len(headers))
    tree.setHeaderLabels(headers)
    grey = QBrush(QColor("#6b6b6b"))
    for values in rows:
        item = QTreeWidgetItem(list(values))
        for column in range(counts_from, len(values)):
            item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight)
            if values[column] == hidden:
                item.setForeground(column, grey)
        tree.addTopLevelItem(item)
    stretch_column(tree, 0)
    # As tall as its rows (up to a screenful): the page scrolls, not a box inside it.
    shown = min(max(len(rows), 1), 30)
    row_height = tree.sizeHintForRow(0) if rows else tree.fontMetrics().height() + 4
    header = tree.header().sizeHint().height()
    tree.setFixedHeight(header + shown * row_height + 2 * tree.frameWidth() + 4)


class NetworkScreen(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("network")
        self._session = session
        self.threshold = DEFAULT_THRESHOLD
        self.network: dict[str, Any] | None = None
        self.quarters: list[dict[str, Any]] = []
        self.partners: list[TrustedOrg] = []
        self.period = ""  # the canonical label of the period shown (or being read)
        self._stale = True
        self.scroll_area, body, box = scrolling_page(self)
        self.title = Heading(parent=body)
        box.addWidget(self.title)
        self.intro = WrapLabel(parent=body)
        box.addWidget(self.intro)

        row = QHBoxLayout()
        self.period_label = QLabel(body)
        row.addWidget(self.period_label)
        self.period_box = QComboBox(body)
        self.period_box.setObjectName("period")
        self.period_box.setEditable(True)
        self.period_box.setMinimumContentsLength(22)
        self.period_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.period_box.activated.connect(lambda _i: self.reload())
        line_edit = self.period_box.lineEdit()
        if line_edit is not None:
            line_edit.returnPressed.connect(self.reload)
        row.addWidget(self.period_box, 1)
        self.show_button = push_button(body, "show-period", self.reload, "search")
        row.addWidget(self.show_button)
        box.addLayout(row)
        self.dates = WrapLabel(parent=body)
        self.dates.setObjectName("period-dates")
        box.addWidget(self.dates)
        self.period_message = MessageLabel(body)
        box.addWidget(self.period_message)

        self.files = StatisticsFiles(session, self, body)
        box.addWidget(self.files)

        self.sources = WrapLabel(parent=body)
        self.sources.setObjectName("sources")
        box.addWidget(self.sources)
        self.missing = WrapLabel(parent=body)
        self.missing.setObjectName("missing")
        self.missing.setStyleSheet("color: #8a5300;")
        box.addWidget(self.missing)

        # -- the map and the chosen district's subdistricts, side by side: on a 600-pixel-high
        # screen a table under the map would be out of sight when the district is clicked.
        self.map_title, self.map_text = add_heading_and_text(box, body)
        whose = QHBoxLayout()
        self.whose_label = QLabel(body)
        whose.addWidget(self.whose_label)
        self.whose = QComboBox(body)
        self.whose.setObjectName("map-figure")
        self.whose.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.whose.currentIndexChanged.connect(lambda _i: self._show_map())
        whose.addWidget(self.whose)
        whose.addStretch(1)
        box.addLayout(whose)
        pair = QHBoxLayout()
        self.map = DistrictMap(body)
        self.map.district_clicked.connect(self.show_district)
        pair.addWidget(self.map, 3, Qt.AlignmentFlag.AlignTop)
        side = QVBoxLayout()
        self.district_title = Heading(parent=body, level=2)
        self.district_title.setObjectName("district-title")
        side.addWidget(self.district_title)
        self.subdistricts = record_list(body, "subdistricts")
        self.subdistricts.setProperty("verbatim", True)  # place names and counts (data)
        side.addWidget(self.subdistricts)
        side.addStretch(1)
        pair.addLayout(side, 2)
        box.addLayout(pair)
        self.elsewhere = WrapLabel(parent=body)
        self.elsewhere.setObjectName("elsewhere")
        box.addWidget(self.elsewhere)

        self.trend_title, self.trend_text = add_heading_and_text(box, body)
        self.trend = TrendChart(body)
        self.trend.setObjectName("chart-quarters")
        box.addWidget(self.trend)

        self.concern_title = Heading(parent=body, level=2)
        box.addWidget(self.concern_title)
        self.concerns = BarChart(body)
        self.concerns.setObjectName("chart-concern")
        self.concerns.setCursor(Qt.CursorShape.ArrowCursor)
        box.addWidget(self.concerns)
        self.concerns_hidden = WrapLabel(parent=body)
        box.addWidget(self.concerns_hidden)

        self.tables_title = Heading(parent=body, level=2)
        box.addWidget(self.tables_title)
        self.table_box = QComboBox(body)
        self.table_box.setObjectName("table-choice")
        self.table_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.table_box.currentIndexChanged.connect(lambda _i: self._show_table())
        box.addWidget(self.table_box, 0, Qt.AlignmentFlag.AlignLeft)
        self.table = record_list(body, "figures-table")
        box.addWidget(self.table)
        self.times_title = Heading(parent=body, level=2)
        box.addWidget(self.times_title)
        self.times = record_list(body, "times-table")
        self.times.setProperty("verbatim", True)  # organisation codes and counts
        box.addWidget(self.times)
        box.addStretch(1)
        session.lang.language_changed.connect(self.retranslate)
        self._fill_periods()
        self.retranslate()

    # -- the period -------------------------------------------------------------------------
    def _fill_periods(self) -> None:
        tr = self._session.lang.translator
        typed = self.period_box.currentText() if self.period_box.currentIndex() < 0 else ""
        chosen = self.period_box.currentData() or self.period
        self.period_box.blockSignals(True)
        self.period_box.clear()
        for value in fig.period_choices(thai_today()):
            self.period_box.addItem(fig.period_name(value, tr), value)
        found = self.period_box.findData(chosen) if chosen else 0
        if found >= 0:
            self.period_box.setCurrentIndex(found)
        else:
            self.period_box.setEditText(typed or fig.period_name(chosen, tr))
        self.period_box.blockSignals(False)

    def chosen_period(self) -> str:
        """The chosen period's canonical label; what was typed is read by the core's rules."""
        text = self.period_box.currentText().strip()
        found = self.period_box.findText(text)
        if found >= 0:
            return str(self.period_box.itemData(found))
        return parse_period(text).label

    def set_period(self, text: str) -> None:
        """Types a period, as a user would, and shows its figures."""
        self.period_box.setEditText(text)
        self.reload()

    # -- loading ----------------------------------------------------------------------------
    def reload(self) -> None:
        if not self._session.is_unlocked:
            return
        tr = self._session.lang.translator
        try:
            period = self.chosen_period()
        except ValidationError as exc:
            refused = exc
            self.period_message.show_error(lambda t: friendly_message(refused, t), tr)
            return
        self.period_message.clear_message()
        self._stale = False
        self.period = period
        self.show_button.setEnabled(False)
        self.dates.setText(tr.gettext("Counting…"))
        threshold = self.threshold

        def work(ws: Workspace) -> Loaded:
            network = ws.stats_exchange.network(period, threshold)
            quarters = ws.stats_exchange.quarters(period, threshold)
            partners = [t for t in ws.sync.trusted() if not t.own and t.withdrawn_at is None]
            return network, partners, quarters

        def failed(exc: BaseException) -> None:
            self.show_button.setEnabled(True)
            self.dates.setText("")
            self.period_message.show_error(lambda t: friendly_message(exc, t), tr)

        QueryOp(self._session, parent=self, op=work, success=self.show_network).failure(
            failed
        ).run()

    def show_network(self, found: Loaded) -> None:
        self.network, self.partners, self.quarters = found
        self.show_button.setEnabled(True)
        self.files.set_partners(self.partners)
        self._fill_whose()
        self._fill_tables()
        self._show_all()

    def on_unlocked(self) -> None:
        self._stale = True
        if self.isVisible():
            self.reload()

    def on_locked(self) -> None:
        self.network = None
        self.quarters = []
        self.partners = []
        self._stale = True
        self.period_message.clear_message()
        self.files.clear()
        self._show_all()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if self._stale:
            self.reload()

    # -- showing ----------------------------------------------------------------------------
    def retranslate(self) -> None:
        tr = self._session.lang.translator
        self.title.setText(tr.gettext("Network figures"))
        self.intro.setText(
            tr.gettext(
                "The figures of this organisation and of the partners who sent their "
                "statistics files, added up. They are counts only, with no child's record; "
                "small counts are hidden so that no child can be recognised."
            )
        )
        self.period_label.setText(tr.gettext("Period"))
        self.period_box.setAccessibleName(tr.gettext("Period"))
        self.period_box.setToolTip(
            tr.gettext(
                "A fiscal year (2569), a quarter (2569-Q1) or dates (2569-01-01..2569-03-31)"
            )
        )
        self.show_button.setText(tr.gettext("Show"))
        self.show_button.setAccessibleName(self.show_button.text())
        self._fill_periods()
        self.period_message.retranslate(tr)
        self.files.retranslate(tr)
        self.map_title.setText(tr.gettext("Cases by district"))
        self.map_text.setText(
            tr.gettext(
                "Each district of Chiang Rai is one tile, placed roughly where it lies; the "
                "darker the tile, the more cases. Click a district to see its subdistricts."
            )
        )
        self.whose_label.setText(tr.gettext("Cases of"))
        self.whose.setAccessibleName(tr.gettext("Cases of"))
        self.trend_title.setText(tr.gettext(TREND_TITLE))
        self.trend_text.setText(
            tr.gettext(
                "Cases open in each quarter of the fiscal year, the network's and each "
                "organisation's; the quarter chosen is shaded. Hatched: hidden."
            )
        )
        self.trend.setAccessibleName(tr.gettext(TREND_TITLE))
        self.concern_title.setText(tr.gettext(TABLE_TITLES["concern"]))
        self.tables_title.setText(tr.gettext("Tables"))
        self.table_box.setAccessibleName(tr.gettext("Table"))
        self.times_title.setText(tr.gettext("Days to reply to and complete referrals"))
        self.map.setAccessibleName(tr.gettext("Cases by district"))
        self.subdistricts.setAccessibleName(tr.gettext("Subdistricts"))
        self.table.setAccessibleName(tr.gettext("Table"))
        self.times.setAccessibleName(tr.gettext("Days to reply to and complete referrals"))
        if self.network is not None:
            self._fill_whose()
            self._fill_tables()
        self._show_all()

    def _fill_whose(self) -> None:
        tr = self._session.lang.translator
        chosen = self.whose.currentData()
        self.whose.blockSignals(True)
        self.whose.clear()
        self.whose.addItem(tr.gettext("The whole network"), fig.NETWORK)
        for org in (self.network or {}).get("organisations", []):
            self.whose.addItem(str(org), str(org))
        self.whose.setCurrentIndex(max(self.whose.findData(chosen), 0))
        self.whose.blockSignals(False)

    def _fill_tables(self) -> None:
        tr = self._session.lang.translator
        chosen = self.table_box.currentData()
        names = [n for n in fig.LISTED if n in (self.network or {}).get("tables", {})]
        self.table_box.blockSignals(True)
        self.table_box.clear()
        for name in names:
            self.table_box.addItem(tr.gettext(TABLE_TITLES[name]), name)
        self.table_box.setCurrentIndex(max(self.table_box.findData(chosen), 0))
        self.table_box.blockSignals(False)

    def _show_all(self) -> None:
        tr = self._session.lang.translator
        network = self.network
        self.files.set_loaded(network is not None)
        for part in (self.map, self.concerns, self.table, self.times, self.subdistricts):
            part.setVisible(network is not None)
        self._show_trend()
        if network is None:
            for text in (self.dates, self.sources, self.missing, self.elsewhere):
                text.setText("")
            self.concerns_hidden.setText("")
            self.district_title.setText("")
            self.map.set_tiles([], ("", ""))
            self.concerns.set_rows([])
            return
        period = parse_period(str(network["period"]))
        self.dates.setText(
            tr.format(
                "{period}: {dates}. Counts below {n} are hidden.",
                period=fig.period_name(period.label, tr),
                dates=fig.period_dates(period.first, period.last, tr),
                n=self.threshold,
            )
        )
        self.sources.setText(
            tr.format("Figures from: {orgs}", orgs=", ".join(network["organisations"]))
        )
        missing = fig.who_is_missing(network, tr)
        self.missing.setText(missing)
        self.missing.setVisible(bool(missing))
        self._show_map()
        self._show_concerns()
        self._show_table()

    def _show_map(self) -> None:
        network = self.network
        if network is None:
            return
        tr = self._session.lang.translator
        cells = fig.area_cells(network, self.whose.currentData() or fig.NETWORK)
        tiles = []
        for district in districts(CHIANG_RAI):
            value = fig.count_of(cells, f"district:{district.code}")
            tiles.append(
                Tile(district.code, district.name(tr.locale), value, fig.count_text(value, tr))
            )
        self.map.set_tiles(
            tiles,
            (
                tr.gettext("Cases"),
                tr.format(
                    "Hidden: fewer than {n}, or hidden along with such a count", n=self.threshold
                ),
            ),
        )
        elsewhere = sum(
            (v or 0)
            for k, v in cells.items()
            if k.startswith("province:") and k != f"province:{CHIANG_RAI}"
        )
        unknown = fig.count_of(cells, f"district:{CHIANG_RAI}-unknown")
        self.elsewhere.setText(
            tr.format(
                "Cases in other provinces or with no province: {n}. Cases in Chiang Rai with no "
                "district: {unknown}.",
                n=elsewhere,
                unknown=fig.count_text(unknown, tr),
            )
        )
        self.show_district(self.map.selected or "5701")

    def show_district(self, code: str) -> None:
        network = self.network
        if network is None:
            return
        tr = self._session.lang.translator
        self.map.select(code)
        name = label("area", f"district:{code}", tr)
        self.district_title.setText(tr.format("Subdistricts of {district}", district=name))
        headers = [tr.gettext("Subdistrict"), tr.gettext("Network"), *network["organisations"]]
        rows = [
            (p.name, *(fig.count_text(c, tr) for c in p.counts))
            for p in fig.subdistrict_rows(network, code, tr)
        ]
        fill(self.subdistricts, headers, rows, 1, tr.gettext(fig.HIDDEN))

    def _show_trend(self) -> None:
        """Cases by quarter: for a fiscal year, its quarters; for a quarter, the four of its
        fiscal year with it shaded; none for a date range."""
        tr = self._session.lang.translator
        network = self.network
        chart = None if network is None else trend(self.quarters, network["organisations"], tr)
        words = Words(
            tr.gettext(fig.HIDDEN), tr.gettext("no figures sent"), tr.gettext("not begun")
        )
        self.trend.set_trend(chart, words)
        for part in (self.trend_title, self.trend_text, self.trend):
            part.setVisible(chart is not None)

    def _show_concerns(self) -> None:
        network = self.network
        assert network is not None
        tr = self._session.lang.translator
        concern = network["tables"].get("concern", {})
        shown = sorted(((k, v) for k, v in concern.items() if v), key=lambda kv: -kv[1])
        self.concerns.set_rows([(k, label("concern", k, tr), v, False) for k, v in shown])
        hidden = [label("concern", k, tr) for k, v in concern.items() if v is None]
        self.concerns_hidden.setText(
            tr.format("Hidden: {concerns}", concerns=", ".join(hidden)) if hidden else ""
        )
        self.concerns_hidden.setVisible(bool(hidden))

    def _show_table(self) -> None:
        network = self.network
        if network is None:
            return
        tr = self._session.lang.translator
        name = self.table_box.currentData()
        found = fig.listed_tables(network, tr).get(name or "", [])
        headers = [tr.gettext("Category"), tr.gettext("Network"), *network["organisations"]]
        rows = [
            (r.category, *(fig.count_text(v, tr) for v in (r.network, *r.by_org))) for r in found
        ]
        fill(self.table, headers, rows, 1, tr.gettext(fig.HIDDEN))
        times = fig.time_rows(network, name or "", tr)
        fill(self.times, [tr.gettext(h) for h in TIME_HEADERS], times, 2, tr.gettext(fig.HIDDEN))
        for part in (self.times_title, self.times):
            part.setVisible(bool(times))

    # -- what the file actions need ---------------------------------------------------------
    def own_code(self) -> str:
        return str((self.network or {}).get("organisations", [""])[0])

    def after_import(self, period: str) -> None:
        if period == self.period:
            self.reload()
