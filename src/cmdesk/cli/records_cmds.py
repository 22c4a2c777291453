"""Records from the command line: children, cases, notes, referrals, search, PDPA export.

    cmdesk child list|show|add|edit         cmdesk case list|show|add|edit|advance|close|reopen
    cmdesk note add CASE                    cmdesk referral list|show|send|respond|open-case
    cmdesk search TEXT                      cmdesk export-person CHILD_ID

CASE is a case id or case number. `add` and `edit` take `--set FIELD=VALUE` (repeatable) or a
JSON object (`--json-input FILE|-`, `--json-patch FILE|-`); the fields are documented in the
README. Every rule and permission is the core's; this module reads arguments and prints.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cmdesk.cli import mechanism_cmds
from cmdesk.cli.common import (
    bounded_int,
    cli_locale,
    emit_json,
    emit_lines,
    emit_result,
    emit_rows,
    open_workspace,
    say,
    tr_for,
)
from cmdesk.cli.records_input import (
    NOT_LIST,
    UNKNOWN_FIELD,
    as_date,
    child_draft,
    draft_of,
    inputs,
)
from cmdesk.core.errors import (
    CmdeskError,
    FieldError,
    NotFound,
    OutsideLaptopTeam,
    ValidationError,
)
from cmdesk.core.i18n import N_, Translator, format_datetime
from cmdesk.core.model import catalog
from cmdesk.core.model.labels import label_of
from cmdesk.core.model.referral import SharedSection
from cmdesk.core.search.service import CaseloadQuery, CaseloadRow, ChildRow, Order
from cmdesk.core.services.cases import check_concerns, check_risk
from cmdesk.core.services.referrals import (
    NO_NOTES_YET,
    NOTHING_SHARED,
    ReferralDraft,
    ReferralDTO,
    child_words,
    no_answer_words,
    status_words,
)
from cmdesk.core.services.users import UserDTO
from cmdesk.core.vault.files import atomic_write
from cmdesk.core.workspace import Workspace

if TYPE_CHECKING:
    from cmdesk.core.reports.facts import FactGroup
    from cmdesk.core.services.notes import NoteDTO

STAGES = ["registration", "assessment", "case_plan", "implementation", "review", "closure"]
RISKS = ["low", "medium", "high", "critical"]
CASE_FIELDS = (
    "concerns",
    "concern_other",
    "risk_level",
    "risk_reason",
    "case_manager",
    "assigned_worker",
)
RESPONSES = ["acknowledge", "accept", "decline", "complete", "feedback", "withdraw"]


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    _child(sub, common)
    _case(sub, common)
    note = sub.add_parser("note", parents=[common], help="case notes")
    note_sub = note.add_subparsers(dest="note_command", required=True, metavar="ACTION")
    p = note_sub.add_parser("add", parents=[common], help="add a note to a case")
    p.add_argument("case", metavar="CASE")
    p.add_argument("--text", required=True, help="the note ('-' reads standard input)")
    p.add_argument("--kind", default="other", help="home_visit, phone_call, meeting, ...")
    p.set_defaults(func=cmd_note_add)
    _referral(sub, common)
    p = sub.add_parser("search", parents=[common], help="find cases by name, number, place")
    p.add_argument("text")
    _caseload_options(p)
    p.set_defaults(func=cmd_search)
    p = sub.add_parser(
        "export-person", parents=[common], help="all records of one child as JSON (PDPA)"
    )
    p.add_argument("child", metavar="CHILD_ID")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: print)")
    p.set_defaults(func=cmd_export_person)


def _input_options(p: argparse.ArgumentParser, json_flag: str) -> None:
    p.add_argument("--set", action="append", metavar="FIELD=VALUE", help="a field to set")
    p.add_argument(json_flag, metavar="FILE", help="a JSON object of fields ('-': stdin)")


def _child(sub: Any, common: argparse.ArgumentParser) -> None:
    child = sub.add_parser("child", parents=[common], help="children")
    child_sub = child.add_subparsers(dest="child_command", required=True, metavar="ACTION")
    p = child_sub.add_parser("list", parents=[common], help="children you may see")
    p.add_argument("--search", default="", metavar="TEXT")
    p.add_argument("--limit", type=bounded_int(1, 10_000), default=50)
    p.add_argument("--offset", type=bounded_int(0, 1_000_000_000), default=0)
    p.set_defaults(func=cmd_child_list)
    p = child_sub.add_parser("show", parents=[common], help="one child's record")
    p.add_argument("child", metavar="CHILD_ID")
    p.set_defaults(func=cmd_child_show)
    p = child_sub.add_parser("add", parents=[common], help="register a child")
    _input_options(p, "--json-input")
    _not_duplicate_option(p)
    p.set_defaults(func=cmd_child_add)
    p = child_sub.add_parser("edit", parents=[common], help="change a child's details")
    p.add_argument("child", metavar="CHILD_ID")
    _input_options(p, "--json-patch")
    p.set_defaults(func=cmd_child_edit)


def _not_duplicate_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--not-duplicate",
        action="store_true",
        help="register even if similar children exist (you checked them)",
    )


def _caseload_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--stage", action="append", choices=STAGES, help="repeat for several")
    p.add_argument("--risk", action="append", choices=RISKS, help="repeat for several")
    p.add_argument("--worker", metavar="USER", help="cases this user visits or manages")
    p.add_argument("--org", metavar="CODE", help="cases of this organisation")
    p.add_argument("--overdue", action="store_true", help="only with overdue follow-ups")
    p.add_argument(
        "--staff-left",
        action="store_true",
        help="only those whose field worker or case manager no longer works here",
    )
    p.add_argument("--open", action="store_true", help="leave out closed cases")
    p.add_argument("--order", choices=[o.value for o in Order], default=Order.RECENT.value)
    p.add_argument("--limit", type=bounded_int(1, 10_000), default=50)
    p.add_argument("--offset", type=bounded_int(0, 1_000_000_000), default=0)


def _case(sub: Any, common: argparse.ArgumentParser) -> None:
    case = sub.add_parser("case", parents=[common], help="cases")
    case_sub = case.add_subparsers(dest="case_command", required=True, metavar="ACTION")
    p = case_sub.add_parser("list", parents=[common], help="your caseload")
    p.add_argument("--search", default="", metavar="TEXT")
    _caseload_options(p)
    p.set_defaults(func=cmd_case_list)
    p = case_sub.add_parser("show", parents=[common], help="a case with its history")
    p.add_argument("case", metavar="CASE")
    p.set_defaults(func=cmd_case_show)
    p = case_sub.add_parser("add", parents=[common], help="open a case for a child")
    p.add_argument("child", metavar="CHILD_ID")
    _input_options(p, "--json-input")
    p.set_defaults(func=cmd_case_add)
    p = case_sub.add_parser("edit", parents=[common], help="risk, concerns, who works on it")
    p.add_argument("case", metavar="CASE")
    _input_options(p, "--json-patch")
    p.set_defaults(func=cmd_case_edit)
    p = case_sub.add_parser("advance", parents=[common], help="move a case to another stage")
    p.add_argument("case", metavar="CASE")
    p.add_argument("--to", required=True, choices=STAGES[:-1], dest="stage")
    p.add_argument("--reason", default="")
    p.set_defaults(func=cmd_case_advance)
    p = case_sub.add_parser("close", parents=[common], help="request, approve or decline closure")
    p.add_argument("case", metavar="CASE")
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--reason", metavar="CODE", help="request closure for this reason")
    how.add_argument("--approve", action="store_true", help="approve the requested closure")
    how.add_argument("--decline", metavar="WHY", help="decline the requested closure")
    p.add_argument("--note", default="")
    p.set_defaults(func=cmd_case_close)
    p = case_sub.add_parser("reopen", parents=[common], help="reopen a closed case")
    p.add_argument("case", metavar="CASE")
    p.add_argument("--reason", required=True)
    p.set_defaults(func=cmd_case_reopen)
    mechanism_cmds.register_case_link(case_sub, common)


def _referral(sub: Any, common: argparse.ArgumentParser) -> None:
    ref = sub.add_parser("referral", parents=[common], help="referrals between organisations")
    ref_sub = ref.add_subparsers(dest="referral_command", required=True, metavar="ACTION")
    p = ref_sub.add_parser("list", parents=[common], help="referrals of a case, or in and out")
    p.add_argument("--case", metavar="CASE")
    p.add_argument("--incoming", action="store_true", help="sent to your organisation")
    p.add_argument("--status", help="only in this state")
    p.set_defaults(func=cmd_referral_list)
    p = ref_sub.add_parser("show", parents=[common], help="one referral with its steps")
    p.add_argument("referral", metavar="REFERRAL_ID")
    p.set_defaults(func=cmd_referral_show)
    p = ref_sub.add_parser("send", parents=[common], help="refer a case to a partner")
    p.add_argument("case", metavar="CASE", nargs="?")
    p.add_argument("--draft", metavar="REFERRAL_ID", help="send this draft instead")
    p.add_argument("--to", metavar="ORG", help="the partner's code, e.g. ECPAT")
    p.add_argument("--service", help="shelter, legal_aid, medical, ...")
    p.add_argument("--reason", default="")
    p.add_argument("--share", action="append", metavar="SECTION", help="repeat for several")
    p.add_argument("--urgency", default="routine", choices=["routine", "urgent", "emergency"])
    p.add_argument("--due", metavar="DATE")
    p.add_argument("--override-reason", metavar="TEXT", help="send without consent: why")
    p.add_argument(
        "--service-reason",
        metavar="TEXT",
        help="refer for a service the partner does not list: why",
    )
    p.set_defaults(func=cmd_referral_send)
    p = ref_sub.add_parser("respond", parents=[common], help="the next step of a referral")
    p.add_argument("referral", metavar="REFERRAL_ID")
    p.add_argument("action", choices=RESPONSES)
    p.add_argument("--text", default="", help="reason, note or feedback")
    p.set_defaults(func=cmd_referral_respond)
    p = ref_sub.add_parser(
        "open-case",
        parents=[common],
        help="register the child of an accepted referral here and open your case",
    )
    p.add_argument("referral", metavar="REFERRAL_ID")
    _input_options(p, "--json-input")
    _not_duplicate_option(p)
    p.set_defaults(func=cmd_referral_open_case)


# -- output ------------------------------------------------------------------------------
def _case_line(row: CaseloadRow, tr: Translator) -> str:
    name = (row.child_name_th or row.child_name_en) if tr.locale == "th" else row.child_name_en
    due = " · " + tr.format("overdue since {date}", date=row.next_due) if row.overdue else ""
    stage = tr.gettext(label_of("stage", row.stage))
    risk = tr.gettext(label_of("risk", row.risk))
    return f"{row.case_number}  {name or row.child_name_th}  · {stage} · {risk}{due}"


def _child_line(c: ChildRow, tr: Translator) -> str:
    return f"{c.id}  {c.name_th or c.name_en}  {c.name_en}  ({c.village})"


def _referral_line(r: ReferralDTO, tr: Translator) -> str:
    who, status = child_words(r, tr), status_words(r, tr)
    return f"{r.id}  {r.case_number}  {who}  {r.from_org_code} → {r.to_org_code}  · {status}"


def _print_cases(args: argparse.Namespace, rows: tuple[CaseloadRow, ...], more: bool) -> None:
    emit_rows(args, rows, _case_line, N_("No case matches."))
    if rows and more and not args.json:
        say(tr_for(args).format("More cases follow: add --offset {n}.", n=args.offset + len(rows)))


def _query(args: argparse.Namespace, ws: Workspace, text: str) -> CaseloadQuery:
    worker = _person(ws, args.worker).id if args.worker else None
    org = ws.organisations.get(args.org).id if args.org else None
    return CaseloadQuery(
        text=text,
        stages=tuple(args.stage or ()),
        risks=tuple(args.risk or ()),
        worker_id=worker,
        org_id=org,
        overdue_only=args.overdue,
        staff_left=args.staff_left,
        include_closed=not args.open,
        order=args.order,
        offset=args.offset,
        limit=args.limit,
    )


# -- children ----------------------------------------------------------------------------
def cmd_child_list(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        page = ws.search.children(args.search, offset=args.offset, limit=args.limit)
    return emit_rows(args, page.rows, _child_line, N_("No child matches."))


def cmd_child_show(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        child = ws.children.get(args.child)

    def lines(tr: Translator) -> Iterator[str]:
        yield f"{child.name_th}  {child.name_latin}  ({child.nickname})"
        yield tr.format("Cases: {n}", n=len(child.case_ids))
        for member in child.household:
            yield f"  {member.name} · {tr.gettext(label_of('relationship', member.relationship))}"

    return emit_lines(args, child, lines)


def cmd_child_add(args: argparse.Namespace) -> int:
    values, typed = inputs(args.set, args.json_input)
    draft = child_draft(values, typed=typed, locale=cli_locale(args))
    with open_workspace(args) as ws:
        child = ws.children.register_child(draft, confirm_not_duplicate=args.not_duplicate).value
    return emit_result(args, child, N_("Registered the child: {id}"), id=child.id)


def cmd_child_edit(args: argparse.Namespace) -> int:
    values, typed = inputs(args.set, args.json_patch)
    if not values:
        raise ValidationError.single("set", N_("Say what to change with --set or a JSON file."))
    with open_workspace(args) as ws:
        current = ws.children.get(args.child)
        draft = child_draft(
            values, typed=typed, locale=cli_locale(args), base=draft_of(current), household=False
        )
        child = ws.children.update_child(args.child, draft).value
    return emit_result(args, child, N_("Saved the child's details: {id}"), id=child.id)


# -- cases -------------------------------------------------------------------------------
def cmd_case_list(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        page = ws.search.caseload(_query(args, ws, args.search))
    _print_cases(args, page.rows, page.has_more)
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        page = ws.search.caseload(_query(args, ws, args.text))
    _print_cases(args, page.rows, page.has_more)
    return 0


def cmd_case_show(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        case_id = ws.search.resolve_case(args.case)
        case = ws.cases.get(case_id)
        notes = ws.notes.list(case_id)
        referrals = ws.referrals.for_case(case_id)
        tasks = ws.tasks.for_case(case_id)

    def lines(tr: Translator) -> Iterator[str]:
        yield f"{case.case_number}  {case.child_name_th}  {case.child_name_latin}"
        yield (
            f"{tr.gettext(label_of('stage', case.stage))} · "
            f"{tr.gettext(label_of('risk', case.risk_level))}"
        )
        if case.from_referral_id:
            label = tr.gettext(catalog.label_of("case_file", "from_referral_id"))
            sender = tr.format("From {org}", org=case.from_referral_org)
            yield f"{label}: {sender} ({case.from_referral_id})"
        for change in case.stage_history:
            when = format_datetime(change.at, tr.locale)
            yield f"  {when}  {tr.gettext(label_of('stage', change.to_stage))}"
        yield tr.format(
            "Notes: {n} · Referrals: {r} · Tasks: {t}", n=len(notes), r=len(referrals), t=len(tasks)
        )
        if case.read_only_for_team:
            yield tr.format(OutsideLaptopTeam.msgid, own=case.read_only_for_team)

    listed = {"case": case, "notes": notes, "referrals": referrals, "tasks": tasks}
    return emit_lines(args, listed, lines)


def _person(ws: Workspace, name: str) -> UserDTO:
    """An account here, else a colleague the office's directory named."""
    wanted = name.strip().lower()
    for user in ws.users.people():
        if wanted in (user.username, user.id):
            return user
    raise NotFound


def _user_id(ws: Workspace, name: Any, field: str, errors: list[FieldError]) -> str | None:
    if name in (None, ""):
        return None
    if not isinstance(name, str):
        errors.append(FieldError(field, N_("Give a user name.")))
        return None
    for user in ws.users.people():
        if name.strip().lower() in (user.username, user.id):
            return user.id
    errors.append(FieldError(field, N_("There is no user with this name.")))
    return None


def _concerns(value: Any, typed: bool, errors: list[FieldError]) -> list[str]:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    if isinstance(value, str) and not typed:
        return [v.strip() for v in value.split(",") if v.strip()]
    errors.append(FieldError("concerns", NOT_LIST))
    return []


def _case_values(values: dict[str, Any]) -> None:
    unknown = [FieldError(name, UNKNOWN_FIELD) for name in values if name not in CASE_FIELDS]
    if unknown:
        raise ValidationError(unknown)


def cmd_case_add(args: argparse.Namespace) -> int:
    values, typed = inputs(args.set, args.json_input)
    _case_values(values)
    errors: list[FieldError] = []
    concerns = _concerns(values.get("concerns"), typed, errors)
    with open_workspace(args) as ws:
        manager = _user_id(ws, values.get("case_manager"), "case_manager", errors)
        worker = _user_id(ws, values.get("assigned_worker"), "assigned_worker", errors)
        if errors:
            raise ValidationError(errors)
        case = ws.cases.open_case(
            args.child,
            concerns,
            str(values.get("risk_level", "")),
            str(values.get("risk_reason", "")),
            concern_other=str(values.get("concern_other", "")),
            case_manager_id=manager,
            assigned_worker_id=worker,
        ).value
    return emit_result(args, case, N_("Opened case {number}."), number=case.case_number)


def cmd_case_edit(args: argparse.Namespace) -> int:
    values, typed = inputs(args.set, args.json_patch)
    _case_values(values)
    if not values:
        raise ValidationError.single("set", N_("Say what to change with --set or a JSON file."))
    errors: list[FieldError] = []
    with open_workspace(args) as ws:
        case_id = ws.search.resolve_case(args.case)
        current = ws.cases.get(case_id)
        # Every value is checked before the first change is written: all or nothing.
        risk = "risk_level" in values or "risk_reason" in values
        level = str(values.get("risk_level", current.risk_level))
        if risk:
            check_risk(level, str(values.get("risk_reason", "")))
        concerns = "concerns" in values or "concern_other" in values
        chosen = current.concerns
        if "concerns" in values:
            chosen = tuple(_concerns(values["concerns"], typed, errors))
        other = str(values.get("concern_other", current.concern_other))
        if concerns and not errors:
            check_concerns(chosen, other)
        manager = _user_id(ws, values.get("case_manager"), "case_manager", errors)
        worker = _user_id(ws, values.get("assigned_worker"), "assigned_worker", errors)
        if errors:
            raise ValidationError(errors)
        case = current
        if risk:
            case = ws.cases.set_risk(case_id, level, str(values["risk_reason"])).value
        if concerns:
            case = ws.cases.set_concerns(case_id, chosen, other).value
        if "case_manager" in values:
            case = ws.cases.assign_case_manager(case_id, manager).value
        if "assigned_worker" in values:
            case = ws.cases.assign_worker(case_id, worker).value
    return emit_result(args, case, N_("Saved case {number}."), number=case.case_number)


def cmd_case_advance(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        case = ws.workflow.advance(ws.search.resolve_case(args.case), args.stage, args.reason)
    return _case_done(args, case.value.case_number, case.value)


def cmd_case_close(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        case_id = ws.search.resolve_case(args.case)
        if args.approve:
            outcome = ws.workflow.approve_closure(case_id)
        elif args.decline:
            outcome = ws.workflow.decline_closure(case_id, args.decline)
        else:
            outcome = ws.workflow.request_closure(case_id, args.reason, args.note)
    return _case_done(args, outcome.value.case_number, outcome.value)


def cmd_case_reopen(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        outcome = ws.workflow.reopen(ws.search.resolve_case(args.case), args.reason)
    return _case_done(args, outcome.value.case_number, outcome.value)


def _case_done(args: argparse.Namespace, number: str, case: Any) -> int:
    if args.json:
        emit_json(case)
    else:
        tr = tr_for(args)
        say(
            tr.format(
                "Case {number} is now at: {stage}.",
                number=number,
                stage=tr.gettext(label_of("stage", case.stage)),
            )
        )
    return 0


# -- notes and referrals -------------------------------------------------------------------
def cmd_note_add(args: argparse.Namespace) -> int:
    text = sys.stdin.read() if args.text == "-" else args.text
    with open_workspace(args) as ws:
        note = ws.notes.add(ws.search.resolve_case(args.case), text, args.kind).value
    return emit_result(args, note, N_("Added the note: {id}"), id=note.id)


def cmd_referral_list(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        if args.case:
            rows = ws.referrals.for_case(ws.search.resolve_case(args.case))
            if args.status:
                rows = [r for r in rows if r.status == args.status]
        elif args.incoming:
            rows = ws.referrals.incoming(args.status)
        else:
            rows = ws.referrals.outgoing(args.status)
    return emit_rows(args, rows, _referral_line, N_("No referral matches."))


def cmd_referral_show(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        referral = ws.referrals.get(args.referral)
        facts: tuple[FactGroup, ...] | CmdeskError
        notes: list[NoteDTO] | None = None
        try:
            facts = ws.reports.referral_facts(referral.id, lang=cli_locale(args))
            if SharedSection.NOTES in referral.shared_sections:
                notes = ws.reports.referral_notes(referral.id)
        except CmdeskError as exc:
            facts = exc  # said in place of the facts; the referral itself is still shown

    def lines(tr: Translator) -> Iterator[str]:
        yield f"{referral.case_number}  {referral.from_org_code} → {referral.to_org_code}"
        yield tr.format("Child: {child}", child=child_words(referral, tr))
        yield tr.gettext(label_of("referral_status", referral.status))
        if referral.receiver_withdrawn:
            yield no_answer_words(referral.receiver_withdrew, referral.to_org_code, tr, short=False)
        if referral.our_case_number:
            yield tr.format("Your organisation's case: {number}", number=referral.our_case_number)
        for event in referral.events:
            to = event.to_status
            step = tr.gettext(label_of("referral_status", to)) if to else ""
            yield f"  {format_datetime(event.at, tr.locale)}  {step}  {event.text}".rstrip()
        yield tr.format("Shared with {org}:", org=referral.to_org_code)
        if isinstance(facts, CmdeskError):
            yield f"  {facts.message(tr)}"
            return
        for group in facts:
            yield f"  {group.title}"
            for label, text in group.rows:
                first, *more = text.splitlines()
                yield f"    {label}: {first}"
                yield from (f"      {line}" for line in more)
        if not facts:
            yield f"  {tr.gettext(NOTHING_SHARED)}"
        if notes is None:
            return
        yield tr.format("Case notes shared ({count}):", count=len(notes))
        for note in notes:
            kind = tr.gettext(label_of("note_kind", note.kind))
            yield f"  {format_datetime(note.written_at, tr.locale)}  {kind}"
            yield from (f"    {line}" for line in note.body.splitlines())
        if not notes:
            yield f"  {tr.gettext(NO_NOTES_YET)}"

    return emit_lines(args, referral, lines)


def cmd_referral_send(args: argparse.Namespace) -> int:
    locale = cli_locale(args)
    with open_workspace(args) as ws:
        if args.draft:
            referral = ws.referrals.send(args.draft, args.override_reason).value
        else:
            if not args.case:
                raise ValidationError.single("case", N_("Name the case to refer, or --draft."))
            draft = ReferralDraft(
                to_org=args.to or "",
                service=args.service or "",
                reason=args.reason,
                shared_sections=tuple(args.share or ()),
                urgency=args.urgency,
                due_date=as_date(args.due, "due_date", locale),
            )
            case_id = ws.search.resolve_case(args.case)
            # Drafted and sent in one transaction: a refused send leaves no draft behind.
            referral = ws.referrals.draft_and_send(
                case_id, draft, args.override_reason, service_reason=args.service_reason
            ).value
    return emit_result(args, referral, N_("Sent the referral to {org}."), org=referral.to_org_code)


def cmd_referral_respond(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        r, action, text = ws.referrals, args.action, args.text
        if action == "acknowledge":
            outcome = r.acknowledge(args.referral)
        elif action == "accept":
            outcome = r.accept(args.referral, text)
        elif action == "decline":
            outcome = r.decline(args.referral, text)
        elif action == "complete":
            outcome = r.complete(args.referral, text)
        elif action == "withdraw":
            outcome = r.withdraw(args.referral, text)
        else:
            outcome = r.add_feedback(args.referral, text)
    if args.json:
        emit_json(outcome.value)
    else:
        tr = tr_for(args)
        status = tr.gettext(label_of("referral_status", outcome.value.status))
        say(tr.format("The referral is now: {status}.", status=status))
    return 0


def cmd_referral_open_case(args: argparse.Namespace) -> int:
    """What the referral shares fills the child's record and the case in; `--set` adds to or
    changes either (a case field, or a child field as `child add` takes it). The case's
    values are checked before the child is registered, so a refusal leaves nothing half done.
    """
    values, typed = inputs(args.set, args.json_input)
    case_values = {k: v for k, v in values.items() if k in CASE_FIELDS}
    child_values = {k: v for k, v in values.items() if k not in CASE_FIELDS}
    errors: list[FieldError] = []
    with open_workspace(args) as ws:
        intake = ws.referrals.intake(args.referral)
        draft = child_draft(child_values, typed=typed, locale=cli_locale(args), base=intake.child)
        concerns = (
            _concerns(case_values["concerns"], typed, errors)
            if "concerns" in case_values
            else list(intake.concerns)
        )
        other = str(case_values.get("concern_other", intake.concern_other))
        risk = str(case_values.get("risk_level", intake.risk_level))
        reason = str(case_values.get("risk_reason", intake.risk_reason))
        manager = _user_id(ws, case_values.get("case_manager"), "case_manager", errors)
        worker = _user_id(ws, case_values.get("assigned_worker"), "assigned_worker", errors)
        for check in (lambda: check_concerns(concerns, other), lambda: check_risk(risk, reason)):
            try:
                check()
            except ValidationError as bad:
                errors.extend(bad.errors)
        if errors:
            raise ValidationError(errors)
        child = ws.children.register_child(
            draft, confirm_not_duplicate=args.not_duplicate, for_referral=intake.referral_id
        ).value
        case = ws.cases.open_case(
            child.id,
            concerns,
            risk,
            reason,
            concern_other=other,
            case_manager_id=manager,
            assigned_worker_id=worker,
            for_referral=intake.referral_id,
        ).value
    return emit_result(
        args,
        case,
        N_("Registered the child and opened case {number} for the referral from {org}."),
        number=case.case_number,
        org=intake.from_org_code,
    )


# -- PDPA --------------------------------------------------------------------------------
def cmd_export_person(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        document = ws.pdpa.export_child_json(args.child)
    if args.output:
        atomic_write(Path(args.output), document.encode("utf-8"))
        tr = tr_for(args)
        say(tr.format("Wrote {path}.", path=args.output))
        say(
            tr.gettext(
                N_(
                    "This file holds one child's personal data, unencrypted. Give it only to "
                    "the person who asked, and delete your copy."
                )
            )
        )
    else:
        say(document)
    return 0
