"""Consent and other lawful bases from the command line: what a referral to a partner rests
on, and the family's withdrawal of it.

    cmdesk consent add CHILD_ID --purpose sharing --share-with ECPAT --given-on DATE
                       --given-by parent --giver-name NAME --method written [--case CASE]
    cmdesk consent add CHILD_ID --purpose sharing --share-with ECPAT --given-on DATE
                       --basis vital_interest --basis-reason TEXT
    cmdesk consent withdraw CONSENT_ID --reason TEXT
    cmdesk consent list CHILD_ID

Dates may be ISO or Buddhist Era (2569-11-20, 20/11/2569). Rules and permissions are the
core's (services.consents); this module reads arguments and prints.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from cmdesk.cli.common import cli_locale, emit_lines, emit_result, open_workspace
from cmdesk.core.i18n import N_, Translator, format_date, format_datetime
from cmdesk.core.i18n.date_input import parse_date
from cmdesk.core.model.consent import ConsentGiver, ConsentMethod, ConsentPurpose, LawfulBasis
from cmdesk.core.model.labels import label_of
from cmdesk.core.services.consents import ConsentDraft, ConsentDTO


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    consent = sub.add_parser("consent", parents=[common], help="consent and lawful bases")
    consent_sub = consent.add_subparsers(dest="consent_command", required=True, metavar="ACTION")
    p = consent_sub.add_parser("add", parents=[common], help="record a consent given")
    p.add_argument("child", metavar="CHILD_ID")
    p.add_argument("--purpose", required=True, choices=[x.value for x in ConsentPurpose])
    p.add_argument("--given-on", required=True, metavar="DATE")
    bases = [x.value for x in LawfulBasis]
    p.add_argument("--basis", default=LawfulBasis.CONSENT.value, choices=bases)
    p.add_argument("--given-by", choices=[x.value for x in ConsentGiver])
    p.add_argument("--giver-name", default="", metavar="NAME")
    p.add_argument("--method", choices=[x.value for x in ConsentMethod])
    p.add_argument("--share-with", metavar="ORG", help="the organisation, for --purpose sharing")
    p.add_argument("--basis-reason", default="", metavar="TEXT", help="why there is no consent")
    p.add_argument("--case", metavar="CASE", help="the case it was given for")
    p.set_defaults(func=cmd_add)
    p = consent_sub.add_parser("withdraw", parents=[common], help="the family takes it back")
    p.add_argument("consent", metavar="CONSENT_ID")
    p.add_argument("--reason", required=True)
    p.set_defaults(func=cmd_withdraw)
    p = consent_sub.add_parser("list", parents=[common], help="a child's consents")
    p.add_argument("child", metavar="CHILD_ID")
    p.set_defaults(func=cmd_list)


def _line(c: ConsentDTO, tr: Translator) -> str:
    purpose = tr.gettext(label_of("consent_purpose", c.purpose))
    if c.shared_with_org_code:
        purpose = f"{purpose} ({c.shared_with_org_code})"
    basis = tr.gettext(label_of("lawful_basis", c.basis))
    given = tr.format("given on {date}", date=format_date(c.given_on, tr.locale))
    state = (
        tr.format("withdrawn on {when}", when=format_datetime(c.withdrawn_at, tr.locale))
        if c.withdrawn_at is not None
        else tr.gettext(N_("in force"))
    )
    return f"{c.id}  {purpose} · {basis} · {given} · {state}"


def cmd_add(args: argparse.Namespace) -> int:
    draft = ConsentDraft(
        purpose=args.purpose,
        given_on=parse_date(args.given_on, cli_locale(args), field="given_on"),
        basis=args.basis,
        given_by=args.given_by,
        giver_name=args.giver_name,
        method=args.method,
        shared_with_org=args.share_with,
        basis_reason=args.basis_reason,
    )
    with open_workspace(args) as ws:
        if args.case:
            draft = replace(draft, case_id=ws.search.resolve_case(args.case))
        consent = ws.consents.record(args.child, draft).value
    return emit_result(args, consent, N_("Recorded the consent: {id}"), id=consent.id)


def cmd_withdraw(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        consent = ws.consents.withdraw(args.consent, args.reason).value
    return emit_result(args, consent, N_("Withdrew the consent: {id}"), id=consent.id)


def cmd_list(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        consents = ws.consents.for_child(args.child)

    def lines(tr: Translator) -> Iterator[str]:
        yield from (_line(c, tr) for c in consents)
        if not consents:
            yield tr.gettext(N_("No consent is recorded for this child."))

    return emit_lines(args, consents, lines)
