"""`python -m tests.network.fast_cmdesk ARGS…` is the real `cmdesk` command in its own process,
with one test-only change: key slots and enrolment files are made with cheap Argon2 parameters,
so a test that runs a hundred commands does not spend a minute deriving keys. Everything else
(argument parsing, unlocking, the vault, sync, messages, exit codes) is the shipped code.
"""

from __future__ import annotations

import sys

from cmdesk.cli.main import main
from cmdesk.core.sync import keys
from cmdesk.core.vault import crypto


def make_cheap() -> None:
    crypto.tune_kdf = lambda *a, **k: crypto.weak_kdf_for_tests()  # type: ignore[assignment]
    keys.ENROL_OPS = 1
    keys.ENROL_MEM = 8192


def run() -> int:
    make_cheap()
    return main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(run())
