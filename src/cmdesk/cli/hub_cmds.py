"""Sync through the network hub: `sync hub set URL --pin FINGERPRINT` and `sync now`
(core/sync/hub_exchange.py does the exchange)."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from cmdesk.cli.common import emit_json, open_workspace, say, tr_for, vault_dir
from cmdesk.core.i18n import N_
from cmdesk.core.sync import texts

HUB_SET = N_("This laptop will sync through {url}.")
SENT = N_("Sent to {org}: {operations} changes ({size} bytes).")
NOTHING_TO_SEND = N_("Nothing new to send to {org}.")
RECEIVED = N_("Received from {org}: {new} new changes, {duplicates} already here.")
NOTHING_RECEIVED = N_("Nothing waiting on the hub for this laptop.")


def register(cmds: Any, common: argparse.ArgumentParser) -> None:
    p = cmds.add_parser("hub", parents=[common], help="the network hub this laptop syncs with")
    hub = p.add_subparsers(dest="hub_command", required=True, metavar="ACTION")
    p = hub.add_parser("set", parents=[common], help="set the hub's address and pin")
    p.add_argument("url", metavar="URL")
    p.add_argument("--pin", required=True, metavar="FINGERPRINT")
    p.set_defaults(func=cmd_hub_set)

    p = cmds.add_parser("now", parents=[common], help="send and receive through the hub")
    p.add_argument("--hub", metavar="URL", help="another address for the hub (same pin)")
    p.set_defaults(func=cmd_now)


# The hub's client is imported by the two commands that use it: httpx takes a tenth of a
# second to import, and every command starts by importing this module.


def cmd_hub_set(args: argparse.Namespace) -> int:
    from cmdesk.core.sync.hub_client import HubSetting, save_setting

    # Opening the vault proves the passphrase before the setting is written beside it.
    with open_workspace(args):
        save_setting(vault_dir(args), HubSetting(args.url, args.pin))
    say(tr_for(args).format(HUB_SET, url=args.url))
    return 0


def cmd_now(args: argparse.Namespace) -> int:
    from cmdesk.core.sync.hub_exchange import (
        exchange_through_hub,
        held_words,
        parts_words,
        refused_words,
    )

    tr = tr_for(args)
    with open_workspace(args) as ws:
        report = exchange_through_hub(ws.sync, vault_dir(args), url=args.hub)
    if args.json:
        emit_json(
            {
                "sent": [asdict(s) for s in report.sent],
                "received": [asdict(r) for r in report.received],
                "refused": [
                    {"bundle_id": r.bundle_id, "again": r.again, "taken_off": r.taken_off}
                    for r in report.refused
                ],
            }
        )
        return 0
    for sent in report.sent:
        if (why := held_words(sent, tr)) is not None:
            say(why)
        elif sent.notice:
            say(tr.format(texts.NOTICE_SENT, org=sent.org))
        elif sent.operations:
            say(tr.format(SENT, org=sent.org, operations=sent.operations, size=sent.size))
            if (parts := parts_words(sent, tr)) is not None:
                say(parts)
        else:
            say(tr.format(NOTHING_TO_SEND, org=sent.org))
    for got in report.received:
        say(tr.format(RECEIVED, org=got.org, new=got.new, duplicates=got.duplicates))
        if got.removed_cases:
            say(tr.format(texts.REMOVED_CASES_NOTE, n=got.removed_cases))
        if (told := texts.decision_words(got.partner_decision, got.org, tr)) is not None:
            say(told)
    for refused in report.refused:
        say(refused_words(refused, tr))
    if not report.received and not report.refused:
        say(tr.gettext(NOTHING_RECEIVED))
    return 0
