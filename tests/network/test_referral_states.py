"""Every state of a referral reaches the other organisation, through `cmdesk` processes
(issue 10, 5b-5d): a withdrawal, a referral sent on a recorded override, the partner's
answers; and a refused send leaves nothing behind."""

from __future__ import annotations

from pathlib import Path

from cmdesk.core.reference.partners import Service
from cmdesk.core.reference.partners import partner as partner_info
from tests.network.harness import Laptop


def incoming(staff: Laptop, referral_id: str) -> dict[str, object]:
    found = [r for r in staff.json("referral", "list", "--incoming") if r["id"] == referral_id]
    assert len(found) == 1, f"referral not received: {len(found)}"
    return found[0]


def test_referral_states_travel_both_ways(tmp_path: Path) -> None:
    wvft = Laptop.init(tmp_path / "wvft", "WVFT")
    sup = wvft.add_user("kasem", "supervisor", display_name="Kasem")
    wvft.run("demo", "--cases", "6", "--syncable", "--seed", "3", "--workers", "0")
    referrals = sup.json("referral", "list")
    active = [r for r in referrals if r["status"] in ("sent", "acknowledged")]
    assert active, "the demo data has referrals waiting for an answer"
    code = str(active[0]["to_org_code"])
    offered = str(active[0]["service"])
    partner = Laptop.init(tmp_path / "partner", code)
    wvft.trust(partner)
    partner.trust(wvft)
    staff = partner.add_user("pk", "supervisor", display_name="PK")

    # (d) A send refused for want of consent leaves no draft behind.
    referred = {r["case_id"] for r in referrals if r["to_org_code"] == code}
    open_cases = sup.json("case", "list", "--open")
    other = next(c["id"] for c in open_cases if c["id"] not in referred)
    refused = sup.run(
        "referral", "send", other, "--to", code, "--service", offered,
        "--reason", "no safe place", "--share", "identity", check=False,
    )  # fmt: skip
    assert refused.code == 1 and "consent" in refused.err
    assert len(sup.json("referral", "list")) == len(referrals)

    # (e) A service the partner does not list is refused, nothing left behind, unless the
    # worker says why.
    elsewhere = next(
        s.value for s in Service if partner_info(code) and s not in partner_info(code).services
    )
    not_offered = sup.run(
        "referral", "send", other, "--to", code, "--service", elsewhere, "--reason", "x",
        "--share", "identity", "--override-reason", "no consent can be asked tonight",
        check=False,
    )  # fmt: skip
    assert not_offered.code == 1 and "does not list this service" in not_offered.err
    assert len(sup.json("referral", "list")) == len(referrals)

    # (c) Sent on a recorded override: it reaches the partner with the sections it shares.
    override = sup.json(
        "referral", "send", other, "--to", code, "--service", offered,
        "--reason", "no safe place tonight", "--share", "identity",
        "--override-reason", "the child is in danger tonight; the mother cannot be reached",
    )  # fmt: skip
    assert override["consent_id"] is None and override["override_reason"]
    wvft.send_to(partner)
    got = incoming(staff, str(override["id"]))
    assert got["status"] == "sent" and got["override_reason"]

    # The partner's answers come back to WVFT.
    staff.run("referral", "respond", str(override["id"]), "acknowledge")
    staff.run("referral", "respond", str(override["id"]), "accept", "--text", "a bed tonight")
    partner.send_to(wvft)
    back = [r for r in sup.json("referral", "list") if r["id"] == override["id"]]
    assert back[0]["status"] == "accepted"

    # (b) A withdrawal reaches the partner, who then cannot accept it.
    waiting = str(active[0]["id"])
    sup.run("referral", "respond", waiting, "withdraw", "--text", "the family moved away")
    assert wvft.send_to(partner)["new"] > 0
    assert incoming(staff, waiting)["status"] == "withdrawn"
    late = staff.run("referral", "respond", waiting, "accept", "--text", "ok", check=False)
    assert late.code == 1
    partner.send_to(wvft)
    assert [r["status"] for r in sup.json("referral", "list") if r["id"] == waiting] == [
        "withdrawn"
    ]
    assert sup.json("sync", "conflicts") == []
