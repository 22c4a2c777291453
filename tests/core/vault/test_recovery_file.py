"""The recovery key file format shared by the CLI and the GUI."""

from __future__ import annotations

from pathlib import Path

import pytest

from cmdesk.core.errors import ValidationError
from cmdesk.core.vault.recovery_file import read_recovery_key, write_recovery_key


def test_a_written_key_reads_back_and_is_private(tmp_path: Path) -> None:
    key = bytes(range(32))
    path = tmp_path / "usb" / "recovery.txt"
    write_recovery_key(path, key)
    assert read_recovery_key(path) == key
    assert path.stat().st_mode & 0o077 == 0


def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("someone's notes")
    with pytest.raises(ValidationError):
        write_recovery_key(path, bytes(32))
    assert path.read_text() == "someone's notes"


@pytest.mark.parametrize("text", ["", "hello", "cmdesk recovery key v1\nAAAA\n"])
def test_other_files_are_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "k.txt"
    path.write_text(text)
    with pytest.raises(ValidationError):
        read_recovery_key(path)
