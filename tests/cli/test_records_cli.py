"""Records from the command line, as a data manager or supervisor scripts them: JSON shapes,
field-named errors in the chosen language that change nothing, and the demo commands."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cmdesk.cli.main import main
from cmdesk.core.demo.generate import generate
from cmdesk.core.vault import crypto
from cmdesk.core.workspace import Workspace
from tests.conftest import ADMIN, ADMIN_PASS

SUP = "sup"
PASS = "cli records passphrase"
CHILD = [
    "--set",
    "given_name_th=ฑิฆัมพร",
    "--set",
    "given_name_latin=Thikhamphon",
    "--set",
    "sex=female",
    "--set",
    "birth_year=2557",
    "--set",
    "ethnicity=akha",
    "--set",
    "subdistrict_code=570101",
    "--set",
    "languages=akha, thai",
]


@pytest.fixture(scope="module")
def records_template(template_vault: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli-records") / "vault"
    shutil.copytree(template_vault, root)
    kdf = crypto.weak_kdf_for_tests()
    with Workspace.open(root, ADMIN, ADMIN_PASS) as ws:
        ws.users.add(SUP, PASS, "supervisor", kdf=kdf)
        ws.users.add("sup2", PASS, "supervisor", kdf=kdf)
        ws.users.add("fw", PASS, "field_worker", team="north", kdf=kdf)
        generate(ws, 40, seed=4, as_of=date(2026, 11, 25), workers=0)
    return root


@pytest.fixture
def vault(records_template: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "vault"
    shutil.copytree(records_template, dest)
    return dest


@pytest.fixture
def cli(vault: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    monkeypatch.setenv("CMDESK_LANG", "en")
    monkeypatch.delenv("CMDESK_USER", raising=False)

    def run(*argv: str, user: str = SUP, expect: int = 0) -> Any:
        monkeypatch.setenv("CMDESK_PASSPHRASE", ADMIN_PASS if user == ADMIN else PASS)
        code = main(["--vault", str(vault), "--user", user, *argv])
        out, err = capsys.readouterr()
        assert code == expect, err
        if "--json" in argv and code == 0:
            return json.loads(out)
        return out + err

    return run


CASE_KEYS = {"id", "case_number", "child_name_th", "child_name_en", "stage", "risk"}


def test_case_list_and_search_print_arrays_of_cases(cli: Any) -> None:
    rows = cli("case", "list", "--json", "--limit", "7")
    assert isinstance(rows, list) and len(rows) == 7
    assert all(row.keys() >= CASE_KEYS for row in rows)
    review = cli("case", "list", "--json", "--stage", "review", "--order", "risk")
    assert review and {r["stage"] for r in review} == {"review"}
    name = rows[0]["child_name_th"].split()[0]
    found = cli("search", name[:4], "--json")
    assert isinstance(found, list) and found[0].keys() >= CASE_KEYS
    assert any(r["id"] == rows[0]["id"] for r in found)
    assert "·" in cli("search", name[:4])  # one readable line per case


def test_child_add_show_edit(cli: Any, tmp_path: Path) -> None:
    child = cli("child", "add", "--json", *CHILD)
    assert child["given_name_th"] == "ฑิฆัมพร" and child["languages"] == ["akha", "thai"]
    assert child["birth"]["year"] == 2014  # 2557 read as a Buddhist-Era year
    shown = cli("child", "show", child["id"], "--json")
    assert shown["id"] == child["id"]
    edited = cli("child", "edit", child["id"], "--set", "nickname=ฝน", "--json")
    assert edited["nickname"] == "ฝน" and edited["given_name_th"] == "ฑิฆัมพร"
    patch = tmp_path / "patch.json"
    patch.write_text(json.dumps({"village": "บ้านป่าซาง", "other_names": ["อาหมี่"]}))
    edited = cli("child", "edit", child["id"], "--json-patch", str(patch), "--json")
    assert edited["village"] == "บ้านป่าซาง" and edited["other_names"] == ["อาหมี่"]
    listed = cli("child", "list", "--search", "ฑิฆัม", "--json")
    assert [c["id"] for c in listed] == [child["id"]]


def test_child_from_a_json_file_with_household(cli: Any, tmp_path: Path) -> None:
    source = tmp_path / "child.json"
    source.write_text(
        json.dumps(
            {
                "given_name_th": "มะลิ",
                "family_name_latin": "Saengthong",
                "sex": "female",
                "birth_date": "2014-05-01",
                "household": [{"name": "บัวคำ", "relationship": "mother", "is_caregiver": True}],
            },
            ensure_ascii=False,
        )
    )
    child = cli("child", "add", "--json-input", str(source), "--not-duplicate", "--json")
    assert child["household"][0]["relationship"] == "mother"


def test_a_file_that_cannot_be_used_is_said_in_the_user_s_language(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CMDESK_LANG", "th")
    missing = tmp_path / "missing.json"
    said = cli("child", "add", "--json-input", str(missing), expect=1)
    assert said.strip() == f"ใช้ไฟล์ {missing} ไม่ได้: ไม่มีไฟล์หรือโฟลเดอร์นี้"
    said = cli("child", "add", "--json-input", str(tmp_path), expect=1)
    assert said.strip() == f"ใช้ไฟล์ {tmp_path} ไม่ได้: เป็นโฟลเดอร์ ไม่ใช่ไฟล์"


def count_children(cli: Any) -> int:
    return len(cli("child", "list", "--json", "--limit", "500"))


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        (["--set", "given_name_th=Somchai"], "given_name_th"),  # not Thai script
        (["--set", "colour=blue"], "colour"),
        (["--set", "sex=female", "--set", "birth_date=31/02/2557"], "birth_date"),
        (["--set", "nickname"], "set"),
    ],
)
def test_bad_child_input_names_the_field_and_changes_nothing(
    cli: Any, argv: list[str], field: str
) -> None:
    before = count_children(cli)
    err = cli("child", "add", *argv, expect=1)
    assert f"{field}:" in err and "Traceback" not in err
    assert count_children(cli) == before


def test_errors_follow_the_chosen_language(cli: Any) -> None:
    err = cli("--lang", "th", "child", "add", "--set", "given_name_th=Somchai", expect=1)
    assert "given_name_th:" in err
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in err.split("given_name_th:")[1])


def test_bad_json_is_refused(cli: Any, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"given_name_th": ')
    assert "json:" in cli("child", "add", "--json-input", str(broken), expect=1)
    listed = tmp_path / "list.json"
    listed.write_text("[1, 2]")
    assert "json:" in cli("child", "add", "--json-input", str(listed), expect=1)


def test_a_case_from_opening_to_reopening(cli: Any) -> None:
    child = cli("child", "add", "--json", *CHILD, "--not-duplicate")
    case = cli(
        "case",
        "add",
        child["id"],
        "--set",
        "concerns=neglect,no_documents",
        "--set",
        "risk_level=high",
        "--set",
        "risk_reason=Alone at night.",
        "--set",
        "assigned_worker=fw",
        "--json",
    )
    number = case["case_number"]
    assert case["stage"] == "registration" and case["team"] == "north"
    edited = cli("case", "edit", number, "--set", "risk_level=critical", "--json", expect=1)
    assert edited  # a risk change needs its reason: refused, nothing written
    edited = cli(
        "case", "edit", number, "--set", "risk_level=critical", "--set", "risk_reason=Worse."
    )
    shown = cli("case", "show", number, "--json")
    assert shown["case"]["risk_level"] == "critical"
    assert {"case", "notes", "referrals", "tasks"} <= shown.keys()
    # what the user may do now, as the core says (a supervisor at registration)
    assert {"add_note", "assign_manager", "request_closure"} <= set(shown["case"]["actions"])
    assert "approve_plan" not in shown["case"]["actions"]
    assert shown["case"]["moves"] == ["assessment"]
    cli("note", "add", number, "--text", "เยี่ยมบ้าน พบเด็กและแม่", "--kind", "home_visit")
    assert len(cli("case", "show", number, "--json")["notes"]) == 1
    assert cli("case", "advance", number, "--to", "assessment", "--json")["stage"] == "assessment"
    assert cli("case", "close", number, "--reason", "moved_away", "--json")["closure_status"]
    err = cli("case", "close", number, "--approve", expect=1)  # four eyes: not one's own request
    assert "Traceback" not in err
    assert cli("case", "close", number, "--approve", "--json", user="sup2")["stage"] == "closure"
    reopened = cli("case", "reopen", number, "--reason", "New report from the school.", "--json")
    assert reopened["stage"] == "assessment" and reopened["reopen_count"] == 1
    assert number in cli("case", "show", number)


def test_referral_send_list_and_withdraw(cli: Any) -> None:
    case = cli("case", "list", "--json", "--stage", "implementation", "--limit", "1")[0]
    sent = cli(
        "referral",
        "send",
        case["case_number"],
        "--to",
        "ECPAT",
        "--service",
        "legal_aid",
        "--reason",
        "Needs a lawyer for the court case.",
        "--share",
        "identity",
        "--override-reason",
        "Court date is tomorrow.",
        "--json",
    )
    assert sent["status"] == "sent" and sent["to_org_code"] == "ECPAT"
    listed = cli("referral", "list", "--case", case["id"], "--json")
    assert sent["id"] in {r["id"] for r in listed}
    withdrawn = cli(
        "referral", "respond", sent["id"], "withdraw", "--text", "Family moved.", "--json"
    )
    assert withdrawn["status"] == "withdrawn"
    assert cli("referral", "show", sent["id"], "--json")["events"]


def test_export_person_is_for_the_data_manager(cli: Any, tmp_path: Path) -> None:
    child = cli("child", "list", "--json", "--limit", "1")[0]
    out = tmp_path / "person.json"
    assert "Wrote" in cli("export-person", child["id"], "-o", str(out), user=ADMIN)
    exported = json.loads(out.read_text("utf-8"))
    assert child["id"] in json.dumps(exported)
    assert "permission" in cli("export-person", child["id"], expect=1)


def test_demo_adds_cases_with_progress(cli: Any, vault: Path) -> None:
    argv = ("demo", "--cases", "20", "--seed", "9", "--as-of", "2026-11-25", "--json")
    result = cli(*argv, user=ADMIN)
    assert result["cases"] == 20 and not result["cancelled"]
    assert "Generated 10 of 10" in cli("demo", "--cases", "10", "--workers", "0", user=ADMIN)


def test_demo_vault_prints_users_and_passphrase(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CMDESK_LANG", "en")
    root = tmp_path / "demo"
    assert main(["--vault", str(root), "--json", "demo-vault", "--cases", "30"]) == 0
    made = json.loads(capsys.readouterr().out)
    roles = {u["role"] for u in made["users"]}
    assert roles == {"data_manager", "supervisor", "case_manager", "field_worker"}
    with Workspace.open(root, "supervisor", made["passphrase"]) as ws:
        assert len(ws.search.caseload().rows) == 30
    assert main(["--vault", str(root), "demo-vault"]) == 1  # never over an existing vault
