"""`cmdesk-selfcheck`: does this installation have everything cmdesk loads at run time?

The CLI's vault commands do not touch reports, Thai word breaking or the place names, and the
GUI loads them lazily, so a file missing from the bundle would only show when a field worker
first prints a referral slip in a village. This runs each of those paths once, offline, on
made-up data (only a throwaway database in the temp folder is written), and exits 1 if any
fails. The smoke test runs it;
a data manager can run it on a laptop before handing it out.
"""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Callable
from datetime import date

CHECKS: list[tuple[str, Callable[[], str]]] = []


def check(fn: Callable[[], str]) -> Callable[[], str]:
    CHECKS.append((fn.__name__, fn))
    return fn


@check
def migrations() -> str:
    """Runs every migration, from an empty database to head, on a throwaway SQLCipher file:
    this is what a laptop does on its first start after an update, through env.py and each
    revision file, whose imports PyInstaller cannot see."""
    import os
    import tempfile
    from pathlib import Path

    from cmdesk.core.vault import migrate
    from cmdesk.core.vault.engine import make_engine

    revisions = list(migrate.script().walk_revisions())
    with tempfile.TemporaryDirectory(prefix="cmdesk-selfcheck-") as tmp:
        engine = make_engine(Path(tmp) / "check.db", os.urandom(32), create=True)
        try:
            migrate.upgrade(engine)
            current = migrate.current_revision(engine)
        finally:
            engine.dispose()
    if current != migrate.head():
        raise RuntimeError(f"upgraded to {current}, head is {migrate.head()}")
    return f"{len(revisions)} revisions applied to an empty vault, head {current}"


@check
def catalogs() -> str:
    from cmdesk.core.i18n.catalogs import default_catalog_dir, load_domain, po_files

    domains = po_files(default_catalog_dir(), "th")
    if not domains:
        raise RuntimeError(f"no Thai catalogs in {default_catalog_dir()}")
    counts = {}
    for domain, po in domains.items():
        mo = po.with_suffix(".mo")
        if not mo.is_file() or mo.stat().st_mtime < po.stat().st_mtime:
            raise RuntimeError(f"{domain}: no compiled .mo at least as new as the .po")
        messages = load_domain(po, "th")._catalog  # type: ignore[attr-defined]
        counts[domain] = sum(1 for k, v in messages.items() if k and _is_thai(v))
    if not sum(counts.values()):
        raise RuntimeError("the Thai catalogs hold no Thai translations")
    return "Thai messages per domain: " + ", ".join(f"{d} {n}" for d, n in counts.items())


def _is_thai(text: object) -> bool:
    return isinstance(text, str) and any("\u0e01" <= ch <= "\u0e7f" for ch in text)


@check
def dates() -> str:
    from cmdesk.core.i18n import format_date, parse_date

    th = format_date(date(2025, 1, 15), "th", "long")
    en = format_date(date(2025, 1, 15), "en", "long")
    if "มกราคม" not in th or "2568" not in th or "January" not in en:
        raise RuntimeError(f"unexpected dates: {th!r} / {en!r}")
    parsed = parse_date("15 ม.ค. 2568", "th")
    if parsed != date(2025, 1, 15):
        raise RuntimeError(f"parsed {parsed!r}")
    return f"{th} / {en}"


@check
def places() -> str:
    from cmdesk.core.reference import geography

    chiang_rai = geography.province(geography.CHIANG_RAI)
    found = geography.search_places("แม่สาย")
    if chiang_rai is None or not found:
        raise RuntimeError("GeoThai data missing")
    return f"{chiang_rai.name_th}, {len(geography.districts('57'))} districts"


@check
def thai_words() -> str:
    from cmdesk.core.reports.thai_wrap import thai_words

    words = thai_words("เด็กหญิงอาศัยอยู่ที่อำเภอแม่สาย")
    if len(words) < 4:
        raise RuntimeError(f"word list not loaded: {words!r}")
    return " | ".join(words)


@check
def reports() -> str:
    from dataclasses import replace

    from cmdesk.core.i18n import translator
    from cmdesk.core.reports import (
        Level,
        build_case_summary,
        build_caseload_report,
        build_consent_form,
        build_referral_slip,
        samples,
    )

    sizes = []
    for lang, logo_format in (("th", "PNG"), ("en", "JPEG")):
        tr = translator(lang)
        org = samples.organisation(lang, _logo(logo_format))
        common = {"tr": tr, "printed_by": "selfcheck", "printed_at": samples.PRINTED_AT}
        built = (
            build_case_summary(
                replace(samples.case_summary(lang), organisation=org), level=Level.FULL, **common
            ),
            # A password-protected copy: AES-256 through pypdf and cryptography.
            build_referral_slip(
                samples.referral_slip(lang),
                level=Level.PARTNER,
                password="ทดสอบ 1234",  # noqa: S106 (a throwaway document of made-up data)
                **common,
            ),
            build_consent_form(samples.consent_form(lang), level=Level.FULL, **common),
            build_caseload_report(samples.caseload(lang, cases=5), level=Level.FULL, **common),
        )
        for pdf in built:
            if not pdf.startswith(b"%PDF-"):
                raise RuntimeError("a document was not a PDF")
        if b"/Encrypt" not in built[1] or b"Sarabun" not in built[0]:
            raise RuntimeError("no encryption in the protected PDF, or Sarabun not embedded")
        sizes.append(sum(len(p) for p in built))
    return f"8 PDFs (PNG and JPEG logos, one AES-256 protected), {sum(sizes) // 1024} KiB"


def _logo(image_format: str) -> bytes:
    """An organisation logo as PNG or JPEG bytes (reportlab reads both through Pillow)."""
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (32, 32), (32, 86, 140)).save(out, format=image_format)
    return out.getvalue()


@check
def crypto() -> str:
    import argon2.low_level
    import nacl.public
    import zstandard
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    key = AESGCM.generate_key(bit_length=256)
    box = AESGCM(key).encrypt(b"\0" * 12, b"x", None)
    sealed = nacl.public.SealedBox(nacl.public.PrivateKey.generate().public_key).encrypt(b"x")
    argon2.low_level.hash_secret_raw(
        b"p",
        b"saltsalt",
        time_cost=1,
        memory_cost=8,
        parallelism=1,
        hash_len=32,
        type=argon2.low_level.Type.ID,
    )
    packed = zstandard.ZstdCompressor().compress(b"cmdesk" * 100)
    if zstandard.ZstdDecompressor().decompress(packed) != b"cmdesk" * 100 or not box or not sealed:
        raise RuntimeError("round trip failed")
    return "AES-GCM, sealed box, Argon2id, zstd"


@check
def sqlcipher() -> str:
    import sqlcipher3

    conn = sqlcipher3.connect(":memory:")
    version = conn.execute("PRAGMA cipher_version").fetchone()
    conn.close()
    if not version:
        raise RuntimeError("sqlcipher3 is plain SQLite: no cipher_version")
    return f"SQLCipher {version[0]}"


@check
def icons() -> str:
    from cmdesk.resources import resources_dir

    icons = sorted((resources_dir() / "icons").glob("*.svg"))
    if not any(p.stem == "app" for p in icons):
        raise RuntimeError(f"app.svg missing from {resources_dir() / 'icons'}")
    return f"{len(icons)} SVG icons"


def main() -> int:
    failed = 0
    for name, fn in CHECKS:
        started = time.perf_counter()
        try:
            detail = fn()
        except Exception:
            failed += 1
            print(f"FAIL {name}", flush=True)
            traceback.print_exc()
            continue
        ms = (time.perf_counter() - started) * 1000
        print(f"ok   {name:<11} {ms:6.0f} ms  {detail}", flush=True)
    print("cmdesk-selfcheck:", "all checks passed" if not failed else f"{failed} check(s) FAILED")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
