"""Sync conflicts are decided only by staff who may see the record, with values the field can
hold (issue 10, 5f and 6): through `cmdesk sync conflicts|resolve` in separate processes."""

from __future__ import annotations

from pathlib import Path

from tests.network.harness import Laptop


def test_only_staff_who_see_the_case_decide_its_conflict_with_a_valid_code(
    tmp_path: Path,
) -> None:
    office = Laptop.init(tmp_path / "office", "WVFT")
    kasem = office.add_user("kasem", "supervisor", display_name="Kasem")
    pim = office.add_user("pim", "field_worker", team="north", display_name="Pim")
    som = office.add_user("som", "field_worker", team="south", display_name="Som")
    partner = Laptop.init(tmp_path / "ecpat", "ECPAT")
    office.trust(partner)
    partner.trust(office)
    field = office.enrol(tmp_path / "field", user="lek", role="supervisor")

    case = kasem.open_case("มะลิ", "risk_reason=left alone", "assigned_worker=pim")
    office.send_to(field)
    kasem.run("case", "edit", case["id"], "--set", "risk_level=high", "--set", "risk_reason=x")
    field.run("case", "edit", case["id"], "--set", "risk_level=critical", "--set", "risk_reason=x")
    field.send_to(office)

    seen = kasem.json("sync", "conflicts")
    assert len(seen) == 1 and seen[0]["field"] == "risk_level"
    conflict = seen[0]["id"]
    assert [c["id"] for c in pim.json("sync", "conflicts")] == [conflict]  # assigned to her
    assert som.json("sync", "conflicts") == []  # another team's case
    assert office.json("sync", "conflicts") == []  # the data manager does no casework

    refused = som.run("sync", "resolve", conflict, "--value", "low", check=False)
    assert refused.code == 1 and "permission" in refused.err
    bad = kasem.run("sync", "resolve", conflict, "--value", "not-a-risk-level", check=False)
    assert bad.code == 1 and "does not fit" in bad.err
    assert len(kasem.json("sync", "conflicts")) == 1  # nothing was decided

    kasem.run("sync", "resolve", conflict, "--value", "high")
    assert kasem.json("sync", "conflicts") == []
    assert kasem.json("case", "show", case["id"])["case"]["risk_level"] == "high"
    office.send_to(field)
    assert field.status()["state_hash"] == office.status()["state_hash"]

    # A partner holds nothing of this case and can decide nothing about it.
    theirs = partner.add_user("pk", "supervisor", display_name="PK")
    assert theirs.json("sync", "conflicts") == []
    nope = theirs.run("sync", "resolve", conflict, "--value", "low", check=False)
    assert nope.code == 1 and "no open conflict" in nope.err
