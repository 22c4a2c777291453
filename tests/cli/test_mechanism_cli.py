"""`cmdesk mechanism` and `cmdesk case link-mechanism`: JSON everywhere, B.E. dates, bad
input as field-named messages in the chosen language (never a traceback), nothing changed."""

from __future__ import annotations

from typing import Any

from tests.cli.test_records_cli import cli, records_template, vault  # noqa: F401


def test_add_list_meet_and_link(cli: Any) -> None:  # noqa: F811
    added = cli(
        "mechanism", "add", "--kind", "centre", "--name", "ศูนย์คุ้มครองเด็กตำบลทดสอบ",
        "--subdistrict", "570101", "--contact", "นางทดสอบ ประสาน", "--phone", "081-555-0000",
        "--json",
    )  # fmt: skip
    assert added["subdistrict_code"] == "570101" and added["active"] is True
    mech = added["id"]
    listed = cli("mechanism", "list", "--district", "5701", "--json")
    assert mech in [m["id"] for m in listed]
    assert all(m["subdistrict_code"].startswith("5701") for m in listed)
    assert mech not in [m["id"] for m in cli("mechanism", "list", "--district", "5702", "--json")]
    meeting = cli(
        "mechanism", "meeting", mech, "--date", "2569-11-20", "--attendees", "12", "--json"
    )
    assert meeting["held_on"] == "2026-11-20" and meeting["attendees"] == 12
    assert "ศูนย์คุ้มครองเด็กตำบลทดสอบ" in cli("mechanism", "list", "--subdistrict", "570101")
    off = cli("mechanism", "edit", mech, "--active", "no", "--json")
    assert off["active"] is False and off["contact_name"] == "นางทดสอบ ประสาน"
    case = cli("case", "list", "--json", "--open", "--limit", "1")[0]
    linked = cli(
        "case", "link-mechanism", case["case_number"], "--mechanism", mech, "--direction", "from",
        "--json",
    )  # fmt: skip
    assert linked["referred_by_mechanism_id"] == mech
    cleared = cli(
        "case", "link-mechanism", case["id"], "--mechanism", "none", "--direction", "from", "--json"
    )
    assert cleared["referred_by_mechanism_id"] is None


def test_bad_input_is_a_message_in_the_chosen_language(cli: Any) -> None:  # noqa: F811
    before = cli("mechanism", "list", "--json")
    out = cli(
        "--lang", "th", "mechanism", "add", "--kind", "centre", "--name", " ",
        "--subdistrict", "579999", "--phone", "call me", expect=1,
    )  # fmt: skip
    assert "subdistrict_code" in out and "Traceback" not in out
    assert "ตำบล" in out
    out = cli(
        "mechanism",
        "meeting",
        before[0]["id"],
        "--date",
        "31/02/2569",
        "--attendees",
        "3",
        expect=1,
    )
    assert "date" in out and "Traceback" not in out
    assert cli("mechanism", "list", "--json") == before
    assert "permission" in cli("mechanism", "add", "--kind", "council", "--name", "x",
                               "--subdistrict", "570101", user="fw", expect=1)  # fmt: skip
