"""Two laptops of one organisation (copied from the sync tests' network), each with its own
supervisor and case manager, and one case that both laptops hold: the starting point for
exchanges and conflicts seen the way staff see them.

Import `network_template` from tests.core.sync.conftest next to these helpers: it builds
the network once per session.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from cmdesk.core.vault import crypto
from cmdesk.core.workspace import Workspace
from tests.conftest import ADMIN, ADMIN_PASS
from tests.core.records.factories import child_draft

SUPERVISOR = "kasem"
CASE_MANAGER = "anong"
FIELD_WORKER = "pim"
STAFF_PASS = "laptop staff passphrase"
REASON = "the mother left for work in Bangkok"


@dataclass(frozen=True)
class Laptops:
    a: Path
    b: Path
    case_id: str
    child_id: str


def open_as(root: Path, user: str = SUPERVISOR) -> Workspace:
    return Workspace.open(root, user, ADMIN_PASS if user == ADMIN else STAFF_PASS)


def make_laptops(network: Path, dest: Path, *, shared_case: bool = True) -> Laptops:
    """Laptops a (a1) and b (a2) with staff; a registers a child and opens a case, and b
    imports it (unless `shared_case` is false)."""
    kdf = crypto.weak_kdf_for_tests()
    roots = []
    for name, copy in (("a1", "a"), ("a2", "b")):
        root = dest / copy
        shutil.copytree(network / name, root)
        with Workspace.open(root, ADMIN, ADMIN_PASS) as ws:
            ws.users.add(SUPERVISOR, STAFF_PASS, "supervisor", display_name="Kasem", kdf=kdf)
            ws.users.add(CASE_MANAGER, STAFF_PASS, "case_manager", display_name="Anong", kdf=kdf)
            ws.users.add(
                FIELD_WORKER, STAFF_PASS, "field_worker", display_name="Pim", team="x", kdf=kdf
            )
        roots.append(root)
    a, b = roots
    with open_as(a) as ws:
        child = ws.children.register_child(child_draft(), confirm_not_duplicate=True).value
        case = ws.cases.open_case(child.id, ["neglect"], "medium", "left alone at night").value
        data, _ = ws.sync.export()
    if shared_case:
        with open_as(b) as ws:
            ws.sync.import_bundle(data)
    return Laptops(a, b, case.id, child.id)


def exchange(src: Path, dst: Path) -> None:
    with open_as(src) as ws:
        data, _ = ws.sync.export()
    with open_as(dst) as ws:
        ws.sync.import_bundle(data)


def concurrent_risk(laptops: Laptops, on_a: str = "high", on_b: str = "critical") -> None:
    """Both laptops change the case's risk level before exchanging: one conflict (the
    reason typed is the same, so only the level is in conflict)."""
    with open_as(laptops.a) as ws:
        ws.cases.set_risk(laptops.case_id, on_a, REASON)
    with open_as(laptops.b) as ws:
        ws.cases.set_risk(laptops.case_id, on_b, REASON)
