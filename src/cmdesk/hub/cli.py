"""cmdesk-hub: the operator's commands (serve, org add, fingerprint), in Thai and English."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
import uuid
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path

from cmdesk.core.errors import CmdeskError
from cmdesk.core.i18n import N_, Locale, Translator, translator
from cmdesk.core.model.org import org_id_for
from cmdesk.core.sync.keys import OrgIdentity, org_id_follows_from_code, read_identity_file
from cmdesk.hub import tls
from cmdesk.hub.limits import ADDRESS_FACTOR, RATE_PER_MINUTE, Limits
from cmdesk.hub.storage import MetadataStore, Org, SqliteMetadata

ORG_ADDED = N_("Organisation {code} is registered on this hub. Its laptops may now sync here.")
ORG_KNOWN = N_("Organisation {code} was already registered with these keys. Nothing changed.")
ORG_CONFLICT = N_(
    "Organisation {code} is already registered on this hub under other keys. Nothing changed."
    " Compare the identity's fingerprint with its data manager by phone."
)
ORG_ID_WRONG = N_("This identity file's organisation id does not match its code. It was refused.")
PIN_IS = N_("The hub's pin (read it to each office by phone):")
SERVING = N_("The hub is listening on https://{listen}")
BAD_LISTEN = N_("Write the address as HOST:PORT, for example 0.0.0.0:8443.")
NO_FILE = N_("The file {path} cannot be read.")
EXPIRED = N_("Expired {count} bundle(s), {size} bytes: fetched by every laptop or past retention.")
NO_ORG = N_("No organisation {code} is registered on this hub.")
RETENTION_SET = N_("Bundles for {code} are kept at most {days} days.")
RETENTION_DEFAULT = N_("Bundles for {code} are kept as long as the hub's default.")
PRUNE_SECONDS = 3600.0


def _locale(args: argparse.Namespace) -> Locale:
    chosen = args.lang or os.environ.get("CMDESK_LANG")
    if chosen in ("th", "en"):
        return "th" if chosen == "th" else "en"
    system = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG")
    return "th" if (system or "").lower().startswith("th") else "en"


def hub_id(data: Path) -> str:
    """The hub's own id (in every challenge a laptop signs), made on first use."""
    data.mkdir(parents=True, exist_ok=True)
    path = data / "hub-id"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.write_text(str(uuid.uuid4()) + "\n")
        tmp.replace(path)
    return path.read_text().strip()


def cmd_org_add(args: argparse.Namespace, tr: Translator) -> int:
    try:
        raw = Path(args.file).read_bytes()
    except OSError:
        print(tr.format(NO_FILE, path=args.file), file=sys.stderr)
        return 2
    ident: OrgIdentity = read_identity_file(raw)
    if not org_id_follows_from_code(ident):
        print(tr.gettext(ORG_ID_WRONG), file=sys.stderr)
        return 1
    with closing(_meta(args)) as meta:
        known = meta.org(ident.org_id)
        if known is not None:
            if known.sign_public == ident.sign_public:
                print(tr.format(ORG_KNOWN, code=ident.code))
                return 0
            print(tr.format(ORG_CONFLICT, code=ident.code), file=sys.stderr)
            return 1
        meta.add_org(Org(ident.org_id, ident.code, ident.sign_public))
        print(tr.format(ORG_ADDED, code=ident.code))
        return 0


def cmd_fingerprint(args: argparse.Namespace, tr: Translator) -> int:
    cert, _key = tls.ensure_certificate(_data(args))
    print(tr.gettext(PIN_IS))
    print(tls.public_key_pin(cert.read_bytes()))
    return 0


def cmd_serve(args: argparse.Namespace, tr: Translator) -> int:
    import uvicorn

    from cmdesk.hub.app import build_app, open_hub, prune_every

    host, sep, port = args.listen.rpartition(":")
    if not sep or not port.isdigit():
        print(tr.gettext(BAD_LISTEN), file=sys.stderr)
        return 2
    data = _data(args)
    cert, key = tls.ensure_certificate(data)
    hub = open_hub(data, hub_id(data), _limits(args), **_stores(args))
    hub.set_rate(max(1, args.rate_per_minute))
    app = build_app(hub)
    prune_every(hub, PRUNE_SECONDS, threading.Event())
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    print(tr.format(SERVING, listen=args.listen), flush=True)
    uvicorn.run(
        app,
        host=host or "127.0.0.1",
        port=int(port),
        ssl_certfile=str(cert),
        ssl_keyfile=str(key),
        # Access logs carry paths with bundle digests only; no bodies, no query of names.
        log_level="info",
        h11_max_incomplete_event_size=64 * 1024,
    )
    return 0


def _limits(args: argparse.Namespace) -> Limits:
    mib = 1 << 20
    return Limits(
        device_bytes=args.quota_device_mb * mib,
        org_bytes=args.quota_org_mb * mib,
        bundle_bytes=max(1, args.max_bundle_mb) * mib,
        retention_days=args.retention_days,
    )


def _meta(args: argparse.Namespace) -> MetadataStore:
    if args.db:
        from cmdesk.hub.storage_scale import PostgresMetadata

        return PostgresMetadata(args.db)
    return SqliteMetadata(_data(args) / "hub.sqlite")


def _stores(args: argparse.Namespace) -> dict[str, str | None]:
    return {"db": args.db, "store": args.store, "s3_endpoint": args.s3_endpoint}


def cmd_prune(args: argparse.Namespace, tr: Translator) -> int:
    from cmdesk.hub.app import open_hub

    data = _data(args)
    count, size = open_hub(data, hub_id(data), _limits(args), **_stores(args)).prune()
    print(tr.format(EXPIRED, count=count, size=size))
    return 0


def cmd_org_retention(args: argparse.Namespace, tr: Translator) -> int:
    with closing(_meta(args)) as meta:
        org = meta.org(org_id_for(args.code))
        if org is None:
            print(tr.format(NO_ORG, code=args.code), file=sys.stderr)
            return 1
        days = args.days or None  # 0: back to the hub's default
        meta.set_retention(org.org_id, days)
        if days is None:
            print(tr.format(RETENTION_DEFAULT, code=org.code))
        else:
            print(tr.format(RETENTION_SET, code=org.code, days=days))
        return 0


def _data(args: argparse.Namespace) -> Path:
    data = Path(args.data).expanduser()
    data.mkdir(parents=True, exist_ok=True)
    return data


def bounded_days(text: str) -> int:
    if not text.isdigit() or int(text) > 3650:
        raise argparse.ArgumentTypeError("0..3650")
    return int(text)


def _limit_options(p: argparse.ArgumentParser) -> None:
    defaults = Limits()
    for flag, kind, default, meta, text in (
        ("--quota-device-mb", int, defaults.device_bytes >> 20, "MB",
         "bundles one laptop may have waiting on the hub"),
        ("--quota-org-mb", int, defaults.org_bytes >> 20, "MB",
         "bundles one organisation's laptops may have waiting"),
        ("--max-bundle-mb", int, defaults.bundle_bytes >> 20, "MB",
         "largest bundle taken (held in memory while its signature is checked)"),
        ("--retention-days", bounded_days, defaults.retention_days, "DAYS",
         "longest a bundle is kept when an organisation set nothing"),
    ):  # fmt: skip
        p.add_argument(flag, type=kind, default=default, metavar=meta, help=text)
    p.add_argument(
        "--rate-per-minute", type=int, default=RATE_PER_MINUTE, metavar="N",
        help="requests one laptop may make a minute (signing in, an address may make "
        f"{ADDRESS_FACTOR} times as many: laptops behind one NAT)",
    )  # fmt: skip
    # Network scale: several hub processes share these (and the --data folder).
    p.add_argument("--db", metavar="postgresql://…", help="metadata in PostgreSQL")
    p.add_argument("--store", metavar="s3://BUCKET", help="bundles in an S3 bucket")
    p.add_argument("--s3-endpoint", metavar="URL", help="the S3 server, if not AWS")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cmdesk-hub")
    parser.add_argument("--lang", choices=["th", "en"])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("serve", help="run the hub")
    p.add_argument("--data", required=True, metavar="DIR")
    p.add_argument("--listen", default="127.0.0.1:8443", metavar="HOST:PORT")
    _limit_options(p)
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser("prune", help="expire fetched and old bundles now")
    p.add_argument("--data", required=True, metavar="DIR")
    _limit_options(p)
    p.set_defaults(func=cmd_prune)
    p = sub.add_parser("org", help="organisations")
    orgs = p.add_subparsers(dest="org_command", required=True)
    p = orgs.add_parser("add", help="register an organisation's identity file")
    p.add_argument("file", metavar="IDENTITY_FILE")
    p.add_argument("--data", required=True, metavar="DIR")
    p.add_argument("--db", metavar="postgresql://…", help="metadata in PostgreSQL")
    p.set_defaults(func=cmd_org_add)
    p = orgs.add_parser("retention", help="days an organisation's bundles are kept at most")
    p.add_argument("code", metavar="ORG_CODE")
    p.add_argument("days", type=bounded_days, metavar="DAYS", help="0: the hub's default")
    p.add_argument("--data", required=True, metavar="DIR")
    p.add_argument("--db", metavar="postgresql://…", help="metadata in PostgreSQL")
    p.set_defaults(func=cmd_org_retention)
    p = sub.add_parser("fingerprint", help="print the pin laptops need")
    p.add_argument("--data", required=True, metavar="DIR")
    p.set_defaults(func=cmd_fingerprint)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    tr = translator(_locale(args))
    try:
        code: int = args.func(args, tr)
    except CmdeskError as exc:
        print(exc.message(tr), file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
