"""Vault commands: init, user, recovery-key, recover, check, backup, info."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cmdesk.cli.common import (
    acting_user,
    emit_json,
    new_passphrase,
    open_workspace,
    passphrase,
    say,
    tr_for,
    vault_dir,
)
from cmdesk.cli.sync_cmds import say_trouble
from cmdesk.core.errors import ValidationError
from cmdesk.core.i18n import N_, Translator
from cmdesk.core.services.users import OWN_LAPTOP_CLOSES
from cmdesk.core.services.vault_check import BRANCHED, RepairReport
from cmdesk.core.vault.recovery_file import read_recovery_key, write_recovery_key
from cmdesk.core.workspace import Workspace


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("init", parents=[common], help="create a vault and its first administrator")
    p.add_argument("--org", required=True, metavar="CODE", help="organisation code, e.g. WVFT")
    p.add_argument("--name", default="", help="your full name")
    p.set_defaults(func=cmd_init)

    user = sub.add_parser("user", parents=[common], help="manage staff accounts")
    user_sub = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    p = user_sub.add_parser(
        "add", parents=[common], help="add a user, or open a removed account again (data managers)"
    )
    p.add_argument("username")
    p.add_argument(
        "--role",
        required=True,
        choices=["field_worker", "case_manager", "supervisor", "data_manager"],
    )
    p.add_argument("--name", default="", help="full name")
    p.add_argument("--team", default="")
    p.add_argument("--new-passphrase-file", metavar="FILE")
    p.set_defaults(func=cmd_user_add)
    p = user_sub.add_parser("remove", parents=[common], help="remove a user's access")
    p.add_argument("username")
    p.set_defaults(func=cmd_user_remove)
    p = user_sub.add_parser("passwd", parents=[common], help="change a passphrase")
    p.add_argument("username", nargs="?")
    p.add_argument("--new-passphrase-file", metavar="FILE")
    p.set_defaults(func=cmd_user_passwd)
    p = user_sub.add_parser("list", parents=[common], help="list users")
    p.set_defaults(func=cmd_user_list)

    rk = sub.add_parser("recovery-key", parents=[common], help="organisation recovery key")
    rk_sub = rk.add_subparsers(dest="rk_command", required=True, metavar="ACTION")
    p = rk_sub.add_parser("new", parents=[common], help="make a recovery key; keep it offline")
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.set_defaults(func=cmd_recovery_new)

    p = sub.add_parser(
        "recover", parents=[common], help="set a new passphrase with the recovery key"
    )
    p.add_argument("--key", required=True, metavar="FILE", help="the recovery key file")
    p.add_argument("--new-passphrase-file", metavar="FILE")
    p.set_defaults(func=cmd_recover)

    p = sub.add_parser(
        "check", parents=[common], help="verify encryption, integrity and audit trail"
    )
    p.add_argument(
        "--repair",
        action="store_true",
        help="mend what an older version left (a shared device id, audit breaks); data manager",
    )
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("backup", parents=[common], help="write an encrypted copy of the vault")
    p.add_argument("-o", "--output", required=True, metavar="DIR")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("info", parents=[common], help="show the vault's organisation and users")
    p.set_defaults(func=cmd_info)


def cmd_init(args: argparse.Namespace) -> int:
    username = acting_user(args)
    secret = passphrase(args)
    with Workspace.create(
        vault_dir(args),
        org_code=args.org,
        username=username,
        passphrase=secret,
        display_name=args.name,
    ) as ws:
        if args.json:
            emit_json({"vault": str(vault_dir(args)), "user": ws.actor.username})
        else:
            say(tr_for(args).format("Created the vault in {path}.", path=vault_dir(args)))
            say(
                tr_for(args).gettext(
                    N_(
                        "Next: make a recovery key with 'cmdesk recovery-key new -o FILE' "
                        "and keep it offline."
                    )
                )
            )
    return 0


def cmd_user_add(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        user = ws.users.add(
            args.username, new_passphrase(args), args.role, display_name=args.name, team=args.team
        )
        if args.json:
            emit_json(user)
        elif user.reopened:
            say(
                tr_for(args).format(
                    "The removed account {name} is open again, with the new passphrase. Its "
                    "history and its cases are kept.",
                    name=user.username,
                )
            )
        else:
            say(tr_for(args).format("Added user {name}.", name=user.username))
    return 0


def cmd_user_remove(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        removal = ws.users.remove(args.username)
    tr = tr_for(args)
    say(tr.format("Removed access for {name}.", name=args.username))
    say(tr.gettext(OWN_LAPTOP_CLOSES))
    if removal.rekeyed:
        say(
            tr.gettext(
                "The vault is now under a new key: an old copy of its key file no longer opens it."
            )
        )
    elif removal.waiting_for:
        say(
            tr.format(
                "The vault's key will change once these users have unlocked it: {users}.",
                users=", ".join(removal.waiting_for),
            )
        )
    else:
        say(
            tr.gettext(
                "The vault's key will change at its next unlock: another cmdesk window had it open."
            )
        )
    return 0


def cmd_user_passwd(args: argparse.Namespace) -> int:
    old = passphrase(args)
    with Workspace.open(vault_dir(args), acting_user(args), old) as ws:
        target = args.username or ws.actor.username
        own = target.strip().lower() == ws.actor.username
        ws.users.change_passphrase(target, new_passphrase(args), old if own else None)
        say(tr_for(args).format("Changed the passphrase of {name}.", name=target))
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        users = ws.users.list()
    if args.json:
        emit_json(users)
    else:
        for u in users:
            say(f"{u.username}\t{u.role}\t{'' if u.active else '-'}\t{u.display_name}")
    return 0


def cmd_recovery_new(args: argparse.Namespace) -> int:
    out = Path(args.output)
    if out.exists():
        raise ValidationError.single(
            "output", N_("{path} exists already. Choose a new file name."), path=str(out)
        )
    with open_workspace(args) as ws:
        private = ws.new_recovery_key()
    write_recovery_key(out, private)
    tr = tr_for(args)
    say(tr.format("Wrote the recovery key to {path}.", path=str(out)))
    say(
        tr.gettext(
            N_(
                "Keep it offline and safe (for example on a USB stick in the office safe). "
                "Anyone with it can open this vault; without it, a forgotten passphrase means "
                "the data is lost."
            )
        )
    )
    return 0


def cmd_recover(args: argparse.Namespace) -> int:
    key = read_recovery_key(Path(args.key))
    username = acting_user(args)
    with Workspace.recover(vault_dir(args), key, username, new_passphrase(args)):
        say(tr_for(args).format("New passphrase set for {name}.", name=username))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    tr = tr_for(args)
    with open_workspace(args) as ws:
        repaired = ws.repair() if args.repair else None
        report = ws.check()
        # Not damage, but for the data manager to follow up: what imports refused.
        trouble = ws.sync.import_trouble()
    if args.json:
        emit_json(
            {
                "ok": report.ok,
                "integrity_problems": report.integrity_problems,
                "audit_entries": report.audit_entries,
                "audit_break": report.audit_break,
                "identity_clash": report.identity_clash,
                "known_audit_breaks": report.known_breaks,
                "audit_branches": report.branched,
                "repaired": repaired,
                "sync_trouble": trouble,
            }
        )
        return 0 if report.ok else 1
    if repaired is not None:
        say_repair(repaired, tr)
    if report.integrity_problems:
        say(tr.gettext(N_("The database has damaged pages:")))
        for problem in report.integrity_problems[:20]:
            say(f"  {problem}")
    if report.identity_clash:
        say(
            tr.gettext(
                "This laptop has worked under the same identity as another laptop (an older "
                "version allowed it): saving and exchanging will fail. Run 'check --repair'."
            )
        )
    if report.audit_break:
        b = report.audit_break
        say(
            tr.format(
                "The audit trail is broken at entry {seq} of device {device}.",
                seq=b.seq,
                device=b.device_id,
            )
        )
    if report.ok:
        say(
            tr.format(
                "All good: encryption, integrity and {n} audit entries verified.",
                n=report.audit_entries,
            )
        )
    for device in report.branched:
        say(tr.format(BRANCHED, device=device))
    if report.known_breaks:
        say(
            tr.nformat(
                "The audit trail holds {n} break recorded as known by a repair.",
                "The audit trail holds {n} breaks recorded as known by a repair.",
                report.known_breaks,
            )
        )
    say_trouble(trouble, tr, quiet=True)
    return 0 if report.ok else 1


def say_repair(repaired: RepairReport, tr: Translator) -> None:
    if repaired.new_identity:
        say(
            tr.gettext(
                "Repaired: this laptop goes on under a new identity. Nothing was lost; "
                "exchange with the office to send and receive what waits."
            )
        )
    for b in repaired.acknowledged:
        say(
            tr.format(
                "Recorded as known: the audit trail's break at entry {seq} of device {device}.",
                seq=b.seq,
                device=b.device_id,
            )
        )
    if not repaired.new_identity and not repaired.acknowledged:
        say(tr.gettext("Nothing needed repair."))


def cmd_backup(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        dest = ws.backup(Path(args.output))
    say(tr_for(args).format("Wrote an encrypted backup to {path}.", path=str(dest)))
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        users = ws.users.list()
        info = {
            "vault": str(vault_dir(args)),
            "device_id": ws.device_id,
            "user": ws.actor.username,
            "role": ws.actor.role,
            "users": [u.username for u in users if u.active],
            "audit_entries": ws.audit.count(),
        }
    if args.json:
        emit_json(info)
    else:
        for k, v in info.items():
            say(f"{k}: {v}", sys.stdout)
    return 0
