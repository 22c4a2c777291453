"""Tables as files a spreadsheet opens: CSV in UTF-8 with a byte order mark (so Excel reads
Thai) and XLSX with dates as real date cells. In Thai a date is shown in the Buddhist era: as
text d/m/yyyy (B.E.) in CSV, and in XLSX as a date cell whose format shows the B.E. year, so
sorting and filtering by date still work.

Rows are written as they come (XLSX in openpyxl's write-only mode), so a 100k-row caseload is
not held twice in memory.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime

Cell = str | int | float | date | None
Row = Sequence[Cell]

# Excel's Thai Buddhist calendar: the same date cell, its year shown as B.E.
BE_DATE = "[$-th-TH,107]d/m/yyyy"
CE_DATE = "yyyy-mm-dd"
BE_OFFSET = 543
FORMATS = ("csv", "xlsx")


def to_csv(header: Row, rows: Iterable[Row], locale: str, preface: Iterable[Row] = ()) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    for line in (*preface, header):
        writer.writerow([_text(c, locale) for c in line])
    for row in rows:
        writer.writerow([_text(c, locale) for c in row])
    return buf.getvalue().encode("utf-8-sig")


def to_xlsx(
    title: str, header: Row, rows: Iterable[Row], locale: str, preface: Iterable[Row] = ()
) -> bytes:
    # openpyxl is imported here, when a spreadsheet is made: every command and the app's
    # start import this module, and openpyxl takes 60 ms to import.
    from openpyxl import Workbook  # type: ignore[import-untyped]

    book = Workbook(write_only=True)
    # Sheet names: at most 31 characters, none of []:*?/\ (Excel refuses the file otherwise).
    sheet = book.create_sheet("".join(c for c in title if c not in "[]:*?/\\")[:31] or "Sheet")
    shown = BE_DATE if locale == "th" else CE_DATE
    for line in (*preface, (), header):
        sheet.append([_cell(sheet, c, shown) for c in line])
    for row in rows:
        sheet.append([_cell(sheet, c, shown) for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value: Cell, locale: str) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        day = value.date() if isinstance(value, datetime) else value
        if locale == "th":
            return f"{day.day}/{day.month}/{day.year + BE_OFFSET}"
        return day.isoformat()
    return str(value)


def _cell(sheet: object, value: Cell, date_format: str) -> object:
    if isinstance(value, date):
        day = value.date() if isinstance(value, datetime) else value
        from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]

        cell = WriteOnlyCell(sheet, value=day)
        cell.number_format = date_format
        return cell
    return value
