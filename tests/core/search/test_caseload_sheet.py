"""The caseload as a spreadsheet: every row the caseload shows for the filter (not one page),
Thai headers and B.E. dates for a Thai user, date cells in XLSX, and an audit entry that names
the filter but no child."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy import select

from cmdesk.core.errors import PermissionDenied, ValidationError
from cmdesk.core.model import AuditEntry
from cmdesk.core.search.service import CaseloadQuery
from cmdesk.core.sheets import BE_DATE
from tests.conftest import ADMIN
from tests.core.search.conftest import Open
from tests.core.search.test_caseload import every_page


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_every_row_of_the_filter_in_thai_with_buddhist_era_dates(open_as: Open) -> None:
    ws = open_as("sup")
    query = CaseloadQuery(risks=("high", "critical"), order="risk", text="")
    shown = every_page(ws, query)
    assert len(shown) > 50  # more than one page of the caseload
    made = ws.sheets.caseload(query, lang="th", fmt="csv")
    lines = read_csv(made.data)
    assert lines[0][0] == "สร้างเมื่อ"
    header, body = lines[1], lines[2:]
    assert header[:5] == ["เลขที่เคส", "เด็ก", "ชื่อเล่น", "ขั้นตอน", "ระดับความเสี่ยง"]
    assert made.rows == len(body) == len(shown)
    assert [r[0] for r in body] == [r.case_number for r in shown]  # the caseload's order
    first = shown[0]
    opened = body[0][header.index("วันที่เปิดกรณี")]
    day, month, year = (int(x) for x in opened.split("/"))
    assert year > 2500 and date(year - 543, month, day) <= date.today()
    assert body[0][1] == first.child_name_th
    assert {r[header.index("ระดับความเสี่ยง")] for r in body} <= {"ความเสี่ยงสูง", "ความเสี่ยงวิกฤต"}


def test_xlsx_has_date_cells_and_english_headers(open_as: Open) -> None:
    ws = open_as("sup")
    query = CaseloadQuery(stages=("assessment",))
    made = ws.sheets.caseload(query, lang="en", fmt="xlsx")
    sheet = load_workbook(io.BytesIO(made.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Made on"
    header = list(rows[2])
    assert header[0] == "Case number" and "Next follow-up" in header
    body = rows[3:]
    assert len(body) == made.rows == len(every_page(ws, query))
    opened_col = header.index("Opened on") + 1
    cell = sheet.cell(4, opened_col)
    assert cell.is_date and cell.number_format == "yyyy-mm-dd"
    thai = load_workbook(io.BytesIO(ws.sheets.caseload(query, lang="th", fmt="xlsx").data)).active
    assert thai.cell(4, opened_col).is_date and thai.cell(4, opened_col).number_format == BE_DATE


def test_a_field_worker_gets_only_their_cases_and_the_export_is_audited(open_as: Open) -> None:
    ws = open_as("fw_b")
    made = ws.sheets.caseload(CaseloadQuery(text="บ้าน"), lang="en", fmt="csv")
    body = read_csv(made.data)[2:]
    assert [r[0] for r in body] == [
        r.case_number for r in every_page(ws, CaseloadQuery(text="บ้าน"))
    ]
    with ws.ctx.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "caseload.export")).one()
        detail = str(entry.detail)
    assert entry.actor == "fw_b" and f"'rows': {made.rows}" in detail.replace('"', "'")
    assert "บ้าน" not in detail  # the search text may be a name: only that there was one
    for row in body:
        assert row[1] not in detail


def test_bad_input_and_people_without_casework_are_refused(open_as: Open) -> None:
    ws = open_as("sup")
    with pytest.raises(ValidationError) as raised:
        ws.sheets.caseload(CaseloadQuery(), lang="en", fmt="pdf")
    assert raised.value.errors[0].field == "format"
    with pytest.raises(PermissionDenied):
        open_as(ADMIN).sheets.caseload(CaseloadQuery(), lang="en", fmt="csv")
