"""`cmdesk stats`: network figures without a single child's record.

cmdesk stats export --period 2569-Q1 -o FILE [--for CRSHELTER]
cmdesk stats import FILE
cmdesk stats report --period 2569-Q1 [--json] [--csv FILE] [--xlsx FILE]
"""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path
from typing import Any

from cmdesk.cli.common import bounded_int, emit_json, open_workspace, say, tr_for
from cmdesk.core.errors import ValidationError
from cmdesk.core.i18n import N_, Translator
from cmdesk.core.stats.labels import cell_label, table_title
from cmdesk.core.stats.suppression import DEFAULT_THRESHOLD
from cmdesk.core.sync import bundle_format
from cmdesk.core.sync import rejections as rej
from cmdesk.core.vault.files import atomic_write

EXISTS = N_("{path} already exists. Choose another file name.")
EXPORTED = N_("Wrote the statistics for {period} to {path}, sealed for {org}.")
IMPORTED = N_("Received the statistics of {org} for {period}.")
HIDDEN = N_("hidden")
MISSING = N_("No statistics yet from: {orgs}")
FROM = N_("Statistics for {period} from: {orgs}")
# A statistics file is a few kB; anything far larger is not one.
MAX_FILE = 16 << 20


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    stats = sub.add_parser("stats", parents=[common], help="network statistics (no records)")
    cmds = stats.add_subparsers(dest="stats_command", required=True, metavar="ACTION")
    threshold = bounded_int(2, 100)

    p = cmds.add_parser("export", parents=[common], help="seal this organisation's figures")
    p.add_argument("--period", required=True, help="2569, 2569-Q1 or 1/1/2569..31/3/2569")
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.add_argument("--for", dest="for_org", metavar="ORG", help="default: the shelter")
    p.add_argument("--threshold", type=threshold, default=DEFAULT_THRESHOLD)
    p.set_defaults(func=cmd_export)

    p = cmds.add_parser("import", parents=[common], help="receive a partner's figures")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=cmd_import)

    p = cmds.add_parser("report", parents=[common], help="the network's figures for a period")
    p.add_argument("--period", required=True)
    p.add_argument("--threshold", type=threshold, default=DEFAULT_THRESHOLD)
    p.add_argument("--csv", metavar="FILE", help="also write the tables as CSV (UTF-8)")
    p.add_argument("--xlsx", metavar="FILE", help="also write the tables as an Excel file")
    p.set_defaults(func=cmd_report)


def _new_file(path: str) -> Path:
    out = Path(path)
    if out.exists():
        raise ValidationError.single("output", EXISTS, path=str(out))
    return out


def cmd_export(args: argparse.Namespace) -> int:
    out = _new_file(args.output)
    with open_workspace(args) as ws:
        data, figures = ws.stats.export(args.period, args.for_org, args.threshold)
        codes = {t.org_id: t.code for t in ws.sync.trusted()}
    atomic_write(out, data)
    header = bundle_format.parse(data).header
    if args.json:
        emit_json(
            {"file": str(out), "period": figures["period"]["name"], "to": header.recipient_org}
        )
    else:
        say(
            tr_for(args).format(
                EXPORTED,
                period=figures["period"]["name"],
                path=str(out),
                org=codes.get(header.recipient_org, header.recipient_org),
            )
        )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    with path.open("rb") as f:
        if f.read(len(bundle_format.MAGIC)) != bundle_format.MAGIC:
            raise rej.reject(rej.NOT_STATISTICS)
    if path.stat().st_size > MAX_FILE:
        raise rej.reject(rej.NOT_STATISTICS)
    with open_workspace(args) as ws:
        figures = ws.stats.import_bundle(path.read_bytes())
        codes = {t.org_id: t.code for t in ws.sync.trusted()}
    org = codes.get(figures["org"]["id"], figures["org"]["code"])
    if args.json:
        emit_json({"org": org, "period": figures["period"]["name"]})
    else:
        say(tr_for(args).format(IMPORTED, org=org, period=figures["period"]["name"]))
    return 0


def rows(combined: dict[str, Any], tr: Translator) -> list[tuple[str, str, str, int | None]]:
    """(table title, code, label, count or None) for every cell, in table order."""
    out: list[tuple[str, str, str, int | None]] = []
    for name, table in combined["tables"].items():
        title = table_title(name, tr)
        for key, value in table["cells"].items():
            out.append((title, key, cell_label(name, key, tr), value))
    return out


def cmd_report(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        combined = ws.stats.combined(args.period, args.threshold)
    tr = tr_for(args)
    table_rows = rows(combined, tr)
    if args.csv:
        write_csv(_new_file(args.csv), table_rows, tr)
    if args.xlsx:
        write_xlsx(_new_file(args.xlsx), table_rows, combined, tr)
    if args.json:
        emit_json(combined)
        return 0
    orgs = ", ".join(combined["organisations"])
    say(tr.format(FROM, period=combined["period"]["name"], orgs=orgs))
    if combined["missing"]:
        say(tr.format(MISSING, orgs=", ".join(combined["missing"])))
    last = ""
    for title, _key, label, value in table_rows:
        if title != last:
            say(f"\n{title}")
            last = title
        say(f"  {label}: {tr.gettext(HIDDEN) if value is None else value}")
    return 0


def _headers(tr: Translator) -> list[str]:
    return [
        tr.gettext(N_("Table")),
        tr.gettext(N_("Code")),
        tr.gettext(N_("What")),
        tr.gettext(N_("Count")),
    ]


def write_csv(
    path: Path, table_rows: list[tuple[str, str, str, int | None]], tr: Translator
) -> None:
    """UTF-8 with a byte-order mark, so a spreadsheet opens the Thai as Thai."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_headers(tr))
    for title, key, label, value in table_rows:
        writer.writerow([title, key, label, "" if value is None else value])
    atomic_write(path, ("\ufeff" + buffer.getvalue()).encode("utf-8"))


def write_xlsx(
    path: Path,
    table_rows: list[tuple[str, str, str, int | None]],
    combined: dict[str, Any],
    tr: Translator,
) -> None:
    from datetime import date

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = tr.gettext(N_("Statistics"))[:31]
    sheet.append([tr.gettext(N_("Period")), combined["period"]["name"]])
    sheet.append([tr.gettext(N_("From")), date.fromisoformat(combined["period"]["start"])])
    sheet.append([tr.gettext(N_("To")), date.fromisoformat(combined["period"]["end"])])
    for cell in (sheet["B2"], sheet["B3"]):
        # Real dates, shown in the Buddhist Era when the report is in Thai.
        cell.number_format = "[$-th-TH,107]d/m/yyyy" if tr.locale == "th" else "d/m/yyyy"
    sheet.append([])
    sheet.append(_headers(tr))
    for title, key, label, value in table_rows:
        sheet.append([title, key, label, value])
    buffer = io.BytesIO()
    book.save(buffer)
    atomic_write(path, buffer.getvalue())
