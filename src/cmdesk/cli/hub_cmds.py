"""Sync through the network hub: `sync hub set URL --pin FINGERPRINT` and `sync now`.

Below the transport everything is the USB path: `SyncEngine.export` makes the same bundles as
`sync export`, and each downloaded bundle goes through `SyncEngine.import_bundle` as
`sync import` does."""

from __future__ import annotations

import argparse
from typing import Any

from cmdesk.cli.common import emit_json, open_workspace, say, tr_for, vault_dir
from cmdesk.core.errors import BundleRejected, HubTrouble
from cmdesk.core.i18n import N_
from cmdesk.core.sync.hub_client import NO_HUB, HubClient, HubSetting, load_setting, save_setting

HUB_SET = N_("This laptop will sync through {url}.")
SENT = N_("Sent to {org}: {operations} changes ({size} bytes).")
NOTHING_TO_SEND = N_("Nothing new to send to {org}.")
RECEIVED = N_("Received from {org}: {new} new changes, {duplicates} already here.")
RECEIVED_REFUSED = N_("A bundle from the hub was refused: {reason}")
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


def cmd_hub_set(args: argparse.Namespace) -> int:
    # Opening the vault proves the passphrase before the setting is written beside it.
    with open_workspace(args):
        save_setting(vault_dir(args), HubSetting(args.url, args.pin))
    say(tr_for(args).format(HUB_SET, url=args.url))
    return 0


def cmd_now(args: argparse.Namespace) -> int:
    setting = load_setting(vault_dir(args))
    if setting is None:
        raise HubTrouble(NO_HUB)
    tr = tr_for(args)
    report: dict[str, Any] = {"sent": [], "received": [], "refused": []}
    with open_workspace(args) as ws:
        sync = ws.sync
        keys = sync.keys()
        codes = {t.org_id: t.code for t in sync.trusted()}
        client = HubClient(args.hub or setting.url, setting.pin, keys.device)
        try:
            client.sign_in()
            partners = [t.code for t in sync.trusted() if not t.own]
            for target in [None, *partners]:
                data, result = sync.export(target)
                org = codes.get(result.recipient_org, "")
                if result.operations == 0:
                    report["sent"].append({"org": org, "operations": 0, "size": 0})
                    continue
                client.upload(data)
                report["sent"].append(
                    {"org": org, "operations": result.operations, "size": result.size}
                )
            for item in client.pending():
                blob = client.download(item)
                try:
                    got = sync.import_bundle(blob)
                except BundleRejected as exc:
                    report["refused"].append({"bundle_id": item.bundle_id, "reason": exc})
                    continue
                client.fetched(item)
                report["received"].append(
                    {
                        "org": codes.get(got.sender_org, got.sender_org),
                        "new": got.new,
                        "duplicates": got.duplicates,
                    }
                )
        finally:
            client.close()
    if args.json:
        refused = [{"bundle_id": r["bundle_id"]} for r in report["refused"]]
        emit_json({**report, "refused": refused})
        return 0
    for sent in report["sent"]:
        if sent["operations"]:
            say(tr.format(SENT, **sent))
        else:
            say(tr.format(NOTHING_TO_SEND, org=sent["org"]))
    for got in report["received"]:
        say(tr.format(RECEIVED, **got))
    for refused in report["refused"]:
        say(tr.format(RECEIVED_REFUSED, reason=refused["reason"].message(tr)))
    if not report["received"] and not report["refused"]:
        say(tr.gettext(NOTHING_RECEIVED))
    return 0
