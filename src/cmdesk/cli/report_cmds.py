"""Report commands: a case summary, referral slip, consent form or caseload report to a PDF
file, or the case summaries of many cases into a folder.

    cmdesk report case CASE [--level full|partner|conference] [--notes] -o FILE.pdf
    cmdesk report referral REFERRAL_ID -o FILE.pdf
    cmdesk report consent CASE [--purpose P ...] [--share-with ORG ...] -o FILE.pdf
    cmdesk report caseload [--worker NAME | --team TEAM | --subdistrict CODE] -o FILE.pdf
    cmdesk report cases (--all-open | --ids CASE ...) -o DIR

CASE is a case ID or a case number. The consent form is for a case, not a child: it carries the
case number, its QR code points to the case, and consent is asked for the help of that case.

After a report command, --lang is the document's language (th or en); before it
(`cmdesk --lang th report ...`) it is the language of messages, as for every command. Without
it the document is in the language of messages. Who may print what is decided in the core
(cmdesk.core.services.reports); this module only reads arguments and writes files.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from cmdesk.cli.common import cli_locale, emit_json, open_workspace, read_text, say, tr_for
from cmdesk.cli.long_work import ProgressLine, ctrl_c_cancels
from cmdesk.core.errors import ValidationError
from cmdesk.core.i18n import N_
from cmdesk.core.model.consent import ConsentPurpose
from cmdesk.core.progress import CancelToken
from cmdesk.core.vault.files import atomic_write

if TYPE_CHECKING:
    from cmdesk.core.workspace import Workspace

LEVELS = {"full": "full", "partner": "partner", "conference": "case_conference"}
EXISTS = N_("{path} exists already. Choose a new file name, or add --force to replace it.")
PLAINTEXT = N_(
    "A PDF is not encrypted like the vault: anyone with the file can read it. Keep it safe, "
    "and delete it when it is no longer needed."
)
PROTECTED = N_("The PDF is protected with the password from the password file.")


def _document_options(common: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The common options, but --lang names the document's language. The common actions are
    shared, not copied, so an option added to every command later reaches these too."""
    parent = argparse.ArgumentParser(add_help=False)
    for action in common._actions:
        if "--lang" not in action.option_strings:
            parent._add_action(action)
    parent.add_argument(
        "--lang",
        dest="doc_lang",
        choices=["th", "en"],
        help="language of the document (default: the language of messages)",
    )
    return parent


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    doc = _document_options(common)
    report = sub.add_parser("report", parents=[common], help="print documents to PDF files")
    cmds = report.add_subparsers(dest="report_command", required=True, metavar="DOCUMENT")

    def document(name: str, help_text: str, *, level: str | None) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = cmds.add_parser(name, parents=[doc], help=help_text)
        if level is not None:
            p.add_argument("--level", choices=list(LEVELS), default=level, help="redaction level")
        p.add_argument("--password-file", metavar="FILE", help="protect the PDF with a password")
        return p

    p = document("case", "case summary of one case", level="full")
    p.add_argument("case", metavar="CASE", help="case ID or case number")
    p.add_argument("--notes", action="store_true", help="include case notes (full level only)")
    _file_output(p)
    p.set_defaults(func=cmd_case)

    p = document("referral", "referral slip for the receiving partner", level=None)
    p.add_argument("referral", metavar="REFERRAL_ID")
    _file_output(p)
    p.set_defaults(func=cmd_referral)

    p = document("consent", "consent form for the child and guardian to sign", level="full")
    p.add_argument("case", metavar="CASE", help="case ID or case number")
    p.add_argument(
        "--purpose",
        action="append",
        choices=[c.value for c in ConsentPurpose],
        help="a purpose to ask consent for (repeat; default: all)",
    )
    p.add_argument(
        "--share-with",
        action="append",
        metavar="ORG",
        help="organisation code for the sharing purpose (repeat; default: those the case names)",
    )
    _file_output(p)
    p.set_defaults(func=cmd_consent)

    p = document("caseload", "caseload report: cases by stage and risk, overdue", level="full")
    scope = p.add_mutually_exclusive_group()
    scope.add_argument("--worker", metavar="NAME", help="a worker's user name (default: you)")
    scope.add_argument("--team", metavar="TEAM")
    scope.add_argument("--subdistrict", metavar="CODE", help="6-digit subdistrict code")
    _file_output(p)
    p.set_defaults(func=cmd_caseload)

    p = document("cases", "case summaries of many cases, one PDF each", level="full")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--all-open", action="store_true", help="every open case you may see")
    which.add_argument("--ids", nargs="+", metavar="CASE", help="case IDs or case numbers")
    p.add_argument("--notes", action="store_true", help="include case notes (full level only)")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="folder for the PDFs")
    p.set_defaults(func=cmd_cases)


def _file_output(p: argparse.ArgumentParser) -> None:
    p.add_argument("-o", "--output", required=True, metavar="FILE.pdf")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")


def _lang(args: argparse.Namespace) -> str:
    return str(getattr(args, "doc_lang", None) or cli_locale(args))


def _password(args: argparse.Namespace) -> str | None:
    if not args.password_file:
        return None
    return read_text(args.password_file, "password").rstrip("\r\n")


def _target(args: argparse.Namespace) -> Path:
    """Checked before the vault is opened, so a wrong name costs no passphrase and no print."""
    out = Path(args.output)
    if out.exists() and not args.force:
        raise ValidationError.single("output", EXISTS, path=str(out))
    return out


def _written(args: argparse.Namespace, out: Path, document: str, protected: bool) -> int:
    tr = tr_for(args)
    if args.json:
        emit_json(
            {
                "file": str(out),
                "document": document,
                "lang": _lang(args),
                "level": getattr(args, "level", "partner"),
                "password": protected,
            }
        )
        return 0
    say(tr.format("Wrote {path}.", path=str(out)))
    say(tr.gettext(PROTECTED if protected else PLAINTEXT))
    return 0


class _Options(TypedDict):
    """What every document command passes the report service besides the record."""

    lang: str
    level: str
    password: str | None


def _print(
    args: argparse.Namespace, document: str, make: Callable[[Workspace, _Options], bytes]
) -> int:
    """One document into one file: the name checked before the vault opens (_target), the PDF
    that `make` renders with the document's language, level and password, written whole or not
    at all."""
    out = _target(args)
    options: _Options = {
        "lang": _lang(args),
        "level": LEVELS[getattr(args, "level", "partner")],
        "password": _password(args),
    }
    with open_workspace(args) as ws:
        pdf = make(ws, options)
    atomic_write(out, pdf)
    return _written(args, out, document, options["password"] is not None)


def cmd_case(args: argparse.Namespace) -> int:
    return _print(
        args,
        "case_summary",
        lambda ws, o: ws.reports.case_summary(args.case, include_notes=args.notes, **o),
    )


def cmd_referral(args: argparse.Namespace) -> int:
    return _print(args, "referral_slip", lambda ws, o: ws.reports.referral_slip(args.referral, **o))


def cmd_consent(args: argparse.Namespace) -> int:
    return _print(
        args,
        "consent_form",
        lambda ws, o: ws.reports.consent_form(
            args.case, purposes=args.purpose, share_with=args.share_with, **o
        ),
    )


def cmd_caseload(args: argparse.Namespace) -> int:
    return _print(
        args,
        "caseload",
        lambda ws, o: ws.reports.caseload(
            worker=args.worker, team=args.team, subdistrict=args.subdistrict, **o
        ),
    )


def cmd_cases(args: argparse.Namespace) -> int:
    tr = tr_for(args)
    out, secret = Path(args.output), _password(args)
    if out.exists() and not out.is_dir():
        raise ValidationError.single("output", N_("{path} is not a folder."), path=str(out))
    cancel = CancelToken()
    line = ProgressLine(tr, N_("Printed {done} of {total}"))
    with open_workspace(args) as ws:
        ids = ws.reports.printable_case_ids() if args.all_open else list(args.ids)
        if not ids:
            say(tr.gettext(N_("There are no cases to print.")))
            return 0
        with ctrl_c_cancels(cancel, tr, N_("Stopping after the current document…")):
            result = ws.reports.batch_case_summaries(
                ids,
                out,
                lang=_lang(args),
                level=LEVELS[args.level],
                include_notes=args.notes,
                password=secret,
                progress=line,
                cancel=cancel,
            )
    line.end()
    if args.json:
        emit_json(
            {
                "dir": str(result.out_dir),
                "written": [str(p) for p in result.written],
                "total": result.total,
                "cancelled": result.cancelled,
            }
        )
    elif result.cancelled:
        say(
            tr.format(
                "Cancelled: wrote {n} of {total} PDFs to {path}; each of them is complete.",
                n=len(result.written),
                total=result.total,
                path=str(result.out_dir),
            )
        )
    else:
        say(
            tr.nformat(
                "Wrote {n} PDF to {path}.",
                "Wrote {n} PDFs to {path}.",
                len(result.written),
                path=str(out),
            )
        )
    if not args.json:
        say(tr.gettext(PROTECTED if secret is not None else PLAINTEXT))
    return 1 if result.cancelled else 0
