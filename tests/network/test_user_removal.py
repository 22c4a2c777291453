"""A user removed through `cmdesk user remove` cannot come back with a copy of the old key
file (issue 10): the vault goes under a new key, the command says so, and every record stays."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.network.harness import Laptop


def test_removed_user_with_an_old_key_file_copy_is_refused(tmp_path: Path) -> None:
    office = Laptop.init(tmp_path / "office", "WVFT")
    sup = office.add_user("kasem", "supervisor")
    lek = office.add_user("lek", "supervisor")
    sup.run(
        "child", "add", "--set", "given_name_th=มะลิ", "--set", "sex=female",
        "--set", "birth_year=2557",
    )  # fmt: skip
    kept = tmp_path / "keyslots-kept-by-lek.json"
    shutil.copy(office.root / "keyslots.json", kept)

    said = office.run("user", "remove", "lek", json_out=False, env={"CMDESK_LANG": "th"}).out
    assert "ยกเลิกสิทธิ์เข้าใช้ของ lek แล้ว" in said
    assert "คลังข้อมูลใช้กุญแจใหม่แล้ว" in said

    # The old key file put back beside the live database, with lek's passphrase.
    shutil.copy(office.root / "keyslots.json", tmp_path / "live-keyslots.json")
    shutil.copy(kept, office.root / "keyslots.json")
    refused = lek.run("child", "list", check=False)
    assert refused.code != 0 and "Traceback" not in refused.err
    shutil.copy(tmp_path / "live-keyslots.json", office.root / "keyslots.json")
    assert [c["name_th"] for c in sup.json("child", "list")] == ["มะลิ"]
