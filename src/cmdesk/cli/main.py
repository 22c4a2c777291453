"""`cmdesk` command line: parse, run, and turn typed core errors into messages and exit codes.

Exit codes: 0 success, 1 refused or invalid input (with a message), 2 usage.
"""

from __future__ import annotations

import argparse
import errno
import sys
from collections.abc import Sequence

from sqlalchemy.exc import DBAPIError as DatabaseError

from cmdesk import __version__
from cmdesk.cli import (
    consent_cmds,
    demo_cmds,
    mechanism_cmds,
    records_cmds,
    report_cmds,
    stats_cmds,
    sync_cmds,
    vault_cmds,
)
from cmdesk.cli.common import tr_for
from cmdesk.core.crash import write_report
from cmdesk.core.errors import CmdeskError
from cmdesk.core.i18n import N_

# Why a named file could not be used, in the user's language (the system's own text is
# English whatever the user reads).
FILE_NOT_USABLE = N_("it could not be read or written")
FILE_TROUBLE = {
    errno.ENOENT: N_("there is no such file or folder"),
    errno.EACCES: N_("cmdesk may not use it"),
    errno.EPERM: N_("cmdesk may not use it"),
    errno.ENOSPC: N_("the disk is full"),
    errno.EISDIR: N_("it is a folder, not a file"),
    errno.ENOTDIR: N_("part of the path is not a folder"),
    errno.EROFS: N_("the disk can only be read"),
}

UNEXPECTED = N_(
    "Something unexpected went wrong and the command stopped. Work it had not finished was not "
    "saved; nothing saved before was lost."
)
REPORT_SAVED = N_(
    "A report for the developers, with no personal data in it, was saved to {path}. "
    "Please send it to your data manager."
)

# Command groups register themselves here; each adds its subcommands to the parser.
REGISTRARS = [
    vault_cmds.register,
    sync_cmds.register,
    report_cmds.register,
    records_cmds.register,
    consent_cmds.register,
    mechanism_cmds.register,
    demo_cmds.register,
    stats_cmds.register,
]


def common_options(*, top: bool) -> argparse.ArgumentParser:
    """Options accepted before or after the command. After it, they default to SUPPRESS so
    a subcommand never overwrites a value given before it (`cmdesk --vault D check`)."""
    default = None if top else argparse.SUPPRESS
    common = argparse.ArgumentParser(add_help=False, argument_default=default)
    common.add_argument("--vault", metavar="DIR", help="vault folder (default: your data folder)")
    common.add_argument("--user", metavar="NAME", help="who you are (default: CMDESK_USER)")
    common.add_argument("--passphrase-file", metavar="FILE", help="read your passphrase from FILE")
    common.add_argument("--lang", choices=["th", "en"], help="language of messages")
    common.add_argument(
        "--json",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="print data as JSON",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    common = common_options(top=False)
    parser = argparse.ArgumentParser(
        prog="cmdesk",
        description="Offline-first, encrypted case management for child protection.",
        parents=[common_options(top=True)],
    )
    parser.add_argument("--version", action="version", version=f"cmdesk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for register in REGISTRARS:
        register(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except CmdeskError as exc:
        print(exc.message(tr_for(args)), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 1
    except DatabaseError as exc:
        # Only the error's class: its text could quote stored data.
        tr = tr_for(args)
        print(
            tr.format(
                "The vault could not complete this ({kind}). Nothing was changed.",
                kind=type(exc.orig).__name__ if exc.orig else type(exc).__name__,
            ),
            file=sys.stderr,
        )
        return 1
    except OSError as exc:
        # A file the user named could not be read or written; say which, not a traceback.
        tr = tr_for(args)
        where = exc.filename or ""
        print(
            tr.format(
                "Could not use the file {path}: {reason}",
                path=where,
                reason=tr.gettext(FILE_TROUBLE.get(exc.errno or 0, FILE_NOT_USABLE)),
            ),
            file=sys.stderr,
        )
        return 1
    except Exception as exc:  # the one boundary: nothing unexpected reaches a user raw
        report = write_report(exc, "cmdesk " + str(getattr(args, "command", "")))
        tr = tr_for(args)
        print(tr.gettext(UNEXPECTED), file=sys.stderr)
        if report is not None:
            print(tr.format(REPORT_SAVED, path=str(report)), file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
