"""Sync commands: identity, trust, untrust, partners, enrol-file, revoke, join, export, import,
status, conflicts, resolve."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from cmdesk.cli import hub_cmds
from cmdesk.cli.common import (
    acting_user,
    emit_json,
    emit_result,
    open_workspace,
    passphrase,
    read_secret,
    say,
    tr_for,
    vault_dir,
)
from cmdesk.core.errors import ValidationError
from cmdesk.core.i18n import Translator, format_datetime
from cmdesk.core.model.roles import Role
from cmdesk.core.sync import authority, texts
from cmdesk.core.sync.engine import SyncEngine, TrustedOrg
from cmdesk.core.sync.status import ImportTrouble
from cmdesk.core.vault.files import atomic_write
from cmdesk.core.workspace import Workspace

EXISTS = "{path} exists already. Choose a new file name."


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    sync = sub.add_parser("sync", parents=[common], help="exchange changes with other laptops")
    cmds = sync.add_subparsers(dest="sync_command", required=True, metavar="ACTION")

    p = cmds.add_parser("identity", parents=[common], help="write this organisation's identity")
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.set_defaults(func=cmd_identity)

    p = cmds.add_parser("trust", parents=[common], help="trust a partner's identity file")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=cmd_trust)

    p = cmds.add_parser(
        "untrust", parents=[common], help="withdraw trust in a partner leaving the network"
    )
    p.add_argument("org", metavar="CODE")
    p.set_defaults(func=cmd_untrust)

    p = cmds.add_parser("partners", parents=[common], help="the organisations trusted here")
    p.set_defaults(func=cmd_partners)

    p = cmds.add_parser("enrol-file", parents=[common], help="let one new laptop join")
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.add_argument(
        "--role",
        default=Role.FIELD_WORKER,
        choices=[r.value for r in Role],
        help="role of the new laptop's first user",
    )
    p.add_argument(
        "--laptops",
        type=int,
        default=1,
        metavar="N",
        help="how many laptops may join with this file (each gets its own identity)",
    )
    p.add_argument(
        "--team",
        metavar="TEAM",
        help="the laptops hold only this team's cases and no organisation key",
    )
    p.set_defaults(func=cmd_enrol_file)

    p = cmds.add_parser("laptops", parents=[common], help="this organisation's laptops heard from")
    p.set_defaults(func=cmd_laptops)

    p = cmds.add_parser("revoke", parents=[common], help="revoke a lost or stolen laptop")
    p.add_argument("device", metavar="DEVICE_ID", help="a device id, or an enrolment id")
    p.set_defaults(func=cmd_revoke)

    p = cmds.add_parser(
        "rotate-key", parents=[common], help="replace the organisation's encryption key"
    )
    p.set_defaults(func=cmd_rotate_key)

    p = cmds.add_parser("join", parents=[common], help="set up this laptop from an enrolment file")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--name", default="", help="your full name")
    p.set_defaults(func=cmd_join)

    p = cmds.add_parser("export", parents=[common], help="write a bundle")
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    target = p.add_mutually_exclusive_group()
    target.add_argument(
        "--for", dest="for_org", metavar="ORG", help="a partner organisation (code)"
    )
    target.add_argument(
        "--laptop",
        metavar="DEVICE_ID",
        help="one laptop of this organisation (sealed to it; a team's laptop gets its team)",
    )
    p.add_argument(
        "--all",
        dest="everything",
        action="store_true",
        help="everything the recipient may have, not only what it lacks",
    )
    p.set_defaults(func=cmd_export)

    p = cmds.add_parser("import", parents=[common], help="apply a bundle")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=cmd_import)

    p = cmds.add_parser("status", parents=[common], help="what this laptop holds and knows")
    p.set_defaults(func=cmd_status)

    p = cmds.add_parser("conflicts", parents=[common], help="list conflicts to decide")
    p.set_defaults(func=cmd_conflicts)

    p = cmds.add_parser("resolve", parents=[common], help="decide a conflict")
    p.add_argument("conflict_id", metavar="CONFLICT_ID")
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument(
        "--value",
        help="the value to keep (typed); for a deletion: empty "
        "to restore the record, anything else to keep it deleted",
    )
    group.add_argument("--choose", type=int, metavar="N", help="keep value [N] as listed")
    p.set_defaults(func=cmd_resolve)

    hub_cmds.register(cmds, common)


def engine(ws: Workspace) -> SyncEngine:
    return ws.sync


def _new_file(path: str) -> Path:
    out = Path(path)
    if out.exists():
        raise ValidationError.single("output", EXISTS, path=str(out))
    return out


def _progress(args: argparse.Namespace) -> Any:
    if args.json or not sys.stderr.isatty():
        return None
    tr = tr_for(args)

    def show(done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        print("\r" + tr.format(texts.PROGRESS, done=done, total=total), end=end, file=sys.stderr)

    return show


def cmd_identity(args: argparse.Namespace) -> int:
    out = _new_file(args.output)
    with open_workspace(args) as ws:
        sync = engine(ws)
        data = sync.identity_file()
        ident = sync.keys().org.identity
    atomic_write(out, data)
    org, fingerprint = ident.code, ident.fingerprint()
    return emit_result(
        args,
        {"file": str(out), "org": org, "fingerprint": fingerprint},
        texts.WROTE_IDENTITY,
        org=org,
        path=str(out),
        fingerprint=fingerprint,
    )


def cmd_trust(args: argparse.Namespace) -> int:
    data = Path(args.file).read_bytes()
    with open_workspace(args) as ws:
        org = engine(ws).trust(data)
    return _say_org(args, org, texts.TRUSTED)


def cmd_untrust(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        org = engine(ws).untrust(args.org)
        waiting = ws.organisations.open_referrals_to(org.org_id)
    _say_org(args, org, texts.UNTRUSTED, {"open_referrals": waiting})
    if waiting and not args.json:
        say(tr_for(args).count(texts.OPEN_REFERRALS, waiting, org=org.code))
    return 0


def _say_org(
    args: argparse.Namespace, org: TrustedOrg, msgid: str, more: dict[str, Any] | None = None
) -> int:
    """What trusting or withdrawing did, in the user's language (or as JSON, with `more`)."""
    if args.json:
        emit_json({**dataclasses.asdict(org), **(more or {})})
        return 0
    tr = tr_for(args)
    name = org.name_th if tr.locale == "th" else org.name_en
    say(tr.format(msgid, org=org.code, name=name, fingerprint=org.fingerprint))
    return 0


def cmd_partners(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        orgs = engine(ws).trusted()
    if args.json:
        emit_json(orgs)
        return 0
    tr = tr_for(args)
    for org in orgs:
        name = org.name_th if tr.locale == "th" else org.name_en
        if org.withdrawn_at is not None:
            at = format_datetime(datetime.fromisoformat(org.withdrawn_at), tr.locale)
            say(tr.format(texts.WITHDRAWN_LINE, org=org.code, name=name, at=at))
        elif org.withdrew_at is not None:
            at = format_datetime(datetime.fromisoformat(org.withdrew_at), tr.locale)
            say(tr.format(texts.WITHDREW_LINE, org=org.code, name=name, at=at))
        else:
            line = texts.OWN_ORG_LINE if org.own else texts.PARTNER_LINE
            say(tr.format(line, org=org.code, name=name, fingerprint=org.fingerprint))
    return 0


def cmd_enrol_file(args: argparse.Namespace) -> int:
    out = _new_file(args.output)
    with open_workspace(args) as ws:
        sync = engine(ws)
        data, secret = sync.enrolment_file(args.role, args.laptops, args.team)
        teams = sync.team_cases()
    atomic_write(out, data)
    from cmdesk.core.sync.keys import open_enrolment

    expires = open_enrolment(data, secret).expires_at.date().isoformat()
    tr = tr_for(args)
    if args.json:
        emit_json(
            {"file": str(out), "passphrase": secret, "expires_at": expires, "laptops": args.laptops}
        )
    else:
        if args.laptops == 1:
            say(tr.format(texts.WROTE_ENROLMENT, path=str(out), expires=expires))
        else:
            say(
                tr.format(
                    texts.WROTE_ENROLMENT_MANY, n=args.laptops, path=str(out), expires=expires
                )
            )
        if args.team is not None:
            team = args.team.strip()
            say(tr.format(texts.TEAM_ENROLMENT, team=team, n=teams.get(team, 0)))
            if team not in teams:
                say(tr.format(texts.TEAM_UNKNOWN, team=team, teams=", ".join(teams) or "-"))
        say(tr.format(texts.ENROL_PASSPHRASE, passphrase=secret))
    return 0


def cmd_laptops(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        laptops = engine(ws).laptops()
    if args.json:
        emit_json(
            [
                {"device_id": x.device_id, "team": x.team, "last_bundle_at": x.last_bundle_at}
                for x in laptops
            ]
        )
        return 0
    tr = tr_for(args)
    if not laptops:
        say(tr.gettext(texts.LAPTOPS_NONE))
    for x in laptops:
        scope = tr.format(texts.TEAM_SCOPE, team=x.team) if x.team else tr.gettext(texts.WHOLE_ORG)
        when = x.last_bundle_at[:16].replace("T", " ") if x.last_bundle_at else None
        say(
            tr.format(
                texts.LAPTOP_LINE,
                device=x.device_id,
                scope=scope,
                when=when or tr.gettext(texts.NEVER),
            )
        )
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        revoked = engine(ws).revoke(args.device)
    return emit_result(args, {"revoked": revoked}, texts.REVOKED, device=revoked)


def cmd_rotate_key(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        epoch = engine(ws).rotate_org_key()
    if args.json:
        emit_json({"epoch": epoch})
    else:
        say(tr_for(args).gettext(texts.ROTATED))
    return 0


def cmd_join(args: argparse.Namespace) -> int:
    data = Path(args.file).read_bytes()
    secret = read_secret(
        args,
        file_attr="enrol_passphrase_file",
        env="CMDESK_ENROL_PASSPHRASE",
        prompt=texts.ENROL_PASSPHRASE_PROMPT,
    )
    root = vault_dir(args)
    with Workspace.join(
        root,
        data,
        secret,
        username=acting_user(args),
        passphrase=passphrase(args),
        display_name=args.name,
    ) as ws:
        sync = engine(ws)
        org, team = sync.keys().org.identity.code, sync.own_team()
        user = ws.actor.username
        close = ws.users.unknown_to_the_office(user)
        if args.json:
            said = {"vault": str(root), "org": org, "device_id": ws.device_id, "team": team}
            emit_json({**said, "unknown_to_the_office": close is not None})
        elif team is not None:
            say(tr_for(args).format(texts.JOINED_TEAM, org=org, team=team, path=str(root)))
        else:
            say(tr_for(args).format(texts.JOINED, org=org, path=str(root)))
    if close is not None:
        # Said on standard error, after the vault is made: a new person may join before the
        # office makes their account, so this warns and refuses nothing.
        tr = tr_for(args)
        say(tr.format(texts.NOT_IN_DIRECTORY, name=user, path=str(root)), sys.stderr)
        if close:
            say(tr.format(texts.NOT_IN_DIRECTORY_CLOSE, names=", ".join(close)), sys.stderr)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    out = _new_file(args.output)
    with open_workspace(args) as ws:
        sync = engine(ws)
        result = sync.export_to(
            out,
            args.for_org,
            laptop=args.laptop,
            everything=args.everything,
            progress=_progress(args),
        )
        codes = {t.org_id: t.code for t in sync.trusted()}
    said = texts.EXPORTED_LAPTOP if result.recipient_device else texts.EXPORTED
    return emit_result(
        args,
        {"file": str(out), **vars(result)},
        texts.NOTICE_MADE if result.notice else said,
        device=result.recipient_device,
        org=codes.get(result.recipient_org, ""),
        path=str(out),
        operations=result.operations,
        records=result.changes,
        size=result.size,
    )


def cmd_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    with open_workspace(args) as ws:
        sync = engine(ws)
        result = sync.import_file(path, progress=_progress(args))
        codes = {t.org_id: t.code for t in sync.trusted()}
        conflicts = ws.conflicts.open_count()
    tr = tr_for(args)
    if args.json:
        emit_json({**vars(result), "conflicts": conflicts})
        return 0
    if result.replay:
        say(tr.gettext(texts.IMPORT_REPLAY))
        return 0
    sender = codes.get(result.sender_org, result.sender_org)
    say(
        tr.format(
            texts.IMPORTED,
            org=sender,
            new=result.new,
            duplicates=result.duplicates,
        )
    )
    if (told := texts.decision_words(result.partner_decision, sender, tr)) is not None:
        say(told)
    if result.new_identity:
        say(tr.gettext(texts.NEW_IDENTITY_NOTE))
    if result.forked:
        say(tr.count(texts.FORKED_NOTE, result.forked))
    if result.set_aside:
        say(tr.count(texts.SET_ASIDE_NOTE, result.set_aside))
    if result.removed_cases:
        say(tr.format(texts.REMOVED_CASES_NOTE, n=result.removed_cases))
    if result.quarantined:
        say(tr.count(texts.QUARANTINED_NOTE, result.quarantined))
    if result.waiting_for_records:
        say(tr.count(texts.WAITING_FOR_RECORDS_NOTE, result.waiting_for_records))
    if result.refused:
        say(tr.count(authority.REFUSED_NOTE, sum(result.refused.values())))
        for reason, n in result.refused.items():
            say("  " + tr.format(authority.REFUSED_LINE, n=n, reason=tr.gettext(reason)))
    if result.waiting_for_upgrade:
        say(tr.count(texts.UPGRADE_NOTE, result.waiting_for_upgrade))
    if conflicts:
        say(tr.count(texts.CONFLICTS_NOTE, conflicts))
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        status = engine(ws).status()
    if args.json:
        emit_json(status)
        return 0
    tr = tr_for(args)
    say(
        tr.format(
            texts.STATUS_LINE,
            device=status.device_id,
            org=status.org_code,
            operations=status.operations,
            peers=len(status.peers),
            conflicts=status.conflicts,
            quarantined=len(status.quarantined),
        )
    )
    for origin, n in status.vector.items():
        say(f"  {origin}\t{n}")
    say(tr.format(texts.STATE_HASH, hash=status.state_hash))
    if status.only_here is not None:
        here = status.only_here
        say(tr.count(texts.ONLY_HERE, here) if here else tr.gettext(texts.ALL_SENT))
    for w in status.waiting_on_hub:
        say(tr.count(texts.WAITING_ON_HUB, w.count, reason=w.rejection().message(tr)))
    if status.team is not None:
        say(tr.format(texts.TEAM_LAPTOP, team=status.team))
    if status.identity_changes:
        last = status.identity_changes[-1]
        said = texts.NEW_IDENTITY.get(last.reason)
        if said:
            say(tr.format(said, date=format_datetime(last.when, tr.locale)))
    say_trouble(status.trouble, tr, quiet=False)
    for e in status.overused_enrolments:
        say(
            tr.format(
                texts.OVERUSED_ENROLMENT,
                count=len(e.devices),
                enrol=e.enrol_id,
                n=e.laptops,
                devices=", ".join(e.devices),
            )
        )
    return 0


def say_trouble(trouble: ImportTrouble, tr: Translator, *, quiet: bool) -> None:
    """What imports refused or set aside, for `sync status` and `check` (quiet: say nothing
    when there is nothing to say)."""
    for r in trouble.refused:
        say(texts.refused_line(r, tr))
    if trouble.forked:
        say(tr.count(texts.TROUBLE_FORKED, trouble.forked))
    if trouble.set_aside:
        say(tr.count(texts.TROUBLE_SET_ASIDE, trouble.set_aside))
    if not quiet and not (trouble.refused or trouble.forked or trouble.set_aside):
        say(tr.gettext(texts.NO_TROUBLE))


def cmd_conflicts(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        # Only the conflicts this user may decide (services.conflict_review): the same rule as
        # in the app, so a partner or another team never reads a case's values here.
        found = ws.conflicts.visible()
    if args.json:
        emit_json(found)
        return 0
    tr = tr_for(args)
    if not found:
        say(tr.gettext(texts.NO_CONFLICTS))
    for c in found:
        line = texts.DELETE_CONFLICT_LINE if c.kind == "delete" else texts.CONFLICT_LINE
        say(tr.format(line, id=c.id, table=c.table, row=c.row_id, field=c.field))
        for i, side in enumerate(c.sides):
            value = side.value if c.kind == "edit" else f"{side.field} = {side.value}"
            say(
                tr.format(texts.SIDE_LINE, n=i, value=value, origin=side.origin, at=side.stamped_at)
            )
    return 0


def cmd_resolve(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        ws.conflicts.decide(args.conflict_id, args.value, choose=args.choose)
    return emit_result(args, {"resolved": args.conflict_id}, texts.RESOLVED, id=args.conflict_id)
