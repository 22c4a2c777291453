"""Network statistics commands (issue 13): figures without any child's record.

    cmdesk stats export --period 2569-Q1 -o FILE [--for ORG] [--threshold N]
    cmdesk stats import FILE
    cmdesk stats report --period 2569-Q1 [-o FILE.pdf] [--json] [--csv FILE] [--xlsx FILE]

A period is a fiscal year (2569), a quarter (2569-Q1, ไตรมาส 1/2569) or a date range
(2569-01-01..2569-03-31). The bundle goes to the shelter unless --for names another
organisation. `report` combines this organisation's figures with every organisation's it has
imported for the period, in the language of --lang. Who may do this is decided in the core
(data managers and supervisors); this module only reads arguments and writes files.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from cmdesk.cli.common import bounded_int, emit_json, emit_result, open_workspace, say, tr_for
from cmdesk.core.errors import ValidationError
from cmdesk.core.i18n import N_
from cmdesk.core.stats.combining import GAPS
from cmdesk.core.stats.exports import to_csv, to_xlsx
from cmdesk.core.stats.suppression import DEFAULT_THRESHOLD
from cmdesk.core.stats.wording import who_is_missing
from cmdesk.core.vault.files import atomic_write

EXISTS = N_("{path} exists already. Choose a new file name.")
EXPORTED = N_(
    "Wrote the statistics for {period} to {path}, sealed for {org}. It holds counts only; "
    "counts below {threshold} are hidden."
)
IMPORTED = N_("Kept the statistics of {org} for {period}.")
REPORTED = N_("Statistics for {period} from {count} organisation(s).")
WROTE = N_("Wrote {path}.")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    stats = sub.add_parser("stats", parents=[common], help="network statistics (counts only)")
    cmds = stats.add_subparsers(dest="stats_command", required=True, metavar="ACTION")

    def period(p: argparse.ArgumentParser) -> None:
        p.add_argument("--period", required=True, help="2569, 2569-Q1 or a date range")
        p.add_argument(
            "--threshold",
            type=bounded_int(2, 100),
            default=DEFAULT_THRESHOLD,
            help="hide counts below this (default: 5)",
        )

    p = cmds.add_parser("export", parents=[common], help="statistics bundle for the network")
    period(p)
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.add_argument("--for", dest="for_org", metavar="ORG", help="compiling organisation")
    p.set_defaults(func=cmd_export)

    p = cmds.add_parser("import", parents=[common], help="keep a partner's statistics bundle")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=cmd_import)

    p = cmds.add_parser("report", parents=[common], help="the network's figures for a period")
    period(p)
    p.add_argument("-o", "--output", metavar="FILE.pdf", help="the network report as a PDF")
    p.add_argument("--csv", metavar="FILE", help="the tables as CSV (UTF-8, opens in Excel)")
    p.add_argument("--xlsx", metavar="FILE", help="the tables as an Excel workbook")
    p.set_defaults(func=cmd_report)


NO_MECHANISM = N_("Subdistricts with cases but no active community mechanism: {n}")


def _new_file(path: str | None) -> Path | None:
    if path is None:
        return None
    out = Path(path)
    if out.exists():
        raise ValidationError.single("output", EXISTS, path=str(out))
    return out


def cmd_export(args: argparse.Namespace) -> int:
    out = _new_file(args.output)
    assert out is not None
    with open_workspace(args) as ws:
        data, figures = ws.stats_exchange.export(args.period, args.for_org, args.threshold)
    atomic_write(out, data)
    if args.json:
        emit_json({"file": str(out), "period": figures["period"], "for": args.for_org or ""})
        return 0
    say(
        tr_for(args).format(
            EXPORTED,
            period=figures["period"],
            path=str(out),
            org=args.for_org or "CRSHELTER",
            threshold=args.threshold,
        )
    )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    data = Path(args.file).read_bytes()
    with open_workspace(args) as ws:
        org, period = ws.stats_exchange.import_(data)
    return emit_result(args, {"org": org, "period": period}, IMPORTED, org=org, period=period)


def cmd_report(args: argparse.Namespace) -> int:
    pdf_out, csv_out, xlsx_out = _new_file(args.output), _new_file(args.csv), _new_file(args.xlsx)
    tr = tr_for(args)
    written = []
    with open_workspace(args) as ws:
        if pdf_out is None:
            network = ws.stats_exchange.network(args.period, args.threshold)
        else:
            pdf, network = ws.stats_exchange.network_pdf(args.period, tr.locale, args.threshold)
            atomic_write(pdf_out, pdf)
            written.append(pdf_out)
    if csv_out is not None:
        atomic_write(csv_out, to_csv(network, tr))
        written.append(csv_out)
    if xlsx_out is not None:
        atomic_write(xlsx_out, to_xlsx(network, tr))
        written.append(xlsx_out)
    if args.json:
        emit_json(network)
        return 0
    say(tr.format(REPORTED, period=network["period"], count=len(network["organisations"])))
    if network["missing"]:
        # Late partners (figures for other periods came) apart from those that never sent.
        say(who_is_missing(network, tr))
    if (gaps := network["tables"].get(GAPS)) is not None:
        say(tr.format(NO_MECHANISM, n=len(gaps)))
    for path in written:
        say(tr.format(WROTE, path=str(path)))
    return 0
