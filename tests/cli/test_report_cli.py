"""`cmdesk report ...` as staff script it: files written, exit codes, messages, Ctrl+C."""

from __future__ import annotations

import json
import os
import shutil
import signal
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

import cmdesk.core.reports as reports_layer
from cmdesk.cli.main import main
from tests.core.records.conftest import PASS, records_template
from tests.core.reports.pdftools import every_byte, pdftotext_raw
from tests.core.reports.test_from_vault import (
    LATIN_SURNAME,
    Printed,
    printed_template,
    rvault,
)

__all__ = ["printed_template", "records_template", "rvault"]

Run = Callable[..., int]


@pytest.fixture
def vault(printed_template: tuple[Path, Printed], tmp_path: Path) -> Path:
    dest = tmp_path / "vault"
    shutil.copytree(printed_template[0], dest)
    return dest


@pytest.fixture
def printed(printed_template: tuple[Path, Printed]) -> Printed:
    return printed_template[1]


@pytest.fixture
def run(vault: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.delenv("CMDESK_USER", raising=False)
    monkeypatch.setenv("CMDESK_PASSPHRASE", PASS)
    monkeypatch.setenv("CMDESK_LANG", "en")

    def cmdesk(*args: str, user: str = "anong") -> int:
        return main(["--vault", str(vault), "--user", user, *args])

    return cmdesk


def test_case_summary_to_a_file(
    run: Run, printed: Printed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "case.pdf"
    assert run("report", "case", printed.case_number, "-o", str(out)) == 0
    said = capsys.readouterr().out
    assert f"Wrote {out}." in said
    assert "not encrypted like the vault" in said  # a PDF is plaintext: the user is told
    assert out.stat().st_mode & 0o777 == 0o600
    assert LATIN_SURNAME in pdftotext_raw(out.read_bytes(), tmp_path)


def test_document_language_is_independent_of_the_messages(
    run: Run, printed: Printed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    thai_doc = tmp_path / "th.pdf"
    assert run("report", "case", printed.case_id, "--lang", "th", "-o", str(thai_doc)) == 0
    assert "Wrote" in capsys.readouterr().out  # messages stay English
    assert "สรุปข้อมูลเคส" in pdftotext_raw(thai_doc.read_bytes(), tmp_path)
    english_doc = tmp_path / "en.pdf"
    code = run(
        "--lang", "th", "report", "case", printed.case_id, "--lang", "en", "-o", str(english_doc)
    )
    assert code == 0
    assert "บันทึกไฟล์" in capsys.readouterr().out  # Thai messages
    assert "Case summary" in pdftotext_raw(english_doc.read_bytes(), tmp_path)


def test_an_existing_file_is_kept_unless_forced(
    run: Run, printed: Printed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "case.pdf"
    out.write_bytes(b"earlier")
    assert run("report", "case", printed.case_id, "-o", str(out)) == 1
    assert "exists already" in capsys.readouterr().err
    assert out.read_bytes() == b"earlier"
    assert run("report", "case", printed.case_id, "-o", str(out), "--force") == 0
    assert out.read_bytes().startswith(b"%PDF")


def test_refusals_exit_1_with_a_message_and_write_nothing(
    run: Run, printed: Printed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "case.pdf"
    assert run("report", "case", printed.case_id, "-o", str(out), user="ton") == 1
    err = capsys.readouterr().err
    assert "do not have permission" in err and "Traceback" not in err
    assert not out.exists()
    assert run("report", "case", "no-such-case", "-o", str(out)) == 1
    assert "not found" in capsys.readouterr().err
    short = tmp_path / "pw.txt"
    short.write_text("abc\n")
    assert (
        run("report", "case", printed.case_id, "-o", str(out), "--password-file", str(short)) == 1
    )
    assert "at least 8 characters" in capsys.readouterr().err
    assert not out.exists()


def test_levels_and_password(
    run: Run, printed: Printed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conf = tmp_path / "conf.pdf"
    assert run("report", "case", printed.case_id, "--level", "conference", "-o", str(conf)) == 0
    assert LATIN_SURNAME.encode() not in every_byte(conf.read_bytes())
    secret = tmp_path / "pw.txt"
    secret.write_text("a long pdf password\n")
    locked = tmp_path / "locked.pdf"
    code = run(
        "report", "referral", printed.referral_id, "-o", str(locked), "--password-file", str(secret)
    )
    assert code == 0
    assert "protected with the password" in capsys.readouterr().out
    reader = PdfReader(BytesIO(locked.read_bytes()))
    assert reader.is_encrypted and reader.decrypt("a long pdf password") != 0


def test_consent_and_caseload_documents(
    run: Run, printed: Printed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    consent = tmp_path / "consent.pdf"
    code = run(
        "report",
        "consent",
        printed.case_number,
        "--purpose",
        "services",
        "-o",
        str(consent),
        "--json",
    )
    assert code == 0
    said = json.loads(capsys.readouterr().out)
    assert said == {
        "file": str(consent),
        "document": "consent_form",
        "lang": "en",
        "level": "full",
        "password": False,
    }
    load = tmp_path / "caseload.pdf"
    assert run("report", "caseload", "--team", "maesai", "-o", str(load), user="malee") == 0
    assert printed.case_number in pdftotext_raw(load.read_bytes(), tmp_path)
    assert (
        run("report", "caseload", "--team", "maesai", "-o", str(tmp_path / "x.pdf"), user="ton")
        == 1
    )
    with pytest.raises(SystemExit) as usage:
        run("report", "caseload", "--team", "a", "--worker", "b", "-o", str(load))
    assert usage.value.code == 2


def test_batch_of_open_cases_with_progress(
    run: Run, printed: Printed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "batch"
    assert run("report", "cases", "--all-open", "-o", str(out), user="malee") == 0
    captured = capsys.readouterr()
    files = sorted(out.iterdir())
    assert len(files) == 2  # the two open cases of the vault
    assert f"Wrote 2 PDFs to {out}." in captured.out
    assert "not encrypted like the vault" in captured.out
    assert "Printed 1 of 2" in captured.err and "Printed 2 of 2" in captured.err


def test_ctrl_c_stops_the_batch_after_a_complete_file(
    run: Run,
    printed: Printed,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = reports_layer.build_case_summary

    def press_ctrl_c(*args: object, **kwargs: object) -> bytes:
        os.kill(os.getpid(), signal.SIGINT)  # while the first document is being made
        return real(*args, **kwargs)

    monkeypatch.setattr(reports_layer, "build_case_summary", press_ctrl_c)
    before = signal.getsignal(signal.SIGINT)
    out = tmp_path / "batch"
    code = run(
        "report",
        "cases",
        "--ids",
        printed.case_id,
        printed.hidden_case_id,
        "-o",
        str(out),
        "--json",
        user="malee",
    )
    assert code == 1
    captured = capsys.readouterr()
    result = json.loads(captured.out)
    assert result["cancelled"] is True and result["total"] == 2
    assert [Path(p).name for p in result["written"]] == [p.name for p in sorted(out.iterdir())]
    assert len(result["written"]) == 1
    assert PdfReader(Path(result["written"][0])).pages
    assert "Stopping after the current document" in captured.err
    assert signal.getsignal(signal.SIGINT) == before  # the handler is put back


def test_batch_refuses_before_writing_if_any_case_is_not_allowed(
    run: Run, printed: Printed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "batch"
    code = run(
        "report",
        "cases",
        "--ids",
        printed.case_id,
        printed.hidden_case_id,
        "-o",
        str(out),
        user="pim",
    )
    assert code == 1
    assert "do not have permission" in capsys.readouterr().err
    assert not out.exists()
