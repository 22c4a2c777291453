"""Province, district (amphoe) and subdistrict (tambon) from the official lists (GeoThai),
each with its Thai and English name, narrowing as the user picks.

The lists are read on the worker thread: the geography tables take a moment to load the first
time, and the window must not stall while a worker picks a province.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QWidget

from cmdesk.core.i18n import N_, Translator
from cmdesk.gui.ops import QueryOp
from cmdesk.gui.session import Session
from cmdesk.gui.widgets.choice import ChoiceCombo, Item, Label

Place = tuple[str, str, str]  # code, Thai name, English name
CHIANG_RAI = "57"


def _places(parent_code: str) -> list[Place]:
    """Runs on the worker thread: provinces ("" ), a province's districts, a district's
    subdistricts."""
    from cmdesk.core.reference import geography

    if not parent_code:
        found = geography.provinces()
    elif len(parent_code) == 2:
        found = geography.districts(parent_code)
    else:
        found = geography.subdistricts(parent_code)
    return [(a.code, a.name_th, a.name_en) for a in found]


def _items(places: list[Place]) -> list[Item]:
    def label(th: str, en: str) -> Label:
        # Both names: an English-speaking colleague and the Thai sign at the village agree.
        return lambda tr: f"{th} ({en})" if tr.locale == "th" else f"{en} ({th})"

    return [(code, label(th, en)) for code, th, en in places]


def place_items(parent_code: str) -> list[Item]:
    """Runs on the worker thread: the places under `parent_code` as pick-list items."""
    return _items(_places(parent_code))


class AddressPicker(QWidget):
    changed = Signal()

    def __init__(
        self, session: Session, parent: QWidget | None = None, *, default_province: str = CHIANG_RAI
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._wanted: dict[str, str] = {"province": default_province}
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.province = ChoiceCombo((), self, placeholder=N_("Province"))
        self.province.setObjectName("province")
        self.district = ChoiceCombo((), self, placeholder=N_("District"))
        self.district.setObjectName("district")
        self.subdistrict = ChoiceCombo((), self, placeholder=N_("Subdistrict"))
        self.subdistrict.setObjectName("subdistrict")
        for combo in (self.province, self.district, self.subdistrict):
            # Place names, in both scripts whatever the language: data, not the app's words.
            combo.setProperty("verbatim", True)
            row.addWidget(combo, 1)
        self.province.currentIndexChanged.connect(lambda _i: self._picked("province"))
        self.district.currentIndexChanged.connect(lambda _i: self._picked("district"))
        self.subdistrict.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.loads = 0  # lists still on their way (tests wait for 0)

    def start(self) -> None:
        self._load("", self.province)

    def retranslate(self, tr: Translator) -> None:
        for combo, name in (
            (self.province, N_("Province")),
            (self.district, N_("District")),
            (self.subdistrict, N_("Subdistrict")),
        ):
            combo.retranslate(tr)
            combo.setAccessibleName(tr.gettext(name))

    def _load(
        self, parent_code: str, combo: ChoiceCombo, then: Callable[[], None] | None = None
    ) -> None:
        self.loads += 1

        def arrived(places: list[Place]) -> None:
            self.loads -= 1
            combo.set_items(_items(places))
            wanted = self._wanted.get(combo.objectName(), "")
            if wanted:
                combo.set_code(wanted)
            if then is not None:
                then()

        def failed(_exc: BaseException) -> None:
            self.loads -= 1

        QueryOp(
            self._session, parent=self, op=lambda _ws: _places(parent_code), success=arrived
        ).failure(failed).run()

    def _picked(self, level: str) -> None:
        if level == "province":
            self._wanted["province"] = self.province.code()
            self.district.set_items([])
            self.subdistrict.set_items([])
            if self.province.code():
                self._load(self.province.code(), self.district)
        else:
            self._wanted["district"] = self.district.code()
            self.subdistrict.set_items([])
            if self.district.code():
                self._load(self.district.code(), self.subdistrict)
        self.changed.emit()

    def codes(self) -> tuple[str, str, str]:
        return self.province.code(), self.district.code(), self.subdistrict.code()

    def set_codes(self, province: str, district: str = "", subdistrict: str = "") -> None:
        self._wanted = {"province": province, "district": district, "subdistrict": subdistrict}
        if self.province.count() <= 1:
            return  # the list is on its way: it picks the wanted province, then the rest
        if self.province.code() == province:
            self._picked("province")  # same province: its districts again, to pick the one
        else:
            self.province.set_code(province)
