"""An organisation's statistics from a real demo vault: they match the vault counted directly,
small cells are hidden so that no total gives them back, and no person's data is in them."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy import event, select

from cmdesk.core.demo.generate import generate
from cmdesk.core.errors import BundleRejected, PermissionDenied, ValidationError
from cmdesk.core.i18n import Translator
from cmdesk.core.model import Case, Child, Mechanism, MechanismMeeting, Referral
from cmdesk.core.stats.aggregates import NOT_ABOUT_CHILDREN, local_day
from cmdesk.core.stats.exports import to_csv, to_xlsx
from cmdesk.core.stats.periods import parse_period, quarter_of
from cmdesk.core.stats.suppression import Sum, recoverable, suppress
from cmdesk.core.workspace import Workspace
from tests.conftest import ADMIN, ADMIN_PASS, WORKER, WORKER_PASS
from tests.core.stats.linear import determined

AS_OF = date(2026, 11, 25)
PERIOD = "2569"  # fiscal year: 1 October 2025 to 30 September 2026


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, template_vault: Path) -> Path:
    root = tmp_path_factory.mktemp("stats") / "vault"
    shutil.copytree(template_vault, root)
    with Workspace.open(root, ADMIN, ADMIN_PASS) as ws:
        generate(ws, 200, seed=5, as_of=AS_OF, workers=0)
    return root


def test_periods_in_thai_and_english() -> None:
    q1 = parse_period("2569-Q1")
    assert (q1.first, q1.last) == (date(2025, 10, 1), date(2025, 12, 31))
    assert parse_period("ไตรมาส 1/2569") == q1
    assert parse_period("ไตรมาสที่ ๑ ปีงบประมาณ ๒๕๖๙") == q1
    q4 = parse_period("2569-q4")
    assert (q4.first, q4.last) == (date(2026, 7, 1), date(2026, 9, 30))
    year = parse_period("ปีงบประมาณ 2569")
    assert (year.first, year.last) == (date(2025, 10, 1), date(2026, 9, 30))
    span = parse_period("2569-01-01..2569-03-31")
    assert (span.first, span.last) == (date(2026, 1, 1), date(2026, 3, 31))


@pytest.mark.parametrize("text", ["Q5-2569", "2569-13-01..2569-14-01", "soon", "1999"])
def test_a_bad_period_is_explained_in_both_languages(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_period(text)
    thai = caught.value.message(Translator("th"))
    english = caught.value.message(Translator("en"))
    assert "2569-Q1" in english and "period" in english
    assert "ไม่ใช่ช่วงเวลา" in thai and "ไตรมาส 1/2569" in thai


def test_complementary_suppression_leaves_nothing_to_subtract() -> None:
    cells = {"all": 42, "a": 2, "b": 30, "c": 10, "d": 0}
    sums = [Sum("all", ("a", "b", "c", "d"))]
    published = suppress(cells, sums)
    assert published["a"] is None  # the small cell
    assert published["c"] is None  # hidden with it, so all - b - d is not a
    assert published["b"] == 30 and published["d"] == 0
    assert recoverable(published, sums) == []
    assert determined(published, sums) == []
    # The check itself finds a cell that two sums give away together.
    leaky = {"all": 12, "x": None, "y": None, "z": 7, "y1": None, "y2": 2}
    chain = [Sum("all", ("x", "y", "z")), Sum("y", ("y1", "y2")), Sum("x", ("y1",))]
    assert recoverable(leaky, chain) == [] and determined(leaky, chain) == ["x", "y", "y1"]


def _counted(root: Path) -> tuple[Counter[str], Counter[str]]:
    """Sex and subdistrict of the cases open at some time in the fiscal year, counted
    straight from the vault."""
    period = parse_period(PERIOD)
    sexes: Counter[str] = Counter()
    subs: Counter[str] = Counter()
    with Workspace.open(root, ADMIN, ADMIN_PASS) as ws, ws.ctx.read() as s:
        for case, child in s.execute(select(Case, Child).join(Child, Child.id == Case.child_id)):
            if case.deleted_at is not None or local_day(case.opened_at) > period.last:
                continue
            if case.closed_at is not None and local_day(case.closed_at) < period.first:
                continue
            sexes[child.sex] += 1
            subs[child.subdistrict_code] += 1
    return sexes, subs


def test_figures_match_the_vault_and_no_total_gives_a_hidden_cell_away(demo: Path) -> None:
    with Workspace.open(demo, ADMIN, ADMIN_PASS) as ws:
        figures = ws.stats.own(PERIOD)
    sexes, subs = _counted(demo)
    tables = figures["tables"]
    assert isinstance(tables, dict)
    sex = tables["sex"]["cells"]
    assert sex["all"] == sum(sexes.values()) > 0
    for code, n in sexes.items():
        assert sex[code] == (n if n >= 5 else None) or sex[code] is None
    area = tables["area"]["cells"]
    shown = [k for k, v in area.items() if k.startswith("subdistrict:") and v is not None]
    assert shown  # some subdistricts have five or more cases
    for key in shown:
        assert area[key] == subs[key.split(":", 1)[1]] >= 5
    assert any(v is None for v in area.values())  # and some are hidden
    for name, table in tables.items():
        cells = table["cells"]
        if name in NOT_ABOUT_CHILDREN:  # centres, councils, meetings: nothing is hidden
            assert None not in cells.values() and any(0 < v < 5 for v in cells.values())
            continue
        assert all(v is None or v == 0 or v >= 5 for v in cells.values())
        sums = [Sum(t, tuple(p)) for t, p in table["sums"]]
        assert recoverable(cells, sums) == []
        assert determined(cells, sums) == []


def test_no_name_id_or_case_number_in_the_figures(demo: Path) -> None:
    with Workspace.open(demo, ADMIN, ADMIN_PASS) as ws:
        text = json.dumps(ws.stats.own(PERIOD), ensure_ascii=False)
        with ws.ctx.read() as s:
            canaries = set()
            for case, child in s.execute(
                select(Case, Child).join(Child, Child.id == Case.child_id)
            ):
                canaries |= {case.id, case.case_number, child.id, child.given_name_th}
                canaries |= {child.family_name_latin, child.village, child.id_number or ""}
    canaries -= {""}
    assert len(canaries) > 100
    assert [c for c in canaries if c in text] == []


def test_mechanism_figures_match_the_vault(demo: Path) -> None:
    period = parse_period(PERIOD)
    with Workspace.open(demo, ADMIN, ADMIN_PASS) as ws:
        network = ws.stats.network(PERIOD)
        with ws.ctx.read() as s:
            mechanisms = {m.id: m for m in s.scalars(select(Mechanism))}
            meetings = [
                mechanisms[m.mechanism_id].subdistrict_code
                for m in s.scalars(select(MechanismMeeting))
                if period.contains(m.held_on)
            ]
            linked: Counter[str] = Counter()
            for case in s.scalars(select(Case).where(Case.deleted_at.is_(None))):
                if local_day(case.opened_at) > period.last or (
                    case.closed_at is not None and local_day(case.closed_at) < period.first
                ):
                    continue
                mech = case.referred_by_mechanism_id or case.referred_to_mechanism_id
                if mech:
                    linked[mechanisms[mech].subdistrict_code[:4]] += 1
    tables = network["tables"]
    centres = Counter(
        m.subdistrict_code for m in mechanisms.values() if m.active and m.kind == "centre"
    )
    assert tables["mechanism_centre"]["all"] == sum(centres.values()) > 0
    for code, n in centres.items():
        assert tables["mechanism_centre"][f"subdistrict:{code}"] == n  # even 1: not hidden
    assert tables["mechanism_centre"]["district:5701"] == sum(
        n for code, n in centres.items() if code.startswith("5701")
    )
    assert tables["mechanism_meetings"]["all"] == len(meetings) > 0
    assert tables["mechanism_meetings"]["province:57"] == len(meetings)
    cases = tables["mechanism_cases"]
    assert cases["all"] == sum(linked.values()) >= 5
    shown = [k for k in linked if cases.get(f"district:{k}") is not None]
    assert all(cases[f"district:{k}"] == linked[k] >= 5 for k in shown)
    assert any(v is None for v in cases.values())  # cases are about children: suppressed

    # Where the network has cases and no active mechanism: the subdistricts to work on.
    gaps = tables["mechanism_gaps"]
    active = {m.subdistrict_code for m in mechanisms.values() if m.active}
    assert gaps and all(k.startswith("subdistrict:") for k in gaps)
    assert all(k.split(":")[1] not in active and k in tables["area"] for k in gaps)
    assert gaps == {
        k: v
        for k, v in tables["area"].items()
        if k.startswith("subdistrict:") and k[-1].isdigit() and k.split(":")[1] not in active
    }
    rows = list(csv.reader(io.StringIO(to_csv(network, Translator("th")).decode("utf-8-sig"))))
    titled = [r for r in rows if r[0] == "ตำบลที่มีเคสแต่ไม่มีกลไกที่ดำเนินงาน"]
    assert len(titled) == len(gaps) and all(", " in r[1] for r in titled)  # ตำบล, อำเภอ


def test_no_contact_person_of_a_mechanism_in_any_figures(demo: Path) -> None:
    with Workspace.open(demo, ADMIN, ADMIN_PASS) as ws:
        network = ws.stats.network(PERIOD)
        own = ws.stats.own(PERIOD)
        with ws.ctx.read() as s:
            canaries = {
                value
                for m in s.scalars(select(Mechanism))
                for value in (m.id, m.name, m.contact_name, m.contact_phone)
            }
    assert len(canaries) > 100
    texts = [json.dumps(x, ensure_ascii=False) for x in (own, network)]
    texts += [to_csv(network, t).decode("utf-8-sig") for t in (Translator("th"), Translator("en"))]
    sheet = load_workbook(io.BytesIO(to_xlsx(network, Translator("th")))).active
    texts.append(json.dumps([list(r) for r in sheet.iter_rows(values_only=True)], default=str))
    for text in texts:
        assert [c for c in canaries if c and c in text] == []


def test_a_field_worker_may_not_compute_statistics(vault_dir: Path) -> None:
    with Workspace.open(vault_dir, WORKER, WORKER_PASS) as ws, pytest.raises(PermissionDenied):
        ws.stats.own(PERIOD)


def test_figures_that_are_not_counts_are_refused(demo: Path, tmp_path: Path) -> None:
    shutil.copytree(demo, tmp_path / "copy")
    with Workspace.open(tmp_path / "copy", ADMIN, ADMIN_PASS) as ws:
        good = ws.stats.own(PERIOD)
        bad = json.loads(json.dumps(good))
        bad["tables"]["sex"]["cells"]["female"] = "Somchai Jaidee"
        with pytest.raises(BundleRejected):
            ws.stats.keep("b1", "other-org", "ECPAT", bad)
        assert ws.stats.keep("b2", "other-org", "ECPAT", good) == PERIOD
        assert ws.stats.network(PERIOD)["organisations"] == ["WVFT", "ECPAT"]


def test_the_figures_read_reopenings_from_their_index(demo: Path) -> None:
    """Not every stage change of every case: only the partial index of moves out of
    closure."""
    statements: list[tuple[str, Any]] = []

    def seen(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        statements.append((statement, params))

    with Workspace.open(demo, ADMIN, ADMIN_PASS) as ws:
        event.listen(ws.ctx.engine, "before_cursor_execute", seen)
        try:
            ws.stats.own("2569-Q4")
        finally:
            event.remove(ws.ctx.engine, "before_cursor_execute", seen)
        with ws.ctx.read() as s:
            plans = [
                " / ".join(
                    row[-1]
                    for row in s.connection().exec_driver_sql(
                        f"EXPLAIN QUERY PLAN {statement}", params
                    )
                )
                for statement, params in statements
                if "FROM case_stage_change" in statement
            ]
    assert len(plans) == 1 and "ix_case_stage_change_reopened" in plans[0]


def test_case_flow_and_referral_times_match_the_vault(demo: Path) -> None:
    period = parse_period(PERIOD)
    with Workspace.open(demo, ADMIN, ADMIN_PASS) as ws:
        figures = ws.stats.own(PERIOD)
        with ws.ctx.read() as s:
            opened = sum(
                period.contains(local_day(c.opened_at))
                for c in s.scalars(select(Case).where(Case.deleted_at.is_(None)))
            )
            sent = sum(
                r.sent_at is not None and period.contains(local_day(r.sent_at))
                for r in s.scalars(select(Referral))
            )
    tables, times = figures["tables"], figures["times"]
    assert isinstance(tables, dict) and isinstance(times, dict)
    assert tables["flow"]["cells"]["opened"] == opened >= 5
    assert tables["referral_partner"]["cells"]["all"] == sent >= 5
    everything = times["all"]
    assert everything["count"] == sent
    assert 0 <= everything["response_median"] <= everything["response_p90"]


def test_tables_export_to_csv_and_xlsx_in_thai_and_english(demo: Path) -> None:
    with Workspace.open(demo, ADMIN, ADMIN_PASS) as ws:
        network = ws.stats.network(PERIOD)
        quarters = ws.stats.quarters(PERIOD)
    assert [q["quarter"] for q in quarters] == ["2569-Q1", "2569-Q2", "2569-Q3", "2569-Q4"]
    thai, english = Translator("th"), Translator("en")
    table = list(csv.reader(io.StringIO(to_csv(network, thai).decode("utf-8-sig"))))
    assert table[0] == ["ตาราง", "หมวด", "รหัส", "เครือข่าย", "WVFT"]
    assert table[1][:3] == ["จำนวนเคสตามพื้นที่", "ทั้งหมด", "all"]
    assert any(row[1] == "เชียงราย" and row[2] == "province:57" for row in table)
    hidden = [row for row in table[1:] if row[3] == ""]
    assert hidden and all(row[4] == "" for row in hidden)  # hidden, not zero
    sheet = load_workbook(io.BytesIO(to_xlsx(network, english))).active
    assert sheet["A2"].value == "From" and isinstance(sheet["B2"].value, datetime)
    assert sheet["B3"].value.date() == date(2026, 9, 30)
    assert sheet["B2"].number_format == "yyyy-mm-dd"
    thai_sheet = load_workbook(io.BytesIO(to_xlsx(network, thai))).active
    assert "107" in thai_sheet["B2"].number_format  # the Buddhist calendar: B.E. years


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (date(2026, 10, 1), "2570-Q1"),
        (date(2026, 12, 31), "2570-Q1"),
        (date(2027, 1, 1), "2570-Q2"),
        (date(2026, 6, 30), "2569-Q3"),
        (date(2026, 9, 30), "2569-Q4"),
    ],
)
def test_the_fiscal_quarter_of_a_day(day: date, label: str) -> None:
    quarter = quarter_of(day)
    assert quarter.label == label and quarter.contains(day)
    assert quarter == parse_period(label)
