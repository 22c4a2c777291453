"""Network statistics in the core: periods, suppression, one organisation's figures, the
sealed file, and the combined view."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cmdesk.core.errors import BundleRejected, ValidationError
from cmdesk.core.stats.period import parse_period
from cmdesk.core.stats.suppression import suppress_group, suppress_places
from tests.core.sync.conftest import Net


def test_periods_are_buddhist_years_quarters_or_two_dates() -> None:
    q1 = parse_period("2569-Q1")
    assert (q1.start.isoformat(), q1.end.isoformat(), q1.name) == (
        "2026-01-01",
        "2026-03-31",
        "2569-Q1",
    )
    q4 = parse_period("2569-q4")
    assert (q4.start.isoformat(), q4.end.isoformat()) == ("2026-10-01", "2026-12-31")
    year = parse_period("2569")
    assert (year.start.isoformat(), year.end.isoformat()) == ("2026-01-01", "2026-12-31")
    fiscal = parse_period("1/10/2568..30/9/2569")  # the Thai fiscal year, as two dates
    assert (fiscal.start.isoformat(), fiscal.end.isoformat()) == ("2025-10-01", "2026-09-30")
    for bad in ("", "Q1", "2569-Q5", "31/3/2569..1/1/2569", "someday"):
        with pytest.raises(ValidationError) as refused:
            parse_period(bad)
        assert refused.value.errors[0].field == "period"


@given(st.dictionaries(st.sampled_from("abcdefgh"), st.integers(0, 30), min_size=1))
def test_no_hidden_cell_of_an_additive_table_can_be_worked_out(cells: dict[str, int]) -> None:
    out = suppress_group(cells, 5, additive=True)
    hidden = [k for k, v in out.items() if v is None]
    for key, value in cells.items():
        assert out[key] is None if 0 < value < 5 else out[key] in (None, value)
    # With the total published (figures.table publishes it from 5 on), exactly one hidden
    # cell would be the total minus the rest.
    total = sum(cells.values())
    if total >= 5:
        assert len(hidden) != 1


def test_a_hidden_district_hides_its_subdistricts() -> None:
    counts = {"57": 40, "5701": 26, "570101": 20, "570102": 6, "5702": 4, "570201": 4}
    counts |= {"5703": 10, "570301": 10}
    out = suppress_places(counts, 5)
    # 5702 is small; 5703 is hidden with it, or 40 - 26 - 10 would give 5702 back.
    assert out["5702"] is None and out["5703"] is None and out["5701"] == 26
    # Their subdistricts go with them (570301 = 10 would give 5703 back).
    assert out["570201"] is None and out["570301"] is None
    assert out["570101"] == 20 and out["570102"] == 6


def test_figures_hold_codes_and_counts_only(net: Net) -> None:
    figures = net.a1.stats.figures("2569")
    text = json.dumps(figures, ensure_ascii=False)
    with net.a1.ctx.read() as s:
        from sqlalchemy import select

        from cmdesk.core.model import Case, Child

        names = {
            n
            for row in s.execute(select(Child.given_name_th, Child.family_name_latin))
            for n in row
            if n
        }
        numbers = set(s.scalars(select(Case.case_number)))
        ids = set(s.scalars(select(Child.id)))
    assert names and not [n for n in itertools.chain(names, numbers, ids) if n in text]
    assert figures["cases"] and figures["tables"]["risk"]["total"] == figures["cases"]
    risk = figures["tables"]["risk"]["cells"]
    assert sum(v for v in risk.values() if v is not None) <= figures["cases"]


def test_the_sealed_file_reaches_only_its_recipient_and_adds_up_there(net: Net) -> None:
    data, sent = net.p1.stats.export("2569", for_org="WVFT")
    assert b"WVFT" not in data.split(b"\n", 1)[-1][-200:]  # the body is sealed
    with pytest.raises(BundleRejected):
        net.a1.sync.import_bundle(data)  # a statistics file is not records
    got = net.a1.stats.import_bundle(data)
    assert got["period"]["name"] == "2569" and got["org"]["id"] == net.p1.actor.org_id
    combined = net.a1.stats.combined("2569")
    assert combined["organisations"] == ["ECPAT", "WVFT"] and combined["missing"] == []
    own = net.a1.stats.figures("2569")
    for key, value in combined["tables"]["stage"]["cells"].items():
        mine = own["tables"]["stage"]["cells"].get(key, 0)
        theirs = sent["tables"]["stage"]["cells"].get(key, 0)
        assert value == (None if None in (mine, theirs) else mine + theirs)
    # Another laptop of the sender's organisation cannot open it; nor can the sender's data
    # be read as records.
    with pytest.raises(BundleRejected):
        net.p1.stats.import_bundle(data)
    records, _ = net.p1.sync.export("WVFT")
    with pytest.raises(BundleRejected):
        net.a1.stats.import_bundle(records)


def test_only_data_managers_send_and_receive(net: Net) -> None:
    from cmdesk.core.errors import PermissionDenied
    from cmdesk.core.vault import crypto
    from cmdesk.core.workspace import Workspace

    net.a1.users.add(
        "pim", "field worker passphrase", "field_worker", kdf=crypto.weak_kdf_for_tests()
    )
    with Workspace.open(net.a1.vault.paths.root, "pim", "field worker passphrase") as pim:
        with pytest.raises(PermissionDenied):
            pim.stats.figures("2569")
        with pytest.raises(PermissionDenied):
            pim.stats.export("2569", for_org="ECPAT")
