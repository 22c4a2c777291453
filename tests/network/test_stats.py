"""Network statistics between three organisations, each laptop its own `cmdesk` process: two
NGOs send the shelter sealed statistics bundles, the shelter combines them with its own
figures. The combined figures are the vaults' own counts added up wherever nothing was
hidden; no hidden cell can be worked out from the totals; no child's name, id or case number
is in any bundle, report or export; the exports open in a spreadsheet reader with Thai intact
and dates as dates."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy import select

from cmdesk.core.model import Case, Child, Mechanism
from cmdesk.core.reference.geography import area
from cmdesk.core.stats.aggregates import local_day
from cmdesk.core.stats.periods import parse_period
from cmdesk.core.stats.suppression import Sum, recoverable
from cmdesk.core.vault import crypto
from cmdesk.core.workspace import Workspace
from tests.core.reports.pdftools import nfkd, pdftotext_raw
from tests.core.stats.linear import determined
from tests.network.harness import ADMIN, PASS, Laptop

PERIOD = "2569"
AS_OF = "2026-09-30"


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto, "tune_kdf", lambda *a, **k: crypto.weak_kdf_for_tests())


# Canaries by kind: every kind must be looked for (none left empty by the filters below).
NAMES, VILLAGES = "child names", "villages"
KINDS = (NAMES, VILLAGES, "case numbers", "ids", "id numbers", "mechanism names", "contacts")


def _direct(root: Path) -> tuple[Counter[str], dict[str, set[str]]]:
    """Cases open in the period by sex, counted straight from the vault, and the personal
    data a leak would show, by kind (names, villages, case numbers, ids, mechanisms)."""
    period = parse_period(PERIOD)
    sexes: Counter[str] = Counter()
    found: dict[str, set[str]] = {kind: set() for kind in KINDS}
    with Workspace.open(root, ADMIN, PASS) as ws, ws.ctx.read() as s:
        for case, child in s.execute(select(Case, Child).join(Child, Child.id == Case.child_id)):
            found[NAMES] |= {child.given_name_th, child.family_name_th}
            found[NAMES] |= {child.given_name_latin, child.family_name_latin}
            found[VILLAGES].add(child.village)
            found["case numbers"].add(case.case_number)
            found["ids"] |= {case.id, child.id}
            found["id numbers"].add(child.id_number or "")
            if case.deleted_at is not None or local_day(case.opened_at) > period.last:
                continue
            if case.closed_at is not None and local_day(case.closed_at) < period.first:
                continue
            sexes[child.sex] += 1
        # A community mechanism's name, contact person and phone are not figures either.
        for m in s.scalars(select(Mechanism)):
            found["ids"].add(m.id)
            found["mechanism names"].add(m.name)
            found["contacts"] |= {m.contact_name, m.contact_phone}
    return sexes, {kind: {c for c in values if len(c) >= 4} for kind, values in found.items()}


def _labelled_places(network: dict[str, Any]) -> set[str]:
    """The Thai and English names of the areas the figures have a row for: what the PDF, CSV
    and XLSX print as labels (a subdistrict's row names its district too)."""
    names: set[str] = set()
    for cells in network["tables"].values():
        for key in cells:
            level, _, code = key.partition(":")
            if level not in ("province", "district", "subdistrict"):
                continue
            for place in (area(code), area(code[:4])):
                if place is not None:
                    names |= {place.name_th, place.name_en}
    return names


def test_a_partner_whose_trust_was_withdrawn_is_not_awaited_and_its_figures_are_refused(
    tmp_path: Path,
) -> None:
    shelter = Laptop.init(tmp_path / "shelter", "CRSHELTER")
    ngos = [Laptop.init(tmp_path / "ecpat", "ECPAT"), Laptop.init(tmp_path / "adra", "ADRA")]
    for ngo in ngos:
        ngo.trust(shelter)
        shelter.trust(ngo)
    figures = ngos[1].bundles / "adra.stats"
    ngos[1].run("stats", "export", "--period", PERIOD, "-o", str(figures))

    shelter.run("sync", "untrust", "ADRA")
    assert shelter.json("stats", "report", "--period", PERIOD)["missing"] == ["ECPAT"]
    refused = shelter.run("stats", "import", str(figures), json_out=False, check=False)
    assert refused.code == 1 and "ADRA" in refused.err
    assert shelter.json("stats", "report", "--period", PERIOD)["organisations"] == ["CRSHELTER"]


def test_the_shelter_combines_three_organisations_without_any_child(tmp_path: Path) -> None:
    shelter = Laptop.init(tmp_path / "shelter", "CRSHELTER")
    ngos = [Laptop.init(tmp_path / "ecpat", "ECPAT"), Laptop.init(tmp_path / "adra", "ADRA")]
    for seed, laptop in enumerate([shelter, *ngos], start=3):
        laptop.run("demo", "--cases", "40", "--seed", str(seed), "--as-of", AS_OF)
    for ngo in ngos:
        ngo.trust(shelter)
        shelter.trust(ngo)

    alone = shelter.json("stats", "report", "--period", PERIOD)
    assert alone["organisations"] == ["CRSHELTER"]
    assert sorted(alone["missing"]) == ["ADRA", "ECPAT"]

    bundles = []
    for ngo in ngos:
        out = ngo.bundles / f"{ngo.org}-q1.stats"
        ngo.run("stats", "export", "--period", "ไตรมาส 1/2569", "-o", str(out))  # one quarter
        assert shelter.json("stats", "import", str(out))["period"] == "2569-Q1"
        bundles.append(out)
        out = ngo.bundles / f"{ngo.org}-year.stats"
        ngo.run("stats", "export", "--period", PERIOD, "-o", str(out))  # for the shelter
        bundles.append(out)
        kept = shelter.json("stats", "import", str(out))
        assert kept == {"org": ngo.org, "period": PERIOD}

    csv_file, xlsx_file = tmp_path / "network.csv", tmp_path / "network.xlsx"
    pdf_th, pdf_en = tmp_path / "network-th.pdf", tmp_path / "network-en.pdf"
    network = shelter.json(
        "--lang", "th", "stats", "report", "--period", PERIOD, "-o", str(pdf_th),
        "--csv", str(csv_file), "--xlsx", str(xlsx_file),
    )  # fmt: skip
    shelter.run("--lang", "en", "stats", "report", "--period", PERIOD, "-o", str(pdf_en))
    thai = nfkd(pdftotext_raw(pdf_th.read_bytes(), tmp_path))
    english = pdftotext_raw(pdf_en.read_bytes(), tmp_path)
    assert nfkd("รายงานสถิติเครือข่าย") in thai and nfkd("จำนวนเคสตามประเด็นปัญหา") in thai
    assert "Network statistics report" in english and "Cases by concern" in english
    assert "ECPAT" in thai and "ADRA" in english
    assert nfkd("จำนวนเคสรายไตรมาส") in thai and nfkd("ไตรมาส 4/2569") in thai
    assert "Cases by quarter" in english and "Q4 FY2569" in english
    assert network["organisations"] == ["CRSHELTER", "ADRA", "ECPAT"]
    assert network["missing"] == []

    # Unhidden cells are the three vaults' counts added up; hidden ones cannot be derived.
    direct: Counter[str] = Counter()
    canaries: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for laptop in [shelter, *ngos]:
        sexes, found = _direct(laptop.root)
        direct += sexes
        for kind, values in found.items():
            canaries[kind] |= values
    sex = network["tables"]["sex"]
    assert sex["all"] == sum(direct.values()) > 0
    shown = [code for code in direct if sex.get(code) is not None]
    assert shown
    for code in shown:
        assert sex[code] == direct[code]
    for name, cells in network["tables"].items():
        sums = [Sum(total, tuple(parts)) for total, parts in network["sums"].get(name, [])]
        assert recoverable(cells, sums) == [], name
    for name, cells in network["tables"].items():
        # All at once: each organisation's sums, the network's, and each network cell as the
        # sum of the organisations' cells.
        joint: dict[str, int | None] = {f"net|{k}": v for k, v in cells.items()}
        equations = []
        for total, parts in network["sums"].get(name, []):
            equations.append(Sum(f"net|{total}", tuple(f"net|{p}" for p in parts)))
        for org, tables in network["by_org"].items():
            mine = tables.get(name, {})
            joint |= {f"{org}|{k}": v for k, v in mine.items()}
            for total, parts in network["sums"].get(name, []):
                present = tuple(f"{org}|{p}" for p in parts if p in mine)
                if total in mine:
                    equations.append(Sum(f"{org}|{total}", present))
        for key in cells:
            orgs = tuple(
                f"{o}|{key}" for o, t in network["by_org"].items() if key in t.get(name, {})
            )
            equations.append(Sum(f"net|{key}", orgs))
        assert determined(joint, equations) == [], name
    hidden = [
        (org, name, key)
        for org, tables in network["by_org"].items()
        for name, cells in tables.items()
        for key, value in cells.items()
        if value is None
    ]
    assert hidden  # forty cases an organisation leave small cells to hide

    # No personal data anywhere a statistic went. The figures and the bundles (their clear
    # header; the rest is sealed) hold codes, never a place's name: every canary is looked
    # for there.
    csv_text = csv_file.read_bytes().decode("utf-8-sig")
    book = load_workbook(xlsx_file)
    sheet = book.active
    xlsx_text = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row)
    coded = [json.dumps(network, ensure_ascii=False)]
    coded += [b.read_bytes().decode("latin-1") for b in bundles]
    coded = [nfkd(t) for t in coded]
    labelled = [nfkd(t) for t in (csv_text, xlsx_text, thai, english)]
    assert all(len(canaries[kind]) >= 5 for kind in KINDS), {k: len(v) for k, v in canaries.items()}
    everything = set().union(*canaries.values())
    assert len(everything) > 100
    # The reports print the names of the areas they count. A child's name or village spelled
    # exactly like one of those (a family name ดอยงาม, the tambon ดอยงาม) cannot be told from
    # the label there, so only those, and only in the texts that print labels, are not looked
    # for; an id, a case number, a mechanism's name, contact or phone always is.
    places = _labelled_places(network)
    spelled_like_a_place = (canaries[NAMES] | canaries[VILLAGES]) & places
    assert len(spelled_like_a_place) <= len(everything) // 100  # a rare coincidence, not a rule
    leaks = [c for c in everything if any(nfkd(c) in t for t in coded)]
    leaks += [c for c in everything - spelled_like_a_place if any(nfkd(c) in t for t in labelled)]
    assert leaks == []

    # The exports read back: Thai labels, the period's days as real dates.
    assert csv_file.read_bytes().startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(csv_text)))
    assert table[0][:4] == ["ตาราง", "หมวด", "รหัส", "เครือข่าย"]
    assert any(row[1] == "หญิง" for row in table[1:])
    assert sheet["A2"].value == "จาก"
    assert isinstance(sheet["B2"].value, datetime)
    assert sheet["B2"].value.date() == date(2025, 10, 1)


def test_each_kind_of_bundle_is_refused_by_the_other_import(tmp_path: Path) -> None:
    shelter = Laptop.init(tmp_path / "shelter", "CRSHELTER")
    ngo = Laptop.init(tmp_path / "ngo", "ECPAT")
    ngo.trust(shelter)
    shelter.trust(ngo)
    stats_file = ngo.bundles / "ngo.stats"
    ngo.run("stats", "export", "--period", "2569-Q1", "-o", str(stats_file))
    refused = shelter.run("sync", "import", str(stats_file), check=False, json_out=False)
    assert refused.code != 0
    assert "statistics bundle" in refused.err and "stats import" in refused.err
    sync_file = ngo.export("CRSHELTER")
    refused = shelter.run("stats", "import", str(sync_file), check=False, json_out=False)
    assert refused.code != 0
    assert "sync bundle" in refused.err and "sync import" in refused.err

    field = ngo.add_user("somsri", "field_worker")
    denied = field.run(
        "stats", "export", "--period", "2569", "-o", str(tmp_path / "x"), check=False
    )
    assert denied.code != 0
    assert not (tmp_path / "x").exists()
