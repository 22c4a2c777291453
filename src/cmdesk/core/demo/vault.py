"""A new demo vault: an organisation, one user in each role, and generated cases.

For trying cmdesk, training and screenshots. Every user gets the same generated passphrase,
which the caller shows once; it protects made-up data only and must never guard real records.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final

from cmdesk.core.demo.generate import DemoResult, generate
from cmdesk.core.demo.names import demo_name
from cmdesk.core.model.roles import Role
from cmdesk.core.progress import CancelToken, Progress
from cmdesk.core.vault import crypto
from cmdesk.core.workspace import Workspace

DEMO_ORG: Final = "DEMO"
DEMO_ORG_TH: Final = "องค์กรสาธิต (ข้อมูลสมมุติ)"
DEMO_ORG_EN: Final = "Demo organisation (made-up data)"
# username, role, team: field workers in two teams, as a tambon-based office works.
STAFF: Final = (
    ("admin", Role.DATA_MANAGER, ""),
    ("supervisor", Role.SUPERVISOR, ""),
    ("casemanager1", Role.CASE_MANAGER, ""),
    ("casemanager2", Role.CASE_MANAGER, ""),
    ("fieldworker1", Role.FIELD_WORKER, "north"),
    ("fieldworker2", Role.FIELD_WORKER, "north"),
    ("fieldworker3", Role.FIELD_WORKER, "south"),
)
# Romanised Thai words, easy to type on any keyboard.
_WORDS: Final = [
    "doi",
    "nam",
    "pa",
    "fa",
    "dao",
    "duean",
    "khao",
    "mak",
    "kluai",
    "som",
    "mamuang",
    "lamyai",
    "nok",
    "pla",
    "chang",
    "suea",
    "maeo",
    "ma",
    "ban",
    "wat",
    "rong",
    "thung",
    "na",
    "rai",
    "suan",
    "lom",
    "fon",
    "mek",
    "hin",
    "sai",
    "thong",
    "ngoen",
    "dok",
    "bua",
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    team: str
    display_name: str


@dataclass(frozen=True)
class DemoVault:
    root: Path
    passphrase: str
    users: tuple[DemoUser, ...]
    result: DemoResult


def demo_passphrase() -> str:
    """Four words and a number, e.g. "nok-fon-ban-lamyai-27" (random each time)."""
    words = [secrets.choice(_WORDS) for _ in range(4)]
    return "-".join([*words, str(secrets.randbelow(90) + 10)])


def create_demo_vault(
    root: Path,
    *,
    cases: int = 300,
    seed: int = 1,
    as_of: date | None = None,
    kdf: crypto.KdfParams | None = None,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> DemoVault:
    """Creates the vault at `root` (which must not hold one), its staff and `cases` cases."""
    passphrase = demo_passphrase()
    tuned = kdf or crypto.tune_kdf()  # tuned once; each slot still gets its own salt
    rng = random.Random(f"cmdesk-demo-staff:{seed}")
    users = []
    for username, role, team in STAFF:
        name = demo_name(rng, "northern_thai", rng.choice(("female", "male")), born_year=1985)
        users.append(DemoUser(username, role.value, team, name.full_th))
    admin = users[0]
    ws = Workspace.create(
        root,
        org_code=DEMO_ORG,
        username=admin.username,
        passphrase=passphrase,
        display_name=admin.display_name,
        org_name_th=DEMO_ORG_TH,
        org_name_en=DEMO_ORG_EN,
        kdf=tuned.with_new_salt(),
    )
    try:
        for user in users[1:]:
            ws.users.add(
                user.username,
                passphrase,
                user.role,
                display_name=user.display_name,
                team=user.team,
                kdf=tuned.with_new_salt(),
            )
        result = generate(ws, cases, seed=seed, as_of=as_of, progress=progress, cancel=cancel)
    finally:
        ws.close()
    return DemoVault(root, passphrase, tuple(users), result)
