"""The sync commands as a data manager scripts them: two organisations, a second laptop
joining, bundles both ways, a conflict decided from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cmdesk.cli.main import main
from cmdesk.core.model import Child
from cmdesk.core.sync import keys
from cmdesk.core.sync.resolution import open_conflicts
from cmdesk.core.workspace import Workspace
from tests.conftest import ADMIN, ADMIN_PASS
from tests.core.laptops import (
    FIELD_WORKER,
    STAFF_PASS,
    SUPERVISOR,
    concurrent_risk,
    exchange,
    make_laptops,
    open_as,
)
from tests.core.sync.conftest import network_template  # noqa: F401 (a fixture)
from tests.core.sync.records import add_child, edit


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("CMDESK_USER", "CMDESK_NEW_PASSPHRASE", "CMDESK_ENROL_PASSPHRASE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CMDESK_PASSPHRASE", ADMIN_PASS)
    monkeypatch.setenv("CMDESK_LANG", "en")
    monkeypatch.setattr(keys, "ENROL_OPS", 1)
    monkeypatch.setattr(keys, "ENROL_MEM", 8192)
    return monkeypatch


def cli(
    capsys: pytest.CaptureFixture[str], vault: Path, *args: str, user: str = ADMIN
) -> dict[str, object]:
    code = main(["--vault", str(vault), "--user", user, "--json", *args])
    out = capsys.readouterr()
    assert code == 0, out.err
    parsed: dict[str, object] = json.loads(out.out) if out.out.strip() else {}
    return parsed


def test_two_organisations_and_a_joining_laptop(
    tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    a1, a2, p1 = tmp_path / "a1", tmp_path / "a2", tmp_path / "p1"
    cli(capsys, a1, "init", "--org", "WVFT")
    cli(capsys, p1, "init", "--org", "ECPAT")
    ident_a = cli(capsys, a1, "sync", "identity", "-o", str(tmp_path / "wvft.id"))
    cli(capsys, p1, "sync", "identity", "-o", str(tmp_path / "ecpat.id"))
    trusted = cli(capsys, p1, "sync", "trust", str(tmp_path / "wvft.id"))
    assert trusted["fingerprint"] == ident_a["fingerprint"]
    cli(capsys, a1, "sync", "trust", str(tmp_path / "ecpat.id"))

    enrol = cli(
        capsys,
        a1,
        "sync",
        "enrol-file",
        "-o",
        str(tmp_path / "laptop2.enrol"),
        "--role",
        "case_manager",
    )
    env.setenv("CMDESK_ENROL_PASSPHRASE", str(enrol["passphrase"]).lower().replace("-", " "))
    joined = cli(capsys, a2, "sync", "join", str(tmp_path / "laptop2.enrol"))
    assert joined["org"] == "WVFT"

    with Workspace.open(a1, ADMIN, ADMIN_PASS) as ws:
        child = add_child(ws, nickname="Mali")
    cli(capsys, a1, "sync", "export", "-o", str(tmp_path / "b1"))
    imported = cli(capsys, a2, "sync", "import", str(tmp_path / "b1"))
    assert imported["new"] and not imported["replay"]
    assert cli(capsys, a2, "sync", "import", str(tmp_path / "b1"))["replay"]

    with Workspace.open(a1, ADMIN, ADMIN_PASS) as ws:
        edit(ws, Child, child, nickname="Mali A")
    with Workspace.open(a2, ADMIN, ADMIN_PASS) as ws:
        edit(ws, Child, child, nickname="Mali B")
    cli(capsys, a1, "sync", "export", "-o", str(tmp_path / "b2"))
    cli(capsys, a2, "sync", "export", "-o", str(tmp_path / "b3"))
    cli(capsys, a2, "sync", "import", str(tmp_path / "b2"))
    cli(capsys, a1, "sync", "import", str(tmp_path / "b3"))
    # The data manager does no casework: a supervisor reviews and decides conflicts.
    assert cli(capsys, a1, "sync", "conflicts") == []
    env.setenv("CMDESK_NEW_PASSPHRASE", ADMIN_PASS)
    cli(capsys, a1, "user", "add", "nid", "--role", "supervisor")
    conflicts = cli(capsys, a1, "sync", "conflicts", user="nid")
    assert isinstance(conflicts, list) and len(conflicts) == 1
    cid = conflicts[0]["id"]
    assert {s["value"] for s in conflicts[0]["sides"]} == {"Mali A", "Mali B"}
    cli(capsys, a1, "sync", "resolve", cid, "--value", "Mali", user="nid")
    cli(capsys, a1, "sync", "export", "-o", str(tmp_path / "b4"))
    cli(capsys, a2, "sync", "import", str(tmp_path / "b4"))
    s1 = cli(capsys, a1, "sync", "status")
    s2 = cli(capsys, a2, "sync", "status")
    assert s1["state_hash"] == s2["state_hash"]
    assert s1["conflicts"] == s2["conflicts"] == 0
    assert {p["org_code"] for p in s2["peers"]} >= {"WVFT"}  # type: ignore[union-attr]
    assert set(s2["vector"]) == {s1["device_id"], s2["device_id"]}  # type: ignore[arg-type]

    # A bundle for the partner: nothing of ours is shared without a referral.
    cli(capsys, a1, "sync", "export", "-o", str(tmp_path / "p.bundle"), "--for", "ECPAT")
    assert cli(capsys, p1, "sync", "import", str(tmp_path / "p.bundle"))["new"] == 0


def test_refusals_are_messages_not_tracebacks(
    tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    a1 = tmp_path / "a1"
    cli(capsys, a1, "init", "--org", "WVFT")
    bad = tmp_path / "bad.bundle"
    bad.write_bytes(b"cmdesk-bundle\n\x00\x00")
    assert main(["--vault", str(a1), "--user", ADMIN, "sync", "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "incomplete" in err and "Traceback" not in err
    assert (
        main(
            [
                "--vault",
                str(a1),
                "--user",
                ADMIN,
                "sync",
                "export",
                "-o",
                str(tmp_path / "x"),
                "--for",
                "NOPE",
            ]
        )
        == 1
    )
    assert "identity" in capsys.readouterr().err
    assert (
        main(["--vault", str(a1), "--user", ADMIN, "sync", "resolve", "nope", "--value", "x"]) == 1
    )
    assert "no open conflict" in capsys.readouterr().err
    env.setenv("CMDESK_ENROL_PASSPHRASE", "WRONG-WRONG")
    cli(capsys, a1, "sync", "enrol-file", "-o", str(tmp_path / "e"))
    assert (
        main(
            ["--vault", str(tmp_path / "a2"), "--user", ADMIN, "sync", "join", str(tmp_path / "e")]
        )
        == 1
    )
    assert "does not open" in capsys.readouterr().err
    assert not (tmp_path / "a2").exists()


def test_status_in_thai(
    tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    a1 = tmp_path / "a1"
    cli(capsys, a1, "init", "--org", "WVFT")
    assert main(["--vault", str(a1), "--user", ADMIN, "--lang", "th", "sync", "status"]) == 0
    out = capsys.readouterr().out
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in out)


def test_conflicts_from_the_command_line_follow_who_may_see_the_case(
    network_template: Path,  # noqa: F811
    tmp_path: Path,
    env: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A field worker of another team neither lists nor decides the case's conflict; a
    supervisor who may see it cannot store a value that is not one of the field's codes."""
    laptops = make_laptops(network_template, tmp_path)
    concurrent_risk(laptops, on_a="high", on_b="critical")
    exchange(laptops.a, laptops.b)
    env.setenv("CMDESK_PASSPHRASE", STAFF_PASS)
    b = str(laptops.b)
    with open_as(laptops.b) as ws:
        (conflict,) = open_conflicts(ws.sync)

    assert cli(capsys, laptops.b, "sync", "conflicts", user=FIELD_WORKER) == []
    code = main(
        ["--vault", b, "--user", FIELD_WORKER, "sync", "resolve", conflict.id, "--value", "low"]
    )
    assert code != 0
    assert "permission" in capsys.readouterr().err

    code = main(
        [
            "--vault",
            b,
            "--user",
            SUPERVISOR,
            "sync",
            "resolve",
            conflict.id,
            "--value",
            "not-a-risk-level",
        ]
    )
    assert code != 0
    assert "does not fit the field" in capsys.readouterr().err
    with open_as(laptops.b) as ws:
        assert len(open_conflicts(ws.sync)) == 1  # refused twice: nothing changed
        assert ws.cases.get(laptops.case_id).risk_level == "critical"

    listed = cli(capsys, laptops.b, "sync", "conflicts", user=SUPERVISOR)
    assert [c["id"] for c in listed] == [conflict.id]  # type: ignore[index, union-attr]
    cli(capsys, laptops.b, "sync", "resolve", conflict.id, "--value", "low", user=SUPERVISOR)
    with open_as(laptops.b) as ws:
        assert open_conflicts(ws.sync) == []
        assert ws.cases.get(laptops.case_id).risk_level == "low"
