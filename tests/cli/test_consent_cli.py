"""`cmdesk consent` and what `referral show` says a referral shares: JSON for scripts, lines
in the chosen language, bad input as field-named messages (never a traceback), nothing
changed by a refused command."""

from __future__ import annotations

from typing import Any

from tests.cli.test_records_cli import CHILD, cli, records_template, vault  # noqa: F401


def test_a_consent_is_recorded_listed_and_withdrawn(cli: Any) -> None:  # noqa: F811
    case = cli("case", "list", "--json", "--open", "--limit", "1")[0]
    child = case["child_id"]
    before = cli("consent", "list", child, "--json")
    added = cli(
        "consent", "add", child, "--purpose", "sharing", "--share-with", "ECPAT",
        "--given-on", "1/12/2569", "--given-by", "parent", "--giver-name", "นางคำ แสงทอง",
        "--method", "written", "--case", case["case_number"], "--json",
    )  # fmt: skip
    assert added["shared_with_org_code"] == "ECPAT" and added["given_on"] == "2026-12-01"
    assert added["case_id"] == case["id"] and added["withdrawn_at"] is None
    listed = cli("--lang", "th", "consent", "list", child)
    line = next(x for x in listed.splitlines() if x.startswith(added["id"]))
    assert "(ECPAT)" in line and "ให้ความยินยอมเมื่อ 1 ธ.ค. 2569" in line and "ยังมีผล" in line
    said = cli("--lang", "th", "consent", "withdraw", added["id"], "--reason", "แม่เปลี่ยนใจ")
    assert said.strip() == f"ถอนความยินยอมแล้ว: {added['id']}"
    after = {c["id"]: c for c in cli("consent", "list", child, "--json")}
    assert after[added["id"]]["withdrawn_at"] is not None
    assert len(after) == len(before) + 1
    new = cli("child", "add", "--json", *CHILD)
    assert cli("--lang", "th", "consent", "list", new["id"]).strip() == (
        "ยังไม่มีการบันทึกความยินยอมของเด็กคนนี้"
    )


def test_bad_consent_input_is_a_message_and_changes_nothing(cli: Any) -> None:  # noqa: F811
    child = cli("case", "list", "--json", "--open", "--limit", "1")[0]["child_id"]
    before = cli("consent", "list", child, "--json")
    # Sharing needs the organisation it is shared with; a date in the future is refused.
    out = cli(
        "--lang", "th", "consent", "add", child, "--purpose", "sharing",
        "--given-on", "1/12/2580", "--given-by", "parent", "--method", "written", expect=1,
    )  # fmt: skip
    assert "Traceback" not in out and "given_on" in out and "shared_with_org" in out
    out = cli("consent", "add", child, "--purpose", "sharing", "--given-on", "31/02/2569", expect=1)
    assert "given_on" in out and "Traceback" not in out
    out = cli("consent", "withdraw", "no-such-consent", "--reason", "x", expect=1)
    assert "Traceback" not in out
    assert cli("consent", "list", child, "--json") == before
    missing = cli("--lang", "th", "consent", "list", "no-such-child", expect=1)
    assert "ไม่พบข้อมูลที่ต้องการ" in missing and "Traceback" not in missing


def test_referral_show_lists_what_the_referral_shares(cli: Any) -> None:  # noqa: F811
    sent = cli("referral", "list", "--json")
    assert sent, "the demo vault refers cases"
    shown = cli("referral", "show", sent[0]["id"])
    assert f"Shared with {sent[0]['to_org_code']}:" in shown
    rest = shown[shown.index("Shared with") :].splitlines()[1:]
    assert rest and all(line.startswith("  ") for line in rest)
