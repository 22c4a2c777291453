"""Community mechanisms from the command line (tambon child protection centres, children and
youth councils), their meetings, and a case's link to one.

    cmdesk mechanism add --kind centre|council --name TEXT --subdistrict CODE
                         [--contact NAME] [--phone NUMBER]
    cmdesk mechanism edit MECH_ID [--name ...] [--active yes|no] ...
    cmdesk mechanism list [--district CODE | --subdistrict CODE] [--active]
    cmdesk mechanism meeting MECH_ID --date DATE --attendees N [--note TEXT]
    cmdesk case link-mechanism CASE --mechanism MECH_ID|none --direction from|to

Dates may be ISO or Buddhist Era (2569-11-20, 20/11/2569). Rules and permissions are the
core's (services.mechanisms); this module reads arguments and prints.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import Any

from cmdesk.cli.common import bounded_int, cli_locale, emit_json, open_workspace, say, tr_for
from cmdesk.core.errors import ValidationError
from cmdesk.core.i18n import N_, Translator
from cmdesk.core.i18n.date_input import parse_date
from cmdesk.core.model.labels import label_of
from cmdesk.core.reference.geography import area
from cmdesk.core.services.mechanisms import Direction, MechanismDraft, MechanismDTO

KINDS = ["centre", "council"]
NONE = "none"


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    mech = sub.add_parser("mechanism", parents=[common], help="community mechanisms")
    mech_sub = mech.add_subparsers(dest="mechanism_command", required=True, metavar="ACTION")
    p = mech_sub.add_parser("add", parents=[common], help="a centre or council you work with")
    p.add_argument("--kind", required=True, choices=KINDS)
    p.add_argument("--name", required=True)
    p.add_argument("--subdistrict", required=True, metavar="CODE", help="6 digits, e.g. 570101")
    p.add_argument("--contact", default="", metavar="NAME", help="the contact person")
    p.add_argument("--phone", default="", metavar="NUMBER")
    p.set_defaults(func=cmd_add)
    p = mech_sub.add_parser("edit", parents=[common], help="change a mechanism")
    p.add_argument("mechanism", metavar="MECH_ID")
    p.add_argument("--kind", choices=KINDS)
    p.add_argument("--name")
    p.add_argument("--subdistrict", metavar="CODE")
    p.add_argument("--contact", metavar="NAME")
    p.add_argument("--phone", metavar="NUMBER")
    p.add_argument("--active", choices=["yes", "no"])
    p.set_defaults(func=cmd_edit)
    p = mech_sub.add_parser("list", parents=[common], help="the mechanisms you work with")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--district", default="", metavar="CODE", help="4 digits, e.g. 5701")
    where.add_argument("--subdistrict", default="", metavar="CODE")
    p.add_argument("--active", action="store_true", help="leave out inactive ones")
    p.set_defaults(func=cmd_list)
    p = mech_sub.add_parser("meeting", parents=[common], help="record a meeting held")
    p.add_argument("mechanism", metavar="MECH_ID")
    p.add_argument("--date", required=True, metavar="DATE")
    p.add_argument("--attendees", required=True, type=bounded_int(0, 1_000_000))
    p.add_argument("--note", default="")
    p.set_defaults(func=cmd_meeting)


def register_case_link(case_sub: Any, common: argparse.ArgumentParser) -> None:
    """`case link-mechanism`, under the case commands (records_cmds)."""
    p = case_sub.add_parser(
        "link-mechanism", parents=[common], help="the mechanism that referred a case, or took it"
    )
    p.add_argument("case", metavar="CASE")
    p.add_argument("--mechanism", required=True, metavar="MECH_ID", help=f"'{NONE}' clears it")
    p.add_argument("--direction", required=True, choices=[d.value for d in Direction])
    p.set_defaults(func=cmd_link)


def _line(m: MechanismDTO, tr: Translator) -> str:
    place = area(m.subdistrict_code)
    where = place.name(tr.locale) if place else m.subdistrict_code
    kind = tr.gettext(label_of("mechanism_kind", m.kind))
    state = "" if m.active else " · " + tr.gettext(N_("inactive"))
    meetings = tr.format("meetings: {n}", n=m.meetings)
    return f"{m.id}  {m.name} · {kind} · {where} ({m.subdistrict_code}) · {meetings}{state}"


def _show(args: argparse.Namespace, m: MechanismDTO, msgid: str) -> int:
    if args.json:
        emit_json(m)
    else:
        tr = tr_for(args)
        say(tr.format(msgid, id=m.id))
        say(_line(m, tr))
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    draft = MechanismDraft(args.kind, args.name, args.subdistrict, args.contact, args.phone)
    with open_workspace(args) as ws:
        added = ws.mechanisms.add(draft).value
    return _show(args, added, N_("Added the mechanism: {id}"))


def cmd_edit(args: argparse.Namespace) -> int:
    changes = {
        field: value
        for field, value in (
            ("kind", args.kind),
            ("name", args.name),
            ("subdistrict_code", args.subdistrict),
            ("contact_name", args.contact),
            ("contact_phone", args.phone),
            ("active", None if args.active is None else args.active == "yes"),
        )
        if value is not None
    }
    if not changes:
        raise ValidationError.single("set", N_("Say what to change."))
    with open_workspace(args) as ws:
        now = ws.mechanisms.get(args.mechanism)
        draft = MechanismDraft(
            now.kind,
            now.name,
            now.subdistrict_code,
            now.contact_name,
            now.contact_phone,
            now.active,
        )
        saved = ws.mechanisms.update(args.mechanism, replace(draft, **changes)).value
    return _show(args, saved, N_("Saved the mechanism: {id}"))


def cmd_list(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        found = ws.mechanisms.list(
            district_code=args.district, subdistrict_code=args.subdistrict, active_only=args.active
        )
    if args.json:
        emit_json(found)
        return 0
    tr = tr_for(args)
    for m in found:
        say(_line(m, tr))
    if not found:
        say(tr.gettext(N_("No mechanism is recorded there.")))
    return 0


def cmd_meeting(args: argparse.Namespace) -> int:
    held_on = parse_date(args.date, cli_locale(args), field="date")
    with open_workspace(args) as ws:
        meeting = ws.mechanisms.record_meeting(
            args.mechanism, held_on, args.attendees, args.note
        ).value
    if args.json:
        emit_json(meeting)
    else:
        say(tr_for(args).format("Recorded the meeting: {id}", id=meeting.id))
    return 0


def cmd_link(args: argparse.Namespace) -> int:
    mechanism = None if args.mechanism.strip().lower() == NONE else args.mechanism
    with open_workspace(args) as ws:
        case_id = ws.search.resolve_case(args.case)
        case = ws.mechanisms.link_case(case_id, mechanism, args.direction).value
    if args.json:
        emit_json(case)
    else:
        say(tr_for(args).format("Saved the case: {number}", number=case.case_number))
    return 0
