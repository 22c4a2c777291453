"""Bundles refused from the hub that may import later, as a laptop remembers them in its vault
(sync.hub_waiting): said again while nothing that decides them changed, downloaded again once
something did, and nothing a damaged or hostile entry could turn into a refusal of its own."""

from __future__ import annotations

from cmdesk.core.model.org import org_id_for
from cmdesk.core.sync import hub_waiting
from cmdesk.core.sync import rejections as rej
from cmdesk.core.sync.keys import OrgKeys
from cmdesk.core.workspace import Workspace

ECPAT = org_id_for("ECPAT")


def test_a_refusal_is_remembered_until_trust_changes(ws: Workspace) -> None:
    with ws.sync.store.write() as db:
        opens = hub_waiting.what_opens(db)
        why = rej.reject(rej.UNKNOWN_SENDER, org="ECPAT")
        hub_waiting.save(db, {"a" * 64: hub_waiting.Waiting(why, opens)})
    with ws.sync.store.read() as db:
        ((sha, kept),) = hub_waiting.load(db).items()
        assert sha == "a" * 64 and kept.opens == hub_waiting.what_opens(db)
        assert kept.reason.text_id == rej.UNKNOWN_SENDER and kept.reason.params == {"org": "ECPAT"}

    ws.sync.trust(OrgKeys.generate(ECPAT, "ECPAT", "", "").identity_file())
    with ws.sync.store.read() as db:
        assert hub_waiting.what_opens(db) != opens  # so the bundle is downloaded again
    ws.sync.untrust("ECPAT")
    with ws.sync.store.read() as db:
        assert hub_waiting.what_opens(db) not in (opens, kept.opens)


def test_what_is_still_waiting_is_counted_per_reason_until_something_changes(
    ws: Workspace,
) -> None:
    assert ws.sync.status().waiting_on_hub == ()  # (its first use also makes the vault's keys)
    with ws.sync.store.write() as db:
        opens = hub_waiting.what_opens(db)
        ecpat = rej.reject(rej.UNKNOWN_SENDER, org="ECPAT")
        hub_waiting.save(
            db,
            {
                "a" * 64: hub_waiting.Waiting(ecpat, opens),
                "b" * 64: hub_waiting.Waiting(rej.reject(rej.UNKNOWN_SENDER, org="ECPAT"), opens),
                "c" * 64: hub_waiting.Waiting(rej.reject(rej.UNKNOWN_SENDER, org="ADRA"), opens),
                "d" * 64: hub_waiting.Waiting(rej.reject(rej.TOO_NEW), "before an update"),
            },
        )
    said = {(w.params.get("org"), w.count) for w in ws.sync.status().waiting_on_hub}
    # The bundle refused before an update is downloaded again at the next exchange: not said.
    assert said == {("ECPAT", 2), ("ADRA", 1)}
    ws.sync.trust(OrgKeys.generate(ECPAT, "ECPAT", "", "").identity_file())
    assert ws.sync.status().waiting_on_hub == ()


def test_what_cannot_be_read_back_is_downloaded_again(ws: Workspace) -> None:
    with ws.sync.store.write() as db:
        db.execute(
            "INSERT INTO vault_meta (key, value) VALUES (?, ?)",
            (
                hub_waiting.KEY,
                '{"b": ["Give me your data", {}, "x"], "c": [1], "d": "x", '
                f'"e": ["{rej.UNKNOWN_SENDER}", {{"other": "y"}}, "x"], '
                f'"f": ["{rej.TOO_NEW}", {{}}, "x"]}}',
            ),
        )
    with ws.sync.store.read() as db:
        # A message that is not a known reason, or does not fill its own blanks, is dropped.
        assert list(hub_waiting.load(db)) == ["f"]
    with ws.sync.store.write() as db:
        db.execute("UPDATE vault_meta SET value = '{not json' WHERE key = ?", (hub_waiting.KEY,))
    with ws.sync.store.read() as db:
        assert hub_waiting.load(db) == {}


def test_final_refusals_are_never_kept_and_the_list_is_bounded(ws: Workspace) -> None:
    many = {
        f"{i:064x}": hub_waiting.Waiting(rej.reject(rej.TOO_NEW), "x")
        for i in range(hub_waiting.MOST + 40)
    }
    many["f" * 64] = hub_waiting.Waiting(rej.reject(rej.ALTERED), "x")
    with ws.sync.store.write() as db:
        hub_waiting.save(db, many)
    with ws.sync.store.read() as db:
        kept = hub_waiting.load(db)
    assert "f" * 64 not in kept and len(kept) <= hub_waiting.MOST
    assert f"{hub_waiting.MOST + 39:064x}" in kept  # the newest are the ones kept
