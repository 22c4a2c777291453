"""The network's tables as files a spreadsheet opens: CSV in UTF-8 with a byte order mark (so
Excel reads Thai) and XLSX with the period's dates as real date cells (shown in B.E. when the
reader works in Thai). A hidden cell is written as an empty cell, never as a number."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import date
from typing import Any

from cmdesk.core.i18n import N_, Translator
from cmdesk.core.stats.tables import header, rows

FROM, TO = N_("From"), N_("To")
PERIOD = N_("Period")
SHEET = N_("Network statistics")
# Excel's Thai Buddhist calendar: the same date cell, its year shown as B.E.
BE_DATE = "[$-th-TH,107]d/m/yyyy"
CE_DATE = "yyyy-mm-dd"


def to_csv(network: Mapping[str, Any], tr: Translator) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header(network, tr))
    for r in rows(network, tr):
        writer.writerow([r.table, r.category, r.code, _cell(r.network), *map(_cell, r.by_org)])
    return buf.getvalue().encode("utf-8-sig")


def _cell(value: int | None) -> str:
    return "" if value is None else str(value)


def to_xlsx(network: Mapping[str, Any], tr: Translator) -> bytes:
    # Imported when a spreadsheet is made: every command and the app's start import this
    # module, and openpyxl takes 60 ms to import.
    from openpyxl import Workbook  # type: ignore[import-untyped]

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its first sheet
    sheet.title = tr.gettext(SHEET)[:31]
    sheet.append([tr.gettext(PERIOD), str(network["period"])])
    for title, day in ((FROM, network.get("first")), (TO, network.get("last"))):
        if day:
            sheet.append([tr.gettext(title), date.fromisoformat(str(day))])
            sheet.cell(sheet.max_row, 2).number_format = BE_DATE if tr.locale == "th" else CE_DATE
    sheet.append([])
    sheet.append(header(network, tr))
    for r in rows(network, tr):
        sheet.append([r.table, r.category, r.code, r.network, *r.by_org])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
