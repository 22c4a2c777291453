"""An erased child cannot be found, and nothing of their text survives in the vault's pages,
decrypted with the vault's own key: not in the index's terms, not in freed pages, not in the
WAL."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from sqlalchemy import text

from cmdesk.core.services.pdpa import Witness
from cmdesk.core.vault.store import VaultPaths
from tests.conftest import ADMIN
from tests.core.search.conftest import PASS, Open
from tests.core.search.helpers import register

PAGE = 4096  # SQLCipher 4 defaults: 4 KiB pages ending in a 16-byte IV and a 64-byte HMAC
RESERVE = 80
WAL_HEADER, FRAME_HEADER = 32, 24

# Obsolete letters no generated name uses: their bytes appear only where this child's are.
GIVEN, FAMILY, LATIN = "ฃฅฃฅนา", "ฅฃฅฃวงศ์", "Qxqzvanee"
# Where two of them meet: still present when an index term is stored with a shared prefix cut.
MARKS = ("ฃฅ".encode()[2:6], "ฅฃ".encode()[2:6])


def _decrypt(page: bytes, key: bytes, first: bool) -> bytes:
    start = 16 if first else 0  # page 1 starts with the salt, in clear
    iv = page[PAGE - RESERVE : PAGE - RESERVE + 16]
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return decryptor.update(page[start : PAGE - RESERVE]) + decryptor.finalize()


def plaintext(root: Path, key: bytes) -> bytes:
    """Every page of the database file and of its WAL, decrypted."""
    paths = VaultPaths(root)
    data = paths.db.read_bytes()
    out = [_decrypt(data[i : i + PAGE], key, i == 0) for i in range(0, len(data), PAGE)]
    wal = paths.db.with_name(paths.db.name + "-wal")
    if wal.exists():
        frames = wal.read_bytes()[WAL_HEADER:]
        step = FRAME_HEADER + PAGE
        for i in range(0, len(frames) - step + 1, step):
            number = int.from_bytes(frames[i : i + 4], "big")
            out.append(_decrypt(frames[i + FRAME_HEADER : i + step], key, number == 1))
    return b"".join(out)


def traces(blob: bytes) -> list[str]:
    found = [w for w in (GIVEN, FAMILY, LATIN, LATIN.lower()) if w.encode() in blob]
    return found + [repr(m) for m in MARKS if m in blob]


def index_terms(ws_open: Open) -> list[str]:
    ws = ws_open("sup")
    with ws.ctx.read() as s:
        s.execute(text("CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, search_text, row)"))
        return [str(t) for t in s.scalars(text("SELECT term FROM temp.terms"))]


def test_erased_child_leaves_no_trace(open_as: Open, svault: Path) -> None:
    sup = open_as("sup")
    child, case = register(
        sup, given_name_th=GIVEN, family_name_th=FAMILY, given_name_latin=LATIN, nickname="ฃฅ"
    )
    sup.notes.add(case or "", f"เยี่ยมบ้าน {GIVEN} {LATIN}")
    assert sup.search.search("ฃฅฃ").rows
    key = sup.vault.data_key
    # The control: before erasure the child's text is there to be found, or the test is moot.
    assert set(traces(plaintext(svault, key))) >= {GIVEN, LATIN}
    assert any("ฃ" in t for t in index_terms(open_as))

    admin = open_as(ADMIN)
    admin.pdpa.erase_child(child, "data_subject_request", witness=Witness("sup", PASS))

    assert not sup.search.search("ฃฅฃ").rows
    assert not sup.search.search(LATIN[:5]).rows
    assert not sup.search.search("ฃฅ").rows  # the word-prefix index too
    assert not sup.search.children("ฃฅฃ").rows
    assert not [t for t in index_terms(open_as) if "ฃ" in t or "ฅ" in t]
    for ws in (sup, admin):
        ws.close()
    assert traces(plaintext(svault, key)) == []
