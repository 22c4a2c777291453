"""An erasure reaches every replica: the records and their whole history are gone, and an
old bundle that still carries them does not bring them back."""

from __future__ import annotations

from sqlalchemy import text

from cmdesk.core.services.pdpa import Witness
from cmdesk.core.vault import crypto
from cmdesk.core.workspace import Workspace
from tests.core.sync.conftest import Net, exchange, sync
from tests.core.sync.records import add_case, add_child, add_note, rows

WITNESS_PASS = "a witness's own passphrase"


def history(ws: Workspace, row_id: str) -> int:
    with ws.ctx.read() as s:
        return int(
            s.execute(
                text("SELECT count(*) FROM sync_change WHERE row_id = :r"), {"r": row_id}
            ).scalar()
            or 0
        )


def test_erasure_purges_history_everywhere_and_old_bundles_cannot_revive(net: Net) -> None:
    child = add_child(net.a1, nickname="ลบทิ้ง")
    case = add_case(net.a1, child)
    add_note(net.a1, case, "secret")
    old_bundle, _ = sync(net.a1).export()
    sync(net.a2).import_bundle(old_bundle)
    kept = add_child(net.a1, nickname="kept")
    erase(net.a1, child)
    assert history(net.a1, child) == history(net.a1, case) == 0
    exchange(net.a1, net.a2)
    assert child not in rows(net.a2, "child") and case not in rows(net.a2, "case_file")
    assert history(net.a2, child) == history(net.a2, case) == 0
    assert kept in rows(net.a2, "child")
    # a3 never saw the child: the old bundle arrives after the erasure.
    exchange(net.a1, net.a3)
    sync(net.a3).import_bundle(old_bundle)
    assert child not in rows(net.a3, "child") and history(net.a3, child) == 0
    assert sync(net.a2).state_hash() == sync(net.a3).state_hash()


def test_erased_words_leave_no_trace_in_a_receiving_replicas_pages(net: Net) -> None:
    """The receiving laptop's search index held the child's words too; after the erasure
    arrives, no page of its database or WAL may still carry them."""
    from tests.core.records.sqlcipher_pages import plaintext

    canary = "ลบทิ้งCANARYzq"
    child = add_child(net.a1, nickname=canary)
    add_case(net.a1, child)
    exchange(net.a1, net.a2)
    db = net.a2.vault.paths.db
    # The scan can see it before (so this test can fail); messages never dump the pages.
    seen_before = canary.encode() in plaintext(net.a2.vault.data_key, db)
    assert seen_before, "the page scan did not find the canary it should see"
    erase(net.a1, child)
    exchange(net.a1, net.a2)
    assert child not in rows(net.a2, "child")
    seen_after = canary.encode() in plaintext(net.a2.vault.data_key, db)
    assert not seen_after, "the erased words are still readable on the receiving laptop"


def erase(ws: Workspace, child_id: str) -> None:
    """The data manager erases the child, a supervisor of the organisation witnessing."""
    if not any(u.username == "witness" for u in ws.users.list()):
        ws.users.add("witness", WITNESS_PASS, "supervisor", kdf=crypto.weak_kdf_for_tests())
    ws.pdpa.erase_child(child_id, "data_subject_request", witness=Witness("witness", WITNESS_PASS))
