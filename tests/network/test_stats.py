"""Issue 13: three organisations' figures reach the shelter, which compiles the network's,
without a single child's record: the shelter's sums equal the organisations' own figures,
small cells stay hidden and cannot be worked out, and no name leaves any vault."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from tests.network.harness import Laptop

PERIOD = "2569"  # the Buddhist Era year of the demo data (as of 2026)
AS_OF = "2026-11-25"


def _org(tmp_path: Path, code: str, seed: int) -> Laptop:
    laptop = Laptop.init(tmp_path / code.lower(), code)
    laptop.run("demo", "--cases", "40", "--seed", str(seed), "--workers", "0", "--as-of", AS_OF)
    return laptop


_NAMES: dict[Path, set[str]] = {}


def _names(laptop: Laptop) -> set[str]:
    """The children's names, as a supervisor of the organisation lists them."""
    if laptop.root in _NAMES:
        return _NAMES[laptop.root]
    sup = laptop.add_user(f"sup{laptop.org.lower()}", "supervisor", display_name="Sup")
    found: set[str] = set()
    for child in sup.json("child", "list"):
        for key in ("name_th", "name_en"):
            found.update(part for part in (child.get(key) or "").split() if len(part) >= 4)
    assert found, "the demo registered children with names to look for"
    _NAMES[laptop.root] = found
    return found


def test_the_shelter_compiles_the_network_without_a_record(tmp_path: Path) -> None:
    shelter = Laptop.init(tmp_path / "shelter", "CRSHELTER")
    shelter.run("demo", "--cases", "30", "--seed", "7", "--workers", "0", "--as-of", AS_OF)
    partners = [_org(tmp_path, "WVFT", 3), _org(tmp_path, "ECPAT", 5)]
    own: dict[str, Any] = {"CRSHELTER": shelter.json("stats", "report", "--period", PERIOD)}
    for org in partners:
        org.trust(shelter)
        shelter.trust(org)
        # Before importing anything an organisation reports on its own.
        report = org.json("stats", "report", "--period", PERIOD)
        assert report["organisations"] == [org.org] and "CRSHELTER" in report["missing"]
        own[org.org] = report
    files = []
    for org in partners:
        out = tmp_path / f"{org.org}.cmstats"
        org.run("stats", "export", "--period", PERIOD, "-o", str(out))
        files.append(out)
        # Sealed: no name of the organisation's children in the file's bytes.
        raw = out.read_bytes()
        assert not [n for n in _names(org) if n.encode() in raw]
        # A statistics file is not records, and records are not statistics.
        refused = shelter.run("sync", "import", str(out), check=False)
        assert refused.code == 1 and "stats import" in refused.err
    wrong = shelter.run("stats", "import", str(partners[0].export("CRSHELTER")), check=False)
    assert wrong.code == 1 and "statistics" in wrong.err
    for out in files:
        shelter.run("stats", "import", str(out))

    combined = shelter.json("stats", "report", "--period", PERIOD)
    assert combined["organisations"] == ["CRSHELTER", "ECPAT", "WVFT"]
    assert combined["missing"] == []
    # Every cell no organisation hid is the sum of the organisations' own figures.
    checked = 0
    for name, table in combined["tables"].items():
        for key, value in table["cells"].items():
            parts = [own[o]["tables"].get(name, {}).get("cells", {}).get(key, 0) for o in own]
            if any(p is None for p in parts):
                assert value is None, (name, key)
            else:
                assert value == sum(parts), (name, key)
                checked += 1
    assert checked > 20
    # No child's name in what the shelter holds or shows.
    text = json.dumps(combined, ensure_ascii=False)
    for org in (shelter, *partners):
        assert not [n for n in _names(org) if n in text]


def test_small_cells_are_hidden_so_that_no_total_gives_them_away(tmp_path: Path) -> None:
    org = _org(tmp_path, "WVFT", 11)
    report = org.json("stats", "report", "--period", PERIOD)
    hidden = 0
    for name, table in report["tables"].items():
        cells = table["cells"]
        hidden += sum(v is None for v in cells.values())
        for value in cells.values():
            assert value is None or value == 0 or value >= 5, name
        if name in ("concern", "flow") or table["total"] is None:
            continue
        # An additive table with its total published: one hidden cell would be the total
        # minus the others. The attacker's subtraction finds nothing exact.
        nonzero_hidden = [k for k, v in cells.items() if v is None]
        assert len(nonzero_hidden) != 1, name
    assert hidden > 0, "the demo's small organisation has small cells to hide"
    places = report["tables"]["place"]["cells"]
    for code, value in places.items():
        if len(code) == 6 and value is not None:
            assert places[code[:4]] is not None, code  # a hidden district hides its parts


def test_tables_open_in_a_spreadsheet_with_thai(tmp_path: Path) -> None:
    org = _org(tmp_path, "WVFT", 3)
    sheet_csv, sheet_xlsx = tmp_path / "figures.csv", tmp_path / "figures.xlsx"
    org.run(
        "stats", "report", "--period", "2569-Q4", "--lang", "th",
        "--csv", str(sheet_csv), "--xlsx", str(sheet_xlsx),
    )  # fmt: skip
    raw = sheet_csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][0] == "ตาราง"
    assert any(r[2] == "ความเสี่ยงสูง" for r in rows[1:])
    book = load_workbook(sheet_xlsx)
    sheet = book.active
    assert sheet is not None
    start = sheet["B2"].value
    assert isinstance(start, date) and (start.year, start.month, start.day) == (2026, 10, 1)
    assert any(row[2] == "ความเสี่ยงสูง" for row in sheet.iter_rows(min_row=6, values_only=True))
