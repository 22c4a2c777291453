"""Demo data from the command line (made-up people only, never real records).

    cmdesk demo --cases N [--seed S]            generated cases into a new or demo vault
    cmdesk demo-vault --vault DIR [--cases N]   a new vault with demo staff and cases; prints
                                                the user names and their passphrase

A progress line goes to standard error; the first Ctrl+C stops after the batch being written
(each batch is whole), a second stops at once.
"""

from __future__ import annotations

import argparse
from typing import Any

from cmdesk.cli.common import cli_locale, emit_json, open_workspace, say, tr_for, vault_dir
from cmdesk.cli.long_work import ProgressLine, ctrl_c_cancels
from cmdesk.core.demo.generate import DemoResult, generate
from cmdesk.core.i18n import N_, Translator, parse_date
from cmdesk.core.model.labels import label_of
from cmdesk.core.progress import CancelToken


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("demo", parents=[common], help="add generated demo cases (made-up)")
    _options(p)
    p.add_argument(
        "--syncable", action="store_true", help="let sync send them too (slower to write)"
    )
    p.add_argument("--batch", type=int, default=2000, help="cases per transaction")
    p.add_argument("--workers", type=int, help="processes building cases (default: cores - 1)")
    p.set_defaults(func=cmd_demo)
    p = sub.add_parser(
        "demo-vault", parents=[common], help="a new vault with demo staff and generated cases"
    )
    _options(p, cases=300)
    p.set_defaults(func=cmd_demo_vault)


GENERATED = N_("Generated {done} of {total} cases")
STOPPING = N_("Stopping after the current batch…")


def _options(p: argparse.ArgumentParser, cases: int | None = None) -> None:
    p.add_argument("--cases", type=int, required=cases is None, default=cases, metavar="N")
    p.add_argument("--seed", type=int, default=1, metavar="S", help="same seed, same data")
    p.add_argument("--as-of", metavar="DATE", help="the day the data is generated for")


def _summary(result: DemoResult, tr: Translator) -> None:
    text = N_("Generated {cases} cases ({rows} records) in {seconds} s.")
    rows = sum(result.rows.values())
    say(tr.format(text, cases=result.cases, rows=rows, seconds=f"{result.seconds:.1f}"))
    if result.cancelled:
        say(tr.gettext(N_("Cancelled: the cases written so far are complete and kept.")))


def cmd_demo(args: argparse.Namespace) -> int:
    tr = tr_for(args)
    as_of = parse_date(args.as_of, cli_locale(args), field="as_of") if args.as_of else None
    token, line = CancelToken(), ProgressLine(tr, GENERATED)
    with (
        open_workspace(args) as ws,
        ctrl_c_cancels(token, tr, STOPPING),
    ):
        result = generate(
            ws,
            args.cases,
            seed=args.seed,
            as_of=as_of,
            batch=args.batch,
            workers=args.workers,
            syncable=args.syncable,
            progress=line,
            cancel=token,
        )
    line.end()
    if args.json:
        emit_json(result)
    else:
        _summary(result, tr)
    return 1 if result.cancelled else 0


def cmd_demo_vault(args: argparse.Namespace) -> int:
    from cmdesk.core.demo.vault import create_demo_vault

    tr = tr_for(args)
    as_of = parse_date(args.as_of, cli_locale(args), field="as_of") if args.as_of else None
    token, line = CancelToken(), ProgressLine(tr, GENERATED)
    root = vault_dir(args)
    with ctrl_c_cancels(token, tr, STOPPING):
        made = create_demo_vault(
            root, cases=args.cases, seed=args.seed, as_of=as_of, progress=line, cancel=token
        )
    line.end()
    if args.json:
        emit_json(
            {
                "vault": str(root),
                "passphrase": made.passphrase,
                "users": made.users,
                "cases": made.result.cases,
            }
        )
        return 0
    _summary(made.result, tr)
    say(tr.format("Demo vault: {path}", path=str(root)))
    say(tr.gettext(N_("Users (every one has the same passphrase):")))
    for user in made.users:
        role = tr.gettext(label_of("role", user.role))
        team = f" · {user.team}" if user.team else ""
        say(f"  {user.username:<14} {role}{team}")
    say(tr.format("Passphrase: {passphrase}", passphrase=made.passphrase))
    say(
        tr.gettext(
            N_("This passphrase is for made-up demo data only. Never put real records here.")
        )
    )
    return 0
