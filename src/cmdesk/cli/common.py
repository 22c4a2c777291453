"""What every CLI command shares: the vault path, passphrases, language and output."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO, TypeVar

import platformdirs

from cmdesk.core.errors import ValidationError
from cmdesk.core.i18n import N_, Locale, Translator, translator
from cmdesk.core.vault.keyslots import KeySlots
from cmdesk.core.vault.store import VaultPaths
from cmdesk.core.workspace import Workspace

Handler = Callable[[argparse.Namespace], int]
T = TypeVar("T")


NOT_UTF8 = N_("{path} is not UTF-8 text. Save it as UTF-8 (Unicode) and try again.")


def read_text(source: str | Path, field: str) -> str:
    """A text file the user named, as UTF-8; a field error (not a traceback) when it is not."""
    try:
        return Path(source).read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError.single(field, NOT_UTF8, path=str(source)) from None


def bounded_int(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from `low` to `high` (SQLite's integers stop at 2**63,
    and a page offset past a billion is a typing mistake)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low} to {high}")
        return value

    return parse


def default_vault() -> Path:
    return Path(platformdirs.user_data_dir("cmdesk", appauthor=False)) / "vault"


def cli_locale(args: argparse.Namespace | None = None) -> Locale:
    chosen = getattr(args, "lang", None) or os.environ.get("CMDESK_LANG")
    if chosen in ("th", "en"):
        return "th" if chosen == "th" else "en"
    system = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG")
    return "th" if (system or "").lower().startswith("th") else "en"


def tr_for(args: argparse.Namespace) -> Translator:
    return translator(cli_locale(args))


def vault_dir(args: argparse.Namespace) -> Path:
    return Path(args.vault).expanduser() if args.vault else default_vault()


def read_secret(
    args: argparse.Namespace, *, file_attr: str, env: str, prompt: str, confirm: bool = False
) -> str:
    """A passphrase from a file, the environment, or a prompt without echo (in that order)."""
    path = getattr(args, file_attr, None)
    if path:
        return read_text(path, "passphrase").rstrip("\r\n")
    if env in os.environ:
        return os.environ[env]
    tr = tr_for(args)
    if not sys.stdin.isatty():
        raise ValidationError.single(
            "passphrase",
            N_("No passphrase given. Use --passphrase-file or the {env} environment variable."),
            env=env,
        )
    first = getpass.getpass(tr.gettext(prompt) + " ")
    if confirm and getpass.getpass(tr.gettext(N_("Type it again:")) + " ") != first:
        raise ValidationError.single("passphrase", N_("The two passphrases are not the same."))
    return first


def passphrase(args: argparse.Namespace) -> str:
    return read_secret(
        args, file_attr="passphrase_file", env="CMDESK_PASSPHRASE", prompt=N_("Passphrase:")
    )


def new_passphrase(args: argparse.Namespace) -> str:
    return read_secret(
        args,
        file_attr="new_passphrase_file",
        env="CMDESK_NEW_PASSPHRASE",
        prompt=N_("New passphrase:"),
        confirm=True,
    )


def acting_user(args: argparse.Namespace) -> str:
    """--user, else CMDESK_USER, else the vault's only user."""
    if getattr(args, "user", None):
        return str(args.user)
    if os.environ.get("CMDESK_USER"):
        return os.environ["CMDESK_USER"]
    paths = VaultPaths(vault_dir(args))
    if paths.slots.is_file():
        slots = KeySlots.load(paths.slots)
        if len(slots.slots) == 1:
            return slots.slots[0].user
    raise ValidationError.single(
        "user", N_("Say which user you are with --user NAME (or CMDESK_USER).")
    )


# Said on every command while the account is closed and this laptop's work not yet sent.
ACCOUNT_CLOSING = N_(
    "Your organisation has closed your account. Send this laptop's work to your organisation "
    "now ('sync now', or a bundle on a USB stick): once it has arrived, this laptop no longer "
    "opens for you."
)


def open_workspace(args: argparse.Namespace) -> Workspace:
    ws = Workspace.open(vault_dir(args), acting_user(args), passphrase(args))
    if ws.account_closed:
        say(tr_for(args).gettext(ACCOUNT_CLOSING), sys.stderr)
    return ws


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, frozenset | set):  # e.g. the actions a case offers
        return sorted(_plain(v) for v in value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def emit_json(value: Any, out: TextIO | None = None) -> None:
    json.dump(_plain(value), out or sys.stdout, ensure_ascii=False, indent=2)
    (out or sys.stdout).write("\n")


def say(text: str, out: TextIO | None = None) -> None:
    print(text, file=out or sys.stdout)


def emit_result(args: argparse.Namespace, value: Any, msgid: str, **params: object) -> int:
    """What a command that made or changed something prints: with --json the value, for
    scripts, else the sentence `msgid` in the user's language. Returns the exit code."""
    if args.json:
        emit_json(value)
    else:
        say(tr_for(args).format(msgid, **params))
    return 0


def emit_lines(
    args: argparse.Namespace, value: Any, lines: Callable[[Translator], Iterable[str]]
) -> int:
    """What a command that reads something prints: with --json the value, for scripts, else
    the lines that describe it in the user's language. Returns the exit code."""
    if args.json:
        emit_json(value)
    else:
        for line in lines(tr_for(args)):
            say(line)
    return 0


def emit_rows(
    args: argparse.Namespace,
    rows: Sequence[T],
    line: Callable[[T, Translator], str],
    none: str,
) -> int:
    """A list: with --json its rows, else a line per row, or the sentence `none` (a message
    id) when there is no row."""
    return emit_lines(
        args, list(rows), lambda tr: [line(r, tr) for r in rows] or [tr.gettext(none)]
    )
